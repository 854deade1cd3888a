//! Operand-stack families: very long straight-line bodies with a high stack, 128-wide block
//! parameters and call results, an over-long body; and the padding used by over-limit families.

use wasm_encoder::{BlockType, Function, ValType};

use crate::branches::WIDE;
use crate::builder::{fill, ModuleBuilder};
use crate::limits;

const BODY: usize = 64 * 1024;

pub(crate) fn stack_height(target: usize) -> Vec<u8> {
    const PUSHES: usize = 5000;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([(3, ValType::I32), (4, ValType::I64)]);
        let mut k = 0usize;
        while f.byte_len() + 64 < budget {
            let n = ((budget - f.byte_len() - 8) / 3).clamp(2, PUSHES);
            let wide = k % 2 == 1;
            let mut s = f.instructions();
            for i in 0..n {
                match (wide, i % 2 == 0) {
                    (false, true) => s.i32_const((i % 100) as i32),
                    (false, false) => s.local_get((i % 4) as u32),
                    (true, true) => s.i64_const((i % 100) as i64),
                    (true, false) => s.local_get(4 + (i % 4) as u32),
                };
            }
            for _ in 1..n {
                if wide {
                    s.i64_add();
                } else {
                    s.i32_add();
                }
            }
            s.drop();
            k += 1;
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn block_params_wide(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let wide = mb.ty(&[ValType::I32; WIDE], &[ValType::I32; WIDE]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([(3, ValType::I32)]);
        while f.byte_len() + 2 * WIDE + 64 < budget {
            let mut s = f.instructions();
            s.block(BlockType::Empty);
            for i in 0..WIDE {
                s.local_get((i % 4) as u32);
            }
            let n = (budget - f.byte_len() - 8) / 4;
            let mut s = f.instructions();
            let bt = BlockType::FunctionType(wide);
            for k in 0..n.clamp(1, 4000) {
                match k % 3 {
                    0 => s.block(bt).end(),
                    1 => s.loop_(bt).end(),
                    _ => s.local_get(0).if_(bt).else_().end(),
                };
            }
            s.br(0).end();
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn call_results_wide(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let produce = mb.ty(&[], &[ValType::I32; WIDE]);
    let pass = mb.ty(&[ValType::I32; WIDE], &[ValType::I32; WIDE]);
    let ty = mb.ty(&[ValType::I32], &[]);
    let mut f = Function::new([]);
    for i in 0..WIDE {
        f.instructions().i32_const(i as i32);
    }
    f.instructions().end();
    let f0 = mb.func(produce, &f);
    let mut g = Function::new([]);
    for i in 0..WIDE {
        g.instructions().local_get(i as u32);
    }
    g.instructions().end();
    let g = mb.func(pass, &g);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        while f.byte_len() + 16 < budget {
            let n = (budget - f.byte_len() - 8) / 2;
            let mut s = f.instructions();
            s.block(BlockType::Empty).call(f0);
            for _ in 0..n.clamp(1, 4000) {
                s.call(g);
            }
            s.br(0).end();
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn unreachable_wide(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let pass = mb.ty(&[ValType::I32; WIDE], &[ValType::I32; WIDE]);
    let ty = mb.ty(&[], &[ValType::I32; WIDE]);
    let mut g = Function::new([]);
    for i in 0..WIDE {
        g.instructions().local_get(i as u32);
    }
    g.instructions().end();
    let g = mb.func(pass, &g);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut f = Function::new([]);
        f.instructions().unreachable();
        let mut k = 0;
        while f.byte_len() + 4 < budget {
            let mut s = f.instructions();
            match k % 4 {
                0 => s.return_(),
                1 => s.br_if(0),
                2 => s.call(g),
                _ => s.br(0),
            };
            k += 1;
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

/// The first function's body is one byte over the limit; padding follows.
pub(crate) fn over_body_bytes(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[], &[]);
    let mut f = Function::new([]);
    let max = limits::MAX_FUNCTION_BODY_BYTES as usize;
    while f.byte_len() < max {
        f.instructions().nop();
    }
    f.instructions().end();
    debug_assert_eq!(f.byte_len(), max + 1);
    mb.func(ty, &f);
    pad_code(&mut mb, target);
    mb.finish()
}

/// Fills the module up to `target` with plain straight-line functions of type `[] -> []`:
/// the padding behind an over-limit item, which a cheap rejection never reaches.
pub(crate) fn pad_code(mb: &mut ModuleBuilder, target: usize) {
    if mb.encoded_len() + 64 >= target {
        return;
    }
    let ty = mb.ty(&[], &[]);
    fill(mb, target, 16 * 1024, |_, budget, _| {
        let mut f = Function::new([(4, ValType::I32)]);
        let mut k = 0u32;
        while f.byte_len() + 12 < budget {
            f.instructions()
                .local_get(k % 4)
                .i32_const((k % 50) as i32)
                .i32_add()
                .local_set((k + 1) % 4);
            k += 1;
        }
        f.instructions().end();
        (ty, f)
    });
}
