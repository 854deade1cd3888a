//! The CLI's edges (issue 18): the exit-code rule of every command (0 success, 1 the guest
//! failed, 2 the user or the input was wrong), input errors that name the file, damaged,
//! empty, missing, read-only and locked state databases.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{gasket, temp_dir, text, write};

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// Asserts the exit code and that stderr contains every `needle`; returns stderr.
#[track_caller]
fn expect(out: &Output, exit: i32, needles: &[&str]) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(code(out), Some(exit), "stdout: {}\nstderr: {stderr}", text(&out.stdout));
    for n in needles {
        assert!(stderr.contains(n), "stderr lacks `{n}`: {stderr}");
    }
    assert!(!stderr.contains("panicked at") && !stderr.contains("thread '"), "a panic escaped: {stderr}");
    stderr
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn counter_wasm() -> String {
    format!("{}/../../contracts/wasm/counter.wasm", env!("CARGO_MANIFEST_DIR"))
}

/// A data directory with the counter deployed and incremented three times (the issue's
/// reproducer); returns (data dir, address).
fn counter_state(test: &str) -> (PathBuf, String) {
    let data = temp_dir(test).join("data");
    let out = gasket(&["deploy", &counter_wasm(), "--data", s(&data)]);
    expect(&out, 0, &[]);
    let address = text(&out.stdout).trim().to_string();
    for _ in 0..3 {
        expect(&gasket(&["call", &address, "increment", "--data", s(&data)]), 0, &[]);
    }
    (data, address)
}

#[test]
fn run_exit_codes_and_input_errors() {
    let dir = temp_dir("hard_run");
    let ok = write(&dir, "ok.wat", br#"(module (func (export "f") (param i32) (result i32) local.get 0))"#);
    expect(&gasket(&["run", s(&ok), "--invoke", "f", "7"]), 0, &[]);
    expect(&gasket(&["run", s(&ok), "--invoke", "f"]), 2, &["takes 1 arguments"]);
    expect(&gasket(&["run", s(&ok), "--invoke", "g"]), 2, &["no exported function `g`"]);
    // A trap in the start function says so; a segment that does not fit says that.
    let start = write(&dir, "start.wat", br#"(module (func $s unreachable) (start $s) (func (export "f")))"#);
    expect(&gasket(&["run", s(&start), "--invoke", "f"]), 1, &["trap in the start function: unreachable"]);
    let seg = write(
        &dir,
        "seg.wat",
        br#"(module (memory 1) (data (i32.const 65535) "ab") (func $s) (start $s) (func (export "f")))"#,
    );
    expect(&gasket(&["run", s(&seg), "--invoke", "f"]), 1, &["initialising an active segment"]);
    // An empty or random .wasm file is not read as text.
    let empty = write(&dir, "empty.wasm", b"");
    expect(&gasket(&["run", s(&empty), "--invoke", "f"]), 2, &[s(&empty), "is empty"]);
    let random = write(&dir, "random.wasm", &[0x9c, 0xff, 0x01, 0x42, 0x13, 0x37, 0, 7]);
    expect(&gasket(&["run", s(&random), "--invoke", "f"]), 2, &[s(&random), "not a Wasm binary", "0x9cff"]);
    let binary = write(&dir, "noext", &[0xff, 0xfe, 0x00]);
    expect(&gasket(&["run", s(&binary), "--invoke", "f"]), 2, &[s(&binary), "nor text"]);
    // A .wat error: the file's name, line and column in the text, and a short excerpt of a
    // 2 MB line.
    let bad = write(&dir, "bad.wat", b"(module\n  (func (export \"f\") i32.const nope))");
    expect(&gasket(&["run", s(&bad), "--invoke", "f"]), 2, &[&format!("{}:2:32: ", s(&bad))]);
    let long = format!("(module (func {} bogus))", "nop ".repeat(500_000));
    let long = write(&dir, "long.wat", long.as_bytes());
    let stderr = expect(&gasket(&["run", s(&long), "--invoke", "f"]), 2, &[s(&long), ":1:"]);
    assert!(stderr.len() < 1000, "{} bytes of error", stderr.len());
    // A validation error of text input names the file and says whose offsets they are.
    let invalid = write(&dir, "invalid.wat", br#"(module (func (result i32)))"#);
    expect(&gasket(&["run", s(&invalid), "--invoke", "f"]), 2, &[s(&invalid), "binary compiled from the text"]);
}

#[test]
fn wast_and_inspect_exit_codes() {
    let dir = temp_dir("hard_wast");
    let good = write(&dir, "good.wast", br#"(module (func (export "f") (result i32) i32.const 1))"#);
    let bad = write(
        &dir,
        "bad.wast",
        b"(module (func (export \"f\") (result i32) i32.const 1))\n(assert_return (invoke \"f\") (i32.const 2))",
    );
    expect(&gasket(&["wast", s(&good)]), 0, &[]);
    expect(&gasket(&["wast", s(&bad)]), 1, &[]);
    let missing = dir.join("missing.wast");
    let out = gasket(&["wast", s(&good), s(&missing)]);
    expect(&out, 2, &["cannot read", s(&missing)]);
    assert!(out.stdout.is_empty(), "nothing runs: {}", text(&out.stdout));

    let wat = write(&dir, "m.wat", b"(module)");
    expect(&gasket(&["inspect", s(&wat)]), 0, &[]);
    let invalid = write(&dir, "bad.wasm", b"\0asm\x01\0\0\0\x01");
    expect(&gasket(&["inspect", s(&invalid)]), 2, &[s(&invalid)]);
    expect(&gasket(&["inspect", s(&dir.join("none.wat"))]), 2, &["cannot read"]);
}

#[test]
fn deploy_credit_and_call_exit_codes() {
    let (data, address) = counter_state("hard_call");
    let d = s(&data);
    // 1: the guest failed (out of gas), state unchanged.
    expect(&gasket(&["call", &address, "increment", "--gas", "100", "--data", d]), 1, &[]);
    // 2: a usage error runs nothing and charges nothing (no receipt printed).
    let out = gasket(&["call", &address, "nope", "--data", d]);
    expect(&out, 2, &["no entry point `nope`", "increment"]);
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let with_params = write(
        data.parent().unwrap(),
        "params.wat",
        br#"(module (memory (export "memory") 1) (func (export "add") (param i32)) (func (export "run")))"#,
    );
    let out = gasket(&["deploy", s(&with_params), "--data", d]);
    expect(&out, 0, &[]);
    let p = text(&out.stdout).trim().to_string();
    expect(&gasket(&["call", &p, "add", "--data", d]), 2, &["takes no parameters"]);
    expect(&gasket(&["call", &format!("0x{}", "00".repeat(20)), "get", "--data", d]), 2, &["no contract at"]);
    expect(&gasket(&["call", &address, "get", "--value", "5", "--data", d]), 2, &["balance"]);
    expect(&gasket(&["call", "0x12", "get", "--data", d]), 2, &["not a 20-byte hex address"]);
    let out = gasket(&["call", &address, "get", "--data", d]);
    assert!(text(&out.stdout).contains("return: 0x0300000000000000"), "{}", text(&out.stdout));
    // deploy and credit.
    expect(&gasket(&["deploy", s(&data.join("none.wasm")), "--data", d]), 2, &["cannot read"]);
    let not_contract = write(data.parent().unwrap(), "plain.wat", b"(module)");
    expect(&gasket(&["deploy", s(&not_contract), "--data", d]), 2, &[s(&not_contract), "not a contract"]);
    expect(&gasket(&["credit", &address, "5", "--data", d]), 0, &[]);
    expect(&gasket(&["credit", "xyz", "5", "--data", d]), 2, &["not a 20-byte hex address"]);
}

#[test]
fn read_only_commands_never_create_a_database() {
    let dir = temp_dir("hard_missing");
    let typo = dir.join("typo");
    let address = format!("0x{}", "11".repeat(20));
    expect(&gasket(&["state", &address, "--data", s(&typo)]), 2, &["no state database", s(&typo)]);
    expect(&gasket(&["call", &address, "get", "--data", s(&typo)]), 2, &["no state database"]);
    expect(&gasket(&["state", "--verify", "--data", s(&typo)]), 2, &["no state database"]);
    expect(&gasket(&["state", "--export", s(&dir.join("x.dump")), "--data", s(&typo)]), 2, &["no state database"]);
    assert!(!typo.exists(), "a read-only command created {}", typo.display());
}

/// The issue's reproducers: damaged files give exit 2, name the file and the way to recover.
#[test]
fn damaged_empty_and_foreign_databases_are_refused() {
    let (data, address) = counter_state("hard_damaged");
    let db = data.join("state.redb");
    let original = std::fs::read(&db).unwrap();
    let n = original.len();
    let mut zeroed = original.clone();
    zeroed[n / 4..3 * n / 4].fill(0);
    let mut garbage = original.clone();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for b in &mut garbage[n / 2..n / 2 + 8192] {
        *b = next() as u8;
    }
    let mut flipped = original.clone();
    for _ in 0..200 {
        let bit = next() as usize % (n * 8);
        flipped[bit / 8] ^= 1 << (bit % 8);
    }
    for (name, bytes) in [("zeroed", zeroed), ("garbage", garbage), ("flipped", flipped), ("empty", Vec::new())] {
        for args in [
            vec!["state", &address],
            vec!["call", &address, "increment"],
            vec!["deploy", &counter_wasm()],
            vec!["state", "--verify"],
        ] {
            std::fs::write(&db, &bytes).unwrap();
            let out = gasket(&[&args[..], &["--data", s(&data)]].concat());
            let stderr = expect(&out, 2, &[s(&db)]);
            assert!(stderr.contains("--verify") || stderr.contains("--import"), "{name} {args:?}: {stderr}");
            assert_eq!(std::fs::read(&db).unwrap().is_empty(), bytes.is_empty(), "{name}: an empty file was written");
        }
    }
    // A file of another type.
    std::fs::write(&db, std::fs::read(counter_wasm()).unwrap()).unwrap();
    expect(&gasket(&["state", &address, "--data", s(&data)]), 2, &["not a redb database", "WebAssembly module"]);
    // The original opens again, with its state.
    std::fs::write(&db, &original).unwrap();
    let out = gasket(&["state", &address, "--data", s(&data)]);
    assert_eq!(text(&out.stdout), "0x636f756e74 = 0x0300000000000000\n");
}

#[test]
fn verify_export_and_import_back_up_and_restore() {
    let (data, address) = counter_state("hard_backup");
    let d = s(&data);
    let out = gasket(&["state", "--verify", "--data", d]);
    expect(&out, 0, &[]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(": ok") && stdout.contains("storage 1") && stdout.contains("page checksums: verified"),
        "{stdout}"
    );
    let dump = data.parent().unwrap().join("backup.dump");
    expect(&gasket(&["state", "--export", s(&dump), "--data", d]), 0, &[]);
    let text_dump = std::fs::read_to_string(&dump).unwrap();
    assert!(text_dump.starts_with("gasket-state-dump 1\n"), "{text_dump}");
    assert!(text_dump.contains("storage ") && text_dump.lines().last().unwrap().starts_with("end 5 "), "{text_dump}");
    // Restore into a new directory: the same state, and the contract still runs.
    let restored = data.parent().unwrap().join("restored");
    expect(&gasket(&["state", "--import", s(&dump), "--data", s(&restored)]), 0, &[]);
    let out = gasket(&["state", &address, "--data", s(&restored)]);
    assert_eq!(text(&out.stdout), "0x636f756e74 = 0x0300000000000000\n");
    expect(&gasket(&["call", &address, "increment", "--data", s(&restored)]), 0, &[]);
    // An import never overwrites, and a damaged dump is refused naming its line.
    expect(&gasket(&["state", "--import", s(&dump), "--data", d]), 2, &["already exists"]);
    let damaged =
        write(data.parent().unwrap(), "damaged.dump", text_dump.replacen("storage 2b", "storage 3b", 1).as_bytes());
    let other = data.parent().unwrap().join("other");
    expect(&gasket(&["state", "--import", s(&damaged), "--data", s(&other)]), 2, &[s(&damaged), "line"]);
    assert!(!other.join("state.redb").exists());
}

/// Makes `dir` and the files in it unwritable, even for root (`chattr +i`); returns an undo.
fn make_read_only(dir: &Path) -> impl FnOnce() + '_ {
    let files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    let chattr = |flag: &str, p: &Path| {
        std::process::Command::new("chattr").args([flag, s(p)]).status().is_ok_and(|st| st.success())
    };
    let immutable = files.iter().all(|f| chattr("+i", f)) && chattr("+i", dir);
    if !immutable {
        // Not root, or no chattr: permissions do it for an ordinary user.
        use std::os::unix::fs::PermissionsExt;
        for f in &files {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    move || {
        use std::os::unix::fs::PermissionsExt;
        chattr("-i", dir);
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        for f in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            chattr("-i", &f);
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

#[test]
fn a_read_only_data_directory_can_be_read() {
    let (data, address) = counter_state("hard_read_only");
    let undo = make_read_only(&data);
    // Is it really read-only to us?
    let writable = std::fs::OpenOptions::new().append(true).open(data.join("state.redb")).is_ok();
    let state = gasket(&["state", &address, "--data", s(&data)]);
    let verify = gasket(&["state", "--verify", "--data", s(&data)]);
    let call = gasket(&["call", &address, "increment", "--data", s(&data)]);
    undo();
    assert!(!writable, "the test could not make the directory read-only");
    expect(&state, 0, &[]);
    assert_eq!(text(&state.stdout), "0x636f756e74 = 0x0300000000000000\n");
    expect(&verify, 0, &[]);
    assert!(text(&verify.stdout).contains("page checksums: verified"), "{}", text(&verify.stdout));
    expect(&call, 2, &[s(&data.join("state.redb"))]);
}

#[test]
fn a_locked_database_names_its_holder_and_is_waited_for() {
    let (data, address) = counter_state("hard_lock");
    let db = data.join("state.redb");
    let holder = gasket_runtime::RedbStore::open(&db).unwrap();
    let started = std::time::Instant::now();
    let out = gasket(&["state", &address, "--data", s(&data), "--wait-lock", "0.3"]);
    let waited = started.elapsed();
    let me = format!("process {}", std::process::id());
    expect(&out, 2, &["is locked by", &me, s(&db), "--wait-lock"]);
    assert!(waited.as_millis() >= 300, "gave up after {waited:?}");
    // Released while a second command waits: it then succeeds.
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(400));
        drop(holder);
    });
    let out = gasket(&["call", &address, "increment", "--data", s(&data), "--wait-lock", "20"]);
    release.join().unwrap();
    expect(&out, 0, &[]);
    assert!(text(&out.stdout).contains("return: 0x0400000000000000"), "{}", text(&out.stdout));
}
