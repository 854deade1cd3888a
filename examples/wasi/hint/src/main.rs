//! `hint`: reads a JSON transaction from stdin and writes a hint about it as JSON to stdout,
//! revealing what a searcher may know (the target, the function selector, a value bucket,
//! the fee) and not the rest (the sender, the arguments), as the SUAVE memo's MEV-share hint
//! precompiles do. Exit 0 on success; 1 with a message on stderr for input that is not a
//! transaction.
//!
//! Input: `{"from": "0x…", "to": "0x…", "value": "123", "gas": 21000, "gas_price": "7",
//! "nonce": 1, "data": "0x…"}` (`value` and `gas_price` are decimal strings of wei; `to` may
//! be null for a deployment).

use std::io::Read;

use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Tx {
    #[allow(dead_code)]
    from: String,
    to: Option<String>,
    value: String,
    gas: u64,
    gas_price: String,
    nonce: u64,
    #[serde(default)]
    data: String,
}

#[derive(Serialize)]
struct Hint {
    kind: &'static str,
    to: Option<String>,
    selector: Option<String>,
    calldata_bytes: usize,
    /// The value rounded down to a power of ten, in wei, as a decimal string.
    value_bucket: String,
    max_fee_wei: String,
    nonce: u64,
    /// FNV-1a of the whole input: lets the builder match the hint to the bundle.
    fingerprint: String,
}

fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    if s.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string())).collect()
}

fn bucket(value: u128) -> u128 {
    let mut b = 1;
    while value / b >= 10 {
        b *= 10;
    }
    if value == 0 {
        0
    } else {
        b
    }
}

fn hint(input: &[u8]) -> Result<Hint, String> {
    let tx: Tx = serde_json::from_slice(input).map_err(|e| format!("not a transaction: {e}"))?;
    let value: u128 = tx.value.parse().map_err(|_| "value is not a decimal number".to_string())?;
    let price: u128 = tx.gas_price.parse().map_err(|_| "gas_price is not a decimal number".to_string())?;
    let data = hex_bytes(&tx.data)?;
    let to = tx.to.map(|t| t.to_lowercase());
    let kind = match (&to, data.len()) {
        (None, _) => "deployment",
        (Some(_), 0) => "transfer",
        (Some(_), _) => "call",
    };
    let selector = (data.len() >= 4 && to.is_some()).then(|| format!("0x{:02x}{:02x}{:02x}{:02x}", data[0], data[1], data[2], data[3]));
    let fee = price.checked_mul(tx.gas as u128).ok_or("fee overflows")?;
    let fingerprint = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3));
    Ok(Hint {
        kind,
        to,
        selector,
        calldata_bytes: data.len(),
        value_bucket: bucket(value).to_string(),
        max_fee_wei: fee.to_string(),
        nonce: tx.nonce,
        fingerprint: format!("{fingerprint:016x}"),
    })
}

fn main() {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("hint: cannot read stdin: {e}");
        std::process::exit(1);
    }
    match hint(&input) {
        Ok(h) => println!("{}", serde_json::to_string(&h).expect("a hint serializes")),
        Err(e) => {
            eprintln!("hint: {e}");
            std::process::exit(1);
        }
    }
}
