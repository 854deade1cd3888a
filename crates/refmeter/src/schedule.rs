//! The gas schedule the reference meter implements: the numbers of docs/gas.md §2, with the
//! same field names as `gasket::GasSchedule`, so a test can copy one into the other field by
//! field. This crate never reads gasket's own type: independence is the point.

/// Costs per class of Wasm operator, in gas (docs/gas.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Schedule {
    /// Every operator not listed below (numeric operators, constants, `drop`, `select`,
    /// reference operators, `memory.size`, `table.size/get/set`, `data.drop`, `elem.drop`,
    /// `unreachable`).
    pub base: u64,
    /// `nop`, `block`, `loop`, `else`, `end`.
    pub free: u64,
    /// `local.get`, `local.set`, `local.tee`.
    pub local: u64,
    /// `global.get`, `global.set`.
    pub global: u64,
    /// Every `*.load*`.
    pub load: u64,
    /// Every `*.store*`.
    pub store: u64,
    /// `br`, `br_if`, `br_table`, `if`, `return`.
    pub branch: u64,
    /// `call`.
    pub call: u64,
    /// `call_indirect`.
    pub call_indirect: u64,
    /// Per declared local (parameters excluded), charged with the function's first run.
    pub entry_per_local: u64,
    /// `memory.grow`, static part.
    pub memory_grow: u64,
    /// Per page actually added by `memory.grow` (dynamic).
    pub memory_grow_per_page: u64,
    /// `memory.fill`, `memory.copy`, `memory.init`, static part.
    pub bulk_memory: u64,
    /// Per started 8-byte word of the length operand of a bulk memory operator (dynamic).
    pub bulk_memory_per_word: u64,
    /// `table.grow`, static part.
    pub table_grow: u64,
    /// `table.fill`, `table.copy`, `table.init`, static part.
    pub bulk_table: u64,
    /// Per element added by `table.grow` or covered by a bulk table operator (dynamic).
    pub table_per_element: u64,
}

impl Default for Schedule {
    /// The defaults of the table in docs/gas.md §2.
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

impl Schedule {
    /// Dynamic charge of `memory.grow` by `delta` pages (only made when the growth succeeds).
    pub fn memory_grow_charge(&self, delta: u32) -> u64 {
        self.memory_grow_per_page.saturating_mul(u64::from(delta))
    }

    /// Dynamic charge of a bulk memory operator of length `n`: per started 8-byte word.
    pub fn bulk_memory_charge(&self, n: u32) -> u64 {
        self.bulk_memory_per_word.saturating_mul(u64::from(n).div_ceil(8))
    }

    /// Dynamic charge of `table.grow` by `delta`, or of a bulk table operator of length `n`.
    pub fn table_charge(&self, n: u32) -> u64 {
        self.table_per_element.saturating_mul(u64::from(n))
    }
}
