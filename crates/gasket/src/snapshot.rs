//! Store snapshots: the state of every memory, table, global and instance of a store, taken
//! once (typically right after instantiation) and restored before each reuse, so that an
//! instance can serve many runs and each starts exactly as a fresh instantiation would.
//!
//! Guarantees: after [`Store::restore`], memories have the snapshot's size and bytes, tables
//! the snapshot's elements, globals their values, and instances their dropped data and
//! element segments; the store's gas and host state are not touched. A memory is kept as its
//! non-zero 4 KiB chunks. Restoring a small memory zeroes it in place and writes those chunks
//! back; a memory of [`FRESH_BYTES`] or more is replaced by a newly allocated zeroed one (as
//! instantiation allocates it: the system hands out large zeroed allocations as untouched
//! pages, so only the pages a run touches cost anything) before the chunks are written.
//! Restoring a snapshot into a store that has gained or lost entities since, or into another
//! store, is an error.

use crate::store::Store;
use crate::Error;

/// Granularity of a memory image: runs of chunks with a non-zero byte are kept.
const CHUNK: usize = 4096;

/// Memories of at least this many bytes are restored by a fresh zeroed allocation rather than
/// by zeroing in place. Measured with `gasket-bench pool`: in-place zeroing of a 1 MiB memory
/// cost more than the whole fresh instantiation (glibc serves allocations this large with
/// `mmap`, whose pages are zeroed lazily by the kernel on first touch), while a 64 KiB memory
/// comes from the heap either way and is cheaper to clear where it is.
const FRESH_BYTES: usize = 256 << 10;

/// A memory's contents: its length, and the runs of 4 KiB chunks that hold a non-zero byte,
/// as (byte offset, bytes), in increasing order and not adjacent.
#[derive(Debug, Clone)]
struct MemoryImage {
    len: usize,
    runs: Vec<(usize, Vec<u8>)>,
}

impl MemoryImage {
    fn of(bytes: &[u8]) -> Self {
        let mut runs: Vec<(usize, Vec<u8>)> = Vec::new();
        for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
            if is_zero(chunk) {
                continue;
            }
            let at = i * CHUNK;
            match runs.last_mut() {
                Some((start, run)) if *start + run.len() == at => run.extend_from_slice(chunk),
                _ => runs.push((at, chunk.to_vec())),
            }
        }
        Self { len: bytes.len(), runs }
    }

    /// Writes the image into `bytes`, which holds zeroes beyond its first `dirty` bytes and
    /// at least `self.len` bytes in all.
    fn write(&self, bytes: &mut [u8], dirty: usize) {
        let mut end = 0;
        for (at, run) in &self.runs {
            clear(&mut bytes[end.min(dirty)..(*at).min(dirty)]);
            bytes[*at..*at + run.len()].copy_from_slice(run);
            end = *at + run.len();
        }
        if end < dirty {
            clear(&mut bytes[end..dirty]);
        }
    }
}

/// Zeroes `bytes`, writing only the chunks that hold a non-zero byte (reading is cheaper
/// than writing, and a run leaves most of a memory as it found it).
fn clear(bytes: &mut [u8]) {
    for chunk in bytes.chunks_mut(CHUNK) {
        if !is_zero(chunk) {
            chunk.fill(0);
        }
    }
}

/// The restorable state of a store ([`Store::snapshot`]).
#[derive(Debug, Clone)]
pub struct StoreSnapshot {
    store: u32,
    funcs: usize,
    hosts: usize,
    memories: Vec<MemoryImage>,
    memory_bytes: usize,
    tables: Vec<Vec<u64>>,
    globals: Vec<u64>,
    instances: Vec<(Vec<bool>, Vec<Vec<u64>>)>,
}

impl StoreSnapshot {
    /// Bytes of memory the snapshot's memories have (what a restored store holds).
    pub fn memory_bytes(&self) -> usize {
        self.memory_bytes
    }
}

impl<T> Store<T> {
    /// The current state of every memory, table, global and instance of this store.
    pub fn snapshot(&self) -> StoreSnapshot {
        let i = &self.inner;
        StoreSnapshot {
            store: i.id,
            funcs: i.funcs.len(),
            hosts: self.hosts.len(),
            memories: i.memories.iter().map(|m| MemoryImage::of(&m.bytes)).collect(),
            memory_bytes: i.memories.iter().map(|m| m.bytes.len()).sum(),
            tables: i.tables.iter().map(|t| t.elements.clone()).collect(),
            globals: i.globals.iter().map(|g| g.value).collect(),
            instances: i.instances.iter().map(|x| (x.data_dropped.clone(), x.elems.clone())).collect(),
        }
    }

    /// Puts this store back into the state of `snapshot`, taken from this store.
    pub fn restore(&mut self, snapshot: &StoreSnapshot) -> Result<(), Error> {
        let i = &mut self.inner;
        let same_shape = snapshot.store == i.id
            && snapshot.funcs == i.funcs.len()
            && snapshot.hosts == self.hosts.len()
            && snapshot.memories.len() == i.memories.len()
            && snapshot.tables.len() == i.tables.len()
            && snapshot.globals.len() == i.globals.len()
            && snapshot.instances.len() == i.instances.len();
        if !same_shape {
            return Err(Error::Usage("snapshot of another store, or of this store before it changed shape".into()));
        }
        for (m, image) in i.memories.iter_mut().zip(&snapshot.memories) {
            let dirty = if image.len >= FRESH_BYTES {
                m.bytes = Vec::new();
                m.bytes = vec![0; image.len];
                0
            } else {
                let dirty = m.bytes.len().min(image.len);
                m.bytes.resize(image.len, 0);
                dirty
            };
            image.write(&mut m.bytes, dirty);
        }
        for (t, elements) in i.tables.iter_mut().zip(&snapshot.tables) {
            t.elements.clone_from(elements);
        }
        for (g, value) in i.globals.iter_mut().zip(&snapshot.globals) {
            g.value = *value;
        }
        for (x, (dropped, elems)) in i.instances.iter_mut().zip(&snapshot.instances) {
            x.data_dropped.clone_from(dropped);
            x.elems.clone_from(elems);
        }
        Ok(())
    }
}

/// Whether `chunk` (at most [`CHUNK`] bytes) is all zeroes; a comparison with a zeroed block,
/// which the C library does many bytes at a time.
fn is_zero(chunk: &[u8]) -> bool {
    static ZERO: [u8; CHUNK] = [0; CHUNK];
    *chunk == ZERO[..chunk.len()]
}
