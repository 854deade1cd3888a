//! The integer kernels: recursion, a tight loop, a sieve, a matrix product and a memory-bound
//! pointer chase. Each works on the scratch slice it is given.

use crate::Rng;

#[inline(never)]
pub fn fib(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}

pub fn int_loop(n: u32) -> u64 {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut acc, mut lcg) = (0u64, 1u64);
    for i in 0..n {
        let x = rng.next_u64();
        lcg = lcg.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        acc = if x & 1 == 0 { acc.wrapping_add(x ^ lcg) } else { acc.wrapping_sub(lcg).rotate_left(i & 31) };
    }
    acc
}

pub fn sieve(scratch: &mut [u8], n: usize) -> u32 {
    let n = n.min(scratch.len());
    let composite = &mut scratch[..n];
    composite.fill(0);
    let mut i = 2;
    while i * i < n {
        if composite[i] == 0 {
            let mut j = i * i;
            while j < n {
                composite[j] = 1;
                j += i;
            }
        }
        i += 1;
    }
    composite.iter().skip(2).filter(|&&c| c == 0).count() as u32
}

/// Reinterprets the start of the scratch bytes as `len` u64 words.
fn words(scratch: &mut [u8], len: usize) -> &mut [u64] {
    assert!(len * 8 <= scratch.len());
    let (head, body, _) = unsafe { scratch.align_to_mut::<u64>() };
    assert!(head.is_empty(), "scratch is not 8-aligned");
    &mut body[..len]
}

pub fn matmul(scratch: &mut [u8], n: usize) -> u64 {
    let m = words(scratch, 3 * n * n);
    let (a, rest) = m.split_at_mut(n * n);
    let (b, c) = rest.split_at_mut(n * n);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for v in a.iter_mut().chain(b.iter_mut()) {
        *v = rng.next_u64() >> 40;
    }
    for i in 0..n {
        for j in 0..n {
            let mut sum = 0u64;
            for k in 0..n {
                sum = sum.wrapping_add(a[i * n + k].wrapping_mul(b[k * n + j]));
            }
            c[i * n + j] = sum;
        }
    }
    c.iter().enumerate().fold(0u64, |h, (i, &v)| (h ^ v).wrapping_mul(0x100_0000_01B3).wrapping_add(i as u64))
}

/// Words of the permutation: the whole 4 MiB arena as u32 indices.
const CHASE_WORDS: usize = crate::ARENA_BYTES / 4;

pub fn mem_random(scratch: &mut [u8], steps: u32) -> u64 {
    let (head, next, _) = unsafe { scratch[..CHASE_WORDS * 4].align_to_mut::<u32>() };
    assert!(head.is_empty() && next.len() == CHASE_WORDS);
    // Sattolo's shuffle: one cycle through every slot, so the chase visits the whole arena.
    for (i, v) in next.iter_mut().enumerate() {
        *v = i as u32;
    }
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for i in (1..CHASE_WORDS).rev() {
        let j = (rng.next_u64() % i as u64) as usize;
        next.swap(i, j);
    }
    let (mut at, mut sum) = (0u32, 0u64);
    for _ in 0..steps {
        at = next[at as usize];
        sum = sum.wrapping_add(at as u64);
    }
    // Streaming pass: read-modify-write of every word.
    for v in next.iter_mut() {
        *v = v.wrapping_mul(2_654_435_761).rotate_left(7);
        sum = sum.wrapping_add(*v as u64);
    }
    sum ^ at as u64
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec;

    #[test]
    fn small_values() {
        assert_eq!(super::fib(20), 6765);
        let mut s = vec![0u8; 1000];
        assert_eq!(super::sieve(&mut s, 1000), 168);
        let mut m = vec![0u64; 3 * 16 * 16];
        let bytes = unsafe { core::slice::from_raw_parts_mut(m.as_mut_ptr() as *mut u8, m.len() * 8) };
        assert_ne!(super::matmul(bytes, 16), 0);
    }
}
