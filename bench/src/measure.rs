//! Measurement primitives: timing, interleaved rounds across engines, sample statistics,
//! and conversion of engine panics into reported failures.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Runs `f` and returns its result with the elapsed wall time.
pub fn timed<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let start = Instant::now();
    let r = f();
    let elapsed = start.elapsed();
    (r, elapsed)
}

/// Runs `f`, turning a panic into an `Err` carrying the panic message.
pub fn guarded<R>(f: impl FnOnce() -> Result<R, String>) -> Result<R, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-string panic payload".into());
            Err(format!("PANIC: {msg}"))
        }
    }
}

/// Visits `rounds` rounds over `n` engines, interleaved: in round `r` the engines run in an
/// order rotated by `r` (A B C, B C A, ...), so that no engine always runs first or last
/// and slow drifts of machine speed spread over all of them.
pub fn interleave(rounds: usize, n: usize, mut visit: impl FnMut(usize, usize)) {
    for round in 0..rounds {
        for k in 0..n {
            visit(round, (round + k) % n);
        }
    }
}

/// Timing samples of one measured figure.
#[derive(Debug, Clone, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut v = self.0.clone();
        v.sort();
        v
    }

    /// The median (mean of the two middle samples for an even count).
    pub fn median(&self) -> Duration {
        let v = self.sorted();
        assert!(!v.is_empty(), "median of no samples");
        let m = v.len() / 2;
        if v.len() % 2 == 1 {
            v[m]
        } else {
            (v[m - 1] + v[m]) / 2
        }
    }

    pub fn min(&self) -> Duration {
        self.sorted()[0]
    }

    pub fn max(&self) -> Duration {
        *self.sorted().last().expect("max of no samples")
    }

    /// Spread of the samples as (max - min) / median, a rough noise indicator.
    pub fn spread(&self) -> f64 {
        (self.max() - self.min()).as_secs_f64() / self.median().as_secs_f64()
    }
}

/// Geometric mean; `None` for an empty input.
pub fn geomean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    Some((xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp())
}

/// A duration in the most readable unit.
pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}
