//! Random pointers, lengths and values thrown at every host function give receipts (traps,
//! reverts, failures), never panics.

use gasket_runtime::Status;

use crate::common::*;

use gasket_runtime::{EEI_API, GASKET_V1_API as API};

fn spell(types: &[gasket::ValType]) -> String {
    types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
}

/// The exported table, which tools and the fuzzers generate contracts from, is exactly what
/// the runtime registers, for both namespaces; `ethereum` has the 33 functions of the EEI.
#[test]
fn host_api_tables_match_the_linker() {
    let rt = mem_runtime();
    for (ns, api) in [("gasket_v1", API), ("ethereum", EEI_API)] {
        let mut registered: Vec<(String, String, String)> =
            rt.host_api(ns).into_iter().map(|(n, ty)| (n, spell(ty.params()), spell(ty.results()))).collect();
        let mut table: Vec<(String, String, String)> =
            api.iter().map(|(n, p, r)| (n.to_string(), p.to_string(), r.to_string())).collect();
        registered.sort();
        table.sort();
        assert_eq!(registered, table, "{ns}");
    }
    assert_eq!(EEI_API.len(), 33, "the EEI's function list");
    assert!(rt.host_api("env").is_empty());
}

/// A contract with one entry point per host function: it reads the arguments from its input
/// (8 bytes each, little-endian) and calls the function with them.
fn fuzz_contract() -> String {
    let mut imports = String::new();
    let mut funcs = String::new();
    for (name, params, result) in API {
        let ty_result = if result.is_empty() { String::new() } else { format!("(result {result})") };
        imports.push_str(&format!("(import \"gasket_v1\" \"{name}\" (func ${name} (param {params}) {ty_result}))\n"));
        let args: String = params
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| {
                if t == "i64" {
                    format!("(i64.load (i32.const {}))", 8 * i)
                } else {
                    format!("(i32.load (i32.const {}))", 8 * i)
                }
            })
            .collect();
        let call = format!("(call ${name} {args})");
        let body = if result.is_empty() { call } else { format!("(drop {call})") };
        funcs.push_str(&format!(
            "(func (export \"{name}\") (call $input_copy (i32.const 0) (i32.const 0) (call $input_size)) {body})\n"
        ));
    }
    // input_copy and input_size are needed by every entry point; they are in API already.
    format!("(module {imports} (memory (export \"memory\") 1) {funcs})")
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Values that hit the interesting edges: small, near the end of one page, huge, negative.
    fn arg(&mut self) -> u64 {
        match self.next() % 6 {
            0 => self.next() % 64,
            1 => 65536 - self.next() % 64,
            2 => (self.next() % 70_000) as u32 as u64,
            3 => u32::MAX as u64 - self.next() % 16,
            4 => (-(self.next() as i64 % 1000)) as u64,
            _ => self.next(),
        }
    }
}

#[test]
fn random_arguments_to_every_host_function_never_panic() {
    let rt = mem_runtime();
    let fuzz = deploy_wat(&rt, &fuzz_contract(), b"fuzz");
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for round in 0..3000 {
        let (name, _, _) = API[round % API.len()];
        let input: Vec<u8> = (0..6).flat_map(|_| rng.arg().to_le_bytes()).collect();
        let r = rt.call(ALICE, fuzz, name, &input, 2_000_000, Default::default()).unwrap();
        let kind = match r.status {
            Status::Success => "success",
            Status::Reverted => "reverted",
            Status::OutOfGas => "out of gas",
            Status::Trapped(_) => "trapped",
            Status::Failed(_) => "failed",
        };
        *seen.entry(format!("{name}: {kind}")).or_default() += 1;
    }
    // Every function was reached, and bad ranges trapped rather than succeeding.
    for (name, _, _) in API {
        assert!(seen.keys().any(|k| k.starts_with(&format!("{name}:"))), "{name} never ran");
    }
    assert!(seen.keys().any(|k| k.ends_with("trapped")), "{seen:?}");
}

/// Regression (found by the runtime_host_api fuzz target): with a gas limit over `i64::MAX`,
/// `gas_left` was `gas as i64`, a negative number, though documented as non-negative.
#[test]
fn regression_negative_gas_left() {
    let rt = mem_runtime();
    let wat = r#"(module
      (import "gasket_v1" "gas_left" (func $gas_left (result i64)))
      (import "gasket_v1" "set_return" (func $ret (param i32 i32)))
      (memory (export "memory") 1)
      (func (export "f") (i64.store (i32.const 0) (call $gas_left)) (call $ret (i32.const 0) (i32.const 8))))"#;
    let addr = deploy_wat(&rt, wat, b"g");
    let r = rt.call(ALICE, addr, "f", b"", u64::MAX, Default::default()).unwrap();
    assert_eq!(r.status, Status::Success);
    assert!(i64::from_le_bytes(r.return_data.try_into().unwrap()) > 0);
}
