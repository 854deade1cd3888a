//! Parsing of command-line argument strings into Wasm values of a given type. Integers take
//! decimal or `0x` hex (with an optional `-`), over the signed and unsigned range of their
//! width; floats take Rust's decimal syntax (`1.5`, `-2e3`, `inf`, `nan`); `funcref` takes
//! `null`; `externref` takes `null` or a number. Every bad input is a typed error.

use gasket::{ExternRef, Val, ValType};

/// An argument string that is not a value of the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("argument `{text}` is not a valid {ty}{hint}")]
pub struct ArgError {
    pub text: String,
    pub ty: ValType,
    hint: &'static str,
}

fn err(text: &str, ty: ValType, hint: &'static str) -> ArgError {
    ArgError { text: text.to_string(), ty, hint }
}

/// Parses an integer literal in `[min, max]`: decimal or `0x` hex, optionally negative.
fn parse_int(text: &str, min: i128, max: i128) -> Option<i128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && !hex.starts_with(['+', '-']) => i128::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse::<i128>().ok()?,
        None => return None,
    };
    let v = if neg { -magnitude } else { magnitude };
    (min..=max).contains(&v).then_some(v)
}

/// Parses `text` as a value of type `ty`.
pub fn parse(ty: ValType, text: &str) -> Result<Val, ArgError> {
    const INT: &str = " (decimal or 0x hex)";
    match ty {
        ValType::I32 => parse_int(text, i32::MIN.into(), u32::MAX.into())
            .map(|v| Val::I32(v as u32 as i32))
            .ok_or_else(|| err(text, ty, INT)),
        ValType::I64 => parse_int(text, i64::MIN.into(), u64::MAX.into())
            .map(|v| Val::I64(v as u64 as i64))
            .ok_or_else(|| err(text, ty, INT)),
        ValType::F32 => text.parse::<f32>().map(Val::from_f32).map_err(|_| err(text, ty, " (decimal)")),
        ValType::F64 => text.parse::<f64>().map(Val::from_f64).map_err(|_| err(text, ty, " (decimal)")),
        ValType::FuncRef if text == "null" => Ok(Val::FuncRef(None)),
        ValType::FuncRef => Err(err(text, ty, " (only `null` can be given)")),
        ValType::ExternRef if text == "null" => Ok(Val::ExternRef(None)),
        ValType::ExternRef => parse_int(text, 0, u32::MAX.into())
            .map(|v| Val::ExternRef(Some(ExternRef(v as u32))))
            .ok_or_else(|| err(text, ty, " (`null` or a number)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse(ValType::I32, "42"), Ok(Val::I32(42)));
        assert_eq!(parse(ValType::I32, "-7"), Ok(Val::I32(-7)));
        assert_eq!(parse(ValType::I32, "0xff"), Ok(Val::I32(255)));
        assert_eq!(parse(ValType::I32, "0xffffffff"), Ok(Val::I32(-1)));
        assert_eq!(parse(ValType::I32, "4294967295"), Ok(Val::I32(-1)));
        assert_eq!(parse(ValType::I32, "-0x80000000"), Ok(Val::I32(i32::MIN)));
        assert!(parse(ValType::I32, "4294967296").is_err());
        assert!(parse(ValType::I32, "-2147483649").is_err());
        assert!(parse(ValType::I32, "").is_err());
        assert!(parse(ValType::I32, "0x").is_err());
        assert!(parse(ValType::I32, "0x-1").is_err());
        assert!(parse(ValType::I32, "1.5").is_err());
        assert!(parse(ValType::I32, "--1").is_err());
        assert_eq!(parse(ValType::I64, "0xffffffffffffffff"), Ok(Val::I64(-1)));
        assert_eq!(parse(ValType::I64, "-9223372036854775808"), Ok(Val::I64(i64::MIN)));
        assert!(parse(ValType::I64, "18446744073709551616").is_err());
        assert!(parse(ValType::I64, "99999999999999999999999999999999999999999999").is_err());
    }

    #[test]
    fn floats_and_refs() {
        assert_eq!(parse(ValType::F32, "1.5"), Ok(Val::from_f32(1.5)));
        assert_eq!(parse(ValType::F64, "-2.5e1"), Ok(Val::from_f64(-25.0)));
        assert!(parse(ValType::F64, "x").is_err());
        assert_eq!(parse(ValType::FuncRef, "null"), Ok(Val::FuncRef(None)));
        assert!(parse(ValType::FuncRef, "1").is_err());
        assert_eq!(parse(ValType::ExternRef, "3"), Ok(Val::ExternRef(Some(ExternRef(3)))));
    }
}
