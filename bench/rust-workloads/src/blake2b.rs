//! BLAKE2b-512 (RFC 7693), unkeyed, streaming.

const IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

#[inline(always)]
fn g(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}

fn compress(h: &mut [u64; 8], block: &[u8], t: u128, last: bool) {
    let mut m = [0u64; 16];
    for (w, c) in m.iter_mut().zip(block.chunks_exact(8)) {
        *w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    }
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= t as u64;
    v[13] ^= (t >> 64) as u64;
    if last {
        v[14] = !v[14];
    }
    for r in 0..12 {
        let s = &SIGMA[r % 10];
        g(&mut v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(&mut v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(&mut v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(&mut v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(&mut v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(&mut v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(&mut v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(&mut v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}

pub struct Blake2b {
    h: [u64; 8],
    buf: [u8; 128],
    used: usize,
    t: u128,
}

impl Default for Blake2b {
    fn default() -> Self {
        let mut h = IV;
        h[0] ^= 0x0101_0000 ^ 64; // fanout 1, depth 1, no key, 64-byte digest
        Self { h, buf: [0; 128], used: 0, t: 0 }
    }
}

impl Blake2b {
    /// The last block is compressed only at finalization (it carries the final flag), so a
    /// full buffer is kept until more data arrives.
    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.used == 128 {
                self.t += 128;
                let block = self.buf;
                compress(&mut self.h, &block, self.t, false);
                self.used = 0;
            }
            if self.used == 0 && data.len() > 128 {
                self.t += 128;
                compress(&mut self.h, &data[..128], self.t, false);
                data = &data[128..];
                continue;
            }
            let take = (128 - self.used).min(data.len());
            self.buf[self.used..self.used + take].copy_from_slice(&data[..take]);
            self.used += take;
            data = &data[take..];
        }
    }

    pub fn finalize(mut self) -> [u8; 64] {
        self.t += self.used as u128;
        self.buf[self.used..].fill(0);
        let block = self.buf;
        compress(&mut self.h, &block, self.t, true);
        let mut out = [0u8; 64];
        for (o, w) in out.chunks_exact_mut(8).zip(self.h) {
            o.copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// Digest of `block` repeated `repeats` times into `out`; returns the digest length.
pub fn digest_repeated(block: &[u8], repeats: usize, out: &mut [u8; 64]) -> usize {
    let mut h = Blake2b::default();
    for _ in 0..repeats {
        h.update(block);
    }
    *out = h.finalize();
    64
}

#[cfg(test)]
mod tests {
    extern crate std;
    use blake2::Digest;

    #[test]
    fn vectors_and_rustcrypto() {
        let mut h = super::Blake2b::default();
        h.update(b"abc");
        let d = h.finalize();
        assert_eq!(d[..8], [0xba, 0x80, 0xa5, 0x3f, 0x98, 0x1c, 0x4d, 0x0d]);
        let mut data = std::vec![0u8; 5000];
        crate::fill(&mut data, 11);
        for len in [0, 1, 127, 128, 129, 256, 257, 1000, 5000] {
            for split in [0, len / 3, len] {
                let mut h = super::Blake2b::default();
                h.update(&data[..split]);
                h.update(&data[split..len]);
                assert_eq!(h.finalize()[..], blake2::Blake2b512::digest(&data[..len])[..], "len {len}");
            }
        }
    }
}
