//! `cargo desugar [-p PACKAGE] [ITEM]`: `desugar` for a whole crate, whose root file `cargo
//! metadata` names. Cargo runs it as `cargo-desugar desugar ARGS`.

use clap::Parser;
use desugar_cli::cargo::{Selection, crate_target};
use desugar_cli::input::Input;
use desugar_cli::opts::Cargo;
use desugar_cli::prepare;
use std::process::ExitCode;

fn main() -> ExitCode {
    // (`--prepare` runs cargo with this program as rustc's wrapper.)
    if let Some(code) = prepare::as_rustc_wrapper() {
        return code;
    }
    let Cargo::Desugar(opts) = Cargo::parse();
    let selection = Selection {
        package: opts.package.as_deref(),
        bin: opts.bin.as_deref(),
        manifest_path: opts.manifest_path.as_deref(),
    };
    if opts.prepare {
        return match prepare::run(&selection, opts.features.as_deref()) {
            Ok(done) => {
                eprintln!("desugar: {done}");
                ExitCode::SUCCESS
            }
            Err(d) => {
                desugar_cli::print_diagnostics(&[d], &opts.view);
                ExitCode::from(2)
            }
        };
    }
    let target = match crate_target(&selection) {
        Ok(target) => target,
        Err(d) => {
            desugar_cli::print_diagnostics(&[d], &opts.view);
            return ExitCode::from(2);
        }
    };
    // Paths in messages relative to where the user is, as cargo prints them.
    let root = std::env::current_dir()
        .ok()
        .and_then(|here| target.root.strip_prefix(here).ok().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| target.root.clone());
    if opts.sizes {
        let item = opts.item.as_deref();
        return desugar_cli::sizes_main(&target, &root, item, &opts.view, opts.max_size);
    }
    if opts.view.check {
        let input = Input::Crate(root);
        return desugar_cli::check_crate(&target, &input, opts.item.as_deref(), &opts.view);
    }
    desugar_cli::main(&Input::Crate(root), opts.item.as_deref(), &opts.view)
}
