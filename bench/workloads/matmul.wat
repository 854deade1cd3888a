;; Dense f64 matrix multiply C = A * B of n x n row-major matrices in linear memory.
;; mul(n) fills A[i][j] = ((i * 7 + j * 3) mod 11) - 5 and B[i][j] = ((i * 5 + j) mod 13) - 6,
;; multiplies with the classic i-j-k triple loop, and returns the weighted checksum
;; sum of C[i][j] * ((i + 2j) mod 7 + 1), truncated to i64.
;; All values are small integers, so every f64 operation is exact and the result is portable.
(module
  (memory 1)
  (func (export "mul") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $k i32) (local $nn8 i32)
    (local $a i32) (local $b i32) (local $c i32) (local $pages i32)
    (local $sum f64) (local $total f64)
    (local.set $nn8 (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3)))
    (local.set $a (i32.const 0))
    (local.set $b (local.get $nn8))
    (local.set $c (i32.shl (local.get $nn8) (i32.const 1)))
    (local.set $pages
      (i32.shr_u (i32.add (i32.mul (local.get $nn8) (i32.const 3)) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1))
          (then (unreachable)))))
    ;; Fill A and B.
    (local.set $i (i32.const 0))
    (block $filled
      (loop $fill_i
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $fill_j
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $k
              (i32.shl
                (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))
                (i32.const 3)))
            (f64.store (i32.add (local.get $a) (local.get $k))
              (f64.convert_i32_s
                (i32.sub
                  (i32.rem_u
                    (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.mul (local.get $j) (i32.const 3)))
                    (i32.const 11))
                  (i32.const 5))))
            (f64.store (i32.add (local.get $b) (local.get $k))
              (f64.convert_i32_s
                (i32.sub
                  (i32.rem_u
                    (i32.add (i32.mul (local.get $i) (i32.const 5)) (local.get $j))
                    (i32.const 13))
                  (i32.const 6))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $fill_j)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill_i)))
    ;; C[i][j] = sum_k A[i][k] * B[k][j]
    (local.set $i (i32.const 0))
    (block $done_i
      (loop $loop_i
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $done_j
          (loop $loop_j
            (br_if $done_j (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $sum (f64.const 0))
            (local.set $k (i32.const 0))
            (block $done_k
              (loop $loop_k
                (br_if $done_k (i32.ge_u (local.get $k) (local.get $n)))
                (local.set $sum
                  (f64.add (local.get $sum)
                    (f64.mul
                      (f64.load
                        (i32.add (local.get $a)
                          (i32.shl
                            (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k))
                            (i32.const 3))))
                      (f64.load
                        (i32.add (local.get $b)
                          (i32.shl
                            (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j))
                            (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $loop_k)))
            (f64.store
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
              (local.get $sum))
            (local.set $total
              (f64.add (local.get $total)
                (f64.mul (local.get $sum)
                  (f64.convert_i32_u
                    (i32.add
                      (i32.rem_u (i32.add (local.get $i) (i32.shl (local.get $j) (i32.const 1))) (i32.const 7))
                      (i32.const 1))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $loop_j)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $loop_i)))
    (i64.trunc_f64_s (local.get $total))))
