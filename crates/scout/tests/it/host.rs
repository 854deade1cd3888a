//! The host functions' checks and semantics: every guest pointer out of range traps (never
//! panics), reads outside the block data and bad deposits are host traps with a message, a
//! trap stops the run and keeps the root, an EE that saves nothing keeps its root, ticks are
//! counted and limited but are not gas, host functions charge gas per byte, and every block
//! gets a fresh instance.

use gasket::TrapCode;
use gasket_scout::{host, run, Block, Failure, Options, Root, RunReport, MAX_DEBUG_BYTES};

use crate::common::{case, report, run_one};

/// An EE importing every host function (Scout's namespaces) with one page of memory; `body`
/// is the code of `main`, `extra` more module fields.
fn ee(body: &str, extra: &str) -> String {
    format!(
        r#"(module
  (import "eth2" "loadPreStateRoot" (func $load (param i32)))
  (import "eth2" "blockDataSize" (func $size (result i32)))
  (import "eth2" "blockDataCopy" (func $copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (import "eth2" "pushNewDeposit" (func $deposit (param i32 i32)))
  (import "eth2" "useTicks" (func $ticks (param i32)))
  (import "bignum" "add256" (func $add (param i32 i32 i32)))
  (import "bignum" "sub256" (func $sub (param i32 i32 i32)))
  (import "debug" "print32" (func $p32 (param i32)))
  (import "debug" "print64" (func $p64 (param i64)))
  (import "debug" "printMem" (func $pmem (param i32 i32)))
  (import "debug" "printMemHex" (func $phex (param i32 i32)))
  (memory (export "memory") 1)
  {extra}
  (func (export "main") {body}))"#
    )
}

fn run_body(body: &str, data: &[u8]) -> RunReport {
    report(run_one(&ee(body, ""), data, &Options::default()).0)
}

/// The trap of a one-block run that must trap.
fn trap_of(report: &RunReport) -> gasket::Trap {
    match &report.failures[..] {
        [Failure::Trap { block: 0, env: 0, trap }] => trap.clone(),
        other => panic!("expected one trap, got {other:?}"),
    }
}

#[test]
fn out_of_range_pointers_trap_in_every_host_function() {
    // One page: the last valid address is 65535. Each call touches memory outside it, by a
    // pointer past the end, one straddling the end, or one whose end passes 2^32.
    let calls = [
        "(call $load (i32.const 65535))",
        "(call $load (i32.const -1))",
        "(call $copy (i32.const 65530) (i32.const 0) (i32.const 10))",
        "(call $copy (i32.const -4) (i32.const 0) (i32.const 10))",
        "(call $save (i32.const 65505))",
        "(call $save (i32.const -32))",
        "(call $deposit (i32.const 65500) (i32.const 184))",
        "(call $add (i32.const 65535) (i32.const 0) (i32.const 0))",
        "(call $add (i32.const 0) (i32.const 65535) (i32.const 0))",
        "(call $add (i32.const 0) (i32.const 0) (i32.const 65535))",
        "(call $sub (i32.const -1) (i32.const 0) (i32.const 0))",
        "(call $sub (i32.const 0) (i32.const 65505) (i32.const 0))",
        "(call $sub (i32.const 0) (i32.const 0) (i32.const 65520))",
        "(call $pmem (i32.const 65530) (i32.const 10))",
        "(call $pmem (i32.const -1) (i32.const 2))",
        "(call $phex (i32.const 65536) (i32.const 1))",
        "(call $phex (i32.const 0) (i32.const 65537))",
    ];
    for call in calls {
        let report = run_body(call, &[0; 10]);
        assert_eq!(trap_of(&report).code(), TrapCode::MemoryOutOfBounds, "{call}");
    }
    // Gas is charged before bounds are checked: a length of 2^32 - 1 bytes runs out of gas
    // under the default limit before its range is looked at.
    for call in ["(call $pmem (i32.const 1) (i32.const -1))", "(call $phex (i32.const 0) (i32.const -1))"] {
        assert_eq!(trap_of(&run_body(call, &[])).code(), TrapCode::OutOfGas, "{call}");
    }
    // The same calls just inside the bounds succeed.
    let inside = "(call $load (i32.const 65504)) (call $copy (i32.const 65526) (i32.const 0) (i32.const 10))
        (call $add (i32.const 65504) (i32.const 0) (i32.const 65504)) (call $phex (i32.const 65535) (i32.const 1))
        (call $pmem (i32.const 65536) (i32.const 0)) (call $save (i32.const 65504))";
    let report = run_body(inside, &[0; 10]);
    assert!(report.passed(), "{:?}", report.failures);
}

#[test]
fn block_data_copy_outside_the_data_is_a_host_trap() {
    for (offset, len) in [(0, 11), (10, 1), (-1, 1), (5, 6), (-1, 2)] {
        let body = format!("(call $copy (i32.const 0) (i32.const {offset}) (i32.const {len}))");
        let trap = trap_of(&run_body(&body, &[0; 10]));
        assert_eq!(trap.code(), TrapCode::Host, "{body}");
        assert!(trap.host_message().unwrap().contains("outside the 10-byte block data"), "{trap}");
    }
    // A copy from an offset: bytes 3..7 of the block become the root's first bytes.
    let data: Vec<u8> = (0..10).collect();
    let body = "(call $copy (i32.const 0) (i32.const 3) (i32.const 4)) (call $save (i32.const 0))";
    let test = case(&[&ee(body, "")], vec![Root::default()], vec![Block { env: 0, data }], vec![Root::default()]);
    let report = run(&test, &Options::default(), &mut Vec::new()).unwrap();
    assert_eq!(&report.roots[0].0[..5], &[3, 4, 5, 6, 0]);
}

#[test]
fn block_data_size_is_the_data_length() {
    for len in [0usize, 1, 100, 70_000] {
        let body = "(i32.store (i32.const 0) (call $size)) (call $save (i32.const 0))";
        let report = run_body(body, &vec![1; len]);
        assert_eq!(report.roots[0].0[..4], (len as u32).to_le_bytes());
    }
}

#[test]
fn deposits_must_be_184_bytes_and_bounded_in_number() {
    let trap = trap_of(&run_body("(call $deposit (i32.const 0) (i32.const 183))", &[]));
    assert!(trap.host_message().unwrap().contains("184 bytes"), "{trap}");
    let trap = trap_of(&run_body("(call $deposit (i32.const 0) (i32.const 185))", &[]));
    assert!(trap.host_message().unwrap().contains("got 185"), "{trap}");
    let counted = |n: usize| {
        let body = format!(
            "(loop $l (call $deposit (i32.const 0) (i32.const 184))
               (global.set 0 (i32.add (global.get 0) (i32.const 1)))
               (br_if $l (i32.lt_u (global.get 0) (i32.const {n}))))"
        );
        report(run_one(&ee(&body, "(global (mut i32) (i32.const 0))"), &[], &Options::default()).0)
    };
    let ok = counted(host::MAX_DEPOSITS_PER_BLOCK);
    assert!(ok.passed(), "{:?}", ok.failures);
    assert_eq!(ok.deposits.len(), host::MAX_DEPOSITS_PER_BLOCK);
    let over = counted(host::MAX_DEPOSITS_PER_BLOCK + 1);
    assert!(trap_of(&over).host_message().unwrap().contains("more than 1024"));
    assert!(over.deposits.is_empty(), "a trapping block's deposits are dropped");
}

#[test]
fn a_trap_stops_the_run_and_keeps_the_root() {
    let pre = Root([5; 32]);
    let saves_then_traps = ee("(i32.store8 (i32.const 0) (i32.const 9)) (call $save (i32.const 0)) unreachable", "");
    let blocks = vec![Block { env: 0, data: vec![] }, Block { env: 0, data: vec![] }];
    let test = case(&[&saves_then_traps], vec![pre], blocks, vec![pre]);
    let report = run(&test, &Options::default(), &mut Vec::new()).unwrap();
    assert_eq!(report.blocks.len(), 1, "the second block never ran");
    assert_eq!(trap_of(&report).code(), TrapCode::Unreachable);
    assert_eq!(report.roots, vec![pre]);
    assert_eq!(report.blocks[0].post_root, pre);
    assert!(report.blocks[0].saved_root);
}

#[test]
fn no_save_keeps_the_root_and_the_last_save_wins() {
    let pre = Root([7; 32]);
    let quiet = ee("(call $p32 (i32.const 1))", "");
    let test = case(&[&quiet], vec![pre], vec![Block { env: 0, data: vec![] }], vec![pre]);
    let report = run(&test, &Options::default(), &mut Vec::new()).unwrap();
    assert!(report.passed(), "{:?}", report.failures);
    assert!(!report.blocks[0].saved_root);

    let twice = "(i32.store8 (i32.const 0) (i32.const 1)) (call $save (i32.const 0))
                 (i32.store8 (i32.const 0) (i32.const 2)) (call $save (i32.const 0))";
    assert_eq!(run_body(twice, &[]).roots[0].0[0], 2);
    // loadPreStateRoot keeps returning the pre-state after a save.
    let body = "(call $load (i32.const 0)) (i32.store8 (i32.const 0) (i32.const 3)) (call $save (i32.const 0))
                (call $load (i32.const 0)) (call $save (i32.const 0))";
    let test = case(&[&ee(body, "")], vec![pre], vec![Block { env: 0, data: vec![] }], vec![pre]);
    assert!(run(&test, &Options::default(), &mut Vec::new()).unwrap().passed());
}

#[test]
fn ticks_are_counted_limited_and_not_gas() {
    let report = run_body("(call $ticks (i32.const 3)) (call $ticks (i32.const 4))", &[]);
    assert_eq!(report.blocks[0].ticks, 7);
    let gas = |n: i32| run_body(&format!("(call $ticks (i32.const {n}))"), &[]).blocks[0].gas_used;
    assert_eq!(gas(1), gas(9_000_000), "ticks are not charged as gas");

    let options = Options { ticks_limit: 10, ..Options::default() };
    let at_limit = run_one(&ee("(call $ticks (i32.const 10))", ""), &[], &options).0.unwrap();
    assert!(at_limit.passed());
    let over = run_one(&ee("(call $ticks (i32.const 6)) (call $ticks (i32.const 5))", ""), &[], &options).0.unwrap();
    let trap = trap_of(&over);
    assert!(trap.host_message().unwrap().contains("limit of 10"), "{trap}");
    assert_eq!(over.blocks[0].ticks, 6, "the count is left as it was");
    // Ticks are unsigned: -1 is 2^32 - 1, over the default limit of 10 million.
    assert_eq!(trap_of(&run_body("(call $ticks (i32.const -1))", &[])).code(), TrapCode::Host);
    // Each block starts from zero.
    let blocks = vec![Block { env: 0, data: vec![] }; 3];
    let test = case(&[&ee("(call $ticks (i32.const 4))", "")], vec![Root::default()], blocks, vec![Root::default()]);
    let report = run(&test, &options, &mut Vec::new()).unwrap();
    assert!(report.blocks.iter().all(|b| b.ticks == 4) && report.passed());
}

#[test]
fn gas_is_limited_per_block_and_host_functions_charge_per_byte() {
    let options = Options { gas_limit: 10_000, ..Options::default() };
    let report = report(run_one(&ee("(loop $l (br $l))", ""), &[], &options).0);
    assert_eq!(trap_of(&report).code(), TrapCode::OutOfGas);
    // The failed charge is not applied (docs/gas.md §5): at most the limit is used.
    let used = report.blocks[0].gas_used;
    assert!(used <= 10_000 && used > 9_900, "{used}");

    let gas = |len: i32| run_body(&format!("(call $pmem (i32.const 0) (i32.const {len}))"), &[]).blocks[0].gas_used;
    assert_eq!(gas(1000) - gas(10), 990);
    let copy = |len: i32| {
        let body = format!("(call $copy (i32.const 0) (i32.const 0) (i32.const {len}))");
        run_body(&body, &[0; 500]).blocks[0].gas_used
    };
    assert_eq!(copy(500) - copy(100), 400);
    // A call with nothing to move still costs the base.
    let none = run_body("", &[]).blocks[0].gas_used;
    let schedule = gasket::GasSchedule::default();
    let expected = schedule.base + schedule.call + host::HOST_CALL_GAS;
    assert_eq!(run_body("(call $p32 (i32.const 0))", &[]).blocks[0].gas_used - none, expected);
}

#[test]
fn every_block_gets_a_fresh_instance() {
    // A global incremented by each block and saved: always 1 if nothing survives a block.
    let body = "(global.set 0 (i32.add (global.get 0) (i32.const 1))) (i32.store (i32.const 0) (global.get 0))
                (call $save (i32.const 0))";
    let wat = ee(body, "(global (mut i32) (i32.const 0))");
    let blocks = vec![Block { env: 0, data: vec![] }; 3];
    let mut one = Root::default();
    one.0[0] = 1;
    let test = case(&[&wat], vec![Root::default()], blocks, vec![one]);
    assert!(run(&test, &Options::default(), &mut Vec::new()).unwrap().passed());
}

#[test]
fn the_start_function_runs_with_the_host_functions_and_is_metered() {
    let extra = "(func $init (call $p32 (i32.const 77)) (call $ticks (i32.const 2))) (start $init)";
    let (result, debug) = run_one(&ee("", extra), &[], &Options::default());
    let report = report(result);
    assert!(report.passed(), "{:?}", report.failures);
    assert_eq!(debug, "[block 0 env 0] print32: 77\n");
    assert_eq!(report.blocks[0].ticks, 2);
    let plain = run_body("", &[]).blocks[0].gas_used;
    assert!(report.blocks[0].gas_used > plain);
}

#[test]
fn debug_output_goes_to_the_writer_bounded() {
    let (result, debug) =
        run_one(&ee("(call $p32 (i32.const -1)) (call $p64 (i64.const -1))", ""), &[], &Options::default());
    assert!(report(result).passed());
    assert_eq!(debug, "[block 0 env 0] print32: 4294967295\n[block 0 env 0] print64: 18446744073709551615\n");

    // 100 prints of 1000 bytes: about 64 KiB kept, the rest counted.
    let body = "(loop $l (call $pmem (i32.const 0) (i32.const 1000))
                 (global.set 0 (i32.add (global.get 0) (i32.const 1)))
                 (br_if $l (i32.lt_u (global.get 0) (i32.const 100))))";
    let (result, debug) = run_one(&ee(body, "(global (mut i32) (i32.const 0))"), &[], &Options::default());
    assert!(report(result).passed());
    let kept = debug.lines().filter(|l| l.contains("printMem")).count();
    assert!(kept > 0 && kept < 100 && kept * 1000 <= MAX_DEBUG_BYTES, "{kept}");
    assert!(debug.trim_end().ends_with(&format!("({} more lines dropped: over {MAX_DEBUG_BYTES} bytes)", 100 - kept)));
}
