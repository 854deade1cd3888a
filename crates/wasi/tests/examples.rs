//! The example programs (examples/wasi/wasm, built by scripts/build-wasi-examples.sh) run 100
//! times each: the same stdout, exit code and gas every time, including the program that
//! reads the clocks, sleeps and asks for random bytes, and the Go program (GOOS=wasip1), whose
//! runtime waits on timers through poll_oneoff and reads the clock in loops.

use gasket::{Engine, Module};
use gasket_wasi::{engine_config, linker, run_command, ClockConfig, Outcome, RunResult, WasiConfig, WasiCtx};

fn program(name: &str) -> Vec<u8> {
    let path = format!("{}/../../examples/wasi/wasm/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}; run scripts/build-wasi-examples.sh"))
}

fn hundred_runs(name: &str, config: WasiConfig) -> RunResult {
    let engine = Engine::new(&engine_config(true));
    let module = Module::new(&engine, program(name)).unwrap();
    let linker = linker(&engine).unwrap();
    let first = run_command(&linker, &module, WasiCtx::new(config.clone()), Some(1 << 32)).unwrap();
    for i in 1..100 {
        let again = run_command(&linker, &module, WasiCtx::new(config.clone()), Some(1 << 32)).unwrap();
        assert_eq!(again, first, "{name}: run {i} differs");
    }
    first
}

#[test]
fn clockrand_is_reproducible() {
    let config = WasiConfig {
        args: vec!["clockrand".into(), "6".into()],
        clock: ClockConfig { realtime_ns: 1_700_000_000_123_456_789, ..ClockConfig::default() },
        seed: [0x5a; 32],
        ..WasiConfig::default()
    };
    let r = hundred_runs("clockrand", config);
    assert_eq!(r.outcome, Outcome::Exit(6));
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(out.starts_with("realtime: 1700000000.123456789\nslept at least 10 ms: true\n"), "{out}");
    assert!(out.contains("random hashes: "), "{out}");
    assert!(r.gas_used.unwrap() > 0);
}

#[test]
fn hint_is_reproducible() {
    let stdin =
        br#"{"from":"0x01","to":null,"value":"9","gas":100,"gas_price":"3","nonce":0,"data":"0x6080"}"#.to_vec();
    let r = hundred_runs("hint", WasiConfig { stdin, ..WasiConfig::default() });
    assert_eq!(r.outcome, Outcome::Exit(0));
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(out.starts_with(r#"{"kind":"deployment","to":null,"selector":null,"calldata_bytes":2,"value_bucket":"1","max_fee_wei":"300","nonce":0"#), "{out}");
}

#[test]
fn go_program_is_reproducible() {
    let stdin = br#"{"bids":[{"bidder":"bob","amount":30},{"bidder":"alice","amount":50}]}"#.to_vec();
    let config =
        WasiConfig { args: vec!["gotally".into(), "clock".into()], stdin, seed: [7; 32], ..WasiConfig::default() };
    let r = hundred_runs("gotally", config);
    assert_eq!(r.outcome, Outcome::Exit(0));
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(
        out.starts_with("{\"winner\":\"alice\",\"second_price\":30,\"ranking\":[\"alice\",\"bob\"],\"bids\":2}\nnow "),
        "{out}"
    );
    assert!(out.contains("(at least 10ms: true) random "), "{out}");
}
