//! The lowering of every opcode, one method per row of the instruction-set table
//! (`ir::Visit`, generated from `ir/set.rs`): a new row without a method here does not compile.
//! Each method either lowers its instruction inline, with the helpers of `control.rs`,
//! `divide.rs`, `float.rs`, `memory.rs` and `numeric.rs`, or runs it through the interpreter's handler (`step`), which
//! gives it the interpreter's semantics, traps and gas by construction.

mod control;
mod divide;
mod float;
mod memory;
mod numeric;

use super::emit::{Cc, FuncCompiler};
use crate::ir::{Instr, Visit};
use crate::Error;
use divide::Divide;
use float::{FBin, FCmp, FConv};
use memory::Width;
use numeric::{Alu, Convert, Shift};

type R = Result<(), Error>;

#[allow(unused_variables)]
impl Visit for FuncCompiler<'_> {
    type Out = R;

    fn ext(&mut self, i: Instr) -> R {
        Ok(())
    }
    fn charge(&mut self, i: Instr) -> R {
        self.charge_run(i)
    }
    fn unreachable(&mut self, i: Instr) -> R {
        self.unreachable()
    }
    fn copy(&mut self, i: Instr) -> R {
        self.copy(i.a, i.b)
    }
    fn copy_span(&mut self, i: Instr) -> R {
        self.copy_span(i)
    }
    fn const32(&mut self, i: Instr) -> R {
        self.const32(i)
    }
    fn const64(&mut self, i: Instr) -> R {
        self.const64(i)
    }
    fn br(&mut self, i: Instr) -> R {
        self.br(i)
    }
    fn br_if_nez(&mut self, i: Instr) -> R {
        self.branch_nonzero(Cc::Ne, i)
    }
    fn br_if_eqz(&mut self, i: Instr) -> R {
        self.branch_nonzero(Cc::E, i)
    }
    fn br_table(&mut self, i: Instr) -> R {
        self.br_table(i)
    }
    fn return0(&mut self, i: Instr) -> R {
        self.ret(0, i)
    }
    fn return1(&mut self, i: Instr) -> R {
        self.ret(1, i)
    }
    fn return_n(&mut self, i: Instr) -> R {
        self.ret(i.b, i)
    }
    fn call(&mut self, i: Instr) -> R {
        self.call(i)
    }
    fn call_indirect(&mut self, i: Instr) -> R {
        self.call_indirect(i)
    }
    fn select_eqz(&mut self, i: Instr) -> R {
        self.select(i)
    }
    fn global_get(&mut self, i: Instr) -> R {
        self.global_get(i)
    }
    fn global_set(&mut self, i: Instr) -> R {
        self.global_set(i)
    }
    fn ref_func(&mut self, i: Instr) -> R {
        self.step()
    }
    fn stop(&mut self, i: Instr) -> R {
        self.unreachable_op("Stop")
    }
    fn i32_load(&mut self, i: Instr) -> R {
        self.load(Width::L32, false, i)
    }
    fn i64_load(&mut self, i: Instr) -> R {
        self.load(Width::L64, true, i)
    }
    fn i32_load8_s(&mut self, i: Instr) -> R {
        self.load(Width::S8, false, i)
    }
    fn i32_load8_u(&mut self, i: Instr) -> R {
        self.load(Width::U8, false, i)
    }
    fn i32_load16_s(&mut self, i: Instr) -> R {
        self.load(Width::S16, false, i)
    }
    fn i32_load16_u(&mut self, i: Instr) -> R {
        self.load(Width::U16, false, i)
    }
    fn i64_load8_s(&mut self, i: Instr) -> R {
        self.load(Width::S8, true, i)
    }
    fn i64_load8_u(&mut self, i: Instr) -> R {
        self.load(Width::U8, true, i)
    }
    fn i64_load16_s(&mut self, i: Instr) -> R {
        self.load(Width::S16, true, i)
    }
    fn i64_load16_u(&mut self, i: Instr) -> R {
        self.load(Width::U16, true, i)
    }
    fn i64_load32_s(&mut self, i: Instr) -> R {
        self.load(Width::S32, true, i)
    }
    fn i64_load32_u(&mut self, i: Instr) -> R {
        self.load(Width::L32, true, i)
    }
    fn i32_store(&mut self, i: Instr) -> R {
        self.store(Width::W32, i)
    }
    fn i64_store(&mut self, i: Instr) -> R {
        self.store(Width::W64, i)
    }
    fn i32_store8(&mut self, i: Instr) -> R {
        self.store(Width::W8, i)
    }
    fn i32_store16(&mut self, i: Instr) -> R {
        self.store(Width::W16, i)
    }
    fn i64_store8(&mut self, i: Instr) -> R {
        self.store(Width::W8, i)
    }
    fn i64_store16(&mut self, i: Instr) -> R {
        self.store(Width::W16, i)
    }
    fn i64_store32(&mut self, i: Instr) -> R {
        self.store(Width::W32, i)
    }
    fn memory_size(&mut self, i: Instr) -> R {
        self.step()
    }
    fn memory_grow(&mut self, i: Instr) -> R {
        self.step()
    }
    fn memory_fill(&mut self, i: Instr) -> R {
        self.step()
    }
    fn memory_copy(&mut self, i: Instr) -> R {
        self.step()
    }
    fn memory_init(&mut self, i: Instr) -> R {
        self.step()
    }
    fn data_drop(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_get(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_set(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_size(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_grow(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_fill(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_copy(&mut self, i: Instr) -> R {
        self.step()
    }
    fn table_init(&mut self, i: Instr) -> R {
        self.step()
    }
    fn elem_drop(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_eqz(&mut self, i: Instr) -> R {
        self.eqz(false, i)
    }
    fn i32_clz(&mut self, i: Instr) -> R {
        self.count_zeros(true, false, i)
    }
    fn i32_ctz(&mut self, i: Instr) -> R {
        self.count_zeros(false, false, i)
    }
    fn i32_popcnt(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_extend8_s(&mut self, i: Instr) -> R {
        self.convert(Convert::S8To32, i)
    }
    fn i32_extend16_s(&mut self, i: Instr) -> R {
        self.convert(Convert::S16To32, i)
    }
    fn i64_eqz(&mut self, i: Instr) -> R {
        self.eqz(true, i)
    }
    fn i64_clz(&mut self, i: Instr) -> R {
        self.count_zeros(true, true, i)
    }
    fn i64_ctz(&mut self, i: Instr) -> R {
        self.count_zeros(false, true, i)
    }
    fn i64_popcnt(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_extend8_s(&mut self, i: Instr) -> R {
        self.convert(Convert::S8To64, i)
    }
    fn i64_extend16_s(&mut self, i: Instr) -> R {
        self.convert(Convert::S16To64, i)
    }
    fn i64_extend32_s(&mut self, i: Instr) -> R {
        self.convert(Convert::ExtendS32, i)
    }
    fn f32_abs(&mut self, i: Instr) -> R {
        self.fsign(false, false, i)
    }
    fn f32_neg(&mut self, i: Instr) -> R {
        self.fsign(true, false, i)
    }
    fn f32_ceil(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_floor(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_trunc(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_nearest(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_sqrt(&mut self, i: Instr) -> R {
        self.fsqrt(false, i)
    }
    fn f64_abs(&mut self, i: Instr) -> R {
        self.fsign(false, true, i)
    }
    fn f64_neg(&mut self, i: Instr) -> R {
        self.fsign(true, true, i)
    }
    fn f64_ceil(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_floor(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_trunc(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_nearest(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_sqrt(&mut self, i: Instr) -> R {
        self.fsqrt(true, i)
    }
    fn i32_wrap_i64(&mut self, i: Instr) -> R {
        self.convert(Convert::Wrap, i)
    }
    fn i64_extend_i32_s(&mut self, i: Instr) -> R {
        self.convert(Convert::ExtendS32, i)
    }
    fn i64_extend_i32_u(&mut self, i: Instr) -> R {
        self.convert(Convert::Wrap, i)
    }
    fn i32_trunc_f32_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_f32_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_f64_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_f64_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_f32_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_f32_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_f64_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_f64_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_sat_f32_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_sat_f32_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_sat_f64_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i32_trunc_sat_f64_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_sat_f32_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_sat_f32_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_sat_f64_s(&mut self, i: Instr) -> R {
        self.step()
    }
    fn i64_trunc_sat_f64_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_convert_i32_s(&mut self, i: Instr) -> R {
        self.fconv(FConv::F32FromI32S, i)
    }
    fn f32_convert_i32_u(&mut self, i: Instr) -> R {
        self.fconv(FConv::F32FromI32U, i)
    }
    fn f32_convert_i64_s(&mut self, i: Instr) -> R {
        self.fconv(FConv::F32FromI64S, i)
    }
    fn f32_convert_i64_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_demote_f64(&mut self, i: Instr) -> R {
        self.fconv(FConv::Demote, i)
    }
    fn f64_convert_i32_s(&mut self, i: Instr) -> R {
        self.fconv(FConv::F64FromI32S, i)
    }
    fn f64_convert_i32_u(&mut self, i: Instr) -> R {
        self.fconv(FConv::F64FromI32U, i)
    }
    fn f64_convert_i64_s(&mut self, i: Instr) -> R {
        self.fconv(FConv::F64FromI64S, i)
    }
    fn f64_convert_i64_u(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_promote_f32(&mut self, i: Instr) -> R {
        self.fconv(FConv::Promote, i)
    }
    fn i32_add(&mut self, i: Instr) -> R {
        self.alu(Alu::Add, false, i)
    }
    fn i32_sub(&mut self, i: Instr) -> R {
        self.alu(Alu::Sub, false, i)
    }
    fn i32_mul(&mut self, i: Instr) -> R {
        self.alu(Alu::Mul, false, i)
    }
    fn i32_div_s(&mut self, i: Instr) -> R {
        self.divide(Divide::DivS, false, i)
    }
    fn i32_div_u(&mut self, i: Instr) -> R {
        self.divide(Divide::DivU, false, i)
    }
    fn i32_rem_s(&mut self, i: Instr) -> R {
        self.divide(Divide::RemS, false, i)
    }
    fn i32_rem_u(&mut self, i: Instr) -> R {
        self.divide(Divide::RemU, false, i)
    }
    fn i32_and(&mut self, i: Instr) -> R {
        self.alu(Alu::And, false, i)
    }
    fn i32_or(&mut self, i: Instr) -> R {
        self.alu(Alu::Or, false, i)
    }
    fn i32_xor(&mut self, i: Instr) -> R {
        self.alu(Alu::Xor, false, i)
    }
    fn i32_shl(&mut self, i: Instr) -> R {
        self.shift(Shift::Shl, false, i)
    }
    fn i32_shr_s(&mut self, i: Instr) -> R {
        self.shift(Shift::ShrS, false, i)
    }
    fn i32_shr_u(&mut self, i: Instr) -> R {
        self.shift(Shift::ShrU, false, i)
    }
    fn i32_rotl(&mut self, i: Instr) -> R {
        self.shift(Shift::Rotl, false, i)
    }
    fn i32_rotr(&mut self, i: Instr) -> R {
        self.shift(Shift::Rotr, false, i)
    }
    fn i32_eq(&mut self, i: Instr) -> R {
        self.compare(Cc::E, false, i)
    }
    fn i32_ne(&mut self, i: Instr) -> R {
        self.compare(Cc::Ne, false, i)
    }
    fn i32_lt_s(&mut self, i: Instr) -> R {
        self.compare(Cc::L, false, i)
    }
    fn i32_lt_u(&mut self, i: Instr) -> R {
        self.compare(Cc::B, false, i)
    }
    fn i32_gt_s(&mut self, i: Instr) -> R {
        self.compare(Cc::G, false, i)
    }
    fn i32_gt_u(&mut self, i: Instr) -> R {
        self.compare(Cc::A, false, i)
    }
    fn i32_le_s(&mut self, i: Instr) -> R {
        self.compare(Cc::Le, false, i)
    }
    fn i32_le_u(&mut self, i: Instr) -> R {
        self.compare(Cc::Be, false, i)
    }
    fn i32_ge_s(&mut self, i: Instr) -> R {
        self.compare(Cc::Ge, false, i)
    }
    fn i32_ge_u(&mut self, i: Instr) -> R {
        self.compare(Cc::Ae, false, i)
    }
    fn i64_add(&mut self, i: Instr) -> R {
        self.alu(Alu::Add, true, i)
    }
    fn i64_sub(&mut self, i: Instr) -> R {
        self.alu(Alu::Sub, true, i)
    }
    fn i64_mul(&mut self, i: Instr) -> R {
        self.alu(Alu::Mul, true, i)
    }
    fn i64_div_s(&mut self, i: Instr) -> R {
        self.divide(Divide::DivS, true, i)
    }
    fn i64_div_u(&mut self, i: Instr) -> R {
        self.divide(Divide::DivU, true, i)
    }
    fn i64_rem_s(&mut self, i: Instr) -> R {
        self.divide(Divide::RemS, true, i)
    }
    fn i64_rem_u(&mut self, i: Instr) -> R {
        self.divide(Divide::RemU, true, i)
    }
    fn i64_and(&mut self, i: Instr) -> R {
        self.alu(Alu::And, true, i)
    }
    fn i64_or(&mut self, i: Instr) -> R {
        self.alu(Alu::Or, true, i)
    }
    fn i64_xor(&mut self, i: Instr) -> R {
        self.alu(Alu::Xor, true, i)
    }
    fn i64_shl(&mut self, i: Instr) -> R {
        self.shift(Shift::Shl, true, i)
    }
    fn i64_shr_s(&mut self, i: Instr) -> R {
        self.shift(Shift::ShrS, true, i)
    }
    fn i64_shr_u(&mut self, i: Instr) -> R {
        self.shift(Shift::ShrU, true, i)
    }
    fn i64_rotl(&mut self, i: Instr) -> R {
        self.shift(Shift::Rotl, true, i)
    }
    fn i64_rotr(&mut self, i: Instr) -> R {
        self.shift(Shift::Rotr, true, i)
    }
    fn i64_eq(&mut self, i: Instr) -> R {
        self.compare(Cc::E, true, i)
    }
    fn i64_ne(&mut self, i: Instr) -> R {
        self.compare(Cc::Ne, true, i)
    }
    fn i64_lt_s(&mut self, i: Instr) -> R {
        self.compare(Cc::L, true, i)
    }
    fn i64_lt_u(&mut self, i: Instr) -> R {
        self.compare(Cc::B, true, i)
    }
    fn i64_gt_s(&mut self, i: Instr) -> R {
        self.compare(Cc::G, true, i)
    }
    fn i64_gt_u(&mut self, i: Instr) -> R {
        self.compare(Cc::A, true, i)
    }
    fn i64_le_s(&mut self, i: Instr) -> R {
        self.compare(Cc::Le, true, i)
    }
    fn i64_le_u(&mut self, i: Instr) -> R {
        self.compare(Cc::Be, true, i)
    }
    fn i64_ge_s(&mut self, i: Instr) -> R {
        self.compare(Cc::Ge, true, i)
    }
    fn i64_ge_u(&mut self, i: Instr) -> R {
        self.compare(Cc::Ae, true, i)
    }
    fn f32_add(&mut self, i: Instr) -> R {
        self.fbin(FBin::Add, false, i)
    }
    fn f32_sub(&mut self, i: Instr) -> R {
        self.fbin(FBin::Sub, false, i)
    }
    fn f32_mul(&mut self, i: Instr) -> R {
        self.fbin(FBin::Mul, false, i)
    }
    fn f32_div(&mut self, i: Instr) -> R {
        self.fbin(FBin::Div, false, i)
    }
    fn f32_min(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_max(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_copysign(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f32_eq(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Eq, false, i)
    }
    fn f32_ne(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Ne, false, i)
    }
    fn f32_lt(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Lt, false, i)
    }
    fn f32_gt(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Gt, false, i)
    }
    fn f32_le(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Le, false, i)
    }
    fn f32_ge(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Ge, false, i)
    }
    fn f64_add(&mut self, i: Instr) -> R {
        self.fbin(FBin::Add, true, i)
    }
    fn f64_sub(&mut self, i: Instr) -> R {
        self.fbin(FBin::Sub, true, i)
    }
    fn f64_mul(&mut self, i: Instr) -> R {
        self.fbin(FBin::Mul, true, i)
    }
    fn f64_div(&mut self, i: Instr) -> R {
        self.fbin(FBin::Div, true, i)
    }
    fn f64_min(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_max(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_copysign(&mut self, i: Instr) -> R {
        self.step()
    }
    fn f64_eq(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Eq, true, i)
    }
    fn f64_ne(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Ne, true, i)
    }
    fn f64_lt(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Lt, true, i)
    }
    fn f64_gt(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Gt, true, i)
    }
    fn f64_le(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Le, true, i)
    }
    fn f64_ge(&mut self, i: Instr) -> R {
        self.fcmp(FCmp::Ge, true, i)
    }
    fn i32_add_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Add, false, i)
    }
    fn i32_mul_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Mul, false, i)
    }
    fn i32_and_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::And, false, i)
    }
    fn i32_or_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Or, false, i)
    }
    fn i32_xor_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Xor, false, i)
    }
    fn i32_shl_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::Shl, false, i)
    }
    fn i32_shr_s_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::ShrS, false, i)
    }
    fn i32_shr_u_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::ShrU, false, i)
    }
    fn i32_eq_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::E, false, i)
    }
    fn i32_ne_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Ne, false, i)
    }
    fn i32_lt_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::L, false, i)
    }
    fn i32_lt_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::B, false, i)
    }
    fn i32_gt_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::G, false, i)
    }
    fn i32_gt_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::A, false, i)
    }
    fn i32_le_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Le, false, i)
    }
    fn i32_le_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Be, false, i)
    }
    fn i32_ge_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Ge, false, i)
    }
    fn i32_ge_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Ae, false, i)
    }
    fn i64_add_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Add, true, i)
    }
    fn i64_mul_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Mul, true, i)
    }
    fn i64_and_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::And, true, i)
    }
    fn i64_or_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Or, true, i)
    }
    fn i64_xor_imm(&mut self, i: Instr) -> R {
        self.alu_imm(Alu::Xor, true, i)
    }
    fn i64_shl_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::Shl, true, i)
    }
    fn i64_shr_s_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::ShrS, true, i)
    }
    fn i64_shr_u_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::ShrU, true, i)
    }
    fn i64_eq_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::E, true, i)
    }
    fn i64_ne_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Ne, true, i)
    }
    fn i64_lt_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::L, true, i)
    }
    fn i64_lt_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::B, true, i)
    }
    fn i64_gt_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::G, true, i)
    }
    fn i64_gt_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::A, true, i)
    }
    fn i64_le_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Le, true, i)
    }
    fn i64_le_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Be, true, i)
    }
    fn i64_ge_s_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Ge, true, i)
    }
    fn i64_ge_u_imm(&mut self, i: Instr) -> R {
        self.compare_imm(Cc::Ae, true, i)
    }
    fn br_if_i32_eq(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::E, false, i)
    }
    fn br_if_i32_ne(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Ne, false, i)
    }
    fn br_if_i32_lt_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::L, false, i)
    }
    fn br_if_i32_lt_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::B, false, i)
    }
    fn br_if_i32_gt_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::G, false, i)
    }
    fn br_if_i32_gt_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::A, false, i)
    }
    fn br_if_i32_le_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Le, false, i)
    }
    fn br_if_i32_le_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Be, false, i)
    }
    fn br_if_i32_ge_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Ge, false, i)
    }
    fn br_if_i32_ge_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Ae, false, i)
    }
    fn br_if_i32_eq_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::E, false, i)
    }
    fn br_if_i32_ne_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Ne, false, i)
    }
    fn br_if_i32_lt_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::L, false, i)
    }
    fn br_if_i32_lt_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::B, false, i)
    }
    fn br_if_i32_gt_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::G, false, i)
    }
    fn br_if_i32_gt_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::A, false, i)
    }
    fn br_if_i32_le_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Le, false, i)
    }
    fn br_if_i32_le_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Be, false, i)
    }
    fn br_if_i32_ge_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Ge, false, i)
    }
    fn br_if_i32_ge_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Ae, false, i)
    }
    fn br_if_i64_eq(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::E, true, i)
    }
    fn br_if_i64_ne(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Ne, true, i)
    }
    fn br_if_i64_lt_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::L, true, i)
    }
    fn br_if_i64_lt_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::B, true, i)
    }
    fn br_if_i64_gt_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::G, true, i)
    }
    fn br_if_i64_gt_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::A, true, i)
    }
    fn br_if_i64_le_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Le, true, i)
    }
    fn br_if_i64_le_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Be, true, i)
    }
    fn br_if_i64_ge_s(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Ge, true, i)
    }
    fn br_if_i64_ge_u(&mut self, i: Instr) -> R {
        self.branch_compare(Cc::Ae, true, i)
    }
    fn br_if_i64_eq_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::E, true, i)
    }
    fn br_if_i64_ne_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Ne, true, i)
    }
    fn br_if_i64_lt_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::L, true, i)
    }
    fn br_if_i64_lt_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::B, true, i)
    }
    fn br_if_i64_gt_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::G, true, i)
    }
    fn br_if_i64_gt_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::A, true, i)
    }
    fn br_if_i64_le_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Le, true, i)
    }
    fn br_if_i64_le_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Be, true, i)
    }
    fn br_if_i64_ge_s_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Ge, true, i)
    }
    fn br_if_i64_ge_u_imm(&mut self, i: Instr) -> R {
        self.branch_compare_imm(Cc::Ae, true, i)
    }
    fn i32_rotl_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::Rotl, false, i)
    }
    fn i32_rotr_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::Rotr, false, i)
    }
    fn i64_rotl_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::Rotl, true, i)
    }
    fn i64_rotr_imm(&mut self, i: Instr) -> R {
        self.shift_imm(Shift::Rotr, true, i)
    }
    fn i64_add_imm64(&mut self, i: Instr) -> R {
        self.alu_imm64(Alu::Add, i)
    }
    fn i64_mul_imm64(&mut self, i: Instr) -> R {
        self.alu_imm64(Alu::Mul, i)
    }
    fn i64_and_imm64(&mut self, i: Instr) -> R {
        self.alu_imm64(Alu::And, i)
    }
    fn i64_or_imm64(&mut self, i: Instr) -> R {
        self.alu_imm64(Alu::Or, i)
    }
    fn i64_xor_imm64(&mut self, i: Instr) -> R {
        self.alu_imm64(Alu::Xor, i)
    }
    fn copy2(&mut self, i: Instr) -> R {
        self.copy2(i)
    }
    fn i32_load_add_imm(&mut self, i: Instr) -> R {
        self.load_add(Width::L32, false, true, i)
    }
    fn i64_load_add_imm(&mut self, i: Instr) -> R {
        self.load_add(Width::L64, true, true, i)
    }
    fn i32_load_add(&mut self, i: Instr) -> R {
        self.load_add(Width::L32, false, false, i)
    }
    fn i64_load_add(&mut self, i: Instr) -> R {
        self.load_add(Width::L64, true, false, i)
    }
    fn i32_store_imm(&mut self, i: Instr) -> R {
        self.store_imm(Width::W32, i)
    }
    fn i64_store_imm(&mut self, i: Instr) -> R {
        self.store_imm(Width::W64, i)
    }
    fn i32_store8_imm(&mut self, i: Instr) -> R {
        self.store_imm(Width::W8, i)
    }
    fn i32_store16_imm(&mut self, i: Instr) -> R {
        self.store_imm(Width::W16, i)
    }
    fn br_if_i32_and_nez(&mut self, i: Instr) -> R {
        self.branch_test(Cc::Ne, false, i)
    }
    fn br_if_i32_and_eqz(&mut self, i: Instr) -> R {
        self.branch_test(Cc::E, false, i)
    }
    fn br_if_i64_and_nez(&mut self, i: Instr) -> R {
        self.branch_test(Cc::Ne, true, i)
    }
    fn br_if_i64_and_eqz(&mut self, i: Instr) -> R {
        self.branch_test(Cc::E, true, i)
    }
    fn br_if_i32_and_imm_nez(&mut self, i: Instr) -> R {
        self.branch_test_imm(Cc::Ne, false, i)
    }
    fn br_if_i32_and_imm_eqz(&mut self, i: Instr) -> R {
        self.branch_test_imm(Cc::E, false, i)
    }
    fn br_if_i64_and_imm_nez(&mut self, i: Instr) -> R {
        self.branch_test_imm(Cc::Ne, true, i)
    }
    fn br_if_i64_and_imm_eqz(&mut self, i: Instr) -> R {
        self.branch_test_imm(Cc::E, true, i)
    }
}
