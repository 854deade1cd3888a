//! WASI programs metered in both: gasket (its built-in meter plus gasket-wasi's prices) and
//! the reference meter (the rewriter's charges plus its own copy of the WASI prices, on
//! wasmi). The example programs of examples/wasi, which read stdin, write stdout, allocate,
//! read the clocks, sleep and ask for random bytes, must use the same gas and print the same.

use gasket_refmeter::runtime::{RefLimits, RefMeter};
use gasket_refmeter::wasi::{define_wasi, WasiSchedule};
use gasket_refmeter::{instrument, Schedule};
use gasket_wasi::{ClockConfig, WasiConfig, WasiCtx};

fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/../../examples/wasi/wasm/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const GAS: u64 = 1 << 34;

/// (gas used, stdout) in gasket.
fn gasket_run(wasm: &[u8], config: &WasiConfig) -> (u64, Vec<u8>) {
    let engine = gasket::Engine::new(&gasket_wasi::engine_config(true));
    let module = gasket::Module::new(&engine, wasm).unwrap();
    let linker = gasket_wasi::linker(&engine).unwrap();
    let r = gasket_wasi::run_command(&linker, &module, WasiCtx::new(config.clone()), Some(GAS)).unwrap();
    (r.gas_used.unwrap(), r.stdout)
}

/// (gas used, stdout) in the reference meter.
fn reference_run(wasm: &[u8], config: &WasiConfig) -> (u64, Vec<u8>) {
    let schedule = Schedule::default();
    let meter = RefMeter::new(schedule, RefLimits::default());
    let mut linker = meter.linker();
    define_wasi(&mut linker, WasiSchedule::default()).unwrap();
    let mut store = meter.store(GAS);
    store.data_mut().wasi = WasiCtx::new(config.clone());
    let module = meter.module(&instrument(wasm, &schedule).unwrap()).unwrap();
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let start = instance.get_typed_func::<(), ()>(&store, "_start").unwrap();
    // proc_exit ends the run with a host error; the gas and output are what matter here.
    let _ = start.call(&mut store, ());
    let used = GAS - store.data().gas_left();
    (used, store.data_mut().wasi.take_output().0)
}

#[test]
fn wasi_programs_use_the_same_gas_in_both_meters() {
    let tx = br#"{"from":"0x01","to":"0x02","value":"77","gas":21000,"gas_price":"3","nonce":1,"data":"0xdeadbeef"}"#;
    let cases: [(&str, WasiConfig); 4] = [
        ("hint", WasiConfig { stdin: tx.to_vec(), ..WasiConfig::default() }),
        ("hint", WasiConfig { stdin: b"not json".to_vec(), ..WasiConfig::default() }),
        ("wordfreq", WasiConfig { stdin: b"a b a c b a\nthe quick brown fox".to_vec(), ..WasiConfig::default() }),
        (
            "clockrand",
            WasiConfig {
                args: vec!["clockrand".into(), "3".into()],
                env: vec![("GREETING".into(), "hello".into())],
                clock: ClockConfig { realtime_ns: 1 << 60, ..ClockConfig::default() },
                seed: [1; 32],
                ..WasiConfig::default()
            },
        ),
    ];
    for (name, config) in cases {
        let wasm = example(name);
        let (g, g_out) = gasket_run(&wasm, &config);
        let (r, r_out) = reference_run(&wasm, &config);
        assert_eq!(g_out, r_out, "{name}: output");
        assert_eq!(g, r, "{name}: gas (gasket {g}, reference {r})");
        println!("{name}: {g} gas in both meters");
    }
}

#[test]
fn the_reference_copy_of_the_prices_matches_gasket_wasi() {
    let s = WasiSchedule::default();
    for spec in &gasket_wasi::FUNCTIONS {
        assert_eq!(s.base(spec.name), spec.base_gas, "{}", spec.name);
    }
    assert_eq!(s.per_byte, gasket_wasi::GAS_PER_BYTE);
}
