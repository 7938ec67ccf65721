//! `--format json`: the `--explain` data for tools. The field names are the interface; lines
//! are 1-based, columns 1-based in characters.

use crate::diagnostic::{Diagnostic, Severity};
use desugar_core::explain::FnInfo;
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a> {
    functions: Vec<Function<'a>>,
    /// Functions that cannot be desugared, and other errors and warnings.
    diagnostics: Vec<Message<'a>>,
}

#[derive(Serialize)]
struct Function<'a> {
    name: &'a str,
    file: &'a str,
    line: usize,
    end_line: usize,
    states: Vec<State<'a>>,
    /// Guesses about the function as a whole.
    notes: &'a [String],
}

#[derive(Serialize)]
struct State<'a> {
    /// The enum variant.
    name: &'a str,
    /// The source of the awaited expression, `.await` included.
    awaits: &'a str,
    line: usize,
    column: usize,
    /// Locals moved into the state.
    keeps: &'a [String],
    /// Locals kept in place because the awaited future borrows them.
    in_place: &'a [String],
    /// Locals in slots (never moved) in scope here.
    in_slots: &'a [String],
    /// Guesses the tool made, and other remarks.
    notes: &'a [String],
    /// Not a suspension point: where the paths through an `if`, `match` or loop meet.
    join: bool,
    /// The loop around it comes back to it without moving what it keeps out of the state.
    resumes_in_place: bool,
}

#[derive(Serialize)]
struct Message<'a> {
    severity: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

/// The functions (each with the file it is in) and the diagnostics, as pretty-printed JSON.
pub fn render(functions: &[(&FnInfo, &str)], diagnostics: &[Diagnostic]) -> String {
    let report = Report {
        functions: functions
            .iter()
            .map(|(f, file)| Function {
                name: &f.name,
                file,
                line: f.line,
                end_line: f.end_line,
                states: f
                    .states
                    .iter()
                    .map(|s| State {
                        name: &s.name,
                        awaits: &s.awaited,
                        line: s.line,
                        column: s.column,
                        keeps: &s.keeps,
                        in_place: &s.in_place,
                        in_slots: &s.slots,
                        notes: &s.notes,
                        join: s.join,
                        resumes_in_place: s.resumes_in_place,
                    })
                    .collect(),
                notes: &f.notes,
            })
            .collect(),
        diagnostics: diagnostics
            .iter()
            .map(|d| Message {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                message: &d.message,
                file: d.location.as_ref().map(|l| l.path.as_str()),
                line: d.location.as_ref().map(|l| l.line),
                column: d.location.as_ref().map(|l| l.column),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("plain data serializes");
    text.push('\n');
    text
}
