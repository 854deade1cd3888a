//! The `gasket` binary: parses the command line and hands it to [`gasket_cli::execute`].
//! All behaviour lives in the library; see it for commands and exit codes.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gasket_cli::Cli::parse();
    let code = gasket_cli::execute(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    ExitCode::from(code)
}
