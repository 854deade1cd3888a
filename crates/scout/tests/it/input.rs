//! Invalid input is a typed [`ScoutError`], found before any block runs: a missing or
//! malformed YAML file, bad hex in every kind of field, wrong counts, a block for an EE that
//! does not exist, a missing script, an invalid module, imports the host does not provide or
//! provides with another type, and a missing or mistyped `main` or `memory`.

use gasket_scout::{hex::HexError, run, run_file, Options, Root, ScoutError, TestCase};

use crate::common::{case, temp_dir, write, yaml, ZERO};

const OK_EE: &str = r#"(module (memory (export "memory") 1) (func (export "main")))"#;

/// Writes `ok.wat` and `test.yaml` with `text`, and loads it.
fn load(test: &str, text: &str) -> Result<TestCase, ScoutError> {
    let dir = temp_dir(test);
    write(&dir, "ok.wat", OK_EE);
    TestCase::load(&write(&dir, "test.yaml", text))
}

#[test]
fn a_valid_minimal_file_loads() {
    let test = load("minimal", &yaml(&["ok.wat"], &[ZERO], &[(0, "")], &[ZERO])).unwrap();
    assert_eq!(test.blocks.len(), 1);
    assert!(run(&test, &Options::default(), &mut Vec::new()).unwrap().passed());
    // No blocks at all: the pre-state must equal the post-state.
    let test = load("no_blocks", &yaml(&["ok.wat"], &[ZERO], &[], &[ZERO])).unwrap();
    assert!(test.blocks.is_empty());
}

#[test]
fn missing_yaml_file() {
    let dir = temp_dir("missing_yaml");
    let err = run_file(&dir.join("nope.yaml"), &Options::default(), &mut Vec::new()).unwrap_err();
    assert!(matches!(err, ScoutError::Read { .. }), "{err}");
    assert!(err.to_string().contains("nope.yaml"), "{err}");
}

#[test]
fn malformed_yaml() {
    for (name, text) in [
        ("not_yaml", "beacon_state: [unclosed\n"),
        ("empty", ""),
        ("missing_key", "beacon_state:\n  execution_scripts: []\n"),
        ("wrong_type", &yaml(&["ok.wat"], &[ZERO], &[(0, "")], &[ZERO]).replace("env: 0", "env: zero")),
        ("negative_env", &yaml(&["ok.wat"], &[ZERO], &[(0, "")], &[ZERO]).replace("env: 0", "env: -1")),
    ] {
        let err = load(name, text).unwrap_err();
        assert!(matches!(err, ScoutError::Yaml { .. }), "{name}: {err}");
        assert!(err.to_string().contains("test.yaml"), "{name}: {err}");
    }
}

#[test]
fn bad_hex_names_the_field() {
    let bad_root = "zz".repeat(32);
    let short_root = "00".repeat(31);
    let cases = [
        (yaml(&["ok.wat"], &[&bad_root], &[], &[ZERO]), "shard_pre_state.exec_env_states[0]"),
        (yaml(&["ok.wat"], &[ZERO], &[], &[&short_root]), "shard_post_state.exec_env_states[0]"),
        (yaml(&["ok.wat"], &[ZERO], &[(0, "00"), (0, "abc")], &[ZERO]), "shard_blocks[1].data"),
        (yaml(&["ok.wat"], &[ZERO], &[(0, "0xg0")], &[ZERO]), "shard_blocks[0].data"),
    ];
    for (i, (text, field)) in cases.iter().enumerate() {
        let err = load(&format!("bad_hex_{i}"), text).unwrap_err();
        let ScoutError::Hex { field: got, .. } = &err else { panic!("{err}") };
        assert_eq!(got, field);
    }
    let err = load("bad_hex_short", &cases[1].0).unwrap_err();
    assert!(matches!(err, ScoutError::Hex { source: HexError::Length { expected: 32, found: 31 }, .. }), "{err}");

    let deposit = "deposit_receipts:\n  - pubkey: \"00\"\n    withdrawal_credentials: \"00\"\n    amount: 1\n    signature: \"00\"\n";
    let text = yaml(&["ok.wat"], &[ZERO], &[], &[ZERO]) + deposit;
    let err = load("bad_deposit", &text).unwrap_err();
    let ScoutError::Hex { field, .. } = &err else { panic!("{err}") };
    assert_eq!(field, "deposit_receipts[0].pubkey");
}

#[test]
fn counts_and_env_indices_are_checked() {
    let err = load("pre_count", &yaml(&["ok.wat"], &[ZERO, ZERO], &[], &[ZERO])).unwrap_err();
    assert!(matches!(err, ScoutError::StateCount { found: 2, scripts: 1, .. }), "{err}");
    let err = load("post_count", &yaml(&["ok.wat"], &[ZERO], &[], &[])).unwrap_err();
    assert!(matches!(err, ScoutError::StateCount { found: 0, scripts: 1, .. }), "{err}");
    let err = load("env_range", &yaml(&["ok.wat"], &[ZERO], &[(0, ""), (1, "")], &[ZERO])).unwrap_err();
    assert!(matches!(err, ScoutError::BlockEnv { block: 1, env: 1, scripts: 1 }), "{err}");
    let huge = yaml(&["ok.wat"], &[ZERO], &[(u64::MAX, "")], &[ZERO]);
    assert!(matches!(load("env_huge", &huge).unwrap_err(), ScoutError::BlockEnv { .. }));
}

#[test]
fn deposits_in_both_places_are_refused() {
    let entry = format!(
        "- pubkey: \"{}\"\n  withdrawal_credentials: \"{}\"\n  amount: 0\n  signature: \"{}\"\n",
        "00".repeat(48),
        "00".repeat(32),
        "00".repeat(96)
    );
    let indent = |n: usize| entry.lines().map(|l| format!("{}{l}\n", " ".repeat(n))).collect::<String>();
    let base = yaml(&["ok.wat"], &[ZERO], &[], &[ZERO]);
    // Under `shard_post_state` (the last mapping of `base`), then at the top level.
    let in_post = format!("{base}  deposit_receipts:\n{}", indent(4));
    assert_eq!(load("deposits_post", &in_post).unwrap().deposits.map(|d| d.len()), Some(1));
    let top = format!("{base}deposit_receipts:\n{}", indent(2));
    assert_eq!(load("deposits_top", &top).unwrap().deposits.map(|d| d.len()), Some(1));
    let both = format!("{in_post}deposit_receipts:\n{}", indent(2));
    assert!(matches!(load("deposits_twice", &both).unwrap_err(), ScoutError::DepositsTwice));
}

#[test]
fn missing_script_file() {
    let err = load("missing_script", &yaml(&["ok.wat", "gone.wasm"], &[ZERO, ZERO], &[], &[ZERO, ZERO])).unwrap_err();
    let ScoutError::Script { ee, path, .. } = &err else { panic!("{err}") };
    assert_eq!(*ee, 1);
    assert!(path.ends_with("gone.wasm"));
    assert!(err.to_string().contains("gone.wasm"), "{err}");
}

/// Runs a one-EE test over `wat` and returns its input error.
fn prepare_error(wat: &str) -> ScoutError {
    let test = case(&[wat], vec![Root::default()], vec![], vec![Root::default()]);
    run(&test, &Options::default(), &mut Vec::new()).expect_err("must be refused")
}

#[test]
fn invalid_modules() {
    assert!(matches!(prepare_error("\0asm\x01\0\0\0\x7f"), ScoutError::Module { ee: 0, .. }));
    assert!(matches!(prepare_error("(module (func (result i32)))"), ScoutError::Module { .. }));
    assert!(matches!(prepare_error("not wasm at all"), ScoutError::Module { .. }));
}

#[test]
fn imports_must_be_host_functions_of_the_right_type() {
    let unknown = r#"(module (import "eth2" "getBalance" (func)) (memory (export "memory") 1) (func (export "main")))"#;
    let err = prepare_error(unknown);
    let ScoutError::Import { module, name, reason, .. } = &err else { panic!("{err}") };
    assert_eq!((module.as_str(), name.as_str(), reason.as_str()), ("eth2", "getBalance", "no such host function"));

    let wrong_type = r#"(module (import "env" "eth2_blockDataSize" (func (result i64))) (memory (export "memory") 1) (func (export "main")))"#;
    let err = prepare_error(wrong_type);
    assert!(matches!(&err, ScoutError::Import { reason, .. } if reason.contains("differs")), "{err}");

    let memory = r#"(module (import "env" "memory" (memory 1)) (func (export "main")))"#;
    assert!(matches!(prepare_error(memory), ScoutError::Import { .. }));
}

#[test]
fn main_and_memory_exports_are_required() {
    let cases = [
        (r#"(module (memory (export "memory") 1))"#, "no function `main`"),
        (r#"(module (memory (export "memory") 1) (func (export "main") (param i32)))"#, "without parameters"),
        (r#"(module (memory (export "memory") 1) (global (export "main") i32 (i32.const 0)))"#, "without parameters"),
        (r#"(module (memory 1) (func (export "main")))"#, "no memory"),
        (r#"(module (func (export "main")))"#, "no memory"),
    ];
    for (wat, what) in cases {
        let err = prepare_error(wat);
        assert!(matches!(err, ScoutError::Export { ee: 0, .. }) && err.to_string().contains(what), "{wat}: {err}");
    }
}

#[test]
fn every_host_function_is_importable_under_both_names() {
    let functions = [
        ("eth2", "loadPreStateRoot", "(param i32)"),
        ("eth2", "blockDataSize", "(result i32)"),
        ("eth2", "blockDataCopy", "(param i32 i32 i32)"),
        ("eth2", "savePostStateRoot", "(param i32)"),
        ("eth2", "pushNewDeposit", "(param i32 i32)"),
        ("eth2", "useTicks", "(param i32)"),
        ("bignum", "add256", "(param i32 i32 i32)"),
        ("bignum", "sub256", "(param i32 i32 i32)"),
        ("debug", "print32", "(param i32)"),
        ("debug", "print64", "(param i64)"),
        ("debug", "printMem", "(param i32 i32)"),
        ("debug", "printMemHex", "(param i32 i32)"),
    ];
    let imports: String = functions
        .iter()
        .map(|(ns, name, ty)| {
            format!("(import \"{ns}\" \"{name}\" (func {ty}))(import \"env\" \"{ns}_{name}\" (func {ty}))")
        })
        .collect();
    let wat = format!("(module {imports} (memory (export \"memory\") 1) (func (export \"main\")))");
    let test = case(&[&wat], vec![Root::default()], vec![], vec![Root::default()]);
    run(&test, &Options::default(), &mut Vec::new()).unwrap_or_else(|e| panic!("{e}"));
    // And nothing else: the bare names are not in `env`.
    let bare =
        r#"(module (import "env" "useTicks" (func (param i32))) (memory (export "memory") 1) (func (export "main")))"#;
    assert!(matches!(prepare_error(bare), ScoutError::Import { .. }));
}
