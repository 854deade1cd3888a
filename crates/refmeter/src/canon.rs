//! The NaN canonicalization that wasm-smith's `canonicalize_nans` leaves out: it canonicalizes
//! the results of float arithmetic, but not of `f32.demote_f64` and `f64.promote_f32`, whose
//! NaN results the spec leaves nondeterministic (gasket gives the canonical NaN, wasmi keeps
//! the payload). This pass follows each of them with wasm-smith's own canonicalizing sequence
//! (`local.set t; const NaN; local.get t; local.get t; local.get t; ne; select`), using two
//! fresh locals per function, so that results can be compared with wasmi bitwise (the
//! differential fuzz target) and NaN bits cannot make outcomes differ (the random-module
//! equality test, where seed 1081621 fed a demoted NaN's sign into an `i64.trunc_f64_u`).

use std::convert::Infallible;

use wasm_encoder::reencode::{Error, Reencode};
use wasm_encoder::{CodeSection, Function, Instruction, ValType};
use wasmparser::{FunctionBody, Operator, Parser, Payload};

/// The canonical NaNs' bit patterns.
const F32_NAN: u32 = 0x7fc0_0000;
const F64_NAN: u64 = 0x7ff8_0000_0000_0000;

fn is_conversion(op: &Operator<'_>) -> bool {
    matches!(op, Operator::F32DemoteF64 | Operator::F64PromoteF32)
}

/// `wasm` with every `f32.demote_f64` and `f64.promote_f32` result canonicalized; `wasm`
/// itself if it has none. `None` if it cannot be parsed (it always can: it is wasm-smith's).
pub fn canonicalize_conversions(wasm: &[u8]) -> Option<Vec<u8>> {
    // The parameter count of each defined function, in code-section order.
    let mut types: Vec<u32> = Vec::new();
    let mut params: Vec<u32> = Vec::new();
    let mut found = false;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::TypeSection(r) => {
                for rec in r {
                    for sub in rec.ok()?.into_types() {
                        let n = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => f.params().len() as u32,
                            _ => 0,
                        };
                        types.push(n);
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    params.push(*types.get(t.ok()? as usize)?);
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader().ok()?;
                while !ops.eof() {
                    if is_conversion(&ops.read().ok()?) {
                        found = true;
                    }
                }
            }
            _ => {}
        }
    }
    if !found {
        return Some(wasm.to_vec());
    }
    let mut pass = Canon { params, next: 0 };
    let mut module = wasm_encoder::Module::new();
    pass.parse_core_module(&mut module, Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

struct Canon {
    params: Vec<u32>,
    next: usize,
}

impl Reencode for Canon {
    type Error = Infallible;

    fn parse_function_body(&mut self, code: &mut CodeSection, func: FunctionBody<'_>) -> Result<(), Error<Infallible>> {
        let mut index = self.params.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        let mut locals = Vec::new();
        for pair in func.get_locals_reader()? {
            let (count, ty) = pair?;
            index += count;
            locals.push((count, self.val_type(ty)?));
        }
        let (t32, t64) = (index, index + 1);
        locals.push((1, ValType::F32));
        locals.push((1, ValType::F64));
        let mut f = Function::new(locals);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let conversion = match op {
                Operator::F32DemoteF64 => {
                    Some((t32, Instruction::F32Const(f32::from_bits(F32_NAN).into()), Instruction::F32Ne))
                }
                Operator::F64PromoteF32 => {
                    Some((t64, Instruction::F64Const(f64::from_bits(F64_NAN).into()), Instruction::F64Ne))
                }
                _ => None,
            };
            f.instruction(&self.instruction(op)?);
            if let Some((t, nan, ne)) = conversion {
                f.instruction(&Instruction::LocalSet(t));
                f.instruction(&nan);
                f.instruction(&Instruction::LocalGet(t));
                f.instruction(&Instruction::LocalGet(t));
                f.instruction(&Instruction::LocalGet(t));
                f.instruction(&ne);
                f.instruction(&Instruction::Select);
            }
        }
        code.function(&f);
        Ok(())
    }
}
