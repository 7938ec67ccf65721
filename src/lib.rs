//! # desugar
//!
//! `#[desugar]` on an `async fn` replaces it with a plain `fn` that returns an explicit,
//! enum-based state machine implementing [`Future`](core::future::Future): one enum variant per
//! `.await`, holding exactly the locals that live across it, and a `poll` that returns
//! `Poll::Pending` where the original would suspend.
//!
//! ```
//! #[desugar::desugar]
//! async fn add_later(a: u32, b: u32) -> u32 {
//!     let a = core::future::ready(a).await;
//!     a + b
//! }
//! # let _ = add_later(1, 2);
//! ```
//!
//! The `desugar` command-line tool prints the same expansion for a whole file.
#![no_std]

pub use desugar_macro::desugar;

/// Support code the expansion refers to. Not public API.
#[doc(hidden)]
pub mod __private;
