//! Control flow and calls of the dense random generator: opening and closing blocks, loops
//! and ifs (with multi-value types), br/br_if/br_table, calls, call_indirect, bulk memory.

use std::borrow::Cow;

use wasm_encoder::{BlockType, Instruction as I, ValType};

use super::{sig_of, Frame, Gen, Kind, VALS};

impl Gen<'_> {
    pub(super) fn open(&mut self) {
        let k = self.rng.below(self.avail().min(2) + 1);
        let params = self.stack[self.stack.len() - k..].to_vec();
        let results: Vec<ValType> = (0..self.rng.below(3)).map(|_| self.rng.pick(&VALS)).collect();
        let bt = match (params.len(), results.len()) {
            (0, 0) => BlockType::Empty,
            (0, 1) => BlockType::Result(results[0]),
            _ => BlockType::FunctionType(self.mb.ty(&params, &results)),
        };
        let kind = match self.rng.below(3) {
            0 => Kind::Block,
            1 => Kind::Loop,
            _ => Kind::If,
        };
        let height = self.stack.len() - k;
        match kind {
            Kind::Block => {
                self.f.instruction(&I::Block(bt));
            }
            Kind::Loop => {
                self.f.instruction(&I::Loop(bt));
            }
            _ => {
                self.leaf(ValType::I32);
                self.f.instruction(&I::If(bt));
                self.pop(1);
            }
        }
        self.frames.push(Frame { kind, params, results, height });
    }

    /// Brings the current frame's values to exactly `ts`.
    pub(super) fn fix(&mut self, ts: &[ValType]) {
        let h = self.frame().height;
        if self.stack[h..] == *ts {
            return;
        }
        let common = self.stack[h..].iter().zip(ts).take_while(|(a, b)| a == b).count();
        while self.stack.len() > h + common {
            self.f.instruction(&I::Drop);
            self.pop(1);
        }
        self.leaves(&ts[common..]);
    }

    /// Ends the current frame's arm (or the function) in reachable code.
    pub(super) fn close(&mut self) {
        let results = self.frame().results.clone();
        self.fix(&results);
        self.finish_frame();
    }

    /// After `end` or `else` is due in reachable code: an `if` without else may end directly
    /// when its parameters equal its results.
    pub(super) fn finish_frame(&mut self) {
        let frame = self.frames.last().expect("a frame");
        let to_else = frame.kind == Kind::If && (frame.params != frame.results || self.rng.chance(50));
        self.end_arm(to_else);
    }

    /// After an unconditional transfer: the rest of the arm would be unreachable, so end it.
    pub(super) fn unreachable_now(&mut self) {
        let is_if = self.frames.last().expect("a frame").kind == Kind::If;
        self.end_arm(is_if);
    }

    /// Emits `else` (turning the `if` frame into its else arm) or `end` (popping the frame).
    pub(super) fn end_arm(&mut self, to_else: bool) {
        if to_else {
            let frame = self.frames.last_mut().expect("a frame");
            frame.kind = Kind::Else;
            let (h, params) = (frame.height, frame.params.clone());
            self.f.instruction(&I::Else);
            self.stack.truncate(h);
            self.stack.extend(params);
            return;
        }
        let frame = self.frames.pop().expect("a frame");
        self.f.instruction(&I::End);
        self.stack.truncate(frame.height);
        self.stack.extend(frame.results);
        self.done = self.frames.is_empty();
    }

    pub(super) fn label(&mut self) -> (u32, Vec<ValType>) {
        let d = self.rng.below(self.frames.len());
        let frame = &self.frames[self.frames.len() - 1 - d];
        (d as u32, frame.label().to_vec())
    }

    pub(super) fn br_if(&mut self) {
        let (d, ts) = self.label();
        self.leaves(&ts);
        self.leaf(ValType::I32);
        self.f.instruction(&I::BrIf(d));
        self.pop(1);
    }

    pub(super) fn br(&mut self) {
        let (d, ts) = self.label();
        self.leaves(&ts);
        self.f.instruction(&I::Br(d));
        self.unreachable_now();
    }

    pub(super) fn br_table(&mut self) {
        let (d, ts) = self.label();
        let same: Vec<u32> = (0..self.frames.len())
            .filter(|&k| self.frames[self.frames.len() - 1 - k].label() == ts.as_slice())
            .map(|k| k as u32)
            .collect();
        let targets: Vec<u32> = (0..1 + self.rng.below(12)).map(|_| self.rng.pick(&same)).collect();
        self.leaves(&ts);
        self.leaf(ValType::I32);
        self.f.instruction(&I::BrTable(Cow::Owned(targets), d));
        self.unreachable_now();
    }

    pub(super) fn call(&mut self) {
        if self.callable == 0 {
            return;
        }
        let callee = self.rng.below(self.callable as usize) as u32;
        let (p, r) = self.sigs[sig_of(callee, self.sigs.len())].clone();
        self.leaves(&p);
        self.f.instruction(&I::Call(callee));
        self.pop(p.len());
        self.stack.extend(r);
    }

    pub(super) fn call_indirect(&mut self) {
        let s = self.rng.below(self.sigs.len());
        let (p, r) = self.sigs[s].clone();
        let ty = self.mb.ty(&p, &r);
        self.leaves(&p);
        self.f.instruction(&I::I32Const(self.rng.below(16) as i32));
        self.f.instruction(&I::CallIndirect { type_index: ty, table_index: 0 });
        self.pop(p.len());
        self.stack.extend(r);
    }

    pub(super) fn bulk(&mut self) {
        match self.rng.below(4) {
            0 => {
                self.f.instruction(&I::MemorySize(0));
                self.stack.push(ValType::I32);
            }
            1 => {
                self.leaf(ValType::I32);
                self.f.instruction(&I::MemoryGrow(0));
            }
            2 => {
                self.leaves(&[ValType::I32; 3]);
                self.f.instruction(&I::MemoryFill(0));
                self.pop(3);
            }
            _ => {
                self.leaves(&[ValType::I32; 3]);
                self.f.instruction(&I::MemoryCopy { src_mem: 0, dst_mem: 0 });
                self.pop(3);
            }
        }
    }
}
