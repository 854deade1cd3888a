//! JSON with serde_json and serde's derive: a document of `records` records is written as
//! text, parsed into typed structs, checked, re-serialized, and parsed again as an untyped
//! `Value`. Known answer: a fixed document whose fields are checked by value.

use corpus_common::{Fnv, Rng};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Owner {
    address: String,
    nonce: u64,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Record {
    id: u64,
    name: String,
    balance: i64,
    ratio: f64,
    active: bool,
    tags: Vec<String>,
    owner: Owner,
    memo: Option<String>,
}

fn document(records: usize, rng: &mut Rng) -> String {
    let mut s = String::from("[");
    for i in 0..records {
        if i > 0 {
            s.push(',');
        }
        let tags: Vec<String> = (0..rng.below(5)).map(|t| format!("\"tag{}\"", t * 7 + rng.below(100))).collect();
        let memo = if rng.below(3) == 0 { "null".to_string() } else { format!("\"memo \\u00e9 {}\\n\"", rng.below(1000)) };
        s.push_str(&format!(
            "{{\"id\":{},\"name\":\"account-{}\",\"balance\":{},\"ratio\":{}.{:03},\"active\":{},\
             \"tags\":[{}],\"owner\":{{\"address\":\"0x{:016x}{:016x}\",\"nonce\":{}}},\"memo\":{}}}",
            i,
            rng.below(1 << 20),
            rng.below(1 << 40) as i64 - (1 << 39),
            rng.below(1000),
            rng.below(1000),
            rng.below(2) == 1,
            tags.join(","),
            rng.next_u64(),
            rng.next_u64(),
            rng.below(1 << 16),
            memo
        ));
    }
    s.push(']');
    s
}

#[no_mangle]
pub extern "C" fn serde_json_roundtrip(records: i32) -> i64 {
    let kat: Record = serde_json::from_str(
        r#"{"id":7,"name":"a\"b","balance":-5,"ratio":0.25,"active":true,"tags":["x"],
            "owner":{"address":"0x01","nonce":3},"memo":"\u00e9"}"#,
    )
    .expect("known document parses");
    assert_eq!((kat.id, kat.name.as_str(), kat.balance, kat.ratio), (7, "a\"b", -5, 0.25), "known fields");
    assert_eq!((kat.owner.nonce, kat.memo.as_deref()), (3, Some("é")), "known nested fields");

    let mut rng = Rng(0x750_0000_0000_0001);
    let text = document(records.max(1) as usize, &mut rng);
    let parsed: Vec<Record> = serde_json::from_str(&text).expect("generated document parses");
    assert_eq!(parsed.len(), records.max(1) as usize, "record count");
    let mut sum = Fnv::default();
    for r in &parsed {
        sum.u64(r.id).u64(r.balance as u64).u64(r.ratio.to_bits()).u64(r.tags.len() as u64).u64(r.owner.nonce);
    }
    let again = serde_json::to_string(&parsed).expect("serialize");
    let value: serde_json::Value = serde_json::from_str(&again).expect("reparse");
    let back: Vec<Record> = serde_json::from_value(value).expect("from value");
    assert!(back == parsed, "round trip changed the records");
    sum.bytes(again.as_bytes());
    sum.finish()
}
