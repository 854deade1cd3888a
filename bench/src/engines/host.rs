//! The host side of the bench's modules, shared by every engine: what a stubbed import does
//! ([`run_stub`]), the host clock, and a plain in-memory implementation of the `gasket_v1`
//! contract API (storage in a map, the call's input and return data, events counted, hashes
//! computed natively) so that contracts run as ordinary modules on every engine. It is not the
//! runtime: no gas is charged by host functions, no journal, no nested calls (`call` fails).

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

use super::{EngineResult, Stub, StubAction};

/// Per-store state of the host functions: what a contract's calls read and leave behind.
#[derive(Debug, Default)]
pub struct HostState {
    pub storage: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The next entry-point call's input.
    pub input: Vec<u8>,
    /// The last call's return data (`set_return`), or its revert data.
    pub output: Vec<u8>,
    /// Set by `revert` (the call then traps with a message starting "reverted").
    pub reverted: bool,
    pub events: u64,
    /// Bytes of event data and topics recorded, folded into nothing but this count.
    pub event_bytes: u64,
    /// The 20-byte caller address `caller` writes.
    pub caller: [u8; 20],
}

/// A host function's view of the calling instance: its memory and the store's state.
pub trait HostAccess {
    fn read(&mut self, ptr: u32, len: u32) -> EngineResult<Vec<u8>>;
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> EngineResult<()>;
    fn state(&mut self) -> &mut HostState;
}

/// A host function: arguments as i64 (i32 ones sign-extended), result for the import's single
/// result if it has one, or an error to trap with.
pub type HostFn = fn(&mut dyn HostAccess, &[i64]) -> EngineResult<i64>;

/// Nanoseconds since the first call in this process: the clock `StubAction::Clock` returns.
pub fn clock_ns() -> i64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as i64
}

/// Runs a stub for an import named `label`: its result value, or the trap message.
pub fn run_stub(action: StubAction, label: &str, args: &[i64], host: &mut dyn HostAccess) -> EngineResult<i64> {
    match action {
        StubAction::Return(v) => Ok(v),
        StubAction::Trap => Err(format!("{label}({:?})", args.first())),
        StubAction::Clock => Ok(clock_ns()),
        StubAction::Host(f) => f(host, args),
    }
}

fn u(v: i64) -> u32 {
    v as u32
}

/// Reads `[ptr, len]` from the arguments at `i` and `i + 1`.
fn bytes_at(h: &mut dyn HostAccess, a: &[i64], i: usize) -> EngineResult<Vec<u8>> {
    h.read(u(a[i]), u(a[i + 1]))
}

fn input_size(h: &mut dyn HostAccess, _: &[i64]) -> EngineResult<i64> {
    Ok(h.state().input.len() as i64)
}

fn input_copy(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let (dst, offset, len) = (u(a[0]), u(a[1]) as usize, u(a[2]) as usize);
    let input = &h.state().input;
    let part = offset
        .checked_add(len)
        .and_then(|end| input.get(offset..end))
        .ok_or_else(|| format!("input_copy {offset}+{len} outside the input ({} bytes)", input.len()))?
        .to_vec();
    h.write(dst, &part)?;
    Ok(0)
}

fn set_return(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    h.state().output = bytes_at(h, a, 0)?;
    Ok(0)
}

fn revert(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let data = bytes_at(h, a, 0)?;
    let text = String::from_utf8_lossy(&data).into_owned();
    let s = h.state();
    (s.output, s.reverted) = (data, true);
    Err(format!("reverted: {text}"))
}

fn storage_read(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let key = bytes_at(h, a, 0)?;
    let (dst, cap) = (u(a[2]), u(a[3]) as usize);
    let Some(value) = h.state().storage.get(&key).cloned() else { return Ok(-1) };
    h.write(dst, &value[..value.len().min(cap)])?;
    Ok(value.len() as i64)
}

fn storage_write(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let (key, value) = (bytes_at(h, a, 0)?, bytes_at(h, a, 2)?);
    h.state().storage.insert(key, value);
    Ok(0)
}

fn storage_remove(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let key = bytes_at(h, a, 0)?;
    h.state().storage.remove(&key);
    Ok(0)
}

fn caller(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let who = h.state().caller;
    h.write(u(a[0]), &who)?;
    Ok(0)
}

fn self_address(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    h.write(u(a[0]), &[0xC0; 20])?;
    Ok(0)
}

fn block_height(_: &mut dyn HostAccess, _: &[i64]) -> EngineResult<i64> {
    Ok(1_000)
}

fn block_time(_: &mut dyn HostAccess, _: &[i64]) -> EngineResult<i64> {
    Ok(1_700_000_000)
}

fn gas_left(_: &mut dyn HostAccess, _: &[i64]) -> EngineResult<i64> {
    Ok(i64::MAX)
}

fn emit_event(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    let count = u(a[1]);
    if count > 4 {
        return Err(format!("emit_event: {count} topics (at most 4)"));
    }
    let topics = h.read(u(a[0]), 32 * count)?;
    let data = bytes_at(h, a, 2)?;
    let s = h.state();
    s.events += 1;
    s.event_bytes += (topics.len() + data.len()) as u64;
    Ok(0)
}

fn hash_with(h: &mut dyn HostAccess, a: &[i64], f: fn(&[u8]) -> [u8; 32]) -> EngineResult<i64> {
    let digest = f(&bytes_at(h, a, 0)?);
    h.write(u(a[2]), &digest)?;
    Ok(0)
}

fn sha256(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    use sha2::Digest;
    hash_with(h, a, |b| sha2::Sha256::digest(b).into())
}

fn keccak256(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    use sha3::Digest;
    hash_with(h, a, |b| sha3::Keccak256::digest(b).into())
}

fn blake2b256(h: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    use blake2::Digest;
    hash_with(h, a, |b| blake2::Blake2b::<blake2::digest::consts::U32>::digest(b).into())
}

/// Nested calls need the runtime: every `call` fails (status 2) and leaves no return data.
fn call(_: &mut dyn HostAccess, _: &[i64]) -> EngineResult<i64> {
    Ok(2)
}

fn return_data_size(_: &mut dyn HostAccess, _: &[i64]) -> EngineResult<i64> {
    Ok(0)
}

fn return_data_copy(_: &mut dyn HostAccess, a: &[i64]) -> EngineResult<i64> {
    match u(a[2]) {
        0 => Ok(0),
        len => Err(format!("return_data_copy of {len} bytes: no return data")),
    }
}

const fn host(name: &'static str, f: HostFn) -> Stub {
    Stub { module: "gasket_v1", name, action: StubAction::Host(f) }
}

/// The `gasket_v1` API (docs/runtime.md) as stubs, for contracts run as plain modules.
pub const GASKET_V1: &[Stub] = &[
    host("input_size", input_size),
    host("input_copy", input_copy),
    host("set_return", set_return),
    host("revert", revert),
    host("storage_read", storage_read),
    host("storage_write", storage_write),
    host("storage_remove", storage_remove),
    host("caller", caller),
    host("self_address", self_address),
    host("block_height", block_height),
    host("block_time", block_time),
    host("emit_event", emit_event),
    host("gas_left", gas_left),
    host("sha256", sha256),
    host("keccak256", keccak256),
    host("blake2b256", blake2b256),
    host("call", call),
    host("return_data_size", return_data_size),
    host("return_data_copy", return_data_copy),
];
