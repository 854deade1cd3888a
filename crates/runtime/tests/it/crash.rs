//! Crash safety: a process killed with SIGKILL in the middle of a stream of committing calls
//! leaves every call's effects either fully present or fully absent.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use gasket_runtime::{Address, RedbStore, Runtime, Status};

use crate::common::*;

const SUPPLY: u128 = 1_000_000;
const ENV: &str = "GASKET_CRASH_CHILD_DB";

fn transfer_input(to: &Address, amount: u128) -> Vec<u8> {
    [&to.0[..], &amount.to_le_bytes()].concat()
}

fn balance(rt: &Runtime, token: Address, who: &Address) -> u128 {
    u128::from_le_bytes(call_ok(rt, token, "balance_of", &who.0).try_into().unwrap())
}

/// The child process: transfers 1 token from Alice to Bob, over and over, until killed.
#[test]
#[ignore = "helper process for crash_safety_under_sigkill; does nothing unless spawned by it"]
fn crash_child() {
    let Ok(db) = std::env::var(ENV) else { return };
    let rt = runtime_over(Arc::new(RedbStore::open(db.as_ref()).unwrap()));
    let token = Address::from_hex(&std::env::var("GASKET_CRASH_TOKEN").unwrap()).unwrap();
    let mut announced = false;
    loop {
        let r = rt.call(ALICE, token, "transfer", &transfer_input(&BOB, 1), GAS, Default::default()).unwrap();
        assert_eq!(r.status, Status::Success);
        if !announced {
            println!("committing");
            announced = true;
        }
    }
}

#[test]
fn crash_safety_under_sigkill() {
    let dir = std::env::temp_dir().join(format!("gasket-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.redb");
    let token = {
        let rt = runtime_over(Arc::new(RedbStore::open(&path).unwrap()));
        let token = rt.deploy(&contract("token"), ALICE, b"").unwrap().address;
        call_ok(&rt, token, "init", b"");
        call_ok(&rt, token, "mint", &transfer_input(&ALICE, SUPPLY));
        token
    };
    let mut transferred = 0;
    for (round, wait_ms) in [40u64, 130, 270].into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash::crash_child", "--ignored", "--nocapture", "--test-threads=1"])
            .env(ENV, &path)
            .env("GASKET_CRASH_TOKEN", token.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it is committing, let it commit for a while, then kill it mid-stream.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.any(|l| l.is_ok_and(|l| l.contains("committing"))), "round {round}: child never committed");
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let rt = runtime_over(Arc::new(RedbStore::open(&path).unwrap()));
        let (a, b) = (balance(&rt, token, &ALICE), balance(&rt, token, &BOB));
        assert_eq!(a + b, SUPPLY, "round {round}: a transfer was half applied ({a} + {b})");
        assert!(b > transferred, "round {round}: no transfer committed");
        transferred = b;
    }
    let _ = std::fs::remove_dir_all(&dir);
}
