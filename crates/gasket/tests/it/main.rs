//! gasket's integration tests, built into one binary.

mod api;
mod features;
mod fusion;
mod limits;
mod mutation;
mod stack;
