//! Syntax highlighting for terminals, by syntect with its bundled Rust syntax and themes.

use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::SyntaxSet;

pub const DEFAULT_THEME: &str = "base16-ocean.dark";

pub struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

impl Highlighter {
    /// The highlighter for `theme`; for an unknown theme, the names of the known ones.
    pub fn new(theme: &str) -> Result<Self, Vec<String>> {
        let mut themes = ThemeSet::load_defaults().themes;
        match themes.remove(theme) {
            Some(theme) => Ok(Highlighter {
                syntaxes: SyntaxSet::load_defaults_nonewlines(),
                theme,
            }),
            None => Err(themes.into_keys().collect()),
        }
    }

    /// Whether `theme` is one of the bundled themes, without loading the syntaxes; if it is
    /// not, the names of those that are.
    pub fn check_theme(theme: &str) -> Result<(), Vec<String>> {
        let themes = ThemeSet::load_defaults().themes;
        match themes.contains_key(theme) {
            true => Ok(()),
            false => Err(themes.into_keys().collect()),
        }
    }

    /// `lines` of Rust, each with 24-bit color escapes and a reset at its end. The lines are
    /// highlighted in sequence, so a construct spanning lines (a block comment) stays colored.
    pub fn rust<S: AsRef<str>>(&self, lines: &[S]) -> Vec<String> {
        let syntax = self
            .syntaxes
            .find_syntax_by_extension("rs")
            .unwrap_or_else(|| self.syntaxes.find_syntax_plain_text());
        let mut state = HighlightLines::new(syntax, &self.theme);
        lines
            .iter()
            .map(|line| {
                let line = line.as_ref();
                match state.highlight_line(line, &self.syntaxes) {
                    Ok(ranges) => {
                        let mut out = syntect::util::as_24_bit_terminal_escaped(&ranges, false);
                        out.push_str(RESET);
                        out
                    }
                    // A line syntect cannot handle is printed as it is.
                    Err(_) => line.to_string(),
                }
            })
            .collect()
    }

    /// A whole text of Rust.
    pub fn rust_text(&self, text: &str) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = self.rust(&lines).join("\n");
        out.push('\n');
        out
    }

    /// Text the tool adds (titles, marks, table headers): bold yellow.
    pub fn accent(&self, text: &str) -> String {
        format!("\x1b[1;33m{text}{RESET}")
    }
}

const RESET: &str = "\x1b[0m";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_rust_and_keeps_the_text() {
        let h = Highlighter::new(DEFAULT_THEME).unwrap();
        let lines = h.rust(&["fn f() -> u8 { /* a", "comment */ 1 }"]);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("\x1b[38;2;"), "{:?}", lines[0]);
        let plain = |s: &str| {
            let mut out = String::new();
            let mut escape = false;
            for c in s.chars() {
                match (escape, c) {
                    (false, '\x1b') => escape = true,
                    (true, 'm') => escape = false,
                    (false, c) => out.push(c),
                    _ => {}
                }
            }
            out
        };
        assert_eq!(plain(&lines[0]), "fn f() -> u8 { /* a");
        assert_eq!(plain(&lines[1]), "comment */ 1 }");
        // The comment's color carries over to the second line.
        let comment_color = lines[0].rsplit("\x1b[38;2;").next().unwrap();
        let color = &comment_color[..comment_color.find('m').unwrap()];
        assert!(
            lines[1].starts_with(&format!("\x1b[38;2;{color}m")),
            "{lines:?}"
        );
    }

    #[test]
    fn unknown_themes_list_the_known_ones() {
        let Err(known) = Highlighter::new("no such theme") else {
            panic!("accepted an unknown theme");
        };
        assert!(known.iter().any(|t| t == DEFAULT_THEME), "{known:?}");
    }
}
