//! The engine: the configuration, shared by every module and store made with it, and its
//! fingerprint. It holds no state that grows with use (function type ids are per store).

use std::sync::Arc;

use sha2::{Digest, Sha256};

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

/// Shared configuration. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Debug)]
struct EngineInner {
    config: Config,
    fingerprint: [u8; 32],
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
            inner: Arc::new(EngineInner { config: config.clone(), fingerprint }),
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

    pub(crate) fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
