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
mod case;
