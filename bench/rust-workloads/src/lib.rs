//! Benchmark kernels written in Rust, compiled both to wasm32 (bench/workloads/rust-workloads.wasm,
//! by scripts/build-bench-wasm.sh) and natively into gasket-bench, so every engine runs the same
//! source as native code. Each kernel is an `extern "C" fn(i32) -> i64`: the argument is the
//! size, inputs are generated inside from fixed seeds, and the result is a checksum that the
//! bench compares across engines. `no_std`, no allocator: scratch memory is one static arena.

#![no_std]

pub mod bignum;
pub mod blake2b;
pub mod keccak;
pub mod kernels;
pub mod sha256;

#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Bytes of scratch memory every kernel may use (4 MiB).
pub const ARENA_BYTES: usize = 4 << 20;

static mut ARENA: [u64; ARENA_BYTES / 8] = [0; ARENA_BYTES / 8];

/// The arena as bytes. Kernels are called one at a time (the bench is single-threaded, and a
/// wasm instance has one thread), so the exclusive borrow is never aliased.
fn arena() -> &'static mut [u8] {
    // SAFETY: see above; the pointer comes from `addr_of_mut!`, so no reference to the static
    // exists besides the one made here, and u64 storage is valid as bytes.
    unsafe { core::slice::from_raw_parts_mut(core::ptr::addr_of_mut!(ARENA) as *mut u8, ARENA_BYTES) }
}

/// xorshift64: the deterministic generator of every input.
#[derive(Clone)]
pub struct Rng(pub u64);

impl Rng {
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Fills `buf` with pseudo-random bytes from `seed`.
pub fn fill(buf: &mut [u8], seed: u64) {
    let mut rng = Rng(seed);
    for chunk in buf.chunks_mut(8) {
        let v = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}

/// Size of the block the hash kernels repeat to form their message.
pub const HASH_BLOCK: usize = 64 * 1024;
/// Seed of that block.
pub const HASH_SEED: u64 = 0x0123_4567_89AB_CDEF;

/// The first 8 bytes of a digest, big-endian, as the checksum.
pub fn digest_checksum(d: &[u8]) -> i64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    i64::from_be_bytes(b)
}

/// Declares the exported kernels: `#[no_mangle]` only on wasm, where they are the module's
/// exports; natively they are ordinary functions (no symbol clashes in the bench binary).
macro_rules! exports {
    ($($(#[$m:meta])* fn $name:ident($arg:ident) => $body:expr;)*) => {$(
        $(#[$m])*
        #[cfg_attr(target_arch = "wasm32", no_mangle)]
        pub extern "C" fn $name($arg: i32) -> i64 {
            $body
        }
    )*};
}

exports! {
    /// Recursive Fibonacci: call-heavy.
    fn fib_rec(n) => kernels::fib(n as u32) as i64;
    /// A tight integer loop (xorshift, multiply, rotate, data-dependent branch).
    fn int_loop(n) => kernels::int_loop(n as u32) as i64;
    /// Number of primes below `n` (at most 4 Mi), byte-per-number sieve.
    fn sieve(n) => kernels::sieve(arena(), n as usize) as i64;
    /// `n`x`n` wrapping u64 matrix product; checksum of the result.
    fn matmul(n) => kernels::matmul(arena(), n as usize) as i64;
    /// SHA-256 of `kib` KiB (the 64 KiB seeded block repeated).
    fn sha256(kib) => hash_kernel(kib, sha256::digest_repeated);
    /// Keccak-256 (Ethereum's) of `kib` KiB (the 64 KiB seeded block repeated).
    fn keccak256(kib) => hash_kernel(kib, keccak::digest_repeated);
    /// BLAKE2b-512 of `kib` KiB (the 64 KiB seeded block repeated).
    fn blake2b(kib) => hash_kernel(kib, blake2b::digest_repeated);
    /// `n` chained 256x256 -> 512-bit multiplications.
    fn bignum_mul(n) => bignum::chain(n as u32) as i64;
    /// `n` dependent random reads over a 4 MiB cyclic permutation (built first), then a
    /// streaming pass: memory-bound.
    fn mem_random(n) => kernels::mem_random(arena(), n as u32) as i64;
}

fn hash_kernel(kib: i32, digest: fn(&[u8], usize, &mut [u8; 64]) -> usize) -> i64 {
    let block = &mut arena()[..HASH_BLOCK];
    fill(block, HASH_SEED);
    let mut out = [0u8; 64];
    let len = digest(block, (kib as usize * 1024).div_ceil(HASH_BLOCK), &mut out);
    // A whole number of blocks: `kib` is rounded up to a multiple of 64.
    digest_checksum(&out[..len])
}

/// The message the hash kernels digest, for references outside this crate: the seeded block
/// and how many times it repeats for a size in KiB.
pub fn hash_message(kib: i32, block: &mut [u8; HASH_BLOCK]) -> usize {
    fill(block, HASH_SEED);
    (kib as usize * 1024).div_ceil(HASH_BLOCK)
}
