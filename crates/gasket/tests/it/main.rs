//! gasket's integration tests, built into one binary.

mod api;
mod artifact;
mod bounds;
mod bounds_real;
mod features;
mod floats;
mod fusion;
mod gas;
mod limits;
mod mutation;
mod resume;
mod snapshot;
mod stack;
mod tiers;
