//! Branch families: huge `br_table`s (without values, with values needing moves, with 128
//! values), `br_if` carrying 128 values, and a `br_table` one entry over the limit.

use wasm_encoder::{BlockType, Function, ValType};

use crate::builder::{fill, ModuleBuilder};
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
    budget
        .saturating_sub(f.byte_len() + overhead)
        .min(MAX_TARGETS)
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
            s.local_get(0)
                .br_table(targets(&mut rng, n, LABELS), rng.below(LABELS) as u32);
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

pub(crate) fn br_table_wide(target: usize) -> Vec<u8> {
    const LABELS: usize = 16;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let wide = mb.ty(&[], &[ValType::I32; WIDE]);
    let mut rng = Rng::new(0xB7AB_1E00_0000_0003);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([(3, ValType::I32)]);
        loop {
            let n = table_len(&f, budget, 2 * WIDE + 3 * LABELS + 12);
            if n < 16 {
                break;
            }
            f.instructions().block(BlockType::Empty);
            for _ in 0..LABELS {
                f.instructions().block(BlockType::FunctionType(wide));
            }
            push_locals(&mut f, WIDE);
            let mut s = f.instructions();
            s.local_get(0).br_table(targets(&mut rng, n, LABELS), 0);
            for _ in 0..LABELS {
                s.end();
            }
            s.br(0).end();
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn br_if_wide(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let wide = mb.ty(&[], &[ValType::I32; WIDE]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([(3, ValType::I32)]);
        while f.byte_len() + 2 * WIDE + 64 < budget {
            f.instructions()
                .block(BlockType::Empty)
                .block(BlockType::FunctionType(wide));
            push_locals(&mut f, WIDE);
            let n = (budget - f.byte_len() - 8) / 4;
            let mut s = f.instructions();
            for _ in 0..n.clamp(1, 2000) {
                s.local_get(0).br_if(0);
            }
            s.end().br(0).end();
        }
        f.instructions().end();
        (ty, f)
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
    f.instructions()
        .block(BlockType::Empty)
        .local_get(0)
        .br_table(labels, 0)
        .end()
        .end();
    mb.func(ty, &f);
    pad_code(&mut mb, target);
    mb.finish()
}
