//! Runs a [`TestCase`]: prepares each execution script once (checking its imports against
//! the host functions and its `main` and `memory` exports), then runs every shard block in a
//! fresh store and instance of its EE, metered, and compares the final roots and deposits.
//!
//! Guarantees: blocks run in file order, each with its EE's current root as pre-state; the
//! root an EE saves becomes its new root, and an EE that saves none keeps its root (Scout
//! resets it to zero; see docs/scout.md); a trapping block changes nothing and stops the run
//! (as in Scout), reported as a [`Failure`]; gas used and ticks are reported per block; nothing
//! the guest does panics the host.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use gasket::{Config, Engine, Error, ExternType, FuncType, GasSchedule, Linker, Module, Store};

use crate::error::{Failure, ScoutError};
use crate::host::{self, BlockHost};
use crate::report::{self, BlockReport, DepositCheck, RunReport};
use crate::spec::{Block, Script, TestCase};
use crate::types::Root;

/// Gas each block may use by default, under gasket's default schedule (docs/gas.md). Scout
/// has no gas; its only bound is 10 million `useTicks` ticks. One billion gas is one to two
/// orders of magnitude above what real EEs of that era used per block (Merkle-proof
/// verification with Keccak in Wasm: tens of millions of operators), yet stops a runaway
/// loop within seconds on this project's 2-vCPU machine (measured: docs/scout.md).
pub const DEFAULT_BLOCK_GAS_LIMIT: u64 = 1_000_000_000;

/// Ticks each block may declare with `useTicks` by default: Scout's fixed budget.
pub const DEFAULT_TICKS_LIMIT: u64 = 10_000_000;

/// How to run a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Gas per block (instantiation and `main`).
    pub gas_limit: u64,
    /// Ticks per block.
    pub ticks_limit: u64,
    pub deposit_check: DepositCheck,
    /// The execution tier.
    pub tier: gasket::Tier,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            ticks_limit: DEFAULT_TICKS_LIMIT,
            deposit_check: DepositCheck::default(),
            tier: gasket::Tier::default(),
        }
    }
}

/// The prepared execution environments of one test, ready to run blocks.
pub struct Runner {
    engine: Engine,
    linker: Linker<BlockHost>,
    modules: Vec<Module>,
    options: Options,
}

/// Prepares one script and checks that it can run as an EE.
fn prepare(engine: &Engine, linker: &Linker<BlockHost>, ee: usize, script: &Script) -> Result<Module, ScoutError> {
    let module = Module::new(engine, &script.bytes).map_err(|source| ScoutError::Module {
        ee,
        path: script.path.clone(),
        source,
    })?;
    for (m, n, ty) in module.imports() {
        let reason = match (ty, linker.host_func_type(m, n)) {
            (ExternType::Func(want), Some(have)) if want == have => continue,
            (ExternType::Func(want), Some(have)) => format!("its type {want} differs from the host's {have}"),
            (ExternType::Func(_), None) => "no such host function".to_string(),
            (other, _) => format!("only host functions can be imported, not {other}"),
        };
        return Err(ScoutError::Import { ee, module: m.to_string(), name: n.to_string(), reason });
    }
    let export = |name: &str| module.exports().find(|(n, _)| *n == name).map(|(_, ty)| ty);
    match export("main") {
        Some(ExternType::Func(ty)) if ty == FuncType::new([], []) => {}
        Some(_) => {
            return Err(ScoutError::Export {
                ee,
                problem: "exports `main`, but not as a function without parameters or results",
            })
        }
        None => return Err(ScoutError::Export { ee, problem: "exports no function `main`" }),
    }
    if !matches!(export("memory"), Some(ExternType::Memory(_))) {
        return Err(ScoutError::Export { ee, problem: "exports no memory named `memory`" });
    }
    Ok(module)
}

impl Runner {
    /// Prepares every script.
    pub fn new(scripts: &[Script], options: Options) -> Result<Self, ScoutError> {
        let engine =
            Engine::new(&Config { metering: Some(GasSchedule::default()), tier: options.tier, ..Config::default() });
        let mut linker = Linker::new(&engine);
        host::define(&mut linker).map_err(ScoutError::Setup)?;
        let modules = scripts
            .iter()
            .enumerate()
            .map(|(ee, s)| prepare(&engine, &linker, ee, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { engine, linker, modules, options })
    }

    /// Runs block number `index` with `pre_root` as its EE's root. Returns its report (with
    /// `trap` set if it trapped) and the host state it left (deposits, debug output).
    pub fn run_block(
        &self,
        index: usize,
        block: &Block,
        pre_root: Root,
    ) -> Result<(BlockReport, BlockHost), ScoutError> {
        let engine_error = |source: Error| ScoutError::Engine { block: index, source };
        let module = self.modules.get(block.env).ok_or(ScoutError::BlockEnv {
            block: index,
            env: block.env as u64,
            scripts: self.modules.len(),
        })?;
        let host = BlockHost::new(pre_root, block.data.clone(), self.options.ticks_limit);
        let mut store = Store::new(&self.engine, host);
        store.set_gas(self.options.gas_limit);
        let started = Instant::now();
        let outcome = self.linker.instantiate(&mut store, module).and_then(|instance| {
            // `prepare` checked the export; a missing one here would be an engine error.
            let main = instance.get_typed_func::<(), ()>(&store, "main")?;
            main.call(&mut store, ())
        });
        let wall = started.elapsed();
        let gas_used = self.options.gas_limit.saturating_sub(store.gas_left().unwrap_or(self.options.gas_limit));
        let trap = match outcome {
            Ok(()) => None,
            Err(Error::Trap(trap)) => Some(trap),
            Err(e) => return Err(engine_error(e)),
        };
        let host = store.into_data();
        let post_root = match (&trap, host.post_root) {
            (None, Some(saved)) => saved,
            _ => pre_root,
        };
        let report = BlockReport {
            block: index,
            env: block.env,
            gas_used,
            ticks: host.ticks,
            deposits: if trap.is_none() { host.deposits.len() } else { 0 },
            pre_root,
            post_root,
            saved_root: host.post_root.is_some(),
            wall,
            trap,
        };
        Ok((report, host))
    }
}

/// Runs `test`: every block in order, then the comparison with the expected post-state and
/// deposits. Each block's debug output goes to `debug` after the block, each line prefixed
/// with `[block N env E] `; `on_block` sees each block's report as soon as it is made.
pub fn run_with(
    test: &TestCase,
    options: &Options,
    debug: &mut dyn Write,
    on_block: &mut dyn FnMut(&BlockReport),
) -> Result<RunReport, ScoutError> {
    let runner = Runner::new(&test.scripts, options.clone())?;
    let mut roots = test.pre_state.clone();
    let mut report = RunReport { blocks: Vec::new(), roots: Vec::new(), deposits: Vec::new(), failures: Vec::new() };
    for (index, block) in test.blocks.iter().enumerate() {
        let pre_root = roots.get(block.env).copied().unwrap_or_default();
        let (block_report, host) = runner.run_block(index, block, pre_root)?;
        host.debug.write_to(&format!("[block {index} env {}] ", block.env), debug);
        on_block(&block_report);
        let trap = block_report.trap.clone();
        if let Some(root) = roots.get_mut(block.env) {
            *root = block_report.post_root;
        }
        report.blocks.push(block_report);
        if let Some(trap) = trap {
            report.failures.push(Failure::Trap { block: index, env: block.env, trap });
            report.roots = roots;
            return Ok(report);
        }
        report.deposits.extend(host.deposits);
    }
    report.failures.extend(report::compare_roots(&test.post_state, &roots));
    if let Some(expected) = &test.deposits {
        report.failures.extend(report::compare_deposits(expected, &report.deposits, options.deposit_check));
    }
    report.roots = roots;
    Ok(report)
}

/// [`run_with`] without a per-block callback.
pub fn run(test: &TestCase, options: &Options, debug: &mut dyn Write) -> Result<RunReport, ScoutError> {
    run_with(test, options, debug, &mut |_| {})
}

/// Loads the YAML test at `path` and runs it.
pub fn run_file(path: &Path, options: &Options, debug: &mut dyn Write) -> Result<RunReport, ScoutError> {
    run(&TestCase::load(path)?, options, debug)
}
