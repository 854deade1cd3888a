//! Resumable calls: [`Func::call_resumable`] and [`TypedFunc::call_resumable`] run a call
//! that can stop and continue later, when it runs out of gas or when a host function returns
//! a [`Trap::resumable`] error (docs/resume.md).
//!
//! Guarantees:
//! - **Gas is as if nothing paused**: a failed charge is not applied (docs/gas.md §5) and is
//!   made again, in full, on resumption, so a call paused and resumed any number of times
//!   uses exactly the gas of the same call run uninterrupted with enough gas, and ends with
//!   the same results, memory, globals and trap.
//! - A suspended call is data: the handle owns its value and frame stacks (taken from the
//!   store, handed back when it finishes). Dropping a handle frees them and leaves the store
//!   usable; resuming in another store is [`Error::Usage`].
//! - Plain calls do not pay for this: the interpreter saves its position only on the cold
//!   path of a failed charge, and compiled code only in the out-of-line stub of each charge.
//! - A resumable call runs on the module's tier: a compiled module's call stops in compiled
//!   code and continues there (`compile/driver.rs`, `JitCall`).

use std::fmt;

#[cfg(target_arch = "x86_64")]
use crate::compile::JitCall;
use crate::exec::{self, Bounds, Resume, Stack, Stop};
use crate::func::MAX_TYPED;
use crate::store::{AsContextMut, Store};
use crate::value::{from_cell, to_cell, FuncType, Val, ValType};
use crate::{Error, Func, Trap, TrapCode, TypedFunc, WasmParams, WasmResults};

/// The outcome of a resumable call: its results, or a handle to continue it.
///
/// `R` is `Vec<Val>` for [`Func::call_resumable`] and the typed results for
/// [`TypedFunc::call_resumable`].
#[derive(Debug)]
pub enum ResumableCall<R> {
    /// The call returned these results.
    Finished(R),
    /// A charge did not fit in the gas left: top the store up and call
    /// [`ResumableOutOfGas::resume`].
    OutOfGas(ResumableOutOfGas<R>),
    /// A host function returned a [`Trap::resumable`] error: call
    /// [`ResumableHostTrap::resume`] with the values it should have returned.
    HostTrap(ResumableHostTrap<R>),
}

/// A call stopped before a charge it could not pay. Nothing of that charge was applied.
pub struct ResumableOutOfGas<R> {
    call: Suspended<R>,
    at: Position,
    need: u64,
}

/// A call stopped in a host function that returned a [`Trap::resumable`] error.
pub struct ResumableHostTrap<R> {
    call: Suspended<R>,
    /// Where the guest continues; `None` if the host function was the called function.
    at: Option<Position>,
    /// The first cell of the host function's results.
    base: usize,
    /// The host function's result types.
    results: Box<[ValType]>,
    trap: Trap,
}

/// Where a stopped call continues, on its tier.
#[derive(Debug)]
enum Position {
    /// On the interpreter, at this instruction.
    Interpreter(Resume),
    /// In compiled code, where the call stopped.
    #[cfg(target_arch = "x86_64")]
    Compiled(Box<JitCall>),
}

/// Runs `at` until the call finishes or stops again.
fn run_at<T>(store: &mut Store<T>, stack: &mut Stack, bounds: &Bounds, at: Position) -> Result<(), Stop<Position>> {
    match at {
        Position::Interpreter(at) => {
            exec::resume(store, stack, bounds, at).map_err(|stop| stop.map_at(Position::Interpreter))
        }
        #[cfg(target_arch = "x86_64")]
        Position::Compiled(mut call) => {
            let r = if store.inner.engine.config().metering.is_some() {
                call.run::<T, true>(store, stack, bounds)
            } else {
                call.run::<T, false>(store, stack, bounds)
            };
            r.map_err(|stop| stop.map_at(|()| Position::Compiled(call)))
        }
    }
}

/// What every handle keeps: the call's stacks and how to finish it.
struct Suspended<R> {
    store: u32,
    stack: Stack,
    bounds: Bounds,
    ty: FuncType,
    finish: fn(&[u64], &FuncType, u32) -> R,
}

impl<R> fmt::Debug for ResumableOutOfGas<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumableOutOfGas").field("required_gas", &self.need).finish_non_exhaustive()
    }
}

impl<R> fmt::Debug for ResumableHostTrap<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumableHostTrap").field("host_error", &self.trap).finish_non_exhaustive()
    }
}

impl<R> ResumableOutOfGas<R> {
    /// The gas of the charge that failed: the gas left must be at least this for the call
    /// to go on (it may run out again later).
    pub fn required_gas(&self) -> u64 {
        self.need
    }

    /// Continues the call after the store's gas was topped up
    /// ([`Store::set_gas`]). If the gas left is still short, the call stops again at the
    /// same charge, unchanged. Another store's call is [`Error::Usage`].
    pub fn resume<T>(self, mut ctx: impl AsContextMut<Data = T>) -> Result<ResumableCall<R>, Error> {
        let store = ctx.store_mut();
        self.call.check(store)?;
        self.call.run(store, self.at)
    }
}

impl<R> ResumableHostTrap<R> {
    /// The error the host function returned.
    pub fn host_error(&self) -> &Trap {
        &self.trap
    }

    /// The types of the values [`ResumableHostTrap::resume`] expects.
    pub fn host_result_types(&self) -> &[ValType] {
        &self.results
    }

    /// Continues the call as if the host function had returned `values`. Values of the
    /// wrong number or types, or a call of another store, are [`Error::Usage`] and consume
    /// the handle (the call is dropped).
    pub fn resume<T>(
        mut self,
        mut ctx: impl AsContextMut<Data = T>,
        values: &[Val],
    ) -> Result<ResumableCall<R>, Error> {
        let store = ctx.store_mut();
        self.call.check(store)?;
        if values.len() != self.results.len() {
            return Err(Error::Usage(format!(
                "the host function returns {} values, {} given",
                self.results.len(),
                values.len()
            )));
        }
        for (v, t) in values.iter().zip(self.results.iter()) {
            if v.ty() != *t {
                return Err(Error::Usage(format!("host result of type {} where {t} is expected", v.ty())));
            }
            if let Val::FuncRef(Some(f)) = v {
                store.inner.check(f.store)?;
            }
        }
        for (i, v) in values.iter().enumerate() {
            self.call.stack.cells[self.base + i] = to_cell(v);
        }
        match self.at {
            Some(at) => self.call.run(store, at),
            None => Ok(self.call.finished(store)),
        }
    }
}

impl<R> Suspended<R> {
    fn check<T>(&self, store: &Store<T>) -> Result<(), Error> {
        if store.inner.id != self.store {
            return Err(Error::Usage("a resumable call resumed in a store other than its own".into()));
        }
        Ok(())
    }

    /// Runs from `at` until the call finishes or stops again.
    fn run<T>(mut self, store: &mut Store<T>, at: Position) -> Result<ResumableCall<R>, Error> {
        let outcome = run_at(store, &mut self.stack, &self.bounds, at);
        self.outcome(store, outcome)
    }

    fn outcome<T>(self, store: &mut Store<T>, outcome: Result<(), Stop<Position>>) -> Result<ResumableCall<R>, Error> {
        match outcome {
            Ok(()) => Ok(self.finished(store)),
            Err(Stop::Trap(trap)) => {
                self.give_back(store);
                Err(trap.into())
            }
            Err(Stop::OutOfGas { at, need }) => Ok(ResumableCall::OutOfGas(ResumableOutOfGas { call: self, at, need })),
            Err(Stop::Host { at, base, func, trap }) => {
                let results = store.inner.funcs[func as usize].ty.results().into();
                Ok(ResumableCall::HostTrap(ResumableHostTrap { call: self, at, base, results, trap }))
            }
        }
    }

    fn finished<T>(self, store: &mut Store<T>) -> ResumableCall<R> {
        let results = (self.finish)(&self.stack.cells, &self.ty, self.store);
        self.give_back(store);
        ResumableCall::Finished(results)
    }

    /// Returns the stacks to the store for reuse, unless it has other ones by now.
    fn give_back<T>(mut self, store: &mut Store<T>) {
        if store.inner.stack.cells.capacity() == 0 {
            self.stack.reset();
            store.inner.stack = self.stack;
        }
    }
}

/// Starts a resumable call of `func` (checked to belong to `store`, its arguments to match).
fn start<T, R>(
    store: &mut Store<T>,
    func: Func,
    args: &[u64],
    finish: fn(&[u64], &FuncType, u32) -> R,
) -> Result<ResumableCall<R>, Error> {
    let ty = store.inner.funcs[func.index as usize].ty.clone();
    let Some(bounds) = exec::call_bounds(store) else {
        return Err(Trap::new(TrapCode::CallStackExhausted).into());
    };
    let mut stack = std::mem::take(&mut store.inner.stack);
    let outcome = match exec::enter_resumable(store, &mut stack, &bounds, func.index, args, ty.results().len()) {
        Err(stop) => Err(stop.map_at(Position::Interpreter)),
        Ok(None) => Ok(()),
        Ok(Some((instance, index, cf))) => {
            let at = entry_position(store, &mut stack, &bounds, instance, index, &cf);
            run_at(store, &mut stack, &bounds, at)
        }
    };
    let call = Suspended { store: store.inner.id, stack, bounds, ty, finish };
    call.outcome(store, outcome)
}

/// Where a call of function `index` of `instance`, set up at frame 0 of `stack`, starts: in
/// compiled code if its module has native code, else on the interpreter.
fn entry_position<T>(
    store: &Store<T>,
    stack: &mut Stack,
    bounds: &Bounds,
    instance: u32,
    index: u32,
    cf: &crate::translate::CompiledFunc,
) -> Position {
    #[cfg(target_arch = "x86_64")]
    if store.inner.instances[instance as usize].module.native.is_some() {
        return Position::Compiled(Box::new(JitCall::new(store, stack, instance, index, cf, bounds)));
    }
    let _ = (store, stack, bounds, index);
    Position::Interpreter(exec::entered(instance, cf))
}

fn untyped_results(cells: &[u64], ty: &FuncType, store: u32) -> Vec<Val> {
    ty.results().iter().zip(cells).map(|(t, c)| from_cell(*t, *c, store)).collect()
}

fn typed_results<R: WasmResults>(cells: &[u64], _: &FuncType, _: u32) -> R {
    R::read_cells(&cells[..R::LEN])
}

impl Func {
    /// Calls the function like [`Func::call`], but a call that runs out of gas, or whose
    /// host function returns a [`Trap::resumable`] error, stops with a handle to continue
    /// it instead of failing ([`ResumableCall`]). Gas, results, memory and traps are those
    /// of the same call run without stopping (docs/resume.md). Other traps are `Err`.
    ///
    /// ```
    /// use gasket::{Config, Engine, GasSchedule, Linker, Module, ResumableCall, Store, Val};
    /// let engine = Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() });
    /// let module = Module::new(&engine, r#"(module (func (export "count") (param i32) (result i32)
    ///     (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    ///     (local.get 0)))"#)?;
    /// let mut store = Store::new(&engine, ());
    /// let count = Linker::new(&engine).instantiate(&mut store, &module)?.get_func(&store, "count").unwrap();
    /// store.set_gas(10);
    /// let mut call = count.call_resumable(&mut store, &[Val::I32(100)])?;
    /// let mut pauses = 0;
    /// let results = loop {
    ///     match call {
    ///         ResumableCall::Finished(results) => break results,
    ///         ResumableCall::OutOfGas(handle) => {
    ///             pauses += 1;
    ///             store.set_gas(store.gas_left().unwrap() + 10);
    ///             call = handle.resume(&mut store)?;
    ///         }
    ///         ResumableCall::HostTrap(_) => unreachable!("no host functions"),
    ///     }
    /// };
    /// assert_eq!(results, [Val::I32(0)]);
    /// assert!(pauses > 10);
    /// # Ok::<(), gasket::Error>(())
    /// ```
    pub fn call_resumable<T>(
        &self,
        mut ctx: impl AsContextMut<Data = T>,
        params: &[Val],
    ) -> Result<ResumableCall<Vec<Val>>, Error> {
        let store = ctx.store_mut();
        store.inner.check(self.store)?;
        let ty = store.inner.funcs[self.index as usize].ty.clone();
        crate::func::check_vals("argument", params, ty.params(), &store.inner)?;
        let args: Vec<u64> = params.iter().map(to_cell).collect();
        start(store, *self, &args, untyped_results)
    }
}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// [`Func::call_resumable`] with typed parameters and results.
    pub fn call_resumable<T>(
        &self,
        mut ctx: impl AsContextMut<Data = T>,
        params: Params,
    ) -> Result<ResumableCall<Results>, Error> {
        let store = ctx.store_mut();
        store.inner.check(self.func().store)?;
        let mut args = [0u64; MAX_TYPED];
        params.write_cells(&mut args);
        start(store, self.func(), &args[..Params::LEN], typed_results::<Results>)
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use crate::{Config, Engine, GasSchedule, Linker, Module, Tier};

    /// A compiled module's resumable call stops in compiled code, not on the interpreter.
    #[test]
    fn a_compiled_call_stops_in_compiled_code() {
        let config = Config { tier: Tier::Compiler, metering: Some(GasSchedule::default()), ..Config::default() };
        let engine = Engine::new(&config);
        let wat = r#"(module
            (import "host" "wait" (func $wait (param i32) (result i32)))
            (func (export "count") (param i32) (result i32)
                (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                (call $wait (local.get 0))))"#;
        let module = Module::new(&engine, wat).unwrap();
        let mut linker = Linker::new(&engine);
        linker
            .func_new("host", "wait", FuncType::new([ValType::I32], [ValType::I32]), |_, _, _| {
                Err(Trap::resumable("wait"))
            })
            .unwrap();
        let mut store = Store::new(&engine, ());
        let count = linker.instantiate(&mut store, &module).unwrap().get_func(&store, "count").unwrap();
        store.set_gas(20);
        let mut call = count.call_resumable(&mut store, &[Val::I32(50)]).unwrap();
        let (mut out_of_gas, mut host) = (0, 0);
        let results = loop {
            call = match call {
                ResumableCall::Finished(results) => break results,
                ResumableCall::OutOfGas(handle) => {
                    assert!(matches!(handle.at, Position::Compiled(_)), "{:?}", handle.at);
                    out_of_gas += 1;
                    store.set_gas(store.gas_left().unwrap() + 20);
                    handle.resume(&mut store).unwrap()
                }
                ResumableCall::HostTrap(handle) => {
                    assert!(matches!(handle.at, Some(Position::Compiled(_))), "{:?}", handle.at);
                    host += 1;
                    handle.resume(&mut store, &[Val::I32(7)]).unwrap()
                }
            }
        };
        assert_eq!(results, [Val::I32(7)]);
        assert!(out_of_gas > 5, "{out_of_gas}");
        assert_eq!(host, 1);
    }
}
