//! Errors and warnings about the user's source, printed as rustc prints them: `file:line:col`,
//! the line, a caret under the span (annotate-snippets does the drawing).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::ops::Range;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One message, with where it points if it points somewhere.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    /// `help:` lines after the snippet.
    pub help: Vec<String>,
}

/// A span of one source file.
#[derive(Debug, Clone)]
pub struct Location {
    /// As the user named it (`<stdin>` for standard input).
    pub path: String,
    pub source: Rc<str>,
    /// Byte range in `source`.
    pub range: Range<usize>,
    /// 1-based, of the start.
    pub line: usize,
    /// 1-based, in characters, of the start.
    pub column: usize,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            help: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// One diagnostic per message of `error` (a `syn::Error` may carry several), pointing into
    /// `source`, the text `error` was parsed from.
    pub fn from_syn(path: &str, source: &Rc<str>, error: syn::Error) -> Vec<Diagnostic> {
        error
            .into_iter()
            .map(|e| {
                let span = e.span();
                Diagnostic::error(e.to_string()).at(Location::new(
                    path,
                    source,
                    span.start(),
                    span.end(),
                ))
            })
            .collect()
    }

    /// `path:line:col: message`, on one line: for JSON and for tests.
    pub fn short(&self) -> String {
        match &self.location {
            Some(l) => format!("{}:{}:{}: {}", l.path, l.line, l.column, self.message),
            None => self.message.clone(),
        }
    }
}

impl Location {
    /// The span from `start` to `end` (proc-macro2 positions: 1-based lines, 0-based character
    /// columns) of `source`.
    pub fn new(
        path: &str,
        source: &Rc<str>,
        start: proc_macro2::LineColumn,
        end: proc_macro2::LineColumn,
    ) -> Self {
        let from = offset(source, start);
        let mut to = offset(source, end).max(from);
        if to == from {
            // An empty span (end of input) still gets a caret: under the next character, if any.
            to = source[from..]
                .chars()
                .next()
                .map_or(from, |c| from + c.len_utf8());
        }
        Location {
            path: path.to_string(),
            source: source.clone(),
            range: from..to,
            line: start.line.max(1),
            column: start.column + 1,
        }
    }
}

/// The byte offset of a proc-macro2 position in `source` (clamped to the text).
fn offset(source: &str, at: proc_macro2::LineColumn) -> usize {
    let line_start = source
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line = source[line_start..].split('\n').next().unwrap_or("");
    line_start
        + line
            .char_indices()
            .nth(at.column)
            .map_or(line.len(), |(i, _)| i)
}

/// All of `diagnostics`, each as rustc would print it, with ANSI colors if `styled`.
pub fn render(diagnostics: &[Diagnostic], styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str());
        let mut group = match &d.location {
            Some(l) => title.element(
                Snippet::source(&*l.source)
                    .path(l.path.as_str())
                    .annotation(AnnotationKind::Primary.span(l.range.clone())),
            ),
            None => Group::with_title(title),
        };
        for help in &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_not_bytes() {
        let source = "é = 1;\nlet x = é;\n";
        let at = |line, column| proc_macro2::LineColumn { line, column };
        assert_eq!(offset(source, at(1, 0)), 0);
        assert_eq!(offset(source, at(1, 1)), 2);
        assert_eq!(&source[offset(source, at(2, 8))..], "é;\n");
        assert_eq!(offset(source, at(9, 0)), source.len());
    }

    #[test]
    fn renders_like_rustc() {
        let source: Rc<str> = "fn main() {\n    let x = ;\n}\n".into();
        let at = |line, column| proc_macro2::LineColumn { line, column };
        let d = Diagnostic::error("expected expression")
            .at(Location::new("src/main.rs", &source, at(2, 12), at(2, 13)))
            .help("write a value");
        let text = render(&[d], false);
        assert!(text.starts_with("error: expected expression\n"), "{text}");
        assert!(text.contains("--> src/main.rs:2:13"), "{text}");
        assert!(text.contains("let x = ;"), "{text}");
        assert!(text.contains("^"), "{text}");
        assert!(text.contains("help: write a value"), "{text}");
    }
}
