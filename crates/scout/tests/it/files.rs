//! The committed EEs and YAML tests in `tests/ees`: every one passes except `wrong_root.yaml`,
//! which must fail naming the EE and both roots; deposits are compared exactly or, on
//! request, as Scout does; a `.wasm` binary works as a script like the text form.

use gasket_scout::{run_file, DepositCheck, Failure, Options, Root, TestCase};

use crate::common::{ees_dir, temp_dir, write};

/// The YAML tests that must fail, by file name.
const MUST_FAIL: &[&str] = &["wrong_root.yaml"];

fn yamls() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(ees_dir())
        .expect("tests/ees exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_committed_yaml_passes_except_the_failing_one() {
    let files = yamls();
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for expected in ["hello.yaml", "kv.yaml", "counter.yaml", "multi.yaml", "deposits.yaml", "wrong_root.yaml"] {
        assert!(names.iter().any(|n| n == expected), "{expected} is missing from tests/ees: {names:?}");
    }
    for path in &files {
        let mut debug = Vec::new();
        let report =
            run_file(path, &Options::default(), &mut debug).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy();
        if MUST_FAIL.contains(&&*name) {
            assert!(!report.passed(), "{name} must fail");
        } else {
            assert!(report.passed(), "{name}: {:?}", report.failures);
            let test = TestCase::load(path).unwrap();
            assert_eq!(report.blocks.len(), test.blocks.len(), "{name}");
            assert_eq!(report.roots, test.post_state, "{name}");
        }
    }
}

#[test]
fn wrong_root_names_the_ee_and_both_roots() {
    let path = ees_dir().join("wrong_root.yaml");
    let test = TestCase::load(&path).unwrap();
    let report = run_file(&path, &Options::default(), &mut Vec::new()).unwrap();
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    let Failure::RootMismatch { env, expected, actual } = &report.failures[0] else {
        panic!("{:?}", report.failures);
    };
    assert_eq!((*env, *expected), (0, test.post_state[0]));
    assert_ne!(actual, expected);
    assert_eq!(*actual, report.roots[0]);
    let message = report.failures[0].to_string();
    assert!(message.contains(&expected.to_string()) && message.contains(&actual.to_string()), "{message}");
    assert!(message.contains("environment 0"), "{message}");
}

#[test]
fn hello_prints_to_the_debug_writer() {
    let mut debug = Vec::new();
    let report = run_file(&ees_dir().join("hello.yaml"), &Options::default(), &mut debug).unwrap();
    assert!(report.passed());
    let debug = String::from_utf8(debug).unwrap();
    let expected = [
        "[block 0 env 0] printMem: hello, world",
        "[block 0 env 0] print32: 42",
        "[block 0 env 0] print64: 4294967296",
        &format!("[block 0 env 0] printMemHex: {}", "00".repeat(32)),
    ];
    assert_eq!(debug.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn reports_gas_and_ticks_per_block() {
    let report = run_file(&ees_dir().join("multi.yaml"), &Options::default(), &mut Vec::new()).unwrap();
    let test = TestCase::load(&ees_dir().join("multi.yaml")).unwrap();
    for (b, block) in report.blocks.iter().zip(&test.blocks) {
        assert_eq!(b.env, block.env);
        assert!(b.gas_used > 0);
        // kv declares a tick per 64-byte record, counter one per 33-byte operation.
        let per = if block.env == 0 { 64 } else { 33 };
        assert_eq!(b.ticks, (block.data.len() / per) as u64, "block {}", b.block);
        assert!(b.saved_root);
    }
    // More data hashed costs more gas.
    let kv: Vec<_> = report.blocks.iter().filter(|b| b.env == 0).collect();
    assert!(kv.iter().any(|b| b.ticks == 2) && kv.iter().any(|b| b.ticks == 0));
    let gas = |t: u64| kv.iter().find(|b| b.ticks == t).unwrap().gas_used;
    assert!(gas(2) > gas(1) && gas(1) > gas(0));
}

/// `deposits.yaml` with its expected list rewritten by `edit`.
fn deposits_variant(test: &str, edit: impl Fn(&str) -> String) -> std::path::PathBuf {
    let dir = temp_dir(test);
    let text = std::fs::read_to_string(ees_dir().join("deposits.yaml")).unwrap();
    let wat = std::fs::read(ees_dir().join("deposit.wat")).unwrap();
    write(&dir, "deposit.wat", wat);
    write(&dir, "deposits.yaml", edit(&text))
}

#[test]
fn deposits_are_compared_as_scout_does_by_default_and_exactly_on_request() {
    let exact = Options { deposit_check: DepositCheck::Exact, ..Options::default() };
    // The second expected deposit's amount changed from 1 to 2.
    let path = deposits_variant("deposit_amount", |t| t.replacen("amount: 1\n", "amount: 2\n", 1));
    let report = run_file(&path, &Options::default(), &mut Vec::new()).unwrap();
    assert!(matches!(report.failures[..], [Failure::DepositMissing { index: 1, .. }]), "{:?}", report.failures);
    let report = run_file(&path, &exact, &mut Vec::new()).unwrap();
    assert_eq!(report.deposits.len(), 3);
    let [Failure::DepositMismatch { index: 1, expected, actual }] = &report.failures[..] else {
        panic!("{:?}", report.failures);
    };
    // The amount is the 8 little-endian bytes at 80..88 of the encoding.
    assert_eq!(&expected[160..176], "0200000000000000");
    assert_eq!(&actual[160..176], "0100000000000000");

    // Only the first two listed: a count mismatch exactly, but a pass as a subset (Scout).
    let path = deposits_variant("deposit_subset", |t| {
        let cut = t.find("  - pubkey: \"0303").unwrap();
        t[..cut].to_string()
    });
    let report = run_file(&path, &exact, &mut Vec::new()).unwrap();
    assert_eq!(report.failures, vec![Failure::DepositCount { expected: 2, actual: 3 }]);
    let subset = Options::default();
    assert_eq!(subset.deposit_check, DepositCheck::Subset);
    assert!(run_file(&path, &subset, &mut Vec::new()).unwrap().passed());

    // A listed deposit never pushed fails both ways.
    let path = deposits_variant("deposit_missing", |t| t.replacen("amount: 32000000000", "amount: 31000000000", 1));
    let report = run_file(&path, &subset, &mut Vec::new()).unwrap();
    assert!(matches!(report.failures[..], [Failure::DepositMissing { index: 0, .. }]), "{:?}", report.failures);
}

#[test]
fn deposits_are_also_accepted_in_the_post_state() {
    let path = deposits_variant("deposit_post_state", |t| {
        let (head, list) = t.split_at(t.find("deposit_receipts:").unwrap());
        let indented: String = list.lines().map(|l| format!("  {l}\n")).collect();
        format!("{head}{indented}")
    });
    // The list, indented, now belongs to `shard_post_state`, the mapping before it.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\n  deposit_receipts:"), "{text}");
    assert!(run_file(&path, &Options::default(), &mut Vec::new()).unwrap().passed());
}

#[test]
fn a_binary_wasm_script_runs_like_its_text() {
    let dir = temp_dir("binary_script");
    let wasm = wat::parse_file(ees_dir().join("kv.wat")).unwrap();
    write(&dir, "kv.wasm", wasm);
    let yaml = std::fs::read_to_string(ees_dir().join("kv.yaml")).unwrap().replace("kv.wat", "kv.wasm");
    let path = write(&dir, "kv.yaml", yaml);
    let report = run_file(&path, &Options::default(), &mut Vec::new()).unwrap();
    assert!(report.passed(), "{:?}", report.failures);
    let text_report = run_file(&ees_dir().join("kv.yaml"), &Options::default(), &mut Vec::new()).unwrap();
    let gas = |r: &gasket_scout::RunReport| r.blocks.iter().map(|b| b.gas_used).collect::<Vec<_>>();
    assert_eq!(gas(&report), gas(&text_report));
    assert_ne!(report.roots[0], Root::default());
}
