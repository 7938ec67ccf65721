//! A differential fuzzer for `#[desugar]`: it writes async programs that the native compiler
//! accepts and whose behaviour is observable (`generate`), compiles hundreds of them at once, native
//! and desugared side by side, runs both with the equivalence harness and classifies every
//! difference (`driver`), and reduces a failing program to a small reproduction (`shrink`).
//!
//! ```text
//! seed ──generate──▶ Program (a tree with simpler forms) ──driver──▶ Outcome per seed
//!                     ▲                                              │ failing
//!                     └────────────── shrink (one batch per round) ◀─┘
//! ```

pub mod driver;
pub mod generate;
pub mod shrink;
pub mod tree;
