//! Serialized modules: a faithful round trip, and loading that never panics, whatever the
//! bytes (corrupt, truncated, from another engine, or edited with a valid checksum).

use gasket::{Config, Engine, Error, GasSchedule, Linker, Module, Store, Val};
use sha2::{Digest, Sha256};

const WAT: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (memory (export "memory") 1 2) (data (i32.const 16) "gasket")
  (table 4 funcref) (elem (i32.const 0) $double $fib)
  (global $g (mut i64) (i64.const 7))
  (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func $fib (export "fib") (type $t)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 1) (local.get 0)))
  (func (export "sum") (param i32) (result i64) (local i64)
    (loop $l (local.set 1 (i64.add (local.get 1) (i64.load8_u offset=16 (local.get 0))))
      (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 6))))
    (global.set $g (local.get 1)) (global.get $g))
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $a $d (local.get 0)))
      (return (i32.const 10))) (return (i32.const 11))) (return (i32.const 12)))
    (block $out (loop $l (br_table $l $out (i32.const 1)))) (i32.const 13)))"#;

fn engine() -> Engine {
    Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() })
}

/// Runs every export that takes only i32s with small arguments, under a gas limit.
fn exercise(engine: &Engine, module: &Module) -> Vec<String> {
    let mut store = Store::new(engine, ());
    store.set_gas(1_000_000);
    let instance = match Linker::new(engine).instantiate(&mut store, module) {
        Ok(i) => i,
        Err(e) => return vec![format!("instantiate: {e}")],
    };
    let mut out = Vec::new();
    for (name, ext) in instance.exports(&store).unwrap() {
        let Some(f) = ext.into_func() else { continue };
        let ty = f.ty(&store).unwrap();
        let args: Vec<Val> = ty.params().iter().map(|_| Val::I32(3)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        store.set_gas(1_000_000);
        let r = f.call(&mut store, &args, &mut results);
        out.push(format!("{name}: {r:?} {results:?} gas {:?}", store.gas_left()));
    }
    out
}

#[test]
fn round_trip_preserves_behaviour_and_gas() {
    let engine = engine();
    let module = Module::new(&engine, WAT).unwrap();
    let bytes = module.serialize();
    let loaded = Module::deserialize(&engine, &bytes).unwrap();
    assert_eq!(exercise(&engine, &module), exercise(&engine, &loaded));
    assert_eq!(loaded.stats(), module.stats());
    assert_eq!(loaded.serialize(), bytes, "serialization is deterministic");
}

#[test]
fn another_engine_configuration_is_refused() {
    let module = Module::new(&engine(), WAT).unwrap();
    let bytes = module.serialize();
    for other in [
        Config::default(),
        Config { metering: Some(GasSchedule { load: 4, ..GasSchedule::default() }), ..Config::default() },
    ] {
        match Module::deserialize(&Engine::new(&other), &bytes) {
            Err(Error::Artifact(m)) => assert!(m.contains("fingerprint"), "{m}"),
            other => panic!("expected a fingerprint error, got {other:?}"),
        }
    }
}

#[test]
fn every_corrupted_byte_and_truncation_is_an_artifact_error() {
    let engine = engine();
    let bytes = Module::new(&engine, WAT).unwrap().serialize();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x40;
        assert!(matches!(Module::deserialize(&engine, &b), Err(Error::Artifact(_))), "byte {i}");
        assert!(matches!(Module::deserialize(&engine, &bytes[..i]), Err(Error::Artifact(_))), "prefix {i}");
    }
}

#[test]
fn edited_artifacts_with_valid_checksums_never_panic() {
    let engine = engine();
    let bytes = Module::new(&engine, WAT).unwrap().serialize();
    let body_len = bytes.len() - 32;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut loaded, mut rejected) = (0, 0);
    for _ in 0..3000 {
        let mut b = bytes[..body_len].to_vec();
        for _ in 0..1 + next() % 3 {
            // Past the header (magic, version, fingerprint), which are checked exactly.
            let i = 44 + (next() as usize % (body_len - 44));
            b[i] = match next() % 3 {
                0 => b[i] ^ (1 << (next() % 8)),
                1 => next() as u8,
                _ => b[i].wrapping_add(1),
            };
        }
        let checksum = Sha256::digest(&b);
        b.extend_from_slice(&checksum);
        match Module::deserialize(&engine, &b) {
            Ok(module) => {
                loaded += 1;
                exercise(&engine, &module);
            }
            Err(Error::Artifact(_)) => rejected += 1,
            Err(e) => panic!("unexpected error kind: {e}"),
        }
    }
    assert!(loaded > 0 && rejected > 0, "loaded {loaded}, rejected {rejected}");
}
