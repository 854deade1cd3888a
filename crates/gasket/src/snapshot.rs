//! Store snapshots: the state of every memory, table, global and instance of a store, taken
//! once (typically right after instantiation) and restored before each reuse, so that an
//! instance can serve many runs and each starts exactly as a fresh instantiation would.
//!
//! Guarantees: after [`Store::restore`], memories have the snapshot's size and bytes, tables
//! the snapshot's elements, globals their values, and instances their dropped data and
//! element segments; the store's gas and host state are not touched. A memory is kept as its
//! bytes up to the last non-zero one, and restoring writes those and zeroes the rest, so a
//! restore costs one pass over the memory, as zeroing it would. Restoring a snapshot into a
//! store that has gained or lost entities since, or into another store, is an error.

use crate::store::Store;
use crate::Error;

/// A memory's contents: its length, and its bytes up to the last non-zero one.
#[derive(Debug, Clone)]
struct MemoryImage {
    len: usize,
    prefix: Vec<u8>,
}

/// The restorable state of a store ([`Store::snapshot`]).
#[derive(Debug, Clone)]
pub struct StoreSnapshot {
    store: u32,
    funcs: usize,
    hosts: usize,
    memories: Vec<MemoryImage>,
    tables: Vec<Vec<u64>>,
    globals: Vec<u64>,
    instances: Vec<(Vec<bool>, Vec<Vec<u64>>)>,
}

impl StoreSnapshot {
    /// Bytes of memory the snapshot's memories have (what a restored store holds).
    pub fn memory_bytes(&self) -> usize {
        self.memories.iter().map(|m| m.len).sum()
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
            memories: i
                .memories
                .iter()
                .map(|m| {
                    let end = m.bytes.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
                    MemoryImage { len: m.bytes.len(), prefix: m.bytes[..end].to_vec() }
                })
                .collect(),
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
            let dirty = m.bytes.len().min(image.len);
            m.bytes.resize(image.len, 0);
            m.bytes[..image.prefix.len()].copy_from_slice(&image.prefix);
            m.bytes[image.prefix.len()..dirty].fill(0);
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
