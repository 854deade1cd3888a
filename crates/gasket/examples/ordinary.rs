//! Writes a bombs-crate module of about 4 MiB to a file (the ordinary compiler-like family by
//! default, or the family named), as an input for the `prepare` example (preparation
//! profiling; see docs/compiler.md). Prints the family's expectation (accept or reject).
//!
//! cargo run --release -p gasket --example ordinary -- OUT.wasm [FAMILY]

use gasket_bombs::Family;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or("usage: ordinary OUT.wasm [FAMILY]")?;
    let name = args.next().unwrap_or_else(|| "ordinary".into());
    let family = Family::ALL.iter().copied().find(|f| f.name() == name).ok_or_else(|| {
        format!("no family {name}; families: {:?}", Family::ALL.iter().map(|f| f.name()).collect::<Vec<_>>())
    })?;
    let bytes = gasket_bombs::generate(family, 4 << 20);
    std::fs::write(&out, &bytes)?;
    println!("{} bytes of {name} ({:?}) to {out}", bytes.len(), family.expect());
    Ok(())
}
