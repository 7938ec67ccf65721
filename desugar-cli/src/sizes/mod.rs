//! `cargo desugar --sizes`: how big each async fn's future is and where its memory goes, state by
//! state, read from rustc's own layout (`-Zprint-type-sizes`, on stable with `RUSTC_BOOTSTRAP=1`
//! as cargo-expand runs `-Zunpretty`) and mapped to the `.await`s the analysis found.
//!
//! The crate is built into a target directory of its own (`TARGET/desugar-sizes`), without
//! incremental compilation (which would skip the layouts), its fingerprint removed so that rustc
//! runs again. A crate with `#[desugar]` functions is built twice: as written, which measures
//! the desugared futures (and rustc's for the other functions), and with `DESUGAR_NATIVE` set,
//! which makes the attribute leave functions as written, for rustc's futures of those.

pub mod layout;

use crate::cargo::CrateTarget;
use crate::diagnostic::Diagnostic;
use desugar_core::explain::FnInfo;
use layout::{PartKind, TypeLayout};
use std::process::Command;

/// The sizes of one function's future: rustc's (`native`) and, for a `#[desugar]` function,
/// the expansion's.
pub struct FnSizes {
    pub native: Option<FutureSize>,
    pub desugared: Option<FutureSize>,
}

pub struct FutureSize {
    pub total: u64,
    /// For a generic function, how many instantiations the crate has (the largest is shown).
    pub instances: usize,
    pub states: Vec<StateSize>,
    /// The expansion's slots, beside the state (0 for rustc's).
    pub slots: u64,
}

pub struct StateSize {
    /// rustc's (`Unresumed`, `Suspend0`) or the expansion's (`Start`, `Get`) name.
    pub name: String,
    /// The suspension point it is, as an index into `FnInfo::states`; `None` for `Start`.
    pub point: Option<usize>,
    pub size: u64,
    /// What it holds, by name (`the awaited future`, `x (argument)`), largest first.
    pub holds: Vec<(String, u64)>,
    pub padding: u64,
    /// Arguments rustc stores twice: as the argument and as the body's local
    /// (rust-lang/rust#62958).
    pub twice: Vec<String>,
}

/// Builds the crate with `-Zprint-type-sizes` (`native`: with `DESUGAR_NATIVE` set) and reads
/// the layouts rustc printed.
pub fn measure(target: &CrateTarget, native: bool) -> Result<Vec<TypeLayout>, Diagnostic> {
    let target_dir = target.target_directory.join("desugar-sizes");
    // rustc runs again only if cargo thinks the crate changed.
    let fingerprints = target_dir.join("debug/.fingerprint");
    if let Ok(entries) = std::fs::read_dir(&fingerprints) {
        let prefix = format!("{}-", target.package);
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["rustc", "--quiet", "-p", &target.package])
        .args(&target.kind_args)
        .arg("--target-dir")
        .arg(&target_dir)
        .args(["--", "-Zprint-type-sizes"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_INCREMENTAL", "0");
    if let Some(manifest) = &target.manifest_path {
        command.arg("--manifest-path").arg(manifest);
    }
    if native {
        command.env("DESUGAR_NATIVE", "1");
    } else {
        command.env_remove("DESUGAR_NATIVE");
    }
    let output = command
        .output()
        .map_err(|e| Diagnostic::error(format!("cannot run `cargo rustc`: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(Diagnostic::error(format!(
            "the crate does not build, so rustc printed no layout:\n{}",
            tail.join("\n")
        )));
    }
    Ok(layout::parse(&String::from_utf8_lossy(&output.stdout)))
}

/// The sizes of `f`'s futures among the layouts of the two builds.
pub fn of(f: &FnInfo, built: &[TypeLayout], native: &[TypeLayout]) -> FnSizes {
    let path: Vec<String> = f.name.split("::").map(str::to_string).collect();
    let desugared = desugared(f, built, &state_path(f));
    // Rustc's future: from the build as written, unless the function was desugared there.
    let from = if desugared.is_some() { native } else { built };
    FnSizes {
        native: native_size(f, from, &path),
        desugared,
    }
}

fn native_size(f: &FnInfo, types: &[TypeLayout], path: &[String]) -> Option<FutureSize> {
    let found: Vec<&TypeLayout> = types
        .iter()
        .filter(|t| layout::async_fn_path(&t.name).as_deref() == Some(path))
        .collect();
    let largest = found.iter().max_by_key(|t| t.size)?;
    // rustc numbers its suspension points in order, as the analysis finds the `.await`s; join
    // states are the expansion's own.
    let awaits: Vec<usize> = (0..f.states.len()).filter(|&p| !f.states[p].join).collect();
    let states = largest
        .variants
        .iter()
        .filter_map(|v| {
            let point = match v.name.as_str() {
                "Unresumed" => None,
                name => Some(awaits.get(name.strip_prefix("Suspend")?.parse::<usize>().ok()?)),
            };
            let point = match point {
                None => None,
                Some(Some(&p)) => Some(p),
                // More suspension points than the analysis found `.await`s: not mapped.
                Some(None) => None,
            };
            Some(state_size(v, point))
        })
        .collect();
    Some(FutureSize {
        total: largest.size,
        instances: found.len(),
        states,
        slots: 0,
    })
}

/// Whether the build `built` has `f`'s state enum: the function was desugared in it.
pub fn is_desugared(f: &FnInfo, built: &[TypeLayout]) -> bool {
    let state_path = state_path(f);
    built
        .iter()
        .any(|t| layout::segments(&t.name) == state_path)
}

/// The path of `f`'s state enum, a local item of the function: `f::FState`.
fn state_path(f: &FnInfo) -> Vec<String> {
    f.name
        .split("::")
        .map(str::to_string)
        .chain([f.state_enum.clone()])
        .collect()
}

fn desugared(f: &FnInfo, types: &[TypeLayout], state_path: &[String]) -> Option<FutureSize> {
    let states: Vec<&TypeLayout> = types
        .iter()
        .filter(|t| layout::segments(&t.name) == state_path)
        .collect();
    let state = states.iter().max_by_key(|t| t.size)?;
    // The future: `Machine<path::FetchDataState<..>, slots, closure>`.
    let machine = types.iter().find(|t| {
        t.name
            .strip_prefix("desugar::__private::Machine<")
            .is_some_and(|args| args.starts_with(&state.name))
    });
    let part = |name: &str| {
        machine
            .and_then(|m| m.variants.first())
            .and_then(|v| v.parts.iter().find(|p| p.name == name))
            .map_or(0, |p| p.size)
    };
    let sizes = f
        .states
        .iter()
        .enumerate()
        .map(|(p, s)| (s.name.as_str(), Some(p)))
        .chain([("Start", None)]);
    let mut out: Vec<StateSize> = Vec::new();
    for (name, point) in sizes {
        if let Some(v) = state.variants.iter().find(|v| v.name == name) {
            out.push(state_size(v, point));
        }
    }
    out.rotate_right(1);
    Some(FutureSize {
        total: machine.map_or(state.size, |m| m.size),
        instances: states.len(),
        states: out,
        slots: part("slots"),
    })
}

fn state_size(variant: &layout::Variant, point: Option<usize>) -> StateSize {
    let parts = &variant.parts;
    let mut holds: Vec<(String, u64)> = Vec::new();
    let mut padding = 0;
    let mut twice = Vec::new();
    for part in parts {
        let what = match (part.kind, part.name.as_str()) {
            (PartKind::Padding, _) => {
                padding += part.size;
                continue;
            }
            // Markers of no size.
            (_, "__pinned") => continue,
            (_, "__awaitee") => "the awaited future".to_string(),
            (_, "__self") => "self".to_string(),
            // What rustc keeps that has no name: a temporary alive across the `.await`.
            (_, name) if name.starts_with("coroutine_field") => "a temporary".to_string(),
            (PartKind::Upvar, name) => {
                let local = parts
                    .iter()
                    .any(|p| p.kind == PartKind::Local && p.name == name);
                if local {
                    twice.push(name.to_string());
                }
                format!("{name} (argument)")
            }
            (_, name) => match name.strip_prefix("__drop_") {
                Some(local) => format!("{local}'s slot guard"),
                None => name.to_string(),
            },
        };
        holds.push((what, part.size));
    }
    holds.sort_by_key(|h| std::cmp::Reverse(h.1));
    StateSize {
        name: variant.name.clone(),
        point,
        size: variant.size,
        holds,
        padding,
        twice,
    }
}
