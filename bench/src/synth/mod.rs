//! Generator of a large synthetic module for preparation benchmarks: thousands of functions
//! with compiler-like mixes of locals, integer and float arithmetic, memory access, branches,
//! loops, `br_table`, direct and indirect calls. Built as `.wat` text, then assembled.

mod expr;
mod func;

use std::fmt::Write;

/// Signatures the generated functions use: (params, result).
pub(crate) const SIGS: &[(&[Ty], Ty)] = &[
    (&[Ty::I32], Ty::I32),
    (&[Ty::I32, Ty::I32], Ty::I32),
    (&[Ty::I64, Ty::I32], Ty::I64),
    (&[Ty::I32, Ty::I64, Ty::I64], Ty::I64),
    (&[Ty::I32, Ty::I32, Ty::I32], Ty::I32),
];

/// Extra locals of every function, after the parameters.
pub(crate) const LOCALS: &[Ty] = &[Ty::I32, Ty::I32, Ty::I32, Ty::I64, Ty::I64, Ty::F64];

/// Functions placed in the table for `call_indirect`.
pub(crate) const TABLE_LEN: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    I32,
    I64,
    F64,
}

impl Ty {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F64 => "f64",
        }
    }
}

/// Deterministic xorshift64 generator: the module is identical on every run.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Generates a binary module of roughly `target_bytes` (never more than 5% above).
pub fn module(target_bytes: usize) -> Vec<u8> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut funcs: Vec<String> = Vec::new();
    let mut count = 256;
    loop {
        while funcs.len() < count {
            let f = func::function(&mut rng, funcs.len());
            funcs.push(f);
        }
        let wasm = assemble(&funcs[..count]);
        if wasm.len() >= target_bytes * 95 / 100 && wasm.len() <= target_bytes * 105 / 100 {
            return wasm;
        }
        // Functions are i.i.d. in size, so scale the count by the shortfall or excess.
        let per_func = wasm.len() as f64 / count as f64;
        count = ((target_bytes as f64 / per_func) as usize).max(TABLE_LEN + 1);
        if count < funcs.len() {
            return assemble(&funcs[..count]);
        }
    }
}

fn assemble(funcs: &[String]) -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for (i, (params, result)) in SIGS.iter().enumerate() {
        let params: Vec<&str> = params.iter().map(|t| t.name()).collect();
        let _ = writeln!(wat, "  (type $t{i} (func (param {}) (result {})))", params.join(" "), result.name());
    }
    let _ = writeln!(wat, "  (memory (export \"memory\") 1)");
    let _ = writeln!(wat, "  (table {TABLE_LEN} funcref)");
    let elems: Vec<String> = (0..TABLE_LEN).map(|i| format!("$f{i}")).collect();
    let _ = writeln!(wat, "  (elem (i32.const 0) func {})", elems.join(" "));
    for f in funcs {
        wat.push_str(f);
    }
    for i in funcs.len().saturating_sub(16)..funcs.len() {
        let _ = writeln!(wat, "  (export \"f{i}\" (func $f{i}))");
    }
    wat.push_str(")\n");
    wat::parse_str(&wat).unwrap_or_else(|e| panic!("synthetic module does not assemble: {e}"))
}

/// The signature of function `index`: fixed per index, so callers know it in advance.
pub(crate) fn sig_of(index: usize) -> usize {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    r.next();
    r.below(SIGS.len())
}
