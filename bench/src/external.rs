//! Real-world modules nobody here wrote: npm's hash-wasm (sha256, keccak, blake2b), wasmcurves
//! (bn128 pairing) and tiny-secp256k1, installed at benchmark time by scripts/bench-deps.sh
//! into bench/.cache/wasm (never committed). Each is driven through its exports the way its JS
//! wrapper drives it, and checked against known test vectors so that a wrong drive is an error.

use std::path::PathBuf;

use gasket_rust_workloads as rw;

use crate::engines::{Arg, EngineResult, Instance, Stub, StubAction};
use crate::workloads::{Drive, Group, Reference, Workload};

/// The command that installs the modules.
pub const INSTALL: &str = "scripts/bench-deps.sh";

pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".cache/wasm")
}

/// Runs the install script when the modules are missing, so that one command measures
/// everything on a fresh checkout. Whether it worked shows in [`workloads`]: a module still
/// missing is reported as skipped, with what to do.
pub fn ensure_installed() {
    if cache_dir().is_dir() {
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(INSTALL);
    eprintln!("[bench] real-world modules not installed; running {INSTALL}");
    match std::process::Command::new("bash").arg(&script).status() {
        Ok(s) if s.success() => {}
        Ok(s) => eprintln!("[bench] {INSTALL} failed ({s})"),
        Err(e) => eprintln!("[bench] could not run {INSTALL}: {e}"),
    }
}

/// The real-world workloads whose module is present, and a line per module that is not.
pub fn workloads() -> (Vec<Workload>, Vec<String>) {
    let mut ok = Vec::new();
    let mut skipped = Vec::new();
    let specs: [Spec; 5] = [
        ("hw:sha256", "hash-wasm-sha256.wasm", 4096, 64, Drive::Custom(sha256), &[], Some(check_sha256), sha256_ref),
        ("hw:keccak256", "hash-wasm-keccak.wasm", 4096, 64, Drive::Custom(keccak), &[], Some(check_keccak), keccak_ref),
        (
            "hw:blake2b",
            "hash-wasm-blake2b.wasm",
            16384,
            64,
            Drive::Custom(blake2b),
            &[],
            Some(check_blake2b),
            blake2b_ref,
        ),
        ("wc:bn128-pairing", "wasmcurves-bn128.wasm", 1, 1, Drive::Custom(bn128), &[], None, |_| BN128_EXPECTED),
        ("secp:sign+verify", "tiny-secp256k1.wasm", 16, 1, Drive::Custom(secp), SECP_STUBS, Some(check_secp), |_| {
            SECP_EXPECTED
        }),
    ];
    for (name, file, size, quick_size, drive, stubs, check, reference) in specs {
        let path = cache_dir().join(file);
        match std::fs::read(&path) {
            Ok(wasm) => ok.push(Workload {
                name: name.into(),
                group: Group::RealWorld,
                wasm,
                size,
                quick_size,
                drive,
                stubs,
                check,
                reference: Reference::Fn(reference),
            }),
            Err(e) => skipped.push(format!("{name}: {} ({e})", path.display())),
        }
    }
    (ok, skipped)
}

type Check = Option<fn(&mut dyn Instance) -> EngineResult<()>>;

/// Name, file in the cache, size, quick size, drive, stubs, known-answer check, reference.
type Spec = (&'static str, &'static str, i32, i32, Drive, &'static [Stub], Check, fn(i32) -> i64);

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex")).collect()
}

fn expect_bytes(what: &str, got: &[u8], want: &[u8]) -> EngineResult<()> {
    if got == want {
        return Ok(());
    }
    let h = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    Err(format!("{what}: got {}, expected {}", h(got), h(want)))
}

// ---- hash-wasm: Hash_GetBuffer() is the I/O buffer (16 KiB, the wrapper's MAX_HEAP);
// Hash_Init(param); per chunk: write it to the buffer, Hash_Update(len); Hash_Final(padding);
// the digest is at the start of the buffer.

const MAX_HEAP: usize = 16 * 1024;

struct HashWasm {
    /// Hash_Init's parameter: the digest bits (blake2b: bits | key bytes << 16).
    init: i32,
    /// Hash_Final's parameter (keccak's padding byte; ignored by the others).
    padding: i32,
    digest_len: u32,
}

const SHA256: HashWasm = HashWasm { init: 256, padding: 0, digest_len: 32 };
const KECCAK256: HashWasm = HashWasm { init: 256, padding: 0x01, digest_len: 32 };
const BLAKE2B512: HashWasm = HashWasm { init: 512, padding: 0, digest_len: 64 };

fn hash(inst: &mut dyn Instance, h: &HashWasm, chunks: &mut dyn Iterator<Item = &[u8]>) -> EngineResult<Vec<u8>> {
    let buffer = inst.call("Hash_GetBuffer", &[])? as u32;
    inst.call("Hash_Init", &[Arg::I32(h.init)])?;
    for chunk in chunks {
        for part in chunk.chunks(MAX_HEAP) {
            inst.write(buffer, part)?;
            inst.call("Hash_Update", &[Arg::I32(part.len() as i32)])?;
        }
    }
    inst.call("Hash_Final", &[Arg::I32(h.padding)])?;
    inst.read(buffer, h.digest_len)
}

/// Hashes the same message as the Rust kernels (the seeded 64 KiB block, repeated).
fn hash_message(inst: &mut dyn Instance, h: &HashWasm, kib: i32) -> EngineResult<i64> {
    let mut block = Box::new([0u8; rw::HASH_BLOCK]);
    let repeats = rw::hash_message(kib, &mut block);
    let digest = hash(inst, h, &mut std::iter::repeat_n(&block[..], repeats))?;
    Ok(rw::digest_checksum(&digest))
}

fn sha256(inst: &mut dyn Instance, kib: i32) -> EngineResult<i64> {
    hash_message(inst, &SHA256, kib)
}
fn keccak(inst: &mut dyn Instance, kib: i32) -> EngineResult<i64> {
    hash_message(inst, &KECCAK256, kib)
}
fn blake2b(inst: &mut dyn Instance, kib: i32) -> EngineResult<i64> {
    hash_message(inst, &BLAKE2B512, kib)
}

// References: the Rust kernels digest the same message natively.
fn sha256_ref(kib: i32) -> i64 {
    rw::sha256(kib)
}
fn keccak_ref(kib: i32) -> i64 {
    rw::keccak256(kib)
}
fn blake2b_ref(kib: i32) -> i64 {
    rw::blake2b(kib)
}

fn check_sha256(inst: &mut dyn Instance) -> EngineResult<()> {
    let d = hash(inst, &SHA256, &mut std::iter::once(&b"abc"[..]))?;
    expect_bytes("sha256(\"abc\")", &d, &hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
}

fn check_keccak(inst: &mut dyn Instance) -> EngineResult<()> {
    let d = hash(inst, &KECCAK256, &mut std::iter::once(&b"abc"[..]))?;
    expect_bytes("keccak256(\"abc\")", &d, &hex("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"))?;
    let d = hash(inst, &KECCAK256, &mut std::iter::once(&b""[..]))?;
    expect_bytes("keccak256(\"\")", &d, &hex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"))
}

fn check_blake2b(inst: &mut dyn Instance) -> EngineResult<()> {
    let d = hash(inst, &BLAKE2B512, &mut std::iter::once(&b"abc"[..]))?;
    let want = "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1\
                7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923";
    expect_bytes("blake2b-512(\"abc\")", &d, &hex(want))
}

// ---- wasmcurves bn128: the module imports its memory; the i32 at address 0 is the free
// pointer (the protoboard's `alloc` bumps it, and the module's functions place temporaries
// above it). Points are Jacobian, in Montgomery form; scalars are little-endian.
// Layout of build/bn128_wasm.js (wasmcurves 0.2.2): generator points and F12 one.

const BN128_G1_GEN: u32 = 31432;
const BN128_G2_GEN: u32 = 31624;
const BN128_ONE_T: u32 = 32008;

/// The ECPAIRING check of two pairs: e(10·G1, G2) · e(−G1, 10·G2) = 1 must hold, and
/// e(10·G1, G2) · e(G1, 10·G2) = 1 must not. Result: 2·first + second = 2.
const BN128_EXPECTED: i64 = 2;

fn bn128(inst: &mut dyn Instance, checks: i32) -> EngineResult<i64> {
    let mut free = u32::from_le_bytes(inst.read(0, 4)?.try_into().unwrap());
    let mut alloc = |inst: &mut dyn Instance, n: u32| -> EngineResult<u32> {
        let at = free;
        free += n.div_ceil(8) * 8;
        inst.write(0, &free.to_le_bytes())?;
        Ok(at)
    };
    let scalar = alloc(inst, 32)?;
    let (g1s, g2s, g1neg) = (alloc(inst, 96)?, alloc(inst, 192)?, alloc(inst, 96)?);
    let mut s = [0u8; 32];
    s[0] = 10;
    inst.write(scalar, &s)?;
    inst.call(
        "g1m_timesScalar",
        &[Arg::I32(BN128_G1_GEN as i32), Arg::I32(scalar as i32), Arg::I32(32), Arg::I32(g1s as i32)],
    )?;
    inst.call(
        "g2m_timesScalar",
        &[Arg::I32(BN128_G2_GEN as i32), Arg::I32(scalar as i32), Arg::I32(32), Arg::I32(g2s as i32)],
    )?;
    inst.call("g1m_neg", &[Arg::I32(BN128_G1_GEN as i32), Arg::I32(g1neg as i32)])?;
    let eq2 = |inst: &mut dyn Instance, p2: u32| {
        let a = [g1s, BN128_G2_GEN, p2, g2s, BN128_ONE_T].map(|p| Arg::I32(p as i32));
        inst.call("bn128_pairingEq2", &a)
    };
    let mut result = 0;
    for _ in 0..checks.max(1) {
        result = 2 * eq2(inst, g1neg)? + eq2(inst, BN128_G1_GEN)?;
    }
    Ok(result)
}

// ---- tiny-secp256k1: inputs and outputs at addresses given by exported globals.

const SECP_STUBS: &[Stub] = &[
    // Context randomization: any value is valid; a constant keeps every engine identical.
    Stub { module: "./rand.js", name: "generateInt32", action: StubAction::Return(0x5EED_1234) },
    Stub { module: "./validate_error.js", name: "throwError", action: StubAction::Trap },
];

/// secp256k1 generator, compressed: the public key of private key 1.
const SECP_G: &str = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
/// RFC 6979 ECDSA signature of sha256("Satoshi Nakamoto") with private key 1 (a widely used
/// test vector), r ‖ s.
const SECP_SIG: &str = "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8\
                        2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5";
/// The drive's checksum: the signature's first 8 bytes (its correctness is checked inside).
const SECP_EXPECTED: i64 = 0x934b_1ea1_0a4b_3c17_u64 as i64;

fn secp_key() -> [u8; 32] {
    let mut d = [0u8; 32];
    d[31] = 1;
    d
}

fn global(inst: &mut dyn Instance, name: &str) -> EngineResult<u32> {
    Ok(inst.global_i32(name)? as u32)
}

fn check_secp(inst: &mut dyn Instance) -> EngineResult<()> {
    inst.call("initializeContext", &[])?;
    let key_at = global(inst, "PRIVATE_INPUT")?;
    inst.write(key_at, &secp_key())?;
    if inst.call("pointFromScalar", &[Arg::I32(33)])? != 1 {
        return Err("pointFromScalar(1) failed".into());
    }
    let pub_at = global(inst, "PUBLIC_KEY_INPUT")?;
    let q = inst.read(pub_at, 33)?;
    expect_bytes("pointFromScalar(1)", &q, &hex(SECP_G))
}

/// Per round: sign the test-vector hash with key 1 (checked against the vector), verify it
/// (must hold) and verify it against a different hash (must not).
fn secp(inst: &mut dyn Instance, rounds: i32) -> EngineResult<i64> {
    let (hash_at, key_at) = (global(inst, "HASH_INPUT")?, global(inst, "PRIVATE_INPUT")?);
    let (sig_at, pub_at) = (global(inst, "SIGNATURE_INPUT")?, global(inst, "PUBLIC_KEY_INPUT")?);
    let mut sha = rw::sha256::Sha256::default();
    sha.update(b"Satoshi Nakamoto");
    let msg = sha.finalize();
    let want = hex(SECP_SIG);
    inst.call("initializeContext", &[])?;
    let mut last = Vec::new();
    for _ in 0..rounds.max(1) {
        inst.write(hash_at, &msg)?;
        inst.write(key_at, &secp_key())?;
        inst.call("sign", &[Arg::I32(0)])?;
        let sig = inst.read(sig_at, 64)?;
        expect_bytes("sign", &sig, &want)?;
        inst.write(pub_at, &hex(SECP_G))?;
        if inst.call("verify", &[Arg::I32(33), Arg::I32(0)])? != 1 {
            return Err("verify of a valid signature failed".into());
        }
        let mut other = msg;
        other[0] ^= 1;
        inst.write(hash_at, &other)?;
        inst.write(sig_at, &sig)?;
        if inst.call("verify", &[Arg::I32(33), Arg::I32(0)])? != 0 {
            return Err("verify accepted a signature of another hash".into());
        }
        last = sig;
    }
    Ok(rw::digest_checksum(&last))
}
