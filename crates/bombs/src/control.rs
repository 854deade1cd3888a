//! Control-structure families: deep block, if/else and loop nesting, thousands of tiny loops,
//! and nesting one level over the depth limit.

use wasm_encoder::{BlockType, Function, ValType};

use crate::builder::{fill, ModuleBuilder};
use crate::limits;
use crate::stack::pad_code;

/// Nesting depth used by the valid families: below the 1024 limit, which counts the
/// function's own frame as well.
pub(crate) const DEPTH: usize = 1000;

/// Body size the nesting families aim for: many functions, each many chunks.
const BODY: usize = 64 * 1024;

/// Emits chunks into `f` until its body is about `budget` bytes. `chunk(f, depth, k)` emits
/// one chunk of nesting `depth`; `per_level` is its size per level in bytes.
fn chunks(f: &mut Function, budget: usize, per_level: usize, mut chunk: impl FnMut(&mut Function, usize, usize)) {
    let mut k = 0;
    while f.byte_len() + 2 * per_level + 4 < budget {
        let depth = ((budget - f.byte_len() - 4) / per_level).clamp(1, DEPTH);
        chunk(f, depth, k);
        k += 1;
    }
    f.instructions().end();
}

pub(crate) fn block_nest(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        chunks(&mut f, budget, 8, |f, depth, k| {
            let mut s = f.instructions();
            if k % 2 == 0 {
                for _ in 0..depth {
                    s.block(BlockType::Empty);
                }
                for _ in 0..depth {
                    s.end();
                }
            } else {
                // i32-result blocks; at each level a br_if carries the value to the outermost.
                for _ in 0..depth {
                    s.block(BlockType::Result(ValType::I32));
                }
                s.i32_const(1);
                for open in (1..=depth).rev() {
                    s.local_get(0).br_if(open as u32 - 1).end();
                }
                s.drop();
            }
        });
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn if_nest(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        chunks(&mut f, budget, 8, |f, depth, k| {
            let mut s = f.instructions();
            match k % 3 {
                0 => {
                    // Nested in the then arm, with an i32 result at every level.
                    for _ in 0..depth {
                        s.local_get(0).if_(BlockType::Result(ValType::I32));
                    }
                    s.i32_const(1);
                    for _ in 0..depth {
                        s.else_().local_get(0).end();
                    }
                    s.drop();
                }
                1 => {
                    // Nested in the else arm.
                    for _ in 0..depth {
                        s.local_get(0).if_(BlockType::Result(ValType::I32)).i32_const(1).else_();
                    }
                    s.i32_const(2);
                    for _ in 0..depth {
                        s.end();
                    }
                    s.drop();
                }
                _ => {
                    // Empty ifs without else.
                    for _ in 0..depth {
                        s.local_get(0).if_(BlockType::Empty);
                    }
                    s.nop();
                    for _ in 0..depth {
                        s.end();
                    }
                }
            }
        });
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn loop_nest(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let carry = mb.ty(&[ValType::I32], &[ValType::I32]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        chunks(&mut f, budget, 8, |f, depth, k| {
            let mut s = f.instructions();
            if k % 2 == 0 {
                // Empty loops; a backward br_if to the outermost, then one to each level.
                for _ in 0..depth {
                    s.loop_(BlockType::Empty);
                }
                s.local_get(0).br_if(depth as u32 - 1);
                for level in (0..depth).rev() {
                    s.end();
                    if level > 0 {
                        s.local_get(0).br_if(0);
                    }
                }
            } else {
                // Loops carrying an i32 parameter around every backward branch.
                s.i32_const(0);
                for _ in 0..depth {
                    s.loop_(BlockType::FunctionType(carry));
                }
                s.local_get(0).br_if(0);
                for level in (0..depth).rev() {
                    s.end();
                    if level > 0 {
                        s.local_get(0).br_if(0);
                    }
                }
                s.drop();
            }
        });
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn tiny_loops(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        let mut k = 0;
        while f.byte_len() + 12 < budget {
            let mut s = f.instructions();
            match k % 3 {
                0 => s.loop_(BlockType::Empty).end(),
                1 => s.block(BlockType::Empty).loop_(BlockType::Empty).local_get(0).br_if(1).end().end(),
                _ => s.loop_(BlockType::Empty).local_get(0).br_if(0).end(),
            };
            k += 1;
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

/// The first function nests blocks one level deeper than allowed; ordinary padding follows.
pub(crate) fn over_block_depth(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[], &[]);
    let mut f = Function::new([]);
    for _ in 0..=limits::MAX_BLOCK_DEPTH {
        f.instructions().block(BlockType::Empty);
    }
    for _ in 0..=limits::MAX_BLOCK_DEPTH + 1 {
        f.instructions().end();
    }
    mb.func(ty, &f);
    pad_code(&mut mb, target);
    mb.finish()
}
