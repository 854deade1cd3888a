//! The linker: named definitions (host functions and externals) that satisfy imports by
//! module and field name.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::func::{HostFunc, IntoFunc};
use crate::instance::{instantiate, Extern};
use crate::store::{AsContext, AsContextMut, Store};
use crate::value::{FuncType, Val};
use crate::{Caller, Engine, Error, Func, Instance, Module, Trap};

enum Definition<T> {
    Extern(Extern),
    /// A host function, allocated in the store at each instantiation that imports it.
    Host(FuncType, HostFunc<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Extern(e) => Self::Extern(*e),
            Self::Host(ty, f) => Self::Host(ty.clone(), Arc::clone(f)),
        }
    }
}

/// Definitions by `(module, name)`, used to resolve a module's imports.
pub struct Linker<T> {
    engine: Engine,
    defs: BTreeMap<(Box<str>, Box<str>), Definition<T>>,
    allow_shadowing: bool,
    /// Declared host costs for the static bounds (docs/bounds.md).
    costs: crate::BoundsConfig,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Self {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
            allow_shadowing: self.allow_shadowing,
            costs: self.costs.clone(),
        }
    }
}

impl<T> Linker<T> {
    pub fn new(engine: &Engine) -> Self {
        Self { engine: engine.clone(), defs: BTreeMap::new(), allow_shadowing: false, costs: Default::default() }
    }

    /// Declares the most gas host function `module::name` charges per call (with
    /// `Caller::consume_gas`), for the static bounds: the function must not call back into
    /// Wasm. A usage error if no host function of that name is defined.
    pub fn declare_cost(&mut self, module: &str, name: &str, gas: u64) -> Result<&mut Self, Error> {
        if self.host_func_type(module, name).is_none() {
            return Err(Error::Usage(format!("no host function `{module}::{name}` to declare a cost for")));
        }
        self.costs.host_costs.insert((module.to_string(), name.to_string()), gas);
        Ok(self)
    }

    /// The host costs declared with [`Linker::declare_cost`], for [`Module::bounds_with`].
    pub fn bounds_config(&self) -> &crate::BoundsConfig {
        &self.costs
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self, Error> {
        let key = (Box::from(module), Box::from(name));
        if !self.allow_shadowing && self.defs.contains_key(&key) {
            return Err(Error::Link(format!("`{module}::{name}` is already defined")));
        }
        self.defs.insert(key, def);
        Ok(self)
    }

    /// Defines a host function from a typed Rust closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        let (ty, host) = f.into_func();
        self.insert(module, name, Definition::Host(ty, host))
    }

    /// Defines a host function with an explicit type and untyped arguments.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Host(ty, Arc::new(f)))
    }

    /// Defines an external of a store.
    pub fn define(&mut self, module: &str, name: &str, ext: impl Into<Extern>) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(ext.into()))
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(
        &mut self,
        ctx: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        for (name, ext) in instance.exports(&ctx)? {
            self.define(module, &name, ext)?;
        }
        Ok(self)
    }

    /// The type of the host function defined as `module::name`, if that is what is defined.
    pub fn host_func_type(&self, module: &str, name: &str) -> Option<FuncType> {
        match self.defs.get(&(Box::from(module), Box::from(name)))? {
            Definition::Host(ty, _) => Some(ty.clone()),
            Definition::Extern(_) => None,
        }
    }

    /// The host functions defined under `module`, with their types, in name order.
    pub fn host_funcs<'a>(&'a self, module: &'a str) -> impl Iterator<Item = (&'a str, FuncType)> + 'a {
        self.defs.iter().filter_map(move |((m, name), def)| match def {
            Definition::Host(ty, _) if &**m == module => Some((&**name, ty.clone())),
            _ => None,
        })
    }

    /// The external defined as `module::name`, allocating a host function in the store if
    /// that is what is defined.
    pub fn get(&self, mut ctx: impl AsContextMut<Data = T>, module: &str, name: &str) -> Option<Extern> {
        let def = self.defs.get(&(Box::from(module), Box::from(name)))?;
        Some(self.resolve(ctx.store_mut(), def))
    }

    fn resolve(&self, store: &mut Store<T>, def: &Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => *e,
            Definition::Host(ty, f) => Extern::Func(Func::from_host(store, ty.clone(), Arc::clone(f))),
        }
    }

    /// Resolves `module`'s imports by name and instantiates it, running its start function.
    pub fn instantiate(&self, mut ctx: impl AsContextMut<Data = T>, module: &Module) -> Result<Instance, Error> {
        let store = ctx.store_mut();
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for import in &module.inner.imports {
            let (m, n) = (module.inner.name(import.module), module.inner.name(import.name));
            let def = self
                .defs
                .get(&(Box::from(m), Box::from(n)))
                .ok_or_else(|| Error::Link(format!("unknown import `{m}::{n}`")))?;
            imports.push(self.resolve(store, def));
        }
        instantiate(store, module, &imports)
    }
}
