//! Target (e): random plans of WASI calls with random pointers and lengths (biased to the
//! edges of guest memory), run as a Wasm command on gasket and replayed directly on the
//! engine-independent core.
//!
//! Each input gives a configuration (stdin, args, environment, a preopened directory or none,
//! output caps, the clock tick, the seed), the first bytes of memory (so iovec arrays and
//! subscriptions hold random values), up to 32 calls of any of the 46 functions, and a gas
//! limit or none. Properties: no panic; the run is a `RunResult`, never an error; two runs give
//! identical results (determinism); unmetered, the gasket run and the direct replay end the
//! same way with the same stdout and stderr (the binding adds nothing); metered, gas used is
//! at most the limit and running out uses all of it; captured output stays within its cap.

use arbitrary::Unstructured;
use gasket::{Engine, Module};
use gasket_wasi::{
    engine_config, linker, run_command, Budget, ClockConfig, MemDir, Outcome, Stop, WasiConfig, WasiCtx, FUNCTIONS,
};

use crate::{guard, Finding};

/// What one input exercised.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WasiReport {
    pub calls: usize,
    pub exits: usize,
    pub out_of_gas: usize,
    pub output_limits: usize,
}

const PAGE: u64 = 65536;
const EDGES: [u64; 10] = [0, 8, 64, 1024, 2048, PAGE - 8, PAGE - 1, PAGE, PAGE + 1, u32::MAX as u64];

fn arg(u: &mut Unstructured<'_>, wide: bool) -> arbitrary::Result<u64> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 | 1 => EDGES[u.choose_index(EDGES.len())?],
        2 => u.int_in_range(0..=64u64)?,
        _ if wide => u.arbitrary::<u64>()?,
        _ => u.arbitrary::<u32>()? as u64,
    })
}

struct Plan {
    config: WasiConfig,
    memory: Vec<u8>,
    /// An iovec at 1024 (an edge pointer) for the buffer at 2048 of this length.
    iovec_len: u32,
    calls: Vec<(usize, Vec<u64>)>,
    gas: Option<u64>,
}

fn plan(u: &mut Unstructured<'_>) -> arbitrary::Result<Plan> {
    let mut dir = MemDir::new();
    let _ = dir.add_file("a.txt", b"alpha".to_vec());
    let _ = dir.add_file("sub/b.bin", vec![7u8; 100]);
    let text = |u: &mut Unstructured<'_>| -> arbitrary::Result<String> {
        let n = u.int_in_range(0..=8)?;
        Ok(String::from_utf8_lossy(u.bytes(n)?).into_owned())
    };
    let stdin_len = u.int_in_range(0..=64)?;
    let config = WasiConfig {
        args: (0..u.int_in_range(0..=3)?).map(|_| text(u)).collect::<Result<_, _>>()?,
        env: (0..u.int_in_range(0..=2)?).map(|_| Ok((text(u)?, text(u)?))).collect::<arbitrary::Result<_>>()?,
        stdin: u.bytes(stdin_len)?.to_vec(),
        stdout_limit: [0, 16, 1 << 20][u.choose_index(3)?],
        stderr_limit: [0, 64, 1 << 20][u.choose_index(3)?],
        clock: ClockConfig {
            realtime_ns: u.arbitrary()?,
            monotonic_ns: u.arbitrary()?,
            tick_ns: u.int_in_range(0..=2000)?,
        },
        seed: u.arbitrary()?,
        preopen: if u.arbitrary()? { Some((".".into(), dir)) } else { None },
    };
    let memory_len = u.int_in_range(0..=512)?;
    let memory = u.bytes(memory_len)?.to_vec();
    let iovec_len = u.int_in_range(0..=40)?;
    let mut calls = Vec::new();
    for _ in 0..u.int_in_range(0..=32)? {
        // A quarter of the calls write (so output caps are reached), the rest any function.
        let f = if u.ratio(1, 4)? { gasket_wasi::Func::FdWrite as usize } else { u.choose_index(FUNCTIONS.len())? };
        let s = &FUNCTIONS[f];
        let io = matches!(s.name, "fd_write" | "fd_pwrite" | "fd_read" | "fd_pread");
        let takes_fd = ["fd_", "path_", "sock_"].iter().any(|p| s.name.starts_with(p));
        let mut args = Vec::new();
        for (i, p) in s.params.bytes().enumerate() {
            // Descriptors and counts: mostly small, so that calls reach stdio, the preopen
            // and the iovec at 1024.
            let small = (i == 0 && takes_fd) || u.ratio(1, 4)?;
            args.push(match i {
                1 if io && u.ratio(1, 2)? => 1024,
                2 if io && u.ratio(1, 2)? => 1,
                _ if small => u.int_in_range(0..=5)?,
                _ => arg(u, p == b'I')?,
            });
        }
        calls.push((f, args));
    }
    let gas = if u.arbitrary()? { Some(u.int_in_range(0..=200_000)?) } else { None };
    Ok(Plan { config, memory, iovec_len, calls, gas })
}

/// The plan as a WASI command: memory 1 page with the plan's bytes at 0, and `_start` making
/// the calls in order, dropping each errno.
fn module_text(p: &Plan) -> String {
    let mut used: Vec<usize> = p.calls.iter().map(|c| c.0).collect();
    used.sort_unstable();
    used.dedup();
    let mut wat = String::from("(module\n");
    for &f in &used {
        let s = &FUNCTIONS[f];
        let params: Vec<&str> = s.params.bytes().map(|b| if b == b'I' { "i64" } else { "i32" }).collect();
        let result = if s.name == "proc_exit" { "" } else { "(result i32)" };
        wat += &format!(
            "  (import \"wasi_snapshot_preview1\" \"{}\" (func $f{f} (param {}) {result}))\n",
            s.name,
            params.join(" ")
        );
    }
    let data: String = p.memory.iter().map(|b| format!("\\{b:02x}")).collect();
    let iovec: String = iovec(p).iter().map(|b| format!("\\{b:02x}")).collect();
    wat += &format!(
        "  (memory (export \"memory\") 1)\n  (data (i32.const 0) \"{data}\")\n  (data (i32.const 1024) \"{iovec}\")\n  (func (export \"_start\")\n"
    );
    for (f, args) in &p.calls {
        let s = &FUNCTIONS[*f];
        let operands: String = s
            .params
            .bytes()
            .zip(args)
            .map(|(t, a)| {
                if t == b'I' {
                    format!(" (i64.const {})", *a as i64)
                } else {
                    format!(" (i32.const {})", *a as u32 as i32)
                }
            })
            .collect();
        if s.name == "proc_exit" {
            wat += &format!("    (call $f{f}{operands})\n");
        } else {
            wat += &format!("    (drop (call $f{f}{operands}))\n");
        }
    }
    wat + "  ))\n"
}

/// The iovec at 1024: buffer 2048, the plan's length.
fn iovec(p: &Plan) -> [u8; 8] {
    let mut v = [0u8; 8];
    v[..4].copy_from_slice(&2048u32.to_le_bytes());
    v[4..].copy_from_slice(&p.iovec_len.to_le_bytes());
    v
}

/// The plan replayed on the core directly: how it ends, stdout, stderr.
fn replay(p: &Plan) -> (Outcome, Vec<u8>, Vec<u8>) {
    let mut ctx = WasiCtx::new(p.config.clone());
    let mut memory = vec![0u8; PAGE as usize];
    memory[..p.memory.len()].copy_from_slice(&p.memory);
    memory[1024..1032].copy_from_slice(&iovec(p));
    let mut outcome = Outcome::Exit(0);
    for (f, args) in &p.calls {
        match ctx.call(FUNCTIONS[*f].func, args, &mut memory, &mut Budget::new(None)) {
            Ok(_) => {}
            Err(Stop::Exit(c)) => {
                outcome = Outcome::Exit(c);
                break;
            }
            Err(Stop::OutputLimit { stream, limit }) => {
                outcome = Outcome::OutputLimit { stream, limit };
                break;
            }
            Err(Stop::OutOfGas) => unreachable!("unmetered"),
        }
    }
    let (out, err) = ctx.take_output();
    (outcome, out, err)
}

/// Target (e) on one input.
pub fn wasi_calls(data: &[u8]) -> Result<WasiReport, Finding> {
    let mut u = Unstructured::new(data);
    let Ok(p) = plan(&mut u) else { return Ok(WasiReport::default()) };
    let wat = module_text(&p);
    guard("wasi_calls", || check(&p, &wat))?
}

fn check(p: &Plan, wat: &str) -> Result<WasiReport, Finding> {
    let run = |metered: bool| {
        let engine = Engine::new(&engine_config(metered));
        let module = Module::new(&engine, wat).map_err(|e| Finding::new("rejected-valid", format!("{e}\n{wat}")))?;
        let linker = linker(&engine).map_err(|e| Finding::new("link", e.to_string()))?;
        let gas = if metered { p.gas } else { None };
        run_command(&linker, &module, WasiCtx::new(p.config.clone()), gas)
            .map_err(|e| Finding::new("run-error", format!("{e}\n{wat}")))
    };
    let plain = run(false)?;
    let (outcome, stdout, stderr) = replay(p);
    if (&plain.outcome, &plain.stdout, &plain.stderr) != (&outcome, &stdout, &stderr) {
        return Err(Finding::new(
            "divergence",
            format!("gasket {:?} vs core {outcome:?}; stdout {:?} vs {stdout:?}\n{wat}", plain.outcome, plain.stdout),
        ));
    }
    let mut report = WasiReport { calls: p.calls.len(), ..WasiReport::default() };
    let metered = run(p.gas.is_some())?;
    if metered != run(p.gas.is_some())? {
        return Err(Finding::new("nondeterminism", wat.to_string()));
    }
    if let (Some(limit), Some(used)) = (p.gas, metered.gas_used) {
        if used > limit || (metered.outcome == Outcome::OutOfGas && used != limit) {
            return Err(Finding::new("gas", format!("used {used} of {limit} ({:?})\n{wat}", metered.outcome)));
        }
    }
    if metered.stdout.len() > p.config.stdout_limit || metered.stderr.len() > p.config.stderr_limit {
        return Err(Finding::new("output-cap", wat.to_string()));
    }
    match metered.outcome {
        Outcome::Exit(_) => report.exits += 1,
        Outcome::OutOfGas => report.out_of_gas += 1,
        Outcome::OutputLimit { .. } => report.output_limits += 1,
        Outcome::Trap(t) => return Err(Finding::new("trap", format!("{t}\n{wat}"))),
    }
    Ok(report)
}
