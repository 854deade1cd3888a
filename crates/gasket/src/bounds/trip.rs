//! Trip counts of counted loops: the proof that a loop region runs at most `T` iterations per
//! entry, for the shape compilers emit (docs/bounds.md §2):
//! - the region has one backward edge, a compare-and-branch of an induction local `v` with a
//!   constant (`br_if` on `v < N`, `v != N`, ..., fused by the translator into one
//!   instruction, or a `br_if` on `v` itself, continuing while `v != 0`) that continues the
//!   loop when the comparison holds;
//! - on the straight line before that branch (no branch lands between, none leaves backward),
//!   `v = v + k` for a constant `k`: so every iteration that reaches the branch stepped `v`
//!   exactly once;
//! - `v` is written nowhere else in the region (calls cannot write a local), and on the
//!   straight line into the loop (nothing lands between but the loop's own back edge) the last
//!   write to `v` is a constant `c` (or none, for a declared local at function start: zero).
//!
//! The `j`-th arrival at the branch then sees `c + j·k` (modulo 2^32 or 2^64), so the first
//! `j` at which the comparison fails bounds the iterations; it is computed exactly, and
//! refused if the sequence would wrap before it.

use super::func::{writes, Body, Region};
use crate::ir::{flag, Op};

/// The longest straight line the proof scans, on either side.
const MAX_SCAN: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

/// The comparison, its width, and its constant, of a compare-and-branch with an immediate.
fn compare(op: Op, imm: u32) -> Option<(Cmp, u32, u64)> {
    use Op::*;
    let (cmp, width) = match op {
        BrIfI32EqImm => (Cmp::Eq, 32),
        BrIfI32NeImm => (Cmp::Ne, 32),
        BrIfI32LtSImm => (Cmp::LtS, 32),
        BrIfI32LtUImm => (Cmp::LtU, 32),
        BrIfI32GtSImm => (Cmp::GtS, 32),
        BrIfI32GtUImm => (Cmp::GtU, 32),
        BrIfI32LeSImm => (Cmp::LeS, 32),
        BrIfI32LeUImm => (Cmp::LeU, 32),
        BrIfI32GeSImm => (Cmp::GeS, 32),
        BrIfI32GeUImm => (Cmp::GeU, 32),
        BrIfI64EqImm => (Cmp::Eq, 64),
        BrIfI64NeImm => (Cmp::Ne, 64),
        BrIfI64LtSImm => (Cmp::LtS, 64),
        BrIfI64LtUImm => (Cmp::LtU, 64),
        BrIfI64GtSImm => (Cmp::GtS, 64),
        BrIfI64GtUImm => (Cmp::GtU, 64),
        BrIfI64LeSImm => (Cmp::LeS, 64),
        BrIfI64LeUImm => (Cmp::LeU, 64),
        BrIfI64GeSImm => (Cmp::GeS, 64),
        BrIfI64GeUImm => (Cmp::GeU, 64),
        // `br_if` on the induction variable itself: continues while it is not zero.
        BrIfNez => return Some((Cmp::Ne, 32, 0)),
        BrIfEqz => return Some((Cmp::Eq, 32, 0)),
        _ => return None,
    };
    let n = if op.is(flag::SEXT) { imm as i32 as i64 as u64 } else { imm as u64 };
    Some((cmp, width, n))
}

/// The step of `v = v + k`, with its width, if `q` is one.
fn step(body: &Body<'_>, q: usize, v: u32) -> Option<(u32, i64)> {
    let i = body.code[q];
    if i.a != v || i.b != v {
        return None;
    }
    match i.op.base() {
        Op::I32AddImm => Some((32, i.c as i32 as i64)),
        Op::I64AddImm => Some((64, i.c as i32 as i64)),
        Op::I64AddImm64 => {
            let e = body.code[q + 1];
            Some((64, (e.a as u64 | (e.b as u64) << 32) as i64))
        }
        _ => None,
    }
}

/// Whether `q` (not an `Ext` word) is a branch with a target at or before `q`.
fn branches_back(body: &Body<'_>, q: usize) -> bool {
    let i = body.code[q];
    if i.op.is(flag::BR_TABLE) {
        // A `br_table` ends the straight line: whatever follows is reached only by a label.
        return true;
    }
    (i.op.is(flag::BRANCH) || i.op.is(flag::COND_BRANCH)) && i.a as usize <= q
}

/// A bound on the iterations per entry of `region`, if it is a counted loop.
pub(super) fn trip_count(body: &Body<'_>, region: &Region) -> Option<u64> {
    if region.back_edges != 1 {
        return None;
    }
    let (s, b) = (region.s, region.back_src);
    let br = body.code[b];
    if !br.op.is(flag::COND_BRANCH) || br.a as usize != s {
        return None;
    }
    let (cmp, width, n) = compare(br.op.base(), br.c)?;
    let v = br.b;
    // The induction variable is a local no call can write.
    if v >= body.locals || v >= body.min_call_base {
        return None;
    }
    // The step: on the straight line ending at `b`.
    let mut lowest_src = usize::MAX;
    let mut q = b;
    let (p, (step_width, k)) = loop {
        if body.preds(q).iter().any(|&src| (src as usize) >= q) {
            return None;
        }
        lowest_src = lowest_src.min(body.preds(q).iter().map(|&x| x as usize).min().unwrap_or(usize::MAX));
        if q <= s || b - q > MAX_SCAN {
            return None;
        }
        q -= 1;
        if body.is_ext[q - body.lo] {
            continue;
        }
        if q != b && branches_back(body, q) {
            return None;
        }
        if writes(body.code[q], None, v) {
            break (q, step(body, q, v)?);
        }
    };
    if lowest_src < p || step_width != width {
        return None;
    }
    // No other write to `v` in the region.
    let writes_of_v = body.local_writes();
    let from = writes_of_v.partition_point(|&(slot, pos)| (slot, pos as usize) < (v, s));
    let to = writes_of_v.partition_point(|&(slot, pos)| (slot, pos as usize) <= (v, region.e));
    if to - from != 1 {
        return None;
    }
    // The initial value: the last write on the straight line into `s`.
    let in_region = |src: usize| src >= s && src <= region.e;
    let mut lowest_src = usize::MAX;
    let mut q = s;
    let init = loop {
        for &src in body.preds(q) {
            let src = src as usize;
            if in_region(src) && q == s {
                continue;
            }
            if src >= q {
                return None;
            }
            lowest_src = lowest_src.min(src);
        }
        if s - q > MAX_SCAN {
            return None;
        }
        if q == body.lo {
            // Function start: declared locals start at zero, parameters are unknown.
            if v < body.params {
                return None;
            }
            break 0;
        }
        q -= 1;
        if body.is_ext[q - body.lo] {
            continue;
        }
        let instr = body.code[q];
        if writes(instr, None, v) {
            if lowest_src < q {
                return None;
            }
            break match instr.op {
                Op::Const32 => instr.b as u64,
                Op::Const64 => instr.b as u64 | (instr.c as u64) << 32,
                _ => return None,
            };
        }
    };
    // An entry just past the header's `Charge` must come from the straight line too.
    if body.code[s].op == Op::Charge && s < region.e {
        for &src in body.preds(s + 1) {
            let src = src as usize;
            if !in_region(src) && src < q {
                return None;
            }
        }
    }
    trips(width, init, k, cmp, n)
}

/// The first `j >= 1` at which `cmp(c + j·k, n)` fails, for values of `width` bits, if the
/// sequence reaches it without wrapping (or, for `!=` and `==`, exactly, modulo `2^width`).
pub(super) fn trips(width: u32, c: u64, k: i64, cmp: Cmp, n: u64) -> Option<u64> {
    let modulus: u128 = 1 << width;
    let mask = (modulus - 1) as u64;
    let (c, n) = (c & mask, n & mask);
    let km = (k as u64) & mask;
    match cmp {
        Cmp::Eq => {
            let v1 = c.wrapping_add(km) & mask;
            if v1 != n {
                Some(1)
            } else if km != 0 {
                Some(2)
            } else {
                None
            }
        }
        Cmp::Ne => {
            // Solve c + j·k ≡ n (mod 2^width), j >= 1 minimal.
            let d = n.wrapping_sub(c) & mask;
            if km == 0 {
                return (d == 0).then_some(1);
            }
            let tz = km.trailing_zeros();
            if d & ((1u64 << tz) - 1) != 0 {
                return None;
            }
            let period: u128 = modulus >> tz;
            let odd = km >> tz;
            // Inverse of an odd number modulo 2^64 by Newton's iteration.
            let mut inv = odd;
            for _ in 0..6 {
                inv = inv.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(inv)));
            }
            let j = ((d >> tz) as u128 * inv as u128) % period;
            let j = if j == 0 { period } else { j };
            let j = u64::try_from(j).ok()?;
            (c.wrapping_add(j.wrapping_mul(km)) & mask == n).then_some(j)
        }
        _ => {
            let signed = matches!(cmp, Cmp::LtS | Cmp::GtS | Cmp::LeS | Cmp::GeS);
            let interp = |x: u64| -> i128 {
                if signed && x >> (width - 1) & 1 == 1 {
                    x as i128 - modulus as i128
                } else {
                    x as i128
                }
            };
            let (lo, hi) =
                if signed { (-(modulus as i128 / 2), modulus as i128 / 2 - 1) } else { (0, modulus as i128 - 1) };
            let (c, n, k) = (interp(c), interp(n), k as i128);
            let holds = |x: i128| match cmp {
                Cmp::LtS | Cmp::LtU => x < n,
                Cmp::GtS | Cmp::GtU => x > n,
                Cmp::LeS | Cmp::LeU => x <= n,
                _ => x >= n,
            };
            // A candidate: where a monotone sequence crosses `n`, else the first step.
            let j: i128 = match cmp {
                Cmp::LtS | Cmp::LtU if k > 0 => (n - c).div_euclid(k) + ((n - c).rem_euclid(k) != 0) as i128,
                Cmp::LeS | Cmp::LeU if k > 0 => (n - c).div_euclid(k) + 1,
                Cmp::GtS | Cmp::GtU if k < 0 => (c - n).div_euclid(-k) + ((c - n).rem_euclid(-k) != 0) as i128,
                Cmp::GeS | Cmp::GeU if k < 0 => (c - n).div_euclid(-k) + 1,
                _ => 1,
            };
            let j = j.max(1);
            let last = c + j * k;
            (last >= lo && last <= hi && !holds(last)).then(|| u64::try_from(j).ok()).flatten()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trip_counts() {
        // for (i = 0; i < 10; i++): the branch sees 1..=10, fails at 10.
        assert_eq!(trips(32, 0, 1, Cmp::LtU, 10), Some(10));
        assert_eq!(trips(32, 0, 1, Cmp::Ne, 10), Some(10));
        assert_eq!(trips(32, 0, 1, Cmp::LeS, 10), Some(11));
        assert_eq!(trips(32, 0, 3, Cmp::LtU, 10), Some(4));
        assert_eq!(trips(32, 10, -1, Cmp::GtS, 0), Some(10));
        assert_eq!(trips(32, 10, -1, Cmp::Ne, 0), Some(10));
        assert_eq!(trips(64, 0, 2, Cmp::Ne, 10), Some(5));
        // Never equal: an odd target with an even step.
        assert_eq!(trips(32, 0, 2, Cmp::Ne, 9), None);
        // Odd step modulo 2^32: 3·j ≡ 1.
        let j = trips(32, 0, 3, Cmp::Ne, 1).unwrap();
        assert_eq!((3u64 * j) & 0xffff_ffff, 1);
        // Wrong direction or wrapping: refused, or stops at once.
        assert_eq!(trips(32, 0, -1, Cmp::LtU, 10), None);
        assert_eq!(trips(32, 0xffff_fff0, 0x20, Cmp::LtU, 0xffff_ffff), None);
        assert_eq!(trips(32, 20, 1, Cmp::LtU, 10), Some(1));
        assert_eq!(trips(32, 0, 0, Cmp::LtU, 10), None);
        assert_eq!(trips(32, 5, 1, Cmp::Eq, 6), Some(2));
        assert_eq!(trips(32, 5, 1, Cmp::Eq, 5), Some(1));
    }
}
