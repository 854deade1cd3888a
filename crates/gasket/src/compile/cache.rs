//! The register cache: which frame slots live in which of the [`reg::CACHE`] registers within
//! a straight-line stretch of code, and whether the register is newer than the slot (dirty).
//!
//! Guarantees:
//! - **A slot's value is in its frame cell, or in exactly one register that is newer.** Every
//!   read of a slot goes through the cache; a dirty register is written back before its
//!   register is reused ([`Cache::alloc`]) and at every point where the frame must be
//!   complete ([`Cache::flush`]): before branches, labels, calls and builtins.
//! - Constant work per use: a slot's register is found through a per-frame map; a register
//!   for a new value is the first free of seven, or the least recently used. Which entries
//!   hold a slot and which are dirty are bitmasks, so a flush or a clear visits only those.

use super::runtime::reg;

/// No register (in [`Cache::entry_of`]).
const NO_ENTRY: u8 = u8::MAX;
/// Entries, one bit each in [`Cache::held`] and [`Cache::dirty`].
const ENTRIES: usize = reg::CACHE.len();
/// Every entry.
const ALL: u8 = (1 << ENTRIES) - 1;

/// For each register number, its entry's bit (0 for registers the cache does not use).
const BIT: [u8; 16] = {
    let mut t = [0; 16];
    let mut e = 0;
    while e < ENTRIES {
        t[reg::CACHE[e] as usize] = 1 << e;
        e += 1;
    }
    t
};

/// The state of the [`reg::CACHE`] registers: entry `e` is register `reg::CACHE[e]`.
#[derive(Debug, Clone)]
pub(super) struct Cache {
    /// The slot each entry holds (meaningful where its bit of `held` is set).
    slot: [u32; ENTRIES],
    /// Entries holding a slot, and those of them newer than the slot's cell.
    held: u8,
    dirty: u8,
    used: [u32; ENTRIES],
    clock: u32,
    /// For each frame slot, the entry holding it, or [`NO_ENTRY`]: lookups are O(1).
    entry_of: Vec<u8>,
    /// The first temporary's slot (the function's locals are below it).
    temps: u32,
    /// Entries holding a temporary the current instruction has read ([`Cache::note_read`]);
    /// an entry's bit is cleared when it is vacated.
    read_temps: u8,
}

/// A write-back the cache needs emitted: store register `reg` into slot `slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spill {
    pub reg: u8,
    pub slot: u32,
}

/// The entries of registers `regs`, as bits.
#[inline]
fn mask(regs: &[u8]) -> u8 {
    regs.iter().fold(0, |m, &r| m | BIT[r as usize & 15])
}

impl Cache {
    /// A cache for a frame of `frame_size` slots whose temporaries start at slot `temps`.
    pub fn new(frame_size: usize, temps: u32) -> Cache {
        Cache {
            slot: [0; ENTRIES],
            held: 0,
            dirty: 0,
            used: [0; ENTRIES],
            clock: 0,
            entry_of: vec![NO_ENTRY; frame_size],
            temps,
            read_temps: 0,
        }
    }

    /// Empties the cache for a frame of `frame_size` slots whose temporaries start at slot
    /// `temps`, reusing its allocation.
    pub fn reset(&mut self, frame_size: usize, temps: u32) {
        self.clear();
        self.temps = temps;
        self.entry_of.clear();
        self.entry_of.resize(frame_size, NO_ENTRY);
    }

    #[inline]
    fn touch(&mut self, e: usize) {
        self.clock = self.clock.wrapping_add(1);
        self.used[e] = self.clock;
    }

    /// Empties entry `e`.
    #[inline]
    fn vacate(&mut self, e: usize) {
        let bit = 1 << e;
        if self.held & bit != 0 {
            self.entry_of[self.slot[e] as usize] = NO_ENTRY;
        }
        self.held &= !bit;
        self.dirty &= !bit;
        self.read_temps &= !bit;
    }

    /// Entry `e`'s write-back, if it holds a dirty slot.
    #[inline]
    fn spill_of(&self, e: usize) -> Option<Spill> {
        (self.dirty & 1 << e != 0).then(|| Spill { reg: reg::CACHE[e], slot: self.slot[e] })
    }

    /// The register holding `slot`, if any.
    #[inline(always)]
    pub fn find(&mut self, slot: u32) -> Option<u8> {
        let e = self.entry_holding(slot)?;
        self.touch(e);
        Some(reg::CACHE[e])
    }

    /// The entry holding `slot`, if any.
    #[inline(always)]
    fn entry_holding(&self, slot: u32) -> Option<usize> {
        match self.entry_of.get(slot as usize) {
            Some(&e) if e != NO_ENTRY => Some(e as usize),
            _ => None,
        }
    }

    /// A register for a new value, other than those in `avoid`: the first free one, or the
    /// least recently used (the first of equals), whose dirty slot is returned for writing
    /// back first. A dirty one whose slot is in `soon`'s entries (the slots the next
    /// instructions read, asked only then) is kept if another can go.
    #[inline(always)]
    pub fn alloc(&mut self, avoid: &[u8], soon: impl FnOnce(&Self) -> u8) -> (u8, Option<Spill>) {
        let candidates = ALL & !mask(avoid);
        let free = candidates & !self.held;
        let e = if free != 0 {
            free.trailing_zeros() as usize
        } else {
            assert!(candidates != 0, "more cache registers than any instruction pins");
            let best = self.least_recent(candidates);
            if self.dirty & 1 << best == 0 {
                best
            } else {
                let later = candidates & !soon(self);
                if later != 0 && later & 1 << best == 0 {
                    self.least_recent(later)
                } else {
                    best
                }
            }
        };
        let spill = self.spill_of(e);
        self.vacate(e);
        self.touch(e);
        (reg::CACHE[e], spill)
    }

    /// The least recently used of the entries in `among` (not empty), the first of equals.
    #[inline(always)]
    fn least_recent(&self, among: u8) -> usize {
        let mut rest = among;
        let mut best = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        while rest != 0 {
            let e = rest.trailing_zeros() as usize;
            if self.used[e] < self.used[best] {
                best = e;
            }
            rest &= rest - 1;
        }
        best
    }

    /// Records that register `r` (just allocated, or already `slot`'s) now holds `slot`:
    /// loaded from the frame (`dirty` false) or newly computed (`dirty` true). Any other
    /// register holding `slot` is forgotten, so that a slot is in at most one register.
    #[inline(always)]
    pub fn bind(&mut self, r: u8, slot: u32, dirty: bool) {
        let e = Self::entry(r);
        let bit = 1 << e;
        let old = self.entry_of[slot as usize];
        if old != NO_ENTRY && old as usize != e {
            self.held &= !(1 << old);
            self.dirty &= !(1 << old);
            self.read_temps &= !(1 << old);
        }
        if self.held & bit == 0 || self.slot[e] != slot {
            self.vacate(e);
        }
        self.slot[e] = slot;
        self.held |= bit;
        self.dirty = (self.dirty & !bit) | if dirty { bit } else { 0 };
        self.entry_of[slot as usize] = e as u8;
        self.touch(e);
    }

    /// Evicts whatever register `r` holds, returning its write-back if it is dirty (for
    /// instructions that need a particular register).
    pub fn take(&mut self, r: u8) -> Option<Spill> {
        let e = Self::entry(r);
        let spill = self.spill_of(e);
        self.vacate(e);
        spill
    }

    /// Every dirty register, now clean, in entry order: the write-backs that make the frame
    /// complete.
    #[inline]
    pub fn flush(&mut self) -> impl Iterator<Item = Spill> + '_ {
        let mut dirty = std::mem::take(&mut self.dirty);
        let slot = &self.slot;
        std::iter::from_fn(move || {
            if dirty == 0 {
                return None;
            }
            let e = dirty.trailing_zeros() as usize;
            dirty &= dirty - 1;
            Some(Spill { reg: reg::CACHE[e], slot: slot[e] })
        })
    }

    /// Forgets every register (after a flush): at labels, and after calls and builtins, which
    /// clobber them.
    #[inline]
    pub fn clear(&mut self) {
        let mut held = self.held;
        while held != 0 {
            let e = held.trailing_zeros() as usize;
            self.entry_of[self.slot[e] as usize] = NO_ENTRY;
            held &= held - 1;
        }
        self.held = 0;
        self.dirty = 0;
        self.read_temps = 0;
    }

    /// Notes that the current instruction reads `slot` from register `r`: if `slot` is a
    /// temporary, the entry is among those [`Cache::take_read_temporaries`] gives.
    #[inline(always)]
    pub fn note_read(&mut self, r: u8, slot: u32) {
        self.read_temps |= BIT[r as usize & 15] & ((slot >= self.temps) as u8).wrapping_neg();
    }

    /// The entries (as bits) that still hold a temporary the current instruction read (see
    /// [`Cache::note_read`]), but the one holding `result`; and starts over for the next.
    #[inline(always)]
    pub fn take_read_temporaries(&mut self, result: u32) -> u8 {
        let read = self.read_temps & self.held & !self.bit_of(result);
        self.read_temps = 0;
        read
    }

    /// The slots the entries `entries` (as bits, held ones) hold.
    pub fn slots_of(&self, entries: u8) -> impl Iterator<Item = u32> + '_ {
        (0..ENTRIES).filter(move |e| entries & 1 << e != 0).map(|e| self.slot[e])
    }

    /// Forgets the entries `entries` (as bits, held ones) without writing them back: for
    /// slots that are dead (temporaries popped for good; see `compile::pops`).
    #[inline(always)]
    pub fn forget_entries(&mut self, entries: u8) {
        let mut rest = entries;
        while rest != 0 {
            let e = rest.trailing_zeros() as usize;
            self.entry_of[self.slot[e] as usize] = NO_ENTRY;
            rest &= rest - 1;
        }
        self.held &= !entries;
        self.dirty &= !entries;
        self.read_temps &= !entries;
    }

    /// The entry bit of the register holding `slot`, or 0 (for [`Cache::alloc`]'s `soon`).
    #[inline]
    pub fn bit_of(&self, slot: u32) -> u8 {
        self.entry_holding(slot).map_or(0, |e| 1 << e)
    }

    /// Whether `r` holds a dirty slot.
    pub fn is_dirty(&self, r: u8) -> bool {
        self.dirty & BIT[r as usize & 15] != 0
    }

    /// The entry of cache register `r` (registers 1, 2, 6, 7, 8, 9, 10).
    #[inline]
    fn entry(r: u8) -> usize {
        const ENTRY: [u8; 16] = {
            let mut t = [u8::MAX; 16];
            let mut e = 0;
            while e < ENTRIES {
                t[reg::CACHE[e] as usize] = e as u8;
                e += 1;
            }
            t
        };
        ENTRY[r as usize & 15] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_lives_in_one_register_and_dirty_ones_are_written_back() {
        let mut c = Cache::new(200, 100);
        let (r1, s) = c.alloc(&[], |_| 0);
        assert_eq!(s, None);
        c.bind(r1, 7, true);
        assert_eq!(c.find(7), Some(r1));
        let (r2, _) = c.alloc(&[r1], |_| 0);
        assert_ne!(r1, r2);
        // Rebinding slot 7 to another register forgets the first.
        c.bind(r2, 7, true);
        assert_eq!(c.find(7), Some(r2));
        assert!(!c.is_dirty(r1));
        // Filling every register evicts the least recently used, dirty, with its write-back.
        let mut spills = Vec::new();
        for slot in 100..100 + reg::CACHE.len() as u32 {
            let (r, s) = c.alloc(&[], |_| 0);
            spills.extend(s);
            c.bind(r, slot, false);
        }
        assert_eq!(spills, vec![Spill { reg: r2, slot: 7 }]);
        assert_eq!(c.find(7), None);
        assert_eq!(c.flush().count(), 0, "every remaining slot is clean");
    }
}
