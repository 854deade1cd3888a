//! `gasket inspect FILE`: prepares a module and prints what it contains, how close it comes to
//! each structural limit, its preparation gas (docs/gas.md §7) and the measured preparation
//! time; with `--ir`, the IR of its functions instead; with `--bounds`, the static worst-case
//! bounds of its exported functions (docs/bounds.md). A module that fails to prepare is
//! reported with its error and exit code 2.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use gasket::{prepare_gas, Bound, BoundsConfig, Config, Engine, GasSchedule, Module, Tier};
use serde_json::json;

use crate::{EXIT_ERROR, EXIT_OK};

/// `gasket inspect --ir FILE [--func N]`: the IR listing, of the metered engine (with the
/// default schedule, so that charges show) unless `metered` is false.
pub fn ir(file: &Path, func: Option<u32>, metered: bool, tier: Tier, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let loaded = match crate::input::load(file) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let config = Config { metering: metered.then(GasSchedule::default), tier, ..Config::default() };
    let module = match Module::from_binary(&Engine::new(&config), &loaded.binary) {
        Ok(m) => m,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", file.display());
            return EXIT_ERROR;
        }
    };
    match module.ir_listing(func) {
        Some(listing) => {
            let _ = out.write_all(listing.as_bytes());
            EXIT_OK
        }
        None => {
            let _ = writeln!(err, "error: function {} is not defined by the module", func.unwrap_or_default());
            EXIT_ERROR
        }
    }
}

/// `gasket inspect --bounds FILE [--json]`: the bounds of every exported function under the
/// default schedule, one line each (`NAME gas<=N depth<=D stack<=S`, or `NAME unbounded: REASON
/// at 0xOFFSET` naming the first unbounded quantity), or one JSON object.
pub fn bounds(file: &Path, as_json: bool, tier: Tier, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let loaded = match crate::input::load(file) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let config = Config { metering: Some(GasSchedule::default()), tier, ..Config::default() };
    let all = Module::from_binary(&Engine::new(&config), &loaded.binary)
        .and_then(|m| m.export_bounds(&BoundsConfig::default()));
    let all = match all {
        Ok(all) => all,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}{}", file.display(), crate::input::offsets_note(&loaded));
            return EXIT_ERROR;
        }
    };
    if as_json {
        let one = |b: Bound| match b {
            Bound::AtMost(n) => json!({ "at_most": n }),
            Bound::Unbounded { reason, offset } => json!({ "unbounded": reason.to_string(), "offset": offset }),
        };
        let funcs: Vec<_> = all
            .iter()
            .map(|(name, b)| {
                json!({ "name": name, "gas": one(b.gas), "call_depth": one(b.call_depth), "stack_slots": one(b.stack_slots) })
            })
            .collect();
        let _ = writeln!(out, "{}", json!({ "functions": funcs }));
        return EXIT_OK;
    }
    for (name, b) in &all {
        let _ = match (b.gas, b.call_depth, b.stack_slots) {
            (Bound::AtMost(g), Bound::AtMost(d), Bound::AtMost(s)) => {
                writeln!(out, "{name} gas<={g} depth<={d} stack<={s}")
            }
            (g, d, s) => {
                let (reason, offset) = [g, d, s]
                    .into_iter()
                    .find_map(|x| match x {
                        Bound::Unbounded { reason, offset } => Some((reason, offset)),
                        Bound::AtMost(_) => None,
                    })
                    .expect("one is unbounded");
                writeln!(out, "{name} unbounded: {reason} at {offset:#x}{}", crate::input::offsets_note(&loaded))
            }
        };
    }
    EXIT_OK
}

pub fn command(file: &Path, tier: Tier, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    // Text is converted first, so the time measured is preparation of the binary alone.
    let loaded = match crate::input::load(file) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let binary = &loaded.binary;
    let engine = Engine::new(&Config { tier, ..Config::default() });
    let started = Instant::now();
    let module = Module::from_binary(&engine, binary);
    let elapsed = started.elapsed();
    let module = match module {
        Ok(m) => m,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}{}", file.display(), crate::input::offsets_note(&loaded));
            return EXIT_ERROR;
        }
    };
    let _ = print(&module, elapsed.as_micros(), out);
    EXIT_OK
}

fn print(module: &Module, micros: u128, out: &mut dyn Write) -> std::io::Result<()> {
    let s = module.stats();
    writeln!(out, "module: {} bytes", s.bytes)?;
    writeln!(
        out,
        "  types {}, functions {}, imports {}, exports {}, globals {}, tables {}, memories {}",
        s.types, s.functions, s.imports, s.exports, s.globals, s.tables, s.memories
    )?;
    writeln!(out, "  data segments {}, element segments {}", s.data_segments, s.element_segments)?;
    for (module_name, name, ty) in module.imports() {
        writeln!(out, "  import {module_name}::{name}: {ty}")?;
    }
    for (name, ty) in module.exports() {
        writeln!(out, "  export {name}: {ty}")?;
    }
    writeln!(out, "limits (value / limit):")?;
    for (name, value, limit) in s.limit_usage(&module.engine().config().limits) {
        let percent = if limit == 0 { 100.0 } else { value as f64 * 100.0 / limit as f64 };
        writeln!(out, "  {name:<22} {value:>10} / {limit:<10} {percent:5.1}%")?;
    }
    writeln!(out, "prepare_gas: {}", prepare_gas(s.bytes as usize))?;
    writeln!(out, "prepare_time: {micros} µs")?;
    match module.compiled_code() {
        Some((bytes, took)) => {
            writeln!(out, "tier: compiler")?;
            writeln!(out, "native_code: {bytes} bytes")?;
            writeln!(out, "compile_time: {} µs (included in prepare_time)", took.as_micros())?;
        }
        None => writeln!(out, "tier: interpreter")?,
    }
    Ok(())
}
