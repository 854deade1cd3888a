//! [`Address`]: the 20-byte identity shared by accounts and contracts (docs/runtime.md).

use core::fmt;

/// A 20-byte account or contract address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// Length of an address in bytes.
    pub const LEN: usize = 20;
    /// The all-zero address; no key derives it in practice, so events use it for "nobody"
    /// (the `from` of a mint).
    pub const ZERO: Address = Address([0; 20]);

    /// The address in `bytes`, which must be exactly 20 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Option<Address> {
        let a: [u8; 20] = bytes.try_into().ok()?;
        Some(Address(a))
    }

    /// The address's bytes.
    pub const fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The address as a 32-byte event topic: 12 zero bytes, then the address (the
    /// left-padding Ethereum uses for indexed addresses).
    pub const fn to_topic(&self) -> [u8; 32] {
        let mut t = [0u8; 32];
        let mut i = 0;
        while i < 20 {
            t[12 + i] = self.0[i];
            i += 1;
        }
        t
    }
}

impl From<[u8; 20]> for Address {
    fn from(a: [u8; 20]) -> Self {
        Address(a)
    }
}

impl AsRef<[u8]> for Address {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Lower-case hex with a `0x` prefix.
impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn from_slice_needs_exactly_20_bytes() {
        let bytes: [u8; 21] = core::array::from_fn(|i| i as u8);
        assert_eq!(Address::from_slice(&bytes[..20]), Some(Address(core::array::from_fn(|i| i as u8))));
        assert_eq!(Address::from_slice(&bytes), None);
        assert_eq!(Address::from_slice(&bytes[..19]), None);
        assert_eq!(Address::from_slice(&[]), None);
    }

    #[test]
    fn topic_is_left_padded() {
        let a = Address([0xab; 20]);
        let t = a.to_topic();
        assert_eq!(&t[..12], &[0u8; 12]);
        assert_eq!(&t[12..], &[0xab; 20]);
        assert_eq!(Address::ZERO.to_topic(), [0; 32]);
    }

    #[test]
    fn formats_as_hex() {
        let mut a = [0u8; 20];
        a[0] = 0x01;
        a[19] = 0xff;
        let a = Address(a);
        assert_eq!(format!("{a}"), "0x01000000000000000000000000000000000000ff");
        assert_eq!(format!("{a:?}"), "Address(0x01000000000000000000000000000000000000ff)");
    }
}
