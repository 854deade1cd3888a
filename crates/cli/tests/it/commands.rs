//! End-to-end tests of the `gasket` binary: exit codes and output of `run` (success, trap,
//! invalid module, missing export, missing import, bad argument) and `wast` (a passing and a
//! failing script). Each test writes its inputs to its own temporary directory.

use crate::common::{gasket, temp_dir, text, write};

const WAT: &str = r#"(module
  (func (export "answer") (result i32) i32.const 42)
  (func (export "add") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
    local.get 0 i32.const 1 i32.add
    local.get 1 i64.const 1 i64.add
    local.get 2 f32.const 1 f32.add
    local.get 3 f64.const 1 f64.add)
  (func (export "boom") unreachable)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s))"#;

#[test]
fn run_success() {
    let dir = temp_dir("run_success");
    let wat = write(&dir, "m.wat", WAT.as_bytes());
    let out = gasket(&["run", wat.to_str().unwrap(), "--invoke", "answer"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "i32:42\n");

    let out = gasket(&["run", wat.to_str().unwrap(), "--invoke", "add", "-5", "0x10", "0.5", "1.5"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "i32:-4\ni64:17\nf32:1.5\nf64:2.5\n");
}

#[test]
fn run_binary_module() {
    let dir = temp_dir("run_binary");
    // (module (func (export "f") (result i32) i32.const 7))
    let wasm: &[u8] =
        b"\0asm\x01\0\0\0\x01\x05\x01\x60\0\x01\x7f\x03\x02\x01\0\x07\x05\x01\x01f\0\0\x0a\x06\x01\x04\0\x41\x07\x0b";
    let path = write(&dir, "m.wasm", wasm);
    let out = gasket(&["run", path.to_str().unwrap(), "--invoke", "f"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "i32:7\n");
}

#[test]
fn run_trap_exits_1() {
    let dir = temp_dir("run_trap");
    let wat = write(&dir, "m.wat", WAT.as_bytes());
    let out = gasket(&["run", wat.to_str().unwrap(), "--invoke", "boom"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("trap: unreachable"), "{}", text(&out.stderr));

    let out = gasket(&["run", wat.to_str().unwrap(), "--invoke", "div", "1", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("trap: integer divide by zero"), "{}", text(&out.stderr));
}

#[test]
fn run_invalid_module_exits_2_with_offset() {
    let dir = temp_dir("run_invalid");
    // A function declared to return i32 whose body is empty: a type error in the code section.
    let wasm: &[u8] = b"\0asm\x01\0\0\0\x01\x05\x01\x60\0\x01\x7f\x03\x02\x01\0\x0a\x04\x01\x02\0\x0b";
    let path = write(&dir, "bad.wasm", wasm);
    let out = gasket(&["run", path.to_str().unwrap(), "--invoke", "f"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("offset"), "{}", text(&out.stderr));
}

#[test]
fn run_missing_export_import_file_and_bad_args_exit_2() {
    let dir = temp_dir("run_missing");
    let wat = write(&dir, "m.wat", WAT.as_bytes());
    let wat = wat.to_str().unwrap();

    let out = gasket(&["run", wat, "--invoke", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no exported function `nope`"), "{}", text(&out.stderr));

    let out = gasket(&["run", wat, "--invoke", "div", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("takes 2 arguments"), "{}", text(&out.stderr));

    let out = gasket(&["run", wat, "--invoke", "div", "1", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a valid i32"), "{}", text(&out.stderr));

    let imp = write(&dir, "imp.wat", br#"(module (import "env" "f" (func)) (func (export "g")))"#);
    let out = gasket(&["run", imp.to_str().unwrap(), "--invoke", "g"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`env::f`"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no imports"), "{}", text(&out.stderr));

    let missing = dir.join("missing.wasm");
    let out = gasket(&["run", missing.to_str().unwrap(), "--invoke", "g"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read"), "{}", text(&out.stderr));
}

#[test]
fn wast_passing_file() {
    let dir = temp_dir("wast_pass");
    let script = r#"
(module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
(assert_return (invoke "f" (i32.const 1)) (i32.const 2))
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
"#;
    write(&dir, "a.wast", script.as_bytes());
    write(&dir, "ignored.txt", b"not a script");
    let out = gasket(&["wast", dir.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines, ["a.wast: 3 passed, 0 failed", "3 passed, 0 failed"]);
}

#[test]
fn wast_failing_file_exits_1() {
    let dir = temp_dir("wast_fail");
    let good = write(&dir, "good.wast", br#"(module (func (export "f") (result i32) i32.const 1))"#);
    let bad = write(
        &dir,
        "bad.wast",
        br#"(module (func (export "f") (result i32) i32.const 1))
(assert_return (invoke "f") (i32.const 2))"#,
    );
    let out = gasket(&["wast", good.to_str().unwrap(), bad.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "good.wast: 1 passed, 0 failed");
    assert_eq!(lines[1], "bad.wast: 1 passed, 1 failed");
    assert!(lines[2].starts_with("    2:2: assert_return:"), "{stdout}");
    assert_eq!(lines.last(), Some(&"2 passed, 1 failed"));
}

const LOOP: &str = r#"(module
  (func (export "loop") (param i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))"#;

#[test]
fn run_with_gas_prints_gas_used_last() {
    let dir = temp_dir("gas");
    let file = write(&dir, "loop.wat", LOOP.as_bytes());
    let file = file.to_str().unwrap();
    // docs/gas.md: 1 (entry, one local) + 9 per iteration.
    let out = gasket(&["run", file, "--invoke", "loop", "10", "--gas", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().last(), Some("gas_used: 91"));
    let out = gasket(&["run", file, "--invoke", "loop", "10", "--gas", "90"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("out of gas"), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().last(), Some("gas_used: 82"));
}

#[test]
fn inspect_prints_summary_limits_gas_and_time() {
    let dir = temp_dir("inspect");
    let file = write(&dir, "loop.wat", LOOP.as_bytes());
    let out = gasket(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("export loop: (func (param i32))"), "{stdout}");
    assert!(stdout.contains("block nesting depth"), "{stdout}");
    let bytes = wat::parse_str(LOOP).unwrap().len();
    assert!(stdout.contains(&format!("prepare_gas: {}", gasket::prepare_gas(bytes))), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("prepare_time: ") && l.ends_with(" µs")), "{stdout}");
    let bad = write(&dir, "bad.wasm", b"\0asm\x01\0\0\0\x01");
    assert_eq!(gasket(&["inspect", bad.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn inspect_bounds_prints_a_line_per_export_and_json() {
    const WAT: &str = r#"(module
      (func (export "ten") (result i32) (local i32)
        (loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 10))))
        (local.get 0))
      (func (export "param") (param i32)
        (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#;
    let dir = temp_dir("inspect-bounds");
    let file = write(&dir, "b.wasm", &wat::parse_str(WAT).unwrap());
    let out = gasket(&["inspect", "--bounds", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let engine = gasket::Engine::new(&gasket::Config {
        metering: Some(gasket::GasSchedule::default()),
        ..gasket::Config::default()
    });
    let module = gasket::Module::new(&engine, WAT).unwrap();
    let ten = module.bounds("ten").unwrap();
    let gas = ten.gas.at_most().unwrap();
    let stack = ten.stack_slots.at_most().unwrap();
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0], format!("ten gas<={gas} depth<=1 stack<={stack}"));
    assert!(lines[1].starts_with("param unbounded: loop trip count not proven at 0x"), "{stdout}");
    let json = gasket(&["inspect", "--bounds", "--json", file.to_str().unwrap()]);
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["functions"][0]["name"], "ten");
    assert_eq!(v["functions"][0]["gas"]["at_most"], gas);
    assert_eq!(v["functions"][1]["gas"]["unbounded"], "loop trip count not proven");
    let bad = write(&dir, "bad.wasm", b"\0asm\x01\0\0\0\x01");
    assert_eq!(gasket(&["inspect", "--bounds", bad.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn inspect_ir_lists_each_instruction_with_its_operands_and_charges() {
    let dir = temp_dir("inspect-ir");
    let file = write(&dir, "loop.wat", LOOP.as_bytes());
    let out = gasket(&["inspect", "--ir", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("func 0 (params 1"), "{stdout}");
    // Metered by default: the loop's charges and a branch paying the header run show.
    assert!(stdout.lines().any(|l| l.contains("Charge")), "{stdout}");
    assert!(stdout.contains("taken_gas="), "{stdout}");
    let unmetered = text(&gasket(&["inspect", "--ir", "--no-gas", file.to_str().unwrap()]).stdout);
    assert!(!unmetered.contains("Charge") && !unmetered.contains("taken_gas"), "{unmetered}");
    let one = gasket(&["inspect", "--ir", "--func", "0", file.to_str().unwrap()]);
    assert_eq!(text(&one.stdout), stdout);
    let missing = gasket(&["inspect", "--ir", "--func", "9", file.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("function 9"), "{}", text(&missing.stderr));
}

fn counter_wasm() -> String {
    format!("{}/../../contracts/wasm/counter.wasm", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn deploy_and_call_persist_state_across_processes() {
    let dir = temp_dir("contract");
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    let out = gasket(&["deploy", &counter_wasm(), "--data", data]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let address = text(&out.stdout).trim().to_string();
    assert!(address.starts_with("0x") && address.len() == 42, "{address}");
    for expected in ["0100000000000000", "0200000000000000"] {
        let out = gasket(&["call", &address, "increment", "--data", data, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["status"], "success");
        assert_eq!(v["return"], expected);
        assert_eq!(v["events"].as_array().map(Vec::len), Some(1));
    }
    let out = gasket(&["state", &address, "--data", data, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["storage"]["636f756e74"], "0200000000000000"); // "count" = 2
                                                                // A failing call exits 1 and changes nothing.
    let out = gasket(&["call", &address, "increment", "--data", data, "--gas", "100"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("out of gas"), "{}", text(&out.stdout));
    let out = gasket(&["call", &address, "get", "--data", data]);
    assert!(text(&out.stdout).contains("return: 0x0200000000000000"), "{}", text(&out.stdout));
    // Deploy prints JSON too; a second deploy gets a new address (the salt is the nonce).
    let out = gasket(&["deploy", &counter_wasm(), "--data", data, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(v["address"], address.as_str());
    // Bad addresses and unknown contracts are errors, exit 2.
    assert_eq!(gasket(&["call", "0x12", "get", "--data", data]).status.code(), Some(2));
    assert_eq!(gasket(&["state", &format!("0x{}", "00".repeat(20)), "--data", data]).status.code(), Some(2));
}

/// The ewasm token (contracts/ewasm/token.wat): an `ethereum` contract deploys and runs through
/// `gasket deploy` and `gasket call ... main`, with storage, logs, return data and revert.
#[test]
fn ewasm_contract_deploys_and_runs_main() {
    let dir = temp_dir("ewasm");
    let data = dir.join("data");
    let data = data.to_str().unwrap();
    let token = format!("{}/../../contracts/ewasm/token.wat", env!("CARGO_MANIFEST_DIR"));
    let out = gasket(&["deploy", &token, "--data", data]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let address = text(&out.stdout).trim().to_string();
    let call = |input: &str| {
        let out = gasket(&["call", &address, "main", "--input", input, "--data", data, "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), v)
    };
    // init(1000) by the default account 0x00…01, then transfer 300 to 0xbb…bb.
    let (code, v) = call("00e803000000000000");
    assert_eq!((code, v["status"].as_str()), (Some(0), Some("success")), "{v}");
    let to = "bb".repeat(20);
    let (code, v) = call(&format!("01{to}2c01000000000000"));
    assert_eq!(code, Some(0), "{v}");
    let topics = v["events"][0]["topics"].as_array().unwrap();
    assert_eq!(topics[0], "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    assert_eq!(topics[2], format!("{}{to}", "00".repeat(12)));
    let (_, v) = call(&format!("02{to}"));
    assert_eq!(v["return"], "2c01000000000000"); // 300
                                                 // A revert exits 1 with its data; the state is unchanged.
    let (code, v) = call(&format!("01{to}e903000000000000"));
    assert_eq!((code, v["status"].as_str()), (Some(1), Some("reverted")));
    assert_eq!(v["return"], "696e73756666696369656e742062616c616e6365"); // "insufficient balance"
    let out = gasket(&["state", &address, "--data", data, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bob_key = format!("01{to}{}", "00".repeat(11));
    assert_eq!(v["storage"][&bob_key], format!("2c01{}", "00".repeat(30)));
    // Value: credit the caller, send value with a call, see it leave the caller.
    let account = format!("0x{}01", "00".repeat(19));
    let out = gasket(&["credit", &account, "500", "--data", data]);
    assert_eq!(text(&out.stdout).trim(), "balance: 500");
    let out = gasket(&["call", &address, "main", "--input", &format!("02{to}"), "--value", "200", "--data", data]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = gasket(&["credit", &account, "0", "--data", data]);
    assert_eq!(text(&out.stdout).trim(), "balance: 300");
}
