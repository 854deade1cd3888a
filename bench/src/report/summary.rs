//! The summary: geometric means of gasket/peer ratios per suite, one column per peer, and the
//! metering overheads, all from the same run.

use std::fmt::Write;

use super::{median_of, opt, pairs, throughput_ratio, time_ratio, ExecRow, Figure, ModuleRow, Pair, Results, METERED};
use crate::measure::{fmt_duration, geomean};
use crate::workloads::Group;

/// The columns: each gasket tier against each peer, over every engine that ran.
fn columns(r: &Results) -> Vec<Pair> {
    pairs(r.exec.iter().flat_map(|x| &x.figures).chain(r.prep.iter().flat_map(|x| &x.figures)))
}

/// `geomean (n)` of a ratio over rows, or "n/a".
fn gm<'a>(rows: impl Iterator<Item = &'a [Figure]>, ratio: fn(&[Figure], Pair) -> Option<f64>, p: Pair) -> String {
    let xs: Vec<f64> = rows.filter_map(|f| ratio(f, p)).collect();
    match geomean(&xs) {
        Some(g) => format!("{g:.3} (n={})", xs.len()),
        None => "n/a".into(),
    }
}

/// Geometric mean over workloads (of one group, or all) of metered/unmetered execution time.
pub fn metering_overhead(r: &Results, metered: &str, plain: &str, g: Option<Group>) -> (usize, Option<f64>) {
    let ratios: Vec<f64> = r
        .exec
        .iter()
        .filter(|row| g.is_none_or(|g| row.group == g))
        .filter_map(|row| Some(median_of(&row.figures, metered)? / median_of(&row.figures, plain)?))
        .collect();
    (ratios.len(), geomean(&ratios))
}

fn exec_rows(r: &Results, g: Option<Group>) -> impl Iterator<Item = &[Figure]> {
    r.exec.iter().filter(move |x: &&ExecRow| g.is_none_or(|g| x.group == g)).map(|x| x.figures.as_slice())
}

fn module_rows(rows: &[ModuleRow]) -> impl Iterator<Item = &[Figure]> {
    rows.iter().map(|x| x.figures.as_slice())
}

pub fn summary(r: &Results) -> String {
    let cols = columns(r);
    let mut s = String::from(
        "## Summary (geometric means of gasket/peer ratios, same run; n = inputs both measured)\n\n| metric |",
    );
    for c in &cols {
        let _ = write!(s, " {} |", c.label());
    }
    s.push_str(" better for gasket |\n|---|");
    s.push_str(&"---:|".repeat(cols.len()));
    s.push_str("---|\n");
    let mut line = |label: &str, cells: &dyn Fn(Pair) -> String, better: &str| {
        let _ = write!(s, "| {label} |");
        for c in &cols {
            let _ = write!(s, " {} |", cells(*c));
        }
        let _ = writeln!(s, " {better} |");
    };
    if !r.exec.is_empty() {
        line("execution time, all workloads", &|p| gm(exec_rows(r, None), time_ratio, p), "lower");
        for g in Group::ALL {
            if r.exec.iter().any(|x| x.group == g) {
                let label = format!("execution time, {}", g.label());
                line(&label, &|p| gm(exec_rows(r, Some(g)), time_ratio, p), "lower");
            }
        }
    }
    if !r.prep.is_empty() {
        if let Some(row) = r.prep.iter().find(|row| row.input == "synthetic") {
            let label = format!("preparation throughput, synthetic module ({:.2} MB)", row.bytes as f64 / 1e6);
            line(&label, &|p| opt(throughput_ratio(&row.figures, p), 3), "higher");
        }
        line("preparation throughput, all inputs", &|p| gm(module_rows(&r.prep), throughput_ratio, p), "higher");
        for g in Group::ALL {
            let rows = || r.prep.iter().filter(move |x| x.group == Some(g)).map(|x| x.figures.as_slice());
            if rows().next().is_some() {
                let label = format!("preparation throughput, {}", g.label());
                line(&label, &|p| gm(rows(), throughput_ratio, p), "higher");
            }
        }
    }
    if !r.inst.is_empty() {
        line("instantiation time", &|p| gm(module_rows(&r.inst), time_ratio, p), "lower");
    }
    if !r.corpus.is_empty() {
        let accepted = || r.corpus.iter().filter(|x| !x.input.contains("(rejected by")).map(|x| x.figures.as_slice());
        line("bomb corpus ns/byte, families every engine accepts", &|p| gm(accepted(), time_ratio, p), "lower");
        line(
            "bomb corpus ns/byte, all families (rejections included)",
            &|p| gm(module_rows(&r.corpus), time_ratio, p),
            "lower",
        );
    }
    s.push('\n');
    let pct = |o: Option<f64>| o.map_or_else(|| "n/a".into(), |o| format!("{:+.1}%", (o - 1.0) * 100.0));
    for (metered, plain) in METERED {
        let (n, overhead) = metering_overhead(r, metered, plain, None);
        if n > 0 {
            let _ = write!(s, "- metering overhead, geomean over {n} workloads, {metered}/{plain}: {}", pct(overhead));
            let groups: Vec<String> = Group::ALL
                .iter()
                .filter_map(|&g| match metering_overhead(r, metered, plain, Some(g)) {
                    (0, _) => None,
                    (_, o) => Some(format!("{} {}", g.label(), pct(o))),
                })
                .collect();
            let worst = r
                .exec
                .iter()
                .filter_map(|row| Some((median_of(&row.figures, metered)? / median_of(&row.figures, plain)?, row)))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let _ = write!(s, "; by group: {}", groups.join(", "));
            if let Some((x, row)) = worst {
                let _ = write!(s, "; worst {} {}", row.workload, pct(Some(x)));
            }
            s.push('\n');
        }
    }
    if let Some(l) = &r.latency {
        let ratio = l.gasket_instantiate_call.as_secs_f64() / l.wasmi_instantiate_call.as_secs_f64();
        let _ = writeln!(
            s,
            "- warm instantiate + tiny contract call (counter `get`): gasket {} vs wasmi-eager {}: {ratio:.3}",
            fmt_duration(l.gasket_instantiate_call),
            fmt_duration(l.wasmi_instantiate_call),
        );
        let _ = writeln!(
            s,
            "- end-to-end tiny contract call (`Runtime::call`, warm cache): gasket {}",
            fmt_duration(l.gasket_runtime_call)
        );
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(
            s,
            "- **{} real-world workload(s) not measured** (not installed): see the execution section",
            r.skipped.len()
        );
    }
    s
}
