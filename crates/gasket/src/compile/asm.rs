//! The compiler tier's assembler: dynasm's assembler API over one anonymous mapping that a
//! module's code is written into in place, then made read+execute once. Labels live for one
//! function and are resolved when it ends; direct calls between functions are patched when
//! the module's code is complete.
//!
//! Guarantees:
//! - **Never writable and executable at once**: the mapping is read+write while code is
//!   written, and [`Asm::finalize`], which consumes the assembler, makes it read+execute.
//! - **Each byte is written once, where it will run**: no assembling buffer is copied into
//!   executable pages afterwards (only a module larger than its reservation moves to a
//!   larger mapping, copying what was written so far, by doubling).
//! - **Every label reference is patched, or compiling fails with a typed error**: a
//!   function that leaves a reference unresolved, a displacement that does not fit its field
//!   or a mapping that cannot be had is an [`Error`], never a jump through an unpatched field.
//! - Constant work per byte, label and reference: labels are indices into a vector, and a
//!   reference is patched when its label is defined (backward) or when the function ends.
//!
//! Code is written through [`Emit`], a cursor that the [`emit!`] macro (dynasm's `dynasm!` on
//! a fresh cursor) makes for each stretch of assembly: its write position lives in locals the
//! optimiser keeps in registers, where the assembler's own fields would be reloaded after
//! every byte stored (a byte store may alias them).

/// `dynasm!` over a cursor on `$ops` (an [`Asm`]): `emit!(self.ops ; .arch x64 ; ...)`.
macro_rules! emit {
    ($ops:expr ; $($t:tt)*) => {{
        #[allow(unused_imports)]
        use dynasmrt::{DynasmApi as _, DynasmLabelApi as _};
        let mut e = $ops.emit();
        dynasmrt::dynasm!(e ; $($t)*);
    }};
}

use dynasmrt::components::LabelRegistry;
use dynasmrt::relocations::Relocation;
use dynasmrt::x64::X64Relocation;
use dynasmrt::{AssemblyOffset, DynamicLabel, DynasmApi, DynasmLabelApi};
use memmap2::{Advice, Mmap, MmapMut};

use super::encode;
use crate::Error;

/// Bytes of the mapping faulted in at a time (`MADV_POPULATE_WRITE`): as many as are written
/// already, at least the first and at most the second, so that a small module (whose
/// reservation, an estimate, may be several times its code) faults in little it does not use.
const POPULATE_MIN: usize = 64 << 10;
const POPULATE: usize = 1 << 20;

/// A label not (yet) defined.
const UNDEFINED: u32 = u32::MAX;

/// A reference to a label: a field of `size` bytes ending `field` bytes before `at`, to be
/// set to the target's offset plus `addend`, relative to `at - base` (dynasm's `PatchLoc`).
#[derive(Debug, Clone, Copy)]
struct Site {
    at: u32,
    field: u8,
    base: u8,
    size: u8,
    addend: i32,
}

/// An assembler writing one module's code straight into its mapping.
pub(super) struct Asm {
    map: MmapMut,
    /// The mapping's first byte, and how much of it code may be written into before the
    /// next [`Asm::grow`]: the pages faulted in ahead ([`POPULATE`]), at most the mapping.
    ptr: *mut u8,
    cap: usize,
    len: usize,
    /// Whether the kernel faults pages in ahead when asked (`MADV_POPULATE_WRITE`).
    populate: bool,
    /// Mints the [`DynamicLabel`]s of `pool`, once each: a function's `k`-th label is
    /// `pool[k]`, whose id is `k`.
    registry: LabelRegistry,
    pool: Vec<DynamicLabel>,
    /// Each label of the current function: its offset, or [`UNDEFINED`].
    labels: Vec<u32>,
    /// References to labels of the current function not yet defined.
    pending: Vec<(u32, Site)>,
    /// dynasm's local labels (`name:`, `>name`, `<name`) of the current function: the latest
    /// definition of each name, and forward references not yet defined.
    locals: Vec<(&'static str, u32)>,
    forward: Vec<(&'static str, Site)>,
    /// Direct calls: each `call rel32` field's offset and the function it calls.
    calls: Vec<(u32, u32)>,
    /// The first failure, reported when the function ends.
    error: Option<String>,
}

impl Asm {
    /// An assembler with `reserve` bytes of mapping (more is mapped when needed).
    pub fn new(reserve: usize) -> Result<Asm, Error> {
        let (map, ptr) = Self::map(reserve.max(4096))?;
        Ok(Asm {
            map,
            ptr,
            cap: 0,
            len: 0,
            populate: true,
            registry: LabelRegistry::new(),
            pool: Vec::new(),
            labels: Vec::new(),
            pending: Vec::new(),
            locals: Vec::new(),
            forward: Vec::new(),
            calls: Vec::new(),
            error: None,
        })
    }

    /// A fresh read+write anonymous mapping of `size` bytes, and its first byte.
    fn map(size: usize) -> Result<(MmapMut, *mut u8), Error> {
        let mut map = MmapMut::map_anon(size)
            .map_err(|e| Error::Usage(format!("cannot allocate executable memory for compiled code: {e}")))?;
        let ptr = map.as_mut_ptr();
        if size >= 4 << 20 {
            let _ = map.advise(Advice::HugePage);
        }
        Ok((map, ptr))
    }

    fn fail(&mut self, what: String) {
        self.error.get_or_insert(what);
    }

    /// Makes room for `n` more bytes: faults the next pages of the mapping in ahead, moving
    /// to a larger mapping first if needed; false (with the failure recorded) if there is none.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: usize) -> bool {
        let Some(want) = self.len.checked_add(n) else {
            self.fail("compiled code larger than the address space".into());
            return false;
        };
        if want > self.map.len() {
            let size = want.max(self.map.len().saturating_mul(2));
            match Self::map(size) {
                Ok((map, ptr)) => {
                    // SAFETY: both mappings are live and distinct; the old one has `len`
                    // written bytes and the new one `size >= len` bytes.
                    unsafe { std::ptr::copy_nonoverlapping(self.ptr, ptr, self.len) };
                    (self.map, self.ptr) = (map, ptr);
                }
                Err(e) => {
                    self.fail(e.to_string());
                    return false;
                }
            }
        }
        // One system call faults a stretch of pages in, cheaper than a fault per page.
        let start = self.cap.min(self.len) & !4095;
        let ahead = self.cap.clamp(POPULATE_MIN, POPULATE);
        let end = want.max(self.cap.saturating_add(ahead)).min(self.map.len());
        if self.populate && end > start {
            self.populate = self.map.advise_range(Advice::PopulateWrite, start, end - start).is_ok();
        }
        self.cap = end;
        true
    }

    /// The written code.
    fn code(&mut self) -> &mut [u8] {
        // SAFETY: the first `len <= cap` bytes of the mapping are written, and `&mut self`
        // makes this the only view of them.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    /// Sets the field of `site` to point at offset `target`.
    fn patch(&mut self, site: Site, target: u32) {
        let end = site.at as usize;
        let (Some(start), Some(from)) = (end.checked_sub(site.field as usize), end.checked_sub(site.base as usize))
        else {
            return self.fail("a label reference outside its instruction".into());
        };
        let value = target as i64 - from as i64 + site.addend as i64;
        let size = site.size as usize;
        let bytes = value.to_le_bytes();
        let fits = match size {
            1 => i8::try_from(value).is_ok(),
            2 => i16::try_from(value).is_ok(),
            4 => i32::try_from(value).is_ok(),
            _ => size == 8,
        };
        let code = self.code();
        match code.get_mut(start..start + size) {
            Some(field) if fits => field.copy_from_slice(&bytes[..size]),
            _ => self.fail(format!("a label displacement of {value} does not fit {size} bytes")),
        }
    }

    /// A reference ending here (dynasm's `PatchLoc` arguments).
    fn site(&mut self, addend: isize, field: u8, base: u8, kind: X64Relocation) -> Site {
        let Ok(addend) = i32::try_from(addend) else {
            self.fail("a label reference's addend out of range".into());
            return Site { at: 0, field: 0, base: 0, size: 0, addend: 0 };
        };
        Site { at: self.len as u32, field, base, size: kind.size() as u8, addend }
    }

    /// A cursor writing at the end of the code.
    #[inline(always)]
    pub fn emit(&mut self) -> Emit<'_> {
        Emit { ptr: self.ptr, len: self.len, cap: self.cap, asm: self }
    }

    /// Appends one instruction of the compact encoder (`encode.rs`) with a single store of
    /// [`encode::MAX_LEN`] bytes.
    #[inline(always)]
    pub fn put(&mut self, e: encode::Encoded) {
        let mut c = self.emit();
        if c.room(encode::MAX_LEN) {
            // SAFETY: `len + MAX_LEN <= cap` (`room`): all of the bytes go inside the mapping;
            // those past `e.len` are overwritten by what comes next or never run.
            unsafe { c.ptr.add(c.len).cast::<[u8; encode::MAX_LEN]>().write_unaligned(e.bytes.to_le_bytes()) };
            c.len += e.len as usize;
        }
    }

    /// Where the next byte goes.
    pub fn offset(&self) -> usize {
        self.len
    }

    /// Places label `id` here.
    pub fn place(&mut self, id: DynamicLabel) {
        let here = self.len as u32;
        match self.labels.get_mut(id.get_id()) {
            Some(l) if *l == UNDEFINED => *l = here,
            _ => self.fail("a label placed twice, or not of this function".into()),
        }
    }

    /// dynasm's local label `name` placed here.
    fn place_local(&mut self, name: &'static str) {
        let here = self.len as u32;
        let mut k = 0;
        while k < self.forward.len() {
            if self.forward[k].0 == name {
                let (_, site) = self.forward.swap_remove(k);
                self.patch(site, here);
            } else {
                k += 1;
            }
        }
        match self.locals.iter_mut().find(|(n, _)| *n == name) {
            Some(l) => l.1 = here,
            None => self.locals.push((name, here)),
        }
    }

    /// A reference to label `id` ending here.
    #[inline]
    fn reference(&mut self, id: DynamicLabel, site: Site) {
        match self.labels.get(id.get_id()) {
            Some(&UNDEFINED) => self.pending.push((id.get_id() as u32, site)),
            Some(&target) => self.patch(site, target),
            None => self.fail("a reference to a label not of this function".into()),
        }
    }

    /// The current function's label number `k` (its [`DynamicLabel::get_id`]).
    #[inline]
    pub fn label(&self, k: u32) -> DynamicLabel {
        self.pool[k as usize]
    }

    /// A new label of the current function.
    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        let k = self.labels.len();
        self.labels.push(UNDEFINED);
        if k == self.pool.len() {
            let l = self.registry.new_dynamic_label();
            if l.get_id() != k {
                self.fail("dynasm's label numbering changed".into());
            }
            self.pool.push(l);
        }
        self.pool[k]
    }

    /// A jump (`jmp rel32`, or with condition number `cc`, `jcc rel32`) to `target`, an offset
    /// already written in this module's code (`emit::Shared`).
    pub fn jump_to(&mut self, cc: Option<u8>, target: usize) {
        match cc {
            None => self.rel32_to(&[0xe9], target),
            Some(cc) => self.rel32_to(&[0x0f, 0x80 | cc & 15], target),
        }
    }

    /// Pads with `nop`s (at most two instructions) to a multiple of `n` (a power of two, at
    /// most 16).
    pub fn align_with_nops(&mut self, n: usize) {
        /// The recommended multi-byte `nop` of each length from 1 to 8.
        const NOPS: [&[u8]; 9] = [
            &[],
            &[0x90],
            &[0x66, 0x90],
            &[0x0f, 0x1f, 0x00],
            &[0x0f, 0x1f, 0x40, 0x00],
            &[0x0f, 0x1f, 0x44, 0x00, 0x00],
            &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
            &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
            &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
        ];
        let mut pad = self.len.next_multiple_of(n.min(16)) - self.len;
        let mut e = self.emit();
        while pad > 0 {
            let k = pad.min(8);
            e.write(NOPS[k]);
            pad -= k;
        }
    }

    /// `call rel32` to `target`, an offset already written in this module's code.
    pub fn call_at(&mut self, target: usize) {
        self.rel32_to(&[0xe8], target);
    }

    /// `opcode rel32` to `target`, an offset already written.
    fn rel32_to(&mut self, opcode: &[u8], target: usize) {
        let mut e = self.emit();
        e.write(opcode);
        e.write(&[0; 4]);
        drop(e);
        let site = Site { at: self.len as u32, field: 4, base: 0, size: 4, addend: 0 };
        match u32::try_from(target) {
            Ok(t) if target <= self.len => self.patch(site, t),
            _ => self.fail(format!("a jump to offset {target}, not yet written")),
        }
    }

    /// `call rel32` to function `f`'s prologue (at `prologue[f]` in [`Asm::finalize`]).
    pub fn call_function(&mut self, f: u32) {
        let mut e = self.emit();
        e.write(&[0xe8, 0, 0, 0, 0]);
        drop(e);
        self.calls.push((self.len as u32 - 4, f));
    }

    /// Ends the current function: resolves its forward references and forgets its labels.
    pub fn end_function(&mut self) -> Result<(), Error> {
        if self.len > u32::MAX as usize {
            self.fail("compiled code beyond 4 GiB".into());
        }
        for k in 0..self.pending.len() {
            let (label, site) = self.pending[k];
            match self.labels[label as usize] {
                UNDEFINED => self.fail("a branch to a label never placed".into()),
                target => self.patch(site, target),
            }
        }
        if !self.forward.is_empty() {
            self.fail("a forward reference to a local label never placed".into());
        }
        self.labels.clear();
        self.pending.clear();
        self.locals.clear();
        self.forward.clear();
        match self.error.take() {
            Some(e) => Err(Error::Usage(format!("internal error while assembling compiled code: {e}"))),
            None => Ok(()),
        }
    }

    /// Patches the direct calls against `prologue` (each defined function's prologue offset)
    /// and makes the code read+execute (and no longer writable).
    pub fn finalize(mut self, prologue: &[usize]) -> Result<Code, Error> {
        for k in 0..self.calls.len() {
            let (at, f) = self.calls[k];
            match prologue.get(f as usize) {
                Some(&p) => self.patch(Site { at: at + 4, field: 4, base: 0, size: 4, addend: 0 }, p as u32),
                None => self.fail(format!("a call to function {f}, which has no code")),
            }
        }
        if let Some(e) = self.error.take() {
            return Err(Error::Usage(format!("internal error while assembling compiled code: {e}")));
        }
        let map =
            self.map.make_exec().map_err(|e| Error::Usage(format!("cannot make compiled code executable: {e}")))?;
        Ok(Code { map, len: self.len })
    }
}

/// A module's finished code: read+execute, never writable again.
pub(crate) struct Code {
    map: Mmap,
    len: usize,
}

impl std::ops::Deref for Code {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.map[..self.len]
    }
}

/// A cursor appending code to an [`Asm`]: the implementation of dynasm's assembler API. The
/// assembler's length is brought up to date whenever it is dropped or the assembler is asked
/// to do anything else (labels, growth).
pub(super) struct Emit<'a> {
    ptr: *mut u8,
    len: usize,
    cap: usize,
    asm: &'a mut Asm,
}

impl Drop for Emit<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.asm.len = self.len;
    }
}

impl Emit<'_> {
    /// Brings the assembler up to date, for anything it does other than appending bytes.
    #[inline(always)]
    fn sync(&mut self) -> &mut Asm {
        self.asm.len = self.len;
        self.asm
    }

    /// Room for `n` more bytes, from a larger mapping if needed; false if there is none.
    #[inline(always)]
    fn room(&mut self, n: usize) -> bool {
        if n <= self.cap - self.len {
            return true;
        }
        let ok = self.sync().grow(n);
        (self.ptr, self.cap) = (self.asm.ptr, self.asm.cap);
        ok
    }

    /// Appends `bytes`.
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) {
        if self.room(bytes.len()) {
            // SAFETY: `len + bytes.len() <= cap` (`room`), so the destination is inside the
            // mapping (`ptr`, `cap` are the assembler's current ones), which `bytes` (Rust
            // memory) does not overlap.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(self.len), bytes.len()) };
            self.len += bytes.len();
        }
    }
}

impl Extend<u8> for Emit<'_> {
    fn extend<T: IntoIterator<Item = u8>>(&mut self, iter: T) {
        for b in iter {
            self.push(b);
        }
    }
}

impl<'a> Extend<&'a u8> for Emit<'_> {
    /// dynasm's byte templates (`&[u8; N]`): one room check for the whole template.
    #[inline(always)]
    fn extend<T: IntoIterator<Item = &'a u8>>(&mut self, iter: T) {
        let mut it = iter.into_iter();
        let (n, _) = it.size_hint();
        if self.room(n) {
            let mut len = self.len;
            for &b in it.by_ref().take(n) {
                // SAFETY: at most `n` bytes (`take`) from `self.len`, and `self.len + n <= cap`
                // (`room`): inside the mapping.
                unsafe { self.ptr.add(len).write(b) };
                len += 1;
            }
            self.len = len;
        }
        for &b in it {
            self.push(b);
        }
    }
}

impl DynasmApi for Emit<'_> {
    #[inline(always)]
    fn offset(&self) -> AssemblyOffset {
        AssemblyOffset(self.len)
    }

    #[inline(always)]
    fn push(&mut self, byte: u8) {
        self.write(&[byte]);
    }

    fn align(&mut self, alignment: usize, with: u8) {
        while alignment > 0 && !self.len.is_multiple_of(alignment) {
            let before = self.len;
            self.push(with);
            if self.len == before {
                return;
            }
        }
    }

    #[inline(always)]
    fn push_i32(&mut self, value: i32) {
        self.write(&value.to_le_bytes());
    }

    #[inline(always)]
    fn push_u32(&mut self, value: u32) {
        self.write(&value.to_le_bytes());
    }

    #[inline(always)]
    fn push_i64(&mut self, value: i64) {
        self.write(&value.to_le_bytes());
    }

    #[inline(always)]
    fn push_u64(&mut self, value: u64) {
        self.write(&value.to_le_bytes());
    }
}

impl DynasmLabelApi for Emit<'_> {
    type Relocation = X64Relocation;

    fn local_label(&mut self, name: &'static str) {
        self.sync().place_local(name);
    }

    fn global_label(&mut self, name: &'static str) {
        self.sync().fail(format!("global label {name} (the compiler uses none)"));
    }

    #[inline]
    fn dynamic_label(&mut self, id: DynamicLabel) {
        self.sync().place(id);
    }

    fn forward_relocation(&mut self, name: &'static str, addend: isize, field: u8, base: u8, kind: X64Relocation) {
        let asm = self.sync();
        let site = asm.site(addend, field, base, kind);
        asm.forward.push((name, site));
    }

    fn backward_relocation(&mut self, name: &'static str, addend: isize, field: u8, base: u8, kind: X64Relocation) {
        let asm = self.sync();
        let site = asm.site(addend, field, base, kind);
        match asm.locals.iter().find(|(n, _)| *n == name) {
            Some(&(_, at)) => asm.patch(site, at),
            None => asm.fail(format!("a backward reference to local label {name}, never placed")),
        }
    }

    fn global_relocation(&mut self, name: &'static str, _: isize, _: u8, _: u8, _: X64Relocation) {
        self.sync().fail(format!("a reference to global label {name} (the compiler uses none)"));
    }

    #[inline]
    fn dynamic_relocation(&mut self, id: DynamicLabel, addend: isize, field: u8, base: u8, kind: X64Relocation) {
        let asm = self.sync();
        let site = asm.site(addend, field, base, kind);
        asm.reference(id, site);
    }

    fn bare_relocation(&mut self, _: usize, _: u8, _: u8, _: X64Relocation) {
        self.sync().fail("a reference to an absolute address (the compiler uses none)".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `rel32` of the jump whose field ends at `end`.
    fn rel32(code: &[u8], end: usize) -> i32 {
        i32::from_le_bytes(code[end - 4..end].try_into().unwrap())
    }

    #[test]
    fn labels_resolve_forward_and_backward_across_growth() {
        let mut asm = Asm::new(0).unwrap();
        let (ahead, back) = (asm.new_dynamic_label(), asm.new_dynamic_label());
        asm.place(back);
        emit!(asm ; .arch x64 ; jmp =>ahead);
        let first = asm.offset();
        // Far more than the 4 KiB reserved: the mapping moves, patched fields and all.
        for _ in 0..10_000 {
            emit!(asm ; .arch x64 ; nop);
        }
        let before = asm.offset();
        emit!(asm ; .arch x64 ; jmp =>back ; test eax, eax ; jne >skip ; nop ; skip: ; =>ahead ; ret);
        let second = before + 5;
        asm.end_function().unwrap();
        let code = asm.finalize(&[]).unwrap();
        let target = code.len() - 1;
        assert_eq!(rel32(&code, first), (target - first) as i32, "the forward jump");
        assert_eq!(rel32(&code, second), -(second as i32), "the backward jump");
        // `jne rel32` (0f 85) over the nop, to the local label.
        assert_eq!(code[second..second + 4], [0x85, 0xc0, 0x0f, 0x85]);
        assert_eq!(rel32(&code, second + 8), 1);
        assert_eq!(code[first..first + 10_000], [0x90; 10_000]);
    }

    #[test]
    fn direct_calls_are_patched_to_prologues() {
        let mut asm = Asm::new(0).unwrap();
        emit!(asm ; .arch x64 ; nop ; nop);
        asm.call_function(1);
        let end = asm.offset();
        asm.end_function().unwrap();
        let code = asm.finalize(&[0, 2]).unwrap();
        assert_eq!(code[2], 0xe8);
        assert_eq!(rel32(&code, end), 2 - end as i32);
    }

    #[test]
    fn an_unplaced_label_or_a_missing_callee_is_an_error() {
        let mut asm = Asm::new(0).unwrap();
        let nowhere = asm.new_dynamic_label();
        emit!(asm ; .arch x64 ; jmp =>nowhere);
        assert!(asm.end_function().is_err());

        let mut asm = Asm::new(0).unwrap();
        emit!(asm ; .arch x64 ; jne >never ; ret);
        assert!(asm.end_function().is_err());

        let mut asm = Asm::new(0).unwrap();
        let l = asm.new_dynamic_label();
        asm.place(l);
        asm.place(l);
        assert!(asm.end_function().is_err(), "a label placed twice");

        let mut asm = Asm::new(0).unwrap();
        asm.call_function(3);
        asm.end_function().unwrap();
        assert!(asm.finalize(&[0]).is_err());
    }

    #[test]
    fn labels_are_per_function() {
        let mut asm = Asm::new(0).unwrap();
        let l = asm.new_dynamic_label();
        asm.place(l);
        emit!(asm ; .arch x64 ; jmp =>l);
        asm.end_function().unwrap();
        // The next function's first label is the same number, undefined again.
        let m = asm.new_dynamic_label();
        assert_eq!(m, l);
        emit!(asm ; .arch x64 ; jmp =>m);
        assert!(asm.end_function().is_err());
    }
}
