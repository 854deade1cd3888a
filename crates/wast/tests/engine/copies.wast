;; Consecutive copies, which the translator joins in pairs (`Copy2`): they must still happen
;; in order (a copy may read what the one before it wrote), and never across a label (a branch
;; to the label runs only the copies after it).

(module
  ;; Rotates three locals: a <- b <- c <- a, one copy reading the previous one's target.
  (func (export "rotate") (param i32 i32 i32) (result i32) (local i32)
    (local.set 3 (local.get 0))
    (local.set 0 (local.get 1))
    (local.set 1 (local.get 2))
    (local.set 2 (local.get 3))
    (i32.add (i32.mul (local.get 0) (i32.const 100))
      (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))
  ;; The same rotation n times in a loop: copies at a loop header (a label) and before the
  ;; back-edge.
  (func (export "rotate_n") (param i32 i32 i32 i32) (result i32) (local i32)
    (block $done
      (loop $next
        (local.set 4 (local.get 0))
        (local.set 0 (local.get 1))
        (local.set 1 (local.get 2))
        (local.set 2 (local.get 4))
        (br_if $done (i32.eqz (local.tee 3 (i32.sub (local.get 3) (i32.const 1)))))
        (br $next)))
    (i32.add (i32.mul (local.get 0) (i32.const 100))
      (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))
  ;; A copy, a label, a copy: the branch to the block's end skips the first copy only.
  (func (export "label_between") (param i32) (result i32) (local i32 i32)
    (local.set 1 (i32.const 5))
    (local.set 2 (i32.const 7))
    (block $b
      (br_if $b (local.get 0))
      (local.set 1 (local.get 2)))
    (local.set 2 (local.get 1))
    (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2)))
  ;; Block results moved into their label slots, then used.
  (func (export "results") (param i32 i32 i32) (result i32)
    (block $b (result i32 i32 i32)
      (local.get 2) (local.get 1) (local.get 0)
      (br_if $b (i32.const 1))
      (drop) (drop) (drop)
      (i32.const 0) (i32.const 0) (i32.const 0))
    (i32.mul (i32.const 10))
    (i32.add)
    (i32.mul (i32.const 10))
    (i32.add))
)

(assert_return (invoke "rotate" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 231))
(assert_return (invoke "rotate_n" (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 1)) (i32.const 231))
(assert_return (invoke "rotate_n" (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 2)) (i32.const 312))
(assert_return (invoke "rotate_n" (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 3)) (i32.const 123))
(assert_return (invoke "rotate_n" (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 7)) (i32.const 231))
(assert_return (invoke "label_between" (i32.const 0)) (i32.const 77))
(assert_return (invoke "label_between" (i32.const 1)) (i32.const 55))
(assert_return (invoke "results" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 123))
