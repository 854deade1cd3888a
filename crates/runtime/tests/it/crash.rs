//! The kill test: a child process killed with SIGKILL in the middle of a stream of committing
//! calls, of deployments, or of database opens (each of which runs redb's integrity check and
//! commits) leaves a database that opens, read-only and read-write, passes gasket's integrity
//! checks, and holds every batch either fully or not at all: token transfers conserve the
//! supply, and every deployment has its code, artifact and contract entry and counted nonce.
//! Three rounds per kind, killed at different points; a few seconds in all.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use gasket_runtime::{Address, OpenOptions, RedbStore, Runtime, StateStore, Status, Table};

use crate::common::*;

const SUPPLY: u128 = 1_000_000;
const ENV_DB: &str = "GASKET_CRASH_CHILD_DB";
const ENV_KIND: &str = "GASKET_CRASH_KIND";
const ENV_TOKEN: &str = "GASKET_CRASH_TOKEN";

fn transfer_input(to: &Address, amount: u128) -> Vec<u8> {
    [&to.0[..], &amount.to_le_bytes()].concat()
}

fn balance(rt: &Runtime, token: Address, who: &Address) -> u128 {
    u128::from_le_bytes(call_ok(rt, token, "balance_of", &who.0).try_into().unwrap())
}

/// The child process: commits over and over, as `GASKET_CRASH_KIND` says, until killed.
#[test]
#[ignore = "helper process for the kill test; does nothing unless spawned by it"]
fn crash_child() {
    let Ok(db) = std::env::var(ENV_DB) else { return };
    let kind = std::env::var(ENV_KIND).unwrap();
    let path = Path::new(&db);
    let announce = {
        let mut done = false;
        move || {
            if !done {
                println!("committing");
                done = true;
            }
        }
    };
    let mut announce = announce;
    match kind.as_str() {
        "calls" => {
            let rt = runtime_over(Arc::new(RedbStore::open(path).unwrap()));
            let token = Address::from_hex(&std::env::var(ENV_TOKEN).unwrap()).unwrap();
            loop {
                let r = rt.call(ALICE, token, "transfer", &transfer_input(&BOB, 1), GAS, Default::default()).unwrap();
                assert_eq!(r.status, Status::Success);
                announce();
            }
        }
        "deploys" => {
            let rt = runtime_over(Arc::new(RedbStore::open(path).unwrap()));
            let code = contract("counter");
            loop {
                let salt = rt.nonce(&ALICE).unwrap().to_le_bytes();
                rt.deploy(&code, ALICE, &salt).unwrap();
                announce();
            }
        }
        "opens" => loop {
            let store = RedbStore::open_with(path, &OpenOptions::existing()).unwrap();
            store.commit(&[gasket_runtime::Change { table: Table::Nonces, key: BOB.0.to_vec(), value: None }]).unwrap();
            drop(store);
            announce();
        },
        other => panic!("unknown kind {other}"),
    }
}

/// Runs the child of `kind` on `path` and kills it `wait_ms` after its first commit.
fn kill_child_after(kind: &str, path: &Path, token: Address, wait_ms: u64) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash::crash_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(ENV_DB, path)
        .env(ENV_KIND, kind)
        .env(ENV_TOKEN, token.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.any(|l| l.is_ok_and(|l| l.contains("committing"))), "{kind}: the child never committed");
    std::thread::sleep(Duration::from_millis(wait_ms));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
}

/// Every deployment is whole: as many contracts as Alice's nonce counts, each with its code.
fn check_deployments(store: &RedbStore) -> u64 {
    let nonce = u64::from_le_bytes(store.get(Table::Nonces, &ALICE.0).unwrap().unwrap().try_into().unwrap());
    let contracts = store.scan(Table::Contracts, b"").unwrap();
    // The token, deployed first, also counts in Alice's nonce.
    assert_eq!(contracts.len() as u64, nonce, "a deployment was half applied");
    for (address, hash) in &contracts {
        assert!(store.get(Table::Code, hash).unwrap().is_some(), "contract {address:?} has no code");
    }
    assert_eq!(store.scan(Table::Artifacts, b"").unwrap().len(), store.scan(Table::Code, b"").unwrap().len());
    nonce
}

#[test]
fn crash_safety_under_sigkill() {
    let dir = std::env::temp_dir().join(format!("gasket-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.redb");
    let token = {
        let rt = runtime_over(Arc::new(RedbStore::open(&path).unwrap()));
        let token = rt.deploy(&contract("token"), ALICE, &0u64.to_le_bytes()).unwrap().address;
        call_ok(&rt, token, "init", b"");
        call_ok(&rt, token, "mint", &transfer_input(&ALICE, SUPPLY));
        token
    };
    let (mut transferred, mut deployed) = (0, 1);
    for (round, wait_ms) in [40u64, 130, 270].into_iter().enumerate() {
        for kind in ["calls", "deploys", "opens"] {
            kill_child_after(kind, &path, token, wait_ms);
            // Right after the kill, a read-only open (which first recovers the file) sees a
            // whole state, and so does a writable one.
            let ro = RedbStore::open_with(&path, &OpenOptions::read_only())
                .unwrap_or_else(|e| panic!("round {round}, {kind}: read-only open after SIGKILL: {e}"));
            let n = check_deployments(&ro);
            drop(ro);
            let rt = runtime_over(Arc::new(RedbStore::open_with(&path, &OpenOptions::existing()).unwrap()));
            let (a, b) = (balance(&rt, token, &ALICE), balance(&rt, token, &BOB));
            assert_eq!(a + b, SUPPLY, "round {round}, {kind}: a transfer was half applied ({a} + {b})");
            match kind {
                "calls" => {
                    assert!(b > transferred, "round {round}: no transfer committed");
                    transferred = b;
                }
                "deploys" => {
                    assert!(n > deployed, "round {round}: no deployment committed");
                    deployed = n;
                }
                _ => {}
            }
        }
    }
    println!("kill test: 9 kills; {transferred} transfers and {} deployments committed, all whole", deployed - 1);
    let _ = std::fs::remove_dir_all(&dir);
}
