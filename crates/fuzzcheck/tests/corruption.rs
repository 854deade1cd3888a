//! The corruption suite: a state database with real contract state (target (e)'s reference:
//! the counter and token contracts, deployed and called) damaged in every way the issue
//! names (zero a range, garbage a range, flip random bits, truncate at random points, an empty
//! file, files of the wrong type), each case opened read-only and read-write. Every case must
//! end with the original state or a typed error naming the file: never a panic, never a
//! different state reported as valid. Seeded (`CORRUPTION_SEED`); `CORRUPTION_CASES` scales
//! the random kinds. Each test prints its counts.

use gasket_fuzzcheck::store::{check_damaged, reference, Damage, DamageReport};
use gasket_fuzzcheck::{Finding, XorShift};

fn cases(default: u64) -> u64 {
    std::env::var("CORRUPTION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn rng(kind: u64, case: u64) -> XorShift {
    let seed = std::env::var("CORRUPTION_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x005e_eddb);
    XorShift::for_case(seed ^ kind.wrapping_mul(0x9e37_79b9), case)
}

/// The offsets of the reference file's non-zero 4 KiB pages: where damage meets live data.
fn live_pages() -> Vec<usize> {
    reference()
        .bytes
        .chunks(4096)
        .enumerate()
        .filter(|(_, p)| p.iter().any(|b| *b != 0))
        .map(|(i, _)| i * 4096)
        .collect()
}

/// A position in the file: half the time inside a live page.
fn position(r: &mut XorShift, len: usize, live: &[usize]) -> usize {
    if r.next_u64().is_multiple_of(2) {
        live[(r.next_u64() % live.len() as u64) as usize] + (r.next_u64() % 4096) as usize
    } else {
        (r.next_u64() % len as u64) as usize
    }
}

/// Runs each plan; fails with every finding, after printing the totals.
fn run(kind: &str, plans: Vec<Vec<Damage>>) -> DamageReport {
    let mut total = DamageReport::default();
    let mut findings: Vec<(usize, Finding)> = Vec::new();
    let n = plans.len();
    let start = std::time::Instant::now();
    for (case, plan) in plans.into_iter().enumerate() {
        let mut file = reference().bytes.clone();
        for d in &plan {
            d.apply(&mut file);
        }
        match check_damaged(&file) {
            Ok(r) => total.add(&r),
            Err(f) => findings.push((case, f)),
        }
    }
    println!(
        "{kind}: {n} cases ({} opens) in {:.1?}: {} opened with the original state, {} refused as corrupt, {} other typed errors, {} redb panics contained; {} findings",
        2 * n,
        start.elapsed(),
        total.intact,
        total.corrupt,
        total.other_errors,
        total.contained_panics,
        findings.len()
    );
    for (case, f) in findings.iter().take(10) {
        println!("{kind}: FINDING in case {case}: {f}");
    }
    assert!(findings.is_empty(), "{kind}: {} findings (see output)", findings.len());
    total
}

#[test]
fn undamaged_database_opens_with_its_state() {
    let r = run("undamaged", vec![vec![]]);
    assert_eq!(r.intact, 2);
    assert!(reference().entries.len() > 30, "the reference should hold real state");
}

#[test]
fn zeroed_ranges() {
    let (len, live) = (reference().bytes.len(), live_pages());
    let mut plans: Vec<Vec<Damage>> = (0..cases(60))
        .map(|case| {
            let mut r = rng(1, case);
            let at = position(&mut r, len, &live);
            vec![Damage::Zero { at, len: 1 + (r.next_u64() % (len as u64 / 2)) as usize }]
        })
        .collect();
    // The reproducer: the middle half of the file.
    plans.push(vec![Damage::Zero { at: len / 4, len: len / 2 }]);
    plans.push(vec![Damage::Zero { at: 0, len: 4096 }]);
    let r = run("zeroed ranges", plans);
    assert!(r.corrupt > 0, "no zeroed range was detected: {r:?}");
}

#[test]
fn garbage_ranges() {
    let (len, live) = (reference().bytes.len(), live_pages());
    let mut plans: Vec<Vec<Damage>> = (0..cases(60))
        .map(|case| {
            let mut r = rng(2, case);
            let at = position(&mut r, len, &live);
            let n = 1 + (r.next_u64() % 16_384) as usize;
            vec![Damage::Garbage { at, bytes: r.bytes(n) }]
        })
        .collect();
    // The reproducer: 8 KiB of garbage in the middle.
    plans.push(vec![Damage::Garbage { at: len / 2, bytes: rng(2, u64::MAX).bytes(8192) }]);
    let r = run("garbage ranges", plans);
    assert!(r.corrupt > 0, "no garbage was detected: {r:?}");
}

#[test]
fn flipped_bits() {
    let (len, live) = (reference().bytes.len(), live_pages());
    let plans: Vec<Vec<Damage>> = (0..cases(300))
        .map(|case| {
            let mut r = rng(3, case);
            // From one bit to the 200.
            let flips = 1 + r.next_u64() % 200;
            (0..flips).map(|_| Damage::Flip { at: position(&mut r, len, &live), bit: r.next_u64() as u8 % 8 }).collect()
        })
        .collect();
    let r = run("flipped bits", plans);
    assert!(r.corrupt > 0, "no bit flip was detected: {r:?}");
}

/// redb opens whichever commit its selector bit names: flipped, the older commit opens. In a
/// cleanly closed file that is redb's close commit's predecessor, with the same user data, so
/// the state is the original one (a selector whose older commit holds other data is refused:
/// the unit tests of store/guard.rs); never another state.
#[test]
fn flipped_commit_selector() {
    let r = run("commit selector", vec![vec![Damage::Flip { at: 9, bit: 0 }], vec![Damage::Flip { at: 9, bit: 1 }]]);
    assert_eq!(r.intact + r.corrupt, 4, "{r:?}");
}

#[test]
fn truncations() {
    let len = reference().bytes.len();
    let mut plans: Vec<Vec<Damage>> = (0..cases(50))
        .map(|case| vec![Damage::Truncate { len: (rng(4, case).next_u64() % len as u64) as usize }])
        .collect();
    plans.extend([1, 9, 64, 320, 4096, len - 1].map(|len| vec![Damage::Truncate { len }]));
    let r = run("truncations", plans);
    assert_eq!(r.intact, 0, "a truncated file opened: {r:?}");
}

#[test]
fn empty_and_wrong_file_types() {
    let wasm = include_bytes!("../../../contracts/wasm/counter.wasm").to_vec();
    let mut dump = Vec::new();
    {
        let path = std::env::temp_dir().join(format!("gasket-corruption-dump-{}.redb", std::process::id()));
        std::fs::write(&path, &reference().bytes).unwrap();
        let store = gasket_runtime::RedbStore::open_with(&path, &gasket_runtime::OpenOptions::read_only()).unwrap();
        gasket_runtime::export(&store, &mut dump).unwrap();
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
    // Another program's redb database: valid redb, not gasket's tables.
    let foreign = {
        let path = std::env::temp_dir().join(format!("gasket-corruption-foreign-{}.redb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let db = redb::Database::create(&path).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(redb::TableDefinition::<u64, u64>::new("other")).unwrap().insert(1, 2).unwrap();
        tx.commit().unwrap();
        drop(db);
        let bytes = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        bytes
    };
    let plans = vec![
        vec![Damage::Replace(Vec::new())],
        vec![Damage::Replace(wasm)],
        vec![Damage::Replace(b"(module)\n".to_vec())],
        vec![Damage::Replace(dump)],
        vec![Damage::Replace(foreign)],
        vec![Damage::Replace(vec![0; 1 << 20])],
        vec![Damage::Replace(reference().bytes[..9].to_vec())],
    ];
    let n = plans.len() as u64;
    let r = run("empty and wrong file types", plans);
    assert_eq!(r.corrupt, 2 * n, "every one must be refused as not a gasket database: {r:?}");
}
