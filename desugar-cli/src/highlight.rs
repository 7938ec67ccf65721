//! Syntax highlighting for terminals, by syntect with its bundled Rust syntax and themes.

use std::fmt::Write;
use syntect::easy::HighlightLines;
use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::parsing::SyntaxSet;

/// Solarized's accent colors are chosen to read on light and dark backgrounds alike; its base
/// text color is left to the terminal (`foreground`), so the default reads on either.
pub const DEFAULT_THEME: &str = "Solarized (dark)";

pub struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
    /// 24-bit color escapes; else the nearest of the 256 colors most terminals have.
    truecolor: bool,
}

impl Highlighter {
    /// The highlighter for `theme`; for an unknown theme, the names of the known ones.
    pub fn new(theme: &str) -> Result<Self, Vec<String>> {
        let mut themes = ThemeSet::load_defaults().themes;
        match themes.remove(theme) {
            Some(theme) => Ok(Highlighter {
                syntaxes: SyntaxSet::load_defaults_nonewlines(),
                theme,
                // How terminals say they take 24-bit colors (bat and delta ask the same).
                truecolor: std::env::var("COLORTERM")
                    .is_ok_and(|v| v == "truecolor" || v == "24bit"),
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
                        let mut out = String::new();
                        for (style, text) in ranges {
                            let _ = write!(out, "{}{text}", self.foreground(style.foreground));
                        }
                        out.push_str(RESET);
                        out
                    }
                    // A line syntect cannot handle is printed as it is.
                    Err(_) => line.to_string(),
                }
            })
            .collect()
    }

    /// The escape for color `c`: the terminal's own text color where the theme has its plain
    /// text color (identifiers, punctuation), which a dark theme would make unreadable on a
    /// light background.
    fn foreground(&self, c: Color) -> String {
        if self.theme.settings.foreground == Some(c) {
            return "\x1b[39m".to_string();
        }
        match self.truecolor {
            true => format!("\x1b[38;2;{};{};{}m", c.r, c.g, c.b),
            false => format!("\x1b[38;5;{}m", ansi256(c)),
        }
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

/// The xterm-256 color nearest to `c`: from the 6×6×6 cube or the 24 grays.
fn ansi256(c: Color) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (r, g, b) = (nearest(c.r), nearest(c.g), nearest(c.b));
    let distance = |x: (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x.0, c.r) + d(x.1, c.g) + d(x.2, c.b)
    };
    let cube = (LEVELS[r], LEVELS[g], LEVELS[b]);
    let average = (u32::from(c.r) + u32::from(c.g) + u32::from(c.b)) / 3;
    let gray_index = (average.saturating_sub(3) / 10).min(23) as u8;
    let level = 8 + 10 * gray_index;
    if distance((level, level, level)) < distance(cube) {
        232 + gray_index
    } else {
        16 + 36 * r as u8 + 6 * g as u8 + b as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_rust_and_keeps_the_text() {
        let mut h = Highlighter::new(DEFAULT_THEME).unwrap();
        h.truecolor = false;
        assert!(h.rust(&["fn f() {}"])[0].starts_with("\x1b[38;5;"));
        // Plain text in the terminal's own color.
        let line = &h.rust(&["fn f() {}"])[0];
        assert!(line.contains("\x1b[39m "), "{line:?}");
        h.truecolor = true;
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
    fn the_256_colors_are_the_nearest() {
        let rgb = |r, g, b| Color { r, g, b, a: 255 };
        assert_eq!(ansi256(rgb(0, 0, 0)), 16);
        assert_eq!(ansi256(rgb(255, 255, 255)), 231);
        assert_eq!(ansi256(rgb(255, 0, 0)), 196);
        assert_eq!(ansi256(rgb(128, 128, 128)), 244);
        assert_eq!(ansi256(rgb(180, 142, 173)), 139);
    }

    #[test]
    fn unknown_themes_list_the_known_ones() {
        let Err(known) = Highlighter::new("no such theme") else {
            panic!("accepted an unknown theme");
        };
        assert!(known.iter().any(|t| t == DEFAULT_THEME), "{known:?}");
    }
}
