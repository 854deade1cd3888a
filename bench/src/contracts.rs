//! Contracts as users write them, run on every engine as plain modules over the bench's
//! `gasket_v1` host (engines/host.rs: storage in a map, no gas charged by the host, no nested
//! calls): the SDK examples `counter` and `token` (contracts/wasm, committed) and the larger
//! `ledger` (a token with many entry points) and `merkle` (a Merkle proof verifier) of
//! bench/corpus-rust/contracts, built by scripts/build-corpus.sh. One instance serves every
//! call of a run (the runtime would instantiate per call; this measures the contract code).
//!
//! Each drive keeps a native model of the contract and checks every call's return data (and
//! every expected revert) against it; its result is a checksum of the model's final state,
//! which the reference computes by running the same script on the model alone.

use std::collections::BTreeMap;

use crate::corpus::{cache_dir, BUILD};
use crate::engines::host::GASKET_V1;
use crate::engines::{EngineResult, Instance};
use crate::workloads::{Drive, Group, Reference, Workload};

/// The contract workloads whose module is present, and a line per module that is not.
pub fn workloads() -> (Vec<Workload>, Vec<String>) {
    let contract = |name: &str, wasm: Vec<u8>, size, quick_size, drive, reference| Workload {
        name: name.into(),
        group: Group::Contracts,
        wasm,
        size,
        quick_size,
        drive: Drive::Custom(drive),
        stubs: GASKET_V1,
        check: None,
        reference: Reference::Fn(reference),
    };
    let mut ok = vec![
        contract(
            "sdk:counter",
            include_bytes!("../../contracts/wasm/counter.wasm").to_vec(),
            50_000,
            100,
            counter,
            |n| n as i64,
        ),
        contract("sdk:token", include_bytes!("../../contracts/wasm/token.wasm").to_vec(), 20_000, 50, token, |n| {
            expect(run_token(Kind::Sdk, n, None))
        }),
    ];
    let mut skipped = Vec::new();
    let built: [BuiltContract; 2] = [
        ("contract:ledger", "contracts/ledger.wasm", 20_000, 50, ledger, |n| expect(run_token(Kind::Ledger, n, None))),
        ("contract:merkle", "contracts/merkle.wasm", 6, 1, merkle, |n| expect(run_merkle(n, None))),
    ];
    for (name, file, size, quick, drive, reference) in built {
        let path = cache_dir().join(file);
        match std::fs::read(&path) {
            Ok(wasm) => ok.push(contract(name, wasm, size, quick, drive, reference)),
            Err(e) => skipped.push(format!("{name}: {} ({e}); run {BUILD}", path.display())),
        }
    }
    (ok, skipped)
}

type DriveFn = fn(&mut dyn Instance, i32) -> EngineResult<i64>;

/// A contract built by `scripts/build-contracts.sh`: name, file under the cache, size, quick size,
/// driver and reference result.
type BuiltContract = (&'static str, &'static str, i32, i32, DriveFn, fn(i32) -> i64);

/// The model runs cannot fail; a failure is a bug in the script.
fn expect(r: EngineResult<i64>) -> i64 {
    r.unwrap_or_else(|e| panic!("contract model: {e}"))
}

/// An account address of the scripts.
fn account(i: u8) -> [u8; 20] {
    let mut a = [0x5A; 20];
    a[19] = i;
    a
}

/// Calls an entry point as `from` with `input`: its return data.
fn call(inst: &mut dyn Instance, from: [u8; 20], entry: &str, input: &[u8]) -> EngineResult<Vec<u8>> {
    let h = inst.host()?;
    (h.input, h.caller, h.reverted) = (input.to_vec(), from, false);
    h.output.clear();
    inst.call(entry, &[]).map_err(|e| format!("{entry}: {e}"))?;
    Ok(std::mem::take(&mut inst.host()?.output))
}

/// Calls an entry point that must revert with `reason`.
fn call_reverts(inst: &mut dyn Instance, from: [u8; 20], entry: &str, input: &[u8], reason: &[u8]) -> EngineResult<()> {
    let r = call(inst, from, entry, input);
    let h = inst.host()?;
    match r {
        Err(_) if h.reverted && h.output == reason => Ok(()),
        Err(e) => Err(format!("{entry}: expected revert {:?}, got {e}", String::from_utf8_lossy(reason))),
        Ok(_) => Err(format!("{entry}: expected revert {:?}, it returned", String::from_utf8_lossy(reason))),
    }
}

fn expect_eq(what: &str, got: &[u8], want: &[u8]) -> EngineResult<()> {
    if got == want {
        return Ok(());
    }
    Err(format!("{what}: returned {got:02x?}, model says {want:02x?}"))
}

fn counter(inst: &mut dyn Instance, n: i32) -> EngineResult<i64> {
    let me = account(1);
    for i in 1..=n as u64 {
        expect_eq("increment", &call(inst, me, "increment", &[])?, &i.to_le_bytes())?;
    }
    let got = call(inst, me, "get", &[])?;
    expect_eq("get", &got, &(n as u64).to_le_bytes())?;
    Ok(n as i64)
}

/// Which token contract a script drives: the SDK example has `init`, `mint`, `transfer` and
/// `balance_of`; the ledger has those and more.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sdk,
    Ledger,
}

const ACCOUNTS: u8 = 16;
const OWNER: u8 = 0;
const SUPPLY: u128 = 1_000_000_000_000_000_000_000;

fn token(inst: &mut dyn Instance, n: i32) -> EngineResult<i64> {
    run_token(Kind::Sdk, n, Some(inst))
}

fn ledger(inst: &mut dyn Instance, n: i32) -> EngineResult<i64> {
    run_token(Kind::Ledger, n, Some(inst))
}

fn to_amount(to: u8, amount: u128) -> Vec<u8> {
    [&account(to)[..], &amount.to_le_bytes()].concat()
}

/// One call of a script as account `from`, its return data checked against `want` if given;
/// nothing without an instance (the model run).
fn step(
    inst: &mut Option<&mut dyn Instance>,
    from: u8,
    entry: &str,
    input: &[u8],
    want: Option<&[u8]>,
) -> EngineResult<()> {
    let Some(inst) = inst.as_deref_mut() else { return Ok(()) };
    let got = call(inst, account(from), entry, input)?;
    want.map_or(Ok(()), |w| expect_eq(entry, &got, w))
}

/// The token script: `rounds` rounds of transfers and balance checks, and for the ledger
/// allowances, batches, mints, burns and pausing; on the model alone when `inst` is `None`.
fn run_token(kind: Kind, rounds: i32, mut inst: Option<&mut dyn Instance>) -> EngineResult<i64> {
    let mut bal: BTreeMap<u8, u128> = BTreeMap::new();
    let mut supply = SUPPLY;
    bal.insert(OWNER, SUPPLY);
    let mut rng = gasket_rust_workloads::Rng(0x70CE_2000_0000_0001);
    let mut below = move |n: u64| rng.next_u64() % n;
    match kind {
        Kind::Sdk => {
            step(&mut inst, OWNER, "init", &[], None)?;
            step(&mut inst, OWNER, "mint", &to_amount(OWNER, SUPPLY), None)?;
        }
        Kind::Ledger => step(&mut inst, OWNER, "init", &SUPPLY.to_le_bytes(), None)?,
    }
    for round in 0..rounds as u64 {
        let (from, to) = (below(ACCOUNTS as u64) as u8, below(ACCOUNTS as u64) as u8);
        let have = bal.get(&from).copied().unwrap_or(0);
        let amount = have / (2 + below(8) as u128);
        step(&mut inst, from, "transfer", &to_amount(to, amount), Some(&[]))?;
        *bal.entry(from).or_default() -= amount;
        *bal.entry(to).or_default() += amount;
        let who = below(ACCOUNTS as u64) as u8;
        let want = bal.get(&who).copied().unwrap_or(0).to_le_bytes();
        step(&mut inst, who, "balance_of", &account(who), Some(&want))?;
        if round % 16 == 0 {
            let amount = 1_000 + below(1_000_000) as u128;
            step(&mut inst, OWNER, "mint", &to_amount(who, amount), Some(&[]))?;
            *bal.entry(who).or_default() += amount;
            supply += amount;
        }
        if kind == Kind::Sdk {
            continue;
        }
        if round % 4 == 1 {
            let (spender, dest) = (below(ACCOUNTS as u64) as u8, below(ACCOUNTS as u64) as u8);
            let owner_bal = bal.get(&from).copied().unwrap_or(0);
            let allowance = owner_bal / 3;
            step(&mut inst, from, "approve", &to_amount(spender, allowance), Some(&[]))?;
            let spend = allowance / 2;
            let input = [&account(from)[..], &account(dest), &spend.to_le_bytes()].concat();
            step(&mut inst, spender, "transfer_from", &input, Some(&[]))?;
            *bal.entry(from).or_default() -= spend;
            *bal.entry(dest).or_default() += spend;
            let input = [account(from), account(spender)].concat();
            step(&mut inst, spender, "allowance", &input, Some(&(allowance - spend).to_le_bytes()))?;
        }
        if round % 8 == 2 {
            let mut input = vec![6u8];
            let mut total = 0;
            for _ in 0..6 {
                let (to, amount) = (below(ACCOUNTS as u64) as u8, 1 + below(1_000) as u128);
                input.extend(to_amount(to, amount));
                *bal.entry(to).or_default() += amount;
                total += amount;
            }
            *bal.entry(OWNER).or_default() -= total;
            step(&mut inst, OWNER, "batch_transfer", &input, Some(&[]))?;
        }
        if round % 16 == 3 {
            let amount = bal.get(&who).copied().unwrap_or(0) / 10;
            step(&mut inst, who, "burn", &amount.to_le_bytes(), Some(&[]))?;
            *bal.entry(who).or_default() -= amount;
            supply -= amount;
            step(&mut inst, who, "total_supply", &[], Some(&supply.to_le_bytes()))?;
        }
        if round % 32 == 5 {
            step(&mut inst, OWNER, "pause", &[], Some(&[]))?;
            step(&mut inst, OWNER, "paused", &[], Some(&[1]))?;
            if let Some(inst) = inst.as_deref_mut() {
                call_reverts(inst, account(from), "transfer", &to_amount(to, 1), b"paused")?;
                // Anyone but the owner (`from` is drawn from every account, the owner too).
                let outsider = if from == OWNER { OWNER + 1 } else { from };
                call_reverts(inst, account(outsider), "pause", &[], b"only owner")?;
            }
            step(&mut inst, OWNER, "unpause", &[], Some(&[]))?;
        }
    }
    let mut sum = 0xcbf2_9ce4_8422_2325u64;
    for who in 0..ACCOUNTS {
        let b = bal.get(&who).copied().unwrap_or(0);
        step(&mut inst, who, "balance_of", &account(who), Some(&b.to_le_bytes()))?;
        sum = (sum ^ b as u64 ^ (b >> 64) as u64).wrapping_mul(0x0100_0000_01b3);
    }
    Ok((sum ^ supply as u64) as i64)
}

// ---- merkle

/// Depth of the script's tree (256 leaves).
const DEPTH: usize = 8;

fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(data).into()
}

/// Every level of the tree, leaves first.
fn tree(leaves: Vec<[u8; 32]>) -> Vec<Vec<[u8; 32]>> {
    let mut levels = vec![leaves];
    while levels.last().is_some_and(|l| l.len() > 1) {
        let next = levels.last().into_iter().flatten().collect::<Vec<_>>();
        let next = next.chunks(2).map(|p| sha256(&[&p[0][..], &p[1][..]].concat())).collect();
        levels.push(next);
    }
    levels
}

/// The `verify` input: every leaf's proof, then one with a flipped sibling bit (must fail).
fn proofs(levels: &[Vec<[u8; 32]>]) -> Vec<u8> {
    let n = levels[0].len();
    let mut out = ((n + 1) as u16).to_le_bytes().to_vec();
    for index in 0..=n {
        let leaf = index % n;
        out.extend((leaf as u32).to_le_bytes());
        out.push(DEPTH as u8);
        out.extend(levels[0][leaf]);
        for (level, nodes) in levels[..DEPTH].iter().enumerate() {
            let mut sibling = nodes[(leaf >> level) ^ 1];
            if index == n && level == DEPTH / 2 {
                sibling[7] ^= 0x10;
            }
            out.extend(sibling);
        }
    }
    out
}

fn merkle(inst: &mut dyn Instance, rounds: i32) -> EngineResult<i64> {
    run_merkle(rounds, Some(inst))
}

/// Per round: a fresh set of leaves; the root built and all proofs checked, once hashing in
/// the contract and once through the host.
fn run_merkle(rounds: i32, mut inst: Option<&mut dyn Instance>) -> EngineResult<i64> {
    let mut sum = 0u64;
    for round in 0..rounds.max(1) as u64 {
        let leaves: Vec<[u8; 32]> = (0..1u64 << DEPTH).map(|i| sha256(&(i ^ (round << 32)).to_le_bytes())).collect();
        let levels = tree(leaves);
        let root = levels[DEPTH][0];
        let n = levels[0].len() as u32;
        if let Some(inst) = inst.as_deref_mut() {
            let (leaf_bytes, input) = (levels[0].concat(), proofs(&levels));
            for (build, verify) in [("build_root", "verify"), ("build_root_host", "verify_host")] {
                expect_eq(build, &call(inst, account(1), build, &leaf_bytes)?, &root)?;
                expect_eq(verify, &call(inst, account(1), verify, &input)?, &n.to_le_bytes())?;
            }
        }
        sum = sum.rotate_left(7) ^ u64::from_le_bytes(root[..8].try_into().expect("8 bytes")) ^ n as u64;
    }
    Ok(sum as i64)
}
