//! `cargo desugar`: which file is the crate root, as `cargo metadata` tells.

use crate::diagnostic::Diagnostic;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The part of `cargo metadata --format-version 1 --no-deps` read here.
#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    target_directory: PathBuf,
    workspace_root: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    id: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
    src_path: PathBuf,
}

/// What to expand.
pub struct Selection<'a> {
    pub package: Option<&'a str>,
    pub bin: Option<&'a str>,
    pub manifest_path: Option<&'a Path>,
}

/// The crate selected, as `cargo rustc` builds it.
pub struct CrateTarget {
    /// Its root source file.
    pub root: PathBuf,
    pub package: String,
    /// `--lib` or `--bin NAME`.
    pub kind_args: Vec<String>,
    pub target_directory: PathBuf,
    /// Where cargo runs rustc: the paths of its messages are relative to it.
    pub workspace_root: PathBuf,
    pub manifest_path: Option<PathBuf>,
}

/// The root source file of the selected target (the library, unless a binary is named, or the
/// package's only binary if it has no library).
pub fn crate_root(selection: &Selection<'_>) -> Result<PathBuf, Diagnostic> {
    crate_target(selection).map(|t| t.root)
}

/// The selected target (see `crate_root`) with what building it takes.
pub fn crate_target(selection: &Selection<'_>) -> Result<CrateTarget, Diagnostic> {
    let metadata = metadata(selection.manifest_path)?;
    let package = package(&metadata, selection)?;
    let targets = &package.targets;
    let is = |t: &&Target, kind: &str| t.kind.iter().any(|k| k == kind);
    let target = match selection.bin {
        Some(bin) => targets.iter().find(|t| is(t, "bin") && t.name == bin),
        None => targets
            .iter()
            .find(|t| is(t, "lib") || is(t, "proc-macro"))
            .or_else(|| {
                let mut bins = targets.iter().filter(|t| is(t, "bin"));
                match (bins.next(), bins.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }),
    };
    let bins: Vec<&str> = targets
        .iter()
        .filter(|t| is(t, "bin"))
        .map(|t| t.name.as_str())
        .collect();
    match target {
        Some(t) => Ok(CrateTarget {
            root: t.src_path.clone(),
            package: package.name.clone(),
            kind_args: if is(&t, "bin") {
                vec!["--bin".to_string(), t.name.clone()]
            } else {
                vec!["--lib".to_string()]
            },
            target_directory: metadata.target_directory.clone(),
            workspace_root: metadata.workspace_root.clone(),
            manifest_path: selection.manifest_path.map(Path::to_path_buf),
        }),
        None => Err(Diagnostic::error(match selection.bin {
            Some(bin) => format!("package `{}` has no binary `{bin}`", package.name),
            None => format!(
                "package `{}` has no library and several binaries",
                package.name
            ),
        })
        .help(format!(
            "choose one with `--bin NAME`; its binaries: {}",
            bins.join(", ")
        ))),
    }
}

/// The workspace as a whole: where cargo runs rustc, where it builds, and every member
/// target's root file.
pub struct Workspace {
    pub root: PathBuf,
    pub target_directory: PathBuf,
    pub roots: Vec<PathBuf>,
}

/// The workspace of `manifest_path` (or of the current directory).
pub fn workspace(manifest_path: Option<&Path>) -> Result<Workspace, Diagnostic> {
    let metadata = metadata(manifest_path)?;
    let roots = metadata
        .packages
        .iter()
        .filter(|p| metadata.workspace_members.contains(&p.id))
        .flat_map(|p| p.targets.iter().map(|t| t.src_path.clone()))
        .collect();
    Ok(Workspace {
        root: metadata.workspace_root,
        target_directory: metadata.target_directory,
        roots,
    })
}

fn metadata(manifest_path: Option<&Path>) -> Result<Metadata, Diagnostic> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["metadata", "--format-version", "1", "--no-deps"]);
    if let Some(path) = manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let output = command
        .output()
        .map_err(|e| Diagnostic::error(format!("cannot run `cargo metadata`: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Diagnostic::error(format!(
            "`cargo metadata` failed: {}",
            stderr.trim().trim_start_matches("error: ")
        )));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| Diagnostic::error(format!("cannot read the output of `cargo metadata`: {e}")))
}

/// The package named by `-p`, else the workspace member whose directory holds the current
/// directory, else the workspace's only member.
fn package<'m>(
    metadata: &'m Metadata,
    selection: &Selection<'_>,
) -> Result<&'m Package, Diagnostic> {
    let members: Vec<&Package> = metadata
        .packages
        .iter()
        .filter(|p| metadata.workspace_members.contains(&p.id))
        .collect();
    let names = || {
        let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
        format!("the workspace's packages: {}", names.join(", "))
    };
    if let Some(name) = selection.package {
        return members
            .iter()
            .find(|p| p.name == name)
            .copied()
            .ok_or_else(|| {
                Diagnostic::error(format!("no package `{name}` in the workspace")).help(names())
            });
    }
    if let [only] = members.as_slice() {
        return Ok(only);
    }
    let here = std::env::current_dir().ok();
    // Absolute, as cargo writes `manifest_path`.
    let base = selection
        .manifest_path
        .and_then(|m| std::fs::canonicalize(m).ok())
        .and_then(|m| m.parent().map(Path::to_path_buf))
        .or(here);
    let within = base.as_deref().and_then(|dir| {
        members
            .iter()
            .filter(|p| p.manifest_path.parent().is_some_and(|m| dir.starts_with(m)))
            .max_by_key(|p| p.manifest_path.as_os_str().len())
    });
    within.copied().ok_or_else(|| {
        Diagnostic::error("the workspace has several packages: choose one with `-p`").help(names())
    })
}

/// An error rustc reported building the crate.
pub struct RustcError {
    /// `error[E0507]: cannot move out of ..`.
    pub message: String,
    /// The file of its primary span, absolute.
    pub file: PathBuf,
    pub line: usize,
    /// rustc's rendering, snippet included.
    pub rendered: String,
}

/// `cargo check` of the crate, with the expansion of its `#[desugar]` functions: the errors
/// rustc reports.
pub fn check_build(target: &CrateTarget) -> Result<Vec<RustcError>, Diagnostic> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "check",
            "--quiet",
            "--message-format=json",
            "-p",
            &target.package,
        ])
        .args(&target.kind_args);
    if let Some(manifest) = &target.manifest_path {
        command.arg("--manifest-path").arg(manifest);
    }
    let output = command
        .output()
        .map_err(|e| Diagnostic::error(format!("cannot run `cargo check`: {e}")))?;
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let message = &value["message"];
        if value["reason"] != "compiler-message" || message["level"] != "error" {
            continue;
        }
        let text = message["message"].as_str().unwrap_or_default();
        let text = match message["code"]["code"].as_str() {
            Some(code) => format!("error[{code}]: {text}"),
            None => format!("error: {text}"),
        };
        let spans = message["spans"].as_array().cloned().unwrap_or_default();
        let primary = spans.iter().find(|s| s["is_primary"] == true);
        let (file, line) = match primary {
            Some(span) => (
                target
                    .workspace_root
                    .join(span["file_name"].as_str().unwrap_or_default()),
                span["line_start"].as_u64().unwrap_or(0) as usize,
            ),
            None => (PathBuf::new(), 0),
        };
        errors.push(RustcError {
            message: text,
            file,
            line,
            rendered: message["rendered"].as_str().unwrap_or_default().to_string(),
        });
    }
    if errors.is_empty() && !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Diagnostic::error(format!(
            "`cargo check` failed: {}",
            stderr.trim().trim_start_matches("error: ")
        )));
    }
    Ok(errors)
}
