;; Loads whose address is an `i32.add`, which the translator fuses into the load: the sum wraps
;; modulo 2^32 before the offset is added (so an address that wraps is in bounds), traps are
;; those of the load, and the sum's operands may be the slot the result goes to.

(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (func (export "i32_imm") (param i32) (result i32)
    (i32.load offset=2 (i32.add (local.get 0) (i32.const 4))))
  (func (export "i64_imm") (param i32) (result i64)
    (i64.load offset=1 (i32.add (local.get 0) (i32.const 3))))
  (func (export "i32_slot") (param i32 i32) (result i32)
    (i32.load offset=1 (i32.add (local.get 0) (local.get 1))))
  (func (export "i64_slot") (param i32 i32) (result i64)
    (i64.load (i32.add (local.get 0) (local.get 1))))
  ;; Both operands are temps: the sum's left operand shares the result's slot.
  (func (export "temps") (param i32 i32) (result i32)
    (i32.load (i32.add (i32.mul (local.get 0) (i32.const 1)) (i32.mul (local.get 1) (i32.const 1)))))
  ;; The sum is also kept in a local: no fusion, same result.
  (func (export "kept") (param i32) (result i32) (local i32)
    (i32.add
      (i32.load (local.tee 1 (i32.add (local.get 0) (i32.const 4))))
      (local.get 1)))
)

(assert_return (invoke "i32_imm" (i32.const 0)) (i32.const 0x0a090807))
;; 0xfffffffe + 4 wraps to 2, plus offset 2: bytes 4..8.
(assert_return (invoke "i32_imm" (i32.const -2)) (i32.const 0x08070605))
(assert_return (invoke "i64_imm" (i32.const 0)) (i64.const 0x0c0b0a0908070605))
(assert_return (invoke "i64_imm" (i32.const -3)) (i64.const 0x0908070605040302))
(assert_return (invoke "i32_slot" (i32.const 1) (i32.const 2)) (i32.const 0x08070605))
(assert_return (invoke "i32_slot" (i32.const -1) (i32.const 1)) (i32.const 0x05040302))
(assert_return (invoke "i64_slot" (i32.const 0x80000000) (i32.const 0x80000008)) (i64.const 0x100f0e0d0c0b0a09))
(assert_return (invoke "temps" (i32.const 2) (i32.const 3)) (i32.const 0x09080706))
(assert_return (invoke "kept" (i32.const 0)) (i32.const 0x08070609))
;; Out of bounds: the sum is in range, the offset takes the access past the end.
(assert_trap (invoke "i32_imm" (i32.const 65528)) "out of bounds memory access")
(assert_trap (invoke "i64_slot" (i32.const 65530) (i32.const 0)) "out of bounds memory access")
;; The sum itself is past the end.
(assert_trap (invoke "i32_imm" (i32.const 65532)) "out of bounds memory access")
