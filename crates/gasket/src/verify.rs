//! The IR verifier: checks that every operand of every instruction is in range for what it
//! names (frame slot, branch target, function, type, table, global, segment), so that the
//! executor can index without going out of bounds. It runs on every artifact loaded from
//! storage, and after every translation in debug builds (where it catches translator bugs).
//! It also checks the two rules on which results depend beyond bounds: fall-through gas
//! matches the `Charge` it skips, and accumulator forms obey `ir/acc.rs`.

use crate::ir::{mark_branch_targets, Instr, Op};
use crate::module::ModuleInner;

/// What an operand refers to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum K {
    None,
    Slot,
    /// The base slot of a callee's frame: may equal the frame size (a frame right after).
    Base,
    Target,
    Func,
    Type,
    Global,
    Table,
    Data,
    Elem,
}

/// Operand kinds of `a`, `b`, `c`, and of the following `Ext` word's `a`, `b` (if any).
fn kinds(op: Op) -> ([K; 3], Option<[K; 2]>) {
    use Op as O;
    use K::*;
    let s3 = [Slot, Slot, Slot];
    let op = op.base();
    match op {
        O::Ext => ([None, None, None], Option::None),
        O::Charge | O::Unreachable | O::Return0 => ([None, None, None], Option::None),
        O::Copy => ([Slot, Slot, None], Option::None),
        O::Copy2 => ([Slot, Slot, Slot], Some([Slot, None])),
        O::I32LoadAddImm | O::I64LoadAddImm => ([Slot, Slot, None], Some([None, None])),
        O::I32LoadAdd | O::I64LoadAdd => ([Slot, Slot, None], Some([Slot, None])),
        O::CopySpan => ([Slot, Slot, None], Option::None), // a + c, b + c checked separately
        O::Const32 | O::Const64 => ([Slot, None, None], Option::None),
        O::Br => ([Target, None, None], Option::None),
        O::BrIfNez | O::BrIfEqz => ([Target, Slot, None], Option::None),
        O::BrTable => ([Slot, None, None], Option::None), // targets checked separately
        O::Return1 => ([Slot, None, None], Option::None),
        O::ReturnN => ([Slot, None, None], Option::None), // a + b checked separately
        O::Call => ([Func, Base, None], Option::None),
        O::CallIndirect => ([Type, Slot, Base], Some([Table, None])),
        O::SelectEqz => (s3, Option::None),
        O::GlobalGet => ([Slot, Global, None], Option::None),
        O::GlobalSet => ([Global, Slot, None], Option::None),
        O::RefFunc => ([Slot, Func, None], Option::None),
        O::I32Load
        | O::I64Load
        | O::I32Load8S
        | O::I32Load8U
        | O::I32Load16S
        | O::I32Load16U
        | O::I64Load8S
        | O::I64Load8U
        | O::I64Load16S
        | O::I64Load16U
        | O::I64Load32S
        | O::I64Load32U
        | O::I32Store
        | O::I64Store
        | O::I32Store8
        | O::I32Store16
        | O::I64Store8
        | O::I64Store16
        | O::I64Store32 => ([Slot, Slot, None], Option::None),
        O::I32StoreImm | O::I64StoreImm | O::I32Store8Imm | O::I32Store16Imm => ([Slot, None, None], Option::None),
        O::MemorySize => ([Slot, None, None], Option::None),
        O::MemoryGrow => ([Slot, Slot, None], Option::None),
        O::MemoryFill | O::MemoryCopy => (s3, Option::None),
        O::MemoryInit => (s3, Some([Data, None])),
        O::DataDrop => ([Data, None, None], Option::None),
        O::TableGet | O::TableSet => ([Slot, Slot, Table], Option::None),
        O::TableSize => ([Slot, Table, None], Option::None),
        O::TableGrow | O::TableFill => (s3, Some([Table, None])),
        O::TableCopy => (s3, Some([Table, Table])),
        O::TableInit => (s3, Some([Table, Elem])),
        O::ElemDrop => ([Elem, None, None], Option::None),
        O::I32RotlImm | O::I32RotrImm | O::I64RotlImm | O::I64RotrImm => ([Slot, Slot, None], Option::None),
        O::I64AddImm64 | O::I64MulImm64 | O::I64AndImm64 | O::I64OrImm64 | O::I64XorImm64 => {
            ([Slot, Slot, None], Some([None, None]))
        }
        _ if is_binary_imm(op) => ([Slot, Slot, None], Option::None),
        _ if is_branch_cmp_imm(op) => ([Target, Slot, None], Option::None),
        _ if op.is_branch_cmp() => ([Target, Slot, Slot], Option::None),
        _ if is_unary(op) => ([Slot, Slot, None], Option::None),
        _ => (s3, Option::None), // binary
    }
}

fn is_unary(op: Op) -> bool {
    (Op::I32Eqz as u16..=Op::F64PromoteF32 as u16).contains(&(op as u16))
}

fn is_binary_imm(op: Op) -> bool {
    (Op::I32AddImm as u16..=Op::I64GeUImm as u16).contains(&(op as u16))
}

fn is_branch_cmp_imm(op: Op) -> bool {
    let v = op as u16;
    (Op::BrIfI32EqImm as u16..=Op::BrIfI32GeUImm as u16).contains(&v)
        || (Op::BrIfI64EqImm as u16..=Op::BrIfI64GeUImm as u16).contains(&v)
        || (Op::BrIfI32AndImmNez as u16..=Op::BrIfI64AndImmEqz as u16).contains(&v)
}

/// Checks the module's code. Returns a description of the first problem found.
pub(crate) fn verify(m: &ModuleInner) -> Result<(), String> {
    let code = &m.code;
    let n = code.len() as u64;
    let counts = |k: K| -> u64 {
        match k {
            K::Func => m.funcs.len() as u64,
            K::Type => m.types.len() as u64,
            K::Global => m.globals.len() as u64,
            K::Table => m.tables.len() as u64,
            K::Data => m.datas.len() as u64,
            K::Elem => m.elems.len() as u64,
            K::None | K::Slot | K::Base | K::Target => u64::MAX,
        }
    };
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
        let frame = f.frame_size as u64;
        let body = f.entry as u64..end;
        mark_branch_targets(&code[body.start as usize..end as usize], f.entry, &m.br_targets, &mut targets);
        // The result slot of the instruction before, if it set the accumulator (ir/acc.rs).
        let mut acc: Option<u32> = None;
        let mut ip = f.entry as u64;
        if ip < end && !ends_function(code, end) {
            return Err(format!("function {i}: code does not end with a jump or return"));
        }
        while ip < end {
            let instr = code[ip as usize];
            let (k, ext) = kinds(instr.op);
            let at = |what: &str| format!("function {i}, instruction {ip} ({:?}): {what}", instr.op);
            for (value, kind) in [(instr.a, k[0]), (instr.b, k[1]), (instr.c, k[2])] {
                check(value, kind, frame, &body, code, &counts).map_err(&at)?;
            }
            if is_memory_op(instr.op) && !has_memory {
                return Err(at("memory operator without a memory"));
            }
            if targets[(ip - body.start) as usize] {
                acc = None;
            }
            if let Some(slot) = instr.acc_slot() {
                if acc != Some(slot) {
                    return Err(at("accumulator form without its value in the accumulator"));
                }
            }
            acc = instr.op.sets_acc().then_some(instr.a);
            match instr.op {
                Op::ReturnN if instr.a as u64 + instr.b as u64 > frame => return Err(at("results beyond the frame")),
                Op::CopySpan if instr.a.max(instr.b) as u64 + instr.c as u64 > frame => {
                    return Err(at("copy beyond the frame"))
                }
                Op::BrTable => {
                    let (first, len) = (instr.c as usize, instr.b as usize);
                    let Some(targets) = m.br_targets.get(first..first.saturating_add(len)).filter(|_| len > 0) else {
                        return Err(at("table targets out of range"));
                    };
                    if targets.iter().any(|t| !is_target(*t as u64, &body, code)) {
                        return Err(at("table target outside the function"));
                    }
                }
                op if op.is_cond_branch() && instr.fall_gas() != 0 => {
                    // The not-taken path pays this and skips the next word, which must be the
                    // `Charge` of exactly this cost (exec/dispatch.rs, `fall_through!`).
                    let pays_next = code
                        .get(ip as usize + 1)
                        .is_some_and(|c| ip + 1 < end && c.op == Op::Charge && c.charge_cost() == instr.fall_gas());
                    if !pays_next {
                        return Err(at("fall-through gas without the matching Charge after it"));
                    }
                }
                op if instr.branch_gas != 0 && op != Op::Br && !op.is_cond_branch() => {
                    return Err(at("branch gas on an instruction that does not branch"));
                }
                _ => {}
            }
            if let Some(ek) = ext {
                let Some(e) = code.get(ip as usize + 1).filter(|e| e.op == Op::Ext && ip + 1 < end) else {
                    return Err(at("missing extra operands"));
                };
                for (value, kind) in [(e.a, ek[0]), (e.b, ek[1])] {
                    check(value, kind, frame, &body, code, &counts).map_err(&at)?;
                }
                ip += 1;
            }
            ip += 1;
        }
    }
    Ok(())
}

fn ends_function(code: &[Instr], end: u64) -> bool {
    // The last instruction must not fall through past the function's end. `Ext` words are
    // data; everything else that can end a function transfers control.
    matches!(
        code[end as usize - 1].op,
        Op::Br | Op::BrTable | Op::Return0 | Op::Return1 | Op::ReturnN | Op::Unreachable
    )
}

fn is_memory_op(op: Op) -> bool {
    let op = op.base();
    (Op::I32Load as u16..=Op::MemoryInit as u16).contains(&(op as u16))
        || (Op::I32LoadAddImm as u16..=Op::I32Store16Imm as u16).contains(&(op as u16))
}

fn is_target(v: u64, body: &std::ops::Range<u64>, code: &[Instr]) -> bool {
    body.contains(&v) && code[v as usize].op != Op::Ext
}

fn check(
    value: u32,
    kind: K,
    frame: u64,
    body: &std::ops::Range<u64>,
    code: &[Instr],
    counts: &impl Fn(K) -> u64,
) -> Result<(), &'static str> {
    let v = value as u64;
    let ok = match kind {
        K::None => true,
        K::Slot => v < frame,
        K::Base => v <= frame,
        // Branches stay inside their function, whose frame the slots were checked against,
        // and land on an instruction, not on the operands in an `Ext` word.
        K::Target => is_target(v, body, code),
        other => v < counts(other),
    };
    if ok {
        Ok(())
    } else {
        Err("operand out of range")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let at =
            m.code.iter().position(|i| i.op.is_cond_branch() && i.fall_gas() != 0).expect("the `if` pays its then-arm");
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
