//! Which functions a `call_indirect` can reach: for a table that nothing can change (defined,
//! not exported, and no `table.set`, `table.grow`, `table.fill`, `table.copy` into it or
//! `table.init` of it anywhere in the module), the functions its active element segments put
//! in it whose type equals the call's; for any other table, none can be named (`Unbounded`).
//!
//! Element offsets do not matter: the candidates are every function any active segment of the
//! table lists, a superset of what the table can hold; an element read from a global is
//! unknown, so the table is treated as changeable. `elem.drop` changes no table.

use std::collections::HashMap;

use super::Reason;
use crate::ir::Op;
use crate::module::{ConstExpr, ElemMode, ExternKind, ModuleInner};

pub(super) struct Tables {
    /// Canonical id of every type index (structurally equal types share one).
    canon: Vec<u32>,
    /// Per table: `Err` if it can change, else its candidate functions, each with its
    /// canonical type, sorted and deduplicated.
    tables: Vec<Result<Vec<(u32, u32)>, Reason>>,
}

impl Tables {
    pub(super) fn new(m: &ModuleInner) -> Self {
        let mut ids = HashMap::new();
        let canon: Vec<u32> = m
            .types
            .iter()
            .map(|t| {
                let next = ids.len() as u32;
                *ids.entry(t).or_insert(next)
            })
            .collect();
        let mut tables: Vec<Result<Vec<(u32, u32)>, Reason>> = (0..m.tables.len()).map(|_| Ok(Vec::new())).collect();
        let mut changeable = |t: u32| {
            if let Some(slot) = tables.get_mut(t as usize) {
                *slot = Err(Reason::MutableTable);
            }
        };
        for t in 0..m.num_imported_tables {
            changeable(t);
        }
        for e in m.exports.iter().filter(|e| e.kind == ExternKind::Table) {
            changeable(e.index);
        }
        let code = &m.code;
        let mut i = 0;
        while i < code.len() {
            let instr = code[i];
            let ext = instr.op.info().ext.is_some();
            match instr.op.base() {
                Op::TableSet => changeable(instr.c),
                Op::TableGrow | Op::TableFill | Op::TableCopy | Op::TableInit => changeable(code[i + 1].a),
                _ => {}
            }
            i += 1 + ext as usize;
        }
        let type_of = |f: u32| canon[m.funcs[f as usize] as usize];
        for seg in &m.elems {
            let ElemMode::Active { table, .. } = seg.mode else { continue };
            let Some(Ok(list)) = tables.get_mut(table as usize) else { continue };
            let mut unknown = false;
            for item in seg.items.iter() {
                match *item {
                    ConstExpr::RefFunc(f) => list.push((f, type_of(f))),
                    ConstExpr::Value(_) => {}
                    ConstExpr::GlobalGet(_) => unknown = true,
                }
            }
            if unknown {
                tables[table as usize] = Err(Reason::MutableTable);
            }
        }
        for list in tables.iter_mut().flatten() {
            list.sort_unstable();
            list.dedup();
        }
        Tables { canon, tables }
    }

    /// The canonical id of type index `ty`.
    pub(super) fn canon(&self, ty: u32) -> u32 {
        self.canon.get(ty as usize).copied().unwrap_or(u32::MAX)
    }

    /// The functions a `call_indirect` of canonical type `canon` through `table` can call.
    pub(super) fn candidates(&self, table: u32, canon: u32) -> Result<Vec<u32>, Reason> {
        match self.tables.get(table as usize) {
            Some(Ok(list)) => Ok(list.iter().filter(|&&(_, c)| c == canon).map(|&(f, _)| f).collect()),
            Some(Err(r)) => Err(*r),
            None => Err(Reason::MutableTable),
        }
    }
}
