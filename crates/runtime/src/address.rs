//! Addresses and the hashes the runtime defines them with (docs/runtime.md, "Identities").

use std::fmt;

use sha2::{Digest, Sha256};

/// A 20-byte account or contract address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// Parses 40 hex digits, with or without a `0x` prefix.
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = from_hex(s.strip_prefix("0x").unwrap_or(s))?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The address of a contract deployed by `deployer` with `salt` and code hash `code_hash`:
    /// the last 20 bytes of SHA-256("gasket/address/v1" ‖ deployer ‖ len(salt) ‖ salt ‖ code_hash).
    pub fn derive(deployer: &Address, salt: &[u8], code_hash: &[u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"gasket/address/v1");
        h.update(deployer.0);
        h.update((salt.len() as u32).to_le_bytes());
        h.update(salt);
        h.update(code_hash);
        let digest: [u8; 32] = h.finalize().into();
        let mut a = [0; 20];
        a.copy_from_slice(&digest[12..]);
        Self(a)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", to_hex(&self.0))
    }
}

/// SHA-256.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Keccak-256 as Ethereum uses it (original padding, not NIST SHA3-256).
pub fn keccak256(bytes: &[u8]) -> [u8; 32] {
    sha3::Keccak256::digest(bytes).into()
}

/// BLAKE2b with a 32-byte digest.
pub fn blake2b256(bytes: &[u8]) -> [u8; 32] {
    blake2::Blake2b::<blake2::digest::consts::U32>::digest(bytes).into()
}

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses hex (an even number of digits); `None` on anything else.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_published_vectors() {
        assert_eq!(to_hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(to_hex(&keccak256(b"")), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        assert_eq!(to_hex(&blake2b256(b"abc")), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    }

    #[test]
    fn hex_round_trip_and_rejects() {
        let a = Address([0xab; 20]);
        assert_eq!(Address::from_hex(&a.to_string()), Some(a));
        assert_eq!(Address::from_hex("0x12"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex("abc"), None);
    }
}
