//! Hex text as the Scout YAML format writes bytes: an optional `0x`/`0X` prefix, then two hex
//! digits per byte in either case. Guarantees: decoding is total (bad text is a typed
//! [`HexError`] naming the first bad digit's byte position, never a panic), and
//! `decode(&encode(b)) == b` for every byte string.

/// Why a hex string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The digits (after any `0x`) are not an even number.
    #[error("odd number of hex digits ({0})")]
    OddLength(usize),
    /// A character that is not a hex digit, at this byte position of the text (prefix included).
    #[error("invalid hex digit {found:?} at position {position}")]
    InvalidDigit { position: usize, found: char },
    /// Well-formed hex of the wrong length for a fixed-size value.
    #[error("expected {expected} bytes, found {found}")]
    Length { expected: usize, found: usize },
}

/// The digits of `text` without a leading `0x` or `0X`, and the length of the prefix.
fn digits(text: &str) -> (&str, usize) {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(rest) => (rest, 2),
        None => (text, 0),
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex text of any even length (the empty string is zero bytes).
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let (digits, prefix) = digits(text);
    if let Some((i, c)) = digits.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(HexError::InvalidDigit { position: prefix + i, found: c });
    }
    // Every character is now an ASCII hex digit, so bytes and characters coincide.
    let bytes = digits.as_bytes();
    if bytes.len() % 2 != 0 {
        return Err(HexError::OddLength(bytes.len()));
    }
    Ok(bytes.chunks_exact(2).map(|pair| (nibble(pair[0]).unwrap_or(0) << 4) | nibble(pair[1]).unwrap_or(0)).collect())
}

/// Decodes hex text of exactly `N` bytes.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    let bytes = decode(text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| HexError::Length { expected: N, found: bytes.len() })
}

/// Lower-case hex without a prefix.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_prefixes() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
        assert_eq!(decode("0xABcd").unwrap(), [0xab, 0xcd]);
        assert_eq!(decode("0X01").unwrap(), [1]);
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
        assert_eq!(decode("0x").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn errors() {
        assert_eq!(decode("abc"), Err(HexError::OddLength(3)));
        assert_eq!(decode("0x0g"), Err(HexError::InvalidDigit { position: 3, found: 'g' }));
        assert_eq!(decode("é0"), Err(HexError::InvalidDigit { position: 0, found: 'é' }));
        assert_eq!(decode_array::<2>("00"), Err(HexError::Length { expected: 2, found: 1 }));
    }
}
