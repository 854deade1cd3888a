//! The operator visitor: checks, validates and translates each operator of a function body in
//! a single dispatch on its opcode.
//!
//! Guarantees: every operator goes through exactly the steps of the reference sequence
//! ([`FuncVisitor::operator`]), in its order: value traffic and its limit, the `br_table`
//! target limit and stats, validation (with the [`crate::Floats::Deny`] type checks), the operator
//! table ([`super::operator::map`]), then the translator. Same IR, same errors, same offsets.
//! The per-opcode methods only avoid building and re-matching an `Operator` at run time: each
//! builds its own variant and calls `#[inline(always)]` steps whose `match`es fold to that
//! variant's arm, including validation's ([`super::check::Checker::op`]).

use wasmparser::{BlockType, FrameKind, FrameStack, Operator, VisitOperator, VisitSimdOperator};

use super::check::{Checker, Env};
use super::{invalid, limit, operator};
use crate::module::ModuleStats;
use crate::translate::{BlockSig, FuncTranslator};
use crate::{Error, Limits};

/// What visiting one operator gives: the error boxed, so that the result of every visit is
/// one register (an unboxed [`Error`] went through memory on each of millions of operators).
pub(super) type Visited = Result<(), Box<Error>>;

/// The state of one function body's decoding; feed it with
/// [`wasmparser::OperatorsReader::visit_operator`], setting [`FuncVisitor::offset`] first.
pub(super) struct FuncVisitor<'v, 't> {
    /// The offset of the operator about to be visited.
    pub offset: u64,
    // Borrowed, not owned: both are large, and moving them in and out for every function
    // made modules of many tiny functions 10% slower to prepare.
    check: &'v mut Checker,
    translator: &'v mut FuncTranslator<'t>,
    env: Env<'v>,
    type_sigs: &'v [BlockSig],
    func_sigs: &'v [BlockSig],
    func: BlockSig,
    limits: &'v Limits,
    stats: &'v mut ModuleStats,
    /// Scratch space for a `br_table`'s targets.
    targets: &'v mut Vec<u32>,
    traffic: u64,
    traffic_budget: u32,
}

impl<'v, 't> FuncVisitor<'v, 't> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        check: &'v mut Checker,
        translator: &'v mut FuncTranslator<'t>,
        env: Env<'v>,
        type_sigs: &'v [BlockSig],
        func_sigs: &'v [BlockSig],
        func: BlockSig,
        limits: &'v Limits,
        stats: &'v mut ModuleStats,
        targets: &'v mut Vec<u32>,
        traffic_budget: u64,
    ) -> Self {
        Self {
            offset: 0,
            check,
            translator,
            env,
            type_sigs,
            func_sigs,
            func,
            limits,
            stats,
            targets,
            traffic: 0,
            traffic_budget: traffic_budget.min(u32::MAX as u64) as u32,
        }
    }

    /// The values the body moved in all (its value traffic).
    pub fn traffic(&self) -> u64 {
        self.traffic
    }

    /// Before validation: value traffic (validating a value costs as much as translating it),
    /// the `br_table` limit, and a `br_table`'s targets read into `targets`.
    #[inline(always)]
    fn before(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        let t = value_traffic(op, self.check, self.type_sigs, self.func_sigs, self.func);
        // An operator that moves nothing leaves the total as it was when last checked (and 0 is
        // within any budget), so only a change needs the check.
        if t != 0 {
            self.traffic += t;
            limit("value traffic of a function", self.traffic, self.traffic_budget)?;
        }
        if let Operator::BrTable { targets } = op {
            let n = targets.len() as u64 + 1;
            limit("br_table targets", n, self.limits.max_br_table_targets)?;
            self.stats.max_br_table_targets = self.stats.max_br_table_targets.max(n);
            self.targets.clear();
            for t in targets.targets() {
                self.targets.push(t.map_err(invalid)?);
            }
        }
        Ok(())
    }

    /// Validation ([`Checker::op`]).
    #[inline(always)]
    fn check(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        self.check.op(&self.env, op, self.targets, self.offset as usize)
    }

    /// After validation: the operator table and the translator.
    #[inline(always)]
    fn after(&mut self, op: &Operator<'_>) -> Result<(), Error> {
        let offset = self.offset as usize;
        let wasm_op = operator::map(op, self.env.types, self.targets, offset)?;
        self.translator.translate(wasm_op)
    }

    /// The reference sequence for one operator, out of line. Used for the operators of
    /// proposals outside Wasm 2.0 and SIMD, which validation always refuses.
    #[cold]
    #[inline(never)]
    fn operator(&mut self, op: Operator<'_>) -> Result<(), Error> {
        self.before(&op)?;
        self.check(&op)?;
        self.after(&op)
    }
}

/// The reader's frame stack is the checker's: the binary reader asks for the current
/// frame's kind (to refuse an `else` outside an `if`, or operators after the body's last
/// `end`) before each operator, and the checker's control stack holds exactly the frames
/// `wasmparser::OperatorsReader` would track, since every operator read is validated before
/// the next is read (and decoding stops at the first error). One control stack instead of
/// two, and no adapter around each visit.
impl FrameStack for FuncVisitor<'_, '_> {
    #[inline(always)]
    fn current_frame(&self) -> Option<FrameKind> {
        self.check.frame(0).map(|frame| frame.kind)
    }
}

/// One method per operator: the steps of [`FuncVisitor::operator`], inlined. The arguments of every Wasm 2.0 operator are
/// `Copy` (a `br_table`'s is a cheap reader), so the clones cost nothing on the hot path.
/// Operators of proposals outside Wasm 2.0 (which validation always refuses) take the
/// reference sequence out of line instead, as SIMD operators do: the same steps, without
/// ~10 KB of inlined code each (they made up half of the decoder's machine code).
macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $( define_visit!(@$proposal $op $({ $($arg: $argty),* })? => $visit); )*
    };
    (@mvp $($rest:tt)*) => { define_visit!(@inline $($rest)*); };
    (@sign_extension $($rest:tt)*) => { define_visit!(@inline $($rest)*); };
    (@saturating_float_to_int $($rest:tt)*) => { define_visit!(@inline $($rest)*); };
    (@bulk_memory $($rest:tt)*) => { define_visit!(@inline $($rest)*); };
    (@reference_types $($rest:tt)*) => { define_visit!(@inline $($rest)*); };
    (@inline $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Visited {
            // A fresh `Operator` for each step, built right before it: with no call between
            // building the value and matching on it, the steps' `match`es fold.
            self.before(&Operator::$op $({ $($arg: $arg.clone()),* })?)?;
            self.check(&Operator::$op $({ $($arg: $arg.clone()),* })?)?;
            Ok(self.after(&Operator::$op $({ $($arg),* })?)?)
        }
    };
    (@$other:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident) => {
        fn $visit(&mut self $($(, $arg: $argty)*)?) -> Visited {
            Ok(self.operator(Operator::$op $({ $($arg),* })?)?)
        }
    };
}

/// SIMD operators (refused by validation): the reference sequence, out of line.
macro_rules! define_visit_simd {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Visited {
                Ok(self.operator(Operator::$op $({ $($arg),* })?)?)
            }
        )*
    };
}

#[allow(clippy::clone_on_copy)]
impl<'a> VisitOperator<'a> for FuncVisitor<'_, '_> {
    type Output = Visited;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit);
}

impl<'a> VisitSimdOperator<'a> for FuncVisitor<'_, '_> {
    wasmparser::for_each_visit_simd_operator!(define_visit_simd);
}

/// How many values `op` moves (see [`Limits::max_value_traffic_per_byte`]), computed from the
/// checker's control stack before the operator is validated; an operator that will fail
/// validation counts 0.
#[inline(always)]
fn value_traffic(
    op: &Operator<'_>,
    check: &Checker,
    type_sigs: &[BlockSig],
    func_sigs: &[BlockSig],
    func: BlockSig,
) -> u64 {
    let block = |ty: &BlockType| -> BlockSig {
        match *ty {
            BlockType::Empty => BlockSig { params: 0, results: 0 },
            BlockType::Type(_) => BlockSig { params: 0, results: 1 },
            BlockType::FuncType(i) => type_sigs.get(i as usize).copied().unwrap_or(BlockSig { params: 0, results: 0 }),
        }
    };
    let label = |depth: u32| -> u64 {
        let Some(frame) = check.frame(depth as usize) else { return 0 };
        let sig = block(&frame.block);
        (if frame.kind == FrameKind::Loop { sig.params } else { sig.results }) as u64
    };
    let both = |s: BlockSig| (s.params + s.results) as u64;
    match op {
        Operator::Br { relative_depth } | Operator::BrIf { relative_depth } => label(*relative_depth),
        Operator::BrTable { targets } => (targets.len() as u64 + 1) * label(targets.default()),
        Operator::Return => func.results as u64,
        Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => both(block(blockty)),
        // `else` pops the then-arm's results and pushes the parameters again; `end` pops and
        // pushes the block's results (the function's, at the last `end`).
        Operator::Else => check.frame(0).map_or(0, |f| both(block(&f.block))),
        Operator::End => match check.frame(0) {
            Some(f) if check.depth() > 1 => block(&f.block).results as u64,
            Some(_) => func.results as u64,
            None => 0,
        },
        Operator::Call { function_index } => func_sigs.get(*function_index as usize).map_or(0, |s| both(*s)),
        Operator::CallIndirect { type_index, .. } => type_sigs.get(*type_index as usize).map_or(0, |s| both(*s)),
        _ => 0,
    }
}
