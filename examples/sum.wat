;; The sum 0 + 1 + ... + 99 by a counted loop: `gasket inspect --bounds` proves its gas exactly.
(module (func (export "sum") (result i32) (local i32 i32)
  (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0)))
    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get 0) (i32.const 100))))
  (local.get 1)))
