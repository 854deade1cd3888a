//! The `ordinary` baseline: compiler-like functions with a few locals, expression trees of
//! integer and float arithmetic, comparisons, conversions, loads, stores, `select`, `if`,
//! counted loops, small `br_table`s, direct and indirect calls. The approach (and the mix of
//! operators) follows the bench's synthetic module generator, emitted here as binary directly.

use std::borrow::Cow;

use wasm_encoder::{BlockType, ConstExpr, Elements, Function, Ieee64, Instruction as I, MemArg, MemArgTarget, ValType};

use crate::builder::{fill, ModuleBuilder};
use crate::rng::Rng;

use ValType::{F64, I32, I64};

/// Signatures of the generated functions: (params, result).
const SIGS: &[(&[ValType], ValType)] =
    &[(&[I32], I32), (&[I32, I32], I32), (&[I64, I32], I64), (&[I32, I64, I64], I64), (&[I32, I32, I32], I32)];
/// Locals of every function after its parameters.
const LOCALS: &[ValType] = &[I32, I32, I32, I64, I64, F64];
const TABLE_LEN: u32 = 64;

fn sig_of(index: u32) -> usize {
    let mut r = Rng::new(0x9E37_79B9_7F4A_7C15 ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    r.next();
    r.below(SIGS.len())
}

fn mem(offset: usize) -> MemArg {
    MemArg { offset: offset as u64, align: 0, target: MemArgTarget::Memory(0), ordering: None }
}

pub(crate) fn module(target: usize) -> Vec<u8> {
    let mut mb = ModuleBuilder::new();
    let tys: Vec<u32> = SIGS.iter().map(|(p, r)| mb.ty(p, &[*r])).collect();
    mb.memory(1);
    mb.table(TABLE_LEN as u64);
    let mut rng = Rng::new(0x5EED_1234_ABCD_0001);
    let n = fill(&mut mb, target, 4096, |_, budget, index| {
        let sig = sig_of(index as u32);
        let (params, result) = SIGS[sig];
        let mut g = Gen {
            rng: &mut rng,
            index: index as u32,
            locals: [params, LOCALS].concat(),
            f: Function::new(LOCALS.iter().map(|&t| (1, t))),
        };
        let stmts = 12 + g.rng.below(28);
        for _ in 0..stmts {
            if g.f.byte_len() + 32 > budget {
                break;
            }
            g.stmt(1);
        }
        g.expr(result, 0);
        g.f.instruction(&I::End);
        (tys[sig], g.f)
    }) as u32;
    let elems: Vec<u32> = (0..TABLE_LEN).map(|i| i % n).collect();
    mb.elems.active(None, &ConstExpr::i32_const(0), Elements::Functions(Cow::Owned(elems)));
    for i in n.saturating_sub(16)..n {
        mb.export_func(&format!("f{i}"), i);
    }
    mb.finish()
}

struct Gen<'a> {
    rng: &'a mut Rng,
    index: u32,
    locals: Vec<ValType>,
    f: Function,
}

impl Gen<'_> {
    fn local_of(&mut self, t: ValType) -> u32 {
        let c: Vec<u32> = (0..self.locals.len() as u32).filter(|&l| self.locals[l as usize] == t).collect();
        self.rng.pick(&c)
    }

    fn stmts(&mut self, depth: usize, min: usize, max: usize) {
        for _ in 0..min + self.rng.below(max - min + 1) {
            self.stmt(depth);
        }
    }

    fn stmt(&mut self, depth: usize) {
        let nested = depth < 4;
        match self.rng.below(100) {
            r @ 0..=52 => {
                let t = match r {
                    0..=29 => I32,
                    30..=47 => I64,
                    _ => F64,
                };
                self.expr(t, 0);
                let l = self.local_of(t);
                self.f.instruction(&I::LocalSet(l));
            }
            53..=64 => {
                let t = if self.rng.below(3) == 0 { I64 } else { I32 };
                self.addr();
                self.expr(t, 1);
                let m = mem(8 * self.rng.below(32));
                self.f.instruction(&if t == I64 { I::I64Store(m) } else { I::I32Store(m) });
            }
            65..=76 if nested => {
                self.expr(I32, 1);
                self.f.instruction(&I::If(BlockType::Empty));
                self.stmts(depth + 1, 1, 4);
                self.f.instruction(&I::Else);
                self.stmts(depth + 1, 0, 3);
                self.f.instruction(&I::End);
            }
            77..=84 if nested => {
                let c = self.local_of(I32);
                let bound = 4 + self.rng.below(60) as i32;
                self.f.instruction(&I::I32Const(0));
                self.f.instruction(&I::LocalSet(c));
                self.f.instruction(&I::Block(BlockType::Empty));
                self.f.instruction(&I::Loop(BlockType::Empty));
                self.stmts(depth + 1, 2, 6);
                for i in [
                    I::LocalGet(c),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalTee(c),
                    I::I32Const(bound),
                    I::I32LtU,
                    I::BrIf(0),
                    I::End,
                    I::End,
                ] {
                    self.f.instruction(&i);
                }
            }
            85..=92 if self.index > 0 => {
                let callee = self.rng.below(self.index as usize) as u32;
                let (params, result) = SIGS[sig_of(callee)];
                for &p in params {
                    self.expr(p, 2);
                }
                self.f.instruction(&I::Call(callee));
                let l = self.local_of(result);
                self.f.instruction(&I::LocalSet(l));
            }
            93..=95 => {
                let sig = self.rng.below(SIGS.len());
                let (params, result) = SIGS[sig];
                for &p in params {
                    self.expr(p, 2);
                }
                self.expr(I32, 2);
                self.f.instruction(&I::I32Const(TABLE_LEN as i32 - 1));
                self.f.instruction(&I::I32And);
                self.f.instruction(&I::CallIndirect { type_index: sig as u32, table_index: 0 });
                let l = self.local_of(result);
                self.f.instruction(&I::LocalSet(l));
            }
            96..=99 if nested => {
                for _ in 0..3 {
                    self.f.instruction(&I::Block(BlockType::Empty));
                }
                self.expr(I32, 1);
                self.f.instruction(&I::I32Const(3));
                self.f.instruction(&I::I32And);
                self.f.instruction(&I::BrTable(Cow::Borrowed(&[0, 1]), 2));
                self.f.instruction(&I::End);
                self.stmts(depth + 1, 1, 2);
                self.f.instruction(&I::End);
                self.stmts(depth + 1, 1, 2);
                self.f.instruction(&I::End);
            }
            _ => {
                let l = self.local_of(I32);
                for i in [I::LocalGet(l), I::I32Const(1), I::I32Add, I::LocalSet(l)] {
                    self.f.instruction(&i);
                }
            }
        }
    }

    /// An in-bounds-looking address: masked to the first page, 8-aligned.
    fn addr(&mut self) {
        self.expr(I32, 2);
        self.f.instruction(&I::I32Const(0xfef8));
        self.f.instruction(&I::I32And);
    }

    fn expr(&mut self, t: ValType, depth: usize) {
        if depth >= 3 || self.rng.below(10) < 3 {
            if self.rng.below(3) == 0 {
                let k = self.rng.next();
                self.f.instruction(&match t {
                    I32 => I::I32Const(k as i32 % 1000),
                    I64 => I::I64Const(k as i64 >> 20),
                    _ => I::F64Const(Ieee64::from(self.rng.below(1000) as f64 + 0.5)),
                });
            } else {
                let l = self.local_of(t);
                self.f.instruction(&I::LocalGet(l));
            }
            return;
        }
        let d = depth + 1;
        match t {
            I32 => self.i32_expr(d),
            I64 => self.i64_expr(d),
            _ => self.f64_expr(d),
        }
    }

    fn i32_expr(&mut self, d: usize) {
        match self.rng.below(100) {
            0..=44 => {
                self.expr(I32, d);
                self.expr(I32, d);
                let op = self.rng.pick(&[
                    I::I32Add,
                    I::I32Add,
                    I::I32Add,
                    I::I32Sub,
                    I::I32Sub,
                    I::I32Mul,
                    I::I32And,
                    I::I32And,
                    I::I32Or,
                    I::I32Xor,
                    I::I32Shl,
                    I::I32ShrU,
                    I::I32ShrS,
                    I::I32Rotl,
                ]);
                self.f.instruction(&op);
            }
            45..=59 => {
                let wide = self.rng.below(4) == 0;
                let t = if wide { I64 } else { I32 };
                self.expr(t, d);
                self.expr(t, d);
                let op = if wide {
                    self.rng.pick(&[
                        I::I64Eq,
                        I::I64Ne,
                        I::I64LtS,
                        I::I64LtU,
                        I::I64GtS,
                        I::I64GtU,
                        I::I64LeS,
                        I::I64GeU,
                    ])
                } else {
                    self.rng.pick(&[
                        I::I32Eq,
                        I::I32Ne,
                        I::I32LtS,
                        I::I32LtU,
                        I::I32GtS,
                        I::I32GtU,
                        I::I32LeS,
                        I::I32GeU,
                    ])
                };
                self.f.instruction(&op);
            }
            60..=64 => {
                self.expr(I32, d);
                self.f.instruction(&I::I32Eqz);
            }
            65..=69 => {
                self.expr(I64, d);
                self.f.instruction(&I::I32WrapI64);
            }
            70..=81 => {
                self.addr();
                let m = mem(4 * self.rng.below(64));
                let op = self.rng.pick(&[I::I32Load(m), I::I32Load(m), I::I32Load8U(m), I::I32Load16S(m)]);
                self.f.instruction(&op);
            }
            82..=86 => {
                self.expr(I32, d);
                self.expr(I32, d);
                self.expr(I32, d);
                self.f.instruction(&I::Select);
            }
            87..=90 => {
                self.expr(I32, d);
                self.f.instruction(&I::I32Const(1 + self.rng.below(99) as i32));
                self.f.instruction(&I::I32DivU);
            }
            91..=94 => {
                self.expr(I32, d);
                let op = self.rng.pick(&[I::I32Clz, I::I32Ctz, I::I32Popcnt, I::I32Extend8S]);
                self.f.instruction(&op);
            }
            95..=97 => {
                self.expr(F64, d);
                self.f.instruction(&I::I32TruncSatF64S);
            }
            _ => {
                self.expr(I32, d);
                let l = self.local_of(I32);
                self.f.instruction(&I::LocalTee(l));
            }
        }
    }

    fn i64_expr(&mut self, d: usize) {
        match self.rng.below(100) {
            0..=54 => {
                self.expr(I64, d);
                self.expr(I64, d);
                let op = self.rng.pick(&[
                    I::I64Add,
                    I::I64Add,
                    I::I64Sub,
                    I::I64Mul,
                    I::I64And,
                    I::I64Or,
                    I::I64Xor,
                    I::I64Shl,
                    I::I64ShrU,
                    I::I64Rotr,
                ]);
                self.f.instruction(&op);
            }
            55..=69 => {
                self.expr(I32, d);
                let op = self.rng.pick(&[I::I64ExtendI32S, I::I64ExtendI32U]);
                self.f.instruction(&op);
            }
            70..=82 => {
                self.addr();
                let m = mem(8 * self.rng.below(32));
                self.f.instruction(&I::I64Load(m));
            }
            83..=88 => {
                self.expr(I64, d);
                self.expr(I64, d);
                self.expr(I32, d);
                self.f.instruction(&I::Select);
            }
            89..=94 => {
                self.expr(F64, d);
                self.f.instruction(&I::I64ReinterpretF64);
            }
            _ => {
                self.expr(I64, d);
                self.f.instruction(&I::I64Const(1 + self.rng.below(999) as i64));
                self.f.instruction(&I::I64RemU);
            }
        }
    }

    fn f64_expr(&mut self, d: usize) {
        match self.rng.below(100) {
            0..=49 => {
                self.expr(F64, d);
                self.expr(F64, d);
                let op = self.rng.pick(&[I::F64Add, I::F64Sub, I::F64Mul, I::F64Min, I::F64Max]);
                self.f.instruction(&op);
            }
            50..=74 => {
                self.expr(I32, d);
                self.f.instruction(&I::F64ConvertI32S);
            }
            75..=84 => {
                self.expr(I64, d);
                self.f.instruction(&I::F64ConvertI64U);
            }
            85..=92 => {
                self.expr(F64, d);
                self.f.instruction(&I::F64Abs);
                self.f.instruction(&I::F64Sqrt);
            }
            _ => {
                self.addr();
                let m = mem(8 * self.rng.below(32));
                self.f.instruction(&I::F64Load(m));
            }
        }
    }
}
