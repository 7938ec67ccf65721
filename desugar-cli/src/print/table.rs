//! The `--explain` table: one row per suspension point, notes under their row; the function's
//! own notes after the table.

use super::wrap;

/// The `--explain` table of one function of the file `path`; wider than `width`, each state
/// as a few lines instead, wrapped to it.
pub fn state_table(f: &desugar_core::explain::FnInfo, path: &str, width: Option<usize>) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let header = ["state", "at", "awaits", "keeps", "in place", "in slots"].map(String::from);
    let rows: Vec<[String; 6]> = f
        .states
        .iter()
        .map(|s| {
            [
                s.name.clone(),
                format!("{}:{}", s.line, s.column),
                if s.join {
                    format!("no await: {}", s.awaited)
                } else {
                    s.awaited.clone()
                },
                list(&s.keeps),
                list(&s.in_place),
                list(&s.slots),
            ]
        })
        .collect();
    let lines = super::columns("  ", &header, &rows);
    let joins = f.states.iter().filter(|s| s.join).count();
    let mut points = match f.states.len() - joins {
        1 => "1 suspension point".to_string(),
        n => format!("{n} suspension points"),
    };
    match joins {
        0 => {}
        1 => points.push_str(" and 1 join state"),
        n => points.push_str(&format!(" and {n} join states")),
    }
    let title = format!(
        "{} ({path}:{}): {points}, besides `Start`, `Done` and `Panicked`",
        f.name, f.line,
    );
    // (As wide as before for a terminal of any width, narrower to fit a narrow one.)
    let note_width = width.map_or(106, |w| w.min(106));
    let mut out = String::new();
    for (i, line) in wrap(&title, width.unwrap_or(usize::MAX)).iter().enumerate() {
        out.push_str(if i == 0 { "" } else { "    " });
        out.push_str(line);
        out.push('\n');
    }
    let table_width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    if let Some(width) = width.filter(|&w| table_width > w) {
        for (row, state) in rows.iter().zip(&f.states) {
            let head = format!("{}  at {}  {}", row[0], row[1], row[2]);
            for (i, wrapped) in wrap(&head, width.saturating_sub(4).max(30))
                .iter()
                .enumerate()
            {
                out.push_str(if i == 0 { "  " } else { "      " });
                out.push_str(wrapped);
                out.push('\n');
            }
            for (what, value) in [
                ("keeps", &row[3]),
                ("in place", &row[4]),
                ("in slots", &row[5]),
            ] {
                let text = format!("{what}: {value}");
                for (i, wrapped) in wrap(&text, width.saturating_sub(6).max(30))
                    .iter()
                    .enumerate()
                {
                    out.push_str(if i == 0 { "    " } else { "      " });
                    out.push_str(wrapped);
                    out.push('\n');
                }
            }
            if state.resumes_in_place {
                let note = "resumes in place: the loop around it comes back to it without moving \
                            what it keeps out of the state";
                notes(&[note.to_string()], "    ", note_width, &mut out);
            }
            notes(&state.notes, "    ", note_width, &mut out);
        }
        notes(&f.notes, "  ", note_width, &mut out);
        return out;
    }
    out.push_str(&lines[0]);
    out.push('\n');
    for (line, state) in lines[1..].iter().zip(&f.states) {
        out.push_str(line);
        out.push('\n');
        if state.resumes_in_place {
            let note = "resumes in place: the loop around it comes back to it without moving what \
                        it keeps out of the state";
            notes(&[note.to_string()], "    ", note_width, &mut out);
        }
        notes(&state.notes, "    ", note_width, &mut out);
    }
    notes(&f.notes, "  ", note_width, &mut out);
    out
}

/// `notes`, each as `note: ..` wrapped under itself to `width`, indented by `indent`.
fn notes(notes: &[String], indent: &str, width: usize, out: &mut String) {
    for note in notes {
        let width = width.saturating_sub(indent.len() + 6).max(30);
        for (i, wrapped) in wrap(note, width).iter().enumerate() {
            let lead = if i == 0 { "note: " } else { "      " };
            out.push_str(indent);
            out.push_str(lead);
            out.push_str(wrapped);
            out.push('\n');
        }
    }
}
