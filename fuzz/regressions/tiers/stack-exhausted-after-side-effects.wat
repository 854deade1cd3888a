;; Both stack limits, reached after side effects: `deep` recurses until the call-depth
;; counter traps (CallStackExhausted), `wide` until the value-stack cells run out
;; (ValueStackExhausted, 300 locals a frame); each bumps a global and writes memory first.
;; The tiers must trap alike, with the same gas left, global and memory.
(module
  (memory (export "mem") 1)
  (global $n (export "n") (mut i32) (i32.const 0))
  (func $deep (export "deep")
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.and (i32.mul (global.get $n) (i32.const 4)) (i32.const 0xfffc)) (global.get $n))
    (call $deep))
  (func $wide (export "wide") (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
      i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
      i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
      i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
      i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (global.set $n (i32.sub (global.get $n) (i32.const 1)))
    (call $wide)))
