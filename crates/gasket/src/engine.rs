//! The engine: configuration plus the registry that gives structurally equal function types
//! one id, so that `call_indirect` checks a signature with one integer comparison.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::value::FuncType;
use crate::Config;

/// Shared configuration and type registry. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

#[derive(Debug)]
struct EngineInner {
    config: Config,
    types: Mutex<TypeRegistry>,
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
        Self {
            inner: Arc::new(EngineInner { config: config.clone(), types: Mutex::default() }),
        }
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
