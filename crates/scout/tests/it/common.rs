//! Helpers shared by the integration tests: the committed EE directory, temporary
//! directories, and building and running a test case in memory.

use std::path::{Path, PathBuf};

use gasket_scout::{run, Block, Options, Root, RunReport, ScoutError, Script, TestCase};

/// `crates/scout/tests/ees`: the committed EEs and YAML tests.
pub fn ees_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ees")
}

/// A fresh directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gasket-scout-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

/// A test case over in-memory scripts (Wasm text), without files.
pub fn case(wats: &[&str], pre_state: Vec<Root>, blocks: Vec<Block>, post_state: Vec<Root>) -> TestCase {
    let scripts = wats
        .iter()
        .enumerate()
        .map(|(i, w)| Script { path: PathBuf::from(format!("ee{i}.wat")), bytes: w.as_bytes().to_vec() })
        .collect();
    TestCase { scripts, pre_state, blocks, post_state, deposits: None }
}

/// Runs one block of `data` through `wat` with a zero pre-state root and expecting a zero
/// post-state root; returns the report and the debug output.
pub fn run_one(wat: &str, data: &[u8], options: &Options) -> (Result<RunReport, ScoutError>, String) {
    let test = case(&[wat], vec![Root::default()], vec![Block { env: 0, data: data.to_vec() }], vec![Root::default()]);
    let mut debug = Vec::new();
    let report = run(&test, options, &mut debug);
    (report, String::from_utf8(debug).expect("debug output is UTF-8"))
}

/// The report of a run that must not be an input error.
pub fn report(result: Result<RunReport, ScoutError>) -> RunReport {
    result.unwrap_or_else(|e| panic!("unexpected input error: {e}"))
}

/// A Scout YAML document.
pub fn yaml(scripts: &[&str], pre: &[&str], blocks: &[(u64, &str)], post: &[&str]) -> String {
    let list = |items: &[&str]| items.iter().map(|s| format!("    - \"{s}\"\n")).collect::<String>();
    let blocks: String = blocks.iter().map(|(env, data)| format!("  - env: {env}\n    data: \"{data}\"\n")).collect();
    format!(
        "beacon_state:\n  execution_scripts:\n{}shard_pre_state:\n  exec_env_states:\n{}shard_blocks:\n{}shard_post_state:\n  exec_env_states:\n{}",
        list(scripts),
        list(pre),
        if blocks.is_empty() { "  []\n".to_string() } else { blocks },
        list(post)
    )
}

pub const ZERO: &str = "0000000000000000000000000000000000000000000000000000000000000000";
