//! Compound expressions of the synthetic functions, per result type: the arithmetic,
//! comparison, conversion, load and `select` mix of compiled code.

use super::func::Func;
use super::Ty;

const I32_BIN: &[&str] =
    &["add", "add", "add", "sub", "sub", "mul", "and", "and", "or", "xor", "shl", "shr_u", "shr_s", "rotl"];
const I32_CMP: &[&str] = &["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "ge_u"];
const I64_BIN: &[&str] = &["add", "add", "sub", "mul", "and", "or", "xor", "shl", "shr_u", "rotr"];
const F64_BIN: &[&str] = &["add", "sub", "mul", "min", "max"];

impl Func<'_> {
    /// A non-leaf expression of type `ty` whose operands are at `depth + 1`.
    pub(super) fn compound(&mut self, ty: Ty, depth: usize) -> String {
        let d = depth + 1;
        match ty {
            Ty::I32 => self.i32_expr(d),
            Ty::I64 => self.i64_expr(d),
            Ty::F64 => self.f64_expr(d),
        }
    }

    fn i32_expr(&mut self, d: usize) -> String {
        match self.rng.below(100) {
            0..=44 => {
                let op = self.rng.pick(I32_BIN);
                let (a, b) = (self.expr(Ty::I32, d), self.expr(Ty::I32, d));
                format!("(i32.{op} {a} {b})")
            }
            45..=59 => {
                let op = self.rng.pick(I32_CMP);
                let ty = if self.rng.below(4) == 0 { Ty::I64 } else { Ty::I32 };
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                format!("({}.{op} {a} {b})", ty.name())
            }
            60..=64 => format!("(i32.eqz {})", self.expr(Ty::I32, d)),
            65..=69 => format!("(i32.wrap_i64 {})", self.expr(Ty::I64, d)),
            70..=81 => {
                let op = self.rng.pick(&["i32.load", "i32.load", "i32.load8_u", "i32.load16_s"]);
                let addr = self.addr();
                format!("({op} offset={} {addr})", 4 * self.rng.below(64))
            }
            82..=86 => {
                let (a, b, c) = (self.expr(Ty::I32, d), self.expr(Ty::I32, d), self.expr(Ty::I32, d));
                format!("(select {a} {b} {c})")
            }
            87..=90 => {
                let divisor = 1 + self.rng.below(99);
                format!("(i32.div_u {} (i32.const {divisor}))", self.expr(Ty::I32, d))
            }
            91..=94 => {
                let op = self.rng.pick(&["clz", "ctz", "popcnt", "extend8_s"]);
                format!("(i32.{op} {})", self.expr(Ty::I32, d))
            }
            95..=97 => format!("(i32.trunc_sat_f64_s {})", self.expr(Ty::F64, d)),
            _ => {
                let l = self.local_of(Ty::I32);
                format!("(local.tee {l} {})", self.expr(Ty::I32, d))
            }
        }
    }

    fn i64_expr(&mut self, d: usize) -> String {
        match self.rng.below(100) {
            0..=54 => {
                let op = self.rng.pick(I64_BIN);
                let (a, b) = (self.expr(Ty::I64, d), self.expr(Ty::I64, d));
                format!("(i64.{op} {a} {b})")
            }
            55..=69 => {
                let op = self.rng.pick(&["extend_i32_s", "extend_i32_u"]);
                format!("(i64.{op} {})", self.expr(Ty::I32, d))
            }
            70..=82 => {
                let addr = self.addr();
                format!("(i64.load offset={} {addr})", 8 * self.rng.below(32))
            }
            83..=88 => {
                let (a, b, c) = (self.expr(Ty::I64, d), self.expr(Ty::I64, d), self.expr(Ty::I32, d));
                format!("(select {a} {b} {c})")
            }
            89..=94 => format!("(i64.reinterpret_f64 {})", self.expr(Ty::F64, d)),
            _ => {
                let divisor = 1 + self.rng.below(999);
                format!("(i64.rem_u {} (i64.const {divisor}))", self.expr(Ty::I64, d))
            }
        }
    }

    fn f64_expr(&mut self, d: usize) -> String {
        match self.rng.below(100) {
            0..=49 => {
                let op = self.rng.pick(F64_BIN);
                let (a, b) = (self.expr(Ty::F64, d), self.expr(Ty::F64, d));
                format!("(f64.{op} {a} {b})")
            }
            50..=74 => format!("(f64.convert_i32_s {})", self.expr(Ty::I32, d)),
            75..=84 => format!("(f64.convert_i64_u {})", self.expr(Ty::I64, d)),
            85..=92 => format!("(f64.sqrt (f64.abs {}))", self.expr(Ty::F64, d)),
            _ => {
                let addr = self.addr();
                format!("(f64.load offset={} {addr})", 8 * self.rng.below(32))
            }
        }
    }
}
