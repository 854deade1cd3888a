//! The embedding API: host functions, callers, typed and untyped calls, exported externals,
//! cross-instance linking.

use gasket::{
    Caller, Engine, Error, Extern, Func, FuncType, Global, Limits32, Linker, Memory, MemoryType, Module, Store, Trap,
    TrapCode, Val, ValType,
};

#[test]
fn host_function_reads_guest_memory_through_the_caller() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "sum" (func $sum (param i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "\01\02\03\04")
            (func (export "run") (result i32) (call $sum (i32.const 16) (i32.const 4))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "sum", |mut caller: Caller<'_, u32>, ptr: i32, len: i32| -> Result<i32, Trap> {
            let memory =
                caller.get_export("memory").and_then(Extern::into_memory).ok_or_else(|| Trap::host("no memory"))?;
            let bytes = memory
                .data(&caller)
                .unwrap()
                .get(ptr as usize..(ptr + len) as usize)
                .ok_or_else(|| Trap::host("out of bounds"))?
                .to_vec();
            *caller.data_mut() += 1;
            Ok(bytes.iter().map(|b| *b as i32).sum())
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 10);
    assert_eq!(*store.data(), 1);
}

#[test]
fn host_error_becomes_a_trap_with_its_message() {
    let engine = Engine::default();
    let module =
        Module::new(&engine, r#"(module (import "env" "fail" (func $f)) (func (export "run") (call $f)))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("env", "fail", |_: Caller<'_, ()>| -> Result<(), Trap> { Err(Trap::host("boom")) }).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let err = instance.get_typed_func::<(), ()>(&store, "run").unwrap().call(&mut store, ()).unwrap_err();
    let trap = err.as_trap().expect("a trap");
    assert_eq!(trap.code(), TrapCode::Host);
    assert_eq!(trap.host_message(), Some("boom"));
}

#[test]
fn untyped_calls_check_argument_types() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "f") (param i64 f64) (result f64 i64) (local.get 1) (local.get 0)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    assert_eq!(f.ty(&store).unwrap(), FuncType::new([ValType::I64, ValType::F64], [ValType::F64, ValType::I64]));
    let mut out = [Val::I32(0), Val::I32(0)];
    f.call(&mut store, &[Val::I64(-5), Val::from_f64(2.5)], &mut out).unwrap();
    assert_eq!(out, [Val::from_f64(2.5), Val::I64(-5)]);
    let err = f.call(&mut store, &[Val::I32(1), Val::from_f64(2.5)], &mut out).unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err:?}");
    assert!(instance.get_typed_func::<(i32, f64), (f64, i64)>(&store, "f").is_err());
}

#[test]
fn exported_globals_tables_and_memories() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (global (export "counter") (mut i32) (i32.const 41))
            (table (export "table") 2 funcref)
            (memory (export "memory") 1 3)
            (func $inc (export "inc") (global.set 0 (i32.add (global.get 0) (i32.const 1))))
            (elem (i32.const 1) $inc))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let counter = instance.get_global(&store, "counter").unwrap();
    instance.get_typed_func::<(), ()>(&store, "inc").unwrap().call(&mut store, ()).unwrap();
    assert_eq!(counter.get(&store).unwrap(), Val::I32(42));
    counter.set(&mut store, Val::I32(7)).unwrap();
    assert_eq!(counter.get(&store).unwrap(), Val::I32(7));

    let table = instance.get_table(&store, "table").unwrap();
    assert_eq!(table.size(&store).unwrap(), 2);
    assert_eq!(table.get(&store, 0).unwrap(), Some(Val::FuncRef(None)));
    let Some(Val::FuncRef(Some(inc))) = table.get(&store, 1).unwrap() else { panic!("element 1 is $inc") };
    inc.call(&mut store, &[], &mut []).unwrap();
    assert_eq!(counter.get(&store).unwrap(), Val::I32(8));

    let memory = instance.get_memory(&store, "memory").unwrap();
    memory.write(&mut store, 100, b"abc").unwrap();
    let mut buf = [0u8; 3];
    memory.read(&store, 100, &mut buf).unwrap();
    assert_eq!(&buf, b"abc");
    assert_eq!(memory.grow(&mut store, 2).unwrap(), 1);
    assert!(memory.grow(&mut store, 1).is_err(), "declared maximum is 3 pages");
    assert!(memory.read(&store, 3 * 65536 - 1, &mut buf).is_err());
}

#[test]
fn instances_link_through_the_linker() {
    let engine = Engine::default();
    let lib = Module::new(&engine, r#"(module (memory (export "mem") 1) (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#).unwrap();
    let app = Module::new(
        &engine,
        r#"(module (import "lib" "store" (func $store (param i32 i32))) (import "lib" "mem" (memory 1))
            (func (export "run") (result i32) (call $store (i32.const 4) (i32.const 99)) (i32.load (i32.const 4))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let lib_instance = linker.instantiate(&mut store, &lib).unwrap();
    linker.instance(&store, "lib", lib_instance).unwrap();
    let app_instance = linker.instantiate(&mut store, &app).unwrap();
    let run = app_instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 99);
}

#[test]
fn link_errors_are_typed() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    assert!(matches!(linker.instantiate(&mut store, &module), Err(Error::Link(_))));
    linker.func_wrap("env", "f", |_: Caller<'_, ()>, _: i64| {}).unwrap();
    assert!(matches!(linker.instantiate(&mut store, &module), Err(Error::Link(_))));
}

#[test]
fn objects_of_another_store_are_refused() {
    let engine = Engine::default();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let f = Func::wrap(&mut a, |_: Caller<'_, ()>| 1i32);
    assert!(matches!(f.call(&mut b, &[], &mut [Val::I32(0)]), Err(Error::Usage(_))));
    let g = Global::new(&mut a, Val::I32(1), false);
    assert_eq!(g.get(&a).unwrap(), Val::I32(1));
    let _m = Memory::new(&mut b, MemoryType { limits: Limits32 { min: 1, max: None } }).unwrap();
}

/// Every accessor of every handle refuses a store the handle does not belong to, with
/// `Error::Usage`, while the entity of the same index in that store exists (so that a missing
/// check would silently reach it, not panic).
#[test]
fn every_accessor_checks_the_store() {
    let engine = Engine::default();
    let wat = r#"(module (memory (export "m") 1) (table (export "t") 2 funcref)
        (global (export "g") (mut i32) (i32.const 7)) (func (export "f") (result i32) (i32.const 1)))"#;
    let module = Module::new(&engine, wat).unwrap();
    let (mut a, mut b) = (Store::new(&engine, ()), Store::new(&engine, ()));
    let ia = Linker::new(&engine).instantiate(&mut a, &module).unwrap();
    let ib = Linker::new(&engine).instantiate(&mut b, &module).unwrap();
    let mem = ia.get_memory(&a, "m").unwrap();
    let table = ia.get_table(&a, "t").unwrap();
    let global = ia.get_global(&a, "g").unwrap();
    let func = ia.get_func(&a, "f").unwrap();
    let usage = |r: Result<(), Error>, what: &str| assert!(matches!(r, Err(Error::Usage(_))), "{what}: {r:?}");
    usage(mem.ty(&b).map(drop), "Memory::ty");
    usage(mem.size(&b).map(drop), "Memory::size");
    usage(mem.data(&b).map(drop), "Memory::data");
    usage(mem.data_mut(&mut b).map(drop), "Memory::data_mut");
    usage(mem.grow(&mut b, 1).map(drop), "Memory::grow");
    usage(mem.read(&b, 0, &mut [0; 4]), "Memory::read");
    usage(mem.write(&mut b, 0, &[1; 4]), "Memory::write");
    usage(table.ty(&b).map(drop), "Table::ty");
    usage(table.size(&b).map(drop), "Table::size");
    usage(table.get(&b, 0).map(drop), "Table::get");
    usage(table.set(&mut b, 0, Val::FuncRef(None)), "Table::set");
    usage(table.grow(&mut b, 1, Val::FuncRef(None)).map(drop), "Table::grow");
    usage(global.ty(&b).map(drop), "Global::ty");
    usage(global.get(&b).map(drop), "Global::get");
    usage(global.set(&mut b, Val::I32(9)), "Global::set");
    usage(func.ty(&b).map(drop), "Func::ty");
    usage(func.call(&mut b, &[], &mut [Val::I32(0)]), "Func::call");
    usage(func.typed::<(), i32>(&b).map(drop), "Func::typed");
    usage(ia.exports(&b).map(drop), "Instance::exports");
    usage(ia.get_typed_func::<(), i32>(&b, "f").map(drop), "Instance::get_typed_func");
    assert!(ia.get_export(&b, "m").is_none(), "Instance::get_export finds nothing in another store");
    // Store `b`'s own entities were not touched by any of the refused calls.
    let mb = ib.get_memory(&b, "m").unwrap();
    assert_eq!((mb.size(&b).unwrap(), &mb.data(&b).unwrap()[..4]), (1, &[0u8; 4][..]));
    assert_eq!(ib.get_global(&b, "g").unwrap().get(&b).unwrap(), Val::I32(7));
    assert_eq!(ib.get_table(&b, "t").unwrap().size(&b).unwrap(), 2);
    // And the same calls succeed on the handles' own store.
    assert_eq!(mem.size(&a).unwrap(), 1);
    assert_eq!(global.get(&a).unwrap(), Val::I32(7));
    assert_eq!(func.ty(&a).unwrap().results(), &[gasket::ValType::I32]);
}

#[test]
fn host_function_can_call_back_into_wasm() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "twice" (func $twice (param i32) (result i32)))
            (func $inc (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
            (func (export "run") (param i32) (result i32) (call $twice (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<Func>);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "twice", |mut caller: Caller<'_, Option<Func>>, x: i32| -> Result<i32, Trap> {
            let inc = caller.data().expect("set before the call");
            let inc = inc.typed::<i32, i32>(&caller).map_err(|e| Trap::host(e.to_string()))?;
            let once = inc.call(&mut caller, x).map_err(|e| Trap::host(e.to_string()))?;
            inc.call(&mut caller, once).map_err(|e| Trap::host(e.to_string()))
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    *store.data_mut() = instance.get_func(&store, "inc");
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 40).unwrap(), 42);
}

#[test]
fn traps_carry_their_codes() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (memory 1)
            (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
            (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
            (func (export "unreachable") unreachable)
            (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let i = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    fn code<R: std::fmt::Debug>(r: Result<R, Error>) -> Option<TrapCode> {
        r.unwrap_err().as_trap().map(|t| t.code())
    }
    let div = i.get_typed_func::<(i32, i32), i32>(&store, "div").unwrap();
    assert_eq!(code(div.call(&mut store, (1, 0))), Some(TrapCode::IntegerDivisionByZero));
    assert_eq!(code(div.call(&mut store, (i32::MIN, -1))), Some(TrapCode::IntegerOverflow));
    let load = i.get_typed_func::<i32, i32>(&store, "load").unwrap();
    assert_eq!(code(load.call(&mut store, 65534)), Some(TrapCode::MemoryOutOfBounds));
    let unreachable = i.get_typed_func::<(), ()>(&store, "unreachable").unwrap();
    assert_eq!(code(unreachable.call(&mut store, ())), Some(TrapCode::Unreachable));
    let trunc = i.get_typed_func::<f64, i32>(&store, "trunc").unwrap();
    assert_eq!(code(trunc.call(&mut store, f64::NAN)), Some(TrapCode::InvalidConversionToInteger));
    assert_eq!(code(trunc.call(&mut store, 3e9)), Some(TrapCode::IntegerOverflow));
}
