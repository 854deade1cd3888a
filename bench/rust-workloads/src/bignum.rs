//! 256-bit unsigned integers as four u64 limbs (little-endian) and their schoolbook product
//! to 512 bits, the core of EVM-style arithmetic.

pub type U256 = [u64; 4];

/// The full 512-bit product of `a` and `b`, as eight limbs.
#[inline(never)]
pub fn mul_wide(a: &U256, b: &U256) -> [u64; 8] {
    let mut r = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u128;
        for j in 0..4 {
            let t = a[i] as u128 * b[j] as u128 + r[i + j] as u128 + carry;
            r[i + j] = t as u64;
            carry = t >> 64;
        }
        r[i + 4] = carry as u64;
    }
    r
}

/// `n` chained multiplications: each step folds the product's halves into the next operand.
pub fn chain(n: u32) -> u64 {
    let mut a: U256 = [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, 0x0F1E_2D3C_4B5A_6978, 0x8796_A5B4_C3D2_E1F0];
    let b: U256 = [0xD1B5_4A32_D192_ED03, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB];
    let mut acc = 0u64;
    for _ in 0..n {
        let p = mul_wide(&a, &b);
        for k in 0..4 {
            a[k] = p[k] ^ p[k + 4].rotate_left(17);
        }
        a[0] |= 1;
        acc = acc.wrapping_add(p[7]) ^ p[3];
    }
    acc ^ a[0] ^ a[3]
}

#[cfg(test)]
mod tests {
    #[test]
    fn product_of_maxima() {
        // (2^256 - 1)^2 = 2^512 - 2^257 + 1
        let m = [u64::MAX; 4];
        assert_eq!(super::mul_wide(&m, &m), [1, 0, 0, 0, u64::MAX - 1, u64::MAX, u64::MAX, u64::MAX]);
    }
}
