//! The engine: the configuration, shared by every module and store made with it, and its
//! fingerprint. It holds no state that grows with use (function type ids are per store); its
//! only mutable state is a bounded pool of freed IR buffers ([`CodePool`]).

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::ir::Instr;
use crate::{Config, Floats, Limits};

/// The engine fingerprint: SHA-256 over everything in the configuration that changes what
/// preparation produces, so that an artifact is only loaded by an engine that would have
/// produced it. Both `Config` and `Limits` are destructured without `..`, so a new field is a
/// compile error here until it is hashed or its exclusion is justified.
fn fingerprint(config: &Config) -> [u8; 32] {
    let Config {
        limits,
        // Execution bounds, checked when a call runs; preparation does not depend on them.
        max_call_depth: _,
        max_value_stack: _,
        metering,
        floats,
        // Artifacts hold the IR, which both tiers run; native code is regenerated at load.
        tier: _,
    } = config;
    let Limits {
        max_module_bytes,
        max_types,
        max_functions,
        max_imports,
        max_exports,
        max_globals,
        max_locals_per_function,
        max_locals_total,
        max_function_body_bytes,
        max_block_depth,
        max_br_table_targets,
        max_tables,
        max_table_elements,
        max_memory_pages,
        max_data_segments,
        max_element_segments,
        max_params,
        max_results,
        max_value_traffic_per_byte,
    } = limits;
    let mut h = Sha256::new();
    h.update(b"gasket/engine/v1");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for v in [
        max_module_bytes,
        max_types,
        max_functions,
        max_imports,
        max_exports,
        max_globals,
        max_locals_per_function,
        max_locals_total,
        max_function_body_bytes,
        max_block_depth,
        max_br_table_targets,
        max_tables,
        max_table_elements,
        max_memory_pages,
        max_data_segments,
        max_element_segments,
        max_params,
        max_results,
        max_value_traffic_per_byte,
    ] {
        h.update(v.to_le_bytes());
    }
    match metering {
        Some(schedule) => {
            h.update([1]);
            h.update(schedule.hash());
        }
        None => h.update([0]),
    }
    h.update([match floats {
        Floats::Canonicalize => 0,
        Floats::Deny => 1,
    }]);
    h.finalize().into()
}

/// Shared configuration. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Debug)]
struct EngineInner {
    config: Config,
    fingerprint: [u8; 32],
    code_pool: Arc<CodePool>,
}

/// IR buffers of dropped modules, kept for the next preparation.
///
/// Why: a large module's IR is tens of megabytes, and the system allocator hands blocks that
/// large straight back to the kernel when they are freed; the next preparation of a large
/// module then pays a page fault for every 4 KiB of IR it writes. Smaller blocks are reused
/// by the allocator itself, so without this pool preparation time per byte would jump at
/// the size where the IR crosses that threshold (measured: `many_globals` at 4 MB took 17x
/// the time of 400 KB; with the pool, or with the allocator's threshold raised, 10x).
///
/// Bounded: at most [`POOL_MAX_BUFFERS`] buffers and [`POOL_MAX_BYTES`] in all; buffers
/// under [`POOL_MIN_BYTES`] are left to the allocator. A buffer is handed out only when its
/// capacity suits the module's code section (see [`CodePool::take`]), and a module keeps no
/// more than [`POOL_MAX_SLACK`] times the capacity its code needs ([`CodePool::fit`]).
#[derive(Debug, Default)]
pub(crate) struct CodePool {
    buffers: Mutex<Vec<Vec<Instr>>>,
}

/// At most this many buffers are kept: enough for a few large preparations in flight.
const POOL_MAX_BUFFERS: usize = 4;
/// At most this many bytes of buffers are kept: the memory a node lends to the pool.
const POOL_MAX_BYTES: usize = 128 << 20;
/// Smaller buffers are reused by the system allocator without fresh page faults.
const POOL_MIN_BYTES: usize = 1 << 20;
/// A module keeps a pooled buffer while its IR fills more than this fraction of it;
/// [`CodePool::fit`] moves the IR out of a buffer with more slack. Why 3 and not 2: modules
/// of one code size can need rather different amounts of IR (ordinary code about 4 bytes per
/// byte of Wasm, the `stack_height` bomb 7.5), and with 2 the smaller shrank the shared
/// buffer each time and the larger grew it again, with page faults both ways: `stack_height`
/// alternating with ordinary code took 12.4 ns/byte at 4 MB against 10.2 at 400 KB.
const POOL_MAX_SLACK: usize = 3;
/// An instruction may be no longer than a byte of Wasm and is 16 bytes (ir.rs), plus an
/// `Ext` word for some: a code section of `n` bytes needs at most this many times `n` bytes
/// of IR, so a buffer larger than that would only be wasted on it.
const IR_BYTES_PER_CODE_BYTE: usize = 32;

/// Compiled code translates to about one instruction per this many bytes of its code section
/// (the bomb corpus's `ordinary` family: 0.25 per byte). A new buffer starts with that room,
/// so ordinary code never regrows it and a module of thousands of tiny functions (one
/// instruction per 4-5 bytes) neither: regrowing copies the IR and faults in fresh pages.
/// With this and the per-function tables reserved likewise (`decode`), the `unreachable_wide`
/// bomb at 40 KB went from 44.6 to 37.6 ns/byte. [`CodePool::fit`] bounds the slack.
const CODE_BYTES_PER_INSTR: usize = 4;

impl CodePool {
    /// An empty buffer for the IR of a code section of `code_bytes` bytes: a pooled one whose
    /// capacity is at least `code_bytes` bytes and at most what that section could ever need,
    /// or a new one with room for typical code ([`CODE_BYTES_PER_INSTR`]).
    pub(crate) fn take(&self, code_bytes: usize) -> Vec<Instr> {
        let size = std::mem::size_of::<Instr>();
        let (lo, hi) = (code_bytes, code_bytes.saturating_mul(IR_BYTES_PER_CODE_BYTE));
        let mut buffers = self.buffers.lock().unwrap_or_else(|e| e.into_inner());
        let fit = buffers
            .iter()
            .enumerate()
            .filter(|(_, b)| (lo..=hi).contains(&(b.capacity() * size)))
            .max_by_key(|(_, b)| b.capacity())
            .map(|(i, _)| i);
        fit.map_or_else(|| Vec::with_capacity(code_bytes / CODE_BYTES_PER_INSTR), |i| buffers.swap_remove(i))
    }

    /// Bounds the slack of a translated module's buffer: returns `code` as it is if its IR
    /// fills more than 1/[`POOL_MAX_SLACK`] of it; otherwise moves the IR into the smallest
    /// pooled buffer that bounds it (its pages are already mapped), or else into a new one of
    /// exactly its size, and keeps the larger buffer for a later module. (Shrinking it in
    /// place instead lost the large buffer whenever a small module had been handed it: with
    /// modules of 400 KB, 1 MB and 4 MB in turn, the 1 MB ones grew fresh IR every time.)
    pub(crate) fn fit(&self, code: Vec<Instr>) -> Vec<Instr> {
        let len = code.len();
        if code.capacity() <= POOL_MAX_SLACK.saturating_mul(len) {
            return code;
        }
        let mut buffers = self.buffers.lock().unwrap_or_else(|e| e.into_inner());
        let fit = buffers
            .iter()
            .enumerate()
            .filter(|(_, b)| (len..=POOL_MAX_SLACK.saturating_mul(len)).contains(&b.capacity()))
            .min_by_key(|(_, b)| b.capacity())
            .map(|(i, _)| i);
        let mut smaller = match fit {
            Some(i) => buffers.swap_remove(i),
            None => Vec::with_capacity(len),
        };
        drop(buffers);
        smaller.extend_from_slice(&code);
        self.give(code);
        smaller
    }

    /// Keeps `code` for reuse if it is large and the pool has room; otherwise frees it.
    pub(crate) fn give(&self, mut code: Vec<Instr>) {
        let bytes = code.capacity() * std::mem::size_of::<Instr>();
        if bytes < POOL_MIN_BYTES {
            return;
        }
        code.clear();
        let mut buffers = self.buffers.lock().unwrap_or_else(|e| e.into_inner());
        let held: usize = buffers.iter().map(|b| b.capacity() * std::mem::size_of::<Instr>()).sum();
        if buffers.len() < POOL_MAX_BUFFERS && held + bytes <= POOL_MAX_BYTES {
            buffers.push(code);
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new(&Config::default())
    }
}

impl Engine {
    pub fn new(config: &Config) -> Self {
        let fingerprint = fingerprint(config);
        Self { inner: Arc::new(EngineInner { config: config.clone(), fingerprint, code_pool: Arc::default() }) }
    }

    /// SHA-256 over everything that determines how a module is prepared: the gasket version,
    /// the limits, the gas schedule (or its absence) and the float policy. Two engines with the
    /// same fingerprint translate every module identically, so it keys prepared artifacts.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.inner.fingerprint
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn code_pool(&self) -> &Arc<CodePool> {
        &self.inner.code_pool
    }

    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Op;

    fn buffer(bytes: usize) -> Vec<Instr> {
        let mut v = Vec::with_capacity(bytes / std::mem::size_of::<Instr>());
        v.push(Instr::new(Op::Return0, 0, 0, 0));
        v
    }

    #[test]
    fn code_pool_reuses_only_large_buffers_that_suit_the_section() {
        let pool = CodePool::default();
        pool.give(buffer(POOL_MIN_BYTES / 2));
        assert!(pool.buffers.lock().unwrap().is_empty(), "small buffers are left to the allocator");
        pool.give(buffer(8 << 20));
        // A code section too small to ever need 8 MiB of IR gets a new buffer, sized for it.
        assert_eq!(pool.take(1000).capacity(), 1000 / CODE_BYTES_PER_INSTR);
        assert_eq!(pool.buffers.lock().unwrap().len(), 1);
        // One that could need it gets the pooled buffer, emptied.
        let reused = pool.take(1 << 20);
        assert_eq!(reused.capacity() * std::mem::size_of::<Instr>(), 8 << 20);
        assert!(reused.is_empty());
        assert!(pool.buffers.lock().unwrap().is_empty());
    }

    #[test]
    fn code_pool_fit_bounds_slack_and_keeps_larger_buffers() {
        let instrs = |n: usize, cap_bytes: usize| {
            let mut v = buffer(cap_bytes);
            v.resize(n, Instr::new(Op::Return0, 0, 0, 0));
            v
        };
        let cap = |v: &Vec<Instr>| v.capacity() * std::mem::size_of::<Instr>();
        let pool = CodePool::default();
        // Little slack: kept as it is.
        let code = pool.fit(instrs(100_000, 2 << 20));
        assert_eq!(cap(&code), 2 << 20);
        // Too much slack, and a pooled buffer that bounds it: the IR moves there, unchanged,
        // and the large buffer goes to the pool.
        pool.give(buffer(4 << 20));
        let code = pool.fit(instrs(100_000, 32 << 20));
        assert_eq!((cap(&code), code.len()), (4 << 20, 100_000));
        assert!(code.iter().all(|i| i.op == Op::Return0));
        let held: Vec<usize> = pool.buffers.lock().unwrap().iter().map(cap).collect();
        assert_eq!(held, [32 << 20]);
        // Too much slack and nothing pooled that fits: copied to a buffer of its size.
        let code = pool.fit(instrs(1000, 8 << 20));
        assert_eq!((code.capacity(), code.len()), (1000, 1000));
        let held: Vec<usize> = pool.buffers.lock().unwrap().iter().map(cap).collect();
        assert_eq!(held, [32 << 20, 8 << 20]);
    }

    #[test]
    fn code_pool_is_bounded() {
        let pool = CodePool::default();
        for _ in 0..POOL_MAX_BUFFERS + 3 {
            pool.give(buffer(POOL_MIN_BYTES));
        }
        assert_eq!(pool.buffers.lock().unwrap().len(), POOL_MAX_BUFFERS);
        let pool = CodePool::default();
        for _ in 0..3 {
            pool.give(buffer(POOL_MAX_BYTES / 2));
        }
        let held: usize = pool.buffers.lock().unwrap().iter().map(|b| b.capacity() * 16).sum();
        assert!(held <= POOL_MAX_BYTES);
    }
}
