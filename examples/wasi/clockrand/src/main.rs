//! `clockrand`: reads the realtime and monotonic clocks, sleeps, hashes with a randomly
//! keyed hasher (std seeds it from `random_get`), reads an environment variable and its
//! arguments, and prints what it saw; exits with the code given as its first argument
//! (default 0). On a deterministic host every run prints the same; on an ordinary one, never.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    println!("realtime: {}.{:09}", now.as_secs(), now.subsec_nanos());
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(10));
    let slept = start.elapsed();
    println!("slept at least 10 ms: {}", slept >= Duration::from_millis(10));
    println!("monotonic elapsed: {} ns", slept.as_nanos());
    let a = RandomState::new().hash_one("gasket");
    let b = RandomState::new().hash_one("gasket");
    println!("random hashes: {a:016x} {b:016x}");
    println!("env GREETING: {:?}", std::env::var("GREETING").ok());
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args: {args:?}");
    let code = args.first().and_then(|a| a.parse().ok()).unwrap_or(0);
    std::process::exit(code);
}
