//! `gasket run --gas N --resume-gas M [--max-gas T]` (docs/resume.md): one `paused` line per
//! out-of-gas pause, the results and the gas of the uninterrupted call; a `--max-gas` cap ends
//! the call out of gas; bad flag combinations are usage errors. On every tier.

use crate::common::{gasket, temp_dir, text, write};

const SUM: &str = r#"(module (func (export "sum") (param $n i64) (result i64) (local $acc i64)
    (block $done (loop $top
      (br_if $done (i64.eqz (local.get $n)))
      (local.set $acc (i64.add (local.get $acc) (local.get $n)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br $top)))
    (local.get $acc)))"#;

const TIERS: [&str; 2] = ["interpreter", "compiler"];

fn run(file: &str, extra: &[&str], tier: &str) -> (String, String, Option<i32>) {
    let mut args = vec!["--tier", tier, "run", file, "--invoke", "sum", "100"];
    args.extend_from_slice(extra);
    let out = gasket(&args);
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

/// The `gas_used` of a straight run with plenty of gas.
fn straight_gas(file: &str, tier: &str) -> u64 {
    let (out, _, code) = run(file, &["--gas", "1000000"], tier);
    assert_eq!(code, Some(0), "{out}");
    out.lines().last().and_then(|l| l.strip_prefix("gas_used: ")).unwrap().parse().unwrap()
}

#[test]
fn run_resumes_after_each_pause_with_the_gas_of_one_run() {
    let dir = temp_dir("run_resume");
    let file = write(&dir, "sum.wat", SUM.as_bytes());
    let file = file.to_str().unwrap();
    for tier in TIERS {
        let gas = straight_gas(file, tier);
        let (out, err, code) = run(file, &["--gas", "100", "--resume-gas", "150"], tier);
        assert_eq!(code, Some(0), "{tier}: {out}{err}");
        let lines: Vec<&str> = out.lines().collect();
        let pauses: Vec<u64> =
            lines.iter().filter_map(|l| l.strip_prefix("paused: out of gas at ")).map(|n| n.parse().unwrap()).collect();
        // Given 100 + 150k, the call pauses once per top-up until it fits.
        assert_eq!(pauses.len() as u64, (gas - 100).div_ceil(150), "{tier}: {out}");
        assert!(pauses.windows(2).all(|w| w[0] < w[1]) && pauses[0] <= 100, "{tier}: {out}");
        assert!(pauses.iter().enumerate().all(|(k, at)| *at <= 100 + 150 * k as u64));
        assert_eq!(lines[lines.len() - 2..], ["i64:5050".to_string(), format!("gas_used: {gas}")], "{tier}");
    }
}

#[test]
fn run_max_gas_ends_the_call_out_of_gas() {
    let dir = temp_dir("run_resume_max");
    let file = write(&dir, "sum.wat", SUM.as_bytes());
    let file = file.to_str().unwrap();
    for tier in TIERS {
        let (out, err, code) = run(file, &["--gas", "100", "--resume-gas", "100", "--max-gas", "350"], tier);
        assert_eq!(code, Some(1), "{tier}: {out}{err}");
        assert!(err.contains("out of gas"), "{err}");
        // Topped up to 200, 300, then the last 50 to reach 350; the fourth pause is the end.
        assert_eq!(out.lines().filter(|l| l.starts_with("paused: out of gas at ")).count(), 3, "{out}");
        let used: u64 = out.lines().last().and_then(|l| l.strip_prefix("gas_used: ")).unwrap().parse().unwrap();
        assert!(used <= 350 && used > 300, "{out}");
        // Enough in total: the same results as without a cap.
        let gas = straight_gas(file, tier);
        let total = gas.to_string();
        let (out, _, code) = run(file, &["--gas", "1", "--resume-gas", "1000", "--max-gas", &total], tier);
        assert_eq!(code, Some(0), "{out}");
        assert!(out.ends_with(&format!("i64:5050\ngas_used: {gas}\n")), "{out}");
    }
}

#[test]
fn run_resume_flags_need_their_companions() {
    let dir = temp_dir("run_resume_usage");
    let file = write(&dir, "sum.wat", SUM.as_bytes());
    let file = file.to_str().unwrap();
    for extra in
        [&["--resume-gas", "10"][..], &["--gas", "10", "--max-gas", "20"], &["--gas", "10", "--resume-gas", "0"]]
    {
        let (_, err, code) = run(file, extra, "interpreter");
        assert_eq!(code, Some(2), "{extra:?}: {err}");
    }
}
