;; Accumulator forms (ir/acc.rs): an instruction reading the result of the instruction just
;; before it takes that operand from a register. They must compute what the slot forms do,
;; and must never be used where control can arrive from elsewhere (a label, a loop header,
;; the return from a call), where the register holds some other value.

(module
  (memory 1)

  ;; A dependency chain (xorshift64): every operand after the first comes from the one before.
  (func (export "xorshift") (param i64) (result i64)
    (local.set 0 (i64.xor (local.get 0) (i64.shl (local.get 0) (i64.const 13))))
    (local.set 0 (i64.xor (local.get 0) (i64.shr_u (local.get 0) (i64.const 7))))
    (local.set 0 (i64.xor (local.get 0) (i64.shl (local.get 0) (i64.const 17))))
    (local.get 0))

  ;; The right operand comes from the register: `sub` has a form for it, `lt_s` is mirrored
  ;; into `gt_s`, `add` is swapped.
  (func (export "sub_rhs") (param i32 i32) (result i32)
    (i32.sub (local.get 0) (i32.mul (local.get 1) (local.get 1))))
  (func (export "shl_rhs") (param i64 i64) (result i64)
    (i64.shl (local.get 0) (i64.add (local.get 1) (i64.const 1))))
  (func (export "lt_rhs") (param i32 i32) (result i32)
    (i32.lt_s (local.get 0) (i32.add (local.get 1) (i32.const 1))))
  (func (export "add_rhs") (param i32 i32) (result i32)
    (i32.add (local.get 0) (i32.xor (local.get 1) (i32.const 3))))
  ;; Both operands are the value just computed.
  (func (export "square_of_sum") (param i32 i32) (result i32) (local i32)
    (i32.mul (local.tee 2 (i32.add (local.get 0) (local.get 1))) (local.get 2)))

  ;; The consumer is after a label that a branch reaches with the register holding `p & 1`,
  ;; not local 1: it must read local 1 from its slot.
  (func (export "after_label") (param i32) (result i32) (local i32)
    (local.set 1 (i32.const 10))
    (block $b
      (br_if $b (i32.and (local.get 0) (i32.const 1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 5))))
    (i32.mul (local.get 1) (i32.const 2)))

  ;; A loop header is a label: the counter is read from its slot on every iteration.
  (func (export "count") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 2))

  ;; The values of an `if` meet at its end, a label.
  (func (export "if_result") (param i32) (result i32)
    (i32.add
      (if (result i32) (local.get 0) (then (i32.const 100)) (else (i32.const 200)))
      (i32.const 1)))

  ;; The instruction after a call is reached by the callee's return.
  (func $seven (result i32) (i32.const 7))
  (func (export "after_call") (param i32) (result i32)
    (drop (i32.add (local.get 0) (i32.const 1000)))
    (i32.add (call $seven) (local.get 0)))

  ;; Memory: the address and the stored value come from the register; a load's address too.
  (func (export "store_load") (param i32 i32) (result i32)
    (i32.store (i32.add (local.get 0) (i32.const 4)) (local.get 1))
    (i32.store offset=8 (local.get 0) (i32.mul (local.get 1) (i32.const 3)))
    (i32.add
      (i32.load (i32.add (local.get 0) (i32.const 4)))
      (i32.load offset=8 (local.get 0))))
  (func (export "load_oob") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 65533))))
  (func (export "store8_value") (param i32) (result i32)
    (i32.store8 (i32.const 0) (i32.add (local.get 0) (i32.const 1)))
    (i32.load8_u (i32.const 0)))

  ;; Branches on the value just computed.
  (func (export "branches") (param i32) (result i32)
    (block $neg
      (block $zero
        (br_if $zero (i32.eqz (i32.and (local.get 0) (i32.const 255))))
        (br_if $neg (i32.lt_s (i32.shl (local.get 0) (i32.const 24)) (i32.const 0)))
        (return (i32.const 1)))
      (return (i32.const 0)))
    (i32.const -1))

  ;; 64-bit immediates, wrapping and extension.
  (func (export "wide") (param i32) (result i64)
    (i64.mul
      (i64.add (i64.extend_i32_u (i32.wrap_i64 (i64.extend_i32_s (local.get 0))))
               (i64.const 0x100000000))
      (i64.const 0x123456789)))
)

(assert_return (invoke "xorshift" (i64.const 1)) (i64.const 1082269761))
(assert_return (invoke "xorshift" (i64.const 0x2545F4914F6CDD1D)) (i64.const 0x7f6c280beaa8e3e7))
(assert_return (invoke "sub_rhs" (i32.const 10) (i32.const 3)) (i32.const 1))
(assert_return (invoke "sub_rhs" (i32.const 0) (i32.const 2)) (i32.const -4))
(assert_return (invoke "shl_rhs" (i64.const 1) (i64.const 4)) (i64.const 32))
(assert_return (invoke "lt_rhs" (i32.const 5) (i32.const 4)) (i32.const 0))
(assert_return (invoke "lt_rhs" (i32.const 4) (i32.const 4)) (i32.const 1))
(assert_return (invoke "lt_rhs" (i32.const -2) (i32.const -3)) (i32.const 0))
(assert_return (invoke "add_rhs" (i32.const 100) (i32.const 5)) (i32.const 106))
(assert_return (invoke "square_of_sum" (i32.const 3) (i32.const 4)) (i32.const 49))
(assert_return (invoke "after_label" (i32.const 1)) (i32.const 20))
(assert_return (invoke "after_label" (i32.const 2)) (i32.const 30))
(assert_return (invoke "count" (i32.const 10)) (i32.const 55))
(assert_return (invoke "count" (i32.const 0)) (i32.const 1))
(assert_return (invoke "if_result" (i32.const 1)) (i32.const 101))
(assert_return (invoke "if_result" (i32.const 0)) (i32.const 201))
(assert_return (invoke "after_call" (i32.const 5)) (i32.const 12))
(assert_return (invoke "store_load" (i32.const 16) (i32.const 7)) (i32.const 28))
(assert_trap (invoke "load_oob" (i32.const 0)) "out of bounds")
(assert_return (invoke "load_oob" (i32.const -65533)) (i32.const 0))
(assert_return (invoke "store8_value" (i32.const 255)) (i32.const 0))
(assert_return (invoke "store8_value" (i32.const 41)) (i32.const 42))
(assert_return (invoke "branches" (i32.const 256)) (i32.const 0))
(assert_return (invoke "branches" (i32.const 0x80)) (i32.const -1))
(assert_return (invoke "branches" (i32.const 0x7f)) (i32.const 1))
(assert_return (invoke "wide" (i32.const -1)) (i64.const 0x468acf10dcba9877))
