;; A bug in wasmi 2.0.0 (the differential's reference), not in gasket: `f` returns normally
;; in gasket (and per the spec: select(7, x, x == 0) with x = 0 is 7, and 10 rem_u 7 = 3), but
;; wasmi traps with "integer divide by zero". It needs a computed value below on the stack
;; (the i64.xor) and the condition of `select` being `i32.eqz` of its own second operand,
;; which is how wasm-smith's `disallow_traps` guards divisions; so (c) turns that option off.
;; Found by the first bounded run of (c), minimized by hand. Replayed as a module by
;; crates/fuzzcheck/tests/fuzzcheck.rs: it must keep showing the divergence.
(module
  (func (export "f") (local i64 i32)
    local.get 0
    i64.const 1
    i64.xor
    i32.const 10
    i32.const 7
    local.get 1
    local.get 1
    i32.eqz
    select
    i32.rem_u
    drop
    drop))
