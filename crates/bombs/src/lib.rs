//! gasket-bombs: a deterministic generator of adversarial ("JIT bomb") WebAssembly modules,
//! for checking that module preparation (decode + validate + translate) costs time linear in
//! the module's size with a small constant, whatever the input.
//!
//! Every [`Family`] is one attack shape (deep nesting, huge `br_table`s, maximal locals, wide
//! multi-value traffic up to gasket's value-traffic budget, ...), plus an `ordinary` baseline of compiler-like code and a set of
//! `over_*` families that exceed exactly one default limit of gasket and must be rejected.
//! [`generate`] builds a module of a family at about a requested size; the same arguments
//! always give the same bytes.
//!
//! ```
//! use gasket_bombs::{generate, Family};
//! let wasm = generate(Family::BlockNest, 10_000);
//! assert!(wasm.starts_with(b"\0asm"));
//! ```
#![forbid(unsafe_code)]

mod branches;
mod builder;
mod control;
mod counts;
mod locals;
mod ordinary;
mod random;
mod rng;
mod stack;

/// Gasket's default structural limits (`gasket::Limits::default()`), mirrored here so that the
/// generator has no dependency on the engine; a test checks that they agree.
pub mod limits {
    pub const MAX_TYPES: u32 = 1024;
    pub const MAX_FUNCTIONS: u32 = 10_000;
    pub const MAX_IMPORTS: u32 = 1024;
    pub const MAX_GLOBALS: u32 = 1000;
    pub const MAX_LOCALS_PER_FUNCTION: u32 = 50_000;
    pub const MAX_LOCALS_TOTAL: u32 = 1_000_000;
    pub const MAX_FUNCTION_BODY_BYTES: u32 = 256 * 1024;
    pub const MAX_BLOCK_DEPTH: u32 = 1024;
    pub const MAX_BR_TABLE_TARGETS: u32 = 16_384;
    pub const MAX_TABLE_ELEMENTS: u32 = 10_000;
    pub const MAX_DATA_SEGMENTS: u32 = 10_000;
    pub const MAX_ELEMENT_SEGMENTS: u32 = 10_000;
    pub const MAX_PARAMS: u32 = 128;
    pub const MAX_RESULTS: u32 = 128;
    pub const MAX_VALUE_TRAFFIC_PER_BYTE: u32 = 2;
    /// Value traffic each function may have beyond the per-byte budget.
    pub const VALUE_TRAFFIC_PER_FUNCTION: usize = 8;
}

/// What gasket must do with a family's modules under its default configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A valid module within every default limit: must be accepted.
    Valid,
    /// Exceeds one default limit: must be rejected with `Error::Limit`, cheaply.
    OverLimit,
}

macro_rules! families {
    ($($variant:ident => $name:literal, $expect:ident, $doc:literal;)*) => {
        /// An attack family. See [`Family::describe`] for each one's shape.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Family {
            $(#[doc = $doc] $variant,)*
        }

        impl Family {
            /// Every family, the `ordinary` baseline first.
            pub const ALL: &'static [Family] = &[$(Family::$variant,)*];

            /// Short snake_case name, stable across versions (used in reports).
            pub fn name(self) -> &'static str {
                match self { $(Family::$variant => $name,)* }
            }

            /// Whether gasket must accept or reject the family's modules.
            pub fn expect(self) -> Expect {
                match self { $(Family::$variant => Expect::$expect,)* }
            }

            /// One line on the family's shape.
            pub fn describe(self) -> &'static str {
                match self { $(Family::$variant => $doc,)* }
            }
        }
    };
}

families! {
    Ordinary => "ordinary", Valid,
        "Baseline: compiler-like functions mixing arithmetic, loads/stores, calls, call_indirect, if/else, loops and small br_tables.";
    DenseRandom => "dense_random", Valid,
        "Seeded stack-typed random code over all Wasm 2.0 value types: numerics, locals, globals, memory, nested blocks with multi-value types, br/br_if/br_table, calls.";
    BlockNest => "block_nest", Valid,
        "Blocks nested 1000 deep, chunk after chunk: empty ones, and i32-result ones with a br_if to the outermost at every level.";
    IfNest => "if_nest", Valid,
        "if/else nested 1000 deep: in the then arm with results, in the else arm, and empty ifs without else.";
    LoopNest => "loop_nest", Valid,
        "Loops nested 1000 deep with backward br_if at every level; empty loops and loops carrying an i32 parameter.";
    TinyLoops => "tiny_loops", Valid,
        "Thousands of tiny loops (wasmtime #3441): `loop end`, `block loop br_if 1 end end`, `loop br_if 0 end`.";
    BrTable => "br_table", Valid,
        "br_tables of 16,383 targets + default into 32 nested empty blocks, many per function.";
    BrTableValues => "br_table_values", Valid,
        "br_tables of 16,383 targets into nested i32-result blocks at differing stack heights, so targets need value moves.";
    BrTableWide => "br_table_wide", Valid,
        "br_tables into 16 blocks with 128 i32 results (max_results) at differing heights, each entry moving 128 values, padded with empty if/else to the value-traffic budget.";
    BrIfWide => "br_if_wide", Valid,
        "Repeated br_if carrying 32 deferred local values out of a 32-result block, off the label's slots so every br_if copies them, padded with empty if/else to the value-traffic budget.";
    BlockParamsWide => "block_params_wide", Valid,
        "Back-to-back `if`/`else` of type [i32 x6] -> [i32 x6], spending the value-traffic budget exactly (`else` re-pushes the parameters uncounted).";
    CallResultsWide => "call_results_wide", Valid,
        "Chains of calls to a function of type [i32 x128] -> [i32 x128] (max_params, max_results), padded with empty if/else to the value-traffic budget.";
    UnreachableWide => "unreachable_wide", Valid,
        "Functions with 128 results: 9,000 whose body is `unreachable end` (their own results are no traffic), then dead code of return, br_if and 128-wide calls padded with `if end` to the value-traffic budget.";
    MaxLocals => "max_locals", Valid,
        "20 functions with 50,000 locals each (1,000,000 in total) touching high-index locals of all types.";
    LocalGetSet => "local_get_set", Valid,
        "Thousands of deferred `local.get 0` then local.set/local.tee of local 0 and block entries.";
    LocalScan => "local_scan", Valid,
        "K distinct locals pushed deep, N constants above, then local.set of each: targets the deferred-operand preservation scan.";
    SelectTee => "select_tee", Valid,
        "Random select / typed select / local.tee / local.set traffic over a shallow stack.";
    StackHeight => "stack_height", Valid,
        "Straight-line code pushing 5,000 values (constants and locals) then folding them with adds.";
    ManyFunctions => "many_functions", Valid,
        "Up to 10,000 small functions (max_functions) calling each other.";
    ManyTypes => "many_types", Valid,
        "Up to 1024 distinct function types (max_types) used by functions and call_indirect.";
    ManyParams => "many_params", Valid,
        "Functions with 128 parameters (max_params) calling each other with all arguments.";
    ManyGlobals => "many_globals", Valid,
        "1000 globals (max_globals) of all types read and written by the code.";
    ManyImports => "many_imports", Valid,
        "1024 imported functions (max_imports) called by the code.";
    ManyDataSegments => "many_data_segments", Valid,
        "Up to 10,000 data segments (max_data_segments), active and passive, used by memory.init/data.drop.";
    ManyElemSegments => "many_elem_segments", Valid,
        "Up to 10,000 element segments (max_element_segments) of function references, used by table.init/elem.drop.";
    OverTypes => "over_types", OverLimit, "1025 types: one over max_types.";
    OverFunctions => "over_functions", OverLimit, "10,001 functions: one over max_functions.";
    OverParams => "over_params", OverLimit, "A type with 129 parameters: one over max_params.";
    OverResults => "over_results", OverLimit, "A type with 129 results: one over max_results.";
    OverGlobals => "over_globals", OverLimit, "1001 globals: one over max_globals.";
    OverImports => "over_imports", OverLimit, "1025 imports: one over max_imports.";
    OverDataSegments => "over_data_segments", OverLimit, "10,001 data segments (declared by a data count section before the code).";
    OverElemSegments => "over_elem_segments", OverLimit, "10,001 element segments: one over max_element_segments.";
    OverLocals => "over_locals", OverLimit, "A function with 50,001 locals: one over max_locals_per_function.";
    OverLocalsTotal => "over_locals_total", OverLimit, "21 functions of 50,000 locals: over max_locals_total.";
    OverBlockDepth => "over_block_depth", OverLimit, "Blocks nested 1025 deep: one over max_block_depth.";
    OverBrTable => "over_br_table", OverLimit, "A br_table of 16,385 entries: one over max_br_table_targets.";
    OverBodyBytes => "over_body_bytes", OverLimit, "A function body of 256 KiB + 1: over max_function_body_bytes.";
    OverValueTraffic => "over_value_traffic", OverLimit, "A 4-byte body whose `return` moves 9 values: one over max_value_traffic_per_byte.";
}

impl Family {
    /// The family named `name` (as returned by [`Family::name`]).
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The smallest module the family can produce; [`generate`] returns at least this many
    /// bytes whatever the target (over-limit families need room for the excess itself).
    pub fn min_bytes(self) -> usize {
        match self {
            Family::OverFunctions => 40_000,
            Family::OverDataSegments => 20_000,
            Family::OverElemSegments => 30_000,
            Family::OverBrTable => 16_500,
            Family::OverBodyBytes => limits::MAX_FUNCTION_BODY_BYTES as usize + 16,
            _ => 0,
        }
    }
}

/// [`generate`] from other random draws: variant 0 is `generate`'s module; another variant of
/// a family drawn at random (operator mixes, signatures, targets) is another module of the
/// same kind and about the same size, and of a family built without random draws the same
/// bytes. Deterministic. For measuring small modules without preparing one module thousands
/// of times in a row, which a processor learns (its branch predictors and caches): prepared
/// that way, a 10 KB `select_tee` module took 21 ns per byte, and eight variants in turn 29.
pub fn generate_variant(family: Family, target_bytes: usize, variant: u64) -> Vec<u8> {
    let _variant = rng::Variant::enter(variant);
    generate(family, target_bytes)
}

/// Generates a module of `family` of about `target_bytes` (within a few percent from 10 KB to
/// 4 MB, or [`Family::min_bytes`] if larger). Deterministic: the same arguments give the same
/// bytes.
pub fn generate(family: Family, target_bytes: usize) -> Vec<u8> {
    let t = target_bytes.max(1024);
    match family {
        Family::Ordinary => ordinary::module(t),
        Family::DenseRandom => random::module(t),
        Family::BlockNest => control::block_nest(t),
        Family::IfNest => control::if_nest(t),
        Family::LoopNest => control::loop_nest(t),
        Family::TinyLoops => control::tiny_loops(t),
        Family::BrTable => branches::br_table(t),
        Family::BrTableValues => branches::br_table_values(t),
        Family::BrTableWide => branches::br_table_wide(t),
        Family::BrIfWide => branches::br_if_wide(t),
        Family::BlockParamsWide => stack::block_params_wide(t),
        Family::CallResultsWide => stack::call_results_wide(t),
        Family::UnreachableWide => stack::unreachable_wide(t),
        Family::MaxLocals => locals::max_locals(t),
        Family::LocalGetSet => locals::local_get_set(t),
        Family::LocalScan => locals::local_scan(t),
        Family::SelectTee => locals::select_tee(t),
        Family::StackHeight => stack::stack_height(t),
        Family::ManyFunctions => counts::many_functions(t),
        Family::ManyTypes => counts::many_types(t),
        Family::ManyParams => counts::many_params(t),
        Family::ManyGlobals => counts::many_globals(t, limits::MAX_GLOBALS),
        Family::ManyImports => counts::many_imports(t, limits::MAX_IMPORTS),
        Family::ManyDataSegments => counts::many_data(t, limits::MAX_DATA_SEGMENTS),
        Family::ManyElemSegments => counts::many_elems(t, limits::MAX_ELEMENT_SEGMENTS),
        Family::OverTypes => counts::over_types(t),
        Family::OverFunctions => counts::over_functions(t),
        Family::OverParams => counts::over_arity(t, true),
        Family::OverResults => counts::over_arity(t, false),
        Family::OverGlobals => counts::many_globals(t, limits::MAX_GLOBALS + 1),
        Family::OverImports => counts::many_imports(t, limits::MAX_IMPORTS + 1),
        Family::OverDataSegments => counts::many_data(t, limits::MAX_DATA_SEGMENTS + 1),
        Family::OverElemSegments => counts::many_elems(t, limits::MAX_ELEMENT_SEGMENTS + 1),
        Family::OverLocals => locals::over_locals(t, false),
        Family::OverLocalsTotal => locals::over_locals(t, true),
        Family::OverBlockDepth => control::over_block_depth(t),
        Family::OverBrTable => branches::over_br_table(t),
        Family::OverBodyBytes => stack::over_body_bytes(t),
        Family::OverValueTraffic => stack::over_value_traffic(t),
    }
}
