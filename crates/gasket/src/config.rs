//! Engine configuration: structural [`Limits`] checked before any allocation, and the runtime
//! bounds on call depth and value-stack size that replace the native stack as the limit,
//! metering and the floating-point policy.

use crate::GasSchedule;

/// Structural limits on a module. Every one is checked while decoding, before the engine
/// allocates anything sized by the checked quantity, so that a few bytes declaring a huge
/// count produce [`Error::Limit`](crate::Error::Limit) instead of an allocation.
///
/// The defaults are conservative: each is at or below what blockchain runtimes in production
/// accept (NEAR, CosmWasm, Soroban, wasmi's strict limits), and each states its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Module size in bytes. Default 4 MiB: NEAR's contract size cap; larger contracts are not
    /// seen in practice and preparation cost is linear in this.
    pub max_module_bytes: u32,
    /// Entries in the type section. Default 1024: NEAR's cap; real modules use tens.
    pub max_types: u32,
    /// Functions, imported and defined. Default 10,000: NEAR's and wasmi's strict cap.
    pub max_functions: u32,
    /// Imports of all kinds. Default 1024: a host API has tens of functions.
    pub max_imports: u32,
    /// Exports of all kinds. Default 10,000: at most one per function.
    pub max_exports: u32,
    /// Globals, imported and defined. Default 1000: wasmi's strict cap.
    pub max_globals: u32,
    /// Locals of one function, parameters included. Default 50,000: every call zeroes its
    /// locals, so this bounds the cost of a single call instruction.
    pub max_locals_per_function: u32,
    /// Locals summed over all functions. Default 1,000,000: NEAR's cap; bounds the translator's
    /// per-local work for the whole module.
    pub max_locals_total: u32,
    /// Bytes of one function body. Default 256 KiB: NEAR's cap.
    pub max_function_body_bytes: u32,
    /// Nesting depth of `block`, `loop` and `if`. Default 1024: compilers emit far less, and the
    /// translator keeps one control frame per level.
    pub max_block_depth: u32,
    /// Targets of one `br_table`, default included. Default 16,384: bounds one instruction's
    /// table; switch lowering in compilers stays well below.
    pub max_br_table_targets: u32,
    /// Tables, imported and defined. Default 100: wasmi's strict cap.
    pub max_tables: u32,
    /// Elements of one table, initially and after `table.grow`. Default 10,000: NEAR's cap.
    pub max_table_elements: u32,
    /// Linear memory in 64 KiB pages, initially and after `memory.grow`. Default 1024 (64 MiB):
    /// every call of a contract gets a fresh memory, so this bounds per-call allocation.
    pub max_memory_pages: u32,
    /// Data segments. Default 10,000.
    pub max_data_segments: u32,
    /// Element segments. Default 10,000.
    pub max_element_segments: u32,
    /// Parameters of one function type. Default 128: well above what compilers emit.
    pub max_params: u32,
    /// Results of one function type or block type. Default 128.
    pub max_results: u32,
    /// Values a function body may move per byte of its code: the sum over its operators of
    /// branch label arities (`br_table`: per target), block parameters and results, `else`
    /// parameters and results, `end` results (the function's at the last `end`), `return`
    /// results, and call parameters and results; each function may also move 8 values beyond
    /// the budget (see `decode`). Default 2: compiled code moves well under one value per byte,
    /// while validating and translating a value costs as much as a few bytes of ordinary code,
    /// so without a budget 128-value signatures make preparation 50 times slower per byte.
    pub max_value_traffic_per_byte: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_module_bytes: 4 * 1024 * 1024,
            max_types: 1024,
            max_functions: 10_000,
            max_imports: 1024,
            max_exports: 10_000,
            max_globals: 1000,
            max_locals_per_function: 50_000,
            max_locals_total: 1_000_000,
            max_function_body_bytes: 256 * 1024,
            max_block_depth: 1024,
            max_br_table_targets: 16_384,
            max_tables: 100,
            max_table_elements: 10_000,
            max_memory_pages: 1024,
            max_data_segments: 10_000,
            max_element_segments: 10_000,
            max_params: 128,
            max_results: 128,
            max_value_traffic_per_byte: 2,
        }
    }
}

/// Default call depth: deep enough for recursive code compiled from Rust or C, small enough
/// that the frame stack (16 bytes a frame) stays under 256 KiB.
pub const DEFAULT_MAX_CALL_DEPTH: u32 = 16_384;

/// Default value-stack size in 8-byte cells: 1 Mi cells, 8 MiB, a common native stack size.
pub const DEFAULT_MAX_VALUE_STACK: u32 = 1 << 20;

/// How floating point is treated (docs/gas.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Floats {
    /// Floats are allowed; every operator that can produce a NaN produces the canonical NaN,
    /// so results are bit-identical on every platform.
    #[default]
    Canonicalize,
    /// Validation rejects every float type and operator.
    Deny,
}

/// Which tier runs an engine's code. Both give the same results, traps and gas, to the unit;
/// the compiler is faster, the interpreter prepares faster and runs everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tier {
    /// The interpreter (`exec/`), on every platform.
    #[default]
    Interpreter,
    /// The single-pass compiler (`compile/`), on x86-64; elsewhere preparing a module fails
    /// with [`Error::Unsupported`](crate::Error::Unsupported).
    Compiler,
    /// The compiler where it exists (x86-64), the interpreter elsewhere.
    Auto,
}

impl Tier {
    /// Whether modules are compiled; an error if the compiler was asked for on a platform
    /// without one.
    pub(crate) fn compiles(self) -> Result<bool, crate::Error> {
        let available = cfg!(target_arch = "x86_64");
        match self {
            Tier::Interpreter => Ok(false),
            Tier::Auto => Ok(available),
            Tier::Compiler if available => Ok(true),
            Tier::Compiler => Err(crate::Error::Unsupported {
                feature: "compiler tier",
                offset: 0,
                message: format!("the compiler tier exists for x86-64 only, not {}", std::env::consts::ARCH),
            }),
        }
    }
}

impl std::str::FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Tier, String> {
        match s {
            "interpreter" => Ok(Tier::Interpreter),
            "compiler" => Ok(Tier::Compiler),
            "auto" => Ok(Tier::Auto),
            other => Err(format!("unknown tier `{other}` (expected interpreter, compiler or auto)")),
        }
    }
}

/// Engine configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Structural limits checked during decoding.
    pub limits: Limits,
    /// Maximum number of active Wasm frames. Exceeding it traps with
    /// [`TrapCode::CallStackExhausted`](crate::TrapCode::CallStackExhausted).
    pub max_call_depth: u32,
    /// Maximum number of value-stack cells. Exceeding it traps with
    /// [`TrapCode::ValueStackExhausted`](crate::TrapCode::ValueStackExhausted).
    pub max_value_stack: u32,
    /// Gas metering (docs/gas.md): `Some(schedule)` meters every store of the engine; `None`
    /// compiles no metering at all.
    pub metering: Option<GasSchedule>,
    /// Floating-point policy.
    pub floats: Floats,
    /// The execution tier.
    pub tier: Tier,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_call_depth: DEFAULT_MAX_CALL_DEPTH,
            max_value_stack: DEFAULT_MAX_VALUE_STACK,
            metering: None,
            floats: Floats::default(),
            tier: Tier::default(),
        }
    }
}
