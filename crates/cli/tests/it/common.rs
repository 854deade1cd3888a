//! Helpers shared by the CLI tests: a fresh directory per test, files in it, running the
//! built `gasket` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gasket-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

pub fn write(dir: &Path, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

pub fn gasket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gasket")).args(args).output().expect("run gasket")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
