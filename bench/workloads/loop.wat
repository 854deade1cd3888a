;; Loop-heavy integer kernel: a xorshift64 generator mixed into an LCG-weighted
;; accumulator with a data-dependent branch. Register-only; no memory, no calls.
;; run(count) performs `count` iterations and returns the accumulator.
(module
  (func (export "run") (param $count i32) (result i64)
    (local $i i32) (local $x i64) (local $acc i64) (local $lcg i64)
    (local.set $x (i64.const 0x2545F4914F6CDD1D))
    (local.set $lcg (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        ;; xorshift64: x ^= x << 13; x ^= x >> 7; x ^= x << 17
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        ;; Knuth's MMIX LCG
        (local.set $lcg
          (i64.add
            (i64.mul (local.get $lcg) (i64.const 6364136223846793005))
            (i64.const 1442695040888963407)))
        (if (i64.eqz (i64.and (local.get $x) (i64.const 1)))
          (then
            (local.set $acc (i64.add (local.get $acc) (i64.xor (local.get $x) (local.get $lcg)))))
          (else
            (local.set $acc
              (i64.rotl (i64.sub (local.get $acc) (local.get $lcg)) (i64.const 5)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
