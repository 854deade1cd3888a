//! gasket's integration tests, built into one binary.

mod api;
mod features;
mod limits;
mod mutation;
mod stack;
