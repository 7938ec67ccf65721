//! `cargo desugar --prepare`: asks rustc how each method call of the workspace takes its
//! receiver and records it for `#[desugar]` (`desugar_core::receivers`).
//!
//! `cargo check --all-targets` runs with `#[desugar]` passing functions through
//! (`DESUGAR_NATIVE`) and this program as `RUSTC_WRAPPER`: for each crate of the workspace,
//! after rustc checked it, the wrapper runs rustc again with `-Zunpretty=thir-tree` (on stable
//! with `RUSTC_BOOTSTRAP=1`, as cargo-expand does for `-Zunpretty=expanded`) and keeps the
//! method calls it reads there. The build has a target directory of its own, so that it leaves
//! the user's builds as they are.

use crate::cargo::Selection;
use crate::diagnostic::Diagnostic;
use desugar_core::receivers::{self, Table};
use std::ffi::OsString;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Where the wrapper writes what it read, set for the build it wraps.
const OUT: &str = "DESUGAR_PREPARE";

/// Builds the workspace with the wrapper and writes `.desugar/receivers` at its root; returns
/// what it recorded, in words.
pub fn run(selection: &Selection<'_>, features: Option<&str>) -> Result<String, Diagnostic> {
    let workspace = crate::cargo::workspace(selection.manifest_path)?;
    let target_dir = workspace.target_directory.join("desugar-prepare");
    let out = target_dir.join("receivers");
    std::fs::create_dir_all(&out)
        .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", out.display())))?;
    let wrapper = std::env::current_exe()
        .map_err(|e| Diagnostic::error(format!("cannot find this program: {e}")))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["check", "--all-targets"])
        .arg("--target-dir")
        .arg(&target_dir)
        .env("RUSTC_WRAPPER", &wrapper)
        .env(OUT, &out)
        .env("DESUGAR_NATIVE", "1");
    if let Some(package) = selection.package {
        command.args(["-p", package]);
    }
    if let Some(features) = features {
        command.args(["--features", features]);
    }
    if let Some(manifest) = selection.manifest_path {
        command.arg("--manifest-path").arg(manifest);
    }
    let status = command
        .status()
        .map_err(|e| Diagnostic::error(format!("cannot run `cargo check`: {e}")))?;
    // Every crate's calls, as far as its files have not changed since.
    let mut table = Table::default();
    for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            table.merge(Table::parse(&text, &workspace.root));
        }
    }
    let path = workspace.root.join(receivers::FILE);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, table.format()));
    written.map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))?;
    // Cargo rebuilds a crate when one of its files is newer than the build: the crates built
    // before the table was there must be built again for `#[desugar]` to read it.
    let now = std::time::SystemTime::now();
    for root in &workspace.roots {
        if let Ok(file) = std::fs::File::options().append(true).open(root) {
            let _ = file.set_modified(now);
        }
    }
    let recorded = format!(
        "recorded how {} method calls in {} files take their receivers, in {}",
        table.len(),
        table.files(),
        path.display()
    );
    if !status.success() {
        // (A target that does not build, tests whose dev-dependencies are missing: the
        // others' calls are recorded.)
        return Err(Diagnostic::error(format!(
            "`cargo check --all-targets` failed (above): only the crates that built are \
             recorded; {recorded}"
        )));
    }
    Ok(recorded)
}

/// When this program runs as the prepare build's `RUSTC_WRAPPER` (`wrapper rustc ARGS`): runs
/// rustc, then, for a crate of the workspace, rustc again for its THIR; the exit code.
pub fn as_rustc_wrapper() -> Option<ExitCode> {
    let out = PathBuf::from(std::env::var_os(OUT)?);
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next()?;
    let args: Vec<OsString> = args.collect();
    let status = Command::new(&rustc).args(&args).status();
    let Ok(status) = status else {
        return Some(ExitCode::FAILURE);
    };
    if !status.success() {
        return Some(ExitCode::from(status.code().unwrap_or(1) as u8));
    }
    let crate_name = value_of(&args, "--crate-name");
    let workspace_crate = std::env::var_os("CARGO_PRIMARY_PACKAGE").is_some()
        && crate_name
            .as_deref()
            .is_some_and(|n| n != "build_script_build");
    if workspace_crate {
        record(
            &rustc,
            &args,
            &out,
            crate_name.as_deref().unwrap_or("crate"),
        );
    }
    Some(ExitCode::SUCCESS)
}

/// Runs rustc for the crate's THIR and writes the method calls read there to `out`.
fn record(rustc: &OsString, args: &[OsString], out: &Path, crate_name: &str) {
    // The same crate, printed instead of written: no output files, no incremental cache.
    let scratch = out.join(".scratch");
    let mut thir_args: Vec<OsString> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy();
        if text.starts_with("--emit") {
            continue;
        }
        if text == "--out-dir" || text == "-C" || text == "--codegen" {
            let value = rest.next().cloned().unwrap_or_default();
            if text == "--out-dir" {
                thir_args.extend([arg.clone(), scratch.clone().into_os_string()]);
            } else if !value.to_string_lossy().starts_with("incremental") {
                thir_args.extend([arg.clone(), value]);
            }
            continue;
        }
        thir_args.push(arg.clone());
    }
    let child = Command::new(rustc)
        .args(&thir_args)
        .arg("-Zunpretty=thir-tree")
        .env("RUSTC_BOOTSTRAP", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return };
    // The tree is deeply indented: kept without its indentation, it is a tenth of the size.
    let mut thir = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            thir.push_str(line.trim());
            thir.push('\n');
        }
    }
    let _ = child.wait();
    let calls = receivers::read_thir(&thir);
    let root = std::env::current_dir().unwrap_or_default();
    let table = Table::new(&root, &calls);
    // (`-C metadata=HASH` tells the crate's builds apart: library, tests, binaries.)
    let metadata = args
        .iter()
        .filter_map(|a| a.to_str()?.strip_prefix("metadata="))
        .next()
        .unwrap_or_default();
    let name = format!("{crate_name}-{metadata}");
    let _ = std::fs::write(out.join(name), table.format());
}

/// The value after `flag` among rustc's arguments, the first such.
fn value_of(args: &[OsString], flag: &str) -> Option<String> {
    let at = args.iter().position(|a| a == flag)?;
    Some(args.get(at + 1)?.to_string_lossy().into_owned())
}
