//! `--tier`: every command that runs code gives the same output on the compiled tier as on
//! the interpreter (where the compiler exists), and an unknown tier is a usage error.

use crate::common::{gasket, temp_dir, text};

fn root(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Standard output without its timings (`127 µs`), which differ from run to run.
fn untimed(out: &[u8]) -> String {
    text(out)
        .split_inclusive('\n')
        .map(|line| match line.find(" µs") {
            Some(end) => {
                let start = line[..end].rfind(' ').map_or(0, |s| s + 1);
                format!("{}N{}", &line[..start], &line[end..])
            }
            None => line.to_string(),
        })
        .collect()
}

/// Runs `args` on both tiers and checks the exit codes and standard output are equal.
fn same_on_both_tiers(args: &[&str]) -> String {
    let interpreted = gasket(&[args, &["--tier", "interpreter"]].concat());
    let compiled = gasket(&[args, &["--tier", "compiler"]].concat());
    assert_eq!(interpreted.status.code(), compiled.status.code(), "{args:?}: {}", text(&compiled.stderr));
    assert_eq!(untimed(&interpreted.stdout), untimed(&compiled.stdout), "{args:?}");
    text(&compiled.stdout)
}

#[test]
#[cfg(target_arch = "x86_64")]
fn run_wast_inspect_call_scout_and_wasi_agree_across_tiers() {
    let fib = root("examples/fib.wat");
    let out = same_on_both_tiers(&["run", &fib, "--invoke", "fib", "20", "--gas", "10000000"]);
    assert!(out.contains("i32:6765") && out.contains("gas_used: "), "{out}");
    // Out of gas at the same point, with the same gas used.
    let out = same_on_both_tiers(&["run", &fib, "--invoke", "fib", "20", "--gas", "12345"]);
    assert!(out.contains("gas_used: 12345") || out.contains("gas_used"), "{out}");
    let wast = root("crates/wast/tests/engine");
    let out = same_on_both_tiers(&["wast", &wast]);
    assert!(out.contains(" 0 failed"), "{out}");
    let scout = root("crates/scout/tests/ees/multi.yaml");
    same_on_both_tiers(&["scout", &scout]);
    // A WASI program (Rust std, serde_json) reading stdin.
    let dir = temp_dir("tier-wasi");
    let stdin = crate::common::write(&dir, "tx.json", br#"{"from":"a","to":"b","value":5,"gas_price":7}"#);
    let hint = root("examples/wasi/wasm/hint.wasm");
    same_on_both_tiers(&["wasi", &hint, "--gas", "100000000", "--stdin", stdin.to_str().unwrap()]);
    // The contract runtime: deploy and call on each tier's own state.
    for tier in ["interpreter", "compiler"] {
        let dir = temp_dir(&format!("tier-{tier}"));
        let data = dir.to_str().unwrap();
        let deploy = gasket(&["deploy", &root("contracts/wasm/counter.wasm"), "--data", data, "--tier", tier]);
        assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));
        let address = text(&deploy.stdout).trim().to_string();
        let call = gasket(&["call", &address, "increment", "--data", data, "--json", "--tier", tier]);
        assert_eq!(call.status.code(), Some(0), "{}", text(&call.stderr));
        assert!(text(&call.stdout).contains("\"gas_used\""), "{}", text(&call.stdout));
    }
    // inspect says which tier prepared the module.
    let compiled = text(&gasket(&["inspect", &fib, "--tier", "compiler"]).stdout);
    assert!(compiled.contains("tier: compiler") && compiled.contains("native_code: "), "{compiled}");
    let interpreted = text(&gasket(&["inspect", &fib]).stdout);
    assert!(interpreted.contains("tier: interpreter"), "{interpreted}");
}

#[test]
fn an_unknown_tier_is_a_usage_error() {
    let out = gasket(&["run", &root("examples/fib.wat"), "--invoke", "fib", "1", "--tier", "jit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown tier `jit`"), "{}", text(&out.stderr));
}
