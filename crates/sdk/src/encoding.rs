//! Pure helpers for the byte layouts contracts use: fixed-width little-endian integers,
//! addresses, and a [`Reader`] that takes fields off the front of an input.
//!
//! Nothing here calls the host, so all of it is tested on the host.

use crate::Address;

/// `bytes` as a little-endian `u64`, if it is exactly 8 bytes long.
pub fn u64_le(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

/// `bytes` as a little-endian `u128`, if it is exactly 16 bytes long.
pub fn u128_le(bytes: &[u8]) -> Option<u128> {
    Some(u128::from_le_bytes(bytes.try_into().ok()?))
}

/// `prefix ‖ suffix` in a fixed-size array: a storage key built without allocating.
/// Returns `None` unless `prefix.len() + suffix.len() == N`.
pub fn concat<const N: usize>(prefix: &[u8], suffix: &[u8]) -> Option<[u8; N]> {
    if prefix.len() + suffix.len() != N {
        return None;
    }
    let mut out = [0u8; N];
    out[..prefix.len()].copy_from_slice(prefix);
    out[prefix.len()..].copy_from_slice(suffix);
    Some(out)
}

/// Reads fixed-width fields off the front of a byte slice. Every method returns `None`, and
/// consumes nothing, if too few bytes remain.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.bytes(N).map(|b| b.try_into().expect("length checked"))
    }

    /// The next 20 bytes as an [`Address`].
    pub fn address(&mut self) -> Option<Address> {
        self.array().map(Address)
    }

    /// The next 8 bytes as a little-endian `u64`.
    pub fn u64_le(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// The next 16 bytes as a little-endian `u128`.
    pub fn u128_le(&mut self) -> Option<u128> {
        self.array().map(u128::from_le_bytes)
    }

    /// Everything not read yet, consuming it.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.rest)
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    /// `Some(())` if every byte has been read: for layouts with no trailing data.
    pub fn finish(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_integers() {
        assert_eq!(u64_le(&[1, 0, 0, 0, 0, 0, 0, 0]), Some(1));
        assert_eq!(u64_le(&0x0102_0304_0506_0708u64.to_le_bytes()), Some(0x0102_0304_0506_0708));
        assert_eq!(u64_le(&[1, 2, 3]), None);
        assert_eq!(u64_le(&[0; 9]), None);
        assert_eq!(u128_le(&u128::MAX.to_le_bytes()), Some(u128::MAX));
        assert_eq!(u128_le(&[0; 8]), None);
    }

    #[test]
    fn concat_builds_exact_keys() {
        let a = Address([7; 20]);
        let k: [u8; 24] = concat(b"bal:", a.as_bytes()).unwrap();
        assert_eq!(&k[..4], b"bal:");
        assert_eq!(&k[4..], &[7; 20]);
        assert_eq!(concat::<23>(b"bal:", a.as_bytes()), None);
        assert_eq!(concat::<0>(b"", b""), Some([]));
    }

    #[test]
    fn reader_takes_fields_in_order() {
        let mut input = [0u8; 20 + 16 + 3];
        input[..20].copy_from_slice(&[9; 20]);
        input[20..36].copy_from_slice(&1234u128.to_le_bytes());
        input[36..].copy_from_slice(b"abc");
        let mut r = Reader::new(&input);
        assert_eq!(r.address(), Some(Address([9; 20])));
        assert_eq!(r.u128_le(), Some(1234));
        assert_eq!(r.remaining(), 3);
        assert_eq!(r.finish(), None);
        assert_eq!(r.rest(), b"abc");
        assert_eq!(r.finish(), Some(()));
        assert_eq!(r.rest(), b"");
    }

    #[test]
    fn short_reads_consume_nothing() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(r.u64_le(), None);
        assert_eq!(r.remaining(), 7);
        assert_eq!(r.address(), None);
        assert_eq!(r.bytes(7), Some(&[1, 2, 3, 4, 5, 6, 7][..]));
        assert_eq!(r.bytes(1), None);
        assert_eq!(r.bytes(0), Some(&[][..]));
    }
}
