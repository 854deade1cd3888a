//! 256-bit unsigned addition and subtraction on 32-byte operands, the semantics of the
//! `bignum.add256` and `bignum.sub256` host functions. Guarantees: operands are big-endian,
//! as Scout reads them (`U256::from_big_endian`); results wrap modulo 2^256 where Scout
//! panics; both functions are pure and total.

/// A 32-byte big-endian operand as four 64-bit limbs, least significant first.
fn limbs(bytes: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (i, limb) in out.iter_mut().enumerate() {
        let start = 24 - 8 * i;
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[start..start + 8]);
        *limb = u64::from_be_bytes(word);
    }
    out
}

fn bytes(limbs: [u64; 4]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in limbs.iter().enumerate() {
        let start = 24 - 8 * i;
        out[start..start + 8].copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// `(a + b) mod 2^256`.
pub fn add256(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (a, b) = (limbs(a), limbs(b));
    let mut out = [0u64; 4];
    let mut carry = false;
    for i in 0..4 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        out[i] = s;
        carry = c1 || c2;
    }
    bytes(out)
}

/// `(a - b) mod 2^256`.
pub fn sub256(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let (a, b) = (limbs(a), limbs(b));
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        out[i] = d;
        borrow = b1 || b2;
    }
    bytes(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(low: u64) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[24..].copy_from_slice(&low.to_be_bytes());
        b
    }

    #[test]
    fn small_values_and_carry() {
        assert_eq!(add256(&n(2), &n(40)), n(42));
        assert_eq!(sub256(&n(42), &n(40)), n(2));
        let mut carried = [0u8; 32];
        carried[23] = 1;
        assert_eq!(add256(&n(u64::MAX), &n(1)), carried);
        assert_eq!(sub256(&carried, &n(1)), n(u64::MAX));
    }

    #[test]
    fn wraps() {
        assert_eq!(add256(&[0xff; 32], &n(1)), [0; 32]);
        assert_eq!(sub256(&[0; 32], &n(1)), [0xff; 32]);
    }
}
