//! The binding of the WASI core to gasket: all 46 functions defined on a [`Linker`] under
//! `wasi_snapshot_preview1`, each charging the store's gas (docs/gas.md §10).
//!
//! Guarantees: a call sees the calling instance's exported `memory` (none: every pointer is
//! `EFAULT`); the gas it charged is taken from the store even when it then stops the run; a
//! stop (`proc_exit`, out of gas, an output cap) is recorded in the [`WasiCtx`] and ends the
//! run with a trap, at any call depth, which [`crate::run::outcome`] maps back.

use gasket::{Caller, Error, Extern, Linker, Trap, TrapCode, Val};

use crate::abi::{Spec, FUNCTIONS, MODULE};
use crate::ctx::{Stop, WasiCtx};
use crate::meter::Budget;

/// Defines every `wasi_snapshot_preview1` function in `linker`; `get` finds the run's
/// [`WasiCtx`] in the host state.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, get: fn(&mut T) -> &mut WasiCtx) -> Result<(), Error> {
    for spec in &FUNCTIONS {
        let spec: &'static Spec = spec;
        linker.func_new(MODULE, spec.name, spec.func_type(), move |mut caller: Caller<'_, T>, params, results| {
            let mut args = [0u64; 9];
            for (slot, v) in args.iter_mut().zip(params) {
                *slot = match v {
                    Val::I32(x) => *x as u32 as u64,
                    Val::I64(x) => *x as u64,
                    _ => 0,
                };
            }
            let memory = caller.get_export("memory").and_then(Extern::into_memory);
            let mut budget = Budget::new(caller.gas_left());
            let mut ctx = std::mem::take(get(caller.data_mut()));
            let result = match memory.map(|m| m.data_mut(&mut caller)) {
                Some(Ok(bytes)) => ctx.call(spec.func, &args[..params.len()], bytes, &mut budget),
                // The memory is the caller's own export, so this does not happen; if it did, the
                // context is put back and the call fails as a host trap.
                Some(Err(e)) => {
                    *get(caller.data_mut()) = ctx;
                    return Err(gasket::Trap::host(format!("WASI: {e}")));
                }
                None => ctx.call(spec.func, &args[..params.len()], &mut [], &mut budget),
            };
            if let Err(stop) = &result {
                ctx.set_stop(stop.clone());
            }
            *get(caller.data_mut()) = ctx;
            // Never fails: the budget charged at most the gas that was left.
            caller.consume_gas(budget.used)?;
            match result {
                Ok(errno) => {
                    if let Some(slot) = results.first_mut() {
                        *slot = Val::I32(errno);
                    }
                    Ok(())
                }
                Err(Stop::OutOfGas) => Err(Trap::new(TrapCode::OutOfGas)),
                Err(stop) => Err(Trap::host(stop.to_string())),
            }
        })?;
    }
    Ok(())
}
