//! The example contracts in contracts/: the committed `.wasm` files are well-formed gasket
//! contracts (docs/runtime.md), are what scripts/build-contracts.sh builds from the current
//! source, and behave as their headers document under a minimal in-test host.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use gasket::{Caller, Config, Engine, ExternType, Floats, FuncType, GasSchedule, Linker, Module, Store, Trap, ValType};
use gasket_sdk::sys::{ValKind, HOST_FNS};
use sha2::Digest;

/// Each contract and its entry points.
const CONTRACTS: &[(&str, &[&str])] = &[
    ("counter", &["increment", "get"]),
    ("token", &["init", "mint", "transfer", "balance_of"]),
    ("caller", &["forward", "call_then_fail"]),
];

/// Globals rustc's wasm32-unknown-unknown target always exports (it passes
/// `--export=__heap_base --export=__data_end` to the linker). Immutable `i32`s, not entry points.
const RUSTC_GLOBALS: &[&str] = &["__heap_base", "__data_end"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn wasm_path(name: &str) -> PathBuf {
    repo().join("contracts/wasm").join(format!("{name}.wasm"))
}

fn read_wasm(name: &str) -> Vec<u8> {
    let path = wasm_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run scripts/build-contracts.sh", path.display()))
}

/// The host API table of docs/runtime.md: import name → Wasm signature.
fn documented_host_api() -> BTreeMap<String, FuncType> {
    let doc = std::fs::read_to_string(repo().join("docs/runtime.md")).unwrap();
    let start = doc.find("## Host API").expect("docs/runtime.md has a Host API section");
    let mut api = BTreeMap::new();
    for line in doc[start..].lines().take_while(|l| !l.starts_with("## Calls")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 3 || !cells[1].starts_with('`') {
            continue;
        }
        let name = cells[1].trim_matches('`');
        let sig = cells[2].trim_matches('`');
        let ty = |t: &str| match t.trim() {
            "i32" => ValType::I32,
            "i64" => ValType::I64,
            other => panic!("docs/runtime.md: unknown type {other:?} in `{name}`"),
        };
        let (params, results) = match sig.split_once("->") {
            Some((p, r)) => (p.trim(), vec![ty(r)]),
            None => (sig.trim(), vec![]),
        };
        let params = params
            .strip_prefix('(')
            .and_then(|p| p.strip_suffix(')'))
            .unwrap_or_else(|| panic!("docs/runtime.md: cannot read the signature of `{name}`: {sig:?}"));
        // A parameter is `name` (a pointer or length: i32) or `name: type`.
        let params: Vec<ValType> = params
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once(':').map_or(ValType::I32, |(_, t)| ty(t)))
            .collect();
        assert!(api.insert(name.to_string(), FuncType::new(params, results)).is_none(), "`{name}` twice");
    }
    assert_eq!(api.len(), 20, "docs/runtime.md's host API table changed; read: {:?}", api.keys());
    api
}

#[test]
fn sdk_declares_exactly_the_documented_host_api() {
    let doc = documented_host_api();
    let kind = |k: &ValKind| match k {
        ValKind::I32 => ValType::I32,
        ValKind::I64 => ValType::I64,
    };
    let sdk: BTreeMap<String, FuncType> = HOST_FNS
        .iter()
        .map(|f| (f.name.to_string(), FuncType::new(f.params.iter().map(kind), f.results.iter().map(kind))))
        .collect();
    assert_eq!(sdk.len(), HOST_FNS.len(), "a host function is declared twice");
    assert_eq!(sdk, doc);
}

/// (a) Each committed module prepares under a default engine (and a metering engine and one
/// that denies floats), imports only documented `gasket_v1` functions with their documented
/// signatures, exports `memory` and its entry points as `() -> ()`, and has no start function.
#[test]
fn committed_contracts_are_well_formed() {
    let api = documented_host_api();
    let engines = [
        ("default", Engine::default()),
        ("metering", Engine::new(&Config { metering: Some(GasSchedule::default()), ..Config::default() })),
        ("floats denied", Engine::new(&Config { floats: Floats::Deny, ..Config::default() })),
    ];
    for &(name, entry_points) in CONTRACTS {
        let bytes = read_wasm(name);
        for (what, engine) in &engines {
            if let Err(e) = Module::new(engine, &bytes) {
                panic!("{name}.wasm does not prepare under the {what} engine: {e}");
            }
        }
        let module = Module::new(&engines[0].1, &bytes).unwrap();

        for (m, field, ty) in module.imports() {
            assert_eq!(m, "gasket_v1", "{name}.wasm imports {m}::{field}");
            let want = api.get(field).unwrap_or_else(|| panic!("{name}.wasm imports undocumented {field}"));
            assert_eq!(ty, ExternType::Func(want.clone()), "{name}.wasm: signature of {field}");
        }

        let exports: BTreeMap<&str, ExternType> = module.exports().collect();
        assert!(matches!(exports.get("memory"), Some(ExternType::Memory(_))), "{name}.wasm: no memory export");
        for e in entry_points {
            assert_eq!(
                exports.get(e),
                Some(&ExternType::Func(FuncType::new([], []))),
                "{name}.wasm: entry point {e} missing or not () -> ()"
            );
        }
        for (export, ty) in &exports {
            if *export == "memory" || entry_points.contains(export) {
                continue;
            }
            match ty {
                ExternType::Global(g) if RUSTC_GLOBALS.contains(export) && !g.mutable => {}
                _ => panic!("{name}.wasm: unexpected export {export}: {ty}"),
            }
        }

        for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
            if let wasmparser::Payload::StartSection { .. } = payload.unwrap() {
                panic!("{name}.wasm has a start function");
            }
        }

        // The header documents each entry point as "- `name`".
        let src = std::fs::read_to_string(repo().join(format!("contracts/{name}/src/lib.rs"))).unwrap();
        for e in entry_points {
            assert!(src.contains(&format!("//! - `{e}`")), "contracts/{name}/src/lib.rs does not document {e}");
        }
    }
}

/// (b) The committed files are what scripts/build-contracts.sh builds from the current source:
/// rebuilt from scratch in a temporary target directory and compared byte for byte.
#[test]
fn committed_contracts_are_up_to_date() {
    let repo = repo();
    let toolchain_file = std::fs::read_to_string(repo.join("contracts/rust-toolchain.toml")).unwrap();
    let toolchain = toolchain_file
        .lines()
        .find_map(|l| l.strip_prefix("channel = "))
        .map(|c| c.trim().trim_matches('"').to_string())
        .expect("contracts/rust-toolchain.toml names a channel");
    let installed = Command::new("rustup").args(["target", "list", "--installed", "--toolchain", &toolchain]).output();
    // Written to stderr directly, past the test harness's capture, so that it shows.
    let skip = |why: &str| {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: wasm32 target not installed ({why}); committed_contracts_are_up_to_date checks nothing"
        );
    };
    match installed {
        Ok(out) if out.status.success() => {
            if !String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
                return skip(&format!("toolchain {toolchain}; scripts/build-contracts.sh installs it"));
            }
        }
        _ => return skip(&format!("no rustup, or no toolchain {toolchain}")),
    }

    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contracts-rebuild");
    let _ = std::fs::remove_dir_all(&tmp);
    let out = Command::new("bash")
        .arg(repo.join("scripts/build-contracts.sh"))
        .env("CONTRACTS_TARGET_DIR", tmp.join("target"))
        .env("CONTRACTS_OUT_DIR", tmp.join("wasm"))
        .output()
        .expect("run scripts/build-contracts.sh");
    assert!(
        out.status.success(),
        "scripts/build-contracts.sh failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for &(name, _) in CONTRACTS {
        let rebuilt = std::fs::read(tmp.join("wasm").join(format!("{name}.wasm"))).unwrap();
        assert!(
            rebuilt == read_wasm(name),
            "contracts/wasm/{name}.wasm is stale ({} bytes committed, {} rebuilt): run scripts/build-contracts.sh",
            read_wasm(name).len(),
            rebuilt.len()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

// ---------------------------------------------------------------------------------------------
// A minimal host for the behaviour tests: storage and events with a journal per call, nested
// calls, re-entrancy refused. No gas (the engine does not meter); not the real runtime.

type Addr = [u8; 20];

#[derive(Default)]
struct World {
    contracts: HashMap<Addr, Module>,
    storage: BTreeMap<(Addr, Vec<u8>), Vec<u8>>,
    events: Vec<(Addr, Vec<[u8; 32]>, Vec<u8>)>,
}

struct Ctx {
    world: Arc<Mutex<World>>,
    linker: Linker<Ctx>,
    stack: Vec<Addr>,
    this: Addr,
    caller: Addr,
    input: Vec<u8>,
    ret: Vec<u8>,
    reverted: Option<Vec<u8>>,
    last_call: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Ok(Vec<u8>),
    Reverted(Vec<u8>),
    Failed(String),
}

fn mem_read(c: &Caller<'_, Ctx>, ptr: i32, len: i32) -> Result<Vec<u8>, Trap> {
    let mem = c.get_export("memory").and_then(|e| e.into_memory()).ok_or_else(|| Trap::host("no memory"))?;
    let mut buf = vec![0; len as u32 as usize];
    mem.read(c, ptr as u32 as usize, &mut buf).map_err(|e| Trap::host(e.to_string()))?;
    Ok(buf)
}

fn mem_write(c: &mut Caller<'_, Ctx>, ptr: i32, data: &[u8]) -> Result<(), Trap> {
    let mem = c.get_export("memory").and_then(|e| e.into_memory()).ok_or_else(|| Trap::host("no memory"))?;
    mem.write(c, ptr as u32 as usize, data).map_err(|e| Trap::host(e.to_string()))
}

fn slice(data: &[u8], offset: i32, len: i32) -> Result<&[u8], Trap> {
    let (o, l) = (offset as u32 as usize, len as u32 as usize);
    data.get(o..o.checked_add(l).ok_or_else(|| Trap::host("range"))?).ok_or_else(|| Trap::host("range"))
}

fn host_linker(engine: &Engine) -> Linker<Ctx> {
    type C<'a> = Caller<'a, Ctx>;
    let mut l = Linker::new(engine);
    let m = "gasket_v1";
    l.func_wrap(m, "input_size", |c: C| c.data().input.len() as i32).unwrap();
    l.func_wrap(m, "input_copy", |mut c: C, dst: i32, off: i32, len: i32| {
        let bytes = slice(&c.data().input, off, len)?.to_vec();
        mem_write(&mut c, dst, &bytes)
    })
    .unwrap();
    l.func_wrap(m, "set_return", |mut c: C, p: i32, len: i32| {
        c.data_mut().ret = mem_read(&c, p, len)?;
        Ok(())
    })
    .unwrap();
    l.func_wrap(m, "revert", |mut c: C, p: i32, len: i32| -> Result<(), Trap> {
        c.data_mut().reverted = Some(mem_read(&c, p, len)?);
        Err(Trap::host("reverted"))
    })
    .unwrap();
    l.func_wrap(m, "storage_read", |mut c: C, k: i32, kl: i32, dst: i32, dl: i32| -> Result<i32, Trap> {
        let key = (c.data().this, mem_read(&c, k, kl)?);
        let value = c.data().world.lock().unwrap().storage.get(&key).cloned();
        let Some(v) = value else { return Ok(-1) };
        let n = v.len().min(dl as u32 as usize);
        mem_write(&mut c, dst, &v[..n])?;
        Ok(v.len() as i32)
    })
    .unwrap();
    l.func_wrap(m, "storage_write", |c: C, k: i32, kl: i32, v: i32, vl: i32| -> Result<(), Trap> {
        let key = (c.data().this, mem_read(&c, k, kl)?);
        let value = mem_read(&c, v, vl)?;
        c.data().world.lock().unwrap().storage.insert(key, value);
        Ok(())
    })
    .unwrap();
    l.func_wrap(m, "storage_remove", |c: C, k: i32, kl: i32| -> Result<(), Trap> {
        let key = (c.data().this, mem_read(&c, k, kl)?);
        c.data().world.lock().unwrap().storage.remove(&key);
        Ok(())
    })
    .unwrap();
    l.func_wrap(m, "caller", |mut c: C, dst: i32| {
        let a = c.data().caller;
        mem_write(&mut c, dst, &a)
    })
    .unwrap();
    l.func_wrap(m, "self_address", |mut c: C, dst: i32| {
        let a = c.data().this;
        mem_write(&mut c, dst, &a)
    })
    .unwrap();
    l.func_wrap(m, "block_height", |_: C| 7i64).unwrap();
    l.func_wrap(m, "block_time", |_: C| 1_700_000_000i64).unwrap();
    l.func_wrap(m, "gas_left", |_: C| 1_000_000i64).unwrap();
    l.func_wrap(m, "emit_event", |c: C, t: i32, tc: i32, d: i32, dl: i32| -> Result<(), Trap> {
        if tc as u32 > 4 {
            return Err(Trap::host("too many topics"));
        }
        let topics = mem_read(&c, t, tc * 32)?.chunks(32).map(|t| t.try_into().unwrap()).collect();
        let data = mem_read(&c, d, dl)?;
        let this = c.data().this;
        c.data().world.lock().unwrap().events.push((this, topics, data));
        Ok(())
    })
    .unwrap();
    l.func_wrap(m, "sha256", |mut c: C, p: i32, len: i32, out: i32| {
        let h: [u8; 32] = sha2::Sha256::digest(mem_read(&c, p, len)?).into();
        mem_write(&mut c, out, &h)
    })
    .unwrap();
    for unused in ["keccak256", "blake2b256"] {
        l.func_wrap(m, unused, |_: C, _: i32, _: i32, _: i32| -> Result<(), Trap> {
            Err(Trap::host("not in the test host"))
        })
        .unwrap();
    }
    l.func_wrap(m, "call", |mut c: C, a: i32, f: i32, fl: i32, i: i32, il: i32, _gas: i64| -> Result<i32, Trap> {
        let target: Addr = mem_read(&c, a, 20)?.try_into().unwrap();
        let func = String::from_utf8_lossy(&mem_read(&c, f, fl)?).into_owned();
        let input = mem_read(&c, i, il)?;
        let (world, linker, this) = (c.data().world.clone(), c.data().linker.clone(), c.data().this);
        let mut stack = c.data().stack.clone();
        stack.push(this);
        let (status, data) = match run(&world, &linker, stack, this, target, &func, input) {
            Outcome::Ok(d) => (0, d),
            Outcome::Reverted(d) => (1, d),
            Outcome::Failed(_) => (2, vec![]),
        };
        c.data_mut().last_call = data;
        Ok(status)
    })
    .unwrap();
    l.func_wrap(m, "return_data_size", |c: C| c.data().last_call.len() as i32).unwrap();
    l.func_wrap(m, "return_data_copy", |mut c: C, dst: i32, off: i32, len: i32| {
        let bytes = slice(&c.data().last_call, off, len)?.to_vec();
        mem_write(&mut c, dst, &bytes)
    })
    .unwrap();
    l
}

/// Runs `func` of the contract at `this` in a fresh instance, with its own journal layer.
fn run(
    world: &Arc<Mutex<World>>,
    linker: &Linker<Ctx>,
    stack: Vec<Addr>,
    caller: Addr,
    this: Addr,
    func: &str,
    input: Vec<u8>,
) -> Outcome {
    if stack.contains(&this) {
        return Outcome::Failed("re-entrancy".into());
    }
    let (module, snapshot, events) = {
        let w = world.lock().unwrap();
        let Some(module) = w.contracts.get(&this).cloned() else { return Outcome::Failed("no contract".into()) };
        (module, w.storage.clone(), w.events.len())
    };
    let ctx = Ctx {
        world: world.clone(),
        linker: linker.clone(),
        stack,
        this,
        caller,
        input,
        ret: vec![],
        reverted: None,
        last_call: vec![],
    };
    let mut store = Store::new(module.engine(), ctx);
    let result = linker
        .instantiate(&mut store, &module)
        .and_then(|inst| inst.get_typed_func::<(), ()>(&store, func))
        .and_then(|f| f.call(&mut store, ()));
    let ctx = store.into_data();
    let outcome = match (result, ctx.reverted) {
        (Ok(()), _) => return Outcome::Ok(ctx.ret),
        (Err(_), Some(data)) => Outcome::Reverted(data),
        (Err(e), None) => Outcome::Failed(e.to_string()),
    };
    let mut w = world.lock().unwrap();
    w.storage = snapshot;
    w.events.truncate(events);
    outcome
}

struct Chain {
    world: Arc<Mutex<World>>,
    linker: Linker<Ctx>,
}

impl Chain {
    fn new() -> Self {
        let engine = Engine::default();
        Self { world: Arc::default(), linker: host_linker(&engine) }
    }

    fn deploy(&self, name: &str, at: u8) -> Addr {
        let engine = self.linker.engine();
        let module = Module::new(engine, read_wasm(name)).unwrap();
        self.world.lock().unwrap().contracts.insert([at; 20], module);
        [at; 20]
    }

    fn call(&self, from: Addr, to: Addr, func: &str, input: &[u8]) -> Outcome {
        run(&self.world, &self.linker, vec![], from, to, func, input.to_vec())
    }

    fn events(&self) -> Vec<(Addr, Vec<[u8; 32]>, Vec<u8>)> {
        self.world.lock().unwrap().events.clone()
    }

    fn storage(&self, contract: Addr, key: &[u8]) -> Option<Vec<u8>> {
        self.world.lock().unwrap().storage.get(&(contract, key.to_vec())).cloned()
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

fn topic(a: Addr) -> [u8; 32] {
    let mut t = [0; 32];
    t[12..].copy_from_slice(&a);
    t
}

const ALICE: Addr = [0xa1; 20];
const BOB: Addr = [0xb0; 20];
const CAROL: Addr = [0xc0; 20];

#[test]
fn counter_behaves_as_documented() {
    let chain = Chain::new();
    let counter = chain.deploy("counter", 1);
    assert_eq!(chain.call(ALICE, counter, "get", b""), Outcome::Ok(0u64.to_le_bytes().to_vec()));
    assert_eq!(chain.call(ALICE, counter, "increment", b""), Outcome::Ok(1u64.to_le_bytes().to_vec()));
    assert_eq!(chain.call(BOB, counter, "increment", b"ignored"), Outcome::Ok(2u64.to_le_bytes().to_vec()));
    assert_eq!(chain.call(ALICE, counter, "get", b""), Outcome::Ok(2u64.to_le_bytes().to_vec()));
    assert_eq!(chain.storage(counter, b"count"), Some(2u64.to_le_bytes().to_vec()));
    let topic = sha256(b"incremented");
    assert_eq!(
        chain.events(),
        vec![(counter, vec![topic], 1u64.to_le_bytes().to_vec()), (counter, vec![topic], 2u64.to_le_bytes().to_vec()),]
    );
    chain.world.lock().unwrap().storage.insert((counter, b"count".to_vec()), u64::MAX.to_le_bytes().to_vec());
    assert_eq!(chain.call(ALICE, counter, "increment", b""), Outcome::Reverted(b"overflow".to_vec()));
}

#[test]
fn token_behaves_as_documented() {
    let chain = Chain::new();
    let token = chain.deploy("token", 2);
    let args = |to: Addr, amount: u128| [&to[..], &amount.to_le_bytes()].concat();
    let balance = |a: Addr| chain.call(CAROL, token, "balance_of", &a);
    let amount = |n: u128| Outcome::Ok(n.to_le_bytes().to_vec());

    assert_eq!(chain.call(ALICE, token, "mint", &args(BOB, 5)), Outcome::Reverted(b"not initialized".to_vec()));
    assert_eq!(chain.call(ALICE, token, "init", b""), Outcome::Ok(vec![]));
    assert_eq!(chain.call(BOB, token, "init", b""), Outcome::Reverted(b"already initialized".to_vec()));
    assert_eq!(chain.call(BOB, token, "mint", &args(BOB, 5)), Outcome::Reverted(b"only owner".to_vec()));
    assert_eq!(chain.call(ALICE, token, "mint", &args(BOB, 100)), Outcome::Ok(vec![]));
    assert_eq!(chain.call(ALICE, token, "mint", &args(BOB, 100)[..35]), Outcome::Reverted(b"bad input".to_vec()));
    assert_eq!(balance(BOB), amount(100));
    assert_eq!(balance(ALICE), amount(0));

    assert_eq!(chain.call(BOB, token, "transfer", &args(CAROL, 30)), Outcome::Ok(vec![]));
    assert_eq!(balance(BOB), amount(70));
    assert_eq!(balance(CAROL), amount(30));
    assert_eq!(
        chain.call(BOB, token, "transfer", &args(CAROL, 71)),
        Outcome::Reverted(b"insufficient balance".to_vec())
    );
    assert_eq!(chain.call(BOB, token, "transfer", &args(BOB, 70)), Outcome::Ok(vec![]));
    assert_eq!(balance(BOB), amount(70));
    assert_eq!(chain.call(ALICE, token, "mint", &args(BOB, u128::MAX)), Outcome::Reverted(b"overflow".to_vec()));
    assert_eq!(chain.call(ALICE, token, "balance_of", &BOB[..19]), Outcome::Reverted(b"bad input".to_vec()));

    let transfer = sha256(b"Transfer");
    let ev = |from: Addr, to: Addr, n: u128| (token, vec![transfer, topic(from), topic(to)], n.to_le_bytes().to_vec());
    assert_eq!(chain.events(), vec![ev([0; 20], BOB, 100), ev(BOB, CAROL, 30), ev(BOB, BOB, 70)]);
}

#[test]
fn caller_forwards_and_rolls_back() {
    let chain = Chain::new();
    let counter = chain.deploy("counter", 1);
    let token = chain.deploy("token", 2);
    let caller = chain.deploy("caller", 3);
    let fwd = |target: Addr, func: &str| chain.call(ALICE, caller, "forward", &[&target[..], func.as_bytes()].concat());

    assert_eq!(fwd(counter, "increment"), Outcome::Ok(1u64.to_le_bytes().to_vec()));
    assert_eq!(fwd(counter, "get"), Outcome::Ok(1u64.to_le_bytes().to_vec()));
    // The callee sees the caller contract as its caller: it becomes the token's owner.
    assert_eq!(fwd(token, "init"), Outcome::Ok(vec![]));
    assert_eq!(chain.storage(token, b"owner"), Some(caller.to_vec()));
    assert_eq!(fwd(token, "init"), Outcome::Reverted(b"already initialized".to_vec()));
    assert_eq!(fwd(token, "no_such_entry_point"), Outcome::Reverted(b"call failed".to_vec()));
    assert_eq!(fwd([9; 20], "get"), Outcome::Reverted(b"call failed".to_vec()));
    assert_eq!(fwd(caller, "forward"), Outcome::Reverted(b"call failed".to_vec()), "re-entrancy");
    assert_eq!(chain.call(ALICE, caller, "forward", &[1; 19]), Outcome::Reverted(b"bad input".to_vec()));

    let events = chain.events().len();
    let out = chain.call(ALICE, caller, "call_then_fail", &counter);
    // The nested increment ran and returned 2 …
    assert_eq!(out, Outcome::Reverted([&[0u8][..], &2u64.to_le_bytes()].concat()));
    // … and was rolled back with the caller's own write.
    assert_eq!(chain.storage(caller, b"mine"), None);
    assert_eq!(chain.call(ALICE, counter, "get", b""), Outcome::Ok(1u64.to_le_bytes().to_vec()));
    assert_eq!(chain.events().len(), events);
    assert_eq!(chain.call(ALICE, caller, "call_then_fail", &[0; 21]), Outcome::Reverted(b"bad input".to_vec()));
}
