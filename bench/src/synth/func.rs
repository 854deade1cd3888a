//! Generation of one synthetic function: locals, statements (assignments, stores, `if`,
//! counted loops, `br_table`, direct and indirect calls) and its result expression.

use std::fmt::Write;

use super::{sig_of, Rng, Ty, LOCALS, SIGS, TABLE_LEN};

/// Per-function generation state.
pub(super) struct Func<'a> {
    pub(super) rng: &'a mut Rng,
    index: usize,
    /// Type of every local, parameters first.
    locals: Vec<Ty>,
    out: String,
}

pub(super) fn function(rng: &mut Rng, index: usize) -> String {
    let sig = sig_of(index);
    let (params, result) = SIGS[sig];
    let mut locals = params.to_vec();
    locals.extend_from_slice(LOCALS);
    let names: Vec<&str> = LOCALS.iter().map(|t| t.name()).collect();
    let mut f = Func { rng, index, locals, out: String::new() };
    let _ = writeln!(f.out, "  (func $f{index} (type $t{sig}) (local {})", names.join(" "));
    let stmts = 12 + f.rng.below(28);
    for _ in 0..stmts {
        f.stmt(1);
    }
    let ret = f.expr(result, 0);
    let _ = writeln!(f.out, "    {ret})");
    f.out
}

impl Func<'_> {
    pub(super) fn local_of(&mut self, ty: Ty) -> usize {
        let candidates: Vec<usize> = (0..self.locals.len()).filter(|&i| self.locals[i] == ty).collect();
        self.rng.pick(&candidates)
    }

    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str("  ");
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn stmt(&mut self, depth: usize) {
        let nested = depth < 4;
        match self.rng.below(100) {
            0..=29 => {
                let l = self.local_of(Ty::I32);
                let e = self.expr(Ty::I32, 0);
                self.line(depth, &format!("(local.set {l} {e})"));
            }
            30..=47 => {
                let l = self.local_of(Ty::I64);
                let e = self.expr(Ty::I64, 0);
                self.line(depth, &format!("(local.set {l} {e})"));
            }
            48..=52 => {
                let l = self.local_of(Ty::F64);
                let e = self.expr(Ty::F64, 0);
                self.line(depth, &format!("(local.set {l} {e})"));
            }
            53..=64 => {
                let ty = if self.rng.below(3) == 0 { Ty::I64 } else { Ty::I32 };
                let addr = self.addr();
                let v = self.expr(ty, 1);
                let off = 8 * self.rng.below(32);
                self.line(depth, &format!("({}.store offset={off} {addr} {v})", ty.name()));
            }
            65..=76 if nested => {
                let c = self.expr(Ty::I32, 1);
                self.line(depth, &format!("(if {c} (then"));
                self.stmts(depth + 1, 1, 4);
                self.line(depth, ") (else");
                self.stmts(depth + 1, 0, 3);
                self.line(depth, "))");
            }
            77..=84 if nested => {
                let c = self.local_of(Ty::I32);
                let bound = 4 + self.rng.below(60);
                self.line(depth, &format!("(local.set {c} (i32.const 0))"));
                self.line(depth, "(block (loop");
                self.stmts(depth + 1, 2, 6);
                self.line(
                    depth + 1,
                    &format!("(br_if 0 (i32.lt_u (local.tee {c} (i32.add (local.get {c}) (i32.const 1))) (i32.const {bound})))"),
                );
                self.line(depth, "))");
            }
            85..=92 if self.index > 0 => {
                let callee = self.rng.below(self.index);
                let (call, ty) = self.call(callee);
                let l = self.local_of(ty);
                self.line(depth, &format!("(local.set {l} {call})"));
            }
            93..=95 => {
                let sig = self.rng.below(SIGS.len());
                let (params, result) = SIGS[sig];
                let args: Vec<String> = params.iter().map(|&t| self.expr(t, 2)).collect();
                let slot = self.expr(Ty::I32, 2);
                let l = self.local_of(result);
                self.line(
                    depth,
                    &format!(
                        "(local.set {l} (call_indirect (type $t{sig}) {} (i32.and {slot} (i32.const {}))))",
                        args.join(" "),
                        TABLE_LEN - 1
                    ),
                );
            }
            96..=99 if nested => {
                let sel = self.expr(Ty::I32, 1);
                self.line(depth, &format!("(block (block (block (br_table 0 1 2 (i32.and {sel} (i32.const 3))))"));
                self.stmts(depth + 1, 1, 2);
                self.line(depth, ")");
                self.stmts(depth + 1, 1, 2);
                self.line(depth, ")");
            }
            _ => {
                let l = self.local_of(Ty::I32);
                self.line(depth, &format!("(local.set {l} (i32.add (local.get {l}) (i32.const 1)))"));
            }
        }
    }

    fn stmts(&mut self, depth: usize, min: usize, max: usize) {
        let n = min + self.rng.below(max - min + 1);
        for _ in 0..n {
            self.stmt(depth);
        }
    }

    fn call(&mut self, callee: usize) -> (String, Ty) {
        let sig = sig_of(callee);
        let (params, result) = SIGS[sig];
        let args: Vec<String> = params.iter().map(|&t| self.expr(t, 2)).collect();
        (format!("(call $f{callee} {})", args.join(" ")), result)
    }

    /// An in-bounds-looking address: masked to the first page, 8-aligned.
    pub(super) fn addr(&mut self) -> String {
        let e = self.expr(Ty::I32, 2);
        format!("(i32.and {e} (i32.const 0xfef8))")
    }

    pub(super) fn expr(&mut self, ty: Ty, depth: usize) -> String {
        let leaf = depth >= 3 || self.rng.below(10) < 3;
        if leaf {
            return if self.rng.below(3) == 0 {
                match ty {
                    Ty::I32 => format!("(i32.const {})", self.rng.next() as i32 % 1000),
                    Ty::I64 => format!("(i64.const {})", self.rng.next() as i64 >> 20),
                    Ty::F64 => format!("(f64.const {}.5)", self.rng.below(1000)),
                }
            } else {
                format!("(local.get {})", self.local_of(ty))
            };
        }
        self.compound(ty, depth)
    }
}
