//! The engine: configuration plus the registry that gives structurally equal function types
//! one id, so that `call_indirect` checks a signature with one integer comparison.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::value::FuncType;
use crate::{Config, Floats};

fn fingerprint(config: &Config) -> [u8; 32] {
    let l = &config.limits;
    let mut h = Sha256::new();
    h.update(b"gasket/engine/v1");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for v in [
        l.max_module_bytes, l.max_types, l.max_functions, l.max_imports, l.max_exports,
        l.max_globals, l.max_locals_per_function, l.max_locals_total, l.max_function_body_bytes,
        l.max_block_depth, l.max_br_table_targets, l.max_tables, l.max_table_elements,
        l.max_memory_pages, l.max_data_segments, l.max_element_segments, l.max_params,
        l.max_results, l.max_value_traffic_per_byte,
    ] {
        h.update(v.to_le_bytes());
    }
    match &config.metering {
        Some(schedule) => {
            h.update([1]);
            h.update(schedule.hash());
        }
        None => h.update([0]),
    }
    h.update([match config.floats {
        Floats::Canonicalize => 0,
        Floats::Deny => 1,
    }]);
    h.finalize().into()
}

/// Shared configuration and type registry. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Debug)]
struct EngineInner {
    config: Config,
    types: Mutex<TypeRegistry>,
    fingerprint: [u8; 32],
}

#[derive(Debug, Default)]
struct TypeRegistry {
    ids: HashMap<FuncType, u32>,
    types: Vec<FuncType>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new(&Config::default())
    }
}

impl Engine {
    pub fn new(config: &Config) -> Self {
        let fingerprint = fingerprint(config);
        Self {
            inner: Arc::new(EngineInner { config: config.clone(), types: Mutex::default(), fingerprint }),
        }
    }

    /// SHA-256 over everything that determines how a module is prepared: the gasket version,
    /// the limits, the gas schedule (or its absence) and the float policy. Two engines with the
    /// same fingerprint translate every module identically, so it keys prepared artifacts.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.inner.fingerprint
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The id of a function type; equal types get equal ids. Ids are assigned in first-seen
    /// order and are only ever compared, so they never influence results.
    pub(crate) fn type_id(&self, ty: &FuncType) -> u32 {
        let mut reg = self.inner.types.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = reg.ids.get(ty) {
            return *id;
        }
        let id = reg.types.len() as u32;
        reg.types.push(ty.clone());
        reg.ids.insert(ty.clone(), id);
        id
    }

    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
