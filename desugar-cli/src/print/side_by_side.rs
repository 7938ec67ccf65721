//! `--side-by-side`: a function's source, with line numbers and a mark at every suspension
//! point (its state, what it keeps), next to the function's expansion. Lines are not wrapped:
//! the pager scrolls sideways.

use crate::highlight::Highlighter;
use desugar_core::explain::FnInfo;

/// One function: its source and its expansion.
pub struct Block {
    /// `name (file:line)`.
    pub title: String,
    /// The source lines, the first being line `first_line`.
    pub source: Vec<String>,
    pub first_line: usize,
    /// `(line, mark)`: where a state begins, and what it keeps.
    pub marks: Vec<(usize, String)>,
    pub expansion: Vec<String>,
}

impl Block {
    /// The block of `f`, from the text of the file it is in and its rendered expansion.
    pub fn new(f: &FnInfo, path: &str, source: &str, expansion: &str) -> Self {
        let lines: Vec<String> = source
            .lines()
            .skip(f.line - 1)
            .take(f.end_line + 1 - f.line)
            .map(|l| l.replace('\t', "    "))
            .collect();
        let marks = f
            .states
            .iter()
            .map(|s| {
                let mark = if s.keeps.is_empty() && s.in_place.is_empty() {
                    format!("◀ {}", s.name)
                } else {
                    let kept: Vec<&str> = s
                        .keeps
                        .iter()
                        .chain(&s.in_place)
                        .map(String::as_str)
                        .collect();
                    format!("◀ {} keeps {}", s.name, kept.join(", "))
                };
                (s.line, mark)
            })
            .collect();
        Block {
            title: format!("{} ({path}:{})", f.name, f.line),
            source: lines,
            first_line: f.line,
            marks,
            expansion: expansion.lines().map(str::to_string).collect(),
        }
    }
}

/// The blocks one after the other, highlighted if `highlighter` is given.
pub fn render(blocks: &[Block], highlighter: Option<&Highlighter>) -> String {
    let mut out = String::new();
    for block in blocks {
        render_block(block, highlighter, &mut out);
        out.push('\n');
    }
    out
}

fn render_block(block: &Block, highlighter: Option<&Highlighter>, out: &mut String) {
    let number_width = (block.first_line + block.source.len()).to_string().len();
    let mark_of = |i: usize| {
        let line = block.first_line + i;
        let marks: Vec<&str> = block
            .marks
            .iter()
            .filter(|(l, _)| *l == line)
            .map(|(_, m)| m.as_str())
            .collect();
        marks.join("; ")
    };
    // Plain text decides the widths; colors are added around it.
    let left_plain: Vec<String> = (0..block.source.len())
        .map(|i| {
            let mark = mark_of(i);
            let sep = if mark.is_empty() { "" } else { "  " };
            format!(
                "{:>number_width$} {}{sep}{mark}",
                block.first_line + i,
                block.source[i]
            )
        })
        .collect();
    let width = left_plain
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max("source".len());
    let (source, expansion, accent) = match highlighter {
        Some(h) => (
            h.rust(&block.source),
            h.rust(&block.expansion),
            Some(h as &Highlighter),
        ),
        None => (block.source.clone(), block.expansion.clone(), None),
    };
    let paint = |text: &str| match accent {
        Some(h) => h.accent(text),
        None => text.to_string(),
    };
    out.push_str(&paint(&block.title));
    out.push('\n');
    out.push_str(&format!("{:<width$} │ expansion\n", "source"));
    out.push_str(&format!("{}─┼─{}\n", "─".repeat(width), "─".repeat(9)));
    for row in 0..block.source.len().max(block.expansion.len()) {
        let (left, visible) = match source.get(row).zip(left_plain.get(row)) {
            Some((code, plain)) => {
                let mark = mark_of(row);
                let sep = if mark.is_empty() { "" } else { "  " };
                let text = format!(
                    "{:>number_width$} {code}{sep}{}",
                    block.first_line + row,
                    if mark.is_empty() {
                        String::new()
                    } else {
                        paint(&mark)
                    }
                );
                (text, plain.chars().count())
            }
            None => (String::new(), 0),
        };
        let right = expansion.get(row).map_or("", String::as_str);
        let padding = " ".repeat(width - visible);
        out.push_str(format!("{left}{padding} │ {right}").trim_end());
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_go_on_the_source_line_and_columns_align() {
        let block = Block {
            title: "f (a.rs:3)".into(),
            source: vec!["async fn f() {".into(), "    g().await;".into(), "}".into()],
            first_line: 3,
            marks: vec![(4, "◀ G".into())],
            expansion: (0..5).map(|i| format!("line {i}")).collect(),
        };
        let text = render(&[block], None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "f (a.rs:3)");
        assert_eq!(lines[4], "4     g().await;  ◀ G │ line 1");
        let bar = lines[4].chars().position(|c| c == '│');
        for line in &lines[1..lines.len()] {
            if line.contains('│') {
                assert_eq!(line.chars().position(|c| c == '│'), bar, "{text}");
            }
        }
        assert_eq!(lines[7].trim_start(), "│ line 4");
    }
}
