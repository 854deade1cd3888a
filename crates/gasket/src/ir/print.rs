//! The IR printer: one instruction per line, each operand named by its kind in the table
//! (`ir/set.rs`), so that a new opcode prints without a line of code here. For `gasket
//! inspect --ir`, tests and profiling; the format is not stable.
//!
//! Slots print as `s3` (`s3*` when the accumulator form reads it from the accumulator), a
//! result as `s3 = ...`, branch targets as `@12`, immediates as `#5`, memory offsets as `+8`,
//! spans as `s4..s6`, and a branch's gas as `taken_gas=N fall_gas=M`.

use std::fmt::Write;

use super::{flag, Instr, Kind};

/// Appends the listing of one function's body, `code[entry..end]`, to `out`.
pub(crate) fn print_function(out: &mut String, code: &[Instr], entry: usize, end: usize, br_targets: &[u32]) {
    let mut ip = entry;
    while ip < end {
        let i = code[ip];
        let ext = i.op.info().ext.and(code.get(ip + 1).copied());
        let _ = writeln!(out, "{ip:6}  {}", instruction(i, ext, br_targets));
        ip += 1 + ext.is_some() as usize;
    }
}

/// One instruction, with its `Ext` word if it has one.
fn instruction(i: Instr, ext: Option<Instr>, br_targets: &[u32]) -> String {
    let info = i.op.info();
    let acc = i.acc_slot().map(|_| info.acc);
    let mut kinds = vec![(info.operands[0], i.a, acc == Some(Some(super::AccOperand::A)))];
    kinds.push((info.operands[1], i.b, acc == Some(Some(super::AccOperand::B))));
    kinds.push((info.operands[2], i.c, acc == Some(Some(super::AccOperand::C))));
    if let (Some([ka, kb]), Some(e)) = (info.ext, ext) {
        kinds.push((ka, e.a, false));
        kinds.push((kb, e.b, false));
    }
    let count = kinds.iter().find(|(k, ..)| *k == Kind::Count).map(|&(_, v, _)| v);
    // Immediates of i32 operators, and sign-extended ones, read best as signed numbers.
    let signed = info.flags & (flag::SEXT | flag::LOW32) != 0;
    let mut result = None;
    let mut parts = Vec::new();
    for (n, &(kind, v, from_acc)) in kinds.iter().enumerate() {
        let text = match kind {
            Kind::No | Kind::ImmHi => continue,
            Kind::Dst if result.is_none() => {
                result = Some(format!("s{v}"));
                continue;
            }
            Kind::Dst => format!("s{v}="),
            Kind::Src => format!("s{v}{}", if from_acc { "*" } else { "" }),
            Kind::Span => format!("s{v}..s{}", v as u64 + count.unwrap_or(0) as u64),
            // Shown by the span or the target list it measures.
            Kind::Count => continue,
            Kind::Targets => {
                let len = count.unwrap_or(0) as usize;
                let list = br_targets.get(v as usize..v as usize + len).unwrap_or(&[]);
                let list: Vec<String> = list.iter().map(|t| format!("@{t}")).collect();
                format!("[{}]", list.join(" "))
            }
            Kind::Base => format!("frame s{v}"),
            Kind::Target => format!("@{v}"),
            Kind::Imm => match kinds.get(n + 1) {
                Some(&(Kind::ImmHi, hi, _)) => format!("#{}", v as u64 | (hi as u64) << 32),
                _ if signed => format!("#{}", v as i32),
                _ => format!("#{v}"),
            },
            Kind::Offset => format!("+{v}"),
            Kind::Func => format!("func {v}"),
            Kind::Type => format!("type {v}"),
            Kind::Global => format!("global {v}"),
            Kind::Table => format!("table {v}"),
            Kind::Data => format!("data {v}"),
            Kind::Elem => format!("elem {v}"),
        };
        parts.push(text);
    }
    let mut line = format!("{:<22}", info.name);
    if let Some(dst) = result {
        let _ = write!(line, " {dst} =");
    }
    if !parts.is_empty() {
        let _ = write!(line, " {}", parts.join(", "));
    }
    if info.flags & (flag::BRANCH | flag::COND_BRANCH) != 0 {
        if i.taken_gas() != 0 {
            let _ = write!(line, "  taken_gas={}", i.taken_gas());
        }
        if i.op.is(flag::COND_BRANCH) && i.fall_gas() != 0 {
            let _ = write!(line, " fall_gas={}", i.fall_gas());
        }
    }
    line.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Op;

    fn name(op: Op) -> &'static str {
        op.info().name
    }

    #[test]
    fn operands_print_by_kind() {
        let add = Instr::new(Op::I32AddAccB, 5, 3, 4);
        assert_eq!(instruction(add, None, &[]), format!("{:<22} s5 = s3*, s4", name(Op::I32AddAccB)));
        let mut br = Instr::new(Op::BrIfI64LtSImm, 12, 2, -7i32 as u32);
        br.branch_gas = 3 | 2 << 8;
        assert_eq!(instruction(br, None, &[]), format!("{:<22} @12, s2, #-7  taken_gas=3 fall_gas=2", "BrIfI64LtSImm"));
        let wide = Instr::new(Op::I64AddImm64, 1, 0, 0);
        let ext = Instr::new(Op::Ext, 0, 1, 0);
        assert_eq!(instruction(wide, Some(ext), &[]), format!("{:<22} s1 = s0, #4294967296", "I64AddImm64"));
        let table = Instr::new(Op::BrTable, 0, 2, 1);
        assert_eq!(instruction(table, None, &[9, 7, 8]), format!("{:<22} s0, [@7 @8]", "BrTable"));
        let ret = Instr::new(Op::ReturnN, 4, 2, 0);
        assert_eq!(instruction(ret, None, &[]), format!("{:<22} s4..s6", "ReturnN"));
        let call = Instr::new(Op::CallIndirect, 1, 2, 3);
        let ext = Instr::new(Op::Ext, 0, 0, 0);
        assert_eq!(instruction(call, Some(ext), &[]), format!("{:<22} type 1, s2, frame s3, table 0", "CallIndirect"));
    }
}
