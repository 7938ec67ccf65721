//! `desugar FILE`: prints the file with its `#[desugar]` async fns expanded into the state
//! machines the attribute generates.

use clap::Parser;
use desugar_cli::opts::Opts;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let opts = Opts::parse();
    match desugar_cli::run(&opts) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
