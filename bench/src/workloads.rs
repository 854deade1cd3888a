//! The execution workloads: `.wat` sources under `bench/workloads/`, the export and argument
//! each is run with, and a plain Rust reference that computes the expected result.

use crate::engines::Arg;

/// One execution workload.
pub struct Workload {
    pub name: &'static str,
    /// The `.wat` source, embedded at build time.
    pub wat: &'static str,
    pub export: &'static str,
    /// Size parameter for a full run (chosen so gasket takes ~0.2-1 s).
    pub size: i32,
    /// Size parameter for `--quick` runs.
    pub quick_size: i32,
    /// Computes the expected result for a size, independently of any engine.
    pub reference: fn(i32) -> i64,
}

impl Workload {
    /// Compiles the `.wat` source to a binary module.
    pub fn wasm(&self) -> Vec<u8> {
        wat::parse_str(self.wat).unwrap_or_else(|e| panic!("workload {}: bad .wat: {e}", self.name))
    }

    pub fn args(&self, size: i32) -> Vec<Arg> {
        vec![Arg::I32(size)]
    }
}

/// All workloads, in report order.
pub fn all() -> Vec<Workload> {
    vec![
        Workload {
            name: "fib",
            wat: include_str!("../workloads/fib.wat"),
            export: "fib",
            size: 30,
            quick_size: 20,
            reference: fib,
        },
        Workload {
            name: "loop",
            wat: include_str!("../workloads/loop.wat"),
            export: "run",
            size: 25_000_000,
            quick_size: 1_000_000,
            reference: xorshift_loop,
        },
        Workload {
            name: "sieve",
            wat: include_str!("../workloads/sieve.wat"),
            export: "count",
            size: 16_000_000,
            quick_size: 1_000_000,
            reference: sieve,
        },
        Workload {
            name: "matmul",
            wat: include_str!("../workloads/matmul.wat"),
            export: "mul",
            size: 256,
            quick_size: 64,
            reference: matmul,
        },
    ]
}

fn fib(n: i32) -> i64 {
    let (mut a, mut b) = (0i32, 1i32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a as i64
}

fn xorshift_loop(count: i32) -> i64 {
    let (mut x, mut acc, mut lcg) = (0x2545_F491_4F6C_DD1Du64, 0u64, 1u64);
    for _ in 0..count as u32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        lcg = lcg.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        acc = if x & 1 == 0 { acc.wrapping_add(x ^ lcg) } else { acc.wrapping_sub(lcg).rotate_left(5) };
    }
    acc as i64
}

fn sieve(n: i32) -> i64 {
    let n = n as usize;
    let mut composite = vec![false; n];
    let mut i = 2;
    while i * i < n {
        if !composite[i] {
            (i * i..n).step_by(i).for_each(|j| composite[j] = true);
        }
        i += 1;
    }
    (2..n).filter(|&i| !composite[i]).count() as i64
}

fn matmul(n: i32) -> i64 {
    let n = n as usize;
    let a = |i: usize, j: usize| ((i * 7 + j * 3) % 11) as f64 - 5.0;
    let b = |i: usize, j: usize| ((i * 5 + j) % 13) as f64 - 6.0;
    let mut total = 0.0f64;
    for i in 0..n {
        for j in 0..n {
            let c = (0..n).fold(0.0, |sum, k| sum + a(i, k) * b(k, j));
            total += c * ((i + 2 * j) % 7 + 1) as f64;
        }
    }
    total as i64
}
