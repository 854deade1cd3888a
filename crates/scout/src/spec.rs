//! The Scout YAML test format, read into a checked [`TestCase`]: execution scripts (paths
//! relative to the YAML file's directory), pre- and post-state roots, shard blocks and the
//! expected deposit receipts. Guarantees: everything is validated before any script runs (one
//! root per script in both states, every block's `env` in range, all hex well-formed and of
//! the right length, every script file read), and each problem is a typed [`ScoutError`]
//! naming the field; unknown keys are ignored, as Scout's serde structs ignore them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ScoutError;
use crate::hex::{self, HexError};
use crate::types::{Deposit, Root};

#[derive(Debug, Deserialize)]
struct RawTest {
    beacon_state: RawBeaconState,
    shard_pre_state: RawShardState,
    shard_blocks: Vec<RawBlock>,
    shard_post_state: RawShardState,
    /// Where Scout reads it: at the top level.
    #[serde(default)]
    deposit_receipts: Option<Vec<RawDeposit>>,
}

#[derive(Debug, Deserialize)]
struct RawBeaconState {
    execution_scripts: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawShardState {
    exec_env_states: Vec<String>,
    /// Also accepted here (a gasket extension); giving it in both places is an error.
    #[serde(default)]
    deposit_receipts: Option<Vec<RawDeposit>>,
}

#[derive(Debug, Deserialize)]
struct RawBlock {
    env: u64,
    data: String,
}

#[derive(Debug, Deserialize)]
struct RawDeposit {
    pubkey: String,
    withdrawal_credentials: String,
    amount: u64,
    signature: String,
}

/// serde's message for `e`, naming what the file should hold instead of the `Raw*` structs.
fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    const SHAPES: [(&str, &str); 5] = [
        ("struct RawTest", "a Scout test (a mapping of beacon_state, shard_pre_state, shard_blocks, shard_post_state)"),
        ("struct RawBeaconState", "a mapping with `execution_scripts`"),
        ("struct RawShardState", "a mapping with `exec_env_states`"),
        ("struct RawBlock", "a mapping with `env` and `data`"),
        ("struct RawDeposit", "a mapping with `pubkey`, `withdrawal_credentials`, `amount` and `signature`"),
    ];
    SHAPES.iter().fold(e.to_string(), |m, (raw, shape)| m.replace(raw, shape))
}

/// One execution script: where it came from and its bytes (binary Wasm or text).
#[derive(Debug, Clone)]
pub struct Script {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// One shard block: the index of the EE that processes it, and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub env: usize,
    pub data: Vec<u8>,
}

/// A whole Scout test, checked and with its scripts loaded.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub scripts: Vec<Script>,
    /// One root per script.
    pub pre_state: Vec<Root>,
    pub blocks: Vec<Block>,
    /// One root per script.
    pub post_state: Vec<Root>,
    /// `None` when the file lists no `deposit_receipts`: deposits are then not checked.
    pub deposits: Option<Vec<Deposit>>,
}

fn hex_err(field: String) -> impl FnOnce(HexError) -> ScoutError {
    move |source| ScoutError::Hex { field, source }
}

fn roots(raw: &[String], field: &'static str, scripts: usize) -> Result<Vec<Root>, ScoutError> {
    if raw.len() != scripts {
        return Err(ScoutError::StateCount { field, found: raw.len(), scripts });
    }
    raw.iter()
        .enumerate()
        .map(|(i, s)| hex::decode_array(s).map(Root).map_err(hex_err(format!("{field}[{i}]"))))
        .collect()
}

fn deposit(raw: &RawDeposit, i: usize) -> Result<Deposit, ScoutError> {
    let field = |name: &str| format!("deposit_receipts[{i}].{name}");
    Ok(Deposit {
        pubkey: hex::decode_array(&raw.pubkey).map_err(hex_err(field("pubkey")))?,
        withdrawal_credentials: hex::decode_array(&raw.withdrawal_credentials)
            .map_err(hex_err(field("withdrawal_credentials")))?,
        amount: raw.amount,
        signature: hex::decode_array(&raw.signature).map_err(hex_err(field("signature")))?,
    })
}

impl TestCase {
    /// Reads and checks the YAML file at `path`, then reads every execution script.
    pub fn load(path: &Path) -> Result<Self, ScoutError> {
        let text = std::fs::read(path).map_err(|source| ScoutError::Read { path: path.to_path_buf(), source })?;
        let base = path.parent().unwrap_or(Path::new(""));
        Self::parse(&text, path, base)
    }

    /// Checks YAML `text` (named `origin` in errors) and reads the scripts it names, relative
    /// to `base` unless absolute.
    pub fn parse(text: &[u8], origin: &Path, base: &Path) -> Result<Self, ScoutError> {
        let raw: RawTest = serde_yaml_ng::from_slice(text)
            .map_err(|e| ScoutError::Yaml { path: origin.to_path_buf(), message: yaml_message(&e) })?;
        let count = raw.beacon_state.execution_scripts.len();
        let pre_state = roots(&raw.shard_pre_state.exec_env_states, "shard_pre_state.exec_env_states", count)?;
        let post_state = roots(&raw.shard_post_state.exec_env_states, "shard_post_state.exec_env_states", count)?;
        let blocks = raw
            .shard_blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let env = usize::try_from(b.env).ok().filter(|&e| e < count).ok_or(ScoutError::BlockEnv {
                    block: i,
                    env: b.env,
                    scripts: count,
                })?;
                let data = hex::decode(&b.data).map_err(hex_err(format!("shard_blocks[{i}].data")))?;
                let max = i32::MAX as usize;
                if data.len() > max {
                    return Err(ScoutError::BlockTooLarge { block: i, len: data.len(), max });
                }
                Ok(Block { env, data })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let raw_deposits = match (raw.deposit_receipts, raw.shard_post_state.deposit_receipts) {
            (Some(_), Some(_)) => return Err(ScoutError::DepositsTwice),
            (a, b) => a.or(b),
        };
        let deposits = raw_deposits
            .map(|list| list.iter().enumerate().map(|(i, d)| deposit(d, i)).collect::<Result<Vec<_>, _>>())
            .transpose()?;
        let scripts = raw
            .beacon_state
            .execution_scripts
            .iter()
            .enumerate()
            .map(|(ee, name)| {
                let path = base.join(name);
                match std::fs::read(&path) {
                    Ok(bytes) => Ok(Script { path, bytes }),
                    Err(source) => Err(ScoutError::Script { ee, path, source }),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { scripts, pre_state, blocks, post_state, deposits })
    }
}
