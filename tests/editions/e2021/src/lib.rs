// `warnings` and `unsafe_code` are also denied in Cargo.toml; clippy's lints are denied here, so
// that `cargo clippy --workspace` fails on any lint the expansion triggers.
#![deny(warnings)]
#![deny(clippy::all)]

include!("../../shared.rs");
