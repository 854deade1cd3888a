//! The CLI's integration tests, built into one binary: every command run as the built
//! `gasket` binary, checking its output and exit code.

mod commands;
mod common;
mod hardening;
mod realworld;
mod resume;
mod scout;
mod tiers;
mod wasi;
