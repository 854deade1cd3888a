//! `kvcount-rs`: the C example kvcount.c in Rust, with gasket-precompile-sdk: reads a name on
//! stdin, adds 1 to its count in the precompile's store (per caller), emits an event and
//! prints "NAME COUNT height H caller HEX". An empty name exits 1, one over 32 bytes 2; both
//! programs give the same output for the same calls.

use std::io::Read;

use gasket_precompile_sdk as gp;

fn main() {
    let mut name = Vec::new();
    let _ = std::io::stdin().take(64).read_to_end(&mut name);
    while name.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        name.pop();
    }
    if name.is_empty() {
        eprintln!("kvcount: empty name");
        std::process::exit(1);
    }
    if name.len() > 32 {
        eprintln!("kvcount: name over 32 bytes");
        std::process::exit(2);
    }
    let count = match gp::kv_get(&name) {
        None => 0,
        Some(v) => match <[u8; 8]>::try_from(v.as_slice()) {
            Ok(b) => u64::from_le_bytes(b),
            Err(_) => {
                eprintln!("kvcount: corrupt count");
                std::process::exit(3);
            }
        },
    } + 1;
    gp::kv_put(&name, &count.to_le_bytes());
    let mut topic = [0u8; 32];
    topic[..name.len()].copy_from_slice(&name);
    gp::emit_event(&[topic], &count.to_le_bytes());
    let caller: String = gp::caller().iter().map(|b| format!("{b:02x}")).collect();
    println!("{} {count} height {} caller {caller}", String::from_utf8_lossy(&name), gp::block_height());
}
