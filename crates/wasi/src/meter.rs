//! How WASI calls pay for themselves (docs/gas.md §10): a base charge per call from the
//! function table, then a charge per byte of variable-length data, each made before the work
//! it pays for. The engine-independent core asks a [`Meter`] for both; gasket's binding uses
//! [`Budget`] with the prices in [`crate::abi`], and the reference meter brings its own copy.

use crate::abi::{Func, GAS_PER_BYTE};
use crate::ctx::Stop;

/// Something that charges WASI calls.
pub trait Meter {
    /// The base charge of calling `func`.
    fn call(&mut self, func: Func) -> Result<(), Stop>;
    /// The charge for `n` bytes of data.
    fn bytes(&mut self, n: u64) -> Result<(), Stop>;
}

/// Charges against the gas left (`None`: unmetered, everything is free) and counts what was
/// charged, to be applied to the store after the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub left: Option<u64>,
    pub used: u64,
}

impl Budget {
    pub fn new(left: Option<u64>) -> Self {
        Self { left, used: 0 }
    }

    fn charge(&mut self, gas: u64) -> Result<(), Stop> {
        if let Some(left) = &mut self.left {
            if *left < gas {
                return Err(Stop::OutOfGas);
            }
            *left -= gas;
            self.used += gas;
        }
        Ok(())
    }
}

impl Meter for Budget {
    fn call(&mut self, func: Func) -> Result<(), Stop> {
        self.charge(func.spec().base_gas)
    }

    fn bytes(&mut self, n: u64) -> Result<(), Stop> {
        self.charge(n.saturating_mul(GAS_PER_BYTE))
    }
}
