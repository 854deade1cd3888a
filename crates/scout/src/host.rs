//! The host functions an execution environment imports, with Scout's names and signatures:
//! `eth2` (state roots, block data, deposits, ticks), `bignum` (256-bit add and subtract) and
//! `debug` (prints), each also under `env` as `{namespace}_{name}` (`env.eth2_useTicks`, ...).
//!
//! Guarantees: each function is defined once and registered under both names; every guest
//! pointer and length is checked against the EE's memory (out of range is the
//! `MemoryOutOfBounds` trap, a read outside the block data a host trap saying so), never a
//! panic; every function charges [`HOST_CALL_GAS`] plus one gas per byte it moves, before it
//! acts; deposits and debug output are bounded whatever the gas limit.

use gasket::{Caller, Error, IntoFunc, Linker, Memory, Trap, TrapCode};

use crate::bignum;
use crate::debuglog::DebugLog;
use crate::hex;
use crate::types::{Deposit, Root};

/// Gas every host call charges before its per-byte part. The Wasm `call` that reaches the
/// host was already paid by the caller's run; this covers the host's dispatch and checks, the
/// same base the contract runtime's cheapest host functions charge.
pub const HOST_CALL_GAS: u64 = 10;

/// Most deposits one block may push. Eth 2.0 phase 0 admitted 16 deposits per beacon block;
/// 1024 is far beyond any EE's use and bounds the host memory deposits take to 184 KiB per
/// block, whatever the gas limit.
pub const MAX_DEPOSITS_PER_BLOCK: usize = 1024;

/// The namespace that holds every function again under a prefixed name.
pub const ENV: &str = "env";

/// The host state of one block's execution.
#[derive(Debug)]
pub struct BlockHost {
    /// What `loadPreStateRoot` returns: the EE's root before this block.
    pub pre_root: Root,
    pub data: Vec<u8>,
    /// The last root `savePostStateRoot` saved, if any.
    pub post_root: Option<Root>,
    /// Every deposit pushed, each [`Deposit::ENCODED_LEN`] bytes.
    pub deposits: Vec<Vec<u8>>,
    pub ticks: u64,
    pub ticks_limit: u64,
    pub debug: DebugLog,
}

impl BlockHost {
    pub fn new(pre_root: Root, data: Vec<u8>, ticks_limit: u64) -> Self {
        Self {
            pre_root,
            data,
            post_root: None,
            deposits: Vec::new(),
            ticks: 0,
            ticks_limit,
            debug: DebugLog::default(),
        }
    }
}

type C<'a> = Caller<'a, BlockHost>;

fn oob() -> Trap {
    Trap::new(TrapCode::MemoryOutOfBounds)
}

/// `ptr..ptr+len` with both read as unsigned 32-bit, as Wasm addresses are.
fn range(ptr: i32, len: i32) -> Result<std::ops::Range<usize>, Trap> {
    let start = ptr as u32 as usize;
    Ok(start..start.checked_add(len as u32 as usize).ok_or_else(oob)?)
}

/// Charges the call's gas: the base plus `bytes`.
fn charge(c: &mut C<'_>, bytes: u64) -> Result<(), Trap> {
    c.consume_gas(HOST_CALL_GAS.saturating_add(bytes))
}

/// The memory handle came from this block's own store, so a misuse error is a runner bug: it
/// ends the block as a host trap, naming it, instead of a panic.
fn misuse(e: gasket::Error) -> Trap {
    Trap::host(format!("scout runner bug: {e}"))
}

fn memory(c: &C<'_>) -> Result<Memory, Trap> {
    c.get_export("memory")
        .and_then(|e| e.into_memory())
        .ok_or_else(|| Trap::host("the execution environment exports no memory named `memory`"))
}

fn read(c: &C<'_>, ptr: i32, len: i32) -> Result<Vec<u8>, Trap> {
    let m = memory(c)?;
    m.data(c).map_err(misuse)?.get(range(ptr, len)?).map(<[u8]>::to_vec).ok_or_else(oob)
}

fn read32(c: &C<'_>, ptr: i32) -> Result<[u8; 32], Trap> {
    let m = memory(c)?;
    let bytes = m.data(c).map_err(misuse)?.get(range(ptr, 32)?).ok_or_else(oob)?;
    let mut out = [0u8; 32];
    out.copy_from_slice(bytes);
    Ok(out)
}

fn write(c: &mut C<'_>, ptr: i32, bytes: &[u8]) -> Result<(), Trap> {
    let m = memory(c)?;
    let r = range(ptr, bytes.len() as i32)?;
    m.data_mut(c).map_err(misuse)?.get_mut(r).ok_or_else(oob)?.copy_from_slice(bytes);
    Ok(())
}

/// `eth2.loadPreStateRoot(ptr)`: writes the 32-byte pre-state root at `ptr`.
fn load_pre_state_root(mut c: C<'_>, ptr: i32) -> Result<(), Trap> {
    charge(&mut c, 32)?;
    let root = c.data().pre_root;
    write(&mut c, ptr, &root.0)
}

/// `eth2.blockDataSize() -> i32`: the length of the block's data.
fn block_data_size(mut c: C<'_>) -> Result<i32, Trap> {
    charge(&mut c, 0)?;
    // At most i32::MAX: the loader refuses longer blocks.
    Ok(c.data().data.len() as i32)
}

/// `eth2.blockDataCopy(ptr, offset, length)`: copies `data[offset..offset+length]` to `ptr`.
fn block_data_copy(mut c: C<'_>, ptr: i32, offset: i32, len: i32) -> Result<(), Trap> {
    charge(&mut c, len as u32 as u64)?;
    let data = std::mem::take(&mut c.data_mut().data);
    let result = match range(offset, len).ok().and_then(|r| data.get(r)) {
        Some(bytes) => write(&mut c, ptr, bytes),
        None => Err(Trap::host(format!(
            "blockDataCopy: {} bytes at offset {} are outside the {}-byte block data",
            len as u32,
            offset as u32,
            data.len()
        ))),
    };
    c.data_mut().data = data;
    result
}

/// `eth2.savePostStateRoot(ptr)`: the 32 bytes at `ptr` become the post-state root (the last
/// call wins).
fn save_post_state_root(mut c: C<'_>, ptr: i32) -> Result<(), Trap> {
    charge(&mut c, 32)?;
    let root = read32(&c, ptr)?;
    c.data_mut().post_root = Some(Root(root));
    Ok(())
}

/// `eth2.pushNewDeposit(ptr, length)`: records a deposit receipt; `length` must be 184.
fn push_new_deposit(mut c: C<'_>, ptr: i32, len: i32) -> Result<(), Trap> {
    charge(&mut c, len as u32 as u64)?;
    if len as u32 as usize != Deposit::ENCODED_LEN {
        return Err(Trap::host(format!(
            "pushNewDeposit: a deposit is {} bytes (pubkey 48, withdrawal credentials 32, amount 8, signature 96), got {}",
            Deposit::ENCODED_LEN,
            len as u32
        )));
    }
    if c.data().deposits.len() >= MAX_DEPOSITS_PER_BLOCK {
        return Err(Trap::host(format!("pushNewDeposit: more than {MAX_DEPOSITS_PER_BLOCK} deposits in one block")));
    }
    let deposit = read(&c, ptr, len)?;
    c.data_mut().deposits.push(deposit);
    Ok(())
}

/// `eth2.useTicks(ticks)`: adds `ticks` (unsigned) to the block's count; exceeding the limit
/// traps and leaves the count unchanged. Ticks are the EE's own accounting, not gas.
fn use_ticks(mut c: C<'_>, ticks: i32) -> Result<(), Trap> {
    charge(&mut c, 0)?;
    let host = c.data_mut();
    let total = host.ticks.saturating_add(u64::from(ticks as u32));
    if total > host.ticks_limit {
        return Err(Trap::host(format!("useTicks: {total} ticks exceed the block's limit of {}", host.ticks_limit)));
    }
    host.ticks = total;
    Ok(())
}

/// The shared shape of `add256` and `sub256`: reads `a` and `b` (32 bytes each, big-endian),
/// then writes `op(a, b)` at `c` (which may alias either).
fn bignum_op(mut c: C<'_>, a: i32, b: i32, out: i32, op: fn(&[u8; 32], &[u8; 32]) -> [u8; 32]) -> Result<(), Trap> {
    charge(&mut c, 96)?;
    let (a, b) = (read32(&c, a)?, read32(&c, b)?);
    write(&mut c, out, &op(&a, &b))
}

/// `bignum.add256(a, b, c)`: `c = (a + b) mod 2^256`.
fn add256(c: C<'_>, a: i32, b: i32, out: i32) -> Result<(), Trap> {
    bignum_op(c, a, b, out, bignum::add256)
}

/// `bignum.sub256(a, b, c)`: `c = (a - b) mod 2^256`.
fn sub256(c: C<'_>, a: i32, b: i32, out: i32) -> Result<(), Trap> {
    bignum_op(c, a, b, out, bignum::sub256)
}

/// `debug.print32(value)`: prints the value as unsigned, as Scout does.
fn print32(mut c: C<'_>, value: i32) -> Result<(), Trap> {
    charge(&mut c, 0)?;
    c.data_mut().debug.line(&format!("print32: {}", value as u32));
    Ok(())
}

/// `debug.print64(value)`: prints the value as unsigned, as Scout does.
fn print64(mut c: C<'_>, value: i64) -> Result<(), Trap> {
    charge(&mut c, 0)?;
    c.data_mut().debug.line(&format!("print64: {}", value as u64));
    Ok(())
}

/// `debug.printMem(ptr, length)`: prints the bytes as UTF-8 (invalid sequences replaced).
fn print_mem(mut c: C<'_>, ptr: i32, len: i32) -> Result<(), Trap> {
    charge(&mut c, len as u32 as u64)?;
    let bytes = read(&c, ptr, len)?;
    c.data_mut().debug.line_with(10 + bytes.len(), || format!("printMem: {}", String::from_utf8_lossy(&bytes)));
    Ok(())
}

/// `debug.printMemHex(ptr, length)`: prints the bytes as lower-case hex.
fn print_mem_hex(mut c: C<'_>, ptr: i32, len: i32) -> Result<(), Trap> {
    charge(&mut c, len as u32 as u64)?;
    let bytes = read(&c, ptr, len)?;
    c.data_mut().debug.line_with(13 + 2 * bytes.len(), || format!("printMemHex: {}", hex::encode(&bytes)));
    Ok(())
}

/// Registers `f` as `namespace.name` and as `env.{namespace}_{name}`.
fn both<P, R>(
    linker: &mut Linker<BlockHost>,
    namespace: &str,
    name: &str,
    f: impl IntoFunc<BlockHost, P, R> + Copy,
) -> Result<(), Error> {
    linker.func_wrap(namespace, name, f)?;
    linker.func_wrap(ENV, &format!("{namespace}_{name}"), f)?;
    Ok(())
}

/// Defines every host function in `linker`, each under both of its names.
pub fn define(linker: &mut Linker<BlockHost>) -> Result<(), Error> {
    both(linker, "eth2", "loadPreStateRoot", load_pre_state_root)?;
    both(linker, "eth2", "blockDataSize", block_data_size)?;
    both(linker, "eth2", "blockDataCopy", block_data_copy)?;
    both(linker, "eth2", "savePostStateRoot", save_post_state_root)?;
    both(linker, "eth2", "pushNewDeposit", push_new_deposit)?;
    both(linker, "eth2", "useTicks", use_ticks)?;
    both(linker, "bignum", "add256", add256)?;
    both(linker, "bignum", "sub256", sub256)?;
    both(linker, "debug", "print32", print32)?;
    both(linker, "debug", "print64", print64)?;
    both(linker, "debug", "printMem", print_mem)?;
    both(linker, "debug", "printMemHex", print_mem_hex)?;
    Ok(())
}
