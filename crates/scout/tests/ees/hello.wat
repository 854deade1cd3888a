;; hello: the smallest useful execution environment. It prints through every `debug` host
;; function, requires an empty block (anything else traps), and saves a fixed post-state root:
;; the 32 ASCII bytes of "gasket scout: hello-world EE ok!". Imports use Scout's namespaces.
(module
  (import "eth2" "loadPreStateRoot" (func $load_pre_state_root (param i32)))
  (import "eth2" "blockDataSize" (func $block_data_size (result i32)))
  (import "eth2" "savePostStateRoot" (func $save_post_state_root (param i32)))
  (import "debug" "print32" (func $print32 (param i32)))
  (import "debug" "print64" (func $print64 (param i64)))
  (import "debug" "printMem" (func $print_mem (param i32 i32)))
  (import "debug" "printMemHex" (func $print_mem_hex (param i32 i32)))
  (memory (export "memory") 1)
  ;; 0..12: the greeting; 32..64: the pre-state root; 64..96: the root this EE saves.
  (data (i32.const 0) "hello, world")
  (data (i32.const 64) "gasket scout: hello-world EE ok!")
  (func (export "main")
    (if (call $block_data_size) (then unreachable))
    (call $print_mem (i32.const 0) (i32.const 12))
    (call $print32 (i32.const 42))
    (call $print64 (i64.const 0x100000000))
    (call $load_pre_state_root (i32.const 32))
    (call $print_mem_hex (i32.const 32) (i32.const 32))
    (call $save_post_state_root (i32.const 64))))
