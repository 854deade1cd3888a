//! The `debug` host functions' output for one block, buffered in memory and bounded: lines
//! are kept whole, up to [`MAX_DEBUG_BYTES`]; later lines are counted, not kept. Guarantees: a
//! guest cannot make the host hold more than the bound, whatever it prints, and what it prints
//! never reaches stdout directly (the runner copies it to the writer its caller supplies).

use std::io::Write;

/// The most debug output kept per block, in bytes. Scout logs without bound through
/// `env_logger`; 64 KiB is far more than any debugging session reads per block, and keeps a
/// printing loop (bounded only by gas) from growing host memory.
pub const MAX_DEBUG_BYTES: usize = 64 * 1024;

/// One block's debug output.
#[derive(Debug, Default)]
pub struct DebugLog {
    text: String,
    dropped_lines: u64,
}

impl DebugLog {
    /// Appends `line` (a newline is added) if it fits in the bound, else counts it as dropped.
    pub fn line(&mut self, line: &str) {
        if self.text.len() + line.len() < MAX_DEBUG_BYTES {
            self.text.push_str(line);
            self.text.push('\n');
        } else {
            self.dropped_lines += 1;
        }
    }

    /// Like [`DebugLog::line`], for a line of at least `min_len` bytes made by `make`: if even
    /// that many bytes would not fit, the line is counted as dropped without being made, so a
    /// guest printing into a full log costs the host no formatting.
    pub fn line_with(&mut self, min_len: usize, make: impl FnOnce() -> String) {
        if self.text.len().saturating_add(min_len) < MAX_DEBUG_BYTES {
            self.line(&make());
        } else {
            self.dropped_lines += 1;
        }
    }

    /// The lines kept, in order.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.lines()
    }

    /// How many lines did not fit.
    pub fn dropped_lines(&self) -> u64 {
        self.dropped_lines
    }

    /// Writes every kept line, each after `prefix`, then a note of any dropped lines. Errors of
    /// the writer (a closed pipe) are ignored: there is nowhere else to report them.
    pub fn write_to(&self, prefix: &str, out: &mut dyn Write) {
        for line in self.lines() {
            let _ = writeln!(out, "{prefix}{line}");
        }
        if self.dropped_lines > 0 {
            let _ = writeln!(out, "{prefix}({} more lines dropped: over {MAX_DEBUG_BYTES} bytes)", self.dropped_lines);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded() {
        let mut log = DebugLog::default();
        let long = "x".repeat(1000);
        for _ in 0..100 {
            log.line(&long);
        }
        assert!(log.text.len() <= MAX_DEBUG_BYTES);
        assert_eq!(log.lines().count() as u64 + log.dropped_lines(), 100);
        assert!(log.dropped_lines() > 0);
        let mut out = Vec::new();
        log.write_to("> ", &mut out);
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("> xxx"));
        assert!(out.ends_with("more lines dropped: over 65536 bytes)\n"));
    }

    #[test]
    fn line_with_skips_making_lines_that_cannot_fit() {
        let mut log = DebugLog::default();
        log.line_with(3, || "abc".to_string());
        log.line_with(MAX_DEBUG_BYTES, || unreachable!("not made"));
        assert_eq!(log.lines().collect::<Vec<_>>(), ["abc"]);
        assert_eq!(log.dropped_lines(), 1);
    }
}
