//! Prepared modules as bytes: a versioned binary format, so a node can store a module once
//! prepared and load it later without validating or translating again.
//!
//! Guarantees: loading never panics and never yields a module the executor could index out of
//! bounds. A loaded artifact must carry the loading engine's fingerprint (gasket version,
//! limits, gas schedule, float policy), match its SHA-256 checksum, decode completely, pass
//! structural index checks, and pass the IR verifier. Anything else is `Error::Artifact`.
//!
//! Layout: `MAGIC`, format version (u32), engine fingerprint (32 bytes), payload, SHA-256 of
//! everything before it (32 bytes). Integers are little-endian; sequences are length-prefixed.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::ir::{Instr, Op};
use crate::module::{ConstExpr, DataSegment, ElemMode, ElemSegment, Export, ExternKind, ModuleInner, ModuleStats};
use crate::translate::CompiledFunc;
use crate::value::{FuncType, GlobalType, Limits32, MemoryType, TableType, ValType};
use crate::{Engine, Error, Module};

const MAGIC: &[u8; 8] = b"GSKTART\0";
/// Bumped whenever the layout or the IR changes meaning.
pub const ARTIFACT_FORMAT_VERSION: u32 = 5;

fn err(what: impl Into<String>) -> Error {
    Error::Artifact(what.into())
}

// ------------------------------------------------------------------------------- writing

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
    fn ty(&mut self, t: ValType) {
        self.u8(match t {
            ValType::I32 => 0,
            ValType::I64 => 1,
            ValType::F32 => 2,
            ValType::F64 => 3,
            ValType::FuncRef => 4,
            ValType::ExternRef => 5,
        });
    }
    fn limits(&mut self, l: Limits32) {
        self.u32(l.min);
        match l.max {
            Some(m) => {
                self.u8(1);
                self.u32(m)
            }
            None => self.u8(0),
        }
    }
    fn expr(&mut self, e: ConstExpr) {
        match e {
            ConstExpr::Value(v) => {
                self.u8(0);
                self.u64(v)
            }
            ConstExpr::RefFunc(f) => {
                self.u8(1);
                self.u32(f)
            }
            ConstExpr::GlobalGet(g) => {
                self.u8(2);
                self.u32(g)
            }
        }
    }
    fn kind(&mut self, k: ExternKind) {
        self.u8(k as u8);
    }
}

impl Module {
    /// Serializes the prepared module (see the module docs for the format).
    pub fn serialize(&self) -> Vec<u8> {
        let m = &self.inner;
        let mut w = W(Vec::with_capacity(64 + m.code.len() * 16));
        w.0.extend_from_slice(MAGIC);
        w.u32(ARTIFACT_FORMAT_VERSION);
        w.0.extend_from_slice(&self.engine.fingerprint());
        w.len(m.types.len());
        for t in &m.types {
            w.len(t.params().len());
            t.params().iter().for_each(|p| w.ty(*p));
            w.len(t.results().len());
            t.results().iter().for_each(|r| w.ty(*r));
        }
        w.len(m.funcs.len());
        m.funcs.iter().for_each(|f| w.u32(*f));
        w.len(m.tables.len());
        for t in &m.tables {
            w.ty(t.element);
            w.limits(t.limits);
        }
        w.len(m.memories.len());
        m.memories.iter().for_each(|mem| w.limits(mem.limits));
        w.len(m.globals.len());
        for g in &m.globals {
            w.ty(g.content);
            w.u8(g.mutable as u8);
        }
        w.len(m.global_inits.len());
        m.global_inits.iter().for_each(|e| w.expr(*e));
        w.len(m.imports.len());
        for i in &m.imports {
            w.bytes(m.name(i.module).as_bytes());
            w.bytes(m.name(i.name).as_bytes());
            w.kind(i.kind);
            w.u32(i.index);
        }
        w.len(m.exports.len());
        for e in &m.exports {
            w.bytes(e.name.as_bytes());
            w.kind(e.kind);
            w.u32(e.index);
        }
        match m.start {
            Some(s) => {
                w.u8(1);
                w.u32(s)
            }
            None => w.u8(0),
        }
        w.len(m.elems.len());
        for seg in &m.elems {
            match seg.mode {
                ElemMode::Passive => w.u8(0),
                ElemMode::Active { table, offset } => {
                    w.u8(1);
                    w.u32(table);
                    w.expr(offset);
                }
                ElemMode::Declared => w.u8(2),
            }
            w.len(seg.items.len());
            seg.items.iter().for_each(|e| w.expr(*e));
        }
        w.len(m.datas.len());
        for d in &m.datas {
            match d.offset {
                Some(e) => {
                    w.u8(1);
                    w.expr(e)
                }
                None => w.u8(0),
            }
            w.bytes(&d.bytes);
        }
        for n in [m.num_imported_funcs, m.num_imported_tables, m.num_imported_memories, m.num_imported_globals] {
            w.u32(n);
        }
        w.len(m.code.len());
        for i in m.code.iter() {
            w.0.extend_from_slice(&(i.op as u16).to_le_bytes());
            w.0.extend_from_slice(&i.branch_gas.to_le_bytes());
            w.u32(i.a);
            w.u32(i.b);
            w.u32(i.c);
        }
        w.len(m.br_targets.len());
        for t in &m.br_targets {
            w.u32(*t);
        }
        w.len(m.compiled.len());
        for f in &m.compiled {
            w.u32(f.entry);
            w.u32(f.params);
            w.u32(f.locals);
            w.u32(f.frame_size);
            w.u64(f.entry_cost);
        }
        stats_fields(&m.stats).iter().for_each(|v| w.u64(*v));
        let checksum: [u8; 32] = Sha256::digest(&w.0).into();
        w.0.extend_from_slice(&checksum);
        w.0
    }

    /// Loads a module serialized by [`Module::serialize`] under an engine with the same
    /// fingerprint. Never validates or translates; checks everything it needs to be safe.
    pub fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        let (body, checksum) =
            bytes.len().checked_sub(32).map(|n| bytes.split_at(n)).ok_or_else(|| err("truncated"))?;
        if Sha256::digest(body).as_slice() != checksum {
            return Err(err("checksum mismatch"));
        }
        let mut r = R { b: body, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(err("not a gasket artifact"));
        }
        let version = r.u32()?;
        if version != ARTIFACT_FORMAT_VERSION {
            return Err(err(format!("format version {version}, expected {ARTIFACT_FORMAT_VERSION}")));
        }
        if r.take(32)? != engine.fingerprint() {
            return Err(err("prepared by an engine with another fingerprint"));
        }
        let mut m = read_module(&mut r)?;
        if r.at != r.b.len() {
            return Err(err("trailing bytes"));
        }
        check_indices(&m)?;
        crate::verify::verify(&m).map_err(err)?;
        // Artifacts hold the IR only; native code is generated from the verified IR here.
        m.compile_for(engine)?;
        Ok(Module { inner: Arc::new(m), engine: engine.clone() })
    }
}

fn stats_fields(s: &ModuleStats) -> [u64; 21] {
    [
        s.bytes,
        s.types,
        s.imports,
        s.exports,
        s.functions,
        s.globals,
        s.tables,
        s.memories,
        s.data_segments,
        s.element_segments,
        s.locals_total,
        s.max_locals_per_function,
        s.max_function_body_bytes,
        s.max_block_depth,
        s.max_br_table_targets,
        s.max_params,
        s.max_results,
        s.max_table_elements,
        s.max_memory_pages,
        s.ir_instructions,
        s.max_value_traffic_per_byte,
    ]
}

// ------------------------------------------------------------------------------- reading

struct R<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.b.len()).ok_or_else(|| err("truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        let mut a = [0; 2];
        a.copy_from_slice(self.take(2)?);
        Ok(u16::from_le_bytes(a))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        let mut a = [0; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }
    fn u64(&mut self) -> Result<u64, Error> {
        let mut a = [0; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    /// A sequence length, bounded by the bytes left (each element takes at least one byte), so
    /// a corrupt length cannot cause a huge allocation.
    fn len(&mut self) -> Result<usize, Error> {
        let n = self.u32()? as usize;
        if n > self.b.len() - self.at {
            return Err(err("length beyond the end"));
        }
        Ok(n)
    }
    fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.len()?;
        self.take(n)
    }
    /// A name, borrowed from the artifact.
    fn str(&mut self) -> Result<&'a str, Error> {
        std::str::from_utf8(self.bytes()?).map_err(|_| err("name is not UTF-8"))
    }
    fn string(&mut self) -> Result<Box<str>, Error> {
        self.str().map(Into::into)
    }
    fn ty(&mut self) -> Result<ValType, Error> {
        Ok(match self.u8()? {
            0 => ValType::I32,
            1 => ValType::I64,
            2 => ValType::F32,
            3 => ValType::F64,
            4 => ValType::FuncRef,
            5 => ValType::ExternRef,
            t => return Err(err(format!("bad value type {t}"))),
        })
    }
    fn limits(&mut self) -> Result<Limits32, Error> {
        let min = self.u32()?;
        let max = match self.u8()? {
            0 => None,
            1 => Some(self.u32()?),
            _ => return Err(err("bad limits")),
        };
        Ok(Limits32 { min, max })
    }
    fn expr(&mut self) -> Result<ConstExpr, Error> {
        Ok(match self.u8()? {
            0 => ConstExpr::Value(self.u64()?),
            1 => ConstExpr::RefFunc(self.u32()?),
            2 => ConstExpr::GlobalGet(self.u32()?),
            _ => return Err(err("bad constant expression")),
        })
    }
    fn kind(&mut self) -> Result<ExternKind, Error> {
        Ok(match self.u8()? {
            0 => ExternKind::Func,
            1 => ExternKind::Table,
            2 => ExternKind::Memory,
            3 => ExternKind::Global,
            _ => return Err(err("bad extern kind")),
        })
    }
    fn seq<T>(&mut self, mut f: impl FnMut(&mut Self) -> Result<T, Error>) -> Result<Vec<T>, Error> {
        let n = self.len()?;
        (0..n).map(|_| f(self)).collect()
    }
}

fn read_module(r: &mut R<'_>) -> Result<ModuleInner, Error> {
    let raw_imports: Vec<(&str, &str, ExternKind, u32)>;
    let mut m = ModuleInner {
        types: r.seq(|r| {
            let params = r.seq(R::ty)?;
            let results = r.seq(R::ty)?;
            Ok(FuncType::new(params, results))
        })?,
        funcs: r.seq(R::u32)?,
        tables: r.seq(|r| Ok(TableType { element: r.ty()?, limits: r.limits()? }))?,
        memories: r.seq(|r| Ok(MemoryType { limits: r.limits()? }))?,
        globals: r.seq(|r| Ok(GlobalType { content: r.ty()?, mutable: r.u8()? != 0 }))?,
        global_inits: r.seq(R::expr)?,
        // Read in place, kept in `names` once the module exists (below).
        imports: {
            raw_imports = r.seq(|r| Ok((r.str()?, r.str()?, r.kind()?, r.u32()?)))?;
            Vec::new()
        },
        exports: r.seq(|r| Ok(Export { name: r.string()?, kind: r.kind()?, index: r.u32()? }))?,
        ..ModuleInner::default()
    };
    for (module, name, kind, index) in &raw_imports {
        // `add_import` keeps 32-bit offsets, as a module's size guarantees; an artifact must too.
        if m.names.len() + module.len() + name.len() > u32::MAX as usize {
            return Err(err("import names too long"));
        }
        m.add_import(module, name, *kind, *index);
    }
    m.start = match r.u8()? {
        0 => None,
        1 => Some(r.u32()?),
        _ => return Err(err("bad start")),
    };
    m.elems = r.seq(|r| {
        let mode = match r.u8()? {
            0 => ElemMode::Passive,
            1 => ElemMode::Active { table: r.u32()?, offset: r.expr()? },
            2 => ElemMode::Declared,
            _ => return Err(err("bad element mode")),
        };
        Ok(ElemSegment { mode, items: r.seq(R::expr)?.into() })
    })?;
    m.datas = r.seq(|r| {
        let offset = match r.u8()? {
            0 => None,
            1 => Some(r.expr()?),
            _ => return Err(err("bad data mode")),
        };
        Ok(DataSegment { offset, bytes: r.bytes()?.into() })
    })?;
    m.num_imported_funcs = r.u32()?;
    m.num_imported_tables = r.u32()?;
    m.num_imported_memories = r.u32()?;
    m.num_imported_globals = r.u32()?;
    m.code.instrs = r.seq(|r| {
        let op = r.u16()?;
        let op = Op::from_u16(op).ok_or_else(|| err(format!("bad opcode {op}")))?;
        let branch_gas = r.u16()?;
        let mut i = Instr::new(op, r.u32()?, r.u32()?, r.u32()?);
        i.branch_gas = branch_gas;
        Ok(i)
    })?;
    m.br_targets = r.seq(|r| r.u32())?;
    m.compiled = r.seq(|r| {
        Ok(CompiledFunc {
            entry: r.u32()?,
            params: r.u32()?,
            locals: r.u32()?,
            frame_size: r.u32()?,
            entry_cost: r.u64()?,
        })
    })?;
    let mut s = [0u64; 21];
    for v in &mut s {
        *v = r.u64()?;
    }
    let [bytes, types, imports, exports, functions, globals, tables, memories, data_segments, element_segments, locals_total, max_locals_per_function, max_function_body_bytes, max_block_depth, max_br_table_targets, max_params, max_results, max_table_elements, max_memory_pages, ir_instructions, max_value_traffic_per_byte] =
        s;
    m.stats = ModuleStats {
        bytes,
        types,
        imports,
        exports,
        functions,
        globals,
        tables,
        memories,
        data_segments,
        element_segments,
        locals_total,
        max_locals_per_function,
        max_function_body_bytes,
        max_block_depth,
        max_br_table_targets,
        max_params,
        max_results,
        max_table_elements,
        max_memory_pages,
        ir_instructions,
        max_value_traffic_per_byte,
    };
    Ok(m)
}

/// The index facts instantiation relies on, which validation established for the original.
fn check_indices(m: &ModuleInner) -> Result<(), Error> {
    let bad = |what: &str| Err(err(format!("index out of range: {what}")));
    let (nf, nt, nm, ng) = (m.funcs.len(), m.tables.len(), m.memories.len(), m.globals.len());
    if m.num_imported_funcs as usize > nf
        || m.num_imported_tables as usize > nt
        || m.num_imported_memories as usize > nm
        || m.num_imported_globals as usize > ng
        || nm > 1
    {
        return bad("imported counts");
    }
    // Imports fill each index space from 0, in order.
    let mut next = [0u32; 4];
    for i in &m.imports {
        let k = i.kind as usize;
        let limit = [m.num_imported_funcs, m.num_imported_tables, m.num_imported_memories, m.num_imported_globals][k];
        if i.index != next[k] || i.index >= limit {
            return bad("import");
        }
        next[k] += 1;
    }
    if next != [m.num_imported_funcs, m.num_imported_tables, m.num_imported_memories, m.num_imported_globals] {
        return bad("import count");
    }
    let in_space = |k: ExternKind, i: u32| (i as usize) < [nf, nt, nm, ng][k as usize];
    if m.exports.iter().any(|e| !in_space(e.kind, e.index)) {
        return bad("export");
    }
    if m.start.is_some_and(|s| s as usize >= nf) {
        return bad("start");
    }
    if m.global_inits.len() != ng - m.num_imported_globals as usize {
        return bad("global initializers");
    }
    let expr_ok = |e: &ConstExpr| match *e {
        ConstExpr::Value(_) => true,
        ConstExpr::RefFunc(f) => (f as usize) < nf,
        ConstExpr::GlobalGet(g) => (g as usize) < ng,
    };
    if !m.global_inits.iter().all(expr_ok) {
        return bad("global initializer");
    }
    for seg in &m.elems {
        if let ElemMode::Active { table, offset } = &seg.mode {
            if *table as usize >= nt || !expr_ok(offset) {
                return bad("element segment");
            }
        }
        if !seg.items.iter().all(expr_ok) {
            return bad("element item");
        }
    }
    for d in &m.datas {
        if d.offset.is_some_and(|e| !expr_ok(&e) || nm == 0) {
            return bad("data segment");
        }
    }
    Ok(())
}
