//! The gas schedule (docs/gas.md §2): a cost per class of Wasm operator, its stable hash, the
//! operator-to-class table, and the preparation-gas formula (§7).
//!
//! Costs are defined on Wasm operators only, so nothing the translator does to its IR can
//! change what a program is charged.

use sha2::{Digest, Sha256};

use crate::translate::WasmOp;

/// Costs per class of Wasm operator, in gas. The field order is part of [`GasSchedule::hash`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GasSchedule {
    /// Every operator not in another class (numeric, constants, parametric, ref, size, drops).
    pub base: u64,
    /// `nop`, `block`, `loop`, `else`, `end`.
    pub free: u64,
    /// `local.get`, `local.set`, `local.tee`.
    pub local: u64,
    /// `global.get`, `global.set`.
    pub global: u64,
    /// Every load.
    pub load: u64,
    /// Every store.
    pub store: u64,
    /// `br`, `br_if`, `br_table`, `if`, `return`.
    pub branch: u64,
    /// `call`.
    pub call: u64,
    /// `call_indirect`.
    pub call_indirect: u64,
    /// Per declared local (not parameter) of a function, charged with its first run.
    pub entry_per_local: u64,
    /// `memory.grow`, static part.
    pub memory_grow: u64,
    /// `memory.grow`, per page added.
    pub memory_grow_per_page: u64,
    /// `memory.fill`, `memory.copy`, `memory.init`, static part.
    pub bulk_memory: u64,
    /// Bulk memory, per started 8-byte word of the length.
    pub bulk_memory_per_word: u64,
    /// `table.grow`, static part.
    pub table_grow: u64,
    /// `table.fill`, `table.copy`, `table.init`, static part.
    pub bulk_table: u64,
    /// Per element added by `table.grow` or processed by a bulk table operator.
    pub table_per_element: u64,
}

impl Default for GasSchedule {
    fn default() -> Self {
        Self {
            base: 1,
            free: 0,
            local: 1,
            global: 2,
            load: 3,
            store: 3,
            branch: 2,
            call: 20,
            call_indirect: 25,
            entry_per_local: 1,
            memory_grow: 20,
            memory_grow_per_page: 4096,
            bulk_memory: 10,
            bulk_memory_per_word: 1,
            table_grow: 20,
            bulk_table: 10,
            table_per_element: 1,
        }
    }
}

impl GasSchedule {
    /// Every field, in declaration order. Destructured without `..`: a new field is a compile
    /// error here until it is part of the hash.
    fn fields(&self) -> [u64; 17] {
        let GasSchedule {
            base,
            free,
            local,
            global,
            load,
            store,
            branch,
            call,
            call_indirect,
            entry_per_local,
            memory_grow,
            memory_grow_per_page,
            bulk_memory,
            bulk_memory_per_word,
            table_grow,
            bulk_table,
            table_per_element,
        } = *self;
        [
            base,
            free,
            local,
            global,
            load,
            store,
            branch,
            call,
            call_indirect,
            entry_per_local,
            memory_grow,
            memory_grow_per_page,
            bulk_memory,
            bulk_memory_per_word,
            table_grow,
            bulk_table,
            table_per_element,
        ]
    }

    /// SHA-256 of `gasket-gas-schedule-v1` and every field as a little-endian `u64`, in
    /// declaration order. Stable across versions of gasket for the same numbers.
    pub fn hash(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"gasket-gas-schedule-v1");
        for f in self.fields() {
            h.update(f.to_le_bytes());
        }
        h.finalize().into()
    }

    /// The static cost of one operator (docs/gas.md §2).
    pub(crate) fn cost(&self, op: &WasmOp<'_>) -> u64 {
        use WasmOp as W;
        match op {
            W::Nop | W::Block(_) | W::Loop(_) | W::Else | W::End => self.free,
            W::LocalGet(_) | W::LocalSet(_) | W::LocalTee(_) => self.local,
            W::GlobalGet(_) | W::GlobalSet(_) => self.global,
            W::Load(..) => self.load,
            W::Store(..) => self.store,
            W::Br(_) | W::BrIf(_) | W::BrTable { .. } | W::If(_) | W::Return => self.branch,
            W::Call(_) => self.call,
            W::CallIndirect { .. } => self.call_indirect,
            W::MemoryGrow => self.memory_grow,
            W::MemoryFill | W::MemoryCopy | W::MemoryInit(_) => self.bulk_memory,
            W::TableGrow(_) => self.table_grow,
            W::TableFill(_) | W::TableCopy { .. } | W::TableInit { .. } => self.bulk_table,
            W::Unreachable
            | W::Drop
            | W::Select
            | W::MemorySize
            | W::DataDrop(_)
            | W::TableGet(_)
            | W::TableSet(_)
            | W::TableSize(_)
            | W::ElemDrop(_)
            | W::Const(_)
            | W::RefFunc(_)
            | W::Unary(_)
            | W::Binary(_)
            | W::Reinterpret => self.base,
        }
    }
}

/// The fixed part `a` of the preparation-gas formula (docs/gas.md §8): an empty module takes
/// about 0.9 µs to prepare on the calibration machine, where 1 gas is 1 ns of preparing
/// ordinary code (docs/gas.md §9).
pub const PREPARE_GAS_BASE: u64 = 1_000;
/// The per-byte part `b` of the preparation-gas formula (docs/gas.md §8): ordinary code
/// prepares at 15.2 ns per byte on the calibration machine, rounded up.
pub const PREPARE_GAS_PER_BYTE: u64 = 16;

/// Gas for preparing (decoding, validating, translating) a module of `len` bytes:
/// `a + b * len`, linear by construction.
pub fn prepare_gas(len: usize) -> u64 {
    PREPARE_GAS_BASE.saturating_add(PREPARE_GAS_PER_BYTE.saturating_mul(len as u64))
}
