;; deposit: an EE that turns its block into deposit receipts. Block data is a sequence of
;; 184-byte deposits (pubkey 48, withdrawal credentials 32, amount 8 little-endian, signature
;; 96: the SSZ encoding of an Eth 2.0 `Deposit`); any other length traps. Each one is pushed
;; with `pushNewDeposit`, in order. The EE never saves a post-state root, so its root stays
;; what it was. Imports use Scout's `eth2` namespace.
(module
  (import "eth2" "blockDataSize" (func $block_data_size (result i32)))
  (import "eth2" "blockDataCopy" (func $block_data_copy (param i32 i32 i32)))
  (import "eth2" "pushNewDeposit" (func $push_new_deposit (param i32 i32)))
  (memory (export "memory") 1)

  (func (export "main")
    (local $len i32) (local $at i32)
    (local.set $len (call $block_data_size))
    (if (i32.rem_u (local.get $len) (i32.const 184)) (then unreachable))
    (if (i32.gt_u (local.get $len) (i32.const 65536)) (then unreachable))
    (call $block_data_copy (i32.const 0) (i32.const 0) (local.get $len))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $len)))
        (call $push_new_deposit (local.get $at) (i32.const 184))
        (local.set $at (i32.add (local.get $at) (i32.const 184)))
        (br $next)))))
