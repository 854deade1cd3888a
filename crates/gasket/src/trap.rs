//! Traps: the typed outcome of a guest failure. A trap is a value, never a Rust panic.

use std::fmt;

/// Why execution stopped abnormally. Every variant is caused by the guest (or a host function
/// on its behalf); none signals a bug in gasket.
///
/// Exhaustive on purpose: what a trap means is part of a chain's consensus, so a new code must
/// break every embedder's `match` (and the fuzzers' mapping onto their engine-neutral kinds)
/// rather than fall into a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapCode {
    /// The `unreachable` instruction was executed.
    Unreachable,
    /// A load, store or bulk memory operation touched bytes outside linear memory.
    MemoryOutOfBounds,
    /// A table access or bulk table operation was outside the table.
    TableOutOfBounds,
    /// `call_indirect` found an index beyond the table.
    UndefinedElement,
    /// `call_indirect` found a null entry.
    UninitializedElement,
    /// `call_indirect` found a function whose type differs from the expected one.
    IndirectCallTypeMismatch,
    /// Signed division overflowed (`MIN / -1`).
    IntegerOverflow,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// A float-to-int conversion of NaN or of a value out of the target's range.
    InvalidConversionToInteger,
    /// The call depth limit of [`Config`](crate::Config) was reached.
    CallStackExhausted,
    /// The value stack limit of [`Config`](crate::Config) was reached.
    ValueStackExhausted,
    /// The store ran out of gas (docs/gas.md §1).
    OutOfGas,
    /// A host function reported an error.
    Host,
}

impl TrapCode {
    /// The message the Wasm specification's test suite uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            Self::Unreachable => "unreachable",
            Self::MemoryOutOfBounds => "out of bounds memory access",
            Self::TableOutOfBounds => "out of bounds table access",
            Self::UndefinedElement => "undefined element",
            Self::UninitializedElement => "uninitialized element",
            Self::IndirectCallTypeMismatch => "indirect call type mismatch",
            Self::IntegerOverflow => "integer overflow",
            Self::IntegerDivisionByZero => "integer divide by zero",
            Self::InvalidConversionToInteger => "invalid conversion to integer",
            Self::CallStackExhausted => "call stack exhausted",
            Self::ValueStackExhausted => "value stack exhausted",
            Self::OutOfGas => "out of gas",
            Self::Host => "host error",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap: a [`TrapCode`] and, for host errors, a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    message: Option<Box<str>>,
    /// Made by [`Trap::resumable`]: suspends a call made with `call_resumable`.
    resumable: bool,
}

impl Trap {
    /// A trap with the given code.
    pub fn new(code: TrapCode) -> Self {
        Self { code, message: None, resumable: false }
    }

    /// A trap raised by a host function, carrying its message.
    pub fn host(message: impl Into<String>) -> Self {
        Self { code: TrapCode::Host, message: Some(message.into().into_boxed_str()), resumable: false }
    }

    /// A host error that suspends the guest instead of ending the call: returned by a host
    /// function during [`Func::call_resumable`](crate::Func::call_resumable) or
    /// [`TypedFunc::call_resumable`](crate::TypedFunc::call_resumable), it yields
    /// [`ResumableCall::HostTrap`](crate::ResumableCall::HostTrap), whose handle continues
    /// the guest as if the host function had returned the values given to
    /// [`ResumableHostTrap::resume`](crate::ResumableHostTrap::resume). The embedder keeps
    /// whatever else it needs in the store's host state. In a plain `call` it is an ordinary
    /// host trap (code [`TrapCode::Host`], this message).
    pub fn resumable(message: impl Into<String>) -> Self {
        Self { resumable: true, ..Self::host(message) }
    }

    /// Whether this trap was made by [`Trap::resumable`].
    pub fn is_resumable(&self) -> bool {
        self.resumable
    }

    /// The trap's code.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The host's message, if any.
    pub fn host_message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Self::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{}: {m}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

impl std::error::Error for Trap {}
