//! Dense random code: a seeded, stack-typed generator of valid function bodies over the four
//! number types, with locals, globals, memory, nested blocks with multi-value types,
//! `br`/`br_if`/`br_table`/`return`, direct and indirect calls. Unreachable code is never
//! generated: after an unconditional branch the enclosing frame is closed at once.

mod flow;
mod ops;

use std::borrow::Cow;

use wasm_encoder::{ConstExpr, Elements, Function, Ieee32, Ieee64, Instruction as I, MemArg, MemArgTarget, ValType};

use crate::builder::{fill, ModuleBuilder};
use crate::rng::Rng;
use ops::{binary, compare, convert, load, store, unary};

const VALS: [ValType; 4] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64];
/// Globals: two mutable and one immutable per type, in that order per type.
const GLOBALS_PER_TYPE: u32 = 3;
const IMPORTS: u32 = 4;
const MAX_DEPTH: usize = 6;
const BODY: usize = 8 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

struct Frame {
    kind: Kind,
    params: Vec<ValType>,
    results: Vec<ValType>,
    height: usize,
}

impl Frame {
    fn label(&self) -> &[ValType] {
        if self.kind == Kind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}

struct Gen<'a> {
    rng: &'a mut Rng,
    mb: &'a mut ModuleBuilder,
    sigs: &'a [(Vec<ValType>, Vec<ValType>)],
    f: Function,
    locals: Vec<ValType>,
    stack: Vec<ValType>,
    frames: Vec<Frame>,
    /// Functions `0..callable` may be called (imports and earlier definitions).
    callable: u32,
    done: bool,
}

fn random_sig(rng: &mut Rng) -> (Vec<ValType>, Vec<ValType>) {
    let params = (0..rng.below(4)).map(|_| rng.pick(&VALS)).collect();
    let results = (0..rng.below(3)).map(|_| rng.pick(&VALS)).collect();
    (params, results)
}

/// Signature of function `index`: a fixed function of the index, so callers know it.
fn sig_of(index: u32, sigs: usize) -> usize {
    (index as usize).wrapping_mul(0x9E37_79B9) % sigs
}

pub(crate) fn module(target: usize) -> Vec<u8> {
    let mut rng = Rng::new(0xDE45_E000_0000_0001);
    let sigs: Vec<_> = (0..12).map(|_| random_sig(&mut rng)).collect();
    let mut mb = ModuleBuilder::new();
    let tys: Vec<u32> = sigs.iter().map(|(p, r)| mb.ty(p, r)).collect();
    for i in 0..IMPORTS {
        mb.import_func(tys[sig_of(i, sigs.len())]);
    }
    mb.table(16);
    mb.memory(1);
    for t in VALS {
        for g in 0..GLOBALS_PER_TYPE {
            let init = match t {
                ValType::I32 => ConstExpr::i32_const(g as i32),
                ValType::I64 => ConstExpr::i64_const(g as i64),
                ValType::F32 => ConstExpr::f32_const(Ieee32::from(g as f32)),
                _ => ConstExpr::f64_const(Ieee64::from(g as f64)),
            };
            mb.global(t, g < 2, &init);
        }
    }
    let imports: Vec<u32> = (0..IMPORTS).collect();
    mb.elems.active(None, &ConstExpr::i32_const(0), Elements::Functions(Cow::Owned(imports)));
    fill(&mut mb, target, BODY, |mb, budget, _| {
        let me = mb.next_func();
        let sig = sig_of(me, sigs.len());
        let (params, results) = sigs[sig].clone();
        let mut locals = params.clone();
        let extra: Vec<ValType> = (0..rng.below(8)).map(|_| rng.pick(&VALS)).collect();
        locals.extend(&extra);
        let mut g = Gen {
            f: Function::new_with_locals_types(extra),
            rng: &mut rng,
            mb,
            sigs: &sigs,
            locals,
            stack: Vec::new(),
            frames: vec![Frame { kind: Kind::Func, params: vec![], results, height: 0 }],
            callable: me,
            done: false,
        };
        while !g.done && g.f.byte_len() < budget {
            g.step();
        }
        while !g.done {
            g.close();
        }
        (tys[sig], g.f)
    });
    mb.finish()
}

impl Gen<'_> {
    fn frame(&self) -> &Frame {
        self.frames.last().expect("function frame")
    }

    /// Values above the current frame's base.
    fn avail(&self) -> usize {
        self.stack.len() - self.frame().height
    }

    fn top(&self, k: usize) -> Option<ValType> {
        (self.avail() > k).then(|| self.stack[self.stack.len() - 1 - k])
    }

    fn pop(&mut self, n: usize) {
        self.stack.truncate(self.stack.len() - n);
    }

    /// Pushes a fresh value of type `t`: a constant, a local or a global.
    fn leaf(&mut self, t: ValType) {
        let locals: Vec<u32> = (0..self.locals.len() as u32).filter(|&l| self.locals[l as usize] == t).collect();
        let tix = VALS.iter().position(|&v| v == t).expect("number type") as u32;
        match self.rng.below(10) {
            0..=4 if !locals.is_empty() => {
                self.f.instruction(&I::LocalGet(self.rng.pick(&locals)));
            }
            5 => {
                self.f.instruction(&I::GlobalGet(tix * GLOBALS_PER_TYPE + self.rng.below(3) as u32));
            }
            _ => {
                let k = self.rng.next();
                self.f.instruction(&match t {
                    ValType::I32 => I::I32Const(k as i32 >> self.rng.below(32)),
                    ValType::I64 => I::I64Const(k as i64 >> self.rng.below(64)),
                    ValType::F32 => I::F32Const(Ieee32::from((k % 1000) as f32 / 8.0)),
                    _ => I::F64Const(Ieee64::from((k % 100_000) as f64 / 16.0)),
                });
            }
        }
        self.stack.push(t);
    }

    fn leaves(&mut self, ts: &[ValType]) {
        for &t in ts {
            self.leaf(t);
        }
    }

    fn step(&mut self) {
        let avail = self.avail();
        let roll = self.rng.below(100);
        let deep = self.frames.len() > MAX_DEPTH;
        match roll {
            _ if avail == 0 && roll < 50 => {
                let t = self.rng.pick(&VALS);
                self.leaf(t);
            }
            0..=13 if avail < 8 => {
                let t = self.rng.pick(&VALS);
                self.leaf(t);
            }
            0..=27 => self.binary(),
            28..=33 => self.unary(),
            34..=39 => self.convert(),
            40..=46 => self.local_write(),
            47..=48 => self.global_write(),
            49..=53 => self.load(),
            54..=57 => self.store(),
            58..=60 if avail > 0 => {
                self.f.instruction(&I::Drop);
                self.pop(1);
            }
            61..=63 => self.select(),
            64..=71 if !deep => self.open(),
            72..=76 if self.frames.len() > 1 => self.close(),
            77..=80 => self.br_if(),
            81 => self.br(),
            82 => self.br_table(),
            83..=85 => self.call(),
            86..=87 => self.call_indirect(),
            88 if self.rng.chance(20) => {
                self.leaves(&self.frames[0].results.clone());
                self.f.instruction(&I::Return);
                self.unreachable_now();
            }
            89 => self.bulk(),
            _ => self.binary(),
        }
    }

    fn binary(&mut self) {
        let t = match self.top(0) {
            Some(t) => t,
            None => {
                let t = self.rng.pick(&VALS);
                return self.leaf(t);
            }
        };
        if self.top(1) != Some(t) {
            self.leaf(t);
        }
        self.pop(2);
        if self.rng.chance(25) {
            self.f.instruction(&compare(self.rng, t));
            self.stack.push(ValType::I32);
        } else {
            self.f.instruction(&binary(self.rng, t));
            self.stack.push(t);
        }
    }

    fn unary(&mut self) {
        let Some(t) = self.top(0) else { return };
        let (i, r) = unary(self.rng, t);
        self.f.instruction(&i);
        self.pop(1);
        self.stack.push(r);
    }

    fn convert(&mut self) {
        let Some(t) = self.top(0) else { return };
        let (i, r) = convert(self.rng, t);
        self.f.instruction(&i);
        self.pop(1);
        self.stack.push(r);
    }

    fn local_write(&mut self) {
        let Some(t) = self.top(0) else { return };
        let ls: Vec<u32> = (0..self.locals.len() as u32).filter(|&l| self.locals[l as usize] == t).collect();
        if ls.is_empty() {
            return;
        }
        let l = self.rng.pick(&ls);
        if self.rng.chance(40) {
            self.f.instruction(&I::LocalTee(l));
        } else {
            self.f.instruction(&I::LocalSet(l));
            self.pop(1);
        }
    }

    fn global_write(&mut self) {
        let Some(t) = self.top(0) else { return };
        let tix = VALS.iter().position(|&v| v == t).expect("number type") as u32;
        self.f.instruction(&I::GlobalSet(tix * GLOBALS_PER_TYPE + self.rng.below(2) as u32));
        self.pop(1);
    }

    fn memarg(&mut self) -> MemArg {
        MemArg { offset: 8 * self.rng.below(64) as u64, align: 0, target: MemArgTarget::Memory(0), ordering: None }
    }

    fn load(&mut self) {
        if self.top(0) != Some(ValType::I32) {
            return self.leaf(ValType::I32);
        }
        let m = self.memarg();
        let (i, t) = load(self.rng, m);
        self.f.instruction(&i);
        self.pop(1);
        self.stack.push(t);
    }

    fn store(&mut self) {
        let Some(t) = self.top(0) else { return };
        if self.top(1) != Some(ValType::I32) {
            return;
        }
        let m = self.memarg();
        self.f.instruction(&store(self.rng, t, m));
        self.pop(2);
    }

    fn select(&mut self) {
        let Some(t) = self.top(0) else { return };
        self.leaf(t);
        self.leaf(ValType::I32);
        self.f.instruction(&if self.rng.chance(50) { I::Select } else { I::TypedSelect(t) });
        self.pop(3);
        self.stack.push(t);
    }
}
