//! The journal: a call's uncommitted state changes (storage, balances, new contracts and their
//! code), events and self-destructs, in layers, one per active contract call. A nested call's
//! layer merges into its caller's on success and is dropped on failure, so a failing callee
//! never undoes its caller's earlier changes. Reads go through the journal before the store, so
//! a call sees its own uncommitted writes.

use std::collections::{BTreeMap, BTreeSet};

use crate::store::Table;
use crate::{Address, Event};

#[derive(Debug, Default)]
struct Layer {
    /// (table, key) → new value, or `None` for a removal.
    writes: BTreeMap<(Table, Vec<u8>), Option<Vec<u8>>>,
    events: Vec<Event>,
    /// Contracts that called `selfDestruct`: removed, with their storage, at commit.
    destroyed: BTreeSet<Address>,
}

/// Everything a committed top-level call changes.
#[derive(Debug, Default)]
pub(crate) struct Committed {
    pub writes: BTreeMap<(Table, Vec<u8>), Option<Vec<u8>>>,
    pub events: Vec<Event>,
    pub destroyed: BTreeSet<Address>,
}

/// The layers of one top-level call.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    layers: Vec<Layer>,
}

impl Journal {
    pub fn push(&mut self) {
        self.layers.push(Layer::default());
    }

    /// Ends the top layer: merged into the one below if `keep`, dropped otherwise.
    pub fn pop(&mut self, keep: bool) {
        let Some(top) = self.layers.pop() else { return };
        if !keep {
            return;
        }
        match self.layers.last_mut() {
            Some(below) => {
                below.writes.extend(top.writes);
                below.events.extend(top.events);
                below.destroyed.extend(top.destroyed);
            }
            None => self.layers.push(top),
        }
    }

    /// The journal's view of a key: `Some(Some(v))` written, `Some(None)` removed, `None` not
    /// touched (read the store).
    pub fn get(&self, table: Table, key: &[u8]) -> Option<Option<&[u8]>> {
        let k = (table, key.to_vec());
        self.layers.iter().rev().find_map(|l| l.writes.get(&k)).map(|v| v.as_deref())
    }

    pub fn write(&mut self, table: Table, key: Vec<u8>, value: Option<Vec<u8>>) {
        if let Some(top) = self.layers.last_mut() {
            top.writes.insert((table, key), value);
        }
    }

    pub fn emit(&mut self, event: Event) {
        if let Some(top) = self.layers.last_mut() {
            top.events.push(event);
        }
    }

    pub fn destroy(&mut self, contract: Address) {
        if let Some(top) = self.layers.last_mut() {
            top.destroyed.insert(contract);
        }
    }

    /// What a finished top-level call changed.
    pub fn into_committed(mut self) -> Committed {
        let top = self.layers.pop().unwrap_or_default();
        Committed { writes: top.writes, events: top.events, destroyed: top.destroyed }
    }
}
