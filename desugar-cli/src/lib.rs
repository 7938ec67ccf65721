//! The `desugar` and `cargo desugar` commands as a library. A run is a pipeline:
//!
//! ```text
//! input      read and parse the file, standard input, or a crate's module files
//! select     --fn NAME / ITEM: narrow each file to the functions named
//! expand     desugar-core, the attribute's own code path (or its analysis, for --explain)
//! print      the expansion as source, the --explain table or JSON, the side-by-side view,
//!            the --teach picture, the --graph diagram
//! terminal   highlight (syntect) and page when printing to a terminal
//! ```
//!
//! Exit codes: 0; 1 when a function cannot be desugared; 2 for input that cannot be read or
//! parsed, an unknown function or one that is not async, or a bad option.

pub mod cargo;
pub mod diagnostic;
pub mod highlight;
pub mod input;
pub mod opts;
pub mod pager;
pub mod prepare;
pub mod print;
pub mod select;
pub mod sizes;

use desugar_core::explain::FnInfo;
use diagnostic::{Diagnostic, Severity};
use input::{Input, Unit};
use opts::{Format, View, When};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use syn::{ImplItem, Item};

/// What a run produced: text for standard output, diagnostics for standard error.
pub struct Outcome {
    pub output: Output,
    pub diagnostics: Vec<Diagnostic>,
}

pub enum Output {
    /// The expanded source.
    Source(String),
    /// The `--explain` tables.
    Table(String),
    Json(String),
    SideBySide(Vec<print::side_by_side::Block>),
    /// `--check`: the summary line (for standard error).
    Checked(String),
}

impl Outcome {
    /// 1 if a function could not be desugared, else 0.
    pub fn exit_code(&self) -> u8 {
        let failed = self
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        u8::from(failed)
    }
}

/// Runs the pipeline on `input`, narrowed to `item` if given. `Err`: the input could not be read
/// or parsed, or `item` names no function (exit code 2).
pub fn run(input: &Input, item: Option<&str>, view: &View) -> Result<Outcome, Diagnostic> {
    let (units, diagnostics) = input::load(input)?;
    run_units(units, diagnostics, input, item, view)
}

/// The expansion of `source` (the text of the file `path`) as `desugar FILE` prints it, without
/// colors; `Err`: the diagnostics, rendered.
pub fn expand_source(source: &str, path: &str, all: bool) -> Result<String, String> {
    let view = View {
        all,
        ..View::default()
    };
    render_source(source, path, &view)
}

/// What `desugar --teach FILE` prints for `source`, the text of the file `path`.
pub fn teach_source(source: &str, path: &str) -> Result<String, String> {
    let view = View {
        teach: true,
        ..View::default()
    };
    render_source(source, path, &view)
}

fn render_source(source: &str, path: &str, view: &View) -> Result<String, String> {
    let unit = input::parse(path.to_string(), source.into(), Vec::new())
        .map_err(|d| diagnostic::render(&[d], false))?;
    let input = Input::File(path.into());
    let outcome = run_units(vec![unit], Vec::new(), &input, None, view)
        .map_err(|d| diagnostic::render(&[d], false))?;
    match outcome.output {
        Output::Source(text) if outcome.exit_code() == 0 => Ok(text),
        _ => Err(diagnostic::render(&outcome.diagnostics, false)),
    }
}

fn run_units(
    mut units: Vec<Unit>,
    mut diagnostics: Vec<Diagnostic>,
    input: &Input,
    item: Option<&str>,
    view: &View,
) -> Result<Outcome, Diagnostic> {
    let mut matched = vec![true; units.len()];
    let mut view = view.clone();
    if let Some(text) = item {
        let query = select::Query::new(text);
        let known: Vec<String> = units
            .iter()
            .flat_map(|u| select::names(&u.file.items, &u.module))
            .collect();
        let (asynchronous, _) = async_names(&units);
        for (unit, matched) in units.iter_mut().zip(&mut matched) {
            *matched = select::narrow(&mut unit.file, &unit.module, &query);
        }
        if !matched.contains(&true) {
            return Err(no_such_function(&query, &known, input));
        }
        // A function asked for by name is what the user wants to see, marked or not; one with
        // no state machine is a mistake worth saying so.
        let (selected, failed) = async_names(&units);
        if selected.is_empty() && !failed {
            return Err(not_async(&query, &asynchronous));
        }
        view.all = true;
    }
    let view = &view;
    let output = if view.check {
        check(&units, view.all, &mut diagnostics)
    } else if let Some(format) = view.graph {
        graph(&units, view.all, format, &mut diagnostics)
    } else if view.teach {
        Output::Source(teach(&units, view.all, &mut diagnostics))
    } else if view.explain || view.format == Format::Json {
        explain(&units, view, &mut diagnostics)
    } else if view.side_by_side {
        Output::SideBySide(side_by_side(&units, view.all, &mut diagnostics))
    } else {
        Output::Source(expand(
            units,
            &matched,
            item.is_some(),
            view.all,
            &mut diagnostics,
        ))
    };
    Ok(Outcome {
        output,
        diagnostics,
    })
}

/// Runs `f` with what `cargo desugar --prepare` recorded about the unit's file, if anything,
/// and the methods its crate defines, as the macro reads them: the CLI prints what the macro
/// emits.
fn with_receivers<R>(unit: &Unit, f: impl FnOnce() -> R) -> R {
    let path = std::path::Path::new(&unit.path);
    let table = desugar_core::receivers::for_file(path);
    let defined = desugar_core::defined::for_file(path);
    desugar_core::defined::with(Some(defined), || {
        desugar_core::defined::in_file(path, || desugar_core::receivers::with(table, f))
    })
}

fn options(all: bool) -> desugar_core::file::Options {
    desugar_core::file::Options {
        all,
        comments: true,
    }
}

fn report(unit: &Unit, errors: Vec<syn::Error>, diagnostics: &mut Vec<Diagnostic>) {
    for error in errors {
        diagnostics.extend(Diagnostic::from_syn(&unit.path, &unit.source, error));
    }
}

fn nothing_to_desugar(all: bool) -> Diagnostic {
    match all {
        true => Diagnostic::warning("nothing to desugar: no `async fn` with a body"),
        false => Diagnostic::warning("nothing to desugar: no function is marked `#[desugar]`")
            .help("`--all` desugars every `async fn`, marked or not"),
    }
}

/// The functions of every unit, with module paths before their names, and the unit of each.
fn functions<'u>(
    units: &'u [Unit],
    all: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(FnInfo, &'u Unit)> {
    let mut out = Vec::new();
    for unit in units {
        let (infos, errors) = with_receivers(unit, || {
            desugar_core::explain::explain_file(&unit.file, all)
        });
        report(unit, errors, diagnostics);
        for mut info in infos {
            if !unit.module.is_empty() {
                info.name = format!("{}::{}", unit.module.join("::"), info.name);
            }
            out.push((info, unit));
        }
    }
    out
}

fn check(units: &[Unit], all: bool, diagnostics: &mut Vec<Diagnostic>) -> Output {
    let mut count = 0;
    let mut failed = 0;
    for unit in units {
        let (infos, explain_errors) = with_receivers(unit, || {
            desugar_core::explain::explain_file(&unit.file, all)
        });
        count += infos.len() + explain_errors.len();
        let errors = with_receivers(unit, || {
            desugar_core::file::expand_file(&mut unit.file.clone(), options(all))
        });
        failed += errors.len();
        report(unit, errors, diagnostics);
    }
    if count == 0 {
        diagnostics.push(nothing_to_desugar(all));
    }
    let files = match units.len() {
        1 => "1 file".to_string(),
        n => format!("{n} files"),
    };
    Output::Checked(match failed {
        0 => format!("checked {count} function(s) in {files}: all can be desugared"),
        _ => format!("checked {count} function(s) in {files}: {failed} cannot be desugared"),
    })
}

fn explain(units: &[Unit], view: &View, diagnostics: &mut Vec<Diagnostic>) -> Output {
    let functions = functions(units, view.all, diagnostics);
    if functions.is_empty() && diagnostics.is_empty() {
        diagnostics.push(nothing_to_desugar(view.all));
    }
    if view.format == Format::Json {
        let pairs: Vec<(&FnInfo, &str)> = functions
            .iter()
            .map(|(f, u)| (f, u.path.as_str()))
            .collect();
        return Output::Json(print::json::render(&pairs, diagnostics));
    }
    let tables: Vec<String> = functions
        .iter()
        .map(|(f, unit)| print::table::state_table(f, &unit.path, terminal_width()))
        .collect();
    Output::Table(tables.join("\n"))
}

fn graph(
    units: &[Unit],
    all: bool,
    format: opts::GraphFormat,
    diagnostics: &mut Vec<Diagnostic>,
) -> Output {
    let functions = functions(units, all, diagnostics);
    if functions.is_empty() && diagnostics.is_empty() {
        diagnostics.push(nothing_to_desugar(all));
    }
    let pairs: Vec<(&FnInfo, &str)> = functions
        .iter()
        .map(|(f, u)| (f, u.path.as_str()))
        .collect();
    if pairs.is_empty() {
        return Output::Table(String::new());
    }
    drawn(print::graph::dot(&pairs, &[]), format, diagnostics)
}

/// The diagram in `format`; if layout-rs cannot draw it, the DOT text and an error.
fn drawn(dot: String, format: opts::GraphFormat, diagnostics: &mut Vec<Diagnostic>) -> Output {
    match format {
        opts::GraphFormat::Dot => Output::Table(dot),
        opts::GraphFormat::Svg => match print::graph::svg(&dot) {
            Ok(svg) => Output::Table(svg),
            Err(e) => {
                diagnostics.push(Diagnostic::error(format!(
                    "the diagram could not be drawn: {e}"
                )));
                Output::Table(dot)
            }
        },
    }
}

fn teach(units: &[Unit], all: bool, diagnostics: &mut Vec<Diagnostic>) -> String {
    let functions = functions(units, all, diagnostics);
    if functions.is_empty() && diagnostics.is_empty() {
        diagnostics.push(nothing_to_desugar(all));
    }
    let Some((_, first)) = functions.first() else {
        return String::new();
    };
    let mut out = print::teach::header(&first.path);
    for (f, unit) in &functions {
        out.push_str(&print::teach::picture(f, &unit.path, &unit.source));
    }
    out
}

/// Expands every unit and puts the module files in place of their `mod name;` declarations.
fn expand(
    mut units: Vec<Unit>,
    matched: &[bool],
    narrowed: bool,
    all: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let mut changed = false;
    for unit in &mut units {
        let before = unit.file.clone();
        let mut file = unit.file.clone();
        let errors = with_receivers(unit, || {
            desugar_core::file::expand_file(&mut file, options(all))
        });
        unit.file = file;
        changed |= unit.file != before || !errors.is_empty();
        report(unit, errors, diagnostics);
    }
    if !changed {
        diagnostics.push(nothing_to_desugar(all));
    }
    let mut units = units.into_iter().zip(matched.iter().copied());
    let Some((mut root, _)) = units.next() else {
        return String::new();
    };
    let mut children: HashMap<Vec<String>, (syn::File, bool)> =
        units.map(|(u, m)| (u.module, (u.file, m))).collect();
    inline_modules(&mut root.file.items, &[], &mut children, narrowed);
    print::render(&root.file)
}

/// Replaces each `mod name;` of `items` (in module `module`) by the module's file, if loaded.
/// When `narrowed`, declarations of modules with nothing selected go, as do emptied modules.
fn inline_modules(
    items: &mut Vec<Item>,
    module: &[String],
    children: &mut HashMap<Vec<String>, (syn::File, bool)>,
    narrowed: bool,
) {
    items.retain_mut(|item| {
        let Item::Mod(m) = item else { return true };
        let path = [module, &[m.ident.to_string()]].concat();
        if let Some((_, content)) = &mut m.content {
            inline_modules(content, &path, children, narrowed);
            return !narrowed || !content.is_empty();
        }
        match children.remove(&path) {
            Some((_, false)) if narrowed => false,
            Some((mut file, _)) => {
                inline_modules(&mut file.items, &path, children, narrowed);
                m.attrs.extend(file.attrs);
                m.content = Some((Default::default(), file.items));
                m.semi = None;
                true
            }
            None => !narrowed,
        }
    });
}

fn side_by_side(
    units: &[Unit],
    all: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<print::side_by_side::Block> {
    // The errors are reported once, by the analysis; the expansion's are the same.
    let functions = functions(units, all, diagnostics);
    if functions.is_empty() && diagnostics.is_empty() {
        diagnostics.push(nothing_to_desugar(all));
    }
    let mut expansions: HashMap<(&str, usize), String> = HashMap::new();
    for unit in units {
        let mut after = unit.file.clone();
        let _ = with_receivers(unit, || {
            desugar_core::file::expand_file(&mut after, options(all))
        });
        let mut found = Vec::new();
        changed_functions(&unit.file.items, &after.items, &mut found);
        for (line, item) in found {
            let text = print::render(&syn::File {
                shebang: None,
                attrs: Vec::new(),
                items: vec![item],
            });
            expansions.insert((unit.path.as_str(), line), text);
        }
    }
    functions
        .iter()
        .filter_map(|(f, unit)| {
            let expansion = expansions.get(&(unit.path.as_str(), f.line))?;
            Some(print::side_by_side::Block::new(
                f,
                &unit.path,
                &unit.source,
                expansion,
            ))
        })
        .collect()
}

/// The functions the expansion changed, by the line they start on: free functions as they are,
/// methods inside their (otherwise emptied) impl block.
fn changed_functions(before: &[Item], after: &[Item], out: &mut Vec<(usize, Item)>) {
    let line = |s: &dyn syn::spanned::Spanned| s.span().start().line;
    for pair in before.iter().zip(after) {
        match pair {
            (Item::Fn(b), Item::Fn(a)) if b != a => out.push((line(b), Item::Fn(a.clone()))),
            (Item::Impl(b), Item::Impl(a)) if b.items.len() == a.items.len() => {
                for (bm, am) in b.items.iter().zip(&a.items) {
                    if let (ImplItem::Fn(bm), ImplItem::Fn(_)) = (bm, am) {
                        if ImplItem::Fn(bm.clone()) != *am {
                            let mut shell = a.clone();
                            shell.items = vec![am.clone()];
                            out.push((line(bm), Item::Impl(shell)));
                        }
                    }
                }
            }
            (Item::Mod(b), Item::Mod(a)) => {
                if let (Some((_, b)), Some((_, a))) = (&b.content, &a.content) {
                    changed_functions(b, a, out);
                }
            }
            _ => {}
        }
    }
}

/// The functions of `units` with a state machine to show (`async fn`s, and `fn`s with `async`
/// blocks that are marked), whether marked or not; and whether any could not be desugared,
/// which is one too.
fn async_names(units: &[Unit]) -> (Vec<String>, bool) {
    let mut names = Vec::new();
    let mut failed = false;
    for unit in units {
        let (infos, errors) = with_receivers(unit, || {
            desugar_core::explain::explain_file(&unit.file, true)
        });
        names.extend(infos.into_iter().map(|info| info.name));
        failed |= !errors.is_empty();
    }
    (names, failed)
}

fn not_async(query: &select::Query, asynchronous: &[String]) -> Diagnostic {
    let d = Diagnostic::error(format!(
        "`{}` is not an `async fn`: it has no state machine to show",
        query.text
    ));
    let named: Vec<String> = asynchronous.iter().map(|n| format!("`{n}`")).collect();
    match named.len() {
        0 => d.help("this input has no `async fn`"),
        1..=12 => d.help(format!("the async functions: {}", named.join(", "))),
        _ => d,
    }
}

fn no_such_function(query: &select::Query, known: &[String], input: &Input) -> Diagnostic {
    let place = match input {
        Input::File(path) if path.as_os_str() == "-" => "standard input".to_string(),
        Input::File(path) => path.display().to_string(),
        Input::Crate(_) => "the crate".to_string(),
    };
    let d = Diagnostic::error(format!("no function `{}` in {place}", query.text));
    let close = select::suggest(query, known);
    let quoted = |names: &[String]| {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        names.join(", ")
    };
    if !close.is_empty() {
        d.help(format!(
            "a function with a similar name exists: {}",
            quoted(&close)
        ))
    } else if known.is_empty() {
        d.help(format!("{place} has no functions"))
    } else if known.len() <= 12 {
        d.help(format!("the functions: {}", quoted(known)))
    } else {
        d
    }
}

/// Whether to use colors on a stream that is (or is not) a terminal.
fn colored(when: When, terminal: bool) -> bool {
    match when {
        When::Always => true,
        When::Never => false,
        When::Auto => {
            terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Prints `diagnostics` to standard error.
/// `cargo desugar --check`: the analysis's check, then `cargo check` of the crate, whose errors
/// inside a `#[desugar]` function are that function's: it can be desugared but its expansion
/// does not compile. (With `--all` the crate is not built: its functions are not marked.)
pub fn check_crate(
    target: &cargo::CrateTarget,
    input: &Input,
    item: Option<&str>,
    view: &View,
) -> ExitCode {
    let mut outcome = match run(input, item, view) {
        Ok(outcome) => outcome,
        Err(d) => {
            print_diagnostics(&[d], view);
            return ExitCode::from(2);
        }
    };
    let analysed = outcome.exit_code() == 0;
    if let Output::Checked(summary) = &mut outcome.output {
        if view.all {
            summary.push_str(
                "; not built: `--all` desugars functions the crate does not mark `#[desugar]`",
            );
        } else if analysed {
            build(target, input, &mut outcome.diagnostics, summary);
        }
    }
    print_diagnostics(&outcome.diagnostics, view);
    if let Output::Checked(summary) = &outcome.output {
        let _ = writeln!(std::io::stderr(), "{summary}");
    }
    ExitCode::from(outcome.exit_code())
}

/// `cargo check`'s errors as diagnostics of the functions they are in, and the summary's end.
fn build(
    target: &cargo::CrateTarget,
    input: &Input,
    diagnostics: &mut Vec<Diagnostic>,
    summary: &mut String,
) {
    let errors = match cargo::check_build(target) {
        Ok(errors) => errors,
        Err(d) => {
            diagnostics.push(d);
            return;
        }
    };
    let Ok((units, _)) = input::load(input) else {
        return;
    };
    let functions = functions(&units, false, &mut Vec::new());
    let absolute = |path: &str| std::fs::canonicalize(path).ok();
    let mut failing: Vec<&str> = Vec::new();
    for error in &errors {
        let file = std::fs::canonicalize(&error.file).ok();
        let owner = functions.iter().find(|(f, unit)| {
            file.is_some()
                && absolute(&unit.path) == file
                && (f.line..=f.end_line).contains(&error.line)
        });
        let rendered = error.rendered.trim_end();
        diagnostics.push(Diagnostic::error(match owner {
            Some((f, unit)) => {
                if !failing.contains(&f.name.as_str()) {
                    failing.push(&f.name);
                }
                format!(
                    "`{}` ({}:{}) can be desugared, but its expansion does not compile:\n{rendered}",
                    f.name, unit.path, f.line
                )
            }
            None => format!("the crate does not build, outside the desugared functions:\n{rendered}"),
        }));
    }
    if errors.is_empty() {
        summary.push_str(", and the crate builds with them desugared (`cargo check`)");
    } else {
        summary.push_str(&format!(
            "; `cargo check` found {} error(s), in {} desugared function(s)",
            errors.len(),
            failing.len()
        ));
    }
}

/// `cargo desugar --sizes [ITEM]`: builds the crate, prints each async fn's future's layout,
/// returns the exit code (1 if a future is larger than `max_size`, 2 if the crate does not build).
pub fn sizes_main(
    target: &cargo::CrateTarget,
    root: &std::path::Path,
    item: Option<&str>,
    view: &View,
    max_size: Option<u64>,
) -> ExitCode {
    match sizes_report(target, root, item, view, max_size) {
        Ok(outcome) => {
            print_diagnostics(&outcome.diagnostics, view);
            let (Output::Table(text) | Output::Json(text)) = &outcome.output else {
                return ExitCode::from(2);
            };
            let page = paged(view, std::io::stdout().is_terminal());
            pager::write(text, page && !text.is_empty(), false);
            ExitCode::from(outcome.exit_code())
        }
        Err(d) => {
            print_diagnostics(&[d], view);
            ExitCode::from(2)
        }
    }
}

fn sizes_report(
    target: &cargo::CrateTarget,
    root: &std::path::Path,
    item: Option<&str>,
    view: &View,
    max_size: Option<u64>,
) -> Result<Outcome, Diagnostic> {
    let (units, mut diagnostics) = input::load(&Input::Crate(root.to_path_buf()))?;
    // A function the analysis cannot desugar still has rustc's future, but no states to map
    // it to: it is left out, without an error.
    let functions: Vec<(FnInfo, &Unit)> = functions(&units, true, &mut Vec::new())
        .into_iter()
        .filter(|(f, _)| f.async_block.is_none())
        .filter(|(f, _)| item.is_none_or(|i| f.name == i || f.name.ends_with(&format!("::{i}"))))
        .collect();
    if functions.is_empty() {
        return Err(match item {
            Some(item) => Diagnostic::error(format!("no async fn `{item}` in the crate")),
            None => Diagnostic::error("no async fn with a body in the crate"),
        });
    }
    let built = sizes::measure(target, false)?;
    let desugared = functions
        .iter()
        .any(|(f, _)| sizes::is_desugared(f, &built));
    let native = if desugared {
        sizes::measure(target, true)?
    } else {
        Vec::new()
    };
    let measured: Vec<(&FnInfo, &str, sizes::FnSizes)> = functions
        .iter()
        .map(|(f, unit)| (f, unit.path.as_str(), sizes::of(f, &built, &native)))
        .collect();
    if let Some(limit) = max_size {
        for (f, path, sizes) in &measured {
            if let Some((total, why)) = print::sizes::why(f, sizes).filter(|(t, _)| *t > limit) {
                diagnostics.push(Diagnostic::error(format!(
                    "`{}` ({path}:{}): its future is {total} bytes, more than {limit}; {why}",
                    f.name, f.line
                )));
            }
        }
    }
    let output = if let Some(format) = view.graph {
        let pairs: Vec<(&FnInfo, &str)> = measured.iter().map(|(f, p, _)| (*f, *p)).collect();
        let sizes: Vec<Option<&sizes::FutureSize>> = measured
            .iter()
            .map(|(_, _, s)| s.desugared.as_ref().or(s.native.as_ref()))
            .collect();
        drawn(print::graph::dot(&pairs, &sizes), format, &mut diagnostics)
    } else if view.format == Format::Json {
        let rows: Vec<(&FnInfo, &str, &sizes::FnSizes)> =
            measured.iter().map(|(f, p, s)| (*f, *p, s)).collect();
        Output::Json(print::sizes::json(&rows))
    } else {
        let tables: Vec<String> = measured
            .iter()
            .map(|(f, path, sizes)| print::sizes::text(f, path, sizes))
            .collect();
        Output::Table(tables.join("\n"))
    };
    Ok(Outcome {
        output,
        diagnostics,
    })
}

/// The width to fit wide output to: `$COLUMNS` if set, else the terminal's when printing to
/// one; `None` when piped (nothing is cut there either).
pub fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    let out = std::io::stdout();
    if !out.is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(&out).map(|(w, _)| usize::from(w.0))
}

/// Whether to page, as `--paging` says (`auto`: on a terminal).
fn paged(view: &View, terminal: bool) -> bool {
    match view.paging {
        When::Always => true,
        When::Never => false,
        When::Auto => terminal,
    }
}

pub fn print_diagnostics(diagnostics: &[Diagnostic], view: &View) {
    if diagnostics.is_empty() {
        return;
    }
    let styled = colored(view.color, std::io::stderr().is_terminal());
    let _ = std::io::stderr().write_all(diagnostic::render(diagnostics, styled).as_bytes());
}

/// Both commands after their arguments are read: runs, prints (highlighted and paged as the
/// options and the terminal say) and returns the exit code.
pub fn main(input: &Input, item: Option<&str>, view: &View) -> ExitCode {
    let terminal = std::io::stdout().is_terminal();
    let highlighter = if colored(view.color, terminal) {
        highlight::Highlighter::new(&view.theme).map(Some)
    } else {
        highlight::Highlighter::check_theme(&view.theme).map(|()| None)
    };
    let highlighter = match highlighter {
        Ok(h) => h,
        Err(known) => {
            let d = Diagnostic::error(format!("unknown theme `{}`", view.theme))
                .help(format!("the themes: {}", known.join(", ")));
            print_diagnostics(&[d], view);
            return ExitCode::from(2);
        }
    };
    let outcome = match run(input, item, view) {
        Ok(outcome) => outcome,
        Err(d) => {
            print_diagnostics(&[d], view);
            return ExitCode::from(2);
        }
    };
    print_diagnostics(&outcome.diagnostics, view);
    let h = highlighter.as_ref();
    let (text, wide) = match &outcome.output {
        Output::Source(text) => {
            // After an expansion (not `--teach`'s picture), `Machine`'s `poll`, once.
            let mut text = text.clone();
            if !view.teach && text.contains("::desugar::__private::machine(") {
                text.push_str(&print::machine::footer());
            }
            (
                h.map_or_else(|| text.clone(), |h| h.rust_text(&text)),
                false,
            )
        }
        Output::Table(text) | Output::Json(text) => (text.clone(), false),
        Output::SideBySide(blocks) => {
            let width = terminal_width();
            // Cut to the screen by the pager only if they are not already stacked to fit it.
            (
                print::side_by_side::render(blocks, h, width),
                width.is_none(),
            )
        }
        Output::Checked(summary) => {
            let _ = writeln!(std::io::stderr(), "{summary}");
            (String::new(), false)
        }
    };
    pager::write(&text, paged(view, terminal) && !text.is_empty(), wide);
    ExitCode::from(outcome.exit_code())
}
