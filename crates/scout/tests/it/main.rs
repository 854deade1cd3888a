//! gasket-scout's integration tests, built into one binary: the committed EEs and YAML tests
//! (`files`), their expected roots recomputed by independent reference code (`reference`),
//! invalid input (`input`), the host functions' checks and semantics (`host`), and bignum
//! arithmetic against an independent implementation (`bignum`).

mod bignum;
mod common;
mod files;
mod host;
mod input;
mod reference;
