;; An `and` whose result only decides a branch is fused into it as a bit test
;; (`BrIfI32AndNez` and the other forms): `br_if`/`if` on `x & y`, or on `eqz` of it.
;; Widths must not mix, and an `and` whose value is also kept must still be computed.

(module
  (func (export "odd") (param i32) (result i32)
    (if (result i32) (i32.and (local.get 0) (i32.const 1)) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "even64") (param i64) (result i32)
    (if (result i32) (i64.eqz (i64.and (local.get 0) (i64.const 1))) (then (i32.const 1)) (else (i32.const 0))))
  (func (export "any_common") (param i32 i32) (result i32)
    (block $yes
      (br_if $yes (i32.and (local.get 0) (local.get 1)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "none_common64") (param i64 i64) (result i32)
    (block $yes
      (br_if $yes (i64.eqz (i64.and (local.get 0) (local.get 1))))
      (return (i32.const 0)))
    (i32.const 1))
  ;; A 64-bit mask above bit 31, tested through `wrap`: the test is on the low 32 bits.
  (func (export "low_bits_zero") (param i64) (result i32)
    (if (result i32) (i32.eqz (i32.wrap_i64 (i64.and (local.get 0) (i64.const 0x1ffffffff))))
      (then (i32.const 1)) (else (i32.const 0))))
  ;; A sign-extended 64-bit immediate mask.
  (func (export "high_bit64") (param i64) (result i32)
    (if (result i32) (i64.eqz (i64.and (local.get 0) (i64.const -0x8000000000000000)))
      (then (i32.const 0)) (else (i32.const 1))))
  ;; The `and`'s value is also kept in a local: it must still be written.
  (func (export "teed") (param i32) (result i32) (local i32)
    (block $b
      (br_if $b (i32.eqz (local.tee 1 (i32.and (local.get 0) (i32.const 6))))))
    (local.get 1))
  ;; A loop counting set bits by testing each one.
  (func (export "popcount") (param i32) (result i32) (local i32 i32)
    (local.set 2 (i32.const 1))
    (loop $next
      (if (i32.and (local.get 0) (local.get 2))
        (then (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
      (br_if $next (local.tee 2 (i32.shl (local.get 2) (i32.const 1)))))
    (local.get 1))
)

(assert_return (invoke "odd" (i32.const 7)) (i32.const 1))
(assert_return (invoke "odd" (i32.const 8)) (i32.const 0))
(assert_return (invoke "even64" (i64.const 0x100000000)) (i32.const 1))
(assert_return (invoke "even64" (i64.const -1)) (i32.const 0))
(assert_return (invoke "any_common" (i32.const 12) (i32.const 3)) (i32.const 0))
(assert_return (invoke "any_common" (i32.const 12) (i32.const 4)) (i32.const 1))
(assert_return (invoke "none_common64" (i64.const 0x100000000) (i64.const 0xffffffff)) (i32.const 1))
(assert_return (invoke "none_common64" (i64.const 0x100000000) (i64.const 0x100000000)) (i32.const 0))
(assert_return (invoke "low_bits_zero" (i64.const 0x100000000)) (i32.const 1))
(assert_return (invoke "low_bits_zero" (i64.const 0x100000001)) (i32.const 0))
(assert_return (invoke "high_bit64" (i64.const -1)) (i32.const 1))
(assert_return (invoke "high_bit64" (i64.const 0x7fffffffffffffff)) (i32.const 0))
(assert_return (invoke "teed" (i32.const 5)) (i32.const 4))
(assert_return (invoke "teed" (i32.const 9)) (i32.const 0))
(assert_return (invoke "popcount" (i32.const 0)) (i32.const 0))
(assert_return (invoke "popcount" (i32.const 0xf0f0)) (i32.const 8))
(assert_return (invoke "popcount" (i32.const -1)) (i32.const 32))
