;; Regression, found through a peer: wasmi 2.0.0 returns 11 from `f` below, gasket and the
;; spec 0. A `local.get` is left on the stack (a translator may defer it as a reference to the
;; local), a call with a constant argument comes before it, and only an arm of an `if` that
;; does not run writes the local. The 100,000-module reference-meter run over seeds
;; 2,000,000.. met it as seed 2010132, where the reference (wasmi) was the one that erred.

(module
  (func $sink (param i64))
  (global $g (mut f32) (f32.const 0))
  (func (export "f") (result i64) (local i64)
    (call $sink (i64.const 11))
    (local.get 0)
    (global.get $g)
    (if (param f32) (i32.trunc_f32_s (global.get $g))
      (then (local.set 0 (i64.trunc_sat_f32_u)))
      (else (drop)))))

(assert_return (invoke "f") (i64.const 0))
