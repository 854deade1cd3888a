//! Target (k) `validate`: gasket accepts a module exactly when wasmparser's validator does,
//! with the same features, with floats allowed and denied.
//!
//! gasket validates function bodies itself (`crates/gasket/src/decode/check.rs`), fused with
//! translation; wasmparser's validator, which gasket no longer runs on bodies, is the oracle.
//! The modules are wasm-smith's (Wasm 2.0 without SIMD, raw-byte bodies allowed), with a few
//! operators of their bodies deleted, duplicated, swapped or copied from elsewhere, so that
//! most of them are invalid in the type rules rather than malformed.

use arbitrary::Unstructured;
use gasket::{Config, Engine, Error, Floats, Limits, Module};
use wasm_encoder::{CodeSection, RawSection};
use wasmparser::{Parser, Payload, Validator};

use crate::{guard, prepare, Finding};

/// At most this many edits per module.
const MAX_EDITS: u32 = 3;

/// What (k) saw, per floats setting: whether both accepted, both refused, or gasket hit a
/// `Limits` (inconclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidateReport {
    pub generated: bool,
    pub accepted: u32,
    pub refused: u32,
    pub limited: u32,
}

fn engine(floats: Floats) -> &'static Engine {
    static CANON: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    static DENY: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    let cell = if floats == Floats::Deny { &DENY } else { &CANON };
    cell.get_or_init(|| {
        // Generous limits, so that a refusal is about validity and rarely about size.
        let limits = Limits { max_memory_pages: 65536, max_table_elements: 1 << 20, ..Limits::default() };
        Engine::new(&Config { floats, limits, ..Config::default() })
    })
}

/// A function body's bytes, and each of its operators' byte range within them.
type Body = (Vec<u8>, Vec<(usize, usize)>);

/// Each function body of `wasm`.
fn bodies(wasm: &[u8]) -> Option<Vec<Body>> {
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.ok()? {
            let range = body.range();
            let range = range.start as usize..range.end as usize;
            let bytes = wasm[range.clone()].to_vec();
            let mut ops = Vec::new();
            let mut reader = body.get_operators_reader().ok()?;
            while !reader.eof() {
                let start = reader.original_position() as usize - range.start;
                if reader.read().is_err() {
                    break;
                }
                ops.push((start, reader.original_position() as usize - range.start));
            }
            out.push((bytes, ops));
        }
    }
    Some(out)
}

/// `wasm` with its code section rebuilt from `bodies` (every other section copied as is).
fn rebuild(wasm: &[u8], bodies: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::CodeSectionStart { .. } => {
                let mut code = CodeSection::new();
                for b in bodies {
                    code.raw(b);
                }
                module.section(&code);
            }
            Payload::Version { .. } | Payload::End(_) | Payload::CodeSectionEntry(_) => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection { id, data: &wasm[range.start as usize..range.end as usize] });
                }
            }
        }
    }
    Some(module.finish())
}

/// Applies up to [`MAX_EDITS`] operator edits drawn from `u` to `wasm`'s bodies.
fn edit(u: &mut Unstructured<'_>, wasm: Vec<u8>) -> Vec<u8> {
    let Some(parsed) = bodies(&wasm) else { return wasm };
    if parsed.iter().all(|(_, ops)| ops.is_empty()) {
        return wasm;
    }
    let mut bodies: Vec<Vec<u8>> = parsed.iter().map(|(b, _)| b.clone()).collect();
    let edits = u.int_in_range(0..=MAX_EDITS).unwrap_or(0);
    for _ in 0..edits {
        let Ok(f) = u.choose_index(parsed.len()) else { break };
        let (original, ops) = &parsed[f];
        if ops.len() < 2 {
            continue;
        }
        // The last operator is the body's `end`: edits leave it alone, so that most edited
        // bodies are still well-formed.
        let Ok(i) = u.choose_index(ops.len() - 1) else { break };
        let (start, end) = ops[i];
        let op = original[start..end].to_vec();
        let (head, tail) = (&original[..start], &original[end..]);
        let new = match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => [head, tail].concat(),
            1 => [head, &op, &op, tail].concat(),
            2 if i + 1 < ops.len() - 1 => {
                let (s2, e2) = ops[i + 1];
                [head, &original[s2..e2], &op, &original[e2..]].concat()
            }
            _ => {
                // An operator from another place of another (or the same) body.
                let Ok(g) = u.choose_index(parsed.len()) else { break };
                let (other, other_ops) = &parsed[g];
                let Ok(j) = u.choose_index(other_ops.len()) else { break };
                let (s2, e2) = other_ops[j];
                [head, &other[s2..e2], tail].concat()
            }
        };
        bodies[f] = new;
    }
    // The body's locals come before its first operator, so an edit keeps them.
    rebuild(&wasm, &bodies).unwrap_or(wasm)
}

/// Target (k): one module, edited, through both validators, with floats allowed and denied.
pub fn validate(data: &[u8]) -> Result<ValidateReport, Finding> {
    let mut u = Unstructured::new(data);
    let mut report = ValidateReport::default();
    let Ok(mut config) = prepare::smith_config(&mut u) else { return Ok(report) };
    config.allow_invalid_funcs = u.arbitrary().unwrap_or(false);
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else { return Ok(report) };
    let wasm = edit(&mut u, module.to_bytes());
    report.generated = true;
    for floats in [Floats::Canonicalize, Floats::Deny] {
        let oracle = Validator::new_with_features(gasket::wasmparser_features(floats)).validate_all(&wasm);
        let ours = guard("Module::new", || Module::new(engine(floats), &wasm))?;
        match (&oracle, &ours) {
            (_, Err(Error::Limit { .. })) => report.limited += 1,
            (Ok(_), Ok(_)) => report.accepted += 1,
            (Err(_), Err(Error::Invalid { .. } | Error::Unsupported { .. })) => report.refused += 1,
            (Ok(_), Err(e)) => {
                return Err(Finding::new(
                    "validation-divergence",
                    format!(
                        "floats {floats:?}: wasmparser accepts the module ({} bytes), gasket refuses: {e}",
                        wasm.len()
                    ),
                ))
            }
            (Err(e), Ok(_)) => {
                return Err(Finding::new(
                    "validation-divergence",
                    format!(
                        "floats {floats:?}: gasket accepts the module ({} bytes), wasmparser refuses: {e}",
                        wasm.len()
                    ),
                ))
            }
            (Err(_), Err(e)) => {
                return Err(Finding::new(
                    "bad-error",
                    format!("an invalid module refused with a non-validation error: {e}"),
                ))
            }
        }
    }
    Ok(report)
}
