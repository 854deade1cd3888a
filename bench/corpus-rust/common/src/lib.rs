//! What every corpus kernel shares: the deterministic input generator (xorshift64), a text
//! generator (words from a fixed vocabulary, so compressors and regexes see text-like input)
//! and the checksum (FNV-1a, 64-bit) each kernel returns. The same code runs in wasm and in
//! the native reference, so equal outputs mean equal computations.

/// xorshift64: every input is generated from a fixed seed.
#[derive(Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// FNV-1a over bytes, folded into a running 64-bit state.
#[derive(Clone, Copy)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        for &x in b {
            self.0 = (self.0 ^ x as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }

    /// The checksum as a kernel result.
    pub fn finish(&self) -> i64 {
        self.0 as i64
    }
}

const WORDS: &[&str] = &[
    "the", "of", "and", "block", "chain", "contract", "gas", "value", "transfer", "account", "state", "root",
    "merkle", "proof", "hash", "signature", "verify", "node", "engine", "module", "memory", "table", "global",
    "export", "import", "function", "call", "return", "branch", "loop", "a", "to", "in", "is", "that", "for",
    "it", "with", "as", "on", "by", "at", "from", "this", "be", "or", "an", "which", "deterministic", "metered",
];

/// About `len` bytes of text: words, punctuation, numbers, e-mail addresses and dates, from
/// `seed`. Lines end in '\n'.
pub fn text(len: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut s = String::with_capacity(len + 64);
    let mut line = 0;
    while s.len() < len {
        match rng.below(40) {
            0 => {
                let w = WORDS[rng.below(WORDS.len() as u64) as usize];
                s.push_str(w);
                s.push('.');
                s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
                s.push_str("@example.org");
            }
            1 => {
                let (y, m, d) = (1990 + rng.below(40), 1 + rng.below(12), 1 + rng.below(28));
                s.push_str(&format!("{y:04}-{m:02}-{d:02}"));
            }
            2 | 3 => s.push_str(&rng.below(1_000_000).to_string()),
            4 => s.push_str("0x"),
            _ => s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]),
        }
        line += 1;
        match rng.below(12) {
            0 => s.push_str(", "),
            1 => s.push_str(". "),
            _ if line > 12 => {
                s.push('\n');
                line = 0;
            }
            _ => s.push(' '),
        }
    }
    s
}

/// Parses a lowercase hex string (test vectors); panics on bad input, which is a bug here.
pub fn hex<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0u8; N];
    assert_eq!(s.len(), 2 * N, "hex length");
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex digit");
    }
    out
}
