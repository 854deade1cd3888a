//! Count families: many functions, types, parameters, globals, imports, data and element
//! segments, up to each default limit; and the same one over the limit.

use std::borrow::Cow;

use wasm_encoder::{ConstExpr, Elements, Function, Ieee32, Ieee64, ValType};

use crate::builder::{fill, ModuleBuilder};
use crate::limits;
use crate::rng::Rng;
use crate::stack::pad_code;

const VALS: [ValType; 4] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64];

/// Pushes a constant of type `t`.
fn push_const(f: &mut Function, t: ValType, k: u32) {
    let mut s = f.instructions();
    match t {
        ValType::I32 => s.i32_const((k % 64) as i32),
        ValType::I64 => s.i64_const((k % 64) as i64),
        ValType::F32 => s.f32_const(Ieee32::from(k as f32)),
        _ => s.f64_const(Ieee64::from(k as f64)),
    };
}

fn const_expr(t: ValType, k: u32) -> ConstExpr {
    match t {
        ValType::I32 => ConstExpr::i32_const(k as i32),
        ValType::I64 => ConstExpr::i64_const(k as i64),
        ValType::F32 => ConstExpr::f32_const(Ieee32::from(k as f32)),
        _ => ConstExpr::f64_const(Ieee64::from(k as f64)),
    }
}

pub(crate) fn many_functions(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[ValType::I32], &[ValType::I32]);
    let mut rng = Rng::new(0xF0_0000_0001);
    // Small bodies, so that the count reaches the limit from about 400 KB on.
    let body = (target / limits::MAX_FUNCTIONS as usize).clamp(24, 4096);
    fill(&mut mb, target, body, |mb, budget, _| {
        let me = mb.next_func();
        let mut f = Function::new([]);
        while f.byte_len() + 10 < budget {
            let callee = rng.below(me as usize + 1) as u32;
            f.instructions().local_get(0).call(callee).local_set(0);
        }
        f.instructions().local_get(0).end();
        (ty, f)
    });
    mb.finish()
}

/// The parameters and results of type `k` of [`many_types`].
fn type_k(k: u32) -> (Vec<ValType>, Vec<ValType>) {
    let params = (0..k % 16).map(|j| VALS[((k / 16) >> (2 * (j % 3))) as usize % 4]).collect();
    let results = match k % 3 {
        0 => vec![],
        1 => vec![ValType::I32],
        _ => vec![ValType::I64, ValType::F32],
    };
    (params, results)
}

pub(crate) fn many_types(target: usize) -> Vec<u8> {
    let n = (target / 64).clamp(16, limits::MAX_TYPES as usize) as u32;
    let mut mb = ModuleBuilder::new();
    let types: Vec<(Vec<ValType>, Vec<ValType>)> = (0..n).map(type_k).collect();
    for (p, r) in &types {
        mb.ty_dup(p, r);
    }
    mb.table(n as u64);
    mb.elems.active(None, &ConstExpr::i32_const(0), Elements::Functions(Cow::Owned((0..n).collect())));
    let mut rng = Rng::new(0x7F_0000_0001);
    let per_func = (target.saturating_sub(mb.encoded_len() + 64) / n as usize).max(8);
    fill(&mut mb, target, per_func, |_, budget, i| {
        let ty = i as u32 % n;
        let (_, results) = &types[ty as usize];
        let mut f = Function::new([]);
        while f.byte_len() + 40 < budget {
            let callee = rng.below(n as usize) as u32;
            let (p, r) = &types[callee as usize];
            for (j, &t) in p.iter().enumerate() {
                push_const(&mut f, t, j as u32);
            }
            f.instructions().i32_const(callee as i32).call_indirect(0, callee);
            for _ in r {
                f.instructions().drop();
            }
        }
        for (j, &t) in results.iter().enumerate() {
            push_const(&mut f, t, j as u32);
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn many_params(target: usize) -> Vec<u8> {
    let p = limits::MAX_PARAMS;
    let mut mb = ModuleBuilder::new();
    let params: Vec<ValType> = (0..p).map(|i| VALS[i as usize % 2]).collect();
    let ty = mb.ty(&params, &[ValType::I32]);
    let mut rng = Rng::new(0x9A_0000_0001);
    fill(&mut mb, target, 4096, |mb, budget, _| {
        let me = mb.next_func();
        let mut f = Function::new([]);
        // At least one call, so that every function passes its parameters on.
        loop {
            // Pass the parameters on, in a rotated order of equal types.
            let shift = 2 * rng.below(p as usize / 2) as u32;
            let mut s = f.instructions();
            for i in 0..p {
                s.local_get((i + shift) % p);
            }
            s.call(rng.below(me as usize + 1) as u32).local_set(0);
            if f.byte_len() + 2 * p as usize + 16 >= budget {
                break;
            }
        }
        f.instructions().i32_const(0).end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn many_globals(target: usize, n: u32) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    // Global g has type VALS[g % 4] and is mutable when (g / 4) is even.
    for g in 0..n {
        let t = VALS[g as usize % 4];
        mb.global(t, (g / 4) % 2 == 0, &const_expr(t, g));
    }
    let ty = mb.ty(&[], &[]);
    let mut rng = Rng::new(0x610B_0000_0001);
    let n = n as usize;
    fill(&mut mb, target, 16 * 1024, |_, budget, _| {
        let mut f = Function::new([]);
        while f.byte_len() + 12 < budget {
            let t = rng.below(4);
            let any = |rng: &mut Rng| (4 * rng.below(n / 4) + t) as u32;
            let (a, b) = (any(&mut rng), any(&mut rng));
            let set = (8 * rng.below(n / 8) + t) as u32;
            let mut s = f.instructions();
            s.global_get(a).global_get(b);
            match t {
                0 => s.i32_add(),
                1 => s.i64_add(),
                2 => s.f32_add(),
                _ => s.f64_add(),
            };
            s.global_set(set);
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn many_imports(target: usize, n: u32) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let sigs: [(&[ValType], &[ValType]); 4] = [
        (&[ValType::I32], &[ValType::I32]),
        (&[ValType::I32, ValType::I32], &[]),
        (&[ValType::I64], &[ValType::I64]),
        (&[], &[]),
    ];
    let tys: Vec<u32> = sigs.iter().map(|(p, r)| mb.ty(p, r)).collect();
    for i in 0..n {
        mb.import_func(tys[i as usize % 4]);
    }
    let ty = tys[3];
    let mut rng = Rng::new(0x1A_0000_0001);
    fill(&mut mb, target, 16 * 1024, |_, budget, _| {
        let mut f = Function::new([]);
        while f.byte_len() + 16 < budget {
            let callee = rng.below(n as usize) as u32;
            let (p, r) = sigs[callee as usize % 4];
            for (j, &t) in p.iter().enumerate() {
                push_const(&mut f, t, j as u32);
            }
            f.instructions().call(callee);
            for _ in r {
                f.instructions().drop();
            }
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

/// Number of segments for a target: valid families scale up to the limit, over-limit
/// families always use exactly `n`.
fn segment_count(target: usize, n: u32) -> u32 {
    if n > limits::MAX_DATA_SEGMENTS.min(limits::MAX_ELEMENT_SEGMENTS) {
        n
    } else {
        ((target / 20) as u32).clamp(1, n)
    }
}

pub(crate) fn many_data(target: usize, n: u32) -> Vec<u8> {
    let segs = segment_count(target, n);
    let mut mb = ModuleBuilder::new();
    mb.memory(1);
    // Three quarters of the module is data, the rest code that uses the segments.
    let per_seg = (target * 3 / 4 / segs as usize).saturating_sub(4);
    for i in 0..segs {
        // Odd segments are active, unless there is no room for their offsets.
        let active = i % 2 == 1 && per_seg > 0;
        let len = if active { per_seg.min(4096) } else { per_seg };
        let bytes: Vec<u8> = (0..len).map(|j| (i as usize * 31 + j) as u8).collect();
        if !active {
            mb.data.passive(bytes);
        } else {
            let offset = (i as usize * 61) % (65536 - len);
            mb.data.active(0, &ConstExpr::i32_const(offset as i32), bytes);
        }
    }
    mb.data_count = Some(segs);
    let ty = mb.ty(&[], &[]);
    let mut rng = Rng::new(0xDA7A_0000_0001);
    fill(&mut mb, target, 16 * 1024, |_, budget, _| {
        let mut f = Function::new([]);
        while f.byte_len() + 16 < budget {
            let seg = rng.below(segs as usize) as u32;
            let mut s = f.instructions();
            if rng.chance(75) {
                s.i32_const(rng.below(60000) as i32).i32_const(0).i32_const(0).memory_init(0, seg);
            } else {
                s.data_drop(seg);
            }
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn many_elems(target: usize, n: u32) -> Vec<u8> {
    const HELPERS: u32 = 100;
    let segs = segment_count(target, n);
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[], &[]);
    for _ in 0..HELPERS {
        let mut f = Function::new([]);
        f.instructions().end();
        mb.func(ty, &f);
    }
    mb.table(limits::MAX_TABLE_ELEMENTS as u64);
    let per_seg = (target * 3 / 4 / segs as usize).saturating_sub(4);
    for i in 0..segs {
        let funcs: Vec<u32> = (0..per_seg as u32).map(|j| (i * 7 + j) % HELPERS).collect();
        match (i % 3, per_seg) {
            (0 | 1, _) | (_, 0) => {
                mb.elems.passive(Elements::Functions(Cow::Owned(funcs)));
            }
            _ => {
                let funcs = &funcs[..funcs.len().min(64)];
                let offset = (i * 13) % (limits::MAX_TABLE_ELEMENTS - 64);
                let expr = ConstExpr::i32_const(offset as i32);
                mb.elems.active(None, &expr, Elements::Functions(Cow::Borrowed(funcs)));
            }
        }
    }
    let mut rng = Rng::new(0xE1E3_0000_0001);
    fill(&mut mb, target, 16 * 1024, |_, budget, _| {
        let mut f = Function::new([]);
        while f.byte_len() + 16 < budget {
            let seg = rng.below(segs as usize) as u32;
            let mut s = f.instructions();
            if rng.chance(75) {
                s.i32_const(rng.below(9000) as i32).i32_const(0).i32_const(0).table_init(0, seg);
            } else {
                s.elem_drop(seg);
            }
        }
        f.instructions().end();
        (ty, f)
    });
    mb.finish()
}

pub(crate) fn over_types(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    for _ in 0..=limits::MAX_TYPES {
        mb.ty_dup(&[], &[]);
    }
    pad_code(&mut mb, target);
    mb.finish()
}

pub(crate) fn over_functions(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let ty = mb.ty(&[], &[]);
    let n = limits::MAX_FUNCTIONS + 1;
    let budget = (target.saturating_sub(16)).div_ceil(n as usize).saturating_sub(2);
    for _ in 0..n {
        let mut f = Function::new([]);
        while f.byte_len() + 1 < budget {
            f.instructions().nop();
        }
        f.instructions().end();
        mb.func(ty, &f);
    }
    mb.finish()
}

/// A type with one parameter (or result) more than allowed; padding follows.
pub(crate) fn over_arity(target: usize, params: bool) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let wide = vec![ValType::I32; limits::MAX_PARAMS.max(limits::MAX_RESULTS) as usize + 1];
    if params {
        mb.ty(&wide, &[]);
    } else {
        mb.ty(&[], &wide);
    }
    pad_code(&mut mb, target);
    mb.finish()
}
