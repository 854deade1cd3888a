//! Memories, tables and globals as the embedder sees them: handles into a store.

use crate::store::{AsContext, AsContextMut, PAGE_SIZE};
use crate::value::{from_cell, to_cell, GlobalType, Limits32, MemoryType, TableType, Val};
use crate::Error;

/// A linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Memory {
    /// A new memory of `ty.limits.min` zeroed pages.
    pub fn new(mut ctx: impl AsContextMut, ty: MemoryType) -> Result<Self, Error> {
        let inner = &mut ctx.store_mut().inner;
        let index = inner.alloc_memory(ty.limits.min, ty.limits.max)?;
        Ok(Self { store: inner.id, index })
    }

    fn entity<'a>(&self, ctx: &'a impl AsContext) -> &'a crate::store::MemoryEntity {
        &ctx.store_inner().memories[self.index as usize]
    }

    pub fn ty(&self, ctx: impl AsContext) -> MemoryType {
        let m = self.entity(&ctx);
        MemoryType { limits: Limits32 { min: m.pages(), max: m.declared_max } }
    }

    /// Current size in pages.
    pub fn size(&self, ctx: impl AsContext) -> u32 {
        self.entity(&ctx).pages()
    }

    /// The memory's bytes.
    pub fn data<'a, C: AsContext>(&self, ctx: &'a C) -> &'a [u8] {
        &self.entity(ctx).bytes
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a, C: AsContextMut>(&self, ctx: &'a mut C) -> &'a mut [u8] {
        &mut ctx.store_mut().inner.memories[self.index as usize].bytes
    }

    /// Grows by `delta` pages; returns the old size.
    pub fn grow(&self, mut ctx: impl AsContextMut, delta: u32) -> Result<u32, Error> {
        ctx.store_mut().inner.memories[self.index as usize]
            .grow(delta)
            .ok_or_else(|| Error::Usage(format!("cannot grow memory by {delta} pages")))
    }

    /// Copies `buf.len()` bytes starting at `offset` into `buf`.
    pub fn read(&self, ctx: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let data = &self.entity(&ctx).bytes;
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| Error::Usage("memory read out of bounds".into()))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write(&self, mut ctx: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<(), Error> {
        let data = &mut ctx.store_mut().inner.memories[self.index as usize].bytes;
        let dst = offset
            .checked_add(buf.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or_else(|| Error::Usage("memory write out of bounds".into()))?;
        dst.copy_from_slice(buf);
        Ok(())
    }

    /// Page size in bytes.
    pub const PAGE_SIZE: usize = PAGE_SIZE;
}

/// A table of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Table {
    /// A new table of `ty.limits.min` elements, each `init`.
    pub fn new(mut ctx: impl AsContextMut, ty: TableType, init: Val) -> Result<Self, Error> {
        if init.ty() != ty.element {
            return Err(Error::Usage("table initializer has the wrong type".into()));
        }
        let inner = &mut ctx.store_mut().inner;
        let index = inner.alloc_table(ty, to_cell(&init))?;
        Ok(Self { store: inner.id, index })
    }

    pub fn ty(&self, ctx: impl AsContext) -> TableType {
        let t = &ctx.store_inner().tables[self.index as usize];
        TableType { element: t.ty.element, limits: Limits32 { min: t.elements.len() as u32, max: t.ty.limits.max } }
    }

    pub fn size(&self, ctx: impl AsContext) -> u32 {
        ctx.store_inner().tables[self.index as usize].elements.len() as u32
    }

    pub fn get(&self, ctx: impl AsContext, index: u32) -> Option<Val> {
        let inner = ctx.store_inner();
        let t = &inner.tables[self.index as usize];
        t.elements.get(index as usize).map(|c| from_cell(t.ty.element, *c, inner.id))
    }

    pub fn set(&self, mut ctx: impl AsContextMut, index: u32, value: Val) -> Result<(), Error> {
        let t = &mut ctx.store_mut().inner.tables[self.index as usize];
        if value.ty() != t.ty.element {
            return Err(Error::Usage("table element has the wrong type".into()));
        }
        let slot =
            t.elements.get_mut(index as usize).ok_or_else(|| Error::Usage("table index out of bounds".into()))?;
        *slot = to_cell(&value);
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow(&self, mut ctx: impl AsContextMut, delta: u32, init: Val) -> Result<u32, Error> {
        let t = &mut ctx.store_mut().inner.tables[self.index as usize];
        if init.ty() != t.ty.element {
            return Err(Error::Usage("table initializer has the wrong type".into()));
        }
        t.grow(delta, to_cell(&init)).ok_or_else(|| Error::Usage(format!("cannot grow table by {delta}")))
    }
}

/// A global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: u32,
    pub(crate) index: u32,
}

impl Global {
    pub fn new(mut ctx: impl AsContextMut, value: Val, mutable: bool) -> Self {
        let inner = &mut ctx.store_mut().inner;
        let ty = GlobalType { content: value.ty(), mutable };
        let index = inner.alloc_global(ty, to_cell(&value));
        Self { store: inner.id, index }
    }

    pub fn ty(&self, ctx: impl AsContext) -> GlobalType {
        ctx.store_inner().globals[self.index as usize].ty
    }

    pub fn get(&self, ctx: impl AsContext) -> Val {
        let inner = ctx.store_inner();
        let g = &inner.globals[self.index as usize];
        from_cell(g.ty.content, g.value, inner.id)
    }

    pub fn set(&self, mut ctx: impl AsContextMut, value: Val) -> Result<(), Error> {
        let g = &mut ctx.store_mut().inner.globals[self.index as usize];
        if !g.ty.mutable {
            return Err(Error::Usage("global is immutable".into()));
        }
        if value.ty() != g.ty.content {
            return Err(Error::Usage("global value has the wrong type".into()));
        }
        g.value = to_cell(&value);
        Ok(())
    }
}
