//! Bulk memory and table operations. Bounds are checked in `u64` before anything is written,
//! so an operation either completes or traps with no effect.

use crate::store::TableEntity;
use crate::TrapCode;

fn range(len: usize, start: u64, n: u64, trap: TrapCode) -> Result<std::ops::Range<usize>, TrapCode> {
    let start = start as u32 as u64;
    let end = start + n as u32 as u64;
    if end > len as u64 {
        return Err(trap);
    }
    Ok(start as usize..end as usize)
}

pub(super) fn memory_fill(mem: &mut [u8], dst: u64, value: u64, n: u64) -> Result<(), TrapCode> {
    let r = range(mem.len(), dst, n, TrapCode::MemoryOutOfBounds)?;
    mem[r].fill(value as u8);
    Ok(())
}

pub(super) fn memory_copy(mem: &mut [u8], dst: u64, src: u64, n: u64) -> Result<(), TrapCode> {
    let d = range(mem.len(), dst, n, TrapCode::MemoryOutOfBounds)?;
    let s = range(mem.len(), src, n, TrapCode::MemoryOutOfBounds)?;
    mem.copy_within(s, d.start);
    Ok(())
}

pub(super) fn memory_init(mem: &mut [u8], data: &[u8], dst: u64, src: u64, n: u64) -> Result<(), TrapCode> {
    let d = range(mem.len(), dst, n, TrapCode::MemoryOutOfBounds)?;
    let s = range(data.len(), src, n, TrapCode::MemoryOutOfBounds)?;
    mem[d].copy_from_slice(&data[s]);
    Ok(())
}

pub(super) fn table_fill(elements: &mut [u64], dst: u64, value: u64, n: u64) -> Result<(), TrapCode> {
    let r = range(elements.len(), dst, n, TrapCode::TableOutOfBounds)?;
    elements[r].fill(value);
    Ok(())
}

pub(super) fn table_copy(
    tables: &mut [TableEntity],
    dst_table: usize,
    src_table: usize,
    dst: u64,
    src: u64,
    n: u64,
) -> Result<(), TrapCode> {
    let d = range(tables[dst_table].elements.len(), dst, n, TrapCode::TableOutOfBounds)?;
    let s = range(tables[src_table].elements.len(), src, n, TrapCode::TableOutOfBounds)?;
    if dst_table == src_table {
        tables[dst_table].elements.copy_within(s, d.start);
    } else {
        let (lo, hi) = tables.split_at_mut(dst_table.max(src_table));
        let (dst_t, src_t) =
            if dst_table < src_table { (&mut lo[dst_table], &hi[0]) } else { (&mut hi[0], &lo[src_table]) };
        dst_t.elements[d].copy_from_slice(&src_t.elements[s]);
    }
    Ok(())
}

pub(super) fn table_init(elements: &mut [u64], seg: &[u64], dst: u64, src: u64, n: u64) -> Result<(), TrapCode> {
    let d = range(elements.len(), dst, n, TrapCode::TableOutOfBounds)?;
    let s = range(seg.len(), src, n, TrapCode::TableOutOfBounds)?;
    elements[d].copy_from_slice(&seg[s]);
    Ok(())
}
