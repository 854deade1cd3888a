//! Nested calls, shared by both host namespaces: `gasket_v1`'s `call` and `ethereum`'s
//! `call`, `callCode`, `callDelegate`, `callStatic` and `create`.
//!
//! Guarantees: a nested call runs in its own journal layer (kept only on success), gets at most
//! the gas left, and what it used is charged to its caller; the depth limit and the
//! re-entrancy rule are checked in one place, [`enterable`].

use gasket::Trap;

use crate::frame::{CallState, CodeSource, Halt, C};
use crate::host::MAX_CALL_DEPTH;
use crate::runtime::run_contract;
use crate::{Address, Status};

/// What a nested call runs, and as whom.
pub(crate) struct Message {
    pub caller: Address,
    /// The account whose storage and balance the code acts on.
    pub this: Address,
    pub code: CodeSource,
    /// What `getCallValue` reports.
    pub value: u128,
    /// Moved from `caller` to `this` before the code runs.
    pub transfer: u128,
    /// Forbid state changes (inherited by every call below).
    pub is_static: bool,
    pub input: Vec<u8>,
}

/// Whether a nested call may start: the call stack is below [`MAX_CALL_DEPTH`], and `target`
/// (when the call runs as another account) is not already executing: re-entrancy is refused
/// (docs/runtime.md).
pub(crate) fn enterable(st: &CallState, target: Option<&Address>) -> bool {
    st.stack.len() < MAX_CALL_DEPTH && target.is_none_or(|t| !st.stack.contains(t))
}

/// Runs `function` of `msg` with at most `gas` (capped at the gas left), charges the caller
/// what it used, and returns its status and output (return or revert data).
pub(crate) fn nested(c: &mut C<'_>, msg: Message, function: &str, gas: u64) -> Result<(Status, Vec<u8>), Trap> {
    let forward = gas.min(c.gas_left().unwrap_or(0));
    let st = c.data_mut();
    let mut stack = st.stack.clone();
    stack.push(msg.this);
    let inner = CallState {
        shared: st.shared.clone(),
        journal: std::mem::take(&mut st.journal),
        block: st.block,
        origin: st.origin,
        caller: msg.caller,
        this: msg.this,
        code: msg.code,
        value: msg.value,
        transfer: msg.transfer,
        is_static: st.is_static || msg.is_static,
        input: msg.input,
        output: Vec::new(),
        halt: Halt::Running,
        last_call_data: Vec::new(),
        stack,
        memory: None,
        fatal: None,
    };
    let shared = inner.shared.clone();
    let (inner, status, used) = run_contract(&shared, inner, function, forward);
    let st = c.data_mut();
    st.journal = inner.journal;
    if let Some(e) = inner.fatal {
        st.fatal = Some(e);
        return Err(Trap::host("state store failure"));
    }
    c.consume_gas(used)?;
    Ok((status, inner.output))
}
