//! The driver: a batch of programs compiled as one crate (a build amortised over hundreds of
//! programs), each program's failures classified, the rest run side by side with the
//! equivalence harness (`tests/common`: output, trace, polls, drops, cancellation after every
//! poll count, panics, both tokio runtimes).

pub mod build;
pub mod run;

use build::Workspace;
use std::fmt;
use std::time::Duration;

/// One program of a batch: an id (a seed, or a shrinking candidate) and its two copies.
#[derive(Clone, Debug)]
pub struct Unit {
    pub id: String,
    pub native: String,
    pub desugared: String,
}

/// What went wrong with a program.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// The native copy did not compile: a bug of the generator, not of desugar.
    Generator(String),
    /// The desugared copy did not compile: rustc's error code.
    Compile(String),
    /// `#[desugar]` refused it (its `compile_error!`).
    Refusal,
    /// Both ran, something observable differed.
    Differ,
    /// The desugared copy panicked where the native one did not.
    Panic,
    /// It did not finish.
    Hang,
    /// The process died.
    Crash,
    /// The desugared copy has a warning the native one has not (rustc's lint name).
    Warning(String),
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Generator(code) => write!(f, "generator {code}"),
            Class::Compile(code) => write!(f, "compile {code}"),
            Class::Refusal => f.write_str("refusal"),
            Class::Differ => f.write_str("differ"),
            Class::Panic => f.write_str("panic"),
            Class::Hang => f.write_str("hang"),
            Class::Crash => f.write_str("crash"),
            Class::Warning(lint) => write!(f, "warning {lint}"),
        }
    }
}

/// How a program fared: `None` when the two copies are indistinguishable.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub class: Option<Class>,
    /// rustc's message, the harness's, the panic's.
    pub detail: String,
}

/// Compiles and runs `units`; an outcome for each.
pub fn check(ws: &Workspace, units: &[Unit]) -> std::io::Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    let mut pending: Vec<Unit> = units.to_vec();
    let mut built = None;
    for _ in 0..8 {
        if pending.is_empty() {
            break;
        }
        ws.write(&pending)?;
        ws.prepare()?;
        let report = ws.build()?;
        let mut failed = Vec::new();
        for (id, (native, desugared)) in &report.by_unit {
            let outcome = if let Some((code, message)) = native.errors.first() {
                Some((Class::Generator(code.clone()), message.clone()))
            } else {
                // A refusal explains the rest.
                let refusal = desugared.errors.iter().find(|(c, _)| c == "refusal");
                refusal.or(desugared.errors.first()).map(|(code, message)| {
                    let class = if code == "refusal" {
                        Class::Refusal
                    } else {
                        Class::Compile(code.clone())
                    };
                    (class, message.clone())
                })
            };
            if let Some((class, detail)) = outcome {
                failed.push(id.clone());
                outcomes.push(Outcome {
                    id: id.clone(),
                    class: Some(class),
                    detail,
                });
            }
        }
        if report.success {
            built = Some(report);
            break;
        }
        if failed.is_empty() {
            // Errors rustc did not tie to a program: split the batch until it does.
            if pending.len() == 1 {
                outcomes.push(Outcome {
                    id: pending[0].id.clone(),
                    class: Some(Class::Compile("unattributed".into())),
                    detail: report.unattributed.join("\n"),
                });
                return Ok(outcomes);
            }
            let half = pending.len() / 2;
            let (a, b) = pending.split_at(half);
            outcomes.extend(check(ws, a)?);
            outcomes.extend(check(ws, b)?);
            return Ok(outcomes);
        }
        pending.retain(|u| !failed.contains(&u.id));
    }
    let Some(report) = built else {
        return Ok(outcomes);
    };
    let ids: Vec<String> = pending.iter().map(|u| u.id.clone()).collect();
    let verdicts = run::run(&ws.binary(), &ids, Duration::from_secs(60))?;
    for id in ids {
        let verdict = verdicts
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "crash: no verdict".into());
        let (word, detail) = verdict.split_once(' ').unwrap_or((&verdict, ""));
        let class = match word {
            "ok" => None,
            "differ" => Some(Class::Differ),
            "panic" => Some(Class::Panic),
            "hang" => Some(Class::Hang),
            _ => Some(Class::Crash),
        };
        let (class, detail) = match class {
            Some(class) => (Some(class), detail.to_string()),
            None => match new_warning(&report, &id) {
                Some(lint) => (Some(Class::Warning(lint)), String::new()),
                None => (None, String::new()),
            },
        };
        outcomes.push(Outcome { id, class, detail });
    }
    Ok(outcomes)
}

/// A lint that warns in the desugared copy and not in the native one (one that warns more
/// often there repeats the user's warning, which is not new). A local the user never reads is
/// `unused_variables` natively and may be `unused_assignments` once its `let` is split across
/// states: the same warning, said another way.
fn new_warning(report: &build::BuildReport, id: &str) -> Option<String> {
    let (native, desugared) = report.by_unit.get(id)?;
    let family = |lint: &str| {
        match lint {
            "unused_assignments" | "unused_variables" => "unused",
            other => other,
        }
        .to_string()
    };
    let native: Vec<String> = native.warnings.keys().map(|l| family(l)).collect();
    desugared
        .warnings
        .keys()
        .find(|lint| !native.contains(&family(lint)))
        .cloned()
}
