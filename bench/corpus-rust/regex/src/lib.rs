//! Regular expressions with the `regex` crate (Unicode on, as by default): the patterns are
//! compiled on every call (a contract or service compiling its patterns is part of the work),
//! then searched over `kib` KiB of generated text: e-mail addresses, dates with capture groups,
//! a case-insensitive alternation and Unicode word boundaries. Known answer: a fixed sentence
//! whose matches are counted by hand (a date's year is also a number).

use corpus_common::{text, Fnv};
use regex::Regex;

#[no_mangle]
pub extern "C" fn regex_search(kib: i32) -> i64 {
    let email = Regex::new(r"[a-z]+\.[a-z]+@example\.org").expect("email pattern");
    let date = Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("date pattern");
    let words = Regex::new(r"(?i)\b(?:merkle|proof|hash|state)\w*\b").expect("word pattern");
    let number = Regex::new(r"\b[1-9][0-9]{3,}\b").expect("number pattern");
    let kat = "a.b@example.org saw 2024-01-31, Merkle proofs; hash 12345 and 999.";
    assert_eq!(email.find_iter(kat).count(), 1, "email matches");
    assert_eq!(date.captures_iter(kat).count(), 1, "date matches");
    assert_eq!(words.find_iter(kat).count(), 3, "word matches");
    assert_eq!(number.find_iter(kat).count(), 2, "number matches");

    let hay = text(kib.max(1) as usize * 1024, 0x4E6E_C0DE_0000_0001);
    let mut sum = Fnv::default();
    sum.u64(email.find_iter(&hay).map(|m| m.start() as u64).sum());
    for c in date.captures_iter(&hay) {
        let field = |i: usize| c.get(i).map_or(0, |m| m.as_str().parse::<u64>().unwrap_or(0));
        sum.u64(field(1) * 10_000 + field(2) * 100 + field(3));
    }
    sum.u64(words.find_iter(&hay).count() as u64);
    sum.u64(number.find_iter(&hay).map(|m| m.len() as u64).sum());
    sum.finish()
}
