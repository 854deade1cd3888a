//! Writes the bombs crate's ordinary compiler-like module of about 4 MiB to a file, as an input
//! for the `prepare` example (preparation profiling; see docs/compiler.md).
//!
//! cargo run --release -p gasket --example ordinary -- OUT.wasm

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: ordinary OUT.wasm")?;
    let bytes = gasket_bombs::generate(gasket_bombs::Family::Ordinary, 4 << 20);
    std::fs::write(&out, &bytes)?;
    println!("{} bytes to {out}", bytes.len());
    Ok(())
}
