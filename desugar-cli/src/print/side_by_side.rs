//! `--side-by-side`: a function's source, with line numbers and a mark at every suspension
//! point (its state, what it keeps), next to the function's expansion. Each marked line is
//! aligned with the `match` arm that resumes its state. Lines are not wrapped: the pager
//! scrolls sideways.

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
    /// `(source line, expansion row)` pairs to put side by side, in order.
    pub anchors: Vec<(usize, usize)>,
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
                let mark = if s.join {
                    format!("· {} (join: no suspension)", s.name)
                } else if s.keeps.is_empty() && s.in_place.is_empty() {
                    format!("◀ {}", s.name)
                } else {
                    let kept: Vec<&str> = s
                        .keeps
                        .iter()
                        .chain(&s.in_place)
                        // The name only: the table says what a hidden local is.
                        .map(|k| k.split(" (").next().unwrap_or(k))
                        .collect();
                    format!("◀ {} keeps {}", s.name, kept.join(", "))
                };
                (s.line, mark)
            })
            .collect();
        let expansion: Vec<String> = expansion.lines().map(str::to_string).collect();
        // The arm `FetchDataState::Name { .. } => {` of each state, in order.
        let mut anchors = Vec::new();
        let mut from = 0;
        for state in &f.states {
            let arm = format!("{}::{} {{", f.state_enum, state.name);
            let found = expansion[from..].iter().position(|l| {
                let l = l.trim_start();
                l.starts_with(&arm) && l.ends_with("=> {")
            });
            if let Some(row) = found {
                anchors.push((state.line, from + row));
                from += row + 1;
            }
        }
        Block {
            title: format!("{} ({path}:{})", f.name, f.line),
            source: lines,
            first_line: f.line,
            marks,
            expansion,
            anchors,
        }
    }
}

/// The blocks one after the other, highlighted if `highlighter` is given. In a terminal narrower
/// than a block's two panes (`width`), its panes are stacked, the source above the expansion,
/// rather than cut.
pub fn render(blocks: &[Block], highlighter: Option<&Highlighter>, width: Option<usize>) -> String {
    let mut out = String::new();
    for block in blocks {
        render_block(block, highlighter, width, &mut out);
        out.push('\n');
    }
    out
}

fn render_block(
    block: &Block,
    highlighter: Option<&Highlighter>,
    terminal: Option<usize>,
    out: &mut String,
) {
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
    let expansion_width = block
        .expansion
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    if terminal.is_some_and(|t| width + 3 + expansion_width > t) {
        out.push_str("source\n");
        for (row, code) in source.iter().enumerate() {
            let mark = mark_of(row);
            let sep = if mark.is_empty() { "" } else { "  " };
            let number = block.first_line + row;
            out.push_str(&format!(
                "{number:>number_width$} {code}{sep}{}\n",
                paint(&mark)
            ));
        }
        out.push_str("\nexpansion\n");
        for line in &expansion {
            out.push_str(line);
            out.push('\n');
        }
        return;
    }
    out.push_str(&format!("{:<width$} │ expansion\n", "source"));
    out.push_str(&format!("{}─┼─{}\n", "─".repeat(width), "─".repeat(9)));
    let anchors: Vec<(usize, usize)> = block
        .anchors
        .iter()
        .filter(|(line, _)| *line >= block.first_line)
        .map(|&(line, row)| (line - block.first_line, row))
        .collect();
    for (left_row, right_row) in rows(block.source.len(), block.expansion.len(), &anchors) {
        let row = left_row.unwrap_or(usize::MAX);
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
        let right = right_row
            .and_then(|r| expansion.get(r))
            .map_or("", String::as_str);
        let padding = " ".repeat(width - visible);
        out.push_str(format!("{left}{padding} │ {right}").trim_end());
        out.push('\n');
    }
}

/// The rows of the view: which left and right lines each shows. Both sides advance together,
/// except that before an anchor `(left, right)` the side that reaches it first waits (blank) so
/// that the two anchored lines share a row. Anchors that would go backwards are skipped.
fn rows(
    left: usize,
    right: usize,
    anchors: &[(usize, usize)],
) -> Vec<(Option<usize>, Option<usize>)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    let mut advance = |i: &mut usize, j: &mut usize, to_i: usize, to_j: usize| {
        while *i < to_i || *j < to_j {
            let l = (*i < to_i).then(|| {
                *i += 1;
                *i - 1
            });
            let r = (*j < to_j).then(|| {
                *j += 1;
                *j - 1
            });
            out.push((l, r));
        }
    };
    for &(a, b) in anchors {
        if a >= i && b >= j && a < left && b < right {
            advance(&mut i, &mut j, a, b);
        }
    }
    advance(&mut i, &mut j, left, right);
    out
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
            anchors: Vec::new(),
        };
        let text = render(std::slice::from_ref(&block), None, None);
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
        // Narrower than both panes: stacked, nothing cut.
        let stacked = render(&[block], None, Some(20));
        assert!(!stacked.contains('│'), "{stacked}");
        assert!(stacked.contains("\n4     g().await;  ◀ G\n"), "{stacked}");
        assert!(stacked.ends_with("line 3\nline 4\n\n"), "{stacked}");
    }

    #[test]
    fn anchors_line_up() {
        let rows = rows(4, 6, &[(1, 3), (2, 4)]);
        let expected = [
            (Some(0), Some(0)),
            (None, Some(1)),
            (None, Some(2)),
            (Some(1), Some(3)),
            (Some(2), Some(4)),
            (Some(3), Some(5)),
        ];
        assert_eq!(rows, expected);
        // More source than expansion before an anchor: the expansion waits.
        let rows = super::rows(4, 3, &[(3, 1)]);
        assert_eq!(
            rows[..3],
            [(Some(0), Some(0)), (Some(1), None), (Some(2), None)]
        );
        assert_eq!(rows[3], (Some(3), Some(1)));
        // An anchor going backwards is ignored.
        assert_eq!(super::rows(2, 2, &[(1, 1), (0, 0)]).len(), 2);
    }
}
