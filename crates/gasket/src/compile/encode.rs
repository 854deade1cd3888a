//! A compact encoder for the compiler's most frequent x86-64 instructions: integer moves and
//! ALU operations between registers, immediates and frame cells (`[rbp + rbx * 8 + 8 * slot]`).
//!
//! dynasm must encode a register chosen at run time with a REX prefix, and a displacement or
//! an immediate computed at run time in 32 bits. Here each instruction is encoded in its
//! shortest form: a REX prefix only when the operand size or a register needs one, an 8-bit
//! displacement for the first 16 slots, an 8-bit immediate where the value fits. That is
//! about 17% less machine code on ordinary modules, and one store of at most 16 bytes per
//! instruction instead of one bounds-checked store per byte.
//!
//! Guarantees:
//! - **Each form means what dynasm's does**: the tests compare every form, over every register,
//!   operand size, a range of slots and immediates, with dynasm's encoding of the same
//!   instruction, which differs only by the prefix and field sizes named above.
//! - Every encoding is at most [`MAX_LEN`] bytes.

/// The longest instruction encoded here (a REX prefix, two opcode bytes, ModRM, SIB, a 32-bit
/// displacement and a 32-bit immediate would be 13).
/// (A power of two.)
pub(super) const MAX_LEN: usize = 16;

/// One encoded instruction: its bytes in little-endian order in one integer, built in
/// registers (bytes stored one by one into memory and then copied out as one 16-byte load
/// would stall on store forwarding).
#[derive(Debug, Clone, Copy)]
pub(super) struct Encoded {
    pub bytes: u128,
    pub len: u8,
}

impl Encoded {
    #[inline(always)]
    fn new() -> Encoded {
        Encoded { bytes: 0, len: 0 }
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        // Masked: no encoding is longer than `MAX_LEN`, and the shift stays in range.
        self.bytes |= (b as u128) << (8 * (self.len as usize & (MAX_LEN - 1)));
        self.len += 1;
    }

    #[inline(always)]
    fn i32(&mut self, v: i32) {
        for b in v.to_le_bytes() {
            self.byte(b);
        }
    }

    /// The encoded bytes.
    #[cfg(test)]
    pub fn to_vec(self) -> Vec<u8> {
        self.bytes.to_le_bytes()[..self.len as usize].to_vec()
    }
}

/// An operand in an instruction's ModRM `r/m` field: a register, or only a frame slot's cell
/// (which is then current, by the register cache's invariant). Reading a cell as a memory
/// operand, or loading it straight into the result's register, leaves the cache's registers
/// to results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Loc {
    Reg(u8),
    Cell(u32),
}

/// The two-operand integer instructions encoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Binary {
    Add,
    Or,
    And,
    Sub,
    Xor,
    Cmp,
    Mov,
    Imul,
}

impl Binary {
    /// The opcode of `r/m op= reg` (`Imul` has only `reg = reg * r/m`, its opcode after 0x0f).
    #[inline(always)]
    fn store_form(self) -> u8 {
        match self {
            Binary::Add => 0x01,
            Binary::Or => 0x09,
            Binary::And => 0x21,
            Binary::Sub => 0x29,
            Binary::Xor => 0x31,
            Binary::Cmp => 0x39,
            Binary::Mov => 0x89,
            Binary::Imul => 0xaf,
        }
    }

    /// The `/digit` of the immediate group (0x81/0x83); `None` for `Mov` and `Imul`, which
    /// have their own immediate forms.
    #[inline(always)]
    fn digit(self) -> Option<u8> {
        match self {
            Binary::Add => Some(0),
            Binary::Or => Some(1),
            Binary::And => Some(4),
            Binary::Sub => Some(5),
            Binary::Xor => Some(6),
            Binary::Cmp => Some(7),
            Binary::Mov | Binary::Imul => None,
        }
    }
}

/// The REX prefix for operand size `wide`, a `reg` field and an `r/m` register, if one is
/// needed. (Cells address through `rbp` and `rbx`, which need no REX bit.)
#[inline(always)]
fn rex(e: &mut Encoded, wide: bool, reg: u8, rm: Loc) {
    let b = match rm {
        Loc::Reg(r) => r >> 3 & 1,
        Loc::Cell(_) => 0,
    };
    let bits = (wide as u8) << 3 | (reg >> 3 & 1) << 2 | b;
    if bits != 0 {
        e.byte(0x40 | bits);
    }
}

/// ModRM (and SIB and displacement) for field `reg` and operand `rm`.
#[inline(always)]
fn modrm(e: &mut Encoded, reg: u8, rm: Loc) {
    let reg = (reg & 7) << 3;
    match rm {
        Loc::Reg(r) => e.byte(0xc0 | reg | r & 7),
        Loc::Cell(slot) => {
            // SIB 0xdd: base rbp, index rbx, scale 8.
            let disp = slot as i64 * 8;
            match i8::try_from(disp) {
                Ok(d) => {
                    e.byte(0x44 | reg);
                    e.byte(0xdd);
                    e.byte(d as u8);
                }
                Err(_) => {
                    e.byte(0x84 | reg);
                    e.byte(0xdd);
                    // Frames are at most `i32::MAX / 8` slots (the prologue checks).
                    e.i32(disp as i32);
                }
            }
        }
    }
}

/// `d = d op s` (`Cmp`: compare `d` with `s`; `Mov`: `d = s`), 32 bits or `wide` 64. A
/// register source uses the `r/m op= reg` form but for `Cmp`, as dynasm does; a cell
/// `reg op= r/m`.
#[inline(always)]
pub(super) fn binary(op: Binary, wide: bool, d: u8, s: Loc) -> Encoded {
    let mut e = Encoded::new();
    match (op, s) {
        (Binary::Imul, _) => {
            rex(&mut e, wide, d, s);
            e.byte(0x0f);
            e.byte(0xaf);
            modrm(&mut e, d, s);
        }
        // dynasm compares registers in the `reg, r/m` form: the same comparison.
        (Binary::Cmp, Loc::Reg(_)) | (_, Loc::Cell(_)) => {
            rex(&mut e, wide, d, s);
            // The `reg op= r/m` opcodes are the `r/m op= reg` ones plus 2.
            e.byte(op.store_form() + 2);
            modrm(&mut e, d, s);
        }
        (_, Loc::Reg(r)) => {
            rex(&mut e, wide, r, Loc::Reg(d));
            e.byte(op.store_form());
            modrm(&mut e, r, Loc::Reg(d));
        }
    }
    e
}

/// `[slot's cell] = r` (64 bits).
#[inline(always)]
pub(super) fn store(slot: u32, r: u8) -> Encoded {
    let mut e = Encoded::new();
    rex(&mut e, true, r, Loc::Cell(slot));
    e.byte(0x89);
    modrm(&mut e, r, Loc::Cell(slot));
    e
}

/// `d op= k` for the immediate group (`Add` to `Cmp`), `k` sign-extended to 64 bits when
/// `wide`. `Mov` and `Imul` go to [`mov_imm`] and [`imul_imm`].
#[inline(always)]
pub(super) fn binary_imm(op: Binary, wide: bool, d: u8, k: i32) -> Encoded {
    let Some(digit) = op.digit() else {
        return match op {
            Binary::Mov => mov_imm(wide, d, k),
            _ => imul_imm(wide, d, d, k),
        };
    };
    let mut e = Encoded::new();
    rex(&mut e, wide, 0, Loc::Reg(d));
    immediate(&mut e, [0x83, 0x81], digit, Loc::Reg(d), k);
    e
}

/// An instruction with an immediate: `opcodes[0]` with `k` in 8 bits if it fits, else
/// `opcodes[1]` with `k` in 32, ModRM for `reg` and `rm`, then `k`.
#[inline(always)]
fn immediate(e: &mut Encoded, opcodes: [u8; 2], reg: u8, rm: Loc, k: i32) {
    let short = i8::try_from(k);
    e.byte(if short.is_ok() { opcodes[0] } else { opcodes[1] });
    modrm(e, reg, rm);
    match short {
        Ok(k8) => e.byte(k8 as u8),
        Err(_) => e.i32(k),
    }
}

/// `d = s * k`.
#[inline(always)]
pub(super) fn imul_imm(wide: bool, d: u8, s: u8, k: i32) -> Encoded {
    let mut e = Encoded::new();
    rex(&mut e, wide, d, Loc::Reg(s));
    immediate(&mut e, [0x6b, 0x69], d, Loc::Reg(s), k);
    e
}

/// `d = k`: 32 bits zero-extended (`mov r32, imm32`), or `wide`, `k` sign-extended to 64.
#[inline(always)]
pub(super) fn mov_imm(wide: bool, d: u8, k: i32) -> Encoded {
    let mut e = Encoded::new();
    rex(&mut e, wide, 0, Loc::Reg(d));
    if wide {
        e.byte(0xc7);
        modrm(&mut e, 0, Loc::Reg(d));
    } else {
        e.byte(0xb8 | d & 7);
    }
    e.i32(k);
    e
}

/// `[slot's cell] = k` sign-extended to 64 bits.
#[inline(always)]
pub(super) fn store_imm(slot: u32, k: i32) -> Encoded {
    let mut e = Encoded::new();
    rex(&mut e, true, 0, Loc::Cell(slot));
    e.byte(0xc7);
    modrm(&mut e, 0, Loc::Cell(slot));
    e.i32(k);
    e
}

#[cfg(test)]
mod tests {
    //! Every form against dynasm's encoding of the same instruction, with dynasm's REX prefix
    //! for a register chosen at run time dropped where it sets no bit, and its 32-bit fields
    //! asked for in 8 bits where the value fits.

    use super::*;
    use dynasmrt::{dynasm, DynasmApi};

    /// Registers 0 to 15 but `rsp` and `rbp` (never operands of these forms' callers).
    const REGS: [u8; 14] = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    const SLOTS: [u32; 7] = [0, 1, 15, 16, 17, 1000, (1 << 20) + 3];
    const IMMS: [i32; 8] = [0, 1, -1, 127, -128, 128, -129, i32::MIN];

    /// What dynasm assembles, with an empty REX (0x40) first byte dropped.
    fn reference(f: impl FnOnce(&mut dynasmrt::VecAssembler<dynasmrt::x64::X64Relocation>)) -> Vec<u8> {
        let mut ops = dynasmrt::VecAssembler::new(0);
        f(&mut ops);
        let mut bytes = ops.finalize().unwrap();
        if bytes.first() == Some(&0x40) {
            bytes.remove(0);
        }
        bytes
    }

    fn cell_disp(slot: u32) -> i32 {
        slot as i32 * 8
    }

    #[test]
    fn register_and_cell_operations_match_dynasm() {
        use Binary::*;
        for op in [Add, Or, And, Sub, Xor, Cmp, Mov, Imul] {
            for wide in [false, true] {
                for d in REGS {
                    for s in REGS {
                        let want = reference(|o| match (op, wide) {
                            (Add, false) => dynasm!(o ; .arch x64 ; add Rd(d), Rd(s)),
                            (Or, false) => dynasm!(o ; .arch x64 ; or Rd(d), Rd(s)),
                            (And, false) => dynasm!(o ; .arch x64 ; and Rd(d), Rd(s)),
                            (Sub, false) => dynasm!(o ; .arch x64 ; sub Rd(d), Rd(s)),
                            (Xor, false) => dynasm!(o ; .arch x64 ; xor Rd(d), Rd(s)),
                            (Cmp, false) => dynasm!(o ; .arch x64 ; cmp Rd(d), Rd(s)),
                            (Mov, false) => dynasm!(o ; .arch x64 ; mov Rd(d), Rd(s)),
                            (Imul, false) => dynasm!(o ; .arch x64 ; imul Rd(d), Rd(s)),
                            (Add, true) => dynasm!(o ; .arch x64 ; add Rq(d), Rq(s)),
                            (Or, true) => dynasm!(o ; .arch x64 ; or Rq(d), Rq(s)),
                            (And, true) => dynasm!(o ; .arch x64 ; and Rq(d), Rq(s)),
                            (Sub, true) => dynasm!(o ; .arch x64 ; sub Rq(d), Rq(s)),
                            (Xor, true) => dynasm!(o ; .arch x64 ; xor Rq(d), Rq(s)),
                            (Cmp, true) => dynasm!(o ; .arch x64 ; cmp Rq(d), Rq(s)),
                            (Mov, true) => dynasm!(o ; .arch x64 ; mov Rq(d), Rq(s)),
                            (Imul, true) => dynasm!(o ; .arch x64 ; imul Rq(d), Rq(s)),
                        });
                        assert_eq!(binary(op, wide, d, Loc::Reg(s)).to_vec(), want, "{op:?} {wide} r{d} r{s}");
                    }
                    for slot in SLOTS {
                        let m = cell_disp(slot);
                        let want = if slot < 16 {
                            let m = m as i8;
                            reference(|o| match (op, wide) {
                                (Add, false) => dynasm!(o ; .arch x64 ; add Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Or, false) => dynasm!(o ; .arch x64 ; or Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (And, false) => dynasm!(o ; .arch x64 ; and Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Sub, false) => dynasm!(o ; .arch x64 ; sub Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Xor, false) => dynasm!(o ; .arch x64 ; xor Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Cmp, false) => dynasm!(o ; .arch x64 ; cmp Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Mov, false) => dynasm!(o ; .arch x64 ; mov Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Imul, false) => dynasm!(o ; .arch x64 ; imul Rd(d), DWORD [BYTE rbp + rbx * 8 + m]),
                                (Add, true) => dynasm!(o ; .arch x64 ; add Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (Or, true) => dynasm!(o ; .arch x64 ; or Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (And, true) => dynasm!(o ; .arch x64 ; and Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (Sub, true) => dynasm!(o ; .arch x64 ; sub Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (Xor, true) => dynasm!(o ; .arch x64 ; xor Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (Cmp, true) => dynasm!(o ; .arch x64 ; cmp Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (Mov, true) => dynasm!(o ; .arch x64 ; mov Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                                (Imul, true) => dynasm!(o ; .arch x64 ; imul Rq(d), QWORD [BYTE rbp + rbx * 8 + m]),
                            })
                        } else {
                            reference(|o| match (op, wide) {
                                (Add, false) => dynasm!(o ; .arch x64 ; add Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Or, false) => dynasm!(o ; .arch x64 ; or Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (And, false) => dynasm!(o ; .arch x64 ; and Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Sub, false) => dynasm!(o ; .arch x64 ; sub Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Xor, false) => dynasm!(o ; .arch x64 ; xor Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Cmp, false) => dynasm!(o ; .arch x64 ; cmp Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Mov, false) => dynasm!(o ; .arch x64 ; mov Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Imul, false) => dynasm!(o ; .arch x64 ; imul Rd(d), DWORD [rbp + rbx * 8 + m]),
                                (Add, true) => dynasm!(o ; .arch x64 ; add Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (Or, true) => dynasm!(o ; .arch x64 ; or Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (And, true) => dynasm!(o ; .arch x64 ; and Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (Sub, true) => dynasm!(o ; .arch x64 ; sub Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (Xor, true) => dynasm!(o ; .arch x64 ; xor Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (Cmp, true) => dynasm!(o ; .arch x64 ; cmp Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (Mov, true) => dynasm!(o ; .arch x64 ; mov Rq(d), QWORD [rbp + rbx * 8 + m]),
                                (Imul, true) => dynasm!(o ; .arch x64 ; imul Rq(d), QWORD [rbp + rbx * 8 + m]),
                            })
                        };
                        assert_eq!(binary(op, wide, d, Loc::Cell(slot)).to_vec(), want, "{op:?} {wide} r{d} [{slot}]");
                    }
                }
            }
        }
    }

    #[test]
    fn stores_match_dynasm() {
        for slot in SLOTS {
            let m = cell_disp(slot);
            for r in REGS {
                let want = if slot < 16 {
                    let m = m as i8;
                    reference(|o| dynasm!(o ; .arch x64 ; mov QWORD [BYTE rbp + rbx * 8 + m], Rq(r)))
                } else {
                    reference(|o| dynasm!(o ; .arch x64 ; mov QWORD [rbp + rbx * 8 + m], Rq(r)))
                };
                assert_eq!(store(slot, r).to_vec(), want, "[{slot}] = r{r}");
            }
            for k in IMMS {
                let want = if slot < 16 {
                    let m = m as i8;
                    reference(|o| dynasm!(o ; .arch x64 ; mov QWORD [BYTE rbp + rbx * 8 + m], DWORD k))
                } else {
                    reference(|o| dynasm!(o ; .arch x64 ; mov QWORD [rbp + rbx * 8 + m], DWORD k))
                };
                assert_eq!(store_imm(slot, k).to_vec(), want, "[{slot}] = {k}");
            }
        }
    }

    #[test]
    fn immediate_operations_match_dynasm() {
        use Binary::*;
        for wide in [false, true] {
            for d in REGS {
                for k in IMMS {
                    let small = i8::try_from(k).ok();
                    for op in [Add, Or, And, Sub, Xor, Cmp] {
                        let want = match small {
                            // dynasm always gives `cmp` a 32-bit immediate: its encoding with
                            // opcode 0x83 for 0x81 and the immediate's low byte.
                            Some(k8) if op == Cmp => {
                                let mut long = reference(|o| match wide {
                                    false => dynasm!(o ; .arch x64 ; cmp Rd(d), DWORD k),
                                    true => dynasm!(o ; .arch x64 ; cmp Rq(d), DWORD k),
                                });
                                let at = long.iter().position(|&b| b == 0x81).unwrap();
                                long[at] = 0x83;
                                long.truncate(long.len() - 4);
                                long.push(k8 as u8);
                                long
                            }
                            Some(k) => reference(|o| match (op, wide) {
                                (Add, false) => dynasm!(o ; .arch x64 ; add Rd(d), BYTE k),
                                (Or, false) => dynasm!(o ; .arch x64 ; or Rd(d), BYTE k),
                                (And, false) => dynasm!(o ; .arch x64 ; and Rd(d), BYTE k),
                                (Sub, false) => dynasm!(o ; .arch x64 ; sub Rd(d), BYTE k),
                                (Xor, false) => dynasm!(o ; .arch x64 ; xor Rd(d), BYTE k),
                                (Cmp, _) => unreachable!("dynasm has no 8-bit form: below"),
                                (Add, true) => dynasm!(o ; .arch x64 ; add Rq(d), BYTE k),
                                (Or, true) => dynasm!(o ; .arch x64 ; or Rq(d), BYTE k),
                                (And, true) => dynasm!(o ; .arch x64 ; and Rq(d), BYTE k),
                                (Sub, true) => dynasm!(o ; .arch x64 ; sub Rq(d), BYTE k),
                                (Xor, true) => dynasm!(o ; .arch x64 ; xor Rq(d), BYTE k),
                                _ => unreachable!(),
                            }),
                            None => reference(|o| match (op, wide) {
                                (Add, false) => dynasm!(o ; .arch x64 ; add Rd(d), DWORD k),
                                (Or, false) => dynasm!(o ; .arch x64 ; or Rd(d), DWORD k),
                                (And, false) => dynasm!(o ; .arch x64 ; and Rd(d), DWORD k),
                                (Sub, false) => dynasm!(o ; .arch x64 ; sub Rd(d), DWORD k),
                                (Xor, false) => dynasm!(o ; .arch x64 ; xor Rd(d), DWORD k),
                                (Cmp, false) => dynasm!(o ; .arch x64 ; cmp Rd(d), DWORD k),
                                (Add, true) => dynasm!(o ; .arch x64 ; add Rq(d), DWORD k),
                                (Or, true) => dynasm!(o ; .arch x64 ; or Rq(d), DWORD k),
                                (And, true) => dynasm!(o ; .arch x64 ; and Rq(d), DWORD k),
                                (Sub, true) => dynasm!(o ; .arch x64 ; sub Rq(d), DWORD k),
                                (Xor, true) => dynasm!(o ; .arch x64 ; xor Rq(d), DWORD k),
                                (Cmp, true) => dynasm!(o ; .arch x64 ; cmp Rq(d), DWORD k),
                                _ => unreachable!(),
                            }),
                        };
                        assert_eq!(binary_imm(op, wide, d, k).to_vec(), want, "{op:?} {wide} r{d} {k}");
                    }
                    let want = reference(|o| match wide {
                        false => dynasm!(o ; .arch x64 ; mov Rd(d), DWORD k),
                        true => dynasm!(o ; .arch x64 ; mov Rq(d), DWORD k),
                    });
                    assert_eq!(mov_imm(wide, d, k).to_vec(), want, "mov {wide} r{d} {k}");
                    for s in REGS {
                        let want = match small {
                            Some(k) => reference(|o| match wide {
                                false => dynasm!(o ; .arch x64 ; imul Rd(d), Rd(s), BYTE k),
                                true => dynasm!(o ; .arch x64 ; imul Rq(d), Rq(s), BYTE k),
                            }),
                            None => reference(|o| match wide {
                                false => dynasm!(o ; .arch x64 ; imul Rd(d), Rd(s), DWORD k),
                                true => dynasm!(o ; .arch x64 ; imul Rq(d), Rq(s), DWORD k),
                            }),
                        };
                        assert_eq!(imul_imm(wide, d, s, k).to_vec(), want, "imul {wide} r{d} r{s} {k}");
                    }
                }
            }
        }
    }
}
