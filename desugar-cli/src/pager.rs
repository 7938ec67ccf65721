//! Writing the output: through a pager when asked (as `cargo expand` and `git` do), else
//! straight to standard output.

use std::io::Write;
use std::process::{Command, Stdio};

/// Writes `text` to standard output, through the pager if `page`. `wide`: lines are not to be
/// wrapped (the side-by-side view), so `less` scrolls sideways instead.
pub fn write(text: &str, page: bool, wide: bool) {
    if page && through_pager(text, wide) {
        return;
    }
    // A closed pipe (`desugar f.rs | head`) is not an error worth a message.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `$DESUGAR_PAGER`, else `$PAGER`, else `less`; `false` if none could be started.
fn through_pager(text: &str, wide: bool) -> bool {
    let configured = std::env::var("DESUGAR_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .ok()
        .filter(|p| !p.trim().is_empty());
    let command = configured.unwrap_or_else(|| "less".to_string());
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else {
        return false;
    };
    let mut pager = Command::new(program);
    pager.args(words).stdin(Stdio::piped());
    if program == "less" || program.ends_with("/less") {
        // Quit if it fits one screen, keep colors, leave the text on screen; chop long lines.
        let flags = if wide { "FRXS" } else { "FRX" };
        if std::env::var_os("LESS").is_none() {
            pager.env("LESS", flags);
        }
    }
    let Ok(mut child) = pager.spawn() else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The user may quit the pager before reading everything.
        let _ = stdin.write_all(text.as_bytes());
    }
    let _ = child.wait();
    true
}
