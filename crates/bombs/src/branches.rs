//! Branch families: huge `br_table`s (without values, with values needing moves, with 128
//! values within the value-traffic budget), `br_if` carrying many values, and a `br_table` one
//! entry over the limit.

use wasm_encoder::{BlockType, Function, ValType};

use crate::builder::{fill, Body, ModuleBuilder, Pad};
use crate::limits;
use crate::rng::Rng;
use crate::stack::pad_code;

const BODY: usize = 64 * 1024;

/// Most targets one br_table may have besides its default.
const MAX_TARGETS: usize = limits::MAX_BR_TABLE_TARGETS as usize - 1;

/// Width of the multi-value families: the default `max_results`.
pub(crate) const WIDE: usize = limits::MAX_RESULTS as usize;

fn targets(rng: &mut Rng, n: usize, labels: usize) -> Vec<u32> {
    (0..n).map(|_| rng.below(labels) as u32).collect()
}

/// Number of targets that fit in what remains of `budget` after `overhead` bytes.
fn table_len(f: &Function, budget: usize, overhead: usize) -> usize {
    budget.saturating_sub(f.byte_len() + overhead).min(MAX_TARGETS)
}

pub(crate) fn br_table(target: usize) -> Vec<u8> {
    const LABELS: usize = 32;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let mut rng = Rng::new(0xB7AB_1E00_0000_0001);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        loop {
            let n = table_len(&f, budget, 3 * LABELS + 8);
            if n < 16 {
                break;
            }
            let mut s = f.instructions();
            for _ in 0..LABELS {
                s.block(BlockType::Empty);
            }
            s.local_get(0).br_table(targets(&mut rng, n, LABELS), rng.below(LABELS) as u32);
            for _ in 0..LABELS {
                s.end();
            }
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn br_table_values(target: usize) -> Vec<u8> {
    const LABELS: usize = 32;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let mut rng = Rng::new(0xB7AB_1E00_0000_0002);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        loop {
            let n = table_len(&f, budget, 8 * LABELS + 8);
            if n < 16 {
                break;
            }
            // Levels with an extra value below the next block put the labels at differing
            // stack heights, so most targets need their value moved.
            let extra: Vec<bool> = (0..LABELS).map(|j| j % 2 == 1).collect();
            let mut s = f.instructions();
            for &e in &extra {
                s.block(BlockType::Result(ValType::I32));
                if e {
                    s.i32_const(0);
                }
            }
            s.i32_const(7).local_get(0);
            s.br_table(targets(&mut rng, n, LABELS), rng.below(LABELS) as u32);
            for j in (0..LABELS).rev() {
                s.end();
                if j > 0 && extra[j - 1] {
                    s.drop();
                }
            }
            s.drop();
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

/// Pushes `n` deferred local reads of locals `0..4`.
fn push_locals(f: &mut Function, n: usize) {
    let mut s = f.instructions();
    for i in 0..n {
        s.local_get((i % 4) as u32);
    }
}

/// Label arity of `br_table_wide`. Each entry moves this many values but is one byte, so the
/// traffic budget needs `ARITY / 2 - 1` bytes of padding per entry; of the shapes tried
/// (arity 2 without padding up to 128 with padding), this was the costliest per byte.
const TABLE_ARITY: usize = WIDE;

pub(crate) fn br_table_wide(target: usize) -> Vec<u8> {
    const LABELS: usize = 16;
    let k = TABLE_ARITY;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let wide = mb.ty(&[], &vec![ValType::I32; k]);
    let mut rng = Rng::new(0xB7AB_1E00_0000_0003);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut b = Body::new(Function::new([(3, ValType::I32)]));
        // Bytes of one table besides its entries and padding.
        let fixed = 2 + 2 * LABELS + LABELS + 2 * k + 2 + 3 + 2 * LABELS + 1;
        loop {
            let left = budget.saturating_sub(b.len() + fixed + 8);
            // Entries n and padding p (p/6 empty if/else) must fit in `left`: the budget
            // covers (n + 1 + LABELS) * k values with 2 * (fixed + n + p) bytes.
            // Each wide block moves k values at entry and k more at its `end`.
            let pad = |n: usize| ((n + 1 + 2 * LABELS) * k).saturating_sub(2 * (fixed + n)).div_ceil(2);
            let mut n = left.min(MAX_TARGETS);
            while n >= 16 && n + pad(n) + 6 > left {
                n = (n * 15 / 16).min(n - 1);
            }
            if n < 16 {
                break;
            }
            let traffic = (n + 1 + 2 * LABELS) * k;
            b.afford(Pad::IfElse, fixed + n, traffic);
            // Blocks at differing heights (an extra value inside every odd level, the innermost
            // included), so that no label has the values in place: every entry goes through a
            // stub that moves them.
            let mut s = b.f.instructions();
            s.block(BlockType::Empty);
            for j in 0..LABELS {
                s.block(BlockType::FunctionType(wide));
                if j % 2 == 1 {
                    s.i32_const(0);
                }
            }
            push_locals(&mut b.f, k);
            let mut s = b.f.instructions();
            s.local_get(0).br_table(targets(&mut rng, n, LABELS), 0);
            // Each block ends unreachable (its results sit above the extra value).
            for _ in 0..LABELS {
                s.end().unreachable();
            }
            s.end();
        }
        (ty, b.finish())
    });
    mb.finish()
}

/// Label arity of `br_if_wide`: every `br_if` (4 bytes) moves this many values, so it needs
/// `ARITY / 2 - 4` bytes of padding; of the arities tried (8 without padding to 128), 32 was
/// the costliest per byte, if only just.
const BR_IF_ARITY: usize = 32;

pub(crate) fn br_if_wide(target: usize) -> Vec<u8> {
    let k = BR_IF_ARITY;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let wide = mb.ty(&[], &vec![ValType::I32; k]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut b = Body::new(Function::new([(3, ValType::I32)]));
        while b.len() + 2 * k + 16 + k < budget {
            // An extra value below the k deferred locals keeps them off the label's slots: every
            // br_if copies all k (no in-place materialization).
            // The wide block moves k values at entry and k at its `end`.
            b.afford(Pad::IfElse, 2 + 2 + 2 + 2 * k, 2 * k);
            let mut s = b.f.instructions();
            s.block(BlockType::Empty).block(BlockType::FunctionType(wide)).i32_const(0);
            push_locals(&mut b.f, k);
            for _ in 0..2000 {
                if b.len() + 4 + b.pad_needed(Pad::IfElse, 4, k) + 8 > budget {
                    break;
                }
                b.afford(Pad::IfElse, 4, k);
                b.f.instructions().local_get(0).br_if(0);
            }
            // The block's k results sit above the extra value: end it unreachable.
            b.f.instructions().unreachable().end().br(0).end();
        }
        (ty, b.finish())
    });
    mb.finish()
}

/// The first function has a br_table of one entry more than allowed; padding follows.
pub(crate) fn over_br_table(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let mut f = Function::new([]);
    // MAX_BR_TABLE_TARGETS targets plus the default: one entry over.
    let labels = vec![0u32; limits::MAX_BR_TABLE_TARGETS as usize];
    f.instructions().block(BlockType::Empty).local_get(0).br_table(labels, 0).end().end();
    mb.func(ty, &f);
    pad_code(&mut mb, target);
    mb.finish()
}
