//! The `spectest` host module every spec script may import from: print functions that do
//! nothing, four immutable globals, a table and a memory, with the exact types the reference
//! interpreter gives them. Created once per script, so state written to the table or memory
//! is shared by every module of that script, as in the reference interpreter. Public, so that
//! other harnesses (the reference meter's equality tests) import the same module.

use gasket::{
    Caller, Error, Func, Global, Limits32, Linker, Memory, MemoryType, Store, Table, TableType, Val, ValType,
};

/// Allocates the `spectest` entities in `store` and defines them in `linker`.
pub fn define(store: &mut Store<()>, linker: &mut Linker<()>) -> Result<(), Error> {
    let funcs = [
        ("print", Func::wrap(&mut *store, |_: Caller<'_, ()>| {})),
        ("print_i32", Func::wrap(&mut *store, |_: Caller<'_, ()>, _: i32| {})),
        ("print_i64", Func::wrap(&mut *store, |_: Caller<'_, ()>, _: i64| {})),
        ("print_f32", Func::wrap(&mut *store, |_: Caller<'_, ()>, _: f32| {})),
        ("print_f64", Func::wrap(&mut *store, |_: Caller<'_, ()>, _: f64| {})),
        ("print_i32_f32", Func::wrap(&mut *store, |_: Caller<'_, ()>, _: i32, _: f32| {})),
        ("print_f64_f64", Func::wrap(&mut *store, |_: Caller<'_, ()>, _: f64, _: f64| {})),
    ];
    for (name, f) in funcs {
        linker.define("spectest", name, f)?;
    }

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::from_f32(666.6)),
        ("global_f64", Val::from_f64(666.6)),
    ];
    for (name, v) in globals {
        let g = Global::new(&mut *store, v, false);
        linker.define("spectest", name, g)?;
    }

    let table_ty = TableType { element: ValType::FuncRef, limits: Limits32 { min: 10, max: Some(20) } };
    let table = Table::new(&mut *store, table_ty, Val::FuncRef(None))?;
    linker.define("spectest", "table", table)?;

    let memory = Memory::new(&mut *store, MemoryType { limits: Limits32 { min: 1, max: Some(2) } })?;
    linker.define("spectest", "memory", memory)?;
    Ok(())
}
