//! Target (d): random call sequences against the contract runtime's host APIs, `gasket_v1`
//! and `ethereum` (the EEI); every input is run against both.
//!
//! Each input deploys the same interpreter contract twice (A and B, over a fresh
//! `MemStore`) and makes a few top-level calls, each chosen from the data: target (A, B or
//! an address with no contract), entry point (`run`/`main`, or a name that is not one), gas
//! limit, caller, block, value (EEI), and a *program* passed as input. The entry point copies
//! its input to memory and executes the program's steps: each step calls one host function
//! (or traps, grows memory, burns gas) with pointers, lengths and values from the data, biased
//! to edges (0, the header, a scratch area, the end of the page, `u32::MAX`, negatives). The
//! header holds A's and B's addresses and the names `run` and `nope`, so that nested calls
//! often reach a real contract and entry point. For the EEI, A, B and the callers start with
//! a balance, so value moves.
//!
//! Properties, per call: the runtime returns a receipt (never `Err`: no input is over
//! `MAX_DATA`, and `MemStore` cannot fail); `gas_used <= gas_limit`, and `OutOfGas` uses all
//! of it (for the EEI, a trap too); a call that does not succeed changes no storage (checked
//! with `Runtime::storage` on A and B) and no balance (A, B, the caller, the empty address),
//! and reports no events and, unless it reverted, no return data; `Failed` only for a missing
//! contract (never deployed, or self-destructed) or entry point, or a value over the caller's
//! balance; a successful call's events come from A or B and
//! respect the limits; `block_height`, `block_time` and `gas_left` are never negative (the
//! contract checks them; block values come from the embedder and stay below 2^63 here, gas
//! limits are sometimes `u64::MAX`). The whole sequence is run twice, on two fresh runtimes, and must give
//! identical receipts and storage (determinism).

use std::sync::{Arc, OnceLock};

use arbitrary::Unstructured;
use gasket_runtime::{
    Address, BlockContext, CallReceipt, MemStore, Runtime, RuntimeConfig, Status, EEI_API, GASKET_V1_API,
};

use crate::{guard, Finding};

/// A host namespace under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    GasketV1,
    Ethereum,
}

impl Namespace {
    pub const ALL: [Namespace; 2] = [Namespace::GasketV1, Namespace::Ethereum];

    /// The whole API: (name, params, result), as the runtime exports it.
    pub fn api(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Namespace::GasketV1 => GASKET_V1_API,
            Namespace::Ethereum => EEI_API,
        }
    }

    fn module(self) -> &'static str {
        match self {
            Namespace::GasketV1 => "gasket_v1",
            Namespace::Ethereum => "ethereum",
        }
    }

    /// The interpreter's entry point.
    pub fn entry(self) -> &'static str {
        match self {
            Namespace::GasketV1 => "run",
            Namespace::Ethereum => "main",
        }
    }

    /// The functions that give the input's size and copy it.
    fn input(self) -> (&'static str, &'static str) {
        match self {
            Namespace::GasketV1 => ("input_size", "input_copy"),
            Namespace::Ethereum => ("getCallDataSize", "callDataCopy"),
        }
    }

    /// Number of step kinds.
    pub fn ops(self) -> u64 {
        self.api().len() as u64 + EXTRA_OPS
    }
}

/// Steps beyond the host functions: `unreachable`, `memory.grow(arg0)`, a loop of
/// `arg0 & 0xffff` iterations.
const EXTRA_OPS: u64 = 3;
/// Step ops are drawn from `0..OP_RANGE` and reduced modulo the namespace's op count.
const OP_RANGE: u64 = 1 << 10;
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
pub fn contract_wat(ns: Namespace) -> String {
    let mut imports = String::new();
    let mut arms = String::new();
    let (module, api, entry) = (ns.module(), ns.api(), ns.entry());
    let (input_size, input_copy) = ns.input();
    let ops = ns.ops();
    for (op, (name, params, result)) in api.iter().enumerate() {
        let ty_result = if result.is_empty() { String::new() } else { format!("(result {result})") };
        imports.push_str(&format!("  (import \"{module}\" \"{name}\" (func ${name} (param {params}) {ty_result}))\n"));
        let args: String = params
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| format!(" ({t}.load offset={} (local.get $r))", 8 + 8 * i))
            .collect();
        let call = format!("(call ${name}{args})");
        let body = match *result {
            "i32" => format!("(i32.store (i32.const 48) {call})"),
            // Every i64 result (`block_height`, `block_time`, `gas_left`; `getGasLeft`,
            // `getBlockNumber`, ...) is documented as non-negative: a negative one divides by
            // zero, a trap nothing else in this contract can cause.
            "i64" => format!(
                "(i64.store (i32.const 56) {call}) \
                 (if (i64.lt_s (i64.load (i32.const 56)) (i64.const 0)) \
                   (then (drop (i32.div_u (i32.const 1) (i32.const 0)))))"
            ),
            _ => call,
        };
        arms.push_str(&format!("    (if (i32.eq (local.get $op) (i32.const {op})) (then {body}))\n"));
    }
    let n = api.len();
    format!(
        r#"(module
{imports}  (memory (export "memory") 1)
  (func $step (param $r i32) (local $op i32) (local $k i32)
    (local.set $op (i32.wrap_i64 (i64.rem_u (i64.load (local.get $r)) (i64.const {ops}))))
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
  (func (export "{entry}") (local $n i32) (local $r i32)
    (local.set $n (call ${input_size}))
    (if (i32.gt_u (local.get $n) (i32.const 65536)) (then (local.set $n (i32.const 65536))))
    (call ${input_copy} (i32.const 0) (i32.const 0) (local.get $n))
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

/// The interpreter contract, compiled once per namespace.
pub fn contract_wasm(ns: Namespace) -> &'static [u8] {
    static W: [OnceLock<Vec<u8>>; 2] = [OnceLock::new(), OnceLock::new()];
    W[ns as usize].get_or_init(|| wat::parse_str(contract_wat(ns)).expect("the interpreter contract is valid text"))
}

/// What A, B and each caller start with under the EEI.
const START_BALANCE: u128 = 1_000_000;

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
    /// Moved to the target with the call (EEI only: `gasket_v1` contracts see no value).
    value: u128,
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
            _ => "run", // the namespace's entry point
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
                u.int_in_range(0..=OP_RANGE - 1).unwrap_or(0)
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
        let value = match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => u.int_in_range(1..=START_BALANCE * 2).unwrap_or(0),
            _ => 0,
        };
        plan.push(PlannedCall { target, function, input, gas, caller, block, value });
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

impl HostReport {
    fn add(&mut self, o: &HostReport) {
        self.calls += o.calls;
        self.success += o.success;
        self.reverted += o.reverted;
        self.out_of_gas += o.out_of_gas;
        self.trapped += o.trapped;
        self.failed += o.failed;
        self.steps += o.steps;
    }
}

type Storage = Vec<(Vec<u8>, Vec<u8>)>;

type Balances = Vec<u128>;

/// One run of the plan on a fresh runtime: the receipts and the final storage of A and B.
fn run_once(plan_bytes: &[u8], ns: Namespace) -> Result<(Vec<CallReceipt>, [Storage; 2], HostReport), Finding> {
    let rt = Runtime::new(Arc::new(MemStore::new()), RuntimeConfig::default())
        .map_err(|e| Finding::new("runtime", format!("Runtime::new: {e}")))?;
    let deploy = |salt: &[u8]| {
        rt.deploy(contract_wasm(ns), DEPLOYER, salt)
            .map(|r| r.address)
            .map_err(|e| Finding::new("runtime", format!("deploying the interpreter contract: {e}")))
    };
    let a = deploy(b"a")?;
    let b = deploy(b"b")?;
    let targets = addresses(a, b);
    let callers: Vec<Address> = (0..=3u8).map(|c| Address([c; 20])).collect();
    let eei = ns == Namespace::Ethereum;
    if eei {
        for who in callers.iter().chain([&a, &b]) {
            rt.credit(who, START_BALANCE).map_err(|e| Finding::new("runtime", format!("Runtime::credit: {e}")))?;
        }
    }
    let mut u = Unstructured::new(plan_bytes);
    let plan = plan(&mut u, a, b);
    let storage =
        |addr: &Address| rt.storage(addr).map_err(|e| Finding::new("runtime", format!("Runtime::storage: {e}")));
    let balances = |caller: &Address| -> Result<Balances, Finding> {
        [a, b, *caller, NOBODY]
            .iter()
            .map(|x| rt.balance(x).map_err(|e| Finding::new("runtime", format!("Runtime::balance: {e}"))))
            .collect()
    };
    let mut report = HostReport::default();
    let mut receipts = Vec::with_capacity(plan.len());
    for (i, c) in plan.iter().enumerate() {
        let to = targets[c.target];
        let function = if c.function == "run" { ns.entry() } else { c.function };
        let value = if eei { c.value } else { 0 };
        let before = [storage(&a)?, storage(&b)?];
        let balances_before = balances(&c.caller)?;
        let exists = rt.exists(&to).map_err(|e| Finding::new("runtime", format!("Runtime::exists: {e}")))?;
        let r = guard("Runtime::call", || rt.call_value(c.caller, to, function, &c.input, value, c.gas, c.block))?;
        let at =
            format!("{ns:?} call {i} ({function} to {}, gas {}, value {value})", ["A", "B", "nobody"][c.target], c.gas);
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
                if eei && r.gas_used != c.gas {
                    return bad("an ewasm contract trapped but not all gas used".into());
                }
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
                if exists && function == ns.entry() && value <= balances_before[2] {
                    return bad(format!("Failed ({why}) although the contract, entry point and balance are there"));
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
            if balances(&c.caller)? != balances_before {
                return bad(format!("a balance changed by a call with status {:?}", r.status));
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

/// Target (d): the plan against each namespace, each twice.
pub fn runtime_host_api(data: &[u8]) -> Result<HostReport, Finding> {
    let mut total = HostReport::default();
    for ns in Namespace::ALL {
        let (receipts, storage, report) = run_once(data, ns)?;
        let (receipts2, storage2, _) = run_once(data, ns)?;
        if receipts != receipts2 || storage != storage2 {
            let i = receipts.iter().zip(&receipts2).position(|(a, b)| a != b);
            return Err(Finding::new(
                "nondeterminism",
                format!(
                    "{ns:?}: the same plan on a fresh runtime gave different results (first differing receipt: {i:?})"
                ),
            ));
        }
        total.add(&report);
    }
    Ok(total)
}
