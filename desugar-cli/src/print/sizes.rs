//! The `--sizes` report: per function, its future's size, then a table per layout (rustc's, and
//! the expansion's for a `#[desugar]` function) with each state's size and what it holds, the
//! `.await` of each state, the largest marked.

use crate::sizes::{FnSizes, FutureSize, StateSize};
use desugar_core::explain::FnInfo;
use serde::Serialize;
use std::fmt::Write;

/// The report of one function of the file `path`.
pub fn text(f: &FnInfo, path: &str, sizes: &FnSizes) -> String {
    let mut out = format!("{} ({path}:{}): ", f.name, f.line);
    match (&sizes.native, &sizes.desugared) {
        (Some(native), Some(desugared)) => {
            let _ = writeln!(
                out,
                "desugared, its future is {}; as an async fn, rustc's is {}",
                bytes(desugared.total),
                bytes(native.total)
            );
        }
        (Some(native), None) => {
            let _ = writeln!(out, "its future is {}", bytes(native.total));
        }
        (None, Some(desugared)) => {
            let _ = writeln!(out, "desugared, its future is {}", bytes(desugared.total));
        }
        (None, None) => {
            let _ = writeln!(
                out,
                "no layout: rustc lays out only the futures the crate builds (a generic function \
                 that nothing in the crate calls has none)"
            );
            return out;
        }
    }
    if let Some(native) = &sizes.native {
        table(&mut out, f, "rustc's layout", native);
    }
    if let Some(desugared) = &sizes.desugared {
        let title = format!(
            "the expansion's layout (slots beside it: {})",
            bytes(desugared.slots)
        );
        table(&mut out, f, &title, desugared);
    }
    out
}

fn table(out: &mut String, f: &FnInfo, title: &str, size: &FutureSize) {
    let instances = match size.instances {
        0 | 1 => String::new(),
        n => format!(", the largest of {n} instantiations"),
    };
    let _ = writeln!(out, "  {title}{instances}:");
    let largest = size.states.iter().map(|s| s.size).max().unwrap_or(0);
    let header = ["state", "at", "awaits", "bytes", "holds"].map(String::from);
    let rows: Vec<[String; 5]> = size
        .states
        .iter()
        .map(|s| {
            let (at, awaits) = match s.point.map(|p| &f.states[p]) {
                Some(state) if state.join => (
                    format!("{}:{}", state.line, state.column),
                    "no await: the paths meet".to_string(),
                ),
                Some(state) => (
                    format!("{}:{}", state.line, state.column),
                    state.awaited.clone(),
                ),
                None if s.name == "Start" || s.name == "Unresumed" => {
                    (String::new(), "not polled yet".to_string())
                }
                None => (String::new(), "?".to_string()),
            };
            let bytes = if s.size == largest && size.states.len() > 1 {
                format!("{} largest", s.size)
            } else {
                s.size.to_string()
            };
            [s.name.clone(), at, awaits, bytes, holds(s)]
        })
        .collect();
    let lines = super::columns("    ", &header, &rows);
    let _ = writeln!(out, "{}", lines[0]);
    for (line, state) in lines[1..].iter().zip(&size.states) {
        let _ = writeln!(out, "{line}");
        if !state.twice.is_empty() {
            let _ = writeln!(
                out,
                "      note: stored twice, as the argument and as the body's local \
                 (rust-lang/rust#62958): {}",
                state.twice.join(", ")
            );
        }
    }
}

/// `1 byte`, `8 bytes`.
fn bytes(n: u64) -> String {
    match n {
        1 => "1 byte".to_string(),
        n => format!("{n} bytes"),
    }
}

/// `big 100, the awaited future 32, padding 4`.
fn holds(s: &StateSize) -> String {
    let mut parts: Vec<String> = s
        .holds
        .iter()
        .map(|(what, bytes)| format!("{what} {bytes}"))
        .collect();
    if s.padding > 0 {
        parts.push(format!("padding {}", s.padding));
    }
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}

/// The largest state of the future the crate builds (the desugared one if there is one), in
/// words, for `--max-size`.
pub fn why(f: &FnInfo, sizes: &FnSizes) -> Option<(u64, String)> {
    let future = sizes.desugared.as_ref().or(sizes.native.as_ref())?;
    let state = future.states.iter().max_by_key(|s| s.size)?;
    let at = match state.point.map(|p| &f.states[p]) {
        Some(s) => format!(" (line {}, `{}`)", s.line, s.awaited),
        None => String::new(),
    };
    Some((
        future.total,
        format!(
            "its largest state, `{}`{at}, is {}: {}",
            state.name,
            bytes(state.size),
            holds(state)
        ),
    ))
}

#[derive(Serialize)]
struct Future<'a> {
    bytes: u64,
    instantiations: usize,
    /// The expansion's slots beside the state (0 for rustc's).
    slots: u64,
    states: Vec<State<'a>>,
}

#[derive(Serialize)]
struct State<'a> {
    name: &'a str,
    /// The `.await` (its source, line and column), absent for the state before the first poll.
    awaits: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    bytes: u64,
    holds: Vec<Held<'a>>,
    padding: u64,
    stored_twice: &'a [String],
}

#[derive(Serialize)]
struct Held<'a> {
    what: &'a str,
    bytes: u64,
}

/// The report as JSON.
pub fn json(functions: &[(&FnInfo, &str, &FnSizes)]) -> String {
    let future = |f: &'_ FnInfo, size: &'_ FutureSize| -> serde_json::Value {
        let states: Vec<State<'_>> = size
            .states
            .iter()
            .map(|s| {
                let point = s.point.map(|p| &f.states[p]);
                State {
                    name: &s.name,
                    awaits: point.map(|p| p.awaited.as_str()),
                    line: point.map(|p| p.line),
                    column: point.map(|p| p.column),
                    bytes: s.size,
                    holds: s
                        .holds
                        .iter()
                        .map(|(what, bytes)| Held {
                            what,
                            bytes: *bytes,
                        })
                        .collect(),
                    padding: s.padding,
                    stored_twice: &s.twice,
                }
            })
            .collect();
        serde_json::to_value(Future {
            bytes: size.total,
            instantiations: size.instances,
            slots: size.slots,
            states,
        })
        .unwrap_or_default()
    };
    let report: Vec<serde_json::Value> = functions
        .iter()
        .map(|(f, path, sizes)| {
            serde_json::json!({
                "name": f.name,
                "file": path,
                "line": f.line,
                "native": sizes.native.as_ref().map(|s| future(f, s)),
                "desugared": sizes.desugared.as_ref().map(|s| future(f, s)),
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "functions": report })).unwrap_or_default()
        + "\n"
}
