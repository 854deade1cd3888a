//! The WASI functions called directly on a byte-slice memory: layouts, errnos, determinism
//! (clock, generator), stdio capture and caps, the read-only directory, and gas.

use gasket_wasi::abi::{errno, rights};
use gasket_wasi::{Budget, ClockConfig, Func, MemDir, Stop, WasiConfig, WasiCtx, FUNCTIONS, GAS_PER_BYTE};

const MEM: usize = 65536;

struct T {
    ctx: WasiCtx,
    mem: Vec<u8>,
    budget: Budget,
}

impl T {
    fn new(config: WasiConfig) -> Self {
        Self { ctx: WasiCtx::new(config), mem: vec![0; MEM], budget: Budget::new(Some(u64::MAX)) }
    }

    fn call(&mut self, f: Func, args: &[u64]) -> Result<i32, Stop> {
        self.ctx.call(f, args, &mut self.mem, &mut self.budget)
    }

    fn ok(&mut self, f: Func, args: &[u64]) {
        assert_eq!(self.call(f, args), Ok(0), "{f:?}{args:?}");
    }

    fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.mem[at..at + 4].try_into().unwrap())
    }

    fn u64(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.mem[at..at + 8].try_into().unwrap())
    }

    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.mem[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// One iovec at 0x100 pointing at (ptr, len).
    fn iov(&mut self, ptr: u32, len: u32) -> u64 {
        self.put(0x100, &ptr.to_le_bytes());
        self.put(0x104, &len.to_le_bytes());
        0x100
    }
}

fn config() -> WasiConfig {
    WasiConfig {
        args: vec!["prog".into(), "a b".into()],
        env: vec![("K".into(), "v".into())],
        stdin: b"hello stdin".to_vec(),
        ..WasiConfig::default()
    }
}

#[test]
fn args_and_environ() {
    let mut t = T::new(config());
    t.ok(Func::ArgsSizesGet, &[0, 4]);
    assert_eq!((t.u32(0), t.u32(4)), (2, 9));
    t.ok(Func::ArgsGet, &[16, 64]);
    assert_eq!((t.u32(16), t.u32(20)), (64, 69));
    assert_eq!(&t.mem[64..73], b"prog\0a b\0");
    t.ok(Func::EnvironSizesGet, &[0, 4]);
    assert_eq!((t.u32(0), t.u32(4)), (1, 4));
    t.ok(Func::EnvironGet, &[16, 64]);
    assert_eq!(&t.mem[64..68], b"K=v\0");
    assert_eq!(t.call(Func::ArgsGet, &[16, MEM as u64 - 3]), Ok(errno::FAULT as i32));
    assert_eq!(t.call(Func::ArgsSizesGet, &[MEM as u64 - 2, 0]), Ok(errno::FAULT as i32));
}

#[test]
fn the_clock_advances_on_every_read_and_poll_sleeps_by_advancing_it() {
    let clock = ClockConfig { realtime_ns: 1_700_000_000_000_000_000, monotonic_ns: 0, tick_ns: 1000 };
    let mut t = T::new(WasiConfig { clock, ..config() });
    t.ok(Func::ClockTimeGet, &[0, 0, 0]);
    t.ok(Func::ClockTimeGet, &[0, 0, 8]);
    assert_eq!(t.u64(0), 1_700_000_000_000_000_000);
    assert_eq!(t.u64(8), t.u64(0) + 1000);
    t.ok(Func::ClockTimeGet, &[1, 0, 0]);
    assert_eq!(t.u64(0), 2000);
    t.ok(Func::ClockResGet, &[1, 0]);
    assert_eq!(t.u64(0), 1000);
    assert_eq!(t.call(Func::ClockTimeGet, &[9, 0, 0]), Ok(errno::INVAL as i32));
    // poll_oneoff: one relative monotonic subscription of 5 ms.
    let sub = 0x200;
    t.put(sub, &42u64.to_le_bytes());
    t.put(sub + 8, &[0]);
    t.put(sub + 16, &1u32.to_le_bytes());
    t.put(sub + 24, &5_000_000u64.to_le_bytes());
    t.ok(Func::PollOneoff, &[sub as u64, 0x400, 1, 0x500]);
    assert_eq!(t.u32(0x500), 1);
    assert_eq!(t.u64(0x400), 42);
    assert_eq!(t.mem[0x40a], 0, "clock event");
    t.ok(Func::ClockTimeGet, &[1, 0, 0]);
    assert_eq!(t.u64(0), 3000 + 5_000_000);
    assert_eq!(t.ctx.elapsed_ns(), 4000 + 5_000_000);
    assert_eq!(t.call(Func::PollOneoff, &[sub as u64, 0x400, 0, 0x500]), Ok(errno::INVAL as i32));
}

#[test]
fn poll_with_a_ready_descriptor_does_not_sleep() {
    let mut t = T::new(config());
    for (i, (tag, fd, timeout)) in [(0u8, 0u32, 1_000_000u64), (1, 0, 0), (2, 1, 0), (1, 9, 0)].iter().enumerate() {
        let s = 0x200 + 48 * i;
        t.put(s, &(i as u64).to_le_bytes());
        t.put(s + 8, &[*tag]);
        t.put(s + 16, &fd.to_le_bytes());
        t.put(s + 24, &timeout.to_le_bytes());
    }
    t.ok(Func::PollOneoff, &[0x200, 0x800, 4, 0x500]);
    assert_eq!(t.u32(0x500), 3, "stdin, stdout and the bad descriptor, not the clock");
    assert_eq!(t.u64(0x800 + 16), 11, "stdin bytes available");
    assert_eq!(u16::from_le_bytes([t.mem[0x800 + 64 + 8], t.mem[0x800 + 64 + 9]]), errno::BADF);
    assert_eq!(t.ctx.elapsed_ns(), 0);
}

#[test]
fn random_bytes_are_a_seeded_stream_continued_across_calls() {
    let seed = [3; 32];
    let mut a = T::new(WasiConfig { seed, ..config() });
    a.ok(Func::RandomGet, &[0, 64]);
    let mut b = T::new(WasiConfig { seed, ..config() });
    b.ok(Func::RandomGet, &[0, 20]);
    b.ok(Func::RandomGet, &[20, 44]);
    assert_eq!(a.mem[..64], b.mem[..64]);
    assert_ne!(a.mem[..32], a.mem[32..64]);
    b.ok(Func::RandomGet, &[0, 20]);
    assert_ne!(a.mem[..20], b.mem[..20], "a second call continues the stream");
    let mut c = T::new(WasiConfig { seed: [4; 32], ..config() });
    c.ok(Func::RandomGet, &[0, 64]);
    assert_ne!(a.mem[..64], c.mem[..64]);
    assert_eq!(a.call(Func::RandomGet, &[MEM as u64 - 1, 2]), Ok(errno::FAULT as i32));
}

#[test]
fn stdin_is_read_in_order_then_eof() {
    let mut t = T::new(config());
    let iov = t.iov(0x1000, 6);
    t.ok(Func::FdRead, &[0, iov, 1, 0]);
    assert_eq!((t.u32(0), &t.mem[0x1000..0x1006]), (6, &b"hello "[..]));
    t.ok(Func::FdRead, &[0, iov, 1, 0]);
    assert_eq!((t.u32(0), &t.mem[0x1000..0x1005]), (5, &b"stdin"[..]));
    t.ok(Func::FdRead, &[0, iov, 1, 0]);
    assert_eq!(t.u32(0), 0);
    assert_eq!(t.call(Func::FdRead, &[1, iov, 1, 0]), Ok(errno::BADF as i32));
    assert_eq!(t.call(Func::FdPread, &[0, iov, 1, 0, 0]), Ok(errno::SPIPE as i32));
    assert_eq!(t.call(Func::FdSeek, &[0, 0, 0, 0]), Ok(errno::SPIPE as i32));
}

#[test]
fn output_is_captured_and_capped() {
    let mut t = T::new(WasiConfig { stdout_limit: 10, ..config() });
    t.put(0x1000, b"0123456789abc");
    let iov = t.iov(0x1000, 6);
    t.ok(Func::FdWrite, &[1, iov, 1, 0]);
    assert_eq!(t.u32(0), 6);
    t.ok(Func::FdWrite, &[2, iov, 1, 0]);
    assert_eq!(t.ctx.stdout(), b"012345");
    assert_eq!(t.ctx.stderr(), b"012345");
    assert_eq!(t.call(Func::FdWrite, &[1, iov, 1, 0]), Err(Stop::OutputLimit { stream: "stdout", limit: 10 }));
    assert_eq!(t.ctx.stdout(), b"012345", "the write past the cap wrote nothing");
    assert_eq!(t.call(Func::FdWrite, &[0, iov, 1, 0]), Ok(errno::BADF as i32));
    // A bad nwritten pointer: EFAULT before anything is written.
    assert_eq!(t.call(Func::FdWrite, &[2, iov, 1, MEM as u64]), Ok(errno::FAULT as i32));
    assert_eq!(t.ctx.stderr(), b"012345");
    assert_eq!(t.call(Func::FdWrite, &[2, 0x100, u32::MAX as u64, 0]), Ok(errno::FAULT as i32));
}

#[test]
fn without_a_preopen_the_file_system_is_absent() {
    let mut t = T::new(config());
    assert_eq!(t.call(Func::FdPrestatGet, &[3, 0]), Ok(errno::BADF as i32));
    t.put(0x1000, b"x");
    assert_eq!(t.call(Func::PathOpen, &[3, 0, 0x1000, 1, 0, 0, 0, 0, 0]), Ok(errno::BADF as i32));
    assert_eq!(t.call(Func::PathOpen, &[1, 0, 0x1000, 1, 0, 0, 0, 0, 0]), Ok(errno::NOTDIR as i32));
    assert_eq!(t.call(Func::FdFilestatGet, &[7, 0]), Ok(errno::BADF as i32));
    assert_eq!(t.call(Func::SockAccept, &[1, 0, 0]), Ok(errno::NOTSOCK as i32));
    t.ok(Func::FdFdstatGet, &[1, 0]);
    assert_eq!(t.mem[0], 0, "stdio is of unknown type: not a terminal");
    assert_eq!(t.u64(8), rights::STDOUT);
    t.ok(Func::FdFdstatSetFlags, &[1, 4]);
    t.ok(Func::SchedYield, &[]);
    assert_eq!(t.call(Func::ProcRaise, &[1]), Ok(errno::NOSYS as i32));
}

#[test]
fn the_read_only_directory() {
    let mut dir = MemDir::new();
    dir.add_file("data/in.txt", b"0123456789".to_vec()).unwrap();
    dir.add_file("top.txt", b"t".to_vec()).unwrap();
    let mut t = T::new(WasiConfig { preopen: Some((".".into(), dir)), ..config() });
    t.ok(Func::FdPrestatGet, &[3, 0]);
    assert_eq!((t.mem[0], t.u32(4)), (0, 1));
    assert_eq!(t.call(Func::FdPrestatDirName, &[3, 16, 0]), Ok(errno::NAMETOOLONG as i32));
    t.ok(Func::FdPrestatDirName, &[3, 16, 1]);
    assert_eq!(t.mem[16], b'.');
    assert_eq!(t.call(Func::FdPrestatGet, &[4, 0]), Ok(errno::BADF as i32));

    t.put(0x1000, b"data/in.txt");
    t.ok(Func::PathOpen, &[3, 0, 0x1000, 11, 0, rights::FILE_READ, 0, 0, 0x20]);
    let fd = t.u32(0x20) as u64;
    assert_eq!(fd, 4);
    let iov = t.iov(0x2000, 4);
    t.ok(Func::FdRead, &[fd, iov, 1, 0]);
    assert_eq!(&t.mem[0x2000..0x2004], b"0123");
    t.ok(Func::FdTell, &[fd, 0x30]);
    assert_eq!(t.u64(0x30), 4);
    t.ok(Func::FdSeek, &[fd, (-2i64) as u64, 2, 0x30]);
    assert_eq!(t.u64(0x30), 8);
    t.ok(Func::FdPread, &[fd, iov, 1, 1, 0]);
    assert_eq!((t.u32(0), &t.mem[0x2000..0x2004]), (4, &b"1234"[..]));
    t.ok(Func::FdFilestatGet, &[fd, 0x40]);
    assert_eq!((t.mem[0x40 + 16], t.u64(0x40 + 32)), (4, 10));
    assert_eq!(t.call(Func::FdWrite, &[fd, iov, 1, 0]), Ok(errno::NOTCAPABLE as i32));
    assert_eq!(t.call(Func::FdSeek, &[fd, (-20i64) as u64, 1, 0x30]), Ok(errno::INVAL as i32));

    // Writing, creating, escaping: refused.
    let write = rights::FILE_READ | rights::FD_WRITE;
    assert_eq!(t.call(Func::PathOpen, &[3, 0, 0x1000, 11, 0, write, 0, 0, 0x20]), Ok(errno::NOTCAPABLE as i32));
    assert_eq!(t.call(Func::PathOpen, &[3, 0, 0x1000, 11, 1, 0, 0, 0, 0x20]), Ok(errno::NOTCAPABLE as i32));
    t.put(0x1100, b"../x");
    assert_eq!(t.call(Func::PathOpen, &[3, 0, 0x1100, 4, 0, 0, 0, 0, 0x20]), Ok(errno::NOTCAPABLE as i32));
    assert_eq!(t.call(Func::PathOpen, &[3, 0, 0x1100, 2, 0, 0, 0, 0, 0x20]), Ok(errno::NOTCAPABLE as i32));
    assert_eq!(t.call(Func::PathUnlinkFile, &[3, 0x1000, 11]), Ok(errno::NOTCAPABLE as i32));
    assert_eq!(t.call(Func::PathCreateDirectory, &[3, 0x1000, 4]), Ok(errno::NOTCAPABLE as i32));
    assert_eq!(t.call(Func::PathReadlink, &[3, 0x1000, 11, 0x3000, 16, 0]), Ok(errno::INVAL as i32));
    t.ok(Func::PathFilestatGet, &[3, 0, 0x1000, 4, 0x40]);
    assert_eq!(t.mem[0x40 + 16], 3, "data is a directory");

    // fd_readdir of the root: ., .., data, top.txt.
    t.ok(Func::FdReaddir, &[3, 0x3000, 4096, 0, 0x50]);
    let used = t.u32(0x50) as usize;
    assert_eq!(used, 4 * 24 + 1 + 2 + 4 + 7);
    let mut names = Vec::new();
    let mut at = 0x3000;
    while at < 0x3000 + used {
        let len = t.u32(at + 16) as usize;
        names.push(String::from_utf8(t.mem[at + 24..at + 24 + len].to_vec()).unwrap());
        at += 24 + len;
    }
    assert_eq!(names, [".", "..", "data", "top.txt"]);
    // From cookie 3: only top.txt; a buffer too small is filled completely.
    t.ok(Func::FdReaddir, &[3, 0x3000, 4096, 3, 0x50]);
    assert_eq!(t.u32(0x50), 24 + 7);
    t.ok(Func::FdReaddir, &[3, 0x3000, 10, 0, 0x50]);
    assert_eq!(t.u32(0x50), 10);

    t.ok(Func::FdRenumber, &[fd, 3]);
    assert_eq!(t.call(Func::FdPrestatGet, &[3, 0]), Ok(errno::BADF as i32), "3 is now the file");
    t.ok(Func::FdClose, &[3]);
    assert_eq!(t.call(Func::FdClose, &[3]), Ok(errno::BADF as i32));
}

#[test]
fn proc_exit_stops_the_run() {
    let mut t = T::new(config());
    assert_eq!(t.call(Func::ProcExit, &[7]), Err(Stop::Exit(7)));
}

#[test]
fn gas_is_the_base_plus_bytes_and_running_out_changes_nothing() {
    let mut t = T::new(config());
    t.put(0x1000, b"abcdef");
    let iov = t.iov(0x1000, 6);
    t.budget = Budget::new(Some(1_000));
    t.ok(Func::FdWrite, &[1, iov, 1, 0]);
    assert_eq!(t.budget.used, Func::FdWrite.spec().base_gas + 6 * GAS_PER_BYTE);
    t.budget = Budget::new(Some(Func::FdWrite.spec().base_gas + 5));
    assert_eq!(t.call(Func::FdWrite, &[1, iov, 1, 0]), Err(Stop::OutOfGas));
    assert_eq!(t.ctx.stdout(), b"abcdef", "the unpaid write wrote nothing");
    t.budget = Budget::new(None);
    t.ok(Func::RandomGet, &[0, 1000]);
    assert_eq!(t.budget.used, 0, "unmetered");
}

/// Every function with arguments at the edges (0, 1, the last bytes, past the end, 2^32 - 1,
/// huge i64s) returns an errno or stops: no panic, and the same answers in a second context.
#[test]
fn every_function_survives_edge_arguments() {
    let edges: [u64; 8] = [0, 1, 3, (MEM - 4) as u64, MEM as u64, u32::MAX as u64, u64::MAX, 1 << 40];
    let mut dir = MemDir::new();
    dir.add_file("f", b"x".to_vec()).unwrap();
    for preopen in [None, Some((".".to_string(), dir))] {
        let mut answers = Vec::new();
        for round in 0..2 {
            let mut t = T::new(WasiConfig { preopen: preopen.clone(), ..config() });
            let mut seen = Vec::new();
            for spec in &FUNCTIONS {
                for k in 0..edges.len() {
                    let args: Vec<u64> = (0..spec.params.len()).map(|i| edges[(i * 3 + k) % edges.len()]).collect();
                    seen.push(t.call(spec.func, &args));
                }
            }
            if round == 0 {
                answers = seen;
            } else {
                assert_eq!(answers, seen);
            }
        }
    }
}

/// `max_charge` bounds what every call charges, in a context without a preopen whose stdin and
/// output caps are within its limits: 200,000 calls of random functions with random arguments
/// (pointers and lengths biased into memory, iovecs with small random lengths), the one
/// exception being a write past an output cap, which stops the run.
#[test]
fn max_charge_bounds_every_call_within_the_caps() {
    let (max_read, max_write) = (300u64, 200u64);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut with_bytes, mut checked) = (0, 0);
    for _ in 0..2_000 {
        let stdin: Vec<u8> = (0..next() % (max_read + 1)).map(|i| i as u8).collect();
        let config = WasiConfig {
            stdin,
            stdout_limit: (next() % (max_write + 1)) as usize,
            stderr_limit: max_write as usize,
            ..config()
        };
        let mut t = T::new(config);
        for (i, b) in t.mem.iter_mut().enumerate().take(1024) {
            // Small words at the start of memory, read as iovecs and lengths.
            *b = if i % 4 == 0 { (i as u64 * 7 % 61) as u8 } else { 0 };
        }
        for _ in 0..100 {
            let spec = &FUNCTIONS[next() as usize % FUNCTIONS.len()];
            let args: Vec<u64> = (0..spec.params.len())
                .map(|_| match next() % 4 {
                    0 => next() % 4,
                    1 => next() % 64,
                    2 => next() % 1024,
                    _ => next() % (MEM as u64 + 8),
                })
                .collect();
            let before = t.budget.used;
            let result = t.call(spec.func, &args);
            let charged = t.budget.used - before;
            if matches!(result, Err(Stop::OutputLimit { .. })) {
                continue;
            }
            checked += 1;
            with_bytes += usize::from(charged > spec.base_gas);
            if let Some(max) = gasket_wasi::max_charge(spec.func, max_read, max_write) {
                assert!(charged <= max, "{}{args:?} charged {charged} > {max}", spec.name);
            }
        }
    }
    // The bytes-charging paths were exercised, so the check can fail.
    assert!(with_bytes > 1_000, "{with_bytes} of {checked} calls charged bytes");
}
