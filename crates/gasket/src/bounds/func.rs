//! One function's bounds over its IR: the gas of one call as the longest path through the
//! function's control-flow graph, loops collapsed; the call depth and value-stack cells from its
//! call sites.
//!
//! The graph's nodes are instructions; an instruction's weight is what it charges (a
//! `Charge`'s cost, a dynamic charge's bound, a callee's bound) and an edge's weight is what
//! the branch charges on it (`Instr::taken_gas`, `Instr::fall_gas`). A loop is a region
//! `[s, e]`: `s` a target of backward edges, `e` the last of their sources, widened to contain
//! every loop whose start lies inside (valid Wasm nests loops, so regions nest). One reverse
//! sweep computes for each instruction the longest path to leaving its innermost region; at a
//! region's start that is one iteration `W`, and the region becomes one node worth
//! `T × W + (longest continuation after an exit)`, `T` its proven trip count (`trip.rs`).
//! Every iteration starts at `s` and ends leaving the region (by its back edge or an exit)
//! having paid at most `W`, and at most `T` iterations run per entry, so the bound is sound.

use super::{trip, Analyzer, Cause, Reason, Res};
use crate::ir::{flag, Instr, Op};
use crate::module::ModuleInner;

/// The IR range `[lo, hi)` of defined function `def`.
pub(super) fn body_range(m: &ModuleInner, def: usize) -> (usize, usize) {
    let lo = m.compiled[def].entry as usize;
    let hi = m.compiled.get(def + 1).map_or(m.code.len(), |g| g.entry as usize);
    (lo, hi)
}

/// A loop region.
#[derive(Debug, Clone, Copy)]
pub(super) struct Region {
    pub s: usize,
    pub e: usize,
    /// Backward edges to `s`, and the last one's source.
    pub back_edges: u32,
    pub back_src: usize,
    pub parent: Option<usize>,
}

/// What the passes over one body share.
pub(super) struct Body<'a> {
    pub code: &'a [Instr],
    pub lo: usize,
    pub hi: usize,
    pub params: u32,
    pub locals: u32,
    /// Whether instruction `i - lo` is an `Ext` word.
    pub is_ext: Vec<bool>,
    /// Non-fallthrough predecessors: the sources of the edges into `i - lo`, as CSR.
    pred_start: Vec<u32>,
    preds: Vec<u32>,
    /// The lowest callee frame base of any call in the body (`u32::MAX` if none).
    pub min_call_base: u32,
    /// Every (local, instruction) such that the instruction writes the local, sorted; built
    /// when a loop first needs it. Returns, which end the call, are left out.
    local_writes: std::cell::OnceCell<Vec<(u32, u32)>>,
}

impl Body<'_> {
    pub fn local_writes(&self) -> &[(u32, u32)] {
        self.local_writes.get_or_init(|| {
            let mut out = Vec::new();
            let mut i = self.lo;
            while i < self.hi {
                let instr = self.code[i];
                let info = instr.op.info();
                let local = |slot: u32| slot < self.locals;
                match instr.op.base() {
                    Op::CopySpan => {
                        let end = instr.a.saturating_add(instr.c).min(self.locals);
                        out.extend((instr.a..end).map(|slot| (slot, i as u32)));
                    }
                    Op::Copy2 => {
                        out.extend([instr.a, instr.c].into_iter().filter(|&x| local(x)).map(|x| (x, i as u32)));
                    }
                    Op::Call | Op::CallIndirect | Op::ReturnN | Op::Return1 => {}
                    _ if info.operands[0] == crate::ir::Kind::Dst && local(instr.a) => out.push((instr.a, i as u32)),
                    _ => {}
                }
                i += 1 + info.ext.is_some() as usize;
            }
            out.sort_unstable();
            out
        })
    }

    /// The sources of the branch edges into `i`.
    pub fn preds(&self, i: usize) -> &[u32] {
        let k = i - self.lo;
        &self.preds[self.pred_start[k] as usize..self.pred_start[k + 1] as usize]
    }
}

/// The successors of `i`: (target, gas charged on the edge, whether it is the fallthrough).
fn successors(m: &ModuleInner, i: usize, out: &mut Vec<(usize, u64, bool)>) {
    out.clear();
    let instr = m.code[i];
    let op = instr.op;
    let next = i + 1 + op.info().ext.is_some() as usize;
    if op.is(flag::BR_TABLE) {
        let first = instr.c as usize;
        for &t in m.br_targets.get(first..first + instr.b as usize).unwrap_or(&[]) {
            out.push((t as usize, 0, false));
        }
    } else if op.is(flag::BRANCH) {
        out.push((instr.a as usize, instr.taken_gas(), false));
    } else if op.is(flag::COND_BRANCH) {
        out.push((instr.a as usize, instr.cond_taken_gas(), false));
        match instr.fall_gas() {
            0 => out.push((next, 0, true)),
            g => out.push((next + 1, g, false)),
        }
    } else if !op.is(flag::ENDS) {
        out.push((next, 0, true));
    }
}

/// Whether `instr` writes slot `v` (calls: every slot of the callee frame and above).
pub(super) fn writes(instr: Instr, ext: Option<Instr>, v: u32) -> bool {
    match instr.op.base() {
        Op::CopySpan => v >= instr.a && v - instr.a < instr.c,
        Op::ReturnN | Op::Return1 => true,
        Op::Call => v >= instr.b,
        Op::CallIndirect => v >= instr.c,
        Op::Copy2 => v == instr.a || v == instr.c,
        op => {
            let _ = ext;
            op.info().operands[0] == crate::ir::Kind::Dst && instr.a == v
        }
    }
}

fn build_body(m: &ModuleInner, def: usize) -> Result<Body<'_>, Cause> {
    let (lo, hi) = body_range(m, def);
    let cf = m.compiled[def];
    let n = hi - lo;
    let bad = Cause { reason: Reason::Unstructured, offset: super::AT_CALLER };
    let mut is_ext = vec![false; n];
    let mut count = vec![0u32; n + 1];
    let mut succ = Vec::new();
    let mut min_call_base = u32::MAX;
    let mut i = lo;
    while i < hi {
        let instr = m.code[i];
        if instr.op.info().ext.is_some() {
            if i + 1 >= hi {
                return Err(bad);
            }
            is_ext[i + 1 - lo] = true;
        }
        match instr.op.base() {
            Op::Call => min_call_base = min_call_base.min(instr.b),
            Op::CallIndirect => min_call_base = min_call_base.min(instr.c),
            _ => {}
        }
        successors(m, i, &mut succ);
        for &(t, _, fall) in &succ {
            if t < lo || t >= hi {
                return Err(bad);
            }
            if !fall {
                count[t - lo] += 1;
            }
        }
        i += 1 + is_ext.get(i + 1 - lo).copied().unwrap_or(false) as usize;
    }
    // Prefix sums, then fill.
    let mut pred_start = vec![0u32; n + 1];
    for k in 0..n {
        pred_start[k + 1] = pred_start[k] + count[k];
    }
    let mut fill = pred_start.clone();
    let mut preds = vec![0u32; pred_start[n] as usize];
    let mut i = lo;
    while i < hi {
        successors(m, i, &mut succ);
        for &(t, _, fall) in &succ {
            if !fall {
                preds[fill[t - lo] as usize] = i as u32;
                fill[t - lo] += 1;
            }
        }
        i += 1 + is_ext[i - lo + 1..].first().copied().unwrap_or(false) as usize;
    }
    Ok(Body {
        code: &m.code,
        lo,
        hi,
        params: cf.params,
        locals: cf.locals,
        is_ext,
        pred_start,
        preds,
        min_call_base,
        local_writes: std::cell::OnceCell::new(),
    })
}

/// The loop regions of a body, closed under nesting, with parents; sorted by start.
fn regions(body: &Body<'_>) -> Vec<Region> {
    let mut found: Vec<Region> = Vec::new();
    for t in body.lo..body.hi {
        let mut r = Region { s: t, e: t, back_edges: 0, back_src: t, parent: None };
        for &src in body.preds(t) {
            let src = src as usize;
            if src >= t {
                r.back_edges += 1;
                r.e = r.e.max(src);
                r.back_src = r.back_src.max(src);
            }
        }
        if r.back_edges > 0 {
            found.push(r);
        }
    }
    // Close: from the last start back, a region swallows the regions starting inside it.
    let mut open: Vec<usize> = Vec::new();
    for k in (0..found.len()).rev() {
        while let Some(&top) = open.last() {
            if found[top].s <= found[k].e {
                found[k].e = found[k].e.max(found[top].e);
                found[top].parent = Some(k);
                open.pop();
            } else {
                break;
            }
        }
        open.push(k);
    }
    found
}

/// The dynamic charge of instruction `i`, or why it has no bound.
fn dynamic_gas(an: &Analyzer<'_>, body: &Body<'_>, i: usize) -> Res {
    let instr = body.code[i];
    let s = an.schedule;
    let len_slot = match instr.op.base() {
        Op::MemoryGrow => instr.b,
        _ => instr.c,
    };
    let n =
        const_operand(body, i, len_slot).ok_or(Cause { reason: Reason::DynamicLength, offset: super::AT_CALLER })?;
    let n = n as u32 as u64;
    let gas = match instr.op.base() {
        Op::MemoryGrow => s.memory_grow_per_page.checked_mul(n),
        Op::MemoryFill | Op::MemoryCopy | Op::MemoryInit => s.bulk_memory_per_word.checked_mul(n.div_ceil(8)),
        _ => s.table_per_element.checked_mul(n),
    };
    gas.ok_or(Cause { reason: Reason::Overflow, offset: super::AT_CALLER })
}

/// The constant slot `v` holds at `i`, if the few instructions before `i`, with no label
/// between, set it to one.
pub(super) fn const_operand(body: &Body<'_>, i: usize, v: u32) -> Option<u64> {
    let mut q = i;
    for _ in 0..6 {
        if !body.preds(q).is_empty() || q == body.lo {
            return None;
        }
        q -= 1;
        if body.is_ext[q - body.lo] {
            continue;
        }
        let instr = body.code[q];
        if instr.op.is(flag::ENDS) || instr.op.is(flag::BRANCH) {
            return None;
        }
        if writes(instr, None, v) {
            return match instr.op {
                Op::Const32 => Some(instr.b as u64),
                Op::Const64 => Some(instr.b as u64 | (instr.c as u64) << 32),
                _ => None,
            };
        }
    }
    None
}

/// The gas bound of one call of defined function `def` (body at byte `offset`).
pub(super) fn function_gas(an: &Analyzer<'_>, def: usize, offset: u64) -> Res {
    let at = |c: Cause| if c.offset == super::AT_CALLER { Cause { offset, ..c } } else { c };
    let overflow = Cause { reason: Reason::Overflow, offset };
    let m = an.m;
    let body = build_body(m, def).map_err(at)?;
    let regions = regions(&body);
    let (lo, hi) = (body.lo, body.hi);
    let n = hi - lo;
    // Innermost region of every instruction (a forward sweep over nested intervals).
    let mut region_of: Vec<Option<u32>> = vec![None; n];
    {
        let mut open: Vec<usize> = Vec::new();
        let mut next = 0;
        for i in lo..hi {
            while open.last().is_some_and(|&r| regions[r].e < i) {
                open.pop();
            }
            while next < regions.len() && regions[next].s == i {
                open.push(next);
                next += 1;
            }
            region_of[i - lo] = open.last().map(|&r| r as u32);
        }
    }
    // Regions by end descending, outer (smaller start) first among equal ends.
    let mut by_end: Vec<usize> = (0..regions.len()).collect();
    by_end.sort_unstable_by_key(|&r| (std::cmp::Reverse(regions[r].e), regions[r].s));
    let mut next_end = 0;
    // Per instruction, at the level of its innermost region (a region's start: the region
    // as one node, at its parent's level): `ex`, the longest path from it that leaves the
    // region (to the end of the call, every later loop collapsed); `bk`, the longest that
    // ends with the region's back edge (`None`: there is none).
    let mut ex = vec![0u64; n];
    let mut bk: Vec<Option<u64>> = vec![None; n];
    // Per region: the longest continuations after its exits, at its parent's level.
    let mut exit_ex = vec![0u64; regions.len()];
    let mut exit_bk: Vec<Option<u64>> = vec![None; regions.len()];
    let add = |a: u64, b: u64| a.checked_add(b).ok_or(overflow);
    let add_opt = |a: u64, b: Option<u64>| b.map(|b| add(a, b)).transpose();
    let mut open: Vec<usize> = Vec::new();
    let mut succ = Vec::new();
    for i in (lo..hi).rev() {
        while next_end < by_end.len() && regions[by_end[next_end]].e == i {
            open.push(by_end[next_end]);
            next_end += 1;
        }
        if body.is_ext[i - lo] {
            continue;
        }
        let instr = body.code[i];
        let weight = if instr.op == Op::Charge {
            instr.charge_cost()
        } else if instr.op.is(flag::DYN_GAS) {
            dynamic_gas(an, &body, i).map_err(at)?
        } else if instr.op.is(flag::CALL) {
            an.result(an.callee_node(i), offset).gas?
        } else {
            0
        };
        successors(m, i, &mut succ);
        let (mut best_ex, mut best_bk) = (0u64, None::<u64>);
        let inner = open.last().map(|&r| regions[r]);
        for &(t, g, _) in &succ {
            if t <= i {
                if inner.is_some_and(|r| r.s == t) {
                    // This region's back edge.
                    best_bk = best_bk.max(Some(g));
                } else {
                    // An outer loop's back edge: leaves the regions inside that loop.
                    best_ex = best_ex.max(g);
                    let k = open.partition_point(|&r| regions[r].s <= t);
                    if let Some(&c) = open.get(k) {
                        exit_bk[c] = exit_bk[c].max(Some(0));
                    }
                }
                continue;
            }
            // Entering a region from outside is only allowed at its start.
            let mut q = region_of[t - lo].map(|q| q as usize);
            while let Some(r) = q.filter(|&r| regions[r].s > i) {
                let rs = regions[r].s;
                if !(rs == t || (rs + 1 == t && body.code[rs].op == Op::Charge)) {
                    return Err(Cause { reason: Reason::Unstructured, offset });
                }
                q = regions[r].parent;
            }
            let k = open.partition_point(|&r| regions[r].e >= t);
            if let Some(&r) = open.get(k) {
                // Leaves regions open[k..]; the outermost of them continues at `t`.
                best_ex = best_ex.max(g);
                exit_ex[r] = exit_ex[r].max(ex[t - lo]);
                exit_bk[r] = exit_bk[r].max(bk[t - lo]);
            } else {
                best_ex = best_ex.max(add(g, ex[t - lo])?);
                best_bk = best_bk.max(add_opt(g, bk[t - lo])?);
            }
        }
        ex[i - lo] = add(weight, best_ex)?;
        bk[i - lo] = add_opt(weight, best_bk)?;
        if let Some(&r) = open.last() {
            if regions[r].s == i {
                let region = regions[r];
                let trips = trip::trip_count(&body, &region).ok_or(Cause { reason: Reason::LoopTripCount, offset })?;
                // At most `trips` iterations per entry: all but the last end with the back
                // edge, the last leaves the region.
                let back = bk[i - lo].unwrap_or(0);
                let iterations =
                    (trips - 1).checked_mul(back).and_then(|w| w.checked_add(ex[i - lo])).ok_or(overflow)?;
                ex[i - lo] = add(iterations, exit_ex[r])?;
                bk[i - lo] = add_opt(iterations, exit_bk[r])?;
                if body.code[i].op == Op::Charge && i < region.e {
                    ex[i + 1 - lo] = ex[i - lo];
                    bk[i + 1 - lo] = bk[i - lo];
                }
                open.pop();
            }
        }
    }
    m.compiled[def].entry_cost.checked_add(ex.first().copied().unwrap_or(0)).ok_or(overflow)
}

/// The call depth and value-stack cells of one call of defined function `def`.
pub(super) fn depth_and_stack(an: &Analyzer<'_>, def: usize, offset: u64) -> (Res, Res) {
    let m = an.m;
    let (lo, hi) = body_range(m, def);
    let mut depth: Res = Ok(1);
    // A call from the embedder needs room for the arguments and results too (exec::invoke).
    let ty = m.func_type(m.num_imported_funcs + def as u32);
    let cells = (m.compiled[def].frame_size as usize).max(ty.params().len()).max(ty.results().len());
    let mut stack: Res = Ok(cells as u64);
    let overflow = Cause { reason: Reason::Overflow, offset };
    let mut i = lo;
    while i < hi {
        let instr = m.code[i];
        if instr.op.is(flag::CALL) {
            let base = if instr.op == Op::Call { instr.b } else { instr.c } as u64;
            let callee = an.result(an.callee_node(i), offset);
            depth = depth.and_then(|d| Ok(d.max(callee.depth?.checked_add(1).ok_or(overflow)?)));
            stack = stack.and_then(|s| Ok(s.max(callee.stack?.checked_add(base).ok_or(overflow)?)));
        }
        i += 1 + instr.op.info().ext.is_some() as usize;
    }
    (depth, stack)
}
