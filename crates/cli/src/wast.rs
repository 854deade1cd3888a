//! `gasket wast FILE_OR_DIR...`: runs `.wast` scripts with [`gasket_wast`] and prints one line
//! per file (`name: P passed, F failed[, S skipped]`), its failures and skips indented below,
//! and a last line with the totals (`P passed, F failed[, S skipped]`). A directory stands for
//! every `*.wast` file directly inside it, sorted by name; `--spec` adds the built-in Wasm 2.0
//! suite. An unreadable file or directory is
//! counted as a failure, never ignored.

use std::io::Write;
use std::path::{Path, PathBuf};

use gasket_wast::{FileReport, Totals};

use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// One input resolved: a script to run, or a directory that could not be listed.
enum Input {
    Script(PathBuf),
    Unlistable(FileReport),
}

fn expand(path: &Path) -> Vec<Input> {
    if !path.is_dir() {
        return vec![Input::Script(path.to_path_buf())];
    }
    match std::fs::read_dir(path) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "wast"))
                .collect();
            files.sort();
            files.into_iter().map(Input::Script).collect()
        }
        Err(e) => {
            let report = FileReport {
                name: path.display().to_string(),
                failed: 1,
                failures: vec![format!("0:0: directory: cannot list {}: {e}", path.display())],
                ..FileReport::default()
            };
            vec![Input::Unlistable(report)]
        }
    }
}

/// The `wast` command. Returns the exit code: 0 if nothing failed, 1 if anything failed, 2 if
/// the inputs contain no script at all.
/// With `spec`, the built-in Wasm 2.0 suite runs first.
pub fn command(paths: &[PathBuf], spec: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let inputs: Vec<Input> = paths.iter().flat_map(|p| expand(p)).collect();
    if inputs.is_empty() && !spec {
        let _ = writeln!(err, "error: no .wast files found");
        return EXIT_ERROR;
    }
    let mut totals = Totals::default();
    if spec {
        for report in gasket_wast::run_spec_v2() {
            totals.add(&report);
            let _ = print_report(&report, out);
        }
    }
    for input in inputs {
        let report = match input {
            Input::Script(path) => gasket_wast::run_file(&path),
            Input::Unlistable(report) => report,
        };
        totals.add(&report);
        let _ = print_report(&report, out);
    }
    let _ = writeln!(out, "{totals}");
    if totals.failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

fn print_report(r: &FileReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{r}")?;
    for f in &r.failures {
        writeln!(out, "    {f}")?;
    }
    for s in &r.skips {
        writeln!(out, "    skipped {s}")?;
    }
    Ok(())
}
