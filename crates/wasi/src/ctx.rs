//! The state of one WASI run: what the caller gives it ([`WasiConfig`]: arguments,
//! environment, stdin, output limits, the virtual clock, the random seed, an optional
//! read-only directory) and what it accumulates (captured stdout and stderr, the clock's
//! progress, the generator's position, open descriptors, and how the run stopped).
//!
//! Guarantees: nothing here reads the host machine; the same config and the same sequence of
//! calls give the same results on every machine (docs/wasi.md, "Determinism").

use sha2::{Digest, Sha256};

use crate::abi::clock;
use crate::fs::{Fds, MemDir};

/// Default cap on captured stdout and on captured stderr: 1 MiB each.
pub const DEFAULT_OUTPUT_LIMIT: usize = 1 << 20;
/// Default clock tick: each `clock_time_get` advances the clock by 1 µs.
pub const DEFAULT_TICK_NS: u64 = 1_000;

/// The virtual clock's settings (docs/wasi.md, "Clocks").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockConfig {
    /// `realtime` at the start of the run, in nanoseconds since 1970 (e.g. block time × 10^9).
    pub realtime_ns: u64,
    /// `monotonic` at the start of the run.
    pub monotonic_ns: u64,
    /// How far every read of a clock advances it (at least 1 ns); also the resolution that
    /// `clock_res_get` reports.
    pub tick_ns: u64,
}

impl Default for ClockConfig {
    fn default() -> Self {
        Self { realtime_ns: 0, monotonic_ns: 0, tick_ns: DEFAULT_TICK_NS }
    }
}

/// What a run is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasiConfig {
    /// `argv`, the program name first.
    pub args: Vec<String>,
    /// `environ`, as (name, value).
    pub env: Vec<(String, String)>,
    /// Everything `fd_read` on descriptor 0 returns, then end of file.
    pub stdin: Vec<u8>,
    /// Caps on captured output; a write past one stops the run ([`Stop::OutputLimit`]).
    pub stdout_limit: usize,
    pub stderr_limit: usize,
    pub clock: ClockConfig,
    /// The seed of `random_get`'s generator (docs/wasi.md, "Random bytes").
    pub seed: [u8; 32],
    /// A read-only in-memory directory preopened as descriptor 3 under this name.
    pub preopen: Option<(String, MemDir)>,
}

impl Default for WasiConfig {
    fn default() -> Self {
        Self {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Vec::new(),
            stdout_limit: DEFAULT_OUTPUT_LIMIT,
            stderr_limit: DEFAULT_OUTPUT_LIMIT,
            clock: ClockConfig::default(),
            seed: [0; 32],
            preopen: None,
        }
    }
}

/// Why a run stopped before returning from `_start`, other than a trap of the guest's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stop {
    /// `proc_exit(code)`.
    #[error("exit with code {0}")]
    Exit(u32),
    /// A WASI call could not pay its gas.
    #[error("out of gas")]
    OutOfGas,
    /// A write to stdout or stderr would pass its cap.
    #[error("{stream} exceeded its limit of {limit} bytes")]
    OutputLimit { stream: &'static str, limit: usize },
}

/// The virtual clock: one elapsed counter behind every clock id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clock {
    pub config: ClockConfig,
    pub elapsed: u64,
}

impl Clock {
    /// The time of clock `id`, or `None` for an unknown id.
    pub fn now(&self, id: u32) -> Option<u64> {
        match id {
            clock::REALTIME => Some(self.config.realtime_ns.saturating_add(self.elapsed)),
            clock::MONOTONIC => Some(self.config.monotonic_ns.saturating_add(self.elapsed)),
            clock::PROCESS_CPUTIME | clock::THREAD_CPUTIME => Some(self.elapsed),
            _ => None,
        }
    }

    pub fn tick(&self) -> u64 {
        self.config.tick_ns.max(1)
    }

    pub fn advance(&mut self, ns: u64) {
        self.elapsed = self.elapsed.saturating_add(ns);
    }
}

/// The generator behind `random_get`: SHA-256 in counter mode. Block `i` is
/// `SHA-256(seed ‖ u64_le(i))`; the stream is blocks 0, 1, 2, … concatenated, and every call
/// continues where the previous one stopped. Seeded once per run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    /// Bytes of `block` already handed out (32: none left).
    used: usize,
}

impl Rng {
    pub fn new(seed: [u8; 32]) -> Self {
        Self { seed, counter: 0, block: [0; 32], used: 32 }
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            if self.used == 32 {
                let mut h = Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_le_bytes());
                self.block = h.finalize().into();
                self.counter = self.counter.wrapping_add(1);
                self.used = 0;
            }
            *b = self.block[self.used];
            self.used += 1;
        }
    }
}

/// The state of one run. `Default` is an empty context, cheap to make (no allocation): the
/// linker swaps a context out of the host state for the length of each call.
#[derive(Debug, Default)]
pub struct WasiCtx {
    /// `argv` and `environ` strings, each with its NUL.
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) stdin: Vec<u8>,
    pub(crate) stdin_pos: usize,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) stdout_limit: usize,
    pub(crate) stderr_limit: usize,
    pub(crate) clock: Clock,
    pub(crate) rng: Rng,
    pub(crate) fds: Fds,
    pub(crate) stop: Option<Stop>,
}

fn with_nul(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(0);
    v
}

impl WasiCtx {
    pub fn new(config: WasiConfig) -> Self {
        Self {
            args: config.args.iter().map(|a| with_nul(a.as_bytes())).collect(),
            env: config.env.iter().map(|(k, v)| with_nul(format!("{k}={v}").as_bytes())).collect(),
            stdin: config.stdin,
            stdin_pos: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
            stdout_limit: config.stdout_limit,
            stderr_limit: config.stderr_limit,
            clock: Clock { config: config.clock, elapsed: 0 },
            rng: Rng::new(config.seed),
            fds: Fds::new(config.preopen),
            stop: None,
        }
    }

    /// What the program wrote to stdout.
    pub fn stdout(&self) -> &[u8] {
        &self.stdout
    }

    pub fn stderr(&self) -> &[u8] {
        &self.stderr
    }

    /// Takes the captured stdout and stderr.
    pub fn take_output(&mut self) -> (Vec<u8>, Vec<u8>) {
        (std::mem::take(&mut self.stdout), std::mem::take(&mut self.stderr))
    }

    /// How the run stopped, if a WASI call stopped it (`proc_exit`, gas, an output cap).
    pub fn stop(&self) -> Option<&Stop> {
        self.stop.as_ref()
    }

    pub(crate) fn set_stop(&mut self, stop: Stop) {
        self.stop = Some(stop);
    }

    /// Nanoseconds of virtual time the run has seen pass.
    pub fn elapsed_ns(&self) -> u64 {
        self.clock.elapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_continues_across_calls_and_depends_on_the_seed() {
        let mut a = Rng::new([7; 32]);
        let mut whole = [0u8; 80];
        a.fill(&mut whole);
        let mut b = Rng::new([7; 32]);
        let (mut x, mut y) = ([0u8; 33], [0u8; 47]);
        b.fill(&mut x);
        b.fill(&mut y);
        assert_eq!(&whole[..33], &x);
        assert_eq!(&whole[33..], &y);
        assert_ne!(&whole[..32], &whole[32..64], "blocks differ");
        let mut c = Rng::new([8; 32]);
        let mut z = [0u8; 80];
        c.fill(&mut z);
        assert_ne!(whole, z);
        // Block 0 is SHA-256(seed ‖ 0u64): the documented rule, independently computed.
        let mut h = Sha256::new();
        h.update([7u8; 32]);
        h.update([0u8; 8]);
        assert_eq!(&whole[..32], h.finalize().as_slice());
    }

    #[test]
    fn clock_ids() {
        let mut c = Clock { config: ClockConfig { realtime_ns: 100, monotonic_ns: 5, tick_ns: 0 }, elapsed: 0 };
        c.advance(10);
        assert_eq!(c.now(clock::REALTIME), Some(110));
        assert_eq!(c.now(clock::MONOTONIC), Some(15));
        assert_eq!(c.now(clock::PROCESS_CPUTIME), Some(10));
        assert_eq!(c.now(4), None);
        assert_eq!(c.tick(), 1);
    }
}
