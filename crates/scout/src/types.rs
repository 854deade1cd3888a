//! The values of the Scout model: a 32-byte state root and a deposit receipt in its fixed
//! 184-byte SSZ encoding. Guarantees: both display as lower-case hex, and a deposit's
//! encoding is exactly the bytes an EE passes to `pushNewDeposit` for it.

use std::fmt;

use crate::hex;

/// An execution environment's state root: 32 opaque bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Root(pub [u8; 32]);

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl fmt::Debug for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Root({self})")
    }
}

/// A deposit receipt as Scout's YAML lists it (the Eth 2.0 phase 0 `Deposit` data).
#[derive(Clone, PartialEq, Eq)]
pub struct Deposit {
    pub pubkey: [u8; 48],
    pub withdrawal_credentials: [u8; 32],
    pub amount: u64,
    pub signature: [u8; 96],
}

impl Deposit {
    /// Length of [`Deposit::encode`]: 48 + 32 + 8 + 96.
    pub const ENCODED_LEN: usize = 184;

    /// The SSZ encoding of the container (all fields fixed-size): the fields in order,
    /// `amount` as 8 little-endian bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::ENCODED_LEN);
        out.extend_from_slice(&self.pubkey);
        out.extend_from_slice(&self.withdrawal_credentials);
        out.extend_from_slice(&self.amount.to_le_bytes());
        out.extend_from_slice(&self.signature);
        out
    }
}

impl fmt::Debug for Deposit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Deposit({})", hex::encode(&self.encode()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deposit_layout() {
        let d = Deposit { pubkey: [1; 48], withdrawal_credentials: [2; 32], amount: 0x0102, signature: [3; 96] };
        let e = d.encode();
        assert_eq!(e.len(), Deposit::ENCODED_LEN);
        assert_eq!(&e[..48], &[1; 48]);
        assert_eq!(&e[48..80], &[2; 32]);
        assert_eq!(&e[80..88], &[2, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&e[88..], &[3; 96]);
    }

    #[test]
    fn root_displays_as_hex() {
        let mut r = Root::default();
        r.0[0] = 0xab;
        r.0[31] = 1;
        assert_eq!(r.to_string(), format!("ab{}01", "00".repeat(30)));
    }
}
