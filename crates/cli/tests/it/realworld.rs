//! Real-world WASI programs nobody here wrote, installed from the npm registry at test time by
//! scripts/wasi-deps.sh (never committed): esbuild (Go, GOOS=wasip1) and Flite (C, wasi-sdk).
//! Under `gasket wasi` each gives the same stdout and exit code as under Node's WASI, and the
//! same stdout and gas on a second run. Without npm or Node.js the test says SKIPPED.

use std::io::Write;
use std::process::Command;

use crate::common::text;
use crate::wasi::{gasket_wasi, node_wasi, repo};

/// The two programs' paths, installing them if needed; `None` (with the reason printed) if
/// they cannot be had.
fn programs() -> Option<(String, String)> {
    let out = Command::new("bash").arg(repo().join("scripts/wasi-deps.sh")).output();
    match out {
        Ok(o) if o.status.success() => {
            let paths: Vec<String> = text(&o.stdout).lines().map(str::to_string).collect();
            Some((paths[0].clone(), paths[1].clone()))
        }
        Ok(o) => {
            let why = text(&o.stderr);
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: scripts/wasi-deps.sh failed ({why}); real-world programs not run"
            );
            None
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED: cannot run scripts/wasi-deps.sh ({e})");
            None
        }
    }
}

#[test]
fn registry_programs_match_node() {
    let Some((esbuild, flite)) = programs() else { return };
    let js = b"export function add(a, b) { return a + b }\nconst unused = 1;\nconsole.log(add(1, 2));\n";
    // (program, arguments, stdin, run twice): each run of these 20 MB modules takes a second
    // or two, so only the first is repeated.
    let cases: [(&str, &[&str], &[u8], bool); 2] = [
        (&esbuild, &["--minify", "--format=cjs"], js, true),
        (&flite, &["-t", "deterministic speech", "-o", "none", "-ps"], b"", false),
    ];
    for (file, args, stdin, twice) in cases {
        let mut gargs = vec![file, "--gas", "100000000000", "--"];
        gargs.extend_from_slice(args);
        let ours = gasket_wasi(&gargs, stdin);
        assert!(!ours.stdout.is_empty(), "{file} {args:?}: no output; {}", text(&ours.stderr));
        if twice {
            let again = gasket_wasi(&gargs, stdin);
            assert_eq!(
                (&ours.stdout, &ours.stderr),
                (&again.stdout, &again.stderr),
                "{file} {args:?}: not reproducible"
            );
        }
        let Some(node) = node_wasi(file, args, stdin) else { return };
        assert_eq!(ours.status.code(), node.status.code(), "{file} {args:?}: {}", text(&ours.stderr));
        assert_eq!(text(&ours.stdout), text(&node.stdout), "{file} {args:?}");
    }
}
