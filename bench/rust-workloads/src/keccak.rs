//! Keccak-256 as Ethereum uses it (Keccak-f[1600], rate 136 bytes, padding 0x01 ... 0x80).

const RC: [u64; 24] = [
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808a,
    0x8000000080008000,
    0x000000000000808b,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008a,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000a,
    0x000000008000808b,
    0x800000000000008b,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800a,
    0x800000008000000a,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
];

/// Rotation offsets and lane order of the combined rho and pi steps.
const ROT: [u32; 24] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
const PI: [usize; 24] = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

pub fn keccak_f(a: &mut [u64; 25]) {
    for rc in RC {
        // theta
        let mut c = [0u64; 5];
        for x in 0..5 {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for x in 0..5 {
            let d = c[(x + 4) % 5] ^ c[(x + 1) % 5].rotate_left(1);
            for y in 0..5 {
                a[5 * y + x] ^= d;
            }
        }
        // rho and pi
        let mut last = a[1];
        for i in 0..24 {
            let t = a[PI[i]];
            a[PI[i]] = last.rotate_left(ROT[i]);
            last = t;
        }
        // chi
        for y in 0..5 {
            let row = [a[5 * y], a[5 * y + 1], a[5 * y + 2], a[5 * y + 3], a[5 * y + 4]];
            for x in 0..5 {
                a[5 * y + x] = row[x] ^ (!row[(x + 1) % 5] & row[(x + 2) % 5]);
            }
        }
        // iota
        a[0] ^= rc;
    }
}

const RATE: usize = 136;

pub struct Keccak256 {
    state: [u64; 25],
    buf: [u8; RATE],
    used: usize,
}

impl Default for Keccak256 {
    fn default() -> Self {
        Self { state: [0; 25], buf: [0; RATE], used: 0 }
    }
}

impl Keccak256 {
    fn absorb(state: &mut [u64; 25], block: &[u8]) {
        for (lane, c) in state.iter_mut().zip(block.chunks_exact(8)) {
            *lane ^= u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        }
        keccak_f(state);
    }

    pub fn update(&mut self, mut data: &[u8]) {
        if self.used > 0 {
            let take = (RATE - self.used).min(data.len());
            self.buf[self.used..self.used + take].copy_from_slice(&data[..take]);
            self.used += take;
            data = &data[take..];
            if self.used < RATE {
                return;
            }
            let block = self.buf;
            Self::absorb(&mut self.state, &block);
            self.used = 0;
        }
        let mut blocks = data.chunks_exact(RATE);
        for b in &mut blocks {
            Self::absorb(&mut self.state, b);
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.used = rest.len();
    }

    pub fn finalize(mut self) -> [u8; 32] {
        let mut block = [0u8; RATE];
        block[..self.used].copy_from_slice(&self.buf[..self.used]);
        block[self.used] ^= 0x01;
        block[RATE - 1] ^= 0x80;
        Self::absorb(&mut self.state, &block);
        let mut out = [0u8; 32];
        for (o, lane) in out.chunks_exact_mut(8).zip(self.state) {
            o.copy_from_slice(&lane.to_le_bytes());
        }
        out
    }
}

/// Digest of `block` repeated `repeats` times into `out`; returns the digest length.
pub fn digest_repeated(block: &[u8], repeats: usize, out: &mut [u8; 64]) -> usize {
    let mut h = Keccak256::default();
    for _ in 0..repeats {
        h.update(block);
    }
    out[..32].copy_from_slice(&h.finalize());
    32
}

#[cfg(test)]
mod tests {
    extern crate std;
    use sha3::Digest;

    #[test]
    fn vectors_and_rustcrypto() {
        let h = super::Keccak256::default();
        assert_eq!(
            h.finalize(),
            crate::sha256::tests::hex32("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
        let mut h = super::Keccak256::default();
        h.update(b"abc");
        assert_eq!(
            h.finalize(),
            crate::sha256::tests::hex32("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        );
        let mut data = std::vec![0u8; 5000];
        crate::fill(&mut data, 9);
        for len in [0, 1, 135, 136, 137, 272, 1000, 5000] {
            for split in [0, len / 3, len] {
                let mut h = super::Keccak256::default();
                h.update(&data[..split]);
                h.update(&data[split..len]);
                assert_eq!(h.finalize()[..], sha3::Keccak256::digest(&data[..len])[..], "len {len}");
            }
        }
    }
}
