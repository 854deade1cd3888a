//! Local-variable families: the maximum number of locals, the translator's deferred
//! `local.get` operands (preservation on `local.set` and at block entry), `select`/`local.tee`
//! traffic, and functions over the per-function and total local limits.

use wasm_encoder::{BlockType, Function, ValType};

use crate::builder::{fill, ModuleBuilder};
use crate::limits;
use crate::rng::Rng;
use crate::stack::pad_code;

const PER_FUNC: u32 = limits::MAX_LOCALS_PER_FUNCTION;
const FUNCS: u32 = limits::MAX_LOCALS_TOTAL / PER_FUNC;

pub(crate) fn max_locals(target: usize) -> Vec<u8> {
    // Parameter 0 is an i32; then four equal groups of locals, one per value type.
    const GROUP: u32 = PER_FUNC / 4;
    let groups = [
        (ValType::I32, 1, GROUP),
        (ValType::I64, GROUP + 1, 2 * GROUP),
        (ValType::F32, 2 * GROUP + 1, 3 * GROUP),
        (ValType::F64, 3 * GROUP + 1, PER_FUNC - 1),
    ];
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let mut rng = Rng::new(0x10CA_1500_0000_0001);
    let budget = (target.saturating_sub(64) / FUNCS as usize).max(32);
    for _ in 0..FUNCS {
        let decls = groups.iter().map(|&(t, lo, hi)| (hi - lo + 1, t));
        let mut f = Function::new(decls);
        while f.byte_len() + 12 < budget {
            let (t, lo, hi) = rng.pick(&groups);
            // High indices: the upper half of the group.
            let mut pick = || hi - rng.below(((hi - lo) / 2) as usize) as u32;
            let (a, b, c) = (pick(), pick(), pick());
            let mut s = f.instructions();
            s.local_get(a).local_get(b);
            match t {
                ValType::I32 => s.i32_add(),
                ValType::I64 => s.i64_add(),
                ValType::F32 => s.f32_add(),
                _ => s.f64_add(),
            };
            s.local_set(c);
        }
        f.instructions().end();
        mb.func(ty, &f);
    }
    mb.finish()
}

pub(crate) fn local_get_set(target: usize) -> Vec<u8> {
    const DEEP: usize = 2000;
    const REPEAT: usize = 500;
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    fill(&mut mb, target, 64 * 1024, |_, budget, _| {
        let mut f = Function::new([(3, ValType::I32)]);
        while f.byte_len() + 32 < budget {
            let room = budget - f.byte_len() - 16;
            // 2 bytes per deep read, 27 per repetition of the four patterns below.
            let (deep, repeat) = if room > 2 * DEEP + 27 * REPEAT { (DEEP, REPEAT) } else { (room / 4, room / 54) };
            let mut s = f.instructions();
            s.block(BlockType::Empty);
            for _ in 0..deep.max(1) {
                s.local_get(0);
            }
            // The first write of local 0 must preserve every deferred read below it.
            s.i32_const(5).local_set(0);
            for _ in 0..repeat {
                s.local_get(0).local_get(1).local_set(0);
            }
            for _ in 0..repeat {
                s.local_get(0).block(BlockType::Empty).end();
            }
            for _ in 0..repeat {
                s.local_get(0).local_tee(0).i32_add();
            }
            for _ in 0..repeat {
                s.local_get(0).local_get(0).local_get(0).local_tee(0).drop().local_set(0);
            }
            s.br(0).end();
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn local_scan(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[], &[]);
    // Bodies as large as allowed: the work this family aims at grows with the body's square.
    let max_body = limits::MAX_FUNCTION_BODY_BYTES as usize - 12 * 1024;
    fill(&mut mb, target, max_body, |_, budget, _| {
        // K distinct locals read at the bottom of the stack (3 bytes each), N constants above
        // them (2 bytes each), then a write of every local (3 bytes each), popping a constant.
        let k = (budget / 16).max(1) as u32;
        let n = (budget.saturating_sub(6 * k as usize + 16) / 2).max(k as usize);
        let mut f = Function::new([(k, ValType::I32)]);
        let mut s = f.instructions();
        for l in 0..k {
            s.local_get(l);
        }
        for c in 0..n {
            s.i32_const((c % 64) as i32);
        }
        for l in 0..k {
            s.local_set(l);
        }
        s.return_().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn select_tee(target: usize) -> Vec<u8> {
    const I32S: u32 = 8;
    let (l64a, l64b) = (I32S, I32S + 1);
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[]);
    let mut rng = Rng::new(0x5E1E_C700_0000_0001);
    fill(&mut mb, target, 64 * 1024, |_, budget, _| {
        let mut f = Function::new([(I32S - 1, ValType::I32), (2, ValType::I64)]);
        let mut h = 0usize;
        while f.byte_len() + h + 16 < budget {
            let r = rng.below(I32S as usize) as u32;
            let mut s = f.instructions();
            let choice = if h < 3 {
                rng.below(2)
            } else if h > 48 {
                4 + rng.below(4)
            } else {
                rng.below(9)
            };
            match choice {
                0 | 1 => {
                    s.local_get(r);
                    h += 1;
                }
                2 => {
                    s.local_get(l64a).local_get(l64b).local_get(r).select().local_tee(l64b).local_set(l64a);
                }
                3 => {
                    s.local_get(l64b).local_get(l64a).local_get(r).typed_select(ValType::I64).local_set(l64b);
                }
                4 => {
                    s.local_tee(r);
                }
                5 => {
                    s.select();
                    h -= 2;
                }
                6 => {
                    s.typed_select(ValType::I32);
                    h -= 2;
                }
                7 => {
                    s.local_set(r);
                    h -= 1;
                }
                _ => {
                    s.i32_add().local_tee(r);
                    h -= 1;
                }
            }
        }
        for _ in 0..h {
            f.instructions().drop();
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

/// One function over the per-function locals limit, or enough full functions to go over the
/// total; padding follows.
pub(crate) fn over_locals(target: usize, total: bool) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[], &[]);
    let (funcs, each) = if total { (FUNCS + 1, PER_FUNC) } else { (1, PER_FUNC + 1) };
    for _ in 0..funcs {
        let mut f = Function::new([(each, ValType::I32)]);
        f.instructions().local_get(each - 1).drop().end();
        mb.func(ty, &f);
    }
    pad_code(&mut mb, target);
    mb.finish()
}
