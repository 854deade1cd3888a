;; An ewasm token contract: imports only from `ethereum`, exports `main` and `memory`
;; (docs/ewasm.md). Written for gasket from the EEI's interface description.
;;
;; Call data: one selector byte, then its arguments (amounts u64 little-endian):
;;   0x00 init(supply: 8 bytes)        the caller receives `supply`; once only ("initialized")
;;   0x01 transfer(to: 20, amount: 8)  moves `amount` from the caller to `to`
;;                                     ("insufficient balance", "overflow"); logs Transfer
;;   0x02 balanceOf(who: 20)           finishes with the balance (8 bytes)
;;   0xff                              traps (`unreachable`): for tests of trap semantics
;; Anything else, or the wrong length, reverts with "bad input".
;;
;; Storage (32-byte keys and values): key 0 holds 1 once initialized; key
;; 0x01 ‖ address ‖ 0… holds that address's balance in the value's low 8 bytes.
;; Log Transfer: topics [keccak256("Transfer(address,address,uint256)"), from, to] (addresses
;; left-padded with 12 zero bytes), data the amount as a 32-byte little-endian number.
(module
  (import "ethereum" "getCallDataSize" (func $size (result i32)))
  (import "ethereum" "callDataCopy" (func $input (param i32 i32 i32)))
  (import "ethereum" "getCaller" (func $caller (param i32)))
  (import "ethereum" "storageLoad" (func $sload (param i32 i32)))
  (import "ethereum" "storageStore" (func $sstore (param i32 i32)))
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  ;; 0: call data (64) | 64: key (32) | 96: value (32) | 128: caller (20)
  ;; 160: Transfer topic | 192: from topic | 224: to topic | 256: log data (32) | 288: messages
  (data (i32.const 160) "\dd\f2\52\ad\1b\e2\c8\9b\69\c2\b0\68\fc\37\8d\aa\95\2b\a7\f1\63\c4\a1\16\28\f5\5a\4d\f5\23\b3\ef")
  (data (i32.const 288) "bad input")
  (data (i32.const 300) "initialized")
  (data (i32.const 320) "insufficient balance")
  (data (i32.const 344) "overflow")

  ;; The storage key of the balance of the address at $addr, at 64.
  (func $key (param $addr i32)
    (memory.fill (i32.const 64) (i32.const 0) (i32.const 32))
    (i32.store8 (i32.const 64) (i32.const 1))
    (memory.copy (i32.const 65) (local.get $addr) (i32.const 20)))
  (func $balance (param $addr i32) (result i64)
    (call $key (local.get $addr))
    (call $sload (i32.const 64) (i32.const 96))
    (i64.load (i32.const 96)))
  (func $set_balance (param $addr i32) (param $v i64)
    (call $key (local.get $addr))
    (memory.fill (i32.const 96) (i32.const 0) (i32.const 32))
    (i64.store (i32.const 96) (local.get $v))
    (call $sstore (i32.const 64) (i32.const 96)))
  ;; A 32-byte topic at $dst: 12 zero bytes, then the address at $addr.
  (func $topic (param $dst i32) (param $addr i32)
    (memory.fill (local.get $dst) (i32.const 0) (i32.const 12))
    (memory.copy (i32.add (local.get $dst) (i32.const 12)) (local.get $addr) (i32.const 20)))
  (func $expect_size (param $have i32) (param $want i32)
    (if (i32.ne (local.get $have) (local.get $want))
      (then (call $revert (i32.const 288) (i32.const 9)))))

  (func (export "main")
    (local $n i32) (local $amount i64) (local $from i64) (local $to i64)
    (local.set $n (call $size))
    (if (i32.or (i32.eqz (local.get $n)) (i32.gt_u (local.get $n) (i32.const 64)))
      (then (call $revert (i32.const 288) (i32.const 9))))
    (call $input (i32.const 0) (i32.const 0) (local.get $n))
    (call $caller (i32.const 128))
    (block $bad
      (block $balance_of
        (block $transfer
          (block $init
            (br_table $init $transfer $balance_of $bad (i32.load8_u (i32.const 0))))
          ;; init
          (call $expect_size (local.get $n) (i32.const 9))
          (memory.fill (i32.const 64) (i32.const 0) (i32.const 32))
          (call $sload (i32.const 64) (i32.const 96))
          (if (i64.ne (i64.load (i32.const 96)) (i64.const 0))
            (then (call $revert (i32.const 300) (i32.const 11))))
          (i64.store (i32.const 96) (i64.const 1))
          (call $sstore (i32.const 64) (i32.const 96))
          (call $set_balance (i32.const 128) (i64.load (i32.const 1)))
          (return))
        ;; transfer
        (call $expect_size (local.get $n) (i32.const 29))
        (local.set $amount (i64.load (i32.const 21)))
        (local.set $from (call $balance (i32.const 128)))
        (if (i64.lt_u (local.get $from) (local.get $amount))
          (then (call $revert (i32.const 320) (i32.const 20))))
        (call $set_balance (i32.const 128) (i64.sub (local.get $from) (local.get $amount)))
        (local.set $to (call $balance (i32.const 1)))
        (if (i64.lt_u (i64.add (local.get $to) (local.get $amount)) (local.get $to))
          (then (call $revert (i32.const 344) (i32.const 8))))
        (call $set_balance (i32.const 1) (i64.add (local.get $to) (local.get $amount)))
        (call $topic (i32.const 192) (i32.const 128))
        (call $topic (i32.const 224) (i32.const 1))
        (memory.fill (i32.const 256) (i32.const 0) (i32.const 32))
        (i64.store (i32.const 256) (local.get $amount))
        (call $log (i32.const 256) (i32.const 32) (i32.const 3)
          (i32.const 160) (i32.const 192) (i32.const 224) (i32.const 0))
        (return))
      ;; balanceOf
      (call $expect_size (local.get $n) (i32.const 21))
      (i64.store (i32.const 96) (call $balance (i32.const 1)))
      (call $finish (i32.const 96) (i32.const 8)))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 0xff)) (then unreachable))
    (call $revert (i32.const 288) (i32.const 9))))
