//! Memories, tables and globals as the embedder sees them: handles into a store. Every
//! accessor checks that the handle belongs to the store it is given, and is an
//! [`Error::Usage`] otherwise, never another store's entity or a panic.

use crate::store::{AsContext, AsContextMut, GlobalEntity, MemoryEntity, TableEntity, PAGE_SIZE};
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

    /// The memory, if this handle belongs to `ctx`'s store.
    fn entity<'a>(&self, ctx: &'a impl AsContext) -> Result<&'a MemoryEntity, Error> {
        let inner = ctx.store_inner();
        inner.check(self.store)?;
        Ok(&inner.memories[self.index as usize])
    }

    fn entity_mut<'a>(&self, ctx: &'a mut impl AsContextMut) -> Result<&'a mut MemoryEntity, Error> {
        let inner = &mut ctx.store_mut().inner;
        inner.check(self.store)?;
        Ok(&mut inner.memories[self.index as usize])
    }

    pub fn ty(&self, ctx: impl AsContext) -> Result<MemoryType, Error> {
        let m = self.entity(&ctx)?;
        Ok(MemoryType { limits: Limits32 { min: m.pages(), max: m.declared_max } })
    }

    /// Current size in pages.
    pub fn size(&self, ctx: impl AsContext) -> Result<u32, Error> {
        Ok(self.entity(&ctx)?.pages())
    }

    /// The memory's bytes.
    pub fn data<'a, C: AsContext>(&self, ctx: &'a C) -> Result<&'a [u8], Error> {
        Ok(&self.entity(ctx)?.bytes)
    }

    /// The memory's bytes, writable.
    pub fn data_mut<'a, C: AsContextMut>(&self, ctx: &'a mut C) -> Result<&'a mut [u8], Error> {
        Ok(&mut self.entity_mut(ctx)?.bytes)
    }

    /// Grows by `delta` pages; returns the old size.
    pub fn grow(&self, mut ctx: impl AsContextMut, delta: u32) -> Result<u32, Error> {
        self.entity_mut(&mut ctx)?
            .grow(delta)
            .ok_or_else(|| Error::Usage(format!("cannot grow memory by {delta} pages")))
    }

    /// Copies `buf.len()` bytes starting at `offset` into `buf`.
    pub fn read(&self, ctx: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let data = &self.entity(&ctx)?.bytes;
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| Error::Usage("memory read out of bounds".into()))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `buf` into memory at `offset`.
    pub fn write(&self, mut ctx: impl AsContextMut, offset: usize, buf: &[u8]) -> Result<(), Error> {
        let data = &mut self.entity_mut(&mut ctx)?.bytes;
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

    /// The table, if this handle belongs to `ctx`'s store.
    fn entity<'a>(&self, ctx: &'a impl AsContext) -> Result<&'a TableEntity, Error> {
        let inner = ctx.store_inner();
        inner.check(self.store)?;
        Ok(&inner.tables[self.index as usize])
    }

    fn entity_mut<'a>(&self, ctx: &'a mut impl AsContextMut) -> Result<&'a mut TableEntity, Error> {
        let inner = &mut ctx.store_mut().inner;
        inner.check(self.store)?;
        Ok(&mut inner.tables[self.index as usize])
    }

    pub fn ty(&self, ctx: impl AsContext) -> Result<TableType, Error> {
        let t = self.entity(&ctx)?;
        Ok(TableType { element: t.ty.element, limits: Limits32 { min: t.elements.len() as u32, max: t.ty.limits.max } })
    }

    pub fn size(&self, ctx: impl AsContext) -> Result<u32, Error> {
        Ok(self.entity(&ctx)?.elements.len() as u32)
    }

    /// Element `index`; `None` if it is out of bounds.
    pub fn get(&self, ctx: impl AsContext, index: u32) -> Result<Option<Val>, Error> {
        let t = self.entity(&ctx)?;
        Ok(t.elements.get(index as usize).map(|c| from_cell(t.ty.element, *c, self.store)))
    }

    pub fn set(&self, mut ctx: impl AsContextMut, index: u32, value: Val) -> Result<(), Error> {
        let t = self.entity_mut(&mut ctx)?;
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
        let t = self.entity_mut(&mut ctx)?;
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

    /// The global, if this handle belongs to `ctx`'s store.
    fn entity<'a>(&self, ctx: &'a impl AsContext) -> Result<&'a GlobalEntity, Error> {
        let inner = ctx.store_inner();
        inner.check(self.store)?;
        Ok(&inner.globals[self.index as usize])
    }

    pub fn ty(&self, ctx: impl AsContext) -> Result<GlobalType, Error> {
        Ok(self.entity(&ctx)?.ty)
    }

    pub fn get(&self, ctx: impl AsContext) -> Result<Val, Error> {
        let g = self.entity(&ctx)?;
        Ok(from_cell(g.ty.content, g.value, self.store))
    }

    pub fn set(&self, mut ctx: impl AsContextMut, value: Val) -> Result<(), Error> {
        let inner = &mut ctx.store_mut().inner;
        inner.check(self.store)?;
        let g = &mut inner.globals[self.index as usize];
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
