//! The IR verifier: checks that every operand of every instruction is in range for what it
//! names (frame slot, branch target, function, type, table, global, segment), so that the
//! executor can index without going out of bounds. It runs on every artifact loaded from
//! storage, and after every translation in debug builds (where it catches translator bugs).
//! It also checks the two rules on which results depend beyond bounds: fall-through gas
//! matches the `Charge` it skips, and accumulator forms obey `ir/acc.rs`.

use crate::ir::{flag, mark_branch_targets, Kind, Op};
use crate::module::ModuleInner;

/// Checks the module's code. Returns a description of the first problem found.
pub(crate) fn verify(m: &ModuleInner) -> Result<(), String> {
    let code = &m.code;
    let n = code.len() as u64;
    if m.funcs.iter().any(|t| *t as usize >= m.types.len()) {
        return Err("function type index out of range".into());
    }
    if m.num_imported_funcs as usize + m.compiled.len() != m.funcs.len() {
        return Err("compiled function count mismatch".into());
    }
    let has_memory = !m.memories.is_empty();
    let mut targets = Vec::new();
    // Functions occupy consecutive ranges of the code, in order.
    for (i, f) in m.compiled.iter().enumerate() {
        let end = m.compiled.get(i + 1).map_or(n, |g| g.entry as u64);
        if f.entry as u64 > end || end > n || f.params > f.locals || f.locals > f.frame_size {
            return Err(format!("function {i}: bad layout"));
        }
        let scope = Scope { m, frame: f.frame_size as u64, body: f.entry as u64..end };
        mark_branch_targets(&code[f.entry as usize..end as usize], f.entry, &m.br_targets, &mut targets);
        // The result slot of the instruction before, if it set the accumulator (ir/acc.rs).
        let mut acc: Option<u32> = None;
        let mut ip = f.entry as u64;
        if ip < end && !code[end as usize - 1].op.is(flag::ENDS) {
            // `Ext` words are data; everything that may end a body transfers control.
            return Err(format!("function {i}: code does not end with a jump or return"));
        }
        while ip < end {
            let instr = code[ip as usize];
            let info = instr.op.info();
            let at = |what: &str| format!("function {i}, instruction {ip} ({:?}): {what}", instr.op);
            let ext = match info.ext {
                Some(kinds) => {
                    let Some(e) = code.get(ip as usize + 1).filter(|e| e.op == Op::Ext && ip + 1 < end) else {
                        return Err(at("missing extra operands"));
                    };
                    Some((*e, kinds))
                }
                None => None,
            };
            let count = info.operands.iter().zip([instr.a, instr.b, instr.c]).find(|(k, _)| **k == Kind::Count);
            let count = count.map_or(0, |(_, v)| v as u64);
            let operands = info.operands.into_iter().zip([instr.a, instr.b, instr.c]);
            let ext_operands = ext.into_iter().flat_map(|(e, kinds)| kinds.into_iter().zip([e.a, e.b]));
            for (kind, value) in operands.chain(ext_operands) {
                scope.check(kind, value as u64, count).map_err(&at)?;
            }
            if instr.op == Op::Stop {
                return Err(at("a Stop in module code"));
            }
            if instr.op.is(flag::MEMORY) && !has_memory {
                return Err(at("memory operator without a memory"));
            }
            if targets[(ip - scope.body.start) as usize] != 0 {
                acc = None;
            }
            if let Some(slot) = instr.acc_slot() {
                if acc != Some(slot) {
                    return Err(at("accumulator form without its value in the accumulator"));
                }
            }
            acc = instr.op.is(flag::SETS_ACC).then_some(instr.a);
            if instr.op.is(flag::COND_BRANCH) && instr.fall_gas() != 0 {
                // The not-taken path pays this and skips the next word, which must be the
                // `Charge` of exactly this cost (exec/dispatch.rs, `fall_through!`).
                let pays_next = code
                    .get(ip as usize + 1)
                    .is_some_and(|c| ip + 1 < end && c.op == Op::Charge && c.charge_cost() == instr.fall_gas());
                if !pays_next {
                    return Err(at("fall-through gas without the matching Charge after it"));
                }
            }
            if instr.branch_gas != 0 && info.flags & (flag::BRANCH | flag::COND_BRANCH) == 0 {
                return Err(at("branch gas on an instruction that does not branch"));
            }
            ip += 1 + ext.is_some() as u64;
        }
    }
    Ok(())
}

/// What the operands of one function's instructions are checked against.
struct Scope<'m> {
    m: &'m ModuleInner,
    frame: u64,
    body: std::ops::Range<u64>,
}

impl Scope<'_> {
    /// Branches stay inside their function, whose frame the slots were checked against, and
    /// land on an instruction, not on the operands in an `Ext` word.
    fn is_target(&self, v: u64) -> bool {
        self.body.contains(&v) && self.m.code[v as usize].op != Op::Ext
    }

    /// Checks operand `v` of kind `kind`; `count` is the instruction's `Count` operand.
    fn check(&self, kind: Kind, v: u64, count: u64) -> Result<(), &'static str> {
        let m = self.m;
        let ok = match kind {
            Kind::No | Kind::Imm | Kind::ImmHi | Kind::Offset | Kind::Count => true,
            Kind::Dst | Kind::Src => v < self.frame,
            Kind::Span => v + count <= self.frame,
            Kind::Base => v <= self.frame,
            Kind::Target => self.is_target(v),
            Kind::Targets => {
                let table = m.br_targets.get(v as usize..(v + count) as usize).filter(|_| count > 0);
                match table {
                    Some(table) => table.iter().all(|&t| self.is_target(t as u64)),
                    None => return Err("table targets out of range"),
                }
            }
            Kind::Func => v < m.funcs.len() as u64,
            Kind::Type => v < m.types.len() as u64,
            Kind::Global => v < m.globals.len() as u64,
            Kind::Table => v < m.tables.len() as u64,
            Kind::Data => v < m.datas.len() as u64,
            Kind::Elem => v < m.elems.len() as u64,
        };
        if ok {
            Ok(())
        } else {
            Err("operand out of range")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Instr;
    use crate::{Config, Engine, GasSchedule, Module};

    #[test]
    fn accumulator_forms_must_follow_the_setter_of_their_operand() {
        let engine = Engine::new(&Config::default());
        let wat = r#"(module (func (param i32) (result i32)
            (i32.mul (i32.add (local.get 0) (i32.const 1)) (local.get 0))))"#;
        let module = Module::new(&engine, wat).unwrap();
        let mut m = std::sync::Arc::try_unwrap(module.inner).unwrap_or_else(|_| panic!("one owner"));
        assert_eq!(verify(&m), Ok(()));
        let at =
            m.code.iter().position(|i| i.acc_slot().is_some()).expect("the mul reads the sum from the accumulator");
        // The operand's slot differs from the one the setter wrote.
        m.code[at].b += 1;
        assert!(verify(&m).unwrap_err().contains("accumulator form"));
        m.code[at].b -= 1;
        // The instruction before no longer sets the accumulator.
        m.code[at - 1] = Instr::new(Op::Unreachable, 0, 0, 0);
        assert!(verify(&m).unwrap_err().contains("accumulator form"));
    }

    #[test]
    fn fall_through_gas_must_match_the_charge_it_skips() {
        let engine = Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() });
        let wat = r#"(module (func (param i32) (result i32)
            (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))"#;
        let module = Module::new(&engine, wat).unwrap();
        let mut m = std::sync::Arc::try_unwrap(module.inner).unwrap_or_else(|_| panic!("one owner"));
        assert_eq!(verify(&m), Ok(()));
        let at = m
            .code
            .iter()
            .position(|i| i.op.is(flag::COND_BRANCH) && i.fall_gas() != 0)
            .expect("the `if` pays its then-arm");
        let fall = m.code[at].fall_gas() as u8;
        m.code[at].set_fall_gas(fall + 1);
        assert!(verify(&m).unwrap_err().contains("fall-through gas"));
        m.code[at].set_fall_gas(fall);
        m.code[at + 1].op = Op::Unreachable;
        assert!(verify(&m).unwrap_err().contains("fall-through gas"));
        m.code[at + 1].op = Op::Charge;
        m.code[at + 1].branch_gas = 1;
        assert!(verify(&m).unwrap_err().contains("does not branch"));
    }
}
