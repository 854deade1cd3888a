//! The engine-neutral outcome of a metered call, onto which both gasket's and wasmi's results
//! are mapped before comparison. Trap kinds are those both engines can tell apart; where one
//! engine distinguishes more than the other, the finer kinds are merged (documented per
//! variant), so equal kinds mean "the same thing went wrong".

use std::fmt;

/// Why a call trapped, in terms both engines can express.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapKind {
    /// `unreachable` executed. gasket `Unreachable`; wasmi `UnreachableCodeReached`.
    Unreachable,
    /// Memory access or bulk memory operation out of bounds. gasket `MemoryOutOfBounds`;
    /// wasmi `MemoryOutOfBounds`.
    MemoryOutOfBounds,
    /// Table access out of bounds, including `call_indirect` with an index beyond the table
    /// (gasket `TableOutOfBounds` and `UndefinedElement`; wasmi `TableOutOfBounds`, which
    /// wasmi also uses for the `call_indirect` case, and wasmi's instantiation error
    /// `ElementSegmentDoesNotFit`, a trap in the spec and in gasket).
    TableOutOfBounds,
    /// `call_indirect` on a null entry. gasket `UninitializedElement`; wasmi
    /// `IndirectCallToNull`.
    UninitializedElement,
    /// `call_indirect` signature mismatch. gasket `IndirectCallTypeMismatch`; wasmi
    /// `BadSignature`.
    IndirectCallTypeMismatch,
    /// Signed division overflow. Both `IntegerOverflow`.
    IntegerOverflow,
    /// Division or remainder by zero. Both `IntegerDivisionByZero`.
    IntegerDivisionByZero,
    /// Float-to-int conversion of NaN or out of range. gasket `InvalidConversionToInteger`;
    /// wasmi `BadConversionToInteger`.
    InvalidConversionToInteger,
    /// Call depth or value stack exhausted. gasket `CallStackExhausted` and
    /// `ValueStackExhausted`; wasmi `StackOverflow` (which covers both).
    StackExhausted,
    /// A host function failed (not the meter's out-of-gas). gasket `Host`; wasmi host errors.
    Host,
    /// Anything else (e.g. wasmi `OutOfSystemMemory`), with the engine's description.
    Other,
}

/// The outcome of one call from the embedder, or of an instantiation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The call returned normally.
    Ok,
    /// The call trapped.
    Trap(TrapKind),
    /// A charge failed (docs/gas.md §1).
    OutOfGas,
    /// Not a trap: the engine refused the module or the instantiation (link error, limit).
    Error,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("ok"),
            Self::Trap(k) => write!(f, "trap {k:?}"),
            Self::OutOfGas => f.write_str("out of gas"),
            Self::Error => f.write_str("error"),
        }
    }
}
