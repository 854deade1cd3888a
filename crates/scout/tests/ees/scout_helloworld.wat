;; scout_helloworld: behaves as ewasm Scout's own hello-world EE (scripts/helloworld): it
;; requires an empty block, keeps the pre-state root as the post-state root, and pushes one
;; 184-byte all-zero deposit in every block ("valid length-wise, invalid content-wise").
(module
  (import "eth2" "loadPreStateRoot" (func $load_pre_state_root (param i32)))
  (import "eth2" "blockDataSize" (func $block_data_size (result i32)))
  (import "eth2" "pushNewDeposit" (func $push_new_deposit (param i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save_post_state_root (param i32)))
  (memory (export "memory") 1)
  ;; 0..32: the root; 64..248: the deposit (zero memory).
  (func (export "main")
    (if (call $block_data_size) (then unreachable))
    (call $load_pre_state_root (i32.const 0))
    (call $push_new_deposit (i32.const 64) (i32.const 184))
    (call $save_post_state_root (i32.const 0))))
