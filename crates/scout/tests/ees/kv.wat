;; kv: a key-value EE whose state root commits to every write it has accepted.
;;
;; Block data is a sequence of 64-byte records, key (32 bytes) then value (32 bytes); any other
;; length traps. The new root is H(old root || block data), where H is the lane hash of
;; docs/scout.md: four 64-bit FNV-1a lanes with distinct seeds, each absorbing every byte as
;;   lane = (lane xor byte) * 0x100000001b3   (mod 2^64)
;; and the root is the four lanes, each as 8 little-endian bytes, lane 0 first. H is a test
;; commitment, not a cryptographic hash. The EE declares one tick per record and prints the
;; record count. Imports use Scout's namespaces (`eth2`, `debug`).
(module
  (import "eth2" "loadPreStateRoot" (func $load_pre_state_root (param i32)))
  (import "eth2" "blockDataSize" (func $block_data_size (result i32)))
  (import "eth2" "blockDataCopy" (func $block_data_copy (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save_post_state_root (param i32)))
  (import "eth2" "useTicks" (func $use_ticks (param i32)))
  (import "debug" "print32" (func $print32 (param i32)))
  (memory (export "memory") 1)

  ;; H(memory[ptr..ptr+len]), written at `out`.
  (func $hash (param $ptr i32) (param $len i32) (param $out i32)
    (local $end i32) (local $b i64)
    (local $s0 i64) (local $s1 i64) (local $s2 i64) (local $s3 i64)
    (local.set $s0 (i64.const 0xcbf29ce484222325))
    (local.set $s1 (i64.const 0x84222325cbf29ce4))
    (local.set $s2 (i64.const 0x9e3779b97f4a7c15))
    (local.set $s3 (i64.const 0x6a09e667f3bcc908))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $b (i64.load8_u (local.get $ptr)))
        (local.set $s0 (i64.mul (i64.xor (local.get $s0) (local.get $b)) (i64.const 0x100000001b3)))
        (local.set $s1 (i64.mul (i64.xor (local.get $s1) (local.get $b)) (i64.const 0x100000001b3)))
        (local.set $s2 (i64.mul (i64.xor (local.get $s2) (local.get $b)) (i64.const 0x100000001b3)))
        (local.set $s3 (i64.mul (i64.xor (local.get $s3) (local.get $b)) (i64.const 0x100000001b3)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $next)))
    (i64.store (local.get $out) (local.get $s0))
    (i64.store offset=8 (local.get $out) (local.get $s1))
    (i64.store offset=16 (local.get $out) (local.get $s2))
    (i64.store offset=24 (local.get $out) (local.get $s3)))

  ;; Grows memory to hold `bytes` bytes, or traps.
  (func $reserve (param $bytes i32)
    (local $pages i32)
    (local.set $pages (i32.shr_u (i32.add (local.get $bytes) (i32.const 0xffff)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1))
          (then unreachable)))))

  (func (export "main")
    (local $len i32)
    (local.set $len (call $block_data_size))
    (if (i32.and (local.get $len) (i32.const 63)) (then unreachable))
    ;; Memory: 0..32 the pre-state root, then the block data; the new root goes to 0.
    (call $reserve (i32.add (local.get $len) (i32.const 32)))
    (call $load_pre_state_root (i32.const 0))
    (call $block_data_copy (i32.const 32) (i32.const 0) (local.get $len))
    (call $use_ticks (i32.shr_u (local.get $len) (i32.const 6)))
    (call $print32 (i32.shr_u (local.get $len) (i32.const 6)))
    (call $hash (i32.const 0) (i32.add (local.get $len) (i32.const 32)) (i32.const 0))
    (call $save_post_state_root (i32.const 0))))
