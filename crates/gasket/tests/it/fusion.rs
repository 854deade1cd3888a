//! Comparisons fused into branches (`if`, `br_if`, register and immediate operands) agree with
//! the plain comparison on edge values.

use gasket::{Engine, Linker, Module, Store};

const CMPS: &[&str] = &["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const EDGES: &[i64] = &[0, 1, -1, 2, -2, i32::MAX as i64, i32::MIN as i64, i64::MAX, i64::MIN, 0x1_0000_0000, 7];

fn expected(ty: &str, cmp: &str, a: i64, b: i64) -> bool {
    let (sa, sb, ua, ub) = if ty == "i32" {
        (a as i32 as i64, b as i32 as i64, a as u32 as u64, b as u32 as u64)
    } else {
        (a, b, a as u64, b as u64)
    };
    match cmp {
        "eq" => ua == ub,
        "ne" => ua != ub,
        "lt_s" => sa < sb,
        "lt_u" => ua < ub,
        "gt_s" => sa > sb,
        "gt_u" => ua > ub,
        "le_s" => sa <= sb,
        "le_u" => ua <= ub,
        "ge_s" => sa >= sb,
        _ => ua >= ub,
    }
}

#[test]
fn fused_compare_and_branch_matches_the_comparison() {
    let engine = Engine::default();
    for ty in ["i32", "i64"] {
        for cmp in CMPS {
            for &k in EDGES {
                let k = if ty == "i32" { k as i32 as i64 } else { k };
                let wat = format!(
                    r#"(module
                      (func (export "if_reg") (param {ty} {ty}) (result i32)
                        (if (result i32) ({ty}.{cmp} (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
                      (func (export "if_imm") (param {ty} {ty}) (result i32)
                        (if (result i32) ({ty}.{cmp} (local.get 0) ({ty}.const {k})) (then (i32.const 1)) (else (i32.const 0))))
                      (func (export "br_reg") (param {ty} {ty}) (result i32)
                        (block (br_if 0 ({ty}.{cmp} (local.get 0) (local.get 1))) (return (i32.const 0))) (i32.const 1))
                      (func (export "br_imm") (param {ty} {ty}) (result i32)
                        (block (br_if 0 ({ty}.{cmp} (local.get 0) ({ty}.const {k}))) (return (i32.const 0))) (i32.const 1)))"#
                );
                let module = Module::new(&engine, &wat).unwrap();
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
                for &a in EDGES {
                    let want = expected(ty, cmp, a, k) as i32;
                    for name in ["if_reg", "if_imm", "br_reg", "br_imm"] {
                        let got = if ty == "i32" {
                            let f = instance.get_typed_func::<(i32, i32), i32>(&store, name).unwrap();
                            f.call(&mut store, (a as i32, k as i32)).unwrap()
                        } else {
                            let f = instance.get_typed_func::<(i64, i64), i32>(&store, name).unwrap();
                            f.call(&mut store, (a, k)).unwrap()
                        };
                        assert_eq!(got, want, "{name}: {ty}.{cmp} {a} {k}");
                    }
                }
            }
        }
    }
}
