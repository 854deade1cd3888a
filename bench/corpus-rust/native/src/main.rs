//! `corpus-native EXPORT SIZE`: runs the corpus kernel of that export name natively and prints
//! its result, the reference the bench holds every engine to. `corpus-native --list` prints
//! the export names. Exit 2 on a bad argument.

use std::process::ExitCode;

type Kernel = extern "C" fn(i32) -> i64;

/// Every kernel by its wasm export name.
const KERNELS: [(&str, Kernel); 6] = [
    ("bls12_381_pairing", corpus_pairing::bls12_381_pairing),
    ("ed25519_sign_verify", corpus_ed25519::ed25519_sign_verify),
    ("miniz_deflate", corpus_deflate::miniz_deflate),
    ("regex_search", corpus_regex::regex_search),
    ("serde_json_roundtrip", corpus_json::serde_json_roundtrip),
    ("num_bigint_modpow", corpus_bigint::num_bigint_modpow),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--list") {
        KERNELS.iter().for_each(|(name, _)| println!("{name}"));
        return ExitCode::SUCCESS;
    }
    let (Some(export), Some(size)) = (args.first(), args.get(1).and_then(|s| s.parse::<i32>().ok())) else {
        eprintln!("usage: corpus-native EXPORT SIZE | --list");
        return ExitCode::from(2);
    };
    match KERNELS.iter().find(|(name, _)| name == export) {
        Some((_, kernel)) => {
            println!("{}", kernel(size));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("corpus-native: no kernel `{export}`");
            ExitCode::from(2)
        }
    }
}
