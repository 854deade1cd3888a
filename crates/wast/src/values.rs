//! Conversion of script argument values to gasket values, and matching of actual results
//! against expected result patterns (exact bits for floats, `nan:canonical`, `nan:arithmetic`,
//! null and non-null references, `either`). Anything outside Wasm 2.0 is reported as
//! unsupported so the caller can count the directive as skipped.

use gasket::{ExternRef, Val};
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// Why a value cannot be handled: it belongs to a proposal beyond Wasm 2.0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported(pub String);

/// The Wasm 2.0 reference kinds a `ref.null` may name.
fn null_of(heap: &HeapType<'_>) -> Result<Val, Unsupported> {
    match heap {
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Func } => Ok(Val::FuncRef(None)),
        HeapType::Abstract { shared: false, ty: AbstractHeapType::Extern } => Ok(Val::ExternRef(None)),
        other => Err(Unsupported(format!("ref.null of heap type {other:?} is not Wasm 2.0"))),
    }
}

/// The gasket value of a script argument.
pub(crate) fn arg(a: &WastArg<'_>) -> Result<Val, Unsupported> {
    let WastArg::Core(core) = a else {
        return Err(Unsupported("component-model argument".into()));
    };
    match core {
        WastArgCore::I32(x) => Ok(Val::I32(*x)),
        WastArgCore::I64(x) => Ok(Val::I64(*x)),
        WastArgCore::F32(x) => Ok(Val::F32(x.bits)),
        WastArgCore::F64(x) => Ok(Val::F64(x.bits)),
        WastArgCore::RefNull(heap) => null_of(heap),
        WastArgCore::RefExtern(n) => Ok(Val::ExternRef(Some(ExternRef(*n)))),
        WastArgCore::V128(_) => Err(Unsupported("v128 argument (SIMD is not supported)".into())),
        WastArgCore::RefHost(_) => Err(Unsupported("ref.host argument is not Wasm 2.0".into())),
    }
}

/// The core pattern of an expected result.
pub(crate) fn ret<'a, 'b>(r: &'b WastRet<'a>) -> Result<&'b WastRetCore<'a>, Unsupported> {
    match r {
        WastRet::Core(core) => Ok(core),
        #[allow(unreachable_patterns)]
        _ => Err(Unsupported("component-model result".into())),
    }
}

/// Checks that a pattern only uses Wasm 2.0 forms, so that a mismatch is a real failure
/// and not an unsupported comparison.
pub(crate) fn check_supported(p: &WastRetCore<'_>) -> Result<(), Unsupported> {
    match p {
        WastRetCore::I32(_)
        | WastRetCore::I64(_)
        | WastRetCore::F32(_)
        | WastRetCore::F64(_)
        | WastRetCore::RefExtern(_)
        | WastRetCore::RefFunc(_) => Ok(()),
        WastRetCore::RefNull(None) => Ok(()),
        WastRetCore::RefNull(Some(heap)) => null_of(heap).map(|_| ()),
        WastRetCore::Either(cases) => cases.iter().try_for_each(check_supported),
        WastRetCore::V128(_) => Err(Unsupported("v128 result (SIMD is not supported)".into())),
        other => Err(Unsupported(format!("result pattern {other:?} is not Wasm 2.0"))),
    }
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        // Canonical NaN: exponent all ones, only the quiet bit set in the payload; either sign.
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        // Arithmetic NaN: exponent all ones and the quiet bit set; any payload, either sign.
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

/// Whether `actual` matches the (supported) pattern `p`.
pub(crate) fn matches(p: &WastRetCore<'_>, actual: &Val) -> bool {
    match (p, actual) {
        (WastRetCore::I32(e), Val::I32(a)) => e == a,
        (WastRetCore::I64(e), Val::I64(a)) => e == a,
        (WastRetCore::F32(e), Val::F32(a)) => f32_matches(e, *a),
        (WastRetCore::F64(e), Val::F64(a)) => f64_matches(e, *a),
        (WastRetCore::RefNull(None), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefNull(Some(heap)), a) => match null_of(heap) {
            Ok(expected) => expected == *a,
            Err(_) => false,
        },
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => r.0 == *n,
        // A function's identity is not observable from a script; any non-null funcref matches.
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::Either(cases), a) => cases.iter().any(|c| matches(c, a)),
        _ => false,
    }
}

/// A readable form of an expected pattern, e.g. `f32:1.5 (0x3fc00000)` or `f32:nan:canonical`.
pub(crate) fn describe_pattern(p: &WastRetCore<'_>) -> String {
    match p {
        WastRetCore::I32(v) => format!("i32:{v}"),
        WastRetCore::I64(v) => format!("i64:{v}"),
        WastRetCore::F32(NanPattern::CanonicalNan) => "f32:nan:canonical".into(),
        WastRetCore::F32(NanPattern::ArithmeticNan) => "f32:nan:arithmetic".into(),
        WastRetCore::F32(NanPattern::Value(v)) => {
            format!("f32:{} ({:#010x})", f32::from_bits(v.bits), v.bits)
        }
        WastRetCore::F64(NanPattern::CanonicalNan) => "f64:nan:canonical".into(),
        WastRetCore::F64(NanPattern::ArithmeticNan) => "f64:nan:arithmetic".into(),
        WastRetCore::F64(NanPattern::Value(v)) => {
            format!("f64:{} ({:#018x})", f64::from_bits(v.bits), v.bits)
        }
        WastRetCore::RefNull(None) => "ref.null".into(),
        WastRetCore::RefNull(Some(h)) => match null_of(h) {
            Ok(v) => v.to_string(),
            Err(_) => format!("ref.null {h:?}"),
        },
        WastRetCore::RefExtern(None) => "externref:non-null".into(),
        WastRetCore::RefExtern(Some(n)) => format!("externref:{n}"),
        WastRetCore::RefFunc(_) => "funcref:non-null".into(),
        WastRetCore::Either(cases) => {
            let all: Vec<String> = cases.iter().map(describe_pattern).collect();
            format!("either({})", all.join(" | "))
        }
        other => format!("{other:?}"),
    }
}

/// A readable form of an actual value, with the bits of floats.
pub(crate) fn describe_val(v: &Val) -> String {
    match v {
        Val::F32(bits) => format!("{v} ({bits:#010x})"),
        Val::F64(bits) => format!("{v} ({bits:#018x})"),
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_patterns() {
        assert!(f32_matches(&NanPattern::CanonicalNan, 0x7fc0_0000));
        assert!(f32_matches(&NanPattern::CanonicalNan, 0xffc0_0000));
        assert!(!f32_matches(&NanPattern::CanonicalNan, 0x7fc0_0001));
        assert!(f32_matches(&NanPattern::ArithmeticNan, 0x7fc0_0001));
        assert!(!f32_matches(&NanPattern::ArithmeticNan, 0x7fa0_0000));
        assert!(!f32_matches(&NanPattern::ArithmeticNan, 0x3fc0_0000));
        assert!(f64_matches(&NanPattern::CanonicalNan, 0xfff8_0000_0000_0000));
        assert!(!f64_matches(&NanPattern::CanonicalNan, 0x7ff8_0000_0000_0001));
        assert!(f64_matches(&NanPattern::ArithmeticNan, 0x7ff8_0000_0000_0001));
        assert!(!f64_matches(&NanPattern::ArithmeticNan, 0x7ff4_0000_0000_0000));
    }
}
