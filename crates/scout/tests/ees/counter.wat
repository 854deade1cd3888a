;; counter: an EE whose state root is a 256-bit unsigned number, big-endian (the byte order of
;; Scout's bignum functions), updated only through the `bignum` host functions.
;;
;; Block data is a sequence of 33-byte operations: an opcode byte (0 add, 1 subtract) and a
;; 32-byte big-endian operand; any other opcode or length traps. Each operation sets
;; root = root +/- operand (mod 2^256), the host writing the result over the root in place.
;; The EE declares one tick per operation and prints the count.
;;
;; Every import uses the `env` namespace with prefixed names, the other spelling Scout accepts.
(module
  (import "env" "eth2_loadPreStateRoot" (func $load_pre_state_root (param i32)))
  (import "env" "eth2_blockDataSize" (func $block_data_size (result i32)))
  (import "env" "eth2_blockDataCopy" (func $block_data_copy (param i32 i32 i32)))
  (import "env" "eth2_savePostStateRoot" (func $save_post_state_root (param i32)))
  (import "env" "eth2_useTicks" (func $use_ticks (param i32)))
  (import "env" "bignum_add256" (func $add256 (param i32 i32 i32)))
  (import "env" "bignum_sub256" (func $sub256 (param i32 i32 i32)))
  (import "env" "debug_print32" (func $print32 (param i32)))
  (memory (export "memory") 1)

  (func (export "main")
    (local $len i32) (local $op i32) (local $end i32) (local $count i32)
    (local.set $len (call $block_data_size))
    (if (i32.rem_u (local.get $len) (i32.const 33)) (then unreachable))
    ;; Memory: 0..32 the root, then the block data; one page holds 65,504 bytes of it.
    (if (i32.gt_u (local.get $len) (i32.const 65504)) (then unreachable))
    (call $load_pre_state_root (i32.const 0))
    (call $block_data_copy (i32.const 32) (i32.const 0) (local.get $len))
    (local.set $op (i32.const 32))
    (local.set $end (i32.add (local.get $len) (i32.const 32)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $op) (local.get $end)))
        (block $known
          (block $sub
            (block $add
              (block $bad
                (br_table $add $sub $bad (i32.load8_u (local.get $op))))
              unreachable)
            ;; opcode 0
            (call $add256 (i32.const 0) (i32.add (local.get $op) (i32.const 1)) (i32.const 0))
            (br $known))
          ;; opcode 1
          (call $sub256 (i32.const 0) (i32.add (local.get $op) (i32.const 1)) (i32.const 0)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $op (i32.add (local.get $op) (i32.const 33)))
        (br $next)))
    (call $use_ticks (local.get $count))
    (call $print32 (local.get $count))
    (call $save_post_state_root (i32.const 0))))
