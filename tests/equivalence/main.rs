//! Equivalence: every case is compiled natively and through `#[desugar]`, and `common::check`
//! proves the two indistinguishable (output, side effects, polls, drops, cancellation, panics
//! after completion, tokio). The expansions are snapshotted by `tests/expand.rs`.

#[path = "../common/mod.rs"]
#[macro_use]
pub mod common;

pub use common::{Noisy, Trace};

mod methods;
mod params;
mod straight;
