//! The journal: a call's uncommitted storage writes and events, in layers, one per active
//! contract call. A nested call's layer merges into its caller's on success and is dropped on
//! failure, so a failing callee never undoes its caller's earlier writes.

use std::collections::BTreeMap;

use crate::{Address, Event};

#[derive(Debug, Default)]
struct Layer {
    /// (contract, key) → new value, or `None` for a removal.
    writes: BTreeMap<(Address, Vec<u8>), Option<Vec<u8>>>,
    events: Vec<Event>,
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
            }
            None => self.layers.push(top),
        }
    }

    /// The journal's view of a key: `Some(Some(v))` written, `Some(None)` removed, `None` not
    /// touched (read the store).
    pub fn get(&self, contract: &Address, key: &[u8]) -> Option<Option<&[u8]>> {
        let k = (*contract, key.to_vec());
        self.layers.iter().rev().find_map(|l| l.writes.get(&k)).map(|v| v.as_deref())
    }

    pub fn write(&mut self, contract: Address, key: Vec<u8>, value: Option<Vec<u8>>) {
        if let Some(top) = self.layers.last_mut() {
            top.writes.insert((contract, key), value);
        }
    }

    pub fn emit(&mut self, event: Event) {
        if let Some(top) = self.layers.last_mut() {
            top.events.push(event);
        }
    }

    /// The committed result of a finished top-level call: its writes and events.
    pub fn into_parts(mut self) -> (BTreeMap<(Address, Vec<u8>), Option<Vec<u8>>>, Vec<Event>) {
        let top = self.layers.pop().unwrap_or_default();
        (top.writes, top.events)
    }
}
