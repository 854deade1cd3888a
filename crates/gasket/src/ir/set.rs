//! The instruction set, defined once: every opcode of the register IR is one row of the table
//! below, and everything else about opcodes is derived from it (the [`Op`] enum, [`OPS`],
//! each opcode's [`Info`]: name, operand kinds, flags, accumulator forms and the opcodes the
//! translator turns it into, and each opcode's interpreter handler).
//!
//! A row reads
//! `Name handler group (a, b, c; ext_a, ext_b) [FLAGS] acc(Operand: Form, ...) { relation: Op, ... };`
//! - `handler` is the interpreter's handler, `exec::<group>::<handler>`; accumulator forms run
//!   the same handler instantiated with the operand they read from the accumulator;
//! - the operand kinds ([`Kind`]) say what `a`, `b`, `c` and the following `Ext` word (after
//!   `;`, if the instruction has one) refer to: the verifier checks each against its range and
//!   the IR printer names them;
//! - the flags are [`flag`]s;
//! - `acc(...)` declares the accumulator forms (`ir/acc.rs`): one opcode per operand read
//!   from the accumulator, named `<Name>Acc<Operand>`;
//! - the relations ([`Rel`]) name the opcodes the translator fuses this one into.
//!
//! Adding an opcode is one row here and its handler in `exec/`: a missing handler, operand
//! kind or relation target does not compile. The order of the rows is the opcode numbering,
//! which artifacts record (`artifact.rs`: changing it bumps the artifact format).

use super::{flag, AccOperand, Info, Instr, Kind, Rel};

/// Generates the instruction set from its rows (see the module docs); invoked once, below.
macro_rules! instruction_set {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $handler:ident $group:ident
        ($a:ident, $b:ident, $c:ident $(; $ea:ident, $eb:ident)?)
        [$($flag:ident)*]
        $(acc($($operand:ident: $form:ident),+))?
        $({ $($rel:ident: $target:ident),+ })?;
    )*) => {
        /// An opcode of the register IR (the table in `ir/set.rs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub(crate) enum Op {
            $(
                $(#[doc = $doc])*
                $name,
                $($(
                    #[doc = concat!("[`Op::", stringify!($name), "`] reading operand `",
                        stringify!($operand), "` from the accumulator.")]
                    $form,
                )+)?
            )*
        }

        /// Every opcode, in numbering order: `OPS[op as usize] == op` (pinned by a test).
        pub(crate) const OPS: &[Op] = &[$(Op::$name, $($(Op::$form,)+)?)*];

        /// What every opcode is, indexed by opcode (built from [`ROWS`] and [`FORMS`]).
        pub(crate) static INFO: [Info; OPS.len()] = super::info_table(ROWS, FORMS);

        /// The rows: the base opcodes, with their accumulator forms in `forms`.
        const ROWS: &[Info] = &[$(
            Info {
                name: stringify!($name),
                operands: [Kind::$a, Kind::$b, Kind::$c],
                ext: {
                    #[allow(unused_variables)]
                    let ext: Option<[Kind; 2]> = None;
                    $(let ext = Some([Kind::$ea, Kind::$eb]);)?
                    ext
                },
                flags: 0 $(| flag::$flag)*,
                base: Op::$name,
                acc: None,
                forms: {
                    #[allow(unused_mut)]
                    let mut forms: [Option<Op>; 3] = [None; 3];
                    $($(forms[AccOperand::$operand as usize - 1] = Some(Op::$form);)+)?
                    forms
                },
                rel: Rel { $($($rel: Some(Op::$target),)+)? ..Rel::NONE },
            },
        )*];

        /// The accumulator forms, in numbering order: (form, its name, the operand it reads).
        const FORMS: &[(Op, &str, AccOperand)] = &[$($($(
            (Op::$form, stringify!($form), AccOperand::$operand),
        )+)?)*];

        /// A visitor over the instruction set: one method per row of the table, named as the
        /// row's handler, called for the row's opcode and for its accumulator forms (which
        /// compute the same: the accumulator is only a copy of a slot). The compiler tier
        /// implements it, so that a row without a lowering does not compile.
        pub(crate) trait Visit {
            type Out;
            $(fn $handler(&mut self, i: Instr) -> Self::Out;)*
        }

        impl Op {
            /// Calls the method of `v` for this opcode's row.
            #[inline]
            pub(crate) fn visit<V: Visit>(self, v: &mut V, i: Instr) -> V::Out {
                match self {
                    $(Op::$name $($(| Op::$form)+)? => v.$handler(i),)*
                }
            }

            /// The interpreter's handler of this opcode, metered (`M`) or not.
            pub(crate) const fn handler<const M: bool>(self) -> crate::exec::Handler {
                use crate::exec::{control, memory, numeric};
                match self {
                    $(
                        Op::$name => $group::$handler::<M, 0>,
                        $($(Op::$form => $group::$handler::<M, { AccOperand::$operand as u8 }>,)+)?
                    )*
                }
            }
        }
    };
}

instruction_set! {
    // ---- data movement and control ----
    /// Extra operands of the instruction before it (never executed: a branch never lands on one).
    Ext              ext                   control (No, No, No) [];
    /// Charge the static cost `a | b << 32` of the run that starts here (docs/gas.md §3).
    Charge           charge                control (Imm, ImmHi, No) [];
    /// Trap `unreachable`.
    Unreachable      unreachable           control (No, No, No) [ENDS];
    /// `a = b` (slot copy).
    Copy             copy                  control (Dst, Src, No) [SETS_ACC] acc(B: CopyAccB);
    /// Copies `c` slots from `b..b+c` to `a..a+c`, as `memmove` (multi-value branches).
    CopySpan         copy_span             control (Span, Span, Count) [];
    /// `a = b`, a 32-bit immediate, zero-extended.
    Const32          const32               control (Dst, Imm, No) [SETS_ACC];
    /// `a = b | c << 32`.
    Const64          const64               control (Dst, Imm, ImmHi) [SETS_ACC];
    /// Jump to `a`.
    Br               br                    control (Target, No, No) [BRANCH ENDS];
    /// Jump to `a` if slot `b` (i32) is not zero.
    BrIfNez          br_if_nez             control (Target, Src, No) [COND_BRANCH] acc(B: BrIfNezAccB);
    /// Jump to `a` if slot `b` (i32) is zero.
    BrIfEqz          br_if_eqz             control (Target, Src, No) [COND_BRANCH] acc(B: BrIfEqzAccB);
    /// Jump by index slot `a` to one of the `b` targets at `br_targets[c..]`; the last is the default.
    BrTable          br_table              control (Src, Count, Targets) [BR_TABLE ENDS];
    /// Return with no results.
    Return0          return0               control (No, No, No) [ENDS];
    /// Return one result from slot `a` (written to slot 0).
    Return1          return1               control (Src, No, No) [ENDS];
    /// Return `b` results from slots `a..a+b` (written to slots `0..b`).
    ReturnN          return_n              control (Span, Count, No) [ENDS];
    /// Call function `a` (module index); the callee frame starts at slot `b`.
    Call             call                  control (Func, Base, No) [CALL];
    /// Call through table `Ext.a`: type index `a`, element index slot `b`, callee frame at slot `c`.
    CallIndirect     call_indirect         control (Type, Src, Base; Table, No) [CALL];
    /// `a = c` if slot `b` is zero (`select`, with `a` already holding the first value).
    SelectEqz        select_eqz            control (Dst, Src, Src) [];
    /// `a = global[b]`.
    GlobalGet        global_get            control (Dst, Global, No) [];
    /// `global[a] = b`.
    GlobalSet        global_set            control (Global, Src, No) [];
    /// `a = ref.func b` (module function index).
    RefFunc          ref_func              control (Dst, Func, No) [];
    /// Ends a run of the interpreter over one instruction (the compiler tier's `step`); never
    /// in module code: the translator does not emit it and the verifier refuses it.
    Stop             stop                  control (No, No, No) [ENDS];

    // ---- memory: loads `a = load(b + offset c)`, stores `store(a + offset c, b)` ----
    I32Load          i32_load              memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I32LoadAccB)
                     { add_imm: I32LoadAddImm, add: I32LoadAdd };
    I64Load          i64_load              memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64LoadAccB)
                     { add_imm: I64LoadAddImm, add: I64LoadAdd };
    I32Load8S        i32_load8_s           memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I32Load8SAccB);
    I32Load8U        i32_load8_u           memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I32Load8UAccB);
    I32Load16S       i32_load16_s          memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I32Load16SAccB);
    I32Load16U       i32_load16_u          memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I32Load16UAccB);
    I64Load8S        i64_load8_s           memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64Load8SAccB);
    I64Load8U        i64_load8_u           memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64Load8UAccB);
    I64Load16S       i64_load16_s          memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64Load16SAccB);
    I64Load16U       i64_load16_u          memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64Load16UAccB);
    I64Load32S       i64_load32_s          memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64Load32SAccB);
    I64Load32U       i64_load32_u          memory  (Dst, Src, Offset) [SETS_ACC MEMORY] acc(B: I64Load32UAccB);
    I32Store         i32_store             memory  (Src, Src, Offset) [MEMORY] acc(A: I32StoreAccA, B: I32StoreAccB)
                     { imm: I32StoreImm };
    I64Store         i64_store             memory  (Src, Src, Offset) [MEMORY] acc(A: I64StoreAccA, B: I64StoreAccB)
                     { imm: I64StoreImm };
    I32Store8        i32_store8            memory  (Src, Src, Offset) [MEMORY] acc(A: I32Store8AccA, B: I32Store8AccB)
                     { imm: I32Store8Imm };
    I32Store16       i32_store16           memory  (Src, Src, Offset) [MEMORY] acc(A: I32Store16AccA, B: I32Store16AccB)
                     { imm: I32Store16Imm };
    I64Store8        i64_store8            memory  (Src, Src, Offset) [MEMORY] acc(A: I64Store8AccA, B: I64Store8AccB)
                     { imm: I32Store8Imm };
    I64Store16       i64_store16           memory  (Src, Src, Offset) [MEMORY] acc(A: I64Store16AccA, B: I64Store16AccB)
                     { imm: I32Store16Imm };
    I64Store32       i64_store32           memory  (Src, Src, Offset) [MEMORY] acc(A: I64Store32AccA, B: I64Store32AccB)
                     { imm: I32StoreImm };

    // ---- memory instructions ----
    /// `a = memory.size`.
    MemorySize       memory_size           memory  (Dst, No, No) [MEMORY];
    /// `a = memory.grow(b)`.
    MemoryGrow       memory_grow           memory  (Dst, Src, No) [MEMORY DYN_GAS];
    /// `memory.fill(dst a, value b, len c)`.
    MemoryFill       memory_fill           memory  (Src, Src, Src) [MEMORY DYN_GAS];
    /// `memory.copy(dst a, src b, len c)`.
    MemoryCopy       memory_copy           memory  (Src, Src, Src) [MEMORY DYN_GAS];
    /// `memory.init(dst a, src b, len c)` from data segment `Ext.a`.
    MemoryInit       memory_init           memory  (Src, Src, Src; Data, No) [MEMORY DYN_GAS];
    /// `data.drop a`.
    DataDrop         data_drop             memory  (Data, No, No) [];

    // ---- tables ----
    /// `a = table[c][b]`.
    TableGet         table_get             control (Dst, Src, Table) [];
    /// `table[c][a] = b`.
    TableSet         table_set             control (Src, Src, Table) [];
    /// `a = table.size b`.
    TableSize        table_size            control (Dst, Table, No) [];
    /// `a = table.grow(init b, delta c)` of table `Ext.a`.
    TableGrow        table_grow            control (Dst, Src, Src; Table, No) [DYN_GAS];
    /// `table.fill(dst a, value b, len c)` of table `Ext.a`.
    TableFill        table_fill            control (Src, Src, Src; Table, No) [DYN_GAS];
    /// `table.copy(dst a, src b, len c)` from table `Ext.b` to table `Ext.a`.
    TableCopy        table_copy            control (Src, Src, Src; Table, Table) [DYN_GAS];
    /// `table.init(dst a, src b, len c)` of table `Ext.a` from element segment `Ext.b`.
    TableInit        table_init            control (Src, Src, Src; Table, Elem) [DYN_GAS];
    /// `elem.drop a`.
    ElemDrop         elem_drop             control (Elem, No, No) [];

    // ---- unary: `a = op(b)` ----
    I32Eqz           i32_eqz               numeric (Dst, Src, No) [SETS_ACC LOW32] acc(B: I32EqzAccB);
    I32Clz           i32_clz               numeric (Dst, Src, No) [SETS_ACC LOW32];
    I32Ctz           i32_ctz               numeric (Dst, Src, No) [SETS_ACC LOW32];
    I32Popcnt        i32_popcnt            numeric (Dst, Src, No) [SETS_ACC LOW32];
    I32Extend8S      i32_extend8_s         numeric (Dst, Src, No) [SETS_ACC LOW32];
    I32Extend16S     i32_extend16_s        numeric (Dst, Src, No) [SETS_ACC LOW32];
    I64Eqz           i64_eqz               numeric (Dst, Src, No) [SETS_ACC] acc(B: I64EqzAccB);
    I64Clz           i64_clz               numeric (Dst, Src, No) [SETS_ACC];
    I64Ctz           i64_ctz               numeric (Dst, Src, No) [SETS_ACC];
    I64Popcnt        i64_popcnt            numeric (Dst, Src, No) [SETS_ACC];
    I64Extend8S      i64_extend8_s         numeric (Dst, Src, No) [SETS_ACC];
    I64Extend16S     i64_extend16_s        numeric (Dst, Src, No) [SETS_ACC];
    I64Extend32S     i64_extend32_s        numeric (Dst, Src, No) [SETS_ACC];
    F32Abs           f32_abs               numeric (Dst, Src, No) [SETS_ACC];
    F32Neg           f32_neg               numeric (Dst, Src, No) [SETS_ACC];
    F32Ceil          f32_ceil              numeric (Dst, Src, No) [SETS_ACC];
    F32Floor         f32_floor             numeric (Dst, Src, No) [SETS_ACC];
    F32Trunc         f32_trunc             numeric (Dst, Src, No) [SETS_ACC];
    F32Nearest       f32_nearest           numeric (Dst, Src, No) [SETS_ACC];
    F32Sqrt          f32_sqrt              numeric (Dst, Src, No) [SETS_ACC];
    F64Abs           f64_abs               numeric (Dst, Src, No) [SETS_ACC];
    F64Neg           f64_neg               numeric (Dst, Src, No) [SETS_ACC];
    F64Ceil          f64_ceil              numeric (Dst, Src, No) [SETS_ACC];
    F64Floor         f64_floor             numeric (Dst, Src, No) [SETS_ACC];
    F64Trunc         f64_trunc             numeric (Dst, Src, No) [SETS_ACC];
    F64Nearest       f64_nearest           numeric (Dst, Src, No) [SETS_ACC];
    F64Sqrt          f64_sqrt              numeric (Dst, Src, No) [SETS_ACC];
    I32WrapI64       i32_wrap_i64          numeric (Dst, Src, No) [SETS_ACC] acc(B: I32WrapI64AccB);
    I64ExtendI32S    i64_extend_i32_s      numeric (Dst, Src, No) [SETS_ACC LOW32] acc(B: I64ExtendI32SAccB);
    I64ExtendI32U    i64_extend_i32_u      numeric (Dst, Src, No) [SETS_ACC LOW32] acc(B: I64ExtendI32UAccB);
    I32TruncF32S     i32_trunc_f32_s       numeric (Dst, Src, No) [SETS_ACC];
    I32TruncF32U     i32_trunc_f32_u       numeric (Dst, Src, No) [SETS_ACC];
    I32TruncF64S     i32_trunc_f64_s       numeric (Dst, Src, No) [SETS_ACC];
    I32TruncF64U     i32_trunc_f64_u       numeric (Dst, Src, No) [SETS_ACC];
    I64TruncF32S     i64_trunc_f32_s       numeric (Dst, Src, No) [SETS_ACC];
    I64TruncF32U     i64_trunc_f32_u       numeric (Dst, Src, No) [SETS_ACC];
    I64TruncF64S     i64_trunc_f64_s       numeric (Dst, Src, No) [SETS_ACC];
    I64TruncF64U     i64_trunc_f64_u       numeric (Dst, Src, No) [SETS_ACC];
    I32TruncSatF32S  i32_trunc_sat_f32_s   numeric (Dst, Src, No) [SETS_ACC];
    I32TruncSatF32U  i32_trunc_sat_f32_u   numeric (Dst, Src, No) [SETS_ACC];
    I32TruncSatF64S  i32_trunc_sat_f64_s   numeric (Dst, Src, No) [SETS_ACC];
    I32TruncSatF64U  i32_trunc_sat_f64_u   numeric (Dst, Src, No) [SETS_ACC];
    I64TruncSatF32S  i64_trunc_sat_f32_s   numeric (Dst, Src, No) [SETS_ACC];
    I64TruncSatF32U  i64_trunc_sat_f32_u   numeric (Dst, Src, No) [SETS_ACC];
    I64TruncSatF64S  i64_trunc_sat_f64_s   numeric (Dst, Src, No) [SETS_ACC];
    I64TruncSatF64U  i64_trunc_sat_f64_u   numeric (Dst, Src, No) [SETS_ACC];
    F32ConvertI32S   f32_convert_i32_s     numeric (Dst, Src, No) [SETS_ACC LOW32];
    F32ConvertI32U   f32_convert_i32_u     numeric (Dst, Src, No) [SETS_ACC LOW32];
    F32ConvertI64S   f32_convert_i64_s     numeric (Dst, Src, No) [SETS_ACC];
    F32ConvertI64U   f32_convert_i64_u     numeric (Dst, Src, No) [SETS_ACC];
    F32DemoteF64     f32_demote_f64        numeric (Dst, Src, No) [SETS_ACC];
    F64ConvertI32S   f64_convert_i32_s     numeric (Dst, Src, No) [SETS_ACC LOW32];
    F64ConvertI32U   f64_convert_i32_u     numeric (Dst, Src, No) [SETS_ACC LOW32];
    F64ConvertI64S   f64_convert_i64_s     numeric (Dst, Src, No) [SETS_ACC];
    F64ConvertI64U   f64_convert_i64_u     numeric (Dst, Src, No) [SETS_ACC];
    F64PromoteF32    f64_promote_f32       numeric (Dst, Src, No) [SETS_ACC];

    // ---- binary: `a = op(b, c)` ----
    I32Add           i32_add               numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32AddAccB)
                     { imm: I32AddImm, swap: I32Add };
    I32Sub           i32_sub               numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32SubAccB, C: I32SubAccC);
    I32Mul           i32_mul               numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32MulAccB)
                     { imm: I32MulImm, swap: I32Mul };
    I32DivS          i32_div_s             numeric (Dst, Src, Src) [SETS_ACC LOW32];
    I32DivU          i32_div_u             numeric (Dst, Src, Src) [SETS_ACC LOW32];
    I32RemS          i32_rem_s             numeric (Dst, Src, Src) [SETS_ACC LOW32];
    I32RemU          i32_rem_u             numeric (Dst, Src, Src) [SETS_ACC LOW32];
    I32And           i32_and               numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32AndAccB)
                     { imm: I32AndImm, swap: I32And, nez: BrIfI32AndNez, eqz: BrIfI32AndEqz };
    I32Or            i32_or                numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32OrAccB)
                     { imm: I32OrImm, swap: I32Or };
    I32Xor           i32_xor               numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32XorAccB)
                     { imm: I32XorImm, swap: I32Xor };
    I32Shl           i32_shl               numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32ShlAccB, C: I32ShlAccC)
                     { imm: I32ShlImm };
    I32ShrS          i32_shr_s             numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32ShrSAccB, C: I32ShrSAccC)
                     { imm: I32ShrSImm };
    I32ShrU          i32_shr_u             numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32ShrUAccB, C: I32ShrUAccC)
                     { imm: I32ShrUImm };
    I32Rotl          i32_rotl              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32RotlAccB, C: I32RotlAccC)
                     { imm: I32RotlImm };
    I32Rotr          i32_rotr              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32RotrAccB, C: I32RotrAccC)
                     { imm: I32RotrImm };
    I32Eq            i32_eq                numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32EqAccB)
                     { imm: I32EqImm, br: BrIfI32Eq, not: I32Ne, swap: I32Eq };
    I32Ne            i32_ne                numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32NeAccB)
                     { imm: I32NeImm, br: BrIfI32Ne, not: I32Eq, swap: I32Ne };
    I32LtS           i32_lt_s              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32LtSAccB)
                     { imm: I32LtSImm, br: BrIfI32LtS, not: I32GeS, swap: I32GtS };
    I32LtU           i32_lt_u              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32LtUAccB)
                     { imm: I32LtUImm, br: BrIfI32LtU, not: I32GeU, swap: I32GtU };
    I32GtS           i32_gt_s              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32GtSAccB)
                     { imm: I32GtSImm, br: BrIfI32GtS, not: I32LeS, swap: I32LtS };
    I32GtU           i32_gt_u              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32GtUAccB)
                     { imm: I32GtUImm, br: BrIfI32GtU, not: I32LeU, swap: I32LtU };
    I32LeS           i32_le_s              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32LeSAccB)
                     { imm: I32LeSImm, br: BrIfI32LeS, not: I32GtS, swap: I32GeS };
    I32LeU           i32_le_u              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32LeUAccB)
                     { imm: I32LeUImm, br: BrIfI32LeU, not: I32GtU, swap: I32GeU };
    I32GeS           i32_ge_s              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32GeSAccB)
                     { imm: I32GeSImm, br: BrIfI32GeS, not: I32LtS, swap: I32LeS };
    I32GeU           i32_ge_u              numeric (Dst, Src, Src) [SETS_ACC LOW32] acc(B: I32GeUAccB)
                     { imm: I32GeUImm, br: BrIfI32GeU, not: I32LtU, swap: I32LeU };
    I64Add           i64_add               numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64AddAccB)
                     { imm: I64AddImm, imm64: I64AddImm64, swap: I64Add };
    I64Sub           i64_sub               numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64SubAccB, C: I64SubAccC);
    I64Mul           i64_mul               numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64MulAccB)
                     { imm: I64MulImm, imm64: I64MulImm64, swap: I64Mul };
    I64DivS          i64_div_s             numeric (Dst, Src, Src) [SETS_ACC];
    I64DivU          i64_div_u             numeric (Dst, Src, Src) [SETS_ACC];
    I64RemS          i64_rem_s             numeric (Dst, Src, Src) [SETS_ACC];
    I64RemU          i64_rem_u             numeric (Dst, Src, Src) [SETS_ACC];
    I64And           i64_and               numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64AndAccB)
                     { imm: I64AndImm, imm64: I64AndImm64, swap: I64And, nez: BrIfI64AndNez, eqz: BrIfI64AndEqz };
    I64Or            i64_or                numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64OrAccB)
                     { imm: I64OrImm, imm64: I64OrImm64, swap: I64Or };
    I64Xor           i64_xor               numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64XorAccB)
                     { imm: I64XorImm, imm64: I64XorImm64, swap: I64Xor };
    I64Shl           i64_shl               numeric (Dst, Src, Src) [SETS_ACC SHIFT64] acc(B: I64ShlAccB, C: I64ShlAccC)
                     { imm: I64ShlImm };
    I64ShrS          i64_shr_s             numeric (Dst, Src, Src) [SETS_ACC SHIFT64] acc(B: I64ShrSAccB, C: I64ShrSAccC)
                     { imm: I64ShrSImm };
    I64ShrU          i64_shr_u             numeric (Dst, Src, Src) [SETS_ACC SHIFT64] acc(B: I64ShrUAccB, C: I64ShrUAccC)
                     { imm: I64ShrUImm };
    I64Rotl          i64_rotl              numeric (Dst, Src, Src) [SETS_ACC SHIFT64] acc(B: I64RotlAccB, C: I64RotlAccC)
                     { imm: I64RotlImm };
    I64Rotr          i64_rotr              numeric (Dst, Src, Src) [SETS_ACC SHIFT64] acc(B: I64RotrAccB, C: I64RotrAccC)
                     { imm: I64RotrImm };
    I64Eq            i64_eq                numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64EqAccB)
                     { imm: I64EqImm, br: BrIfI64Eq, not: I64Ne, swap: I64Eq };
    I64Ne            i64_ne                numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64NeAccB)
                     { imm: I64NeImm, br: BrIfI64Ne, not: I64Eq, swap: I64Ne };
    I64LtS           i64_lt_s              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64LtSAccB)
                     { imm: I64LtSImm, br: BrIfI64LtS, not: I64GeS, swap: I64GtS };
    I64LtU           i64_lt_u              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64LtUAccB)
                     { imm: I64LtUImm, br: BrIfI64LtU, not: I64GeU, swap: I64GtU };
    I64GtS           i64_gt_s              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64GtSAccB)
                     { imm: I64GtSImm, br: BrIfI64GtS, not: I64LeS, swap: I64LtS };
    I64GtU           i64_gt_u              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64GtUAccB)
                     { imm: I64GtUImm, br: BrIfI64GtU, not: I64LeU, swap: I64LtU };
    I64LeS           i64_le_s              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64LeSAccB)
                     { imm: I64LeSImm, br: BrIfI64LeS, not: I64GtS, swap: I64GeS };
    I64LeU           i64_le_u              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64LeUAccB)
                     { imm: I64LeUImm, br: BrIfI64LeU, not: I64GtU, swap: I64GeU };
    I64GeS           i64_ge_s              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64GeSAccB)
                     { imm: I64GeSImm, br: BrIfI64GeS, not: I64LtS, swap: I64LeS };
    I64GeU           i64_ge_u              numeric (Dst, Src, Src) [SETS_ACC] acc(B: I64GeUAccB)
                     { imm: I64GeUImm, br: BrIfI64GeU, not: I64LtU, swap: I64LeU };
    F32Add           f32_add               numeric (Dst, Src, Src) [SETS_ACC];
    F32Sub           f32_sub               numeric (Dst, Src, Src) [SETS_ACC];
    F32Mul           f32_mul               numeric (Dst, Src, Src) [SETS_ACC];
    F32Div           f32_div               numeric (Dst, Src, Src) [SETS_ACC];
    F32Min           f32_min               numeric (Dst, Src, Src) [SETS_ACC];
    F32Max           f32_max               numeric (Dst, Src, Src) [SETS_ACC];
    F32Copysign      f32_copysign          numeric (Dst, Src, Src) [SETS_ACC];
    F32Eq            f32_eq                numeric (Dst, Src, Src) [SETS_ACC];
    F32Ne            f32_ne                numeric (Dst, Src, Src) [SETS_ACC];
    F32Lt            f32_lt                numeric (Dst, Src, Src) [SETS_ACC];
    F32Gt            f32_gt                numeric (Dst, Src, Src) [SETS_ACC];
    F32Le            f32_le                numeric (Dst, Src, Src) [SETS_ACC];
    F32Ge            f32_ge                numeric (Dst, Src, Src) [SETS_ACC];
    F64Add           f64_add               numeric (Dst, Src, Src) [SETS_ACC];
    F64Sub           f64_sub               numeric (Dst, Src, Src) [SETS_ACC];
    F64Mul           f64_mul               numeric (Dst, Src, Src) [SETS_ACC];
    F64Div           f64_div               numeric (Dst, Src, Src) [SETS_ACC];
    F64Min           f64_min               numeric (Dst, Src, Src) [SETS_ACC];
    F64Max           f64_max               numeric (Dst, Src, Src) [SETS_ACC];
    F64Copysign      f64_copysign          numeric (Dst, Src, Src) [SETS_ACC];
    F64Eq            f64_eq                numeric (Dst, Src, Src) [SETS_ACC];
    F64Ne            f64_ne                numeric (Dst, Src, Src) [SETS_ACC];
    F64Lt            f64_lt                numeric (Dst, Src, Src) [SETS_ACC];
    F64Gt            f64_gt                numeric (Dst, Src, Src) [SETS_ACC];
    F64Le            f64_le                numeric (Dst, Src, Src) [SETS_ACC];
    F64Ge            f64_ge                numeric (Dst, Src, Src) [SETS_ACC];

    // ---- binary with an immediate: `a = op(b, imm c)` ----
    I32AddImm        i32_add_imm           numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32AddImmAccB);
    I32MulImm        i32_mul_imm           numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32MulImmAccB);
    I32AndImm        i32_and_imm           numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32AndImmAccB)
                     { nez: BrIfI32AndImmNez, eqz: BrIfI32AndImmEqz };
    I32OrImm         i32_or_imm            numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32OrImmAccB);
    I32XorImm        i32_xor_imm           numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32XorImmAccB);
    I32ShlImm        i32_shl_imm           numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32ShlImmAccB);
    I32ShrSImm       i32_shr_s_imm         numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32ShrSImmAccB);
    I32ShrUImm       i32_shr_u_imm         numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32ShrUImmAccB);
    I32EqImm         i32_eq_imm            numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32EqImmAccB)
                     { br: BrIfI32EqImm, not: I32NeImm };
    I32NeImm         i32_ne_imm            numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32NeImmAccB)
                     { br: BrIfI32NeImm, not: I32EqImm };
    I32LtSImm        i32_lt_s_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32LtSImmAccB)
                     { br: BrIfI32LtSImm, not: I32GeSImm };
    I32LtUImm        i32_lt_u_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32LtUImmAccB)
                     { br: BrIfI32LtUImm, not: I32GeUImm };
    I32GtSImm        i32_gt_s_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32GtSImmAccB)
                     { br: BrIfI32GtSImm, not: I32LeSImm };
    I32GtUImm        i32_gt_u_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32GtUImmAccB)
                     { br: BrIfI32GtUImm, not: I32LeUImm };
    I32LeSImm        i32_le_s_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32LeSImmAccB)
                     { br: BrIfI32LeSImm, not: I32GtSImm };
    I32LeUImm        i32_le_u_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32LeUImmAccB)
                     { br: BrIfI32LeUImm, not: I32GtUImm };
    I32GeSImm        i32_ge_s_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32GeSImmAccB)
                     { br: BrIfI32GeSImm, not: I32LtSImm };
    I32GeUImm        i32_ge_u_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32GeUImmAccB)
                     { br: BrIfI32GeUImm, not: I32LtUImm };
    I64AddImm        i64_add_imm           numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64AddImmAccB);
    I64MulImm        i64_mul_imm           numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64MulImmAccB);
    I64AndImm        i64_and_imm           numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64AndImmAccB)
                     { nez: BrIfI64AndImmNez, eqz: BrIfI64AndImmEqz };
    I64OrImm         i64_or_imm            numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64OrImmAccB);
    I64XorImm        i64_xor_imm           numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64XorImmAccB);
    I64ShlImm        i64_shl_imm           numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64ShlImmAccB);
    I64ShrSImm       i64_shr_s_imm         numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64ShrSImmAccB);
    I64ShrUImm       i64_shr_u_imm         numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64ShrUImmAccB);
    I64EqImm         i64_eq_imm            numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64EqImmAccB)
                     { br: BrIfI64EqImm, not: I64NeImm };
    I64NeImm         i64_ne_imm            numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64NeImmAccB)
                     { br: BrIfI64NeImm, not: I64EqImm };
    I64LtSImm        i64_lt_s_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64LtSImmAccB)
                     { br: BrIfI64LtSImm, not: I64GeSImm };
    I64LtUImm        i64_lt_u_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64LtUImmAccB)
                     { br: BrIfI64LtUImm, not: I64GeUImm };
    I64GtSImm        i64_gt_s_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64GtSImmAccB)
                     { br: BrIfI64GtSImm, not: I64LeSImm };
    I64GtUImm        i64_gt_u_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64GtUImmAccB)
                     { br: BrIfI64GtUImm, not: I64LeUImm };
    I64LeSImm        i64_le_s_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64LeSImmAccB)
                     { br: BrIfI64LeSImm, not: I64GtSImm };
    I64LeUImm        i64_le_u_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64LeUImmAccB)
                     { br: BrIfI64LeUImm, not: I64GtUImm };
    I64GeSImm        i64_ge_s_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64GeSImmAccB)
                     { br: BrIfI64GeSImm, not: I64LtSImm };
    I64GeUImm        i64_ge_u_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64GeUImmAccB)
                     { br: BrIfI64GeUImm, not: I64LtUImm };

    // ---- compare and branch: jump to `a` if `cmp(b, c)` (`Imm`: `cmp(b, imm c)`) ----
    BrIfI32Eq        br_if_i32_eq          numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32EqAccB)
                     { swap: BrIfI32Eq };
    BrIfI32Ne        br_if_i32_ne          numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32NeAccB)
                     { swap: BrIfI32Ne };
    BrIfI32LtS       br_if_i32_lt_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32LtSAccB)
                     { swap: BrIfI32GtS };
    BrIfI32LtU       br_if_i32_lt_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32LtUAccB)
                     { swap: BrIfI32GtU };
    BrIfI32GtS       br_if_i32_gt_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32GtSAccB)
                     { swap: BrIfI32LtS };
    BrIfI32GtU       br_if_i32_gt_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32GtUAccB)
                     { swap: BrIfI32LtU };
    BrIfI32LeS       br_if_i32_le_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32LeSAccB)
                     { swap: BrIfI32GeS };
    BrIfI32LeU       br_if_i32_le_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32LeUAccB)
                     { swap: BrIfI32GeU };
    BrIfI32GeS       br_if_i32_ge_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32GeSAccB)
                     { swap: BrIfI32LeS };
    BrIfI32GeU       br_if_i32_ge_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32GeUAccB)
                     { swap: BrIfI32LeU };
    BrIfI32EqImm     br_if_i32_eq_imm      numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32EqImmAccB);
    BrIfI32NeImm     br_if_i32_ne_imm      numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32NeImmAccB);
    BrIfI32LtSImm    br_if_i32_lt_s_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32LtSImmAccB);
    BrIfI32LtUImm    br_if_i32_lt_u_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32LtUImmAccB);
    BrIfI32GtSImm    br_if_i32_gt_s_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32GtSImmAccB);
    BrIfI32GtUImm    br_if_i32_gt_u_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32GtUImmAccB);
    BrIfI32LeSImm    br_if_i32_le_s_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32LeSImmAccB);
    BrIfI32LeUImm    br_if_i32_le_u_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32LeUImmAccB);
    BrIfI32GeSImm    br_if_i32_ge_s_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32GeSImmAccB);
    BrIfI32GeUImm    br_if_i32_ge_u_imm    numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32GeUImmAccB);
    BrIfI64Eq        br_if_i64_eq          numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64EqAccB)
                     { swap: BrIfI64Eq };
    BrIfI64Ne        br_if_i64_ne          numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64NeAccB)
                     { swap: BrIfI64Ne };
    BrIfI64LtS       br_if_i64_lt_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64LtSAccB)
                     { swap: BrIfI64GtS };
    BrIfI64LtU       br_if_i64_lt_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64LtUAccB)
                     { swap: BrIfI64GtU };
    BrIfI64GtS       br_if_i64_gt_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64GtSAccB)
                     { swap: BrIfI64LtS };
    BrIfI64GtU       br_if_i64_gt_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64GtUAccB)
                     { swap: BrIfI64LtU };
    BrIfI64LeS       br_if_i64_le_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64LeSAccB)
                     { swap: BrIfI64GeS };
    BrIfI64LeU       br_if_i64_le_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64LeUAccB)
                     { swap: BrIfI64GeU };
    BrIfI64GeS       br_if_i64_ge_s        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64GeSAccB)
                     { swap: BrIfI64LeS };
    BrIfI64GeU       br_if_i64_ge_u        numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64GeUAccB)
                     { swap: BrIfI64LeU };
    BrIfI64EqImm     br_if_i64_eq_imm      numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64EqImmAccB);
    BrIfI64NeImm     br_if_i64_ne_imm      numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64NeImmAccB);
    BrIfI64LtSImm    br_if_i64_lt_s_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64LtSImmAccB);
    BrIfI64LtUImm    br_if_i64_lt_u_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64LtUImmAccB);
    BrIfI64GtSImm    br_if_i64_gt_s_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64GtSImmAccB);
    BrIfI64GtUImm    br_if_i64_gt_u_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64GtUImmAccB);
    BrIfI64LeSImm    br_if_i64_le_s_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64LeSImmAccB);
    BrIfI64LeUImm    br_if_i64_le_u_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64LeUImmAccB);
    BrIfI64GeSImm    br_if_i64_ge_s_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64GeSImmAccB);
    BrIfI64GeUImm    br_if_i64_ge_u_imm    numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64GeUImmAccB);

    // ---- rotations by an immediate, and 64-bit immediates ----
    I32RotlImm       i32_rotl_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32RotlImmAccB);
    I32RotrImm       i32_rotr_imm          numeric (Dst, Src, Imm) [SETS_ACC LOW32] acc(B: I32RotrImmAccB);
    I64RotlImm       i64_rotl_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64RotlImmAccB);
    I64RotrImm       i64_rotr_imm          numeric (Dst, Src, Imm) [SETS_ACC SEXT] acc(B: I64RotrImmAccB);
    /// Binary operators with a 64-bit immediate that does not fit 32 bits sign-extended: `a = op(b, Ext.a | Ext.b << 32)`.
    I64AddImm64      i64_add_imm64         numeric (Dst, Src, No; Imm, ImmHi) [SETS_ACC] acc(B: I64AddImm64AccB);
    I64MulImm64      i64_mul_imm64         numeric (Dst, Src, No; Imm, ImmHi) [SETS_ACC] acc(B: I64MulImm64AccB);
    I64AndImm64      i64_and_imm64         numeric (Dst, Src, No; Imm, ImmHi) [SETS_ACC] acc(B: I64AndImm64AccB);
    I64OrImm64       i64_or_imm64          numeric (Dst, Src, No; Imm, ImmHi) [SETS_ACC] acc(B: I64OrImm64AccB);
    I64XorImm64      i64_xor_imm64         numeric (Dst, Src, No; Imm, ImmHi) [SETS_ACC] acc(B: I64XorImm64AccB);

    // ---- fused instructions ----
    /// Two copies in one dispatch, in order: `a = b`, then `c = Ext.a`.
    Copy2            copy2                 control (Dst, Src, Dst; Src, No) [];
    /// A load whose address is a sum, the `i32.add` that computed it fused in: `a = load((b + k) mod 2^32 + offset c)`, `k` being `Ext.a` (`AddImm`) or slot `Ext.a` (`Add`).
    I32LoadAddImm    i32_load_add_imm      memory  (Dst, Src, Offset; Imm, No) [SETS_ACC MEMORY] acc(B: I32LoadAddImmAccB);
    I64LoadAddImm    i64_load_add_imm      memory  (Dst, Src, Offset; Imm, No) [SETS_ACC MEMORY] acc(B: I64LoadAddImmAccB);
    I32LoadAdd       i32_load_add          memory  (Dst, Src, Offset; Src, No) [SETS_ACC MEMORY] acc(B: I32LoadAddAccB);
    I64LoadAdd       i64_load_add          memory  (Dst, Src, Offset; Src, No) [SETS_ACC MEMORY] acc(B: I64LoadAddAccB);
    /// Stores of a constant: `store(a + offset c, imm b)`, truncated to the stored width (`I64StoreImm` sign-extends it from 32 bits).
    I32StoreImm      i32_store_imm         memory  (Src, Imm, Offset) [MEMORY] acc(A: I32StoreImmAccA);
    I64StoreImm      i64_store_imm         memory  (Src, Imm, Offset) [MEMORY SEXT] acc(A: I64StoreImmAccA);
    I32Store8Imm     i32_store8_imm        memory  (Src, Imm, Offset) [MEMORY] acc(A: I32Store8ImmAccA);
    I32Store16Imm    i32_store16_imm       memory  (Src, Imm, Offset) [MEMORY] acc(A: I32Store16ImmAccA);

    // ---- bit tests ----
    /// Bit tests: jump to `a` if `b & c` (or `b & imm c`) is not zero (`Nez`) or zero (`Eqz`): an `and` fused into the branch on its result.
    BrIfI32AndNez    br_if_i32_and_nez     numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32AndNezAccB)
                     { swap: BrIfI32AndNez };
    BrIfI32AndEqz    br_if_i32_and_eqz     numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI32AndEqzAccB)
                     { swap: BrIfI32AndEqz };
    BrIfI64AndNez    br_if_i64_and_nez     numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64AndNezAccB)
                     { swap: BrIfI64AndNez };
    BrIfI64AndEqz    br_if_i64_and_eqz     numeric (Target, Src, Src) [COND_BRANCH] acc(B: BrIfI64AndEqzAccB)
                     { swap: BrIfI64AndEqz };
    BrIfI32AndImmNez br_if_i32_and_imm_nez numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32AndImmNezAccB);
    BrIfI32AndImmEqz br_if_i32_and_imm_eqz numeric (Target, Src, Imm) [COND_BRANCH] acc(B: BrIfI32AndImmEqzAccB);
    BrIfI64AndImmNez br_if_i64_and_imm_nez numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64AndImmNezAccB);
    BrIfI64AndImmEqz br_if_i64_and_imm_eqz numeric (Target, Src, Imm) [COND_BRANCH SEXT] acc(B: BrIfI64AndImmEqzAccB);
}
