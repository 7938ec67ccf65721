//! `desugar FILE`: prints the file with its `#[desugar]` async fns expanded into the state
//! machines the attribute generates.

use clap::Parser;
use desugar_cli::input::Input;
use desugar_cli::opts::Opts;
use std::process::ExitCode;

fn main() -> ExitCode {
    let opts = Opts::parse();
    desugar_cli::main(
        &Input::File(opts.file),
        opts.function.as_deref(),
        &opts.view,
    )
}
