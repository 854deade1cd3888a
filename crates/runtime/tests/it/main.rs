//! gasket-runtime's integration tests, built into one binary.

mod common;
mod contracts;
mod crash;
mod ewasm;
mod fixed;
mod hostfuzz;
mod isolation;
mod precompile;
mod rollback;
