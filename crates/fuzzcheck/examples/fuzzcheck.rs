//! Replays and inspects fuzz inputs without libFuzzer (docs/fuzzing.md):
//!
//! ```sh
//! cargo run -p gasket-fuzzcheck --example fuzzcheck -- run TARGET FILE...     # check each file
//! cargo run -p gasket-fuzzcheck --example fuzzcheck -- module TARGET FILE OUT # write the generated .wasm
//! cargo run -p gasket-fuzzcheck --example fuzzcheck -- diff MODULE             # (c) on a .wasm or .wat
//! ```

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: fuzzcheck run TARGET FILE... | module TARGET FILE OUT | diff MODULE";
    match args.first().map(String::as_str) {
        Some("run") if args.len() >= 3 => {
            let mut failed = false;
            for file in &args[2..] {
                let data = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
                match gasket_fuzzcheck::run_target(&args[1], &data) {
                    Ok(s) => println!("{file}: ok: {s}"),
                    Err(f) => {
                        println!("{file}: FINDING {f}");
                        failed = true;
                    }
                }
            }
            std::process::exit(failed as i32);
        }
        Some("module") if args.len() == 4 => {
            let data = std::fs::read(&args[2]).unwrap_or_else(|e| panic!("{}: {e}", args[2]));
            let wasm = match args[1].as_str() {
                "smith_prepare" => gasket_fuzzcheck::prepare::smith_module_bytes(&data),
                "differential" | "differential_compiled" => gasket_fuzzcheck::differential::module_bytes(&data),
                "tiers" => gasket_fuzzcheck::tiers::module_bytes(&data),
                other => panic!("target {other} generates no module"),
            };
            let wasm = wasm.unwrap_or_else(|| panic!("no module generated from {}", args[2]));
            std::fs::write(&args[3], wasm).unwrap();
        }
        Some("diff") if args.len() == 2 => {
            let bytes = std::fs::read(&args[1]).unwrap_or_else(|e| panic!("{}: {e}", args[1]));
            let wasm = if bytes.starts_with(b"\0asm") {
                bytes
            } else {
                wat::parse_bytes(&bytes).expect("valid text").into_owned()
            };
            let bounds = gasket_fuzzcheck::differential::Bounds::FUZZ;
            match gasket_fuzzcheck::differential::compare_module(&wasm, &mut arbitrary::Unstructured::new(&[]), &bounds)
            {
                Ok(r) => println!("ok: {r:?}"),
                Err(f) => {
                    println!("FINDING {f}");
                    std::process::exit(1);
                }
            }
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
