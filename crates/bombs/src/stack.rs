//! Operand-stack families: very long straight-line bodies with a high stack, multi-value block
//! parameters and call results within the value-traffic budget, dead code in 128-result
//! functions, an over-long body, a body over the traffic budget; and the padding used by
//! over-limit families.

use wasm_encoder::{BlockType, Function, ValType};

use crate::branches::WIDE;
use crate::builder::{fill, Body, ModuleBuilder, Pad};
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

/// Parameters (and results) of the `if`s of `block_params_wide`. `local.get 0 if else end` is
/// 6 bytes and its traffic is params + results, so 6 + 6 spends the budget exactly. Denser
/// than any padded wide shape: `else` pops the results and pushes the parameters again, work
/// that the budget does not count.
const IF_ARITY: usize = 6;

pub(crate) fn block_params_wide(target: usize) -> Vec<u8> {
    let a = IF_ARITY;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let sig = mb.ty(&vec![ValType::I32; a], &vec![ValType::I32; a]);
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut b = Body::new(Function::new([(3, ValType::I32)]));
        while b.len() + 2 * a + 16 < budget {
            let mut s = b.f.instructions();
            s.block(BlockType::Empty);
            for i in 0..a {
                s.i32_const(i as i32);
            }
            for _ in 0..4000 {
                if b.len() + 6 + b.pad_needed(Pad::IfElse, 6, 5 * a) + 4 > budget {
                    break;
                }
                b.afford(Pad::IfElse, 6, 5 * a);
                b.f.instructions().local_get(0).if_(BlockType::FunctionType(sig)).else_().end();
            }
            b.f.instructions().br(0).end();
        }
        (ty, b.finish())
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
        // A 2-byte call moving 256 values needs 126 bytes of padding: of the widths tried
        // (2 without padding up to 128), 128 was the costliest per byte.
        let mut b = Body::new(Function::new([]));
        while b.len() + 16 + 4 * WIDE < budget {
            b.afford(Pad::IfElse, 4, WIDE);
            b.f.instructions().block(BlockType::Empty).call(f0);
            for _ in 0..4000 {
                if b.len() + 2 + b.pad_needed(Pad::IfElse, 2, 2 * WIDE) + 8 > budget {
                    break;
                }
                b.afford(Pad::IfElse, 2, 2 * WIDE);
                b.f.instructions().call(g);
            }
            b.f.instructions().br(0).end();
        }
        (ty, b.finish())
    });
    mb.finish()
}

/// Functions of type `[] -> [i32 x 8]` whose whole body is `unreachable end` (5 bytes with
/// the function-section entry) that `unreachable_wide` starts with: validating the final `end`
/// pops all 8 results, which the engine's per-function allowance covers.
const TINY_FUNCTIONS: usize = 9_000;
/// Results of the tiny functions: the per-function allowance of value traffic.
const TINY_RESULTS: usize = 8;

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
    let tiny_ty = mb.ty(&[], &[ValType::I32; TINY_RESULTS]);
    let mut tiny = Function::new([]);
    tiny.instructions().unreachable().end();
    let base = mb.encoded_len() + 16;
    for i in 0..TINY_FUNCTIONS {
        // 4 bytes of code, 1 of function section; a few more for the section headers.
        if base + 5 * (i + 1) + 8 > target {
            break;
        }
        mb.func(tiny_ty, &tiny);
    }
    // The rest: dead code in 128-result functions, each operator typed by the validator.
    fill(&mut mb, target, BODY, |_, budget, _| {
        let mut b = Body::new(Function::new([]));
        b.f.instructions().unreachable();
        // The function's 128 results are traffic too (popped at the last `end`): pay for them
        // with dead-code padding first, even if that overruns a small last budget slightly.
        b.afford(Pad::DeadIf, 0, WIDE);
        let mut k = 0;
        loop {
            let (bytes, traffic) = match k % 4 {
                0 | 3 => (1, WIDE),
                1 => (2, WIDE),
                _ => (2, 2 * WIDE),
            };
            if b.len() + bytes + b.pad_needed(Pad::DeadIf, bytes, traffic) + 2 > budget {
                break;
            }
            b.afford(Pad::DeadIf, bytes, traffic);
            let mut s = b.f.instructions();
            match k % 4 {
                0 | 3 => s.return_(),
                1 => s.br_if(0),
                _ => s.call(g),
            };
            k += 1;
        }
        (ty, b.finish())
    });
    mb.finish()
}

/// The first function moves one value more than the traffic budget allows; padding follows.
pub(crate) fn over_value_traffic(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    // Body: no locals (1 byte), `unreachable return end` (3 bytes): a budget of
    // 4 * MAX_VALUE_TRAFFIC_PER_BYTE values plus the per-function allowance. Both `return`
    // and the last `end` move the results: two more than the budget.
    let budget = 4 * limits::MAX_VALUE_TRAFFIC_PER_BYTE as usize + limits::VALUE_TRAFFIC_PER_FUNCTION;
    let results = budget / 2 + 1;
    let ty = mb.ty(&[], &vec![ValType::I32; results]);
    let mut f = Function::new([]);
    f.instructions().unreachable().return_().end();
    debug_assert_eq!(f.byte_len(), 4);
    mb.func(ty, &f);
    pad_code(&mut mb, target);
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
            f.instructions().local_get(k % 4).i32_const((k % 50) as i32).i32_add().local_set((k + 1) % 4);
            k += 1;
        }
        f.instructions().end();
        (ty, f)
    });
}
