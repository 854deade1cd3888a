//! What a run reports: one [`BlockReport`] per block executed, and a [`RunReport`] with the
//! final roots, the deposits pushed and the [`Failure`]s found by comparing them with the
//! test's expectations. Guarantees: the comparison is a pure function of the roots and
//! deposits (wall times are reported, never compared), and it lists every mismatching EE, not
//! only the first.

use std::time::Duration;

use gasket::Trap;

use crate::error::Failure;
use crate::hex;
use crate::types::{Deposit, Root};

/// How pushed deposits are compared with `deposit_receipts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DepositCheck {
    /// The deposits pushed, in order over all blocks, must equal the list exactly
    /// (`gasket scout --exact-deposits`).
    Exact,
    /// Scout's rule, the default: every listed deposit must be among those pushed (extra ones
    /// are fine).
    #[default]
    Subset,
}

/// One block's execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockReport {
    /// Index in `shard_blocks`.
    pub block: usize,
    /// The execution environment that ran it.
    pub env: usize,
    /// Gas used by instantiation (start function included) and `main`.
    pub gas_used: u64,
    /// Ticks the EE declared with `useTicks`.
    pub ticks: u64,
    /// Deposits pushed by this block (0 if it trapped: a trapping block's deposits are dropped).
    pub deposits: usize,
    pub pre_root: Root,
    /// The EE's root after the block: the last one saved, or `pre_root` if none was saved (or
    /// the block trapped).
    pub post_root: Root,
    /// Whether `savePostStateRoot` was called.
    pub saved_root: bool,
    /// Wall-clock time of instantiation and `main`; informational only.
    pub wall: Duration,
    /// Set when the block trapped (the run stops there).
    pub trap: Option<Trap>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// The blocks executed, in order; the last one trapped if `failures` holds a trap.
    pub blocks: Vec<BlockReport>,
    /// Each EE's root after the run.
    pub roots: Vec<Root>,
    /// Every deposit pushed by a block that completed, in order.
    pub deposits: Vec<Vec<u8>>,
    /// Empty when the test passed.
    pub failures: Vec<Failure>,
}

impl RunReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Total gas used by all blocks.
    pub fn gas_used(&self) -> u64 {
        self.blocks.iter().map(|b| b.gas_used).fold(0, u64::saturating_add)
    }
}

/// Every EE whose root differs from the expected one.
pub fn compare_roots(expected: &[Root], actual: &[Root]) -> Vec<Failure> {
    expected
        .iter()
        .zip(actual)
        .enumerate()
        .filter(|(_, (e, a))| e != a)
        .map(|(env, (e, a))| Failure::RootMismatch { env, expected: *e, actual: *a })
        .collect()
}

/// Compares the deposits pushed with the expected list under `check`.
pub fn compare_deposits(expected: &[Deposit], pushed: &[Vec<u8>], check: DepositCheck) -> Vec<Failure> {
    let expected: Vec<Vec<u8>> = expected.iter().map(Deposit::encode).collect();
    match check {
        DepositCheck::Exact => {
            let mut failures: Vec<Failure> = expected
                .iter()
                .zip(pushed)
                .enumerate()
                .filter(|(_, (e, a))| e != a)
                .map(|(index, (e, a))| Failure::DepositMismatch {
                    index,
                    expected: hex::encode(e),
                    actual: hex::encode(a),
                })
                .collect();
            if expected.len() != pushed.len() {
                failures.push(Failure::DepositCount { expected: expected.len(), actual: pushed.len() });
            }
            failures
        }
        DepositCheck::Subset => expected
            .iter()
            .enumerate()
            .filter(|(_, e)| !pushed.contains(e))
            .map(|(index, e)| Failure::DepositMissing { index, expected: hex::encode(e) })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deposit(amount: u64) -> Deposit {
        Deposit { pubkey: [7; 48], withdrawal_credentials: [8; 32], amount, signature: [9; 96] }
    }

    #[test]
    fn roots() {
        let (a, b) = (Root([1; 32]), Root([2; 32]));
        assert!(compare_roots(&[a, b], &[a, b]).is_empty());
        assert_eq!(compare_roots(&[a, b], &[b, b]), vec![Failure::RootMismatch { env: 0, expected: a, actual: b }]);
    }

    #[test]
    fn deposits_exact_and_subset() {
        let (d1, d2) = (deposit(1), deposit(2));
        let pushed = vec![d1.encode(), d2.encode()];
        assert!(compare_deposits(&[d1.clone(), d2.clone()], &pushed, DepositCheck::Exact).is_empty());
        let f = compare_deposits(std::slice::from_ref(&d2), &pushed, DepositCheck::Exact);
        assert!(matches!(f[0], Failure::DepositMismatch { index: 0, .. }), "{f:?}");
        assert_eq!(f[1], Failure::DepositCount { expected: 1, actual: 2 });
        assert!(compare_deposits(std::slice::from_ref(&d2), &pushed, DepositCheck::Subset).is_empty());
        let f = compare_deposits(&[deposit(3)], &pushed, DepositCheck::Subset);
        assert!(matches!(f[..], [Failure::DepositMissing { index: 0, .. }]), "{f:?}");
    }
}
