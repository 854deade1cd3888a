//! Static worst-case bounds (docs/bounds.md): for an exported function of a prepared module, an
//! upper bound on the gas one call can use under the engine's schedule, on the Wasm frames it
//! can have active at once, and on the value-stack cells it can occupy; or `Unbounded` with the
//! reason and the byte offset of the cause.
//!
//! The analysis reads the gas-annotated IR, so a gas bound is a bound on exactly what the
//! engine charges: every `Charge`, every branch's run cost, every dynamic charge (bounded only
//! when its length operand is a constant) and every callee's bound. It is linear in the IR (and
//! `n log n` in the worst case, for exits out of nested loops), iterative (no recursion on the
//! host stack), and every sum and product is checked: an overflow is `Unbounded`.
//! Functions are processed in call-graph post-order and memoized, so a module is analysed once.

mod func;
mod tables;
mod trip;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::module::{ExternKind, ModuleInner};
use crate::{Error, GasSchedule, Module};

/// Why a quantity has no static bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A loop that is not a counted loop of the shapes the analysis proves (docs/bounds.md §2).
    LoopTripCount,
    /// The function can reach itself through calls.
    Recursion,
    /// A `call_indirect` through a table that can change (imported, exported, written by
    /// code) or whose elements are not known functions.
    MutableTable,
    /// `memory.grow`, a bulk memory operation or a table operation whose length (or delta)
    /// is not a constant.
    DynamicLength,
    /// A call to a host function whose cost the embedder did not declare.
    HostCall,
    /// The bound does not fit 64 bits.
    Overflow,
    /// A branch into the middle of a loop (not produced from valid Wasm; refused for safety).
    Unstructured,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LoopTripCount => "loop trip count not proven",
            Self::Recursion => "recursion",
            Self::MutableTable => "call_indirect through a table that can change",
            Self::DynamicLength => "dynamic length not a constant",
            Self::HostCall => "host call without declared cost",
            Self::Overflow => "bound overflows u64",
            Self::Unstructured => "branch into a loop",
        })
    }
}

/// A static upper bound, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    AtMost(u64),
    /// No bound: `offset` is the byte offset in the binary of the body of the function that
    /// holds the cause (0 for a module loaded from an artifact, which keeps no offsets).
    Unbounded {
        reason: Reason,
        offset: u64,
    },
}

impl Bound {
    /// The bound, if there is one.
    pub fn at_most(self) -> Option<u64> {
        match self {
            Self::AtMost(n) => Some(n),
            Self::Unbounded { .. } => None,
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AtMost(n) => write!(f, "<={n}"),
            Self::Unbounded { reason, offset } => write!(f, "unbounded: {reason} at {offset:#x}"),
        }
    }
}

/// The bounds of one call of a function from the embedder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncBounds {
    /// Gas used by the call (docs/gas.md §5), entry run included.
    pub gas: Bound,
    /// Wasm frames active at once, the function's own included (`Config::max_call_depth`
    /// at least this never traps with `call stack exhausted`).
    pub call_depth: Bound,
    /// Value-stack cells (docs/gas.md §6; `Config::max_value_stack` at least this never
    /// traps with `value stack exhausted`).
    pub stack_slots: Bound,
}

/// What the embedder declares to the analysis.
#[derive(Debug, Clone, Default)]
pub struct BoundsConfig {
    /// For host functions, by (import module, import name): the most gas the host charges
    /// with `Caller::consume_gas` per call. A declared host function is assumed not to call
    /// back into Wasm. Host functions not listed make their callers `Unbounded`.
    pub host_costs: BTreeMap<(String, String), u64>,
}

/// The cause of an unbounded quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cause {
    pub reason: Reason,
    pub offset: u64,
}

type Res = Result<u64, Cause>;

/// The three results of one call-graph node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Triple {
    gas: Res,
    depth: Res,
    stack: Res,
}

impl Triple {
    fn all(cause: Cause) -> Self {
        Triple { gas: Err(cause), depth: Err(cause), stack: Err(cause) }
    }
    fn public(self) -> FuncBounds {
        let b = |r: Res| match r {
            Ok(n) => Bound::AtMost(n),
            Err(c) => Bound::Unbounded { reason: c.reason, offset: c.offset },
        };
        FuncBounds { gas: b(self.gas), call_depth: b(self.depth), stack_slots: b(self.stack) }
    }
}

/// An offset standing for "the call site": replaced by the caller's body offset.
const AT_CALLER: u64 = u64::MAX;

/// A call-graph node: a function (index space) or a `call_indirect` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Func(u32),
    /// Table and canonical type id.
    Indirect(u32, u32),
}

#[derive(Debug, Clone, Copy)]
enum State {
    InProgress,
    Done(Triple),
}

/// The analysis of one module: memoized per node.
pub(crate) struct Analyzer<'a> {
    m: &'a ModuleInner,
    schedule: &'a GasSchedule,
    config: &'a BoundsConfig,
    state: HashMap<Node, State>,
    tables: tables::Tables,
}

impl<'a> Analyzer<'a> {
    fn new(m: &'a ModuleInner, schedule: &'a GasSchedule, config: &'a BoundsConfig) -> Self {
        Analyzer { m, schedule, config, state: HashMap::new(), tables: tables::Tables::new(m) }
    }

    fn body_offset(&self, func: u32) -> u64 {
        let def = func.wrapping_sub(self.m.num_imported_funcs) as usize;
        self.m.body_offsets.get(def).map_or(0, |&o| o as u64)
    }

    /// The node a call instruction at `i` calls.
    pub(crate) fn callee_node(&self, i: usize) -> Node {
        let instr = self.m.code[i];
        if instr.op == crate::ir::Op::Call {
            Node::Func(instr.a)
        } else {
            let table = self.m.code[i + 1].a;
            let canon = self.tables.canon(instr.a);
            Node::Indirect(table, canon)
        }
    }

    /// The callees of a node, in order.
    fn callees(&self, node: Node) -> Vec<Node> {
        match node {
            Node::Func(f) if f >= self.m.num_imported_funcs => {
                let (lo, hi) = func::body_range(self.m, (f - self.m.num_imported_funcs) as usize);
                let mut out = Vec::new();
                let mut i = lo;
                while i < hi {
                    let op = self.m.code[i].op;
                    if op.is(crate::ir::flag::CALL) {
                        out.push(self.callee_node(i));
                    }
                    i += 1 + op.info().ext.is_some() as usize;
                }
                out.sort_unstable_by_key(|n| match n {
                    Node::Func(f) => (0, *f, 0),
                    Node::Indirect(t, c) => (1, *t, *c),
                });
                out.dedup();
                out
            }
            Node::Func(_) => Vec::new(),
            Node::Indirect(table, canon) => match self.tables.candidates(table, canon) {
                Ok(c) => c.into_iter().map(Node::Func).collect(),
                Err(_) => Vec::new(),
            },
        }
    }

    /// The result of a node whose callees are all done (or in progress: recursion).
    fn evaluate(&self, node: Node) -> Triple {
        match node {
            Node::Func(f) if f < self.m.num_imported_funcs => self.host(f),
            Node::Func(f) => {
                let def = (f - self.m.num_imported_funcs) as usize;
                let offset = self.body_offset(f);
                let gas = func::function_gas(self, def, offset);
                let (depth, stack) = func::depth_and_stack(self, def, offset);
                Triple { gas, depth, stack }
            }
            Node::Indirect(table, canon) => {
                let candidates = match self.tables.candidates(table, canon) {
                    Ok(c) => c,
                    Err(reason) => return Triple::all(Cause { reason, offset: AT_CALLER }),
                };
                let mut out = Triple { gas: Ok(0), depth: Ok(0), stack: Ok(0) };
                for f in candidates {
                    let t = self.result(Node::Func(f), AT_CALLER);
                    out.gas = max_res(out.gas, t.gas);
                    out.depth = max_res(out.depth, t.depth);
                    out.stack = max_res(out.stack, t.stack);
                }
                out
            }
        }
    }

    fn host(&self, f: u32) -> Triple {
        let import = self.m.imports.iter().find(|i| i.kind == ExternKind::Func && i.index == f);
        let cost = import.and_then(|i| {
            self.config.host_costs.get(&(self.m.name(i.module).to_string(), self.m.name(i.name).to_string()))
        });
        match cost {
            Some(&gas) => {
                let ty = self.m.func_type(f);
                let cells = ty.params().len().max(ty.results().len()) as u64;
                Triple { gas: Ok(gas), depth: Ok(0), stack: Ok(cells) }
            }
            None => Triple::all(Cause { reason: Reason::HostCall, offset: AT_CALLER }),
        }
    }

    /// A callee's result as seen from a call site in a function whose body is at `offset`.
    pub(crate) fn result(&self, node: Node, offset: u64) -> Triple {
        let fix = |r: Res| r.map_err(|c| if c.offset == AT_CALLER { Cause { offset, ..c } } else { c });
        match self.state.get(&node) {
            Some(State::Done(t)) => Triple { gas: fix(t.gas), depth: fix(t.depth), stack: fix(t.stack) },
            // On the stack of the walk: a cycle.
            _ => Triple::all(Cause { reason: Reason::Recursion, offset }),
        }
    }

    /// Analyses `root` and everything it reaches, in post-order, without recursion.
    fn run(&mut self, root: Node) -> Triple {
        let mut stack: Vec<(Node, Vec<Node>, usize)> = Vec::new();
        if !self.state.contains_key(&root) {
            let callees = self.callees(root);
            self.state.insert(root, State::InProgress);
            stack.push((root, callees, 0));
        }
        while let Some(top) = stack.last_mut() {
            if let Some(&next) = top.1.get(top.2) {
                top.2 += 1;
                if !self.state.contains_key(&next) {
                    let callees = self.callees(next);
                    self.state.insert(next, State::InProgress);
                    stack.push((next, callees, 0));
                }
                continue;
            }
            let (node, _, _) = stack.pop().expect("non-empty");
            let t = self.evaluate(node);
            self.state.insert(node, State::Done(t));
        }
        self.result(root, 0)
    }
}

/// The larger of two results; unbounded wins (the first cause found).
fn max_res(a: Res, b: Res) -> Res {
    Ok(a?.max(b?))
}

impl Module {
    /// Static bounds of one call of exported function `export` (docs/bounds.md), with no host
    /// costs declared. A usage error if `export` is not an exported function or the engine
    /// does not meter.
    pub fn bounds(&self, export: &str) -> Result<FuncBounds, Error> {
        self.bounds_with(export, &BoundsConfig::default())
    }

    /// [`Module::bounds`] with host costs declared by the embedder.
    pub fn bounds_with(&self, export: &str, config: &BoundsConfig) -> Result<FuncBounds, Error> {
        let m = &*self.inner;
        let func = m
            .exports
            .iter()
            .find(|e| &*e.name == export)
            .ok_or_else(|| Error::Usage(format!("no export named `{export}`")))?;
        if func.kind != ExternKind::Func {
            return Err(Error::Usage(format!("export `{export}` is not a function")));
        }
        let schedule = self.schedule()?;
        Ok(Analyzer::new(m, schedule, config).run(Node::Func(func.index)).public())
    }

    /// The bounds of every exported function, in export order, sharing one analysis.
    pub fn export_bounds(&self, config: &BoundsConfig) -> Result<Vec<(String, FuncBounds)>, Error> {
        let m = &*self.inner;
        let schedule = self.schedule()?;
        let mut an = Analyzer::new(m, schedule, config);
        Ok(m.exports
            .iter()
            .filter(|e| e.kind == ExternKind::Func)
            .map(|e| (e.name.to_string(), an.run(Node::Func(e.index)).public()))
            .collect())
    }

    /// The bounds of every function of the module, by index in the function index space
    /// (imported ones included), sharing one analysis: for inspecting functions that are not
    /// exported, such as a hash kernel's compression function.
    #[doc(hidden)]
    pub fn function_bounds(&self, config: &BoundsConfig) -> Result<Vec<FuncBounds>, Error> {
        let m = &*self.inner;
        let schedule = self.schedule()?;
        let mut an = Analyzer::new(m, schedule, config);
        Ok((0..m.funcs.len() as u32).map(|f| an.run(Node::Func(f)).public()).collect())
    }

    fn schedule(&self) -> Result<&GasSchedule, Error> {
        self.engine
            .config()
            .metering
            .as_ref()
            .ok_or_else(|| Error::Usage("static bounds need a metering engine (Config::metering)".into()))
    }
}
