//! Every bomb family through `gasket::Module::new` at 10 KB and 100 KB: valid families are
//! accepted (and independently validated by wasmparser), over-limit families are rejected
//! with `Error::Limit`, nothing panics. Also: determinism, sizes, and the mirrored limits.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use gasket::{Engine, Error, Floats, Module};
use gasket_bombs::{generate, generate_variant, limits, Expect, Family};
use wasmparser::Validator;

/// Checks one family at one size; returns a description of the problem, if any.
fn check(engine: &Engine, family: Family, target: usize) -> Option<String> {
    let name = family.name();
    let wasm = match catch_unwind(|| generate(family, target)) {
        Ok(w) => w,
        Err(_) => return Some(format!("{name}@{target}: the generator panicked")),
    };
    let expected = target.max(family.min_bytes());
    let (lo, hi) = (expected * 7 / 10, expected * 13 / 10 + 2048);
    if !(lo..=hi).contains(&wasm.len()) {
        return Some(format!("{name}@{target}: {} bytes, expected about {expected}", wasm.len()));
    }
    if family.expect() == Expect::Valid {
        if let Err(e) =
            Validator::new_with_features(gasket::wasmparser_features(Floats::Canonicalize)).validate_all(&wasm)
        {
            return Some(format!("{name}@{target}: generator bug, wasmparser rejects: {e}"));
        }
    }
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| Module::new(engine, &wasm)));
    let took = start.elapsed();
    eprintln!("{name:>20} @ {target:>7}: {:>8} bytes, {took:>10.2?}", wasm.len());
    match (family.expect(), result) {
        (_, Err(_)) => Some(format!("{name}@{target}: Module::new PANICKED")),
        (Expect::Valid, Ok(Ok(_))) => None,
        (Expect::Valid, Ok(Err(e))) => Some(format!("{name}@{target}: valid module rejected: {e}")),
        (Expect::OverLimit, Ok(Err(Error::Limit { .. }))) => None,
        (Expect::OverLimit, Ok(Err(e))) => Some(format!("{name}@{target}: rejected, but not as a limit: {e}")),
        (Expect::OverLimit, Ok(Ok(_))) => Some(format!("{name}@{target}: over-limit module accepted")),
    }
}

fn check_all(target: usize) {
    let engine = Engine::default();
    let problems: Vec<String> = Family::ALL.iter().filter_map(|&f| check(&engine, f, target)).collect();
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

#[test]
fn every_family_at_10_kb() {
    check_all(10_000);
}

#[test]
fn every_family_at_100_kb() {
    check_all(100_000);
}

#[test]
fn generation_is_deterministic() {
    for &f in Family::ALL {
        assert_eq!(generate(f, 20_000), generate(f, 20_000), "{} is not deterministic", f.name());
    }
}

#[test]
fn variants_are_other_modules_of_the_same_kind() {
    let engine = Engine::default();
    for &f in Family::ALL {
        assert_eq!(generate_variant(f, 20_000, 0), generate(f, 20_000), "{}: variant 0 is not generate's", f.name());
        let v = generate_variant(f, 20_000, 3);
        assert_eq!(v, generate_variant(f, 20_000, 3), "{}: a variant is not deterministic", f.name());
        let expected = 20_000.max(f.min_bytes());
        assert!(
            v.len() * 10 >= expected * 7 && v.len() * 10 <= expected * 13 + 20_480,
            "{}: {} bytes",
            f.name(),
            v.len()
        );
        let outcome = Module::new(&engine, &v);
        match f.expect() {
            Expect::Valid => assert!(outcome.is_ok(), "{}: variant refused: {:?}", f.name(), outcome.err()),
            Expect::OverLimit => {
                assert!(matches!(outcome, Err(Error::Limit { .. })), "{}: variant not refused", f.name())
            }
        }
    }
    // The families drawn at random give other bytes; generation leaves the thread at variant 0.
    for f in [Family::Ordinary, Family::DenseRandom, Family::SelectTee, Family::BrTable] {
        assert_ne!(generate_variant(f, 20_000, 1), generate(f, 20_000), "{}: variant 1 is the same module", f.name());
    }
    assert_eq!(generate(Family::SelectTee, 20_000), generate_variant(Family::SelectTee, 20_000, 0));
}

#[test]
fn names_are_unique_and_resolvable() {
    for &f in Family::ALL {
        assert_eq!(Family::from_name(f.name()), Some(f));
    }
    assert_eq!(Family::ALL[0], Family::Ordinary);
}

#[test]
fn mirrored_limits_match_gasket_defaults() {
    let l = gasket::Limits::default();
    assert_eq!(limits::MAX_TYPES, l.max_types);
    assert_eq!(limits::MAX_FUNCTIONS, l.max_functions);
    assert_eq!(limits::MAX_IMPORTS, l.max_imports);
    assert_eq!(limits::MAX_GLOBALS, l.max_globals);
    assert_eq!(limits::MAX_LOCALS_PER_FUNCTION, l.max_locals_per_function);
    assert_eq!(limits::MAX_LOCALS_TOTAL, l.max_locals_total);
    assert_eq!(limits::MAX_FUNCTION_BODY_BYTES, l.max_function_body_bytes);
    assert_eq!(limits::MAX_BLOCK_DEPTH, l.max_block_depth);
    assert_eq!(limits::MAX_BR_TABLE_TARGETS, l.max_br_table_targets);
    assert_eq!(limits::MAX_TABLE_ELEMENTS, l.max_table_elements);
    assert_eq!(limits::MAX_DATA_SEGMENTS, l.max_data_segments);
    assert_eq!(limits::MAX_ELEMENT_SEGMENTS, l.max_element_segments);
    assert_eq!(limits::MAX_PARAMS, l.max_params);
    assert_eq!(limits::MAX_RESULTS, l.max_results);
    assert_eq!(limits::MAX_VALUE_TRAFFIC_PER_BYTE, l.max_value_traffic_per_byte);
}
