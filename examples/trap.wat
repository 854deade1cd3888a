;; Runaway recursion: gasket traps with "call stack exhausted" at the configured depth, on
;; every machine, without touching the native stack.
(module
  (func $down (export "down") (param i64) (result i64)
    (i64.add (i64.const 1) (call $down (local.get 0)))))
