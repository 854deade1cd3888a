//! The `wasi_snapshot_preview1` ABI as gasket implements it: the 46 functions (name, core
//! Wasm signature, base gas) in one table, the errno values, and the constants of the
//! structures the functions read and write (their layouts are those of the WASI witx files).

use gasket::{FuncType, ValType};

/// The import module of every function.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// One of the 46 functions of `wasi_snapshot_preview1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    ArgsGet,
    ArgsSizesGet,
    EnvironGet,
    EnvironSizesGet,
    ClockResGet,
    ClockTimeGet,
    FdAdvise,
    FdAllocate,
    FdClose,
    FdDatasync,
    FdFdstatGet,
    FdFdstatSetFlags,
    FdFdstatSetRights,
    FdFilestatGet,
    FdFilestatSetSize,
    FdFilestatSetTimes,
    FdPread,
    FdPrestatGet,
    FdPrestatDirName,
    FdPwrite,
    FdRead,
    FdReaddir,
    FdRenumber,
    FdSeek,
    FdSync,
    FdTell,
    FdWrite,
    PathCreateDirectory,
    PathFilestatGet,
    PathFilestatSetTimes,
    PathLink,
    PathOpen,
    PathReadlink,
    PathRemoveDirectory,
    PathRename,
    PathSymlink,
    PathUnlinkFile,
    PollOneoff,
    ProcExit,
    ProcRaise,
    SchedYield,
    RandomGet,
    SockAccept,
    SockRecv,
    SockSend,
    SockShutdown,
}

/// A function's entry in [`FUNCTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub func: Func,
    /// The import name.
    pub name: &'static str,
    /// Parameter types, one letter each: `i` for i32, `I` for i64. Every function but
    /// `proc_exit` returns one i32, the errno.
    pub params: &'static str,
    /// Gas charged on entry, before anything else (docs/gas.md §10).
    pub base_gas: u64,
}

impl Spec {
    /// The core Wasm type of the import.
    pub fn func_type(&self) -> FuncType {
        let params: Vec<ValType> =
            self.params.bytes().map(|b| if b == b'I' { ValType::I64 } else { ValType::I32 }).collect();
        let results = if self.func == Func::ProcExit { vec![] } else { vec![ValType::I32] };
        FuncType::new(params, results)
    }
}

const fn spec(func: Func, name: &'static str, params: &'static str, base_gas: u64) -> Spec {
    Spec { func, name, params, base_gas }
}

/// Base gas of a call that only reads or writes fixed-size values.
pub const GAS_SMALL: u64 = 20;
/// Base gas of a call that resolves a path or walks a directory.
pub const GAS_PATH: u64 = 50;
/// Base gas of `path_open`, which also allocates a descriptor.
pub const GAS_OPEN: u64 = 100;
/// Gas per byte of variable-length data copied between guest memory and the host (buffers,
/// strings, paths, directory entries, poll subscriptions and events, random bytes).
pub const GAS_PER_BYTE: u64 = 1;

/// All 46 functions in the order of the WASI preview 1 specification
/// (`wasi_snapshot_preview1.witx`): the one list the linker, the docs table test, the fuzz
/// target and the reference meter's copy are derived from or checked against.
pub const FUNCTIONS: [Spec; 46] = [
    spec(Func::ArgsGet, "args_get", "ii", GAS_SMALL),
    spec(Func::ArgsSizesGet, "args_sizes_get", "ii", GAS_SMALL),
    spec(Func::EnvironGet, "environ_get", "ii", GAS_SMALL),
    spec(Func::EnvironSizesGet, "environ_sizes_get", "ii", GAS_SMALL),
    spec(Func::ClockResGet, "clock_res_get", "ii", GAS_SMALL),
    spec(Func::ClockTimeGet, "clock_time_get", "iIi", GAS_SMALL),
    spec(Func::FdAdvise, "fd_advise", "iIIi", GAS_SMALL),
    spec(Func::FdAllocate, "fd_allocate", "iII", GAS_SMALL),
    spec(Func::FdClose, "fd_close", "i", GAS_SMALL),
    spec(Func::FdDatasync, "fd_datasync", "i", GAS_SMALL),
    spec(Func::FdFdstatGet, "fd_fdstat_get", "ii", GAS_SMALL),
    spec(Func::FdFdstatSetFlags, "fd_fdstat_set_flags", "ii", GAS_SMALL),
    spec(Func::FdFdstatSetRights, "fd_fdstat_set_rights", "iII", GAS_SMALL),
    spec(Func::FdFilestatGet, "fd_filestat_get", "ii", GAS_SMALL),
    spec(Func::FdFilestatSetSize, "fd_filestat_set_size", "iI", GAS_SMALL),
    spec(Func::FdFilestatSetTimes, "fd_filestat_set_times", "iIIi", GAS_SMALL),
    spec(Func::FdPread, "fd_pread", "iiiIi", GAS_SMALL),
    spec(Func::FdPrestatGet, "fd_prestat_get", "ii", GAS_SMALL),
    spec(Func::FdPrestatDirName, "fd_prestat_dir_name", "iii", GAS_SMALL),
    spec(Func::FdPwrite, "fd_pwrite", "iiiIi", GAS_SMALL),
    spec(Func::FdRead, "fd_read", "iiii", GAS_SMALL),
    spec(Func::FdReaddir, "fd_readdir", "iiiIi", GAS_PATH),
    spec(Func::FdRenumber, "fd_renumber", "ii", GAS_SMALL),
    spec(Func::FdSeek, "fd_seek", "iIii", GAS_SMALL),
    spec(Func::FdSync, "fd_sync", "i", GAS_SMALL),
    spec(Func::FdTell, "fd_tell", "ii", GAS_SMALL),
    spec(Func::FdWrite, "fd_write", "iiii", GAS_SMALL),
    spec(Func::PathCreateDirectory, "path_create_directory", "iii", GAS_PATH),
    spec(Func::PathFilestatGet, "path_filestat_get", "iiiii", GAS_PATH),
    spec(Func::PathFilestatSetTimes, "path_filestat_set_times", "iiiiIIi", GAS_PATH),
    spec(Func::PathLink, "path_link", "iiiiiii", GAS_PATH),
    spec(Func::PathOpen, "path_open", "iiiiiIIii", GAS_OPEN),
    spec(Func::PathReadlink, "path_readlink", "iiiiii", GAS_PATH),
    spec(Func::PathRemoveDirectory, "path_remove_directory", "iii", GAS_PATH),
    spec(Func::PathRename, "path_rename", "iiiiii", GAS_PATH),
    spec(Func::PathSymlink, "path_symlink", "iiiii", GAS_PATH),
    spec(Func::PathUnlinkFile, "path_unlink_file", "iii", GAS_PATH),
    spec(Func::PollOneoff, "poll_oneoff", "iiii", GAS_PATH),
    spec(Func::ProcExit, "proc_exit", "i", GAS_SMALL),
    spec(Func::ProcRaise, "proc_raise", "i", GAS_SMALL),
    spec(Func::SchedYield, "sched_yield", "", GAS_SMALL),
    spec(Func::RandomGet, "random_get", "ii", GAS_SMALL),
    spec(Func::SockAccept, "sock_accept", "iii", GAS_SMALL),
    spec(Func::SockRecv, "sock_recv", "iiiiii", GAS_SMALL),
    spec(Func::SockSend, "sock_send", "iiiii", GAS_SMALL),
    spec(Func::SockShutdown, "sock_shutdown", "ii", GAS_SMALL),
];

impl Func {
    /// The function's entry in [`FUNCTIONS`].
    pub fn spec(self) -> &'static Spec {
        // FUNCTIONS lists the variants in declaration order (a unit test checks it).
        &FUNCTIONS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The function called `name`, if it is one of the 46.
    pub fn from_name(name: &str) -> Option<Func> {
        FUNCTIONS.iter().find(|s| s.name == name).map(|s| s.func)
    }
}

/// A WASI errno.
pub type Errno = u16;

/// The errno values gasket returns (the full list is in the witx file; each value here is
/// its index there).
pub mod errno {
    use super::Errno;
    pub const SUCCESS: Errno = 0;
    pub const TOOBIG: Errno = 1;
    pub const ACCES: Errno = 2;
    pub const BADF: Errno = 8;
    pub const EXIST: Errno = 20;
    pub const FAULT: Errno = 21;
    pub const INVAL: Errno = 28;
    pub const ISDIR: Errno = 31;
    pub const MFILE: Errno = 33;
    pub const NAMETOOLONG: Errno = 37;
    pub const NOENT: Errno = 44;
    pub const NOSYS: Errno = 52;
    pub const NOTDIR: Errno = 54;
    pub const NOTSOCK: Errno = 57;
    pub const NOTSUP: Errno = 58;
    pub const OVERFLOW: Errno = 61;
    pub const PERM: Errno = 63;
    pub const SPIPE: Errno = 70;
    pub const NOTCAPABLE: Errno = 76;
}

/// `filetype`.
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
}

/// `clockid`.
pub mod clock {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME: u32 = 2;
    pub const THREAD_CPUTIME: u32 = 3;
}

/// `rights` bits.
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// What a file of the read-only directory may be given.
    pub const FILE_READ: u64 = FD_READ | FD_SEEK | FD_TELL | FD_ADVISE | FD_FILESTAT_GET | POLL_FD_READWRITE;
    /// What a directory of the read-only directory may be given (and inherit: `FILE_READ`).
    pub const DIR_READ: u64 = PATH_OPEN | FD_READDIR | PATH_READLINK | PATH_FILESTAT_GET | FD_FILESTAT_GET | FD_ADVISE;
    pub const STDIN: u64 = FD_READ | FD_FILESTAT_GET | FD_FDSTAT_SET_FLAGS | POLL_FD_READWRITE;
    pub const STDOUT: u64 = FD_WRITE | FD_FILESTAT_GET | FD_FDSTAT_SET_FLAGS | POLL_FD_READWRITE;
}

/// `fdflags`, `oflags`, `whence`, `eventtype`, `subclockflags`.
pub mod flags {
    pub const FDFLAGS_APPEND: u16 = 1;
    pub const FDFLAGS_NONBLOCK: u16 = 4;
    pub const OFLAGS_CREAT: u16 = 1;
    pub const OFLAGS_DIRECTORY: u16 = 2;
    pub const OFLAGS_EXCL: u16 = 4;
    pub const OFLAGS_TRUNC: u16 = 8;
    pub const WHENCE_SET: u8 = 0;
    pub const WHENCE_CUR: u8 = 1;
    pub const WHENCE_END: u8 = 2;
    pub const EVENTTYPE_CLOCK: u8 = 0;
    pub const EVENTTYPE_FD_READ: u8 = 1;
    pub const EVENTTYPE_FD_WRITE: u8 = 2;
    pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
}

/// Sizes of the structures (bytes).
pub mod size {
    pub const IOVEC: u32 = 8;
    pub const FDSTAT: u32 = 24;
    pub const FILESTAT: u32 = 64;
    pub const PRESTAT: u32 = 8;
    pub const DIRENT: u32 = 24;
    pub const SUBSCRIPTION: u32 = 48;
    pub const EVENT: u32 = 32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_declaration_order_and_names_are_unique() {
        for (i, s) in FUNCTIONS.iter().enumerate() {
            assert_eq!(s.func as usize, i, "{} out of order", s.name);
            assert_eq!(Func::from_name(s.name), Some(s.func));
        }
        let mut names: Vec<_> = FUNCTIONS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 46);
    }

    #[test]
    fn signatures_match_the_witx_arity() {
        assert_eq!(Func::PathOpen.spec().func_type().params().len(), 9);
        assert_eq!(Func::ProcExit.spec().func_type().results().len(), 0);
        assert_eq!(Func::ClockTimeGet.spec().func_type().params(), &[ValType::I32, ValType::I64, ValType::I32]);
        assert!(Func::SchedYield.spec().params.is_empty());
    }
}
