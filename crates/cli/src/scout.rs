//! `gasket scout FILE.yaml`: runs a Scout test (execution environments over shard blocks,
//! crates/scout, docs/scout.md). Prints one line per block to `out` as it completes
//! (`block N env E: gas G, ticks T, D µs`) and a last line (`passed: ...` or `failed: ...`);
//! the EEs' debug output, failures and errors go to `err`. Exit codes: 0 every post-state root
//! (and deposit, when listed) matches; 1 a mismatch or a trapping block, each failure named on
//! `err` with expected and actual values; 2 unreadable or invalid input.

use std::io::Write;
use std::path::PathBuf;

use gasket_scout::{BlockReport, DepositCheck, Options, TestCase, DEFAULT_BLOCK_GAS_LIMIT, DEFAULT_TICKS_LIMIT};

use crate::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};

/// The `scout` command's arguments.
#[derive(Debug, Clone)]
pub struct ScoutArgs {
    pub file: PathBuf,
    /// Gas per block; default [`DEFAULT_BLOCK_GAS_LIMIT`].
    pub gas: Option<u64>,
    /// `useTicks` ticks per block; default [`DEFAULT_TICKS_LIMIT`].
    pub ticks: Option<u64>,
    /// Require the pushed deposits to equal the listed ones, instead of Scout's rule (every
    /// listed one was pushed).
    pub exact_deposits: bool,
    /// The execution tier.
    pub tier: gasket::Tier,
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn block_line(b: &BlockReport) -> String {
    let mut line =
        format!("block {} env {}: gas {}, ticks {}, {} µs", b.block, b.env, b.gas_used, b.ticks, b.wall.as_micros());
    if b.deposits > 0 {
        line.push_str(&format!(", deposits {}", b.deposits));
    }
    if let Some(trap) = &b.trap {
        line.push_str(&format!(", trap: {trap}"));
    }
    line
}

/// Runs the command; returns the exit code. Write errors on `out` and `err` (a closed pipe)
/// are ignored: there is nowhere else to report them.
pub fn command(args: &ScoutArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let options = Options {
        gas_limit: args.gas.unwrap_or(DEFAULT_BLOCK_GAS_LIMIT),
        ticks_limit: args.ticks.unwrap_or(DEFAULT_TICKS_LIMIT),
        deposit_check: if args.exact_deposits { DepositCheck::Exact } else { DepositCheck::Subset },
        tier: args.tier,
    };
    let test = match TestCase::load(&args.file) {
        Ok(test) => test,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let report = gasket_scout::run_with(&test, &options, err, &mut |b| {
        let _ = writeln!(out, "{}", block_line(b));
    });
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let summary = format!(
        "{}, {}, gas {}",
        plural(report.blocks.len(), "block"),
        plural(test.scripts.len(), "execution environment"),
        report.gas_used()
    );
    if report.passed() {
        let deposits = if test.deposits.is_some() { " and deposits" } else { "" };
        let _ = writeln!(out, "passed: {summary}; post-state roots{deposits} match");
        return EXIT_OK;
    }
    for failure in &report.failures {
        let _ = writeln!(err, "failure: {failure}");
    }
    let _ = writeln!(out, "failed: {summary}; {}", plural(report.failures.len(), "failure"));
    EXIT_FAILED
}
