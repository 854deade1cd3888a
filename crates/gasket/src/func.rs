//! Functions: handles, host functions, typed and untyped calls, and the [`Caller`] a host
//! function receives.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::exec;
use crate::instance::Extern;
use crate::store::{AsContext, AsContextMut, FuncKind, Store, StoreInner};
use crate::value::{from_cell, to_cell, FuncType, Val, ValType};
use crate::{Error, Instance, Trap};

/// A host function in untyped form.
pub(crate) type HostFunc<T> =
    Arc<dyn Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static>;

/// A function of a store: defined by a module or by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Func {
    /// A host function with an explicit type. The closure gets the arguments and writes the
    /// results, which arrive initialized to zero values of the result types.
    pub fn new<T>(
        mut ctx: impl AsContextMut<Data = T>,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Self {
        Self::from_host(ctx.store_mut(), ty, Arc::new(f))
    }

    /// A host function from a Rust closure whose parameter and result types are Wasm types.
    pub fn wrap<T, Params, Results>(
        mut ctx: impl AsContextMut<Data = T>,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Self {
        let (ty, host) = f.into_func();
        Self::from_host(ctx.store_mut(), ty, host)
    }

    pub(crate) fn from_host<T>(store: &mut Store<T>, ty: FuncType, host: HostFunc<T>) -> Self {
        store.hosts.push(host);
        let host = store.hosts.len() as u32 - 1;
        let index = store.inner.alloc_func(ty, None, FuncKind::Host { host });
        Self { store: store.inner.id, index }
    }

    /// The function's type.
    pub fn ty(&self, ctx: impl AsContext) -> Result<FuncType, Error> {
        let inner = ctx.store_inner();
        inner.check(self.store)?;
        Ok(inner.funcs[self.index as usize].ty.clone())
    }

    /// Calls the function with untyped values. `results` must have the length of the
    /// function's results; its contents are overwritten.
    pub fn call<T>(
        &self,
        mut ctx: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = ctx.store_mut();
        store.inner.check(self.store)?;
        let ty = store.inner.funcs[self.index as usize].ty.clone();
        check_vals("argument", params, ty.params(), &store.inner)?;
        if results.len() != ty.results().len() {
            return Err(Error::Usage(format!("expected {} result slots, got {}", ty.results().len(), results.len())));
        }
        let args: Vec<u64> = params.iter().map(to_cell).collect();
        let mut out = vec![0u64; results.len()];
        exec::invoke(store, self.index, &args, &mut out)?;
        let id = store.inner.id;
        for ((slot, cell), t) in results.iter_mut().zip(out).zip(ty.results()) {
            *slot = from_cell(*t, cell, id);
        }
        Ok(())
    }

    /// A typed view of this function, after checking its type.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        ctx: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let inner = ctx.store_inner();
        inner.check(self.store)?;
        let ty = &inner.funcs[self.index as usize].ty;
        if !Params::matches(ty.params()) || !Results::matches(ty.results()) {
            return Err(Error::Usage(format!("function has type {ty}, which the typed view does not match")));
        }
        Ok(TypedFunc { func: *self, _marker: PhantomData })
    }
}

pub(crate) fn check_vals(what: &str, vals: &[Val], types: &[ValType], store: &StoreInner) -> Result<(), Error> {
    if vals.len() != types.len() {
        return Err(Error::Usage(format!("expected {} {what}s, got {}", types.len(), vals.len())));
    }
    for (v, t) in vals.iter().zip(types) {
        if v.ty() != *t {
            return Err(Error::Usage(format!("{what} of type {} where {t} is expected", v.ty())));
        }
        if let Val::FuncRef(Some(f)) = v {
            store.check(f.store)?;
        }
    }
    Ok(())
}

/// A function whose type has been checked against `Params` and `Results`.
#[derive(Debug)]
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, R> Copy for TypedFunc<P, R> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub fn func(&self) -> Func {
        self.func
    }

    /// Calls the function.
    pub fn call<T>(&self, mut ctx: impl AsContextMut<Data = T>, params: Params) -> Result<Results, Error> {
        let store = ctx.store_mut();
        store.inner.check(self.func.store)?;
        let mut args = [0u64; MAX_TYPED];
        params.write_cells(&mut args);
        let mut out = [0u64; MAX_TYPED];
        exec::invoke(store, self.func.index, &args[..Params::LEN], &mut out[..Results::LEN])?;
        Ok(Results::read_cells(&out))
    }
}

/// The most parameters or results a typed function may have.
pub(crate) const MAX_TYPED: usize = 8;

/// A Rust type that is a Wasm value type.
pub trait WasmTy: Copy + Send + Sync + 'static {
    const TY: ValType;
    fn into_cell(self) -> u64;
    fn from_cell(cell: u64) -> Self;
}

impl WasmTy for i32 {
    const TY: ValType = ValType::I32;
    fn into_cell(self) -> u64 {
        self as u32 as u64
    }
    fn from_cell(cell: u64) -> Self {
        cell as i32
    }
}
impl WasmTy for u32 {
    const TY: ValType = ValType::I32;
    fn into_cell(self) -> u64 {
        self as u64
    }
    fn from_cell(cell: u64) -> Self {
        cell as u32
    }
}
impl WasmTy for i64 {
    const TY: ValType = ValType::I64;
    fn into_cell(self) -> u64 {
        self as u64
    }
    fn from_cell(cell: u64) -> Self {
        cell as i64
    }
}
impl WasmTy for u64 {
    const TY: ValType = ValType::I64;
    fn into_cell(self) -> u64 {
        self
    }
    fn from_cell(cell: u64) -> Self {
        cell
    }
}
impl WasmTy for f32 {
    const TY: ValType = ValType::F32;
    fn into_cell(self) -> u64 {
        self.to_bits() as u64
    }
    fn from_cell(cell: u64) -> Self {
        f32::from_bits(cell as u32)
    }
}
impl WasmTy for f64 {
    const TY: ValType = ValType::F64;
    fn into_cell(self) -> u64 {
        self.to_bits()
    }
    fn from_cell(cell: u64) -> Self {
        f64::from_bits(cell)
    }
}

/// Parameters of a typed function: a Wasm type or a tuple of up to 8 of them.
pub trait WasmParams: Sized {
    const LEN: usize;
    fn types() -> Vec<ValType>;
    fn matches(types: &[ValType]) -> bool {
        Self::types() == types
    }
    fn write_cells(self, out: &mut [u64]);
    fn read_cells(cells: &[u64]) -> Self;
}

/// Results of a typed function: the same forms as [`WasmParams`].
pub trait WasmResults: WasmParams {}
impl<T: WasmParams> WasmResults for T {}

impl<A: WasmTy> WasmParams for A {
    const LEN: usize = 1;
    fn types() -> Vec<ValType> {
        vec![A::TY]
    }
    fn write_cells(self, out: &mut [u64]) {
        out[0] = self.into_cell()
    }
    fn read_cells(cells: &[u64]) -> Self {
        A::from_cell(cells[0])
    }
}

macro_rules! tuple_params {
    ($n:expr; $($t:ident $i:tt),*) => {
        impl<$($t: WasmTy),*> WasmParams for ($($t,)*) {
            const LEN: usize = $n;
            fn types() -> Vec<ValType> { vec![$($t::TY),*] }
            #[allow(unused_variables)]
            fn write_cells(self, out: &mut [u64]) { $(out[$i] = self.$i.into_cell();)* }
            #[allow(unused_variables, clippy::unused_unit)]
            fn read_cells(cells: &[u64]) -> Self { ($($t::from_cell(cells[$i]),)*) }
        }

        impl<T, F, $($t: WasmTy,)* R> IntoFunc<T, ($($t,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($t),*) -> R + Send + Sync + 'static,
            R: HostResult,
        {
            #[allow(non_snake_case, unused_variables, unused_mut)]
            fn into_func(self) -> (FuncType, HostFunc<T>) {
                let ty = FuncType::new(<($($t,)*) as WasmParams>::types(), R::Results::types());
                let host: HostFunc<T> = Arc::new(move |caller, params, results| {
                    let mut cells = [0u64; MAX_TYPED];
                    for (c, v) in cells.iter_mut().zip(params) {
                        *c = to_cell(v);
                    }
                    let ($($t,)*) = <($($t,)*) as WasmParams>::read_cells(&cells);
                    let r = (self)(caller, $($t),*).into_result()?;
                    let mut out = [0u64; MAX_TYPED];
                    r.write_cells(&mut out);
                    // The slots arrive holding zero values of the result types.
                    for (slot, cell) in results.iter_mut().zip(out) {
                        *slot = from_cell(slot.ty(), cell, 0);
                    }
                    Ok(())
                });
                (ty, host)
            }
        }
    };
}

tuple_params!(0;);
tuple_params!(1; A 0);
tuple_params!(2; A 0, B 1);
tuple_params!(3; A 0, B 1, C 2);
tuple_params!(4; A 0, B 1, C 2, D 3);
tuple_params!(5; A 0, B 1, C 2, D 3, E 4);
tuple_params!(6; A 0, B 1, C 2, D 3, E 4, G 5);
tuple_params!(7; A 0, B 1, C 2, D 3, E 4, G 5, H 6);
tuple_params!(8; A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7);

/// What a typed host closure may return: results, or results or a trap.
pub trait HostResult {
    type Results: WasmResults;
    fn into_result(self) -> Result<Self::Results, Trap>;
}

impl<R: WasmResults> HostResult for R {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        Ok(self)
    }
}

impl<R: WasmResults> HostResult for Result<R, Trap> {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        self
    }
}

/// A Rust closure that can become a host function.
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_func(self) -> (FuncType, HostFunc<T>);
}

/// What a host function sees of its caller: the store's host state and the calling
/// instance's exports (such as its memory).
pub struct Caller<'a, T> {
    store: &'a mut Store<T>,
    instance: Option<u32>,
}

impl<'a, T> Caller<'a, T> {
    pub(crate) fn new(store: &'a mut Store<T>, instance: Option<u32>) -> Self {
        Self { store, instance }
    }

    pub fn data(&self) -> &T {
        self.store.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// Charges `amount` gas for work the host function does (docs/gas.md §4). Returns the
    /// `OutOfGas` trap, leaving the gas unchanged, if too little is left; the host function
    /// should return it. Free when the engine does not meter.
    pub fn consume_gas(&mut self, amount: u64) -> Result<(), Trap> {
        self.store.inner.consume_gas(amount)
    }

    /// The gas left, or `None` when the engine does not meter.
    pub fn gas_left(&self) -> Option<u64> {
        self.store.gas_left()
    }

    /// An export of the calling instance, such as `"memory"`.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let instance = Instance { store: self.store.inner.id, index: self.instance? };
        instance.get_export(&*self.store, name)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn store_inner(&self) -> &StoreInner {
        &self.store.inner
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn store_mut(&mut self) -> &mut Store<T> {
        self.store
    }
}
