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

/// The most one call of `func` can charge (base and bytes), in a context with no preopened
/// directory whose stdin holds at most `max_read` bytes and whose output caps are at most
/// `max_write` bytes; `None` where no such limit caps the bytes charged (the caller's
/// arguments and environment, `random_get` and `poll_oneoff`, limited only by memory, and
/// `path_symlink`, which charges its first path before anything can fail). For fixed-price
/// runs (the runtime's `Linker::declare_cost`): a call within the caps charges at most this;
/// a write past an output cap charges its whole length first and then stops the run, so a
/// run that writes past a cap fails either way (docs/wasi.md, "Fixed price").
pub fn max_charge(func: Func, max_read: u64, max_write: u64) -> Option<u64> {
    use Func::*;
    let bytes = match func {
        // Sizes fixed by the caller's configuration, or by memory only.
        ArgsGet | EnvironGet | RandomGet | PollOneoff | PathSymlink => return None,
        // Stdin is the only readable descriptor without a preopen (`fd_pread` on it is `ESPIPE`).
        FdRead | FdPread => max_read,
        // Stdout and stderr, within their caps (`fd_pwrite` on them is `ESPIPE`).
        FdWrite | FdPwrite => max_write,
        // No bytes: they read or write fixed-size records, or, without a preopen, fail with
        // `EBADF` before a path or a directory listing is charged.
        ArgsSizesGet | EnvironSizesGet | ClockResGet | ClockTimeGet | FdAdvise | FdAllocate | FdClose | FdDatasync
        | FdFdstatGet | FdFdstatSetFlags | FdFdstatSetRights | FdFilestatGet | FdFilestatSetSize
        | FdFilestatSetTimes | FdPrestatGet | FdPrestatDirName | FdReaddir | FdRenumber | FdSeek | FdSync | FdTell
        | PathCreateDirectory | PathFilestatGet | PathFilestatSetTimes | PathLink | PathOpen | PathReadlink
        | PathRemoveDirectory | PathRename | PathUnlinkFile | ProcExit | ProcRaise | SchedYield | SockAccept
        | SockRecv | SockSend | SockShutdown => 0,
    };
    Some(func.spec().base_gas.saturating_add(bytes.saturating_mul(GAS_PER_BYTE)))
}
