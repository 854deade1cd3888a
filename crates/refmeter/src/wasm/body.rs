//! Instrumentation of one function body. Splits the body into runs exactly as docs/gas.md §3
//! defines them, computes each run's static cost (§2, plus `entry_per_local` × declared
//! locals for the first run), inserts `i64.const cost; call $gas` before the first operator
//! of every run whose cost is non-zero, and inserts a dynamic-charge hook call before every
//! operator of §4, passing its count operand through a scratch `i32` local. The original
//! operators are kept in order, with function indices remapped.

use wasm_encoder::reencode::Reencode;
use wasm_encoder::{Function, Instruction, ValType};
use wasmparser::{FunctionBody, Operator};

use super::cost::{self, Dynamic};
use super::{parse_err, Hooks, Remap};
use crate::{InstrumentError, Schedule};

/// The charge to make before each operator: `charges[i]` is the static cost of the run that
/// begins at operator `i` (0 where no run begins, or where the run costs nothing).
///
/// A run begins at operator 0 and after every `loop`, `if`, `else`, `end` and `br_if`; it
/// ends before the next beginning or with the first `br`, `br_table`, `return` or
/// `unreachable`. Operators between such an ending and the next beginning belong to no run.
pub(crate) fn run_charges(
    ops: &[Operator<'_>],
    declared_locals: u64,
    schedule: &Schedule,
) -> Result<Vec<u64>, InstrumentError> {
    let mut charges = vec![0u64; ops.len()];
    // The first operator of the current run, if control can be inside a run here.
    let mut open: Option<usize> = Some(0);
    let mut acc = schedule.entry_per_local.saturating_mul(declared_locals);
    let mut previous: Option<&Operator<'_>> = None;
    for (i, op) in ops.iter().enumerate() {
        if previous.is_some_and(cost::begins_next_run) {
            close(&mut charges, open, acc);
            open = Some(i);
            acc = 0;
        }
        previous = Some(op);
        let c =
            cost::static_cost(op, schedule).ok_or_else(|| InstrumentError::Unsupported(format!("operator {op:?}")))?;
        if open.is_some() {
            acc = acc.saturating_add(c);
        }
        if cost::ends_run(op) {
            close(&mut charges, open.take(), acc);
            acc = 0;
        }
    }
    close(&mut charges, open, acc);
    Ok(charges)
}

/// Records the cost of the run that began at `start`, if control could be in one.
fn close(charges: &mut [u64], start: Option<usize>, cost: u64) {
    if let Some(slot) = start.and_then(|s| charges.get_mut(s)) {
        *slot = cost;
    }
}

/// Instruments one function body whose type has `params` parameters.
pub(crate) fn instrument_body(
    re: &mut Remap,
    body: &FunctionBody<'_>,
    params: u32,
    schedule: &Schedule,
    hooks: &Hooks,
) -> Result<Function, InstrumentError> {
    let mut locals = Vec::new();
    let mut declared: u64 = 0;
    for entry in body.get_locals_reader().map_err(parse_err)? {
        let (count, ty) = entry.map_err(parse_err)?;
        declared += u64::from(count);
        locals.push((count, re.val_type(ty).map_err(super::reencode_err)?));
    }
    let mut reader = body.get_operators_reader().map_err(parse_err)?;
    let mut ops = Vec::new();
    while !reader.eof() {
        ops.push(reader.read().map_err(parse_err)?);
    }
    reader.finish().map_err(parse_err)?;

    let charges = run_charges(&ops, declared, schedule)?;
    let needs_scratch = ops.iter().any(|op| cost::dynamic(op).is_some());
    let scratch = u64::from(params) + declared;
    let scratch = u32::try_from(scratch).map_err(|_| InstrumentError::Overflow("local index"))?;
    if needs_scratch {
        locals.push((1, ValType::I32));
    }

    let mut f = Function::new(locals);
    for (op, charge) in ops.into_iter().zip(charges) {
        if charge > 0 {
            // The host reads the constant back as u64.
            f.instruction(&Instruction::I64Const(charge as i64));
            f.instruction(&Instruction::Call(hooks.gas));
        }
        if let Some(d) = cost::dynamic(&op) {
            emit_dynamic(&mut f, d, scratch, hooks);
        }
        let ins = re.instruction(op).map_err(super::reencode_err)?;
        f.instruction(&ins);
    }
    Ok(f)
}

/// Calls the hook of a dynamic charge with the count operand on top of the stack, leaving
/// the stack as it was.
fn emit_dynamic(f: &mut Function, d: Dynamic, scratch: u32, hooks: &Hooks) {
    match d {
        Dynamic::MemoryGrow | Dynamic::BulkMemory | Dynamic::BulkTable => {
            let hook = match d {
                Dynamic::MemoryGrow => hooks.memory_grow,
                Dynamic::BulkMemory => hooks.bulk_memory,
                _ => hooks.bulk_table,
            };
            f.instruction(&Instruction::LocalTee(scratch));
            f.instruction(&Instruction::Call(hook));
            f.instruction(&Instruction::LocalGet(scratch));
        }
        Dynamic::TableGrow(table) => {
            f.instruction(&Instruction::LocalSet(scratch));
            f.instruction(&Instruction::I32Const(table as i32));
            f.instruction(&Instruction::LocalGet(scratch));
            f.instruction(&Instruction::Call(hooks.table_grow));
            f.instruction(&Instruction::LocalGet(scratch));
        }
    }
}
