//! What the CLI prints, before colors and paging: the expansion as source (here), the
//! `--explain` table, its JSON form, the side-by-side view, the `--teach` picture, the
//! `--graph` diagram.

pub mod graph;
pub mod json;
pub mod machine;
pub mod side_by_side;
pub mod sizes;
pub mod table;
pub mod teach;

use desugar_core::COMMENT_MARKER;

/// The file as source: prettyplease, then the comment markers of the expansion turned back into
/// `//` lines at their indentation.
pub fn render(file: &syn::File) -> String {
    let text = prettyplease::unparse(file);
    let mut out = String::with_capacity(text.len());
    let mut pending = String::new();
    for line in text.lines() {
        // prettyplease breaks a long marker over several lines: join them first.
        if !pending.is_empty() || line.trim_start().starts_with(COMMENT_MARKER) {
            pending.push_str(if pending.is_empty() {
                line
            } else {
                line.trim()
            });
            if !pending.ends_with(");") {
                continue;
            }
        }
        let joined = std::mem::take(&mut pending);
        let line = if joined.is_empty() {
            line
        } else {
            joined.as_str()
        };
        match comment_of(line) {
            Some((indent, comment)) => {
                for wrapped in wrap(&comment, 100usize.saturating_sub(indent.len() + 3).max(40)) {
                    out.push_str(indent);
                    out.push_str("// ");
                    out.push_str(&wrapped);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `    __desugar_comment!("text");` -> `("    ", "text")`.
fn comment_of(line: &str) -> Option<(&str, String)> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let rest = trimmed.strip_prefix(COMMENT_MARKER)?.strip_prefix("!(")?;
    let literal = rest.strip_suffix(");")?;
    let lit: syn::LitStr = syn::parse_str(literal).ok()?;
    Some((indent, lit.value()))
}

/// `header` and `rows` as aligned columns, each line after `indent`, trailing spaces trimmed.
pub fn columns<const N: usize>(
    indent: &str,
    header: &[String; N],
    rows: &[[String; N]],
) -> Vec<String> {
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    std::iter::once(header)
        .chain(rows)
        .map(|cells| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            format!("{indent}{}", padded.join("  ").trim_end())
        })
        .collect()
}

/// `text` in lines of at most `width` characters (longer words stay whole).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn markers_become_comments() {
        let file: syn::File =
            syn::parse_str("fn f() { __desugar_comment!(\"SAFETY: it is pinned.\"); let x = 1; }")
                .unwrap();
        let text = super::render(&file);
        assert!(text.contains("    // SAFETY: it is pinned.\n"), "{text}");
        assert!(!text.contains("__desugar_comment"));
    }

    #[test]
    fn long_markers_are_joined() {
        let long = "word ".repeat(40);
        let file: syn::File =
            syn::parse_str(&format!("fn f() {{ __desugar_comment!(\"{long}\"); }}")).unwrap();
        let text = super::render(&file);
        assert!(!text.contains("__desugar_comment"), "{text}");
        assert!(
            text.lines()
                .filter(|l| l.trim_start().starts_with("// word"))
                .count()
                >= 2
        );
    }
}
