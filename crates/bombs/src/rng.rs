//! Deterministic xorshift64 generator: every family produces identical bytes on every run.

use std::cell::Cell;

pub(crate) struct Rng(u64);

thread_local! {
    /// The variant being generated ([`crate::generate_variant`]), mixed into every seed; 0 for
    /// [`crate::generate`]. Set only for the duration of one generation, by [`Variant`].
    static VARIANT: Cell<u64> = const { Cell::new(0) };
}

/// Generation of variant `v` on this thread while it lives (restored on drop, also if a
/// generator panics).
pub(crate) struct Variant(u64);

impl Variant {
    pub(crate) fn enter(v: u64) -> Variant {
        Variant(VARIANT.replace(v))
    }
}

impl Drop for Variant {
    fn drop(&mut self) {
        VARIANT.set(self.0);
    }
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        // Variant 0 keeps the seed (and so `generate`'s bytes); others move it far away.
        let seed = seed ^ VARIANT.get().wrapping_mul(0x9E37_79B9_7F4A_7C15);
        // xorshift must not start at zero.
        Self(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform-ish in `0..n`; `n` must be non-zero.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}
