;; wasmi 2.0.0 (the reference, not gasket) panics translating this valid module: a debug
;; assertion "a register operand already exists on the stack" (translator/func/stack/
;; operands.rs:798) at the `else` of an `if` with parameters, in dev and fuzz builds. gasket
;; prepares and runs it. Found by the differential fuzz target (run #3, input
;; wasmi-panic-register-operand-on-else); the target now counts such modules as skipped.
(module
  (type (func (param i32) (result i32 i32 i32)))
  (memory 0 3)
  (func (export "f") (type 0) (param i32) (result i32 i32 i32)
    block (result i32)
      local.get 0
      i32.load
      local.get 0
      if (type 0) (param i32) (result i32 i32 i32)
        local.tee 0
        local.tee 0
        local.tee 0
        local.tee 0
        i32.load16_s align=1
        i32.load16_s align=1
        i32.load16_s align=1
        i32.load16_s align=1
        i32.load16_s align=1
        i32.load16_s
        local.tee 0
        local.tee 0
        unreachable
        unreachable
      else
        unreachable
      end
      unreachable
    end
    unreachable))
