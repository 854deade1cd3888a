//! Rendering of the bomb suite: ns/byte per family and size next to ordinary code, the
//! per-byte ratio to ordinary (≤ 3x), the linearity ratio time(10x size)/time(size) (≤ 12x),
//! the calibration of `prepare_gas = a + b * len`, and the list of failed criteria.

use std::fmt::Write;
use std::time::Duration;

use gasket_bombs::Expect;

use super::{ns_per_byte, BombResults, Cell};

/// Worst family per byte relative to ordinary code, at any size.
pub const MAX_RATIO: f64 = 3.0;
/// Time of 10x the size relative to the size.
pub const MAX_LINEARITY: f64 = 12.0;

/// Per-byte time of the cell relative to the ordinary module measured alongside it.
pub fn ratio(c: &Cell) -> f64 {
    ns_per_byte(c.time, c.bytes) / ns_per_byte(c.ordinary, c.ordinary_bytes)
}

fn size_name(s: usize) -> String {
    if s >= 1_000_000 {
        format!("{} MB", s / 1_000_000)
    } else {
        format!("{} KB", s / 1000)
    }
}

/// Pairs of size indices (i, j) with sizes[j] = 10 x sizes[i].
fn tenfold(sizes: &[usize]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for (i, &a) in sizes.iter().enumerate() {
        if let Some(j) = sizes.iter().position(|&b| b == 10 * a) {
            v.push((i, j));
        }
    }
    v
}

/// Linearity of a family between size indices `i` and `j` (10x apart), as time(10x)/time(x)
/// normalised to exactly 10x the bytes: `(pooled, own)`. Own compares the family's own medians
/// (taken in the same rounds, so drift largely cancels; the criterion); pooled takes the
/// family's time as its paired ratio to ordinary code times the pooled ordinary ns/byte at that
/// size, i.e. it also carries ordinary code's own (non-)linearity.
pub fn linearity(r: &BombResults, cells: &[Option<Cell>], i: usize, j: usize) -> Option<(f64, f64)> {
    let (a, b) = (cells.get(i)?.as_ref()?, cells.get(j)?.as_ref()?);
    // Families with a size floor (over-limit ones) do not grow 10x: no linearity to speak of.
    if b.bytes < 5 * a.bytes {
        return None;
    }
    let size = 10.0 * a.bytes as f64 / b.bytes as f64;
    let raw = b.time.as_secs_f64() / a.time.as_secs_f64() * size;
    let opb = |k: usize| ns_per_byte(r.ordinary[k].1, r.ordinary[k].0);
    let corrected = (ratio(b) * opb(j) * b.bytes as f64) / (ratio(a) * opb(i) * a.bytes as f64) * size;
    Some((raw, corrected))
}

/// `prepare_gas = a + b * len`, 1 gas ≈ 1 ns of ordinary preparation.
pub struct Calibration {
    pub a: u64,
    pub b: u64,
    /// Ordinary ns/byte at the large sizes, before rounding.
    pub b_raw: f64,
    /// Fixed cost estimate before rounding, and the empty module's time.
    pub a_raw: f64,
}

pub fn calibrate(r: &BombResults) -> Calibration {
    let per_byte: Vec<f64> = r.ordinary.iter().map(|&(b, t)| ns_per_byte(t, b)).collect();
    let large: Vec<f64> = r.sizes.iter().zip(&per_byte).filter(|(s, _)| **s >= 1_000_000).map(|(_, &x)| x).collect();
    let b_raw = if large.is_empty() {
        per_byte.last().copied().unwrap_or(0.0)
    } else {
        large.iter().copied().fold(0.0, f64::max)
    };
    let b = b_raw.ceil() as u64;
    // Fixed overhead: what the smallest modules cost beyond b per byte, at least the cost of
    // preparing an empty module.
    let small = r.ordinary.iter().take(2).map(|&(bytes, t)| t.as_nanos() as f64 - b as f64 * bytes as f64);
    let a_raw = small.fold(r.empty.as_nanos() as f64, f64::max);
    let a = ((a_raw / 100.0).ceil() as u64).max(1) * 100;
    Calibration { a, b, b_raw, a_raw }
}

impl Calibration {
    fn gas(&self, bytes: usize) -> f64 {
        self.a as f64 + self.b as f64 * bytes as f64
    }
    /// Measured time over charged gas.
    fn time_per_gas(&self, t: Duration, bytes: usize) -> f64 {
        t.as_nanos() as f64 / self.gas(bytes)
    }
}

pub fn markdown(r: &BombResults) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# gasket bomb benchmark: preparation cost of adversarial modules\n\n{}", r.header);
    let _ = writeln!(
        s,
        "- criteria: every family ≤ {MAX_RATIO}x ordinary code per byte at every size; \
         time(10x size) ≤ {MAX_LINEARITY}x time(size). Flagged cells are **bold** with ✗.\n\
         - families: `cargo doc -p gasket-bombs` or `Family::describe`; `over_*` families exceed one \
         default limit and must be rejected with `Error::Limit`.\n"
    );
    let sizes: Vec<String> = r.sizes.iter().map(|&x| size_name(x)).collect();
    let head = |first: &str, extra: &str| {
        let mut h = format!("| {first} |");
        let mut rule = String::from("|---|");
        for n in &sizes {
            let _ = write!(h, " {n} |");
            rule.push_str("---:|");
        }
        if !extra.is_empty() {
            let _ = write!(h, " {extra} |");
            rule.push_str("---|");
        }
        format!("{h}\n{rule}\n")
    };

    // Table 1: ns/byte.
    let _ = writeln!(s, "## Preparation time per byte (ns/byte, median)\n");
    s.push_str(&head("family", "outcome"));
    let _ = write!(s, "| **ordinary** |");
    for &(bytes, t) in &r.ordinary {
        let _ = write!(s, " {:.1} |", ns_per_byte(t, bytes));
    }
    let _ = writeln!(s, " ok |");
    for row in &r.rows {
        let _ = write!(s, "| {} |", row.family.name());
        let mut outcome = String::new();
        for c in &row.cells {
            match c {
                Some(c) => {
                    let _ = write!(s, " {:.1} |", ns_per_byte(c.time, c.bytes));
                    if outcome.is_empty() || c.unexpected {
                        outcome = short_outcome(c);
                    }
                }
                None => s.push_str(" skipped |"),
            }
        }
        let _ = writeln!(s, " {outcome} |");
    }
    s.push('\n');
    let odd: Vec<String> = r
        .rows
        .iter()
        .filter_map(|row| {
            let c = row.cells.first()?.as_ref()?;
            (c.bytes > r.sizes[0] * 13 / 10).then(|| format!("`{}` {} bytes", row.family.name(), c.bytes))
        })
        .collect();
    if !odd.is_empty() {
        let _ =
            writeln!(s, "Smallest modules larger than nominal (the excess itself needs room): {}.\n", odd.join(", "));
    }

    // Table 2: ratio to ordinary.
    let _ = writeln!(s, "## Per-byte time relative to ordinary code (paired medians; limit {MAX_RATIO}x)\n");
    s.push_str(&head("family", "max"));
    let mut worst: Vec<Option<(f64, &str)>> = vec![None; r.sizes.len()];
    for row in &r.rows {
        let _ = write!(s, "| {} |", row.family.name());
        let mut max: f64 = 0.0;
        for (i, c) in row.cells.iter().enumerate() {
            match c {
                Some(c) => {
                    let x = ratio(c);
                    max = max.max(x);
                    if worst[i].is_none_or(|(w, _)| x > w) {
                        worst[i] = Some((x, row.family.name()));
                    }
                    let _ = write!(s, " {} |", flag(x, MAX_RATIO, 2));
                }
                None => s.push_str(" skipped |"),
            }
        }
        let _ = writeln!(s, " {} |", flag(max, MAX_RATIO, 2));
    }
    let _ = write!(s, "| **worst** |");
    for w in &worst {
        match w {
            Some((x, name)) => {
                let _ = write!(s, " {} `{name}` |", flag(*x, MAX_RATIO, 2));
            }
            None => s.push_str(" n/a |"),
        }
    }
    s.push_str(" |\n\n");

    // Table 3: linearity.
    let pairs = tenfold(&r.sizes);
    let _ = writeln!(
        s,
        "## Linearity: time(10x size) / time(size) (limit {MAX_LINEARITY}x)\n\n\
         Normalised to exactly 10x the bytes. First figure: the family's own medians, both sizes measured \
         in the same rounds (the criterion). In parentheses: the family's paired per-byte ratio to \
         ordinary code times the pooled ordinary time, which also carries ordinary code's own scaling. \
         n/a: the module does not grow 10x (size floor of over-limit families).\n"
    );
    let mut h = String::from("| family |");
    let mut rule = String::from("|---|");
    for &(i, j) in &pairs {
        let _ = write!(h, " {} → {} |", sizes[i], sizes[j]);
        rule.push_str("---:|");
    }
    let _ = writeln!(s, "{h}\n{rule}");
    let _ = write!(s, "| **ordinary** |");
    for &(i, j) in &pairs {
        let (oi, oj) = (r.ordinary[i], r.ordinary[j]);
        let x = oj.1.as_secs_f64() / oi.1.as_secs_f64() * 10.0 * oi.0 as f64 / oj.0 as f64;
        let _ = write!(s, " {} |", flag(x, MAX_LINEARITY, 1));
    }
    s.push('\n');
    for row in &r.rows {
        let _ = write!(s, "| {} |", row.family.name());
        for &(i, j) in &pairs {
            match linearity(r, &row.cells, i, j) {
                Some((x, raw)) => {
                    let _ = write!(s, " {} ({raw:.1}) |", flag(x, MAX_LINEARITY, 1));
                }
                None => s.push_str(" n/a |"),
            }
        }
        s.push('\n');
    }
    s.push('\n');
    s.push_str(&calibration_section(r));
    s.push_str("## Verdict\n\n");
    let failed = failures(r);
    if failed.is_empty() {
        s.push_str("All criteria hold.\n");
    } else {
        for f in &failed {
            let _ = writeln!(s, "- ✗ {f}");
        }
    }
    s
}

fn calibration_section(r: &BombResults) -> String {
    let cal = calibrate(r);
    let mut s =
        String::from("## Calibration of `prepare_gas = a + b × len` (1 gas ≈ 1 ns of ordinary preparation)\n\n");
    let _ = writeln!(
        s,
        "- b = **{}** gas/byte: ordinary code at ≥ 1 MB costs {:.2} ns/byte (rounded up)\n\
         - a = **{}** gas: fixed cost of the smallest modules beyond b per byte ({:.0} ns; an empty \
         module takes {:.0} ns), rounded up to 100\n",
        cal.b,
        cal.b_raw,
        cal.a,
        cal.a_raw,
        r.empty.as_nanos() as f64
    );
    let _ = writeln!(s, "Measured time / charged gas (≤ 1 means the charge covers the cost):\n");
    let sizes: Vec<String> = r.sizes.iter().map(|&x| size_name(x)).collect();
    let _ = writeln!(s, "| | {} |\n|---|{}", sizes.join(" | "), "---:|".repeat(sizes.len()));
    let _ = write!(s, "| ordinary |");
    for &(bytes, t) in &r.ordinary {
        let _ = write!(s, " {:.2} |", cal.time_per_gas(t, bytes));
    }
    s.push('\n');
    let mut worst_overall: Option<(f64, f64, &str, usize)> = None;
    let _ = write!(s, "| worst family |");
    for (i, &(ob, ot)) in r.ordinary.iter().enumerate() {
        let ord = cal.time_per_gas(ot, ob);
        let w = r
            .rows
            .iter()
            .filter(|row| row.family.expect() == Expect::Valid)
            .filter_map(|row| Some((row.family.name(), row.cells.get(i)?.as_ref()?)))
            .map(|(n, c)| (cal.time_per_gas(c.time, c.bytes), n))
            .fold(None, |acc: Option<(f64, &str)>, x| if acc.is_none_or(|a| x.0 > a.0) { Some(x) } else { acc });
        match w {
            Some((x, n)) => {
                let _ = write!(s, " {x:.2} `{n}` ({:.1}x ordinary) |", x / ord);
                if worst_overall.is_none_or(|(y, ..)| x > y) {
                    worst_overall = Some((x, x / ord, n, i));
                }
            }
            None => s.push_str(" n/a |"),
        }
    }
    s.push_str("\n\n");
    if let Some((x, rel, n, i)) = worst_overall {
        let _ = writeln!(
            s,
            "Worst family: `{n}` at {}: time/gas = {x:.2}, {rel:.1}x ordinary code's. With these \
             constants a module of that family is undercharged by a factor {x:.1}; charging every \
             input at cost needs a and b multiplied by {:.1}, or the engine fixed.\n",
            sizes[i],
            x.max(1.0)
        );
    }
    s
}

fn short_outcome(c: &Cell) -> String {
    let mut o: String = c.outcome.chars().take(70).collect();
    if c.outcome.chars().count() > 70 {
        o.push('…');
    }
    if c.unexpected {
        format!("**UNEXPECTED: {o}**")
    } else {
        o
    }
}

fn flag(x: f64, limit: f64, digits: usize) -> String {
    if x > limit {
        format!("**{x:.digits$} ✗**")
    } else {
        format!("{x:.digits$}")
    }
}

/// Every failed criterion and unexpected outcome, one line each.
pub fn failures(r: &BombResults) -> Vec<String> {
    let mut v = Vec::new();
    for row in &r.rows {
        let name = row.family.name();
        for (i, c) in row.cells.iter().enumerate() {
            let Some(c) = c else { continue };
            if c.unexpected {
                v.push(format!("{name} at {}: unexpected outcome: {}", size_name(r.sizes[i]), c.outcome));
            }
            let x = ratio(c);
            if x > MAX_RATIO {
                v.push(format!("{name} at {}: {x:.2}x ordinary per byte (limit {MAX_RATIO}x)", size_name(r.sizes[i])));
            }
        }
        for (i, j) in tenfold(&r.sizes) {
            if let Some((x, raw)) = linearity(r, &row.cells, i, j) {
                if x > MAX_LINEARITY {
                    v.push(format!(
                        "{name}: time({}) / time({}) = {x:.1} (via ordinary: {raw:.1}; limit {MAX_LINEARITY})",
                        size_name(r.sizes[j]),
                        size_name(r.sizes[i])
                    ));
                }
            }
        }
        if row.cells.iter().any(|c| c.is_none()) {
            v.push(format!(
                "{name}: too slow to measure at the larger sizes (> {} s for one preparation)",
                super::SLOW.as_secs()
            ));
        }
    }
    v
}
