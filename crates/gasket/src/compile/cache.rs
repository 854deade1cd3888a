//! The register cache: which frame slots live in which of the [`reg::CACHE`] registers within
//! a straight-line stretch of code, and whether the register is newer than the slot (dirty).
//!
//! Guarantees:
//! - **A slot's value is in its frame cell, or in exactly one register that is newer.** Every
//!   read of a slot goes through the cache; a dirty register is written back before its
//!   register is reused ([`Cache::alloc`]) and at every point where the frame must be
//!   complete ([`Cache::flush`]): before branches, labels, calls and builtins.
//! - Constant work per use: a slot's register is found through a per-frame map; a register
//!   for a new value is the first free of seven, or the least recently used.

use super::runtime::reg;

/// No slot.
const NONE: u32 = u32::MAX;
/// No register (in [`Cache::entry_of`]).
const NO_ENTRY: u8 = u8::MAX;

/// The state of the [`reg::CACHE`] registers.
#[derive(Debug, Clone)]
pub(super) struct Cache {
    slot: [u32; reg::CACHE.len()],
    dirty: [bool; reg::CACHE.len()],
    used: [u32; reg::CACHE.len()],
    clock: u32,
    /// For each frame slot, the entry holding it, or [`NO_ENTRY`]: lookups are O(1).
    entry_of: Vec<u8>,
}

/// A write-back the cache needs emitted: store register `reg` into slot `slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spill {
    pub reg: u8,
    pub slot: u32,
}

impl Cache {
    /// A cache for a frame of `frame_size` slots.
    pub fn new(frame_size: usize) -> Cache {
        Cache {
            slot: [NONE; reg::CACHE.len()],
            dirty: [false; reg::CACHE.len()],
            used: [0; reg::CACHE.len()],
            clock: 0,
            entry_of: vec![NO_ENTRY; frame_size],
        }
    }

    /// Empties the cache for a frame of `frame_size` slots, reusing its allocation.
    pub fn reset(&mut self, frame_size: usize) {
        self.clear();
        self.entry_of.clear();
        self.entry_of.resize(frame_size, NO_ENTRY);
    }

    fn touch(&mut self, e: usize) {
        self.clock = self.clock.wrapping_add(1);
        self.used[e] = self.clock;
    }

    /// Empties entry `e`.
    fn vacate(&mut self, e: usize) {
        if self.slot[e] != NONE {
            self.entry_of[self.slot[e] as usize] = NO_ENTRY;
        }
        self.slot[e] = NONE;
        self.dirty[e] = false;
    }

    /// The register holding `slot`, if any.
    #[inline]
    pub fn find(&mut self, slot: u32) -> Option<u8> {
        let e = *self.entry_of.get(slot as usize)?;
        if e == NO_ENTRY {
            return None;
        }
        self.touch(e as usize);
        Some(reg::CACHE[e as usize])
    }

    /// A register for a new value, other than those in `avoid`: a free one, or the least
    /// recently used, whose dirty slot is returned for writing back first.
    pub fn alloc(&mut self, avoid: &[u8]) -> (u8, Option<Spill>) {
        let mut best = None;
        for e in 0..reg::CACHE.len() {
            if avoid.contains(&reg::CACHE[e]) {
                continue;
            }
            if self.slot[e] == NONE {
                best = Some(e);
                break;
            }
            if best.is_none_or(|b| self.used[e] < self.used[b]) {
                best = Some(e);
            }
        }
        let e = best.expect("more cache registers than any instruction pins");
        let spill = (self.slot[e] != NONE && self.dirty[e]).then_some(Spill { reg: reg::CACHE[e], slot: self.slot[e] });
        self.vacate(e);
        self.touch(e);
        (reg::CACHE[e], spill)
    }

    /// Records that register `r` (just allocated, or already `slot`'s) now holds `slot`:
    /// loaded from the frame (`dirty` false) or newly computed (`dirty` true). Any other
    /// register holding `slot` is forgotten, so that a slot is in at most one register.
    pub fn bind(&mut self, r: u8, slot: u32, dirty: bool) {
        let e = Self::entry(r);
        let old = self.entry_of[slot as usize];
        if old != NO_ENTRY && old as usize != e {
            self.slot[old as usize] = NONE;
            self.dirty[old as usize] = false;
        }
        if self.slot[e] != slot {
            self.vacate(e);
        }
        self.slot[e] = slot;
        self.dirty[e] = dirty;
        self.entry_of[slot as usize] = e as u8;
        self.touch(e);
    }

    /// Evicts whatever register `r` holds, returning its write-back if it is dirty (for
    /// instructions that need a particular register).
    pub fn take(&mut self, r: u8) -> Option<Spill> {
        let e = Self::entry(r);
        let spill = (self.slot[e] != NONE && self.dirty[e]).then_some(Spill { reg: r, slot: self.slot[e] });
        self.vacate(e);
        spill
    }

    /// Every dirty register, now clean: the write-backs that make the frame complete.
    pub fn flush(&mut self) -> impl Iterator<Item = Spill> + '_ {
        (0..reg::CACHE.len()).filter_map(move |e| {
            if self.slot[e] != NONE && self.dirty[e] {
                self.dirty[e] = false;
                Some(Spill { reg: reg::CACHE[e], slot: self.slot[e] })
            } else {
                None
            }
        })
    }

    /// Forgets every register (after a flush): at labels, and after calls and builtins, which
    /// clobber them.
    pub fn clear(&mut self) {
        for e in 0..reg::CACHE.len() {
            self.vacate(e);
        }
    }

    /// Whether `r` holds a dirty slot.
    pub fn is_dirty(&self, r: u8) -> bool {
        self.dirty[Self::entry(r)]
    }

    /// The entry of cache register `r` (registers 1, 2, 6, 7, 8, 9, 10).
    #[inline]
    fn entry(r: u8) -> usize {
        const ENTRY: [u8; 16] = {
            let mut t = [u8::MAX; 16];
            let mut e = 0;
            while e < reg::CACHE.len() {
                t[reg::CACHE[e] as usize] = e as u8;
                e += 1;
            }
            t
        };
        ENTRY[r as usize] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_lives_in_one_register_and_dirty_ones_are_written_back() {
        let mut c = Cache::new(200);
        let (r1, s) = c.alloc(&[]);
        assert_eq!(s, None);
        c.bind(r1, 7, true);
        assert_eq!(c.find(7), Some(r1));
        let (r2, _) = c.alloc(&[r1]);
        assert_ne!(r1, r2);
        // Rebinding slot 7 to another register forgets the first.
        c.bind(r2, 7, true);
        assert_eq!(c.find(7), Some(r2));
        assert!(!c.is_dirty(r1));
        // Filling every register evicts the least recently used, dirty, with its write-back.
        let mut spills = Vec::new();
        for slot in 100..100 + reg::CACHE.len() as u32 {
            let (r, s) = c.alloc(&[]);
            spills.extend(s);
            c.bind(r, slot, false);
        }
        assert_eq!(spills, vec![Spill { reg: r2, slot: 7 }]);
        assert_eq!(c.find(7), None);
        assert_eq!(c.flush().count(), 0, "every remaining slot is clean");
    }
}
