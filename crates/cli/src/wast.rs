//! `gasket wast FILE_OR_DIR...`: runs `.wast` scripts with [`gasket_wast`] and prints one line
//! per file (`name: P passed, F failed[, S skipped]`), its failures and skips indented below,
//! and a last line with the totals (`P passed, F failed[, S skipped]`). A directory stands for
//! every `*.wast` file directly inside it, sorted by name; `--spec` adds the built-in Wasm 2.0
//! suite. A path that does not exist or cannot be read is an input error (exit 2, nothing
//! run), never ignored.

use std::io::Write;
use std::path::{Path, PathBuf};

use gasket_wast::{FileReport, Totals};

use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// The scripts `path` stands for: itself, or the sorted `*.wast` files of a directory. A path
/// that cannot be read is an error naming it.
fn expand(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return std::fs::File::open(path)
            .map(|_| vec![path.to_path_buf()])
            .map_err(|e| format!("cannot read {}: {e}", path.display()));
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("cannot list {}: {e}", path.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "wast"))
        .collect();
    files.sort();
    Ok(files)
}

/// The `wast` command. Returns the exit code: 0 if nothing failed, 1 if anything failed, 2 if
/// an input cannot be read or the inputs contain no script at all.
/// With `spec`, the built-in Wasm 2.0 suite runs first.
pub fn command(paths: &[PathBuf], spec: bool, tier: gasket::Tier, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let config = gasket::Config { tier, ..gasket_wast::default_config() };
    let mut inputs = Vec::new();
    for p in paths {
        match expand(p) {
            Ok(files) => inputs.extend(files),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_ERROR;
            }
        }
    }
    if inputs.is_empty() && !spec {
        let _ = writeln!(err, "error: no .wast files found");
        return EXIT_ERROR;
    }
    let mut totals = Totals::default();
    if spec {
        for report in gasket_wast::run_spec_v2_with(&config) {
            totals.add(&report);
            let _ = print_report(&report, out);
        }
    }
    for path in inputs {
        let report = gasket_wast::run_file_with(&config, &path);
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
