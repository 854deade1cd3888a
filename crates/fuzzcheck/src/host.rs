//! Target (d): random call sequences against the contract runtime's `gasket_v1` host API.
//!
//! Each input deploys the same interpreter contract twice (A and B, over a fresh
//! `MemStore`) and makes a few top-level calls, each chosen from the data: target (A, B or
//! an address with no contract), entry point (`run`, or a name that is not one), gas limit,
//! caller, block, and a *program* passed as input. The contract's `run` copies its input to
//! memory and executes the program's steps: each step calls one `gasket_v1` function (or
//! traps, grows memory, burns gas) with pointers, lengths and values from the data, biased to
//! edges (0, the header, a scratch area, the end of the page, `u32::MAX`, negatives). The
//! header holds A's and B's addresses and the names `run` and `nope`, so that nested `call`s
//! often reach a real contract and entry point.
//!
//! Properties, per call: the runtime returns a receipt (never `Err`: no input is over
//! `MAX_DATA`, and `MemStore` cannot fail); `gas_used <= gas_limit`, and `OutOfGas` uses all
//! of it; a call that does not succeed changes no storage (checked with `Runtime::storage`
//! on A and B) and reports no events and, unless it reverted, no return data; `Failed` only
//! for a missing contract or entry point; a successful call's events come from A or B and
//! respect the limits; `block_height`, `block_time` and `gas_left` are never negative (the
//! contract checks them; block values come from the embedder and stay below 2^63 here, gas
//! limits are sometimes `u64::MAX`). The whole sequence is run twice, on two fresh runtimes, and must give
//! identical receipts and storage (determinism).

use std::sync::{Arc, OnceLock};

use arbitrary::Unstructured;
use gasket_runtime::{Address, BlockContext, CallReceipt, MemStore, Runtime, RuntimeConfig, Status};

use crate::{guard, Finding};

/// The whole `gasket_v1` API: (name, params, result), as the runtime exports it.
pub use gasket_runtime::GASKET_V1_API as API;

/// Steps beyond the host functions: `unreachable`, `memory.grow(arg0)`, a loop of
/// `arg0 & 0xffff` iterations.
const EXTRA_OPS: u64 = 3;
/// Number of step kinds.
pub const OPS: u64 = API.len() as u64 + EXTRA_OPS;
/// Bytes of the program header: A (0..20), B (20..40), `run` (40..43), `nope` (44..48),
/// the last host result (48..64).
pub const HEADER: usize = 64;
/// Bytes of one step: the op and six arguments, 8 bytes each, little-endian.
pub const STEP: usize = 56;
/// Most steps in one program.
pub const MAX_STEPS: usize = 16;
/// Most top-level calls per input.
pub const MAX_CALLS: usize = 6;

/// The interpreter contract's text.
pub fn contract_wat() -> String {
    let mut imports = String::new();
    let mut arms = String::new();
    for (op, (name, params, result)) in API.iter().enumerate() {
        let ty_result = if result.is_empty() { String::new() } else { format!("(result {result})") };
        imports.push_str(&format!("  (import \"gasket_v1\" \"{name}\" (func ${name} (param {params}) {ty_result}))\n"));
        let args: String = params
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| format!(" ({t}.load offset={} (local.get $r))", 8 + 8 * i))
            .collect();
        let call = format!("(call ${name}{args})");
        let body = match *result {
            "i32" => format!("(i32.store (i32.const 48) {call})"),
            // `block_height`, `block_time` and `gas_left` are documented as non-negative: a
            // negative one divides by zero, a trap nothing else in this contract can cause.
            "i64" => format!(
                "(i64.store (i32.const 56) {call}) \
                 (if (i64.lt_s (i64.load (i32.const 56)) (i64.const 0)) \
                   (then (drop (i32.div_u (i32.const 1) (i32.const 0)))))"
            ),
            _ => call,
        };
        arms.push_str(&format!("    (if (i32.eq (local.get $op) (i32.const {op})) (then {body}))\n"));
    }
    let n = API.len();
    format!(
        r#"(module
{imports}  (memory (export "memory") 1)
  (func $step (param $r i32) (local $op i32) (local $k i32)
    (local.set $op (i32.wrap_i64 (i64.rem_u (i64.load (local.get $r)) (i64.const {OPS}))))
{arms}    (if (i32.eq (local.get $op) (i32.const {n})) (then unreachable))
    (if (i32.eq (local.get $op) (i32.const {grow}))
      (then (i32.store (i32.const 48) (memory.grow (i32.load offset=8 (local.get $r))))))
    (if (i32.eq (local.get $op) (i32.const {burn}))
      (then
        (local.set $k (i32.and (i32.load offset=8 (local.get $r)) (i32.const 0xffff)))
        (block $done
          (loop $again
            (br_if $done (i32.eqz (local.get $k)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $again))))))
  (func (export "run") (local $n i32) (local $r i32)
    (local.set $n (call $input_size))
    (if (i32.gt_u (local.get $n) (i32.const 65536)) (then (local.set $n (i32.const 65536))))
    (call $input_copy (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $r (i32.const {HEADER}))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $r) (i32.const {STEP})) (local.get $n)))
        (call $step (local.get $r))
        (local.set $r (i32.add (local.get $r) (i32.const {STEP})))
        (br $next)))))
"#,
        grow = n + 1,
        burn = n + 2,
    )
}

/// The interpreter contract, compiled once.
pub fn contract_wasm() -> &'static [u8] {
    static W: OnceLock<Vec<u8>> = OnceLock::new();
    W.get_or_init(|| wat::parse_str(contract_wat()).expect("the interpreter contract is valid text"))
}

const DEPLOYER: Address = Address([0xd0; 20]);
const NOBODY: Address = Address([0xee; 20]);

/// A value biased to the edges that matter for pointers, lengths and counts.
fn edge(u: &mut Unstructured<'_>) -> u64 {
    let class: u8 = u.int_in_range(0..=11).unwrap_or(0);
    let small = |u: &mut Unstructured<'_>, n: u64| u.int_in_range(0..=n).unwrap_or(0);
    match class {
        0 => small(u, 64),
        1 => [0u64, 20, 40, 44, 48, 56, 64][small(u, 6) as usize],
        2 | 9 | 10 => 1024 + small(u, 3072),
        3 | 11 => small(u, 300),
        4 => 65536 - small(u, 64),
        5 => u.arbitrary::<u32>().unwrap_or(0) as u64,
        6 => u32::MAX as u64 - small(u, 16),
        7 => (-(small(u, 1000) as i64)) as u64,
        _ => u.arbitrary().unwrap_or(0),
    }
}

/// One top-level call of the plan.
#[derive(Debug, Clone)]
struct PlannedCall {
    target: usize,
    function: &'static str,
    input: Vec<u8>,
    gas: u64,
    caller: Address,
    block: BlockContext,
}

/// The targets: A, B, and an address with no contract.
fn addresses(rt_a: Address, rt_b: Address) -> [Address; 3] {
    [rt_a, rt_b, NOBODY]
}

fn plan(u: &mut Unstructured<'_>, a: Address, b: Address) -> Vec<PlannedCall> {
    let calls = u.int_in_range(1..=MAX_CALLS).unwrap_or(1);
    let mut plan = Vec::with_capacity(calls);
    for _ in 0..calls {
        let target = match u.int_in_range(0..=19u8).unwrap_or(0) {
            0..=11 => 0,
            12..=18 => 1,
            _ => 2,
        };
        let function = match u.int_in_range(0..=19u8).unwrap_or(0) {
            0 => "nope",
            1 => "memory",
            _ => "run",
        };
        let gas = match u.int_in_range(0..=3u8).unwrap_or(0) {
            // Around the instantiation cost (1,000 + 4,096 for the one page).
            0 => u.int_in_range(4_000..=6_000).unwrap_or(0),
            1 => u.int_in_range(6_000..=100_000).unwrap_or(0),
            2 => u.int_in_range(100_000..=2_000_000).unwrap_or(0),
            _ if u.ratio(1, 8).unwrap_or(false) => u64::MAX,
            _ => 10_000_000,
        };
        let caller = Address([u.int_in_range(0..=3u8).unwrap_or(0); 20]);
        let block = BlockContext {
            height: u.int_in_range(0..=i64::MAX as u64).unwrap_or(0),
            time: u.int_in_range(0..=i64::MAX as u64).unwrap_or(0),
            ..BlockContext::default()
        };
        let mut input = Vec::with_capacity(HEADER + MAX_STEPS * STEP);
        input.extend_from_slice(&a.0);
        input.extend_from_slice(&b.0);
        input.extend_from_slice(b"run\0nope");
        input.resize(HEADER, 0);
        let steps = u.int_in_range(0..=MAX_STEPS).unwrap_or(0);
        for _ in 0..steps {
            let op: u64 = if u.ratio(1, 16).unwrap_or(false) {
                u.arbitrary().unwrap_or(0)
            } else {
                u.int_in_range(0..=OPS - 1).unwrap_or(0)
            };
            input.extend_from_slice(&op.to_le_bytes());
            for _ in 0..6 {
                input.extend_from_slice(&edge(u).to_le_bytes());
            }
        }
        // Sometimes a torn last step, which the contract must ignore.
        if u.ratio(1, 8).unwrap_or(false) {
            let n = u.int_in_range(1..=STEP - 1).unwrap_or(1);
            input.extend((0..n).map(|i| i as u8));
        }
        plan.push(PlannedCall { target, function, input, gas, caller, block });
    }
    plan
}

/// What (d) saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostReport {
    pub calls: usize,
    pub success: usize,
    pub reverted: usize,
    pub out_of_gas: usize,
    pub trapped: usize,
    pub failed: usize,
    /// Host-function steps in the programs (each ran unless an earlier step ended the call).
    pub steps: usize,
}

type Storage = Vec<(Vec<u8>, Vec<u8>)>;

/// One run of the plan on a fresh runtime: the receipts and the final storage of A and B.
fn run_once(plan_bytes: &[u8]) -> Result<(Vec<CallReceipt>, [Storage; 2], HostReport), Finding> {
    let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default())
        .map_err(|e| Finding::new("runtime", format!("Runtime::new: {e}")))?;
    let deploy = |salt: &[u8]| {
        rt.deploy(contract_wasm(), DEPLOYER, salt)
            .map(|r| r.address)
            .map_err(|e| Finding::new("runtime", format!("deploying the interpreter contract: {e}")))
    };
    let a = deploy(b"a")?;
    let b = deploy(b"b")?;
    let targets = addresses(a, b);
    let mut u = Unstructured::new(plan_bytes);
    let plan = plan(&mut u, a, b);
    let storage =
        |addr: &Address| rt.storage(addr).map_err(|e| Finding::new("runtime", format!("Runtime::storage: {e}")));
    let mut report = HostReport::default();
    let mut receipts = Vec::with_capacity(plan.len());
    for (i, c) in plan.iter().enumerate() {
        let to = targets[c.target];
        let before = [storage(&a)?, storage(&b)?];
        let r = guard("Runtime::call", || rt.call(c.caller, to, c.function, &c.input, c.gas, c.block))?;
        let at = format!("call {i} ({} to {}, gas {})", c.function, ["A", "B", "nobody"][c.target], c.gas);
        let r = r.map_err(|e| Finding::new("runtime-error", format!("{at}: Err({e})")))?;
        report.calls += 1;
        report.steps += c.input.len().saturating_sub(HEADER) / STEP;
        let bad = |what: String| Err(Finding::new("receipt", format!("{at}: {what}; receipt {r:?}")));
        if r.gas_used > c.gas {
            return bad(format!("gas_used {} > gas limit {}", r.gas_used, c.gas));
        }
        match &r.status {
            Status::Success => report.success += 1,
            Status::Reverted => report.reverted += 1,
            Status::OutOfGas => {
                report.out_of_gas += 1;
                if r.gas_used != c.gas {
                    return bad("out of gas but not all gas used".into());
                }
            }
            Status::Trapped(why) => {
                report.trapped += 1;
                if why.contains("integer divide by zero") {
                    return Err(Finding::new(
                        "negative-i64",
                        format!(
                            "{at}: a contract saw a negative `block_height`, `block_time` or `gas_left`, documented as \
                             non-negative (docs/runtime.md); receipt {r:?}"
                        ),
                    ));
                }
            }
            Status::Failed(why) => {
                report.failed += 1;
                if c.target != 2 && c.function == "run" {
                    return bad(format!("Failed ({why}) although the contract and entry point exist"));
                }
            }
        }
        if r.status != Status::Success {
            if !r.events.is_empty() {
                return bad("events from a call that did not commit".into());
            }
            if r.status != Status::Reverted && !r.return_data.is_empty() {
                return bad("return data from a call that neither succeeded nor reverted".into());
            }
            let after = [storage(&a)?, storage(&b)?];
            if after != before {
                return bad(format!("storage changed by a call with status {:?}", r.status));
            }
        } else {
            for e in &r.events {
                if e.contract != a && e.contract != b {
                    return bad(format!("event from {:?}, not a deployed contract", e.contract));
                }
                if e.topics.len() > gasket_runtime::MAX_TOPICS || e.data.len() > gasket_runtime::MAX_EVENT_DATA {
                    return bad("event over the limits".into());
                }
            }
        }
        if r.return_data.len() > gasket_runtime::MAX_DATA {
            return bad("return data over MAX_DATA".into());
        }
        receipts.push(r);
    }
    Ok((receipts, [storage(&a)?, storage(&b)?], report))
}

/// Target (d).
pub fn runtime_host_api(data: &[u8]) -> Result<HostReport, Finding> {
    let (receipts, storage, report) = run_once(data)?;
    let (receipts2, storage2, _) = run_once(data)?;
    if receipts != receipts2 || storage != storage2 {
        let i = receipts.iter().zip(&receipts2).position(|(a, b)| a != b);
        return Err(Finding::new(
            "nondeterminism",
            format!("the same plan on a fresh runtime gave different results (first differing receipt: {i:?})"),
        ));
    }
    Ok(report)
}
