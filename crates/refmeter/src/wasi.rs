//! The reference meter's WASI prices (docs/gas.md §10), a deliberate second copy of the
//! numbers in gasket-wasi's function table, and the 46 `wasi_snapshot_preview1` functions for
//! wasmi, charging them from this copy.
//!
//! What this checks: that gasket charges each WASI call exactly as docs/gas.md §10 says (base
//! by class, then per byte), alongside the Wasm charges the rewriter inserts. The functions'
//! behaviour, and the byte counts they report to a meter, come from gasket-wasi's
//! engine-independent core (`WasiCtx::call`): the semantics are shared, the prices are not.

use gasket_wasi::{Func, Meter, Stop, WasiCtx, FUNCTIONS, MODULE};
use wasmi::{Caller, Error, Extern, FuncType, Linker, Val, ValType};

use crate::runtime::{OutOfGas, RefState};

/// WASI prices, by class (docs/gas.md §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WasiSchedule {
    /// A call that reads or writes fixed-size values.
    pub small: u64,
    /// A call that resolves a path, walks a directory or polls.
    pub path: u64,
    /// `path_open`.
    pub open: u64,
    /// Per byte of variable-length data moved.
    pub per_byte: u64,
}

impl Default for WasiSchedule {
    fn default() -> Self {
        Self { small: 20, path: 50, open: 100, per_byte: 1 }
    }
}

/// The functions of the `path` class (docs/gas.md §10); `path_open` is `open`; the rest `small`.
const PATH_CLASS: [&str; 11] = [
    "fd_readdir",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
];

impl WasiSchedule {
    /// The base charge of the function called `name`.
    pub fn base(&self, name: &str) -> u64 {
        if name == "path_open" {
            self.open
        } else if PATH_CLASS.contains(&name) {
            self.path
        } else {
            self.small
        }
    }
}

/// Charges against a [`RefState`]'s gas from the reference schedule.
struct RefBudget {
    left: u64,
    used: u64,
    schedule: WasiSchedule,
}

impl RefBudget {
    fn charge(&mut self, gas: u64) -> Result<(), Stop> {
        self.left = self.left.checked_sub(gas).ok_or(Stop::OutOfGas)?;
        self.used += gas;
        Ok(())
    }
}

impl Meter for RefBudget {
    fn call(&mut self, func: Func) -> Result<(), Stop> {
        self.charge(self.schedule.base(func.name()))
    }
    fn bytes(&mut self, n: u64) -> Result<(), Stop> {
        self.charge(n.saturating_mul(self.schedule.per_byte))
    }
}

/// A WASI run stopped by `proc_exit` or an output cap (as a wasmi host error).
#[derive(Debug)]
pub struct WasiStop(pub Stop);

impl std::fmt::Display for WasiStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl wasmi::errors::HostError for WasiStop {}

/// Defines the 46 functions in `linker`, over [`RefState::wasi`], priced by `schedule`.
pub fn define_wasi(linker: &mut Linker<RefState>, schedule: WasiSchedule) -> Result<(), Error> {
    for spec in &FUNCTIONS {
        let params: Vec<ValType> =
            spec.params.bytes().map(|b| if b == b'I' { ValType::I64 } else { ValType::I32 }).collect();
        let results = if spec.func == Func::ProcExit { vec![] } else { vec![ValType::I32] };
        let func = spec.func;
        linker.func_new(
            MODULE,
            spec.name,
            FuncType::new(params, results),
            move |mut c: Caller<'_, RefState>, args, out| {
                let raw: Vec<u64> = args
                    .iter()
                    .map(|v| match v {
                        Val::I32(x) => *x as u32 as u64,
                        Val::I64(x) => *x as u64,
                        _ => 0,
                    })
                    .collect();
                let memory = c.get_export("memory").and_then(Extern::into_memory);
                let mut budget = RefBudget { left: c.data().gas_left(), used: 0, schedule };
                let mut ctx: WasiCtx = std::mem::take(&mut c.data_mut().wasi);
                let result = match memory {
                    Some(m) => ctx.call(func, &raw, m.data_mut(&mut c), &mut budget),
                    None => ctx.call(func, &raw, &mut [], &mut budget),
                };
                c.data_mut().wasi = ctx;
                c.data_mut().charge(budget.used)?;
                match result {
                    Ok(errno) => {
                        if let Some(slot) = out.first_mut() {
                            *slot = Val::I32(errno);
                        }
                        Ok(())
                    }
                    Err(Stop::OutOfGas) => Err(Error::host(OutOfGas)),
                    Err(stop) => Err(Error::host(WasiStop(stop))),
                }
            },
        )?;
    }
    Ok(())
}
