//! The markdown report: one table per suite (absolute medians, then gasket/peer ratios from
//! the same run), the skipped real-world workloads, the contract-call latency and the summary.

use std::fmt::Write;

use super::{
    mbps, opt, pairs, summary, throughput_ratio, time_ratio, ExecRow, Figure, ModuleRow, Outcome, Pair, Results,
};
use crate::external::INSTALL;
use crate::measure::{fmt_duration, geomean};
use crate::workloads::Group;

fn cell(f: &Figure, value: impl Fn(f64) -> String) -> String {
    match &f.outcome {
        Outcome::Measured(s) if s.len() > 0 => value(s.median().as_secs_f64()),
        Outcome::Measured(_) | Outcome::NotApplicable => "n/a".into(),
        Outcome::Unsupported(m) => format!("unsupported by {}: {}", f.engine, short(m)),
        Outcome::Failed(m) => format!("**FAILED**: {}", short(m)),
    }
}

/// An error message cut to fit a table cell.
fn short(m: &str) -> String {
    let one_line = m.replace(['\n', '|'], " ");
    match one_line.char_indices().nth(90) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// Header and rule of a table: the fixed columns, every engine, then each tier/peer ratio.
fn head(s: &mut String, fixed: &[&str], figures: &[Figure], ratio: &str) {
    let mut h = String::from("|");
    let mut rule = String::from("|");
    for (i, c) in fixed.iter().enumerate() {
        let _ = write!(h, " {c} |");
        rule.push_str(if i == 0 { "---|" } else { "---:|" });
    }
    for f in figures {
        let _ = write!(h, " {} |", f.engine);
        rule.push_str("---:|");
    }
    for p in pairs(figures) {
        let _ = write!(h, " {} {ratio} |", p.label());
        rule.push_str("---:|");
    }
    let _ = writeln!(s, "{h}\n{rule}");
}

fn exec_table(s: &mut String, rows: &[&ExecRow]) {
    let Some(first) = rows.first() else { return };
    head(s, &["workload", "result"], &first.figures, "time");
    for row in rows {
        let _ = write!(s, "| {}({}) | {} |", row.workload, row.size, row.result);
        for f in &row.figures {
            let _ = write!(s, " {} |", cell(f, |t| fmt_duration(std::time::Duration::from_secs_f64(t))));
        }
        for p in pairs(&row.figures) {
            let _ = write!(s, " {} |", opt(time_ratio(&row.figures, p), 3));
        }
        s.push('\n');
    }
    if rows.len() > 1 {
        let _ = write!(s, "| **geomean** ({} workloads) | |", rows.len());
        s.push_str(&" |".repeat(first.figures.len()));
        for p in pairs(&first.figures) {
            let xs: Vec<f64> = rows.iter().filter_map(|r| time_ratio(&r.figures, p)).collect();
            let _ = write!(s, " **{}** |", opt(geomean(&xs), 3));
        }
        s.push('\n');
    }
    s.push('\n');
}

/// A per-module table; `value` renders a median (seconds) for the row.
fn module_table(
    s: &mut String,
    rows: &[ModuleRow],
    ratio: &str,
    value: &dyn Fn(&ModuleRow, f64) -> String,
    throughput: bool,
) {
    let Some(first) = rows.first() else { return };
    head(s, &["input", "bytes"], &first.figures, ratio);
    for row in rows {
        let _ = write!(s, "| {} | {} |", row.input, row.bytes);
        for f in &row.figures {
            let _ = write!(s, " {} |", cell(f, |t| value(row, t)));
        }
        for p in pairs(&row.figures) {
            let r = if throughput { throughput_ratio(&row.figures, p) } else { time_ratio(&row.figures, p) };
            let _ = write!(s, " {} |", opt(r, 3));
        }
        s.push('\n');
    }
    s.push('\n');
}

fn metering_table(s: &mut String, r: &Results) {
    let rows: Vec<_> =
        r.exec.iter().filter(|row| super::METERED.iter().any(|(m, p)| ratio(row, m, p).is_some())).collect();
    if rows.is_empty() {
        return;
    }
    s.push_str("## Metering overhead (metered / unmetered execution time, same run)\n\n| workload |");
    for (m, p) in super::METERED {
        let _ = write!(s, " {m}/{p} |");
    }
    s.push_str("\n|---|");
    s.push_str(&"---:|".repeat(super::METERED.len()));
    s.push('\n');
    let pct = |x: Option<f64>| x.map_or("n/a".into(), |x| format!("{x:.3} ({:+.1}%)", (x - 1.0) * 100.0));
    for g in Group::ALL {
        let group: Vec<&&ExecRow> = rows.iter().filter(|row| row.group == g).collect();
        if group.is_empty() {
            continue;
        }
        for row in &group {
            let _ = write!(s, "| {} |", row.workload);
            for (m, p) in super::METERED {
                let _ = write!(s, " {} |", pct(ratio(row, m, p)));
            }
            s.push('\n');
        }
        for (label, agg) in [("geomean", geomean as fn(&[f64]) -> Option<f64>), ("max", max)] {
            let _ = write!(s, "| **{} {label}** ({}) |", g.label(), group.len());
            for (m, p) in super::METERED {
                let xs: Vec<f64> = group.iter().filter_map(|row| ratio(row, m, p)).collect();
                let _ = write!(s, " **{}** |", pct(agg(&xs)));
            }
            s.push('\n');
        }
    }
    s.push('\n');
}

fn max(xs: &[f64]) -> Option<f64> {
    xs.iter().copied().reduce(f64::max)
}

/// Preparation throughput ratios by group: geomean and worst module of each.
fn prep_groups(s: &mut String, rows: &[ModuleRow]) {
    let Some(first) = rows.first() else { return };
    s.push_str("Preparation by group (gasket/peer throughput; geomean and worst module of the group):\n\n| group |");
    let cols: Vec<Pair> = pairs(&first.figures);
    for p in &cols {
        let _ = write!(s, " {} |", p.label());
    }
    s.push_str("\n|---|");
    s.push_str(&"---:|".repeat(cols.len()));
    s.push('\n');
    for g in Group::ALL {
        let group: Vec<&ModuleRow> = rows.iter().filter(|row| row.group == Some(g)).collect();
        if group.is_empty() {
            continue;
        }
        let _ = write!(s, "| {} ({} inputs) |", g.label(), group.len());
        for &p in &cols {
            let xs: Vec<f64> = group.iter().filter_map(|row| throughput_ratio(&row.figures, p)).collect();
            let worst = xs.iter().copied().reduce(f64::min);
            let _ = write!(s, " {} (worst {}) |", opt(geomean(&xs), 3), opt(worst, 3));
        }
        s.push('\n');
    }
    s.push('\n');
}

fn scores_table(s: &mut String, r: &Results) {
    if r.scores.is_empty() {
        return;
    }
    s.push_str(
        "## cpumark score (score mode: iterations in 2 s of the host clock `env.clock_ns`; each iteration's CRC \
         checked)\n\n| engine | iterations/s | gasket/engine (time) |\n|---|---:|---:|\n",
    );
    let gasket = r.scores.iter().find(|x| x.engine == crate::engines::SUBJECT).and_then(|x| x.per_sec.as_ref().ok());
    for x in &r.scores {
        let (score, ratio) = match (&x.per_sec, gasket) {
            (Ok(v), Some(g)) => (format!("{v:.1}"), format!("{:.3}", v / g)),
            (Ok(v), None) => (format!("{v:.1}"), "n/a".into()),
            (Err(m), _) => (format!("**FAILED**: {}", short(m)), "n/a".into()),
        };
        let _ = writeln!(s, "| {} | {score} | {ratio} |", x.engine);
    }
    s.push('\n');
}

fn ratio(row: &ExecRow, metered: &str, plain: &str) -> Option<f64> {
    Some(super::median_of(&row.figures, metered)? / super::median_of(&row.figures, plain)?)
}

/// The markdown report.
pub fn markdown(r: &Results) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# gasket benchmark results\n\n{}", r.header);
    if !r.exec.is_empty() || !r.skipped.is_empty() {
        s.push_str("## Execution (median time of one run, fresh instance per run)\n\n");
        s.push_str(
            "Every engine's result is checked against the reference (native code for the Rust \
             kernels, known test vectors and the same message digested natively for the real-world \
             modules); a mismatch, or a failed known-answer check, marks the engine FAILED (not a number) \
             and the run exits non-zero.\n\n",
        );
        for g in Group::ALL {
            let rows: Vec<&ExecRow> = r.exec.iter().filter(|row| row.group == g).collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(s, "### {}\n", g.title());
            exec_table(&mut s, &rows);
        }
        if !r.skipped.is_empty() {
            let _ = writeln!(
                s,
                "**Not measured** (modules not installed or built; run `{INSTALL}`, which needs npm, and `{}`, \
                 then rerun):\n",
                crate::corpus::BUILD
            );
            for k in &r.skipped {
                let _ = writeln!(s, "- {k}");
            }
            s.push('\n');
        }
    }
    scores_table(&mut s, r);
    metering_table(&mut s, r);
    if !r.prep.is_empty() {
        s.push_str("## Preparation (`Module::new`: validate + translate or compile, one thread; median, MB/s)\n\n");
        module_table(&mut s, &r.prep, "MB/s", &|row, t| format!("{:.1} MB/s", mbps(row.bytes, t)), true);
        prep_groups(&mut s, &r.prep);
        s.push_str(
            "Inputs of a few KB measure the fixed per-module cost more than throughput; the synthetic \
             module and the large real-world ones are the throughput figures. A `[largest fn: ...]` input is \
             that module with every other function body replaced by `unreachable`: mostly that one function.\n\n",
        );
    }
    if !r.inst.is_empty() {
        s.push_str("## Instantiation (fresh store + instance of a prepared module, imports stubbed; median)\n\n");
        module_table(&mut s, &r.inst, "time", &|_, t| fmt_duration(std::time::Duration::from_secs_f64(t)), false);
    }
    if !r.corpus.is_empty() {
        s.push_str("## Bomb corpus (preparation of each adversarial family of `gasket-bombs`; median ns/byte)\n\n");
        s.push_str(
            "Time to accept or reject the module; families an engine rejects (by design, e.g. over \
             gasket's limits) are marked in the input column.\n\n",
        );
        module_table(&mut s, &r.corpus, "ns/B", &|row, t| format!("{:.1} ns/B", t * 1e9 / row.bytes as f64), false);
    }
    if let Some(l) = &r.latency {
        s.push_str("## Contract-call latency (counter `get`, warm)\n\n| figure | time |\n|---|---:|\n");
        let _ = writeln!(s, "| gasket instantiate + call | {} |", fmt_duration(l.gasket_instantiate_call));
        let _ = writeln!(s, "| wasmi-eager instantiate + call | {} |", fmt_duration(l.wasmi_instantiate_call));
        let _ = writeln!(s, "| gasket `Runtime::call` end to end | {} |\n", fmt_duration(l.gasket_runtime_call));
    }
    s.push_str(&summary::summary(r));
    s
}
