//! The command line, as clap reads it: the doc comments are the help text.

use clap::Parser;
use std::path::PathBuf;

/// Print what `#[desugar]` makes of the async fns in a Rust file: each one as the explicit
/// enum-based state machine that implements `Future`.
#[derive(Parser, Debug)]
#[command(name = "desugar", version)]
pub struct Opts {
    /// The Rust source file to expand, or `-` for standard input.
    pub file: PathBuf,

    /// Expand every `async fn` with a body, marked `#[desugar]` or not.
    #[arg(long)]
    pub all: bool,

    /// Print only this function (`name`, or `Type::name` for a method).
    #[arg(long = "fn", value_name = "NAME")]
    pub function: Option<String>,

    /// Instead of the expansion, a table per function: its states, what each awaits and where,
    /// what it keeps (moved into the state, or in place for the awaited future to borrow), the
    /// locals in slots, and the guesses made.
    #[arg(long)]
    pub explain: bool,
}

#[cfg(test)]
mod tests {
    use super::Opts;
    use clap::CommandFactory;

    #[test]
    fn command_is_well_formed() {
        Opts::command().debug_assert();
    }
}
