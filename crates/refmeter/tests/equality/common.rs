//! Helpers shared by the equality tests: the two engines configured alike, the mapping of
//! gasket's results onto the shared [`Outcome`], value conversion and comparison between
//! gasket and wasmi, and the `spectest` host module for wasmi (gasket's is gasket-wast's).

use gasket_fuzzcheck::differential::gasket_trap_kind;
use gasket_refmeter::runtime::{RefLimits, RefMeter, RefState};
use gasket_refmeter::{Outcome, Schedule};

/// gasket's schedule copied field by field into the reference's.
pub fn ref_schedule(g: &gasket::GasSchedule) -> Schedule {
    Schedule {
        base: g.base,
        free: g.free,
        local: g.local,
        global: g.global,
        load: g.load,
        store: g.store,
        branch: g.branch,
        call: g.call,
        call_indirect: g.call_indirect,
        entry_per_local: g.entry_per_local,
        memory_grow: g.memory_grow,
        memory_grow_per_page: g.memory_grow_per_page,
        bulk_memory: g.bulk_memory,
        bulk_memory_per_word: g.bulk_memory_per_word,
        table_grow: g.table_grow,
        bulk_table: g.bulk_table,
        table_per_element: g.table_per_element,
    }
}

/// A schedule whose every field differs from every other (distinct primes, `free` not 0),
/// so that an operator charged under the wrong class, or a free operator charged in the
/// wrong run, changes the gas.
pub fn distinct_schedule() -> gasket::GasSchedule {
    gasket::GasSchedule {
        base: 1,
        free: 2,
        local: 3,
        global: 5,
        load: 7,
        store: 11,
        branch: 13,
        call: 17,
        call_indirect: 19,
        entry_per_local: 23,
        memory_grow: 29,
        memory_grow_per_page: 31,
        bulk_memory: 37,
        bulk_memory_per_word: 41,
        table_grow: 43,
        bulk_table: 47,
        table_per_element: 53,
    }
}

/// A metered gasket engine with `schedule`, on the interpreter.
pub fn gasket_engine_with(schedule: &gasket::GasSchedule) -> gasket::Engine {
    gasket_engine_on(schedule, gasket::Tier::Interpreter)
}

/// A metered gasket engine with `schedule` on `tier`.
pub fn gasket_engine_on(schedule: &gasket::GasSchedule, tier: gasket::Tier) -> gasket::Engine {
    gasket::Engine::new(&gasket::Config { metering: Some(schedule.clone()), tier, ..Default::default() })
}

/// The tiers the equality tests run gasket on: both where the compiler exists (the
/// interpreter elsewhere), or the one `REFMETER_TIER` names.
pub fn tiers() -> Vec<gasket::Tier> {
    match std::env::var("REFMETER_TIER") {
        Ok(t) => vec![t.parse().unwrap_or_else(|e| panic!("REFMETER_TIER: {e}"))],
        Err(_) if cfg!(target_arch = "x86_64") => vec![gasket::Tier::Interpreter, gasket::Tier::Compiler],
        Err(_) => vec![gasket::Tier::Interpreter],
    }
}

/// The reference meter with the default schedule and gasket's default limits.
pub fn ref_meter() -> RefMeter {
    ref_meter_with(&gasket::GasSchedule::default())
}

/// The reference meter with `schedule` and gasket's default limits.
pub fn ref_meter_with(schedule: &gasket::GasSchedule) -> RefMeter {
    let limits = gasket::Config::default();
    RefMeter::new(
        ref_schedule(schedule),
        RefLimits {
            max_memory_pages: limits.limits.max_memory_pages,
            max_table_elements: limits.limits.max_table_elements,
            max_call_depth: limits.max_call_depth,
            max_value_stack_bytes: limits.max_value_stack as usize * 8,
        },
    )
}

/// The shared outcome of a gasket result: `OutOfGas` → [`Outcome::OutOfGas`], every other trap
/// code to its kind by the fuzz checks' mapping (the one copy: `gasket_trap_kind`, which
/// `TrapKind` documents), non-trap errors → [`Outcome::Error`].
pub fn gasket_outcome<T>(r: &Result<T, gasket::Error>) -> Outcome {
    let e = match r {
        Ok(_) => return Outcome::Ok,
        Err(e) => e,
    };
    let Some(trap) = e.as_trap() else { return Outcome::Error };
    match gasket_trap_kind(trap.code()) {
        Some(kind) => Outcome::Trap(kind),
        None => Outcome::OutOfGas,
    }
}

/// gasket's gas left, which a metered store always has.
pub fn gas_left<T>(store: &gasket::Store<T>) -> u64 {
    store.gas_left().unwrap_or(u64::MAX)
}

/// The wasmi value matching a gasket value (for arguments). Extern references become wasmi
/// extern objects holding the same `u32`.
pub fn to_wasmi(store: &mut wasmi::Store<RefState>, v: &gasket::Val) -> wasmi::Val {
    use wasmi::{Nullable, Val as W};
    match v {
        gasket::Val::I32(x) => W::I32(*x),
        gasket::Val::I64(x) => W::I64(*x),
        gasket::Val::F32(b) => W::F32(wasmi::F32::from_bits(*b)),
        gasket::Val::F64(b) => W::F64(wasmi::F64::from_bits(*b)),
        gasket::Val::FuncRef(_) => W::FuncRef(Nullable::Null),
        gasket::Val::ExternRef(None) => W::ExternRef(Nullable::Null),
        gasket::Val::ExternRef(Some(r)) => W::ExternRef(Nullable::Val(wasmi::ExternRef::new(&mut *store, r.0))),
    }
}

/// Whether a gasket result and a wasmi result are the same value. NaNs are equal to NaNs
/// whatever their payload (gasket canonicalizes NaNs, wasmi does not); references compare by
/// nullness, extern references also by their `u32`.
pub fn same_value(store: &wasmi::Store<RefState>, g: &gasket::Val, w: &wasmi::Val) -> bool {
    use wasmi::Val as W;
    match (g, w) {
        (gasket::Val::I32(a), W::I32(b)) => a == b,
        (gasket::Val::I64(a), W::I64(b)) => a == b,
        (gasket::Val::F32(a), W::F32(b)) => {
            *a == b.to_bits() || (f32::from_bits(*a).is_nan() && f32::from(*b).is_nan())
        }
        (gasket::Val::F64(a), W::F64(b)) => {
            *a == b.to_bits() || (f64::from_bits(*a).is_nan() && f64::from(*b).is_nan())
        }
        (gasket::Val::FuncRef(a), W::FuncRef(b)) => a.is_none() == b.is_null(),
        (gasket::Val::ExternRef(None), W::ExternRef(b)) => b.is_null(),
        (gasket::Val::ExternRef(Some(r)), W::ExternRef(wasmi::Nullable::Val(b))) => {
            b.data(store).downcast_ref::<u32>() == Some(&r.0)
        }
        _ => false,
    }
}

/// The reference interpreter's `spectest` module in wasmi, for the peer engine. gasket's side is
/// gasket-wast's [`gasket_wast::spectest::define`]; this copy must exist because it defines the
/// same entities through wasmi's API (its `Linker`, `Global`, `Table`, `Memory`), which
/// gasket-wast, a gasket-only crate, does not depend on.
pub fn wasmi_spectest(
    store: &mut wasmi::Store<RefState>,
    linker: &mut wasmi::Linker<RefState>,
) -> Result<(), wasmi::Error> {
    use wasmi::{Caller, Global, Memory, MemoryType, Mutability, Ref, RefType, Table, TableType, Val};
    type C<'a> = Caller<'a, RefState>;
    linker.func_wrap("spectest", "print", |_: C<'_>| {})?;
    linker.func_wrap("spectest", "print_i32", |_: C<'_>, _: i32| {})?;
    linker.func_wrap("spectest", "print_i64", |_: C<'_>, _: i64| {})?;
    linker.func_wrap("spectest", "print_f32", |_: C<'_>, _: f32| {})?;
    linker.func_wrap("spectest", "print_f64", |_: C<'_>, _: f64| {})?;
    linker.func_wrap("spectest", "print_i32_f32", |_: C<'_>, _: i32, _: f32| {})?;
    linker.func_wrap("spectest", "print_f64_f64", |_: C<'_>, _: f64, _: f64| {})?;
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.into())),
        ("global_f64", Val::F64(666.6f64.into())),
    ];
    for (name, v) in globals {
        let g = Global::new(&mut *store, v, Mutability::Const);
        linker.define("spectest", name, g)?;
    }
    let table = Table::new(&mut *store, TableType::new(RefType::Func, 10, Some(20)), Ref::null(RefType::Func))?;
    linker.define("spectest", "table", table)?;
    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define("spectest", "memory", memory)?;
    Ok(())
}

/// A tiny deterministic generator (SplitMix64) for seeds, gas limits and fuzz bytes.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn gasket_default_schedule_is_the_documented_one() {
    assert_eq!(ref_schedule(&gasket::GasSchedule::default()), Schedule::default());
}
