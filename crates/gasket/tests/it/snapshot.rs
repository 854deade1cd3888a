//! Store snapshots: restoring after a run puts memories (size and bytes), globals, tables and
//! dropped segments back as they were at the snapshot, so the next run computes what a fresh
//! instance would; a snapshot of another store is refused.

use gasket::{Engine, Linker, Module, Store, Val};

/// The test module with an initial memory of `pages` pages (1: restored in place; 5, 320 KiB:
/// restored into a fresh allocation).
fn wat(pages: u32) -> String {
    format!(
        r#"(module
  (memory (export "memory") {pages} 8)
  (global $g (export "g") (mut i32) (i32.const 7))
  (table $t (export "t") 2 10 funcref)
  (func $f (result i32) i32.const 1)
  (elem (i32.const 0) $f)
  (data $d "hello")
  (data (i32.const 100) "abc")
  (data (i32.const 9000) "two chunks on")
  ;; Writes, grows, sets the global and the table, drops the passive segment; returns what it
  ;; saw first (the global + the byte at 100 + memory size + table size).
  (func (export "run") (result i32) (local $seen i32)
    (local.set $seen (i32.add (i32.add (global.get $g) (i32.load8_u (i32.const 100)))
      (i32.add (memory.size) (table.size $t))))
    (memory.init $d (i32.const 200) (i32.const 0) (i32.const 5))
    (data.drop $d)
    (i32.store (i32.const 100) (i32.const 0x7a7a7a7a))
    (i32.store (i32.const 9000) (i32.const 0))
    (i32.store (i32.const 60000) (i32.const -1))
    (drop (memory.grow (i32.const 2)))
    (i32.store (i32.const 131072) (i32.const 5))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (drop (table.grow $t (ref.null func) (i32.const 3)))
    (table.set $t (i32.const 0) (ref.null func))
    (local.get $seen)))"#
    )
}

#[test]
fn restore_returns_to_the_snapshot() {
    for pages in [1, 5] {
        restores(pages);
    }
}

fn restores(pages: u32) {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(pages)).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    let memory = instance.get_memory(&store, "memory").unwrap();
    let fresh_bytes = memory.data(&store).unwrap().to_vec();
    let snapshot = store.snapshot();
    assert_eq!(snapshot.memory_bytes(), pages as usize * 65536);
    let first = run.call(&mut store, ()).unwrap();
    assert_eq!(first, 7 + b'a' as i32 + pages as i32 + 2);
    assert_eq!(memory.size(&store).unwrap(), pages + 2);
    // Without a restore, the second run sees the first one's changes: the dropped segment.
    assert!(run.call(&mut store, ()).is_err());
    for _ in 0..3 {
        store.restore(&snapshot).unwrap();
        assert_eq!(memory.data(&store).unwrap(), &fresh_bytes[..]);
        assert_eq!(instance.get_global(&store, "g").unwrap().get(&store).unwrap(), Val::I32(7));
        let table = instance.get_table(&store, "t").unwrap();
        assert_eq!(table.size(&store).unwrap(), 2);
        assert!(matches!(table.get(&store, 0).unwrap(), Some(Val::FuncRef(Some(_)))));
        assert_eq!(run.call(&mut store, ()).unwrap(), first, "memory.init works again: the segment is back");
    }
}

#[test]
fn a_snapshot_belongs_to_its_store() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(1)).unwrap();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    Linker::new(&engine).instantiate(&mut a, &module).unwrap();
    Linker::new(&engine).instantiate(&mut b, &module).unwrap();
    let snap = a.snapshot();
    assert!(b.restore(&snap).is_err());
    // A store that gained an instance since the snapshot is refused too.
    Linker::new(&engine).instantiate(&mut a, &module).unwrap();
    assert!(a.restore(&snap).is_err());
}
