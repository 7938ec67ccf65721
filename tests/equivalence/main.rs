//! Equivalence: every case is compiled natively and through `#[desugar]`, and `common::check`
//! proves the two indistinguishable (output, side effects, polls, drops, cancellation, panics
//! after completion, tokio). The expansions are snapshotted by `tests/expand.rs`.

// The cases are written the way users write async fns, not the way clippy prefers.
#![allow(
    clippy::needless_return,
    clippy::needless_lifetimes,
    clippy::while_let_on_iterator,
    dead_code
)]

#[path = "../common/mod.rs"]
#[macro_use]
pub mod common;

pub use common::fuzz::*;
pub use common::{Noisy, Trace};

mod attributes;
mod borrows;
mod captures;
mod control;
mod eager;
mod expressions;
mod macros;
mod methods;
mod panics;
mod params;
mod straight;
