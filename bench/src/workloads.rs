//! The execution workloads: hand-written `.wat` kernels (bench/workloads/*.wat, each with a
//! plain Rust reference), the Rust-source kernels (bench/workloads/rust-workloads.wasm, whose
//! reference is the same source compiled natively), the real-world npm modules
//! (`external.rs`), the corpus built at run time (published Rust crates, a C library and the
//! CoreMark-class cpumark: `corpus.rs`) and contracts (`contracts.rs`). Each says how it is
//! driven and what result every engine must produce.

use crate::engines::{Arg, EngineResult, Instance, Stub};
use crate::external;

/// Where a workload comes from; the report groups rows by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Hand-written `.wat`.
    Wat,
    /// Rust source compiled to wasm (and natively, as the `native` engine).
    Rust,
    /// A module nobody here wrote, installed from npm at benchmark time.
    RealWorld,
    /// Published Rust crates driven by bench/corpus-rust, built at benchmark time.
    Crates,
    /// A C library from a PyPI source distribution, built with clang at benchmark time.
    C,
    /// The CoreMark-class CPU benchmark (bench/corpus-c/cpumark.c).
    CpuMark,
    /// Contracts on the SDK, run as plain modules over the bench's `gasket_v1` host.
    Contracts,
}

impl Group {
    /// Every group, in report order.
    pub const ALL: [Group; 7] =
        [Group::Wat, Group::Rust, Group::RealWorld, Group::Crates, Group::C, Group::CpuMark, Group::Contracts];

    pub fn title(self) -> &'static str {
        match self {
            Group::Wat => "hand-written .wat kernels",
            Group::Rust => "Rust-source kernels (bench/rust-workloads; `native` is the same source compiled natively)",
            Group::RealWorld => "real-world modules (npm, installed by scripts/bench-deps.sh)",
            Group::Crates => "real-world Rust crates (bench/corpus-rust, built by scripts/build-corpus.sh)",
            Group::C => "C library from a PyPI sdist (LZ4, built with clang by scripts/build-corpus.sh)",
            Group::CpuMark => "CoreMark-class CPU benchmark (bench/corpus-c/cpumark.c, fixed work)",
            Group::Contracts => {
                "contracts (SDK examples and bench/corpus-rust/contracts, over the bench's gasket_v1 host)"
            }
        }
    }

    /// A short name for summary lines.
    pub fn label(self) -> &'static str {
        match self {
            Group::Wat => ".wat kernels",
            Group::Rust => "Rust kernels",
            Group::RealWorld => "npm modules",
            Group::Crates => "Rust crates",
            Group::C => "C (lz4)",
            Group::CpuMark => "cpumark",
            Group::Contracts => "contracts",
        }
    }
}

/// How one run drives an instance: a result every engine must agree on.
#[derive(Clone, Copy)]
pub enum Drive {
    /// Call this export with the size as its only argument; its result is the checksum.
    Call(&'static str),
    /// A sequence of calls and memory accesses (the module's JS wrapper's protocol).
    Custom(fn(&mut dyn Instance, i32) -> EngineResult<i64>),
}

/// One execution workload.
pub struct Workload {
    pub name: String,
    pub group: Group,
    pub wasm: Vec<u8>,
    /// Size parameter for a full run (chosen so gasket takes roughly 0.1-1 s).
    pub size: i32,
    /// Size parameter for `--quick` runs.
    pub quick_size: i32,
    pub drive: Drive,
    /// Host functions the module imports.
    pub stubs: &'static [Stub],
    /// Known-answer checks run once per engine on a fresh instance, untimed (test vectors:
    /// they prove the module is driven correctly). A failure aborts the run.
    pub check: Option<fn(&mut dyn Instance) -> EngineResult<()>>,
    /// The expected result for a size, computed without any engine.
    pub reference: Reference,
}

/// How the expected result is computed.
#[derive(Clone, Copy)]
pub enum Reference {
    /// Plain Rust written for the purpose (or a known answer).
    Fn(fn(i32) -> i64),
    /// The workload's own source, compiled natively.
    Native(extern "C" fn(i32) -> i64),
    /// A corpus kernel's native build in bench/.cache/corpus, run for the export and size.
    Corpus { program: &'static str, export: &'static str },
}

impl Reference {
    pub fn expected(self, size: i32) -> EngineResult<i64> {
        match self {
            Reference::Fn(f) => Ok(f(size)),
            Reference::Native(f) => Ok(f(size)),
            Reference::Corpus { program, export } => crate::corpus::native_result(program, export, size),
        }
    }
}

impl Workload {
    /// Runs the workload once on an instance.
    pub fn run(&self, inst: &mut dyn Instance, size: i32) -> EngineResult<i64> {
        match self.drive {
            Drive::Call(export) => inst.call(export, &[Arg::I32(size)]),
            Drive::Custom(f) => f(inst, size),
        }
    }

    /// The export a native engine would run, for Rust-source workloads.
    pub fn native_export(&self) -> Option<&'static str> {
        match (self.group, self.drive) {
            (Group::Rust, Drive::Call(e)) => Some(e),
            _ => None,
        }
    }
}

fn wat(name: &str, src: &str, export: &'static str, size: i32, quick_size: i32, reference: fn(i32) -> i64) -> Workload {
    Workload {
        name: name.into(),
        group: Group::Wat,
        wasm: wat::parse_str(src).unwrap_or_else(|e| panic!("workload {name}: bad .wat: {e}")),
        size,
        quick_size,
        drive: Drive::Call(export),
        stubs: &[],
        check: None,
        reference: Reference::Fn(reference),
    }
}

/// The committed build of bench/rust-workloads (scripts/build-bench-wasm.sh).
pub const RUST_WASM: &[u8] = include_bytes!("../workloads/rust-workloads.wasm");

/// Rust-source kernels: (export, size, quick size). The reference is the native kernel.
const RUST: &[(&str, i32, i32)] = &[
    ("fib_rec", 34, 20),
    ("int_loop", 16_000_000, 200_000),
    ("sieve", 4_000_000, 200_000),
    ("matmul", 256, 32),
    ("sha256", 2048, 64),
    ("keccak256", 2048, 64),
    ("blake2b", 8192, 64),
    ("bignum_mul", 300_000, 10_000),
    ("mem_random", 4_000_000, 100_000),
];

fn rust(export: &'static str, size: i32, quick_size: i32) -> Workload {
    let native = crate::engines::native_kernel(export).unwrap_or_else(|| panic!("no native kernel {export}"));
    Workload {
        name: format!("rs:{export}"),
        group: Group::Rust,
        wasm: RUST_WASM.to_vec(),
        size,
        quick_size,
        drive: Drive::Call(export),
        stubs: &[],
        check: None,
        reference: Reference::Native(native),
    }
}

/// All workloads, in report order, and the real-world ones that could not be loaded (with why).
pub fn all() -> (Vec<Workload>, Vec<String>) {
    let mut v = vec![
        wat("fib", include_str!("../workloads/fib.wat"), "fib", 30, 20, fib),
        wat("loop", include_str!("../workloads/loop.wat"), "run", 25_000_000, 1_000_000, xorshift_loop),
        wat("sieve", include_str!("../workloads/sieve.wat"), "count", 16_000_000, 1_000_000, sieve),
        wat("matmul", include_str!("../workloads/matmul.wat"), "mul", 256, 64, matmul),
    ];
    v.extend(RUST.iter().map(|&(e, s, q)| rust(e, s, q)));
    let (external, mut skipped) = external::workloads();
    v.extend(external);
    let (corpus, missing) = crate::corpus::workloads();
    v.extend(corpus);
    skipped.extend(missing);
    let (contracts, missing) = crate::contracts::workloads();
    v.extend(contracts);
    skipped.extend(missing);
    (v, skipped)
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
