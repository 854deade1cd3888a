//! End-to-end tests of `gasket scout`: exit code 0 and one line per block on a passing test
//! (crates/scout/tests/ees), 1 on a wrong post-state root (with expected and actual roots on
//! stderr) or a trapping block, 2 on unreadable or invalid input; `--gas` bounds each block.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{gasket, temp_dir, text};

fn ees() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scout/tests/ees")
}

fn scout(args: &[&str]) -> Output {
    gasket(&[&["scout"], args].concat())
}

#[test]
fn passing_tests_exit_0_with_a_line_per_block() {
    for (file, blocks) in [("multi.yaml", 6), ("hello.yaml", 1), ("deposits.yaml", 2)] {
        let out = scout(&[ees().join(file).to_str().unwrap()]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{file}: {stdout}{}", text(&out.stderr));
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), blocks + 1, "{stdout}");
        for (i, line) in lines[..blocks].iter().enumerate() {
            assert!(line.starts_with(&format!("block {i} env ")), "{line}");
            assert!(line.contains(": gas ") && line.contains(", ticks ") && line.contains(" µs"), "{line}");
        }
        assert!(lines[blocks].starts_with("passed: "), "{stdout}");
    }
    // The hello EE's prints go to stderr, not stdout.
    let out = scout(&[ees().join("hello.yaml").to_str().unwrap()]);
    assert!(text(&out.stderr).contains("[block 0 env 0] printMem: hello, world"));
    assert!(!text(&out.stdout).contains("hello, world"));
}

#[test]
fn a_wrong_root_exits_1_naming_expected_and_actual() {
    let out = scout(&[ees().join("wrong_root.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let yaml = std::fs::read_to_string(ees().join("wrong_root.yaml")).unwrap();
    // The expected root is the file's post-state; the right one is named in its comment.
    let expected = yaml.lines().last().unwrap().trim().trim_start_matches("- ").trim_matches('"');
    let actual = yaml.split("the right root is ").nth(1).unwrap().split(')').next().unwrap();
    assert!(stderr.contains(&format!("expected {expected}, actual {actual}")), "{stderr}");
    assert!(stderr.contains("execution environment 0"), "{stderr}");
    assert!(text(&out.stdout).lines().last().unwrap().starts_with("failed: "));
}

#[test]
fn a_trapping_block_or_running_out_of_gas_exits_1() {
    let dir = temp_dir("scout_trap");
    std::fs::write(dir.join("trap.wat"), r#"(module (memory (export "memory") 1) (func (export "main") unreachable))"#)
        .unwrap();
    let zero = "00".repeat(32);
    let yaml = format!(
        "beacon_state:\n  execution_scripts: [trap.wat]\nshard_pre_state:\n  exec_env_states: [\"{zero}\"]\nshard_blocks:\n  - {{env: 0, data: \"\"}}\nshard_post_state:\n  exec_env_states: [\"{zero}\"]\n"
    );
    std::fs::write(dir.join("t.yaml"), yaml).unwrap();
    let out = scout(&[dir.join("t.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("trap: unreachable"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("shard block 0 (env 0) trapped: unreachable"), "{}", text(&out.stderr));

    // Out of gas: the failed charge is not applied (docs/gas.md §5), so at most 100 is used.
    let out = scout(&[ees().join("kv.yaml").to_str().unwrap(), "--gas", "100"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let gas: u64 =
        stdout.strip_prefix("block 0 env 0: gas ").and_then(|r| r.split(',').next()?.parse().ok()).expect(&stdout);
    assert!(gas <= 100 && stdout.lines().next().unwrap().ends_with("trap: out of gas"), "{stdout}");
    assert!(text(&out.stderr).contains("shard block 0 (env 0) trapped: out of gas"), "{}", text(&out.stderr));
}

#[test]
fn invalid_input_exits_2() {
    let dir = temp_dir("scout_invalid");
    let out = scout(&[dir.join("missing.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: cannot read"), "{}", text(&out.stderr));

    std::fs::write(dir.join("bad.yaml"), "beacon_state: [\n").unwrap();
    let out = scout(&[dir.join("bad.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid Scout YAML"), "{}", text(&out.stderr));

    // A valid file naming a script that does not exist.
    let yaml = std::fs::read_to_string(ees().join("kv.yaml")).unwrap();
    std::fs::write(dir.join("kv.yaml"), yaml).unwrap();
    let out = scout(&[dir.join("kv.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("execution script 0"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

/// Scout's own hello-world test shape: one deposit listed, one pushed per block. Scout's rule
/// (every listed deposit was pushed) is the default; `--exact-deposits` checks the count.
#[test]
fn scouts_own_deposit_rule_is_the_default() {
    let file = ees().join("scout_helloworld.yaml");
    let out = scout(&[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let out = scout(&[file.to_str().unwrap(), "--exact-deposits"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("expected 1 deposit receipts, the EEs pushed 2"), "{}", text(&out.stderr));
}

#[test]
fn yaml_errors_name_the_expected_shape_not_internal_types() {
    let dir = temp_dir("scout_shape");
    std::fs::write(dir.join("t.yaml"), "beacon_state: 5\n").unwrap();
    let out = scout(&[dir.join("t.yaml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("Raw"), "{stderr}");
    assert!(stderr.contains("a mapping with `execution_scripts`"), "{stderr}");
}
