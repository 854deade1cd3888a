//! Native code as an engine: the Rust-source workloads (bench/rust-workloads) compiled into
//! this binary, called directly by export name. It prepares nothing (no module), so it takes
//! part in execution only, and only for those workloads.

use super::{Arg, EngineResult, HostState, Instance, Prepared, Stub, WasmEngine};
use gasket_rust_workloads as rw;

pub struct Native;

/// The native function behind each export of bench/workloads/rust-workloads.wasm.
pub fn kernel(export: &str) -> Option<extern "C" fn(i32) -> i64> {
    Some(match export {
        "fib_rec" => rw::fib_rec,
        "int_loop" => rw::int_loop,
        "sieve" => rw::sieve,
        "matmul" => rw::matmul,
        "sha256" => rw::sha256,
        "keccak256" => rw::keccak256,
        "blake2b" => rw::blake2b,
        "bignum_mul" => rw::bignum_mul,
        "mem_random" => rw::mem_random,
        _ => return None,
    })
}

impl WasmEngine for Native {
    fn name(&self) -> &'static str {
        "native"
    }

    /// The bytes are ignored: the code is the rlib linked into this binary.
    fn prepare(&self, _wasm: &[u8]) -> EngineResult<Box<dyn Prepared>> {
        Ok(Box::new(Native))
    }

    fn is_native(&self) -> bool {
        true
    }
}

impl Prepared for Native {
    fn instantiate(&self, _stubs: &[Stub]) -> EngineResult<Box<dyn Instance>> {
        Ok(Box::new(Native))
    }
}

impl Instance for Native {
    fn call(&mut self, export: &str, args: &[Arg]) -> EngineResult<i64> {
        let f = kernel(export).ok_or_else(|| format!("no native kernel `{export}`"))?;
        match args {
            [Arg::I32(n)] => Ok(f(std::hint::black_box(*n))),
            _ => Err(format!("native `{export}` takes one i32, got {args:?}")),
        }
    }

    fn write(&mut self, _: u32, _: &[u8]) -> EngineResult<()> {
        Err("native code has no wasm memory".into())
    }

    fn read(&mut self, _: u32, _: u32) -> EngineResult<Vec<u8>> {
        Err("native code has no wasm memory".into())
    }

    fn global_i32(&mut self, _: &str) -> EngineResult<i32> {
        Err("native code has no wasm globals".into())
    }

    fn host(&mut self) -> EngineResult<&mut HostState> {
        Err("native code has no host state".into())
    }
}
