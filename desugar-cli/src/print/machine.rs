//! What every expansion's `poll` is: `Machine`, from the desugar crate, printed once after the
//! expansion as comments, so that the path from `Future::poll` to a function's code is there to
//! read (`resume` is the closure each function passes to `machine`).

/// The desugar crate's file that defines `Machine`, as this CLI was built with it.
const SOURCE: &str = include_str!("../../../src/__private/machine.rs");

/// `Machine`'s definition and its `impl Future`, as `//` lines, with a line saying where they
/// come from.
pub fn footer() -> String {
    let lines: Vec<&str> = SOURCE.lines().collect();
    let find = |from: usize, what: &dyn Fn(&str) -> bool| {
        (from..lines.len())
            .find(|&i| what(lines[i]))
            .unwrap_or(lines.len())
    };
    // The struct with its doc comment, then the impl, each to its closing brace.
    let definition = find(0, &|l| l.starts_with("pub struct Machine"));
    let doc = (0..definition)
        .rev()
        .take_while(|&i| lines[i].starts_with("///"))
        .last()
        .unwrap_or(definition);
    let definition_end = find(definition, &|l| l == "}");
    let poll = find(0, &|l| {
        l.starts_with("impl") && l.contains("Future for Machine")
    });
    let poll_end = find(poll, &|l| l == "}");
    let mut out = String::from(
        "\n// Every desugared function returns `::desugar::__private::Machine`. Its `poll` calls the\n\
         // closure passed to `machine(..)` above; from the desugar crate (src/__private/machine.rs):\n//\n",
    );
    let excerpt = lines[doc..=definition_end.min(lines.len() - 1)]
        .iter()
        .chain(&[""])
        .chain(&lines[poll..=poll_end.min(lines.len() - 1)]);
    for line in excerpt {
        out.push_str(if line.is_empty() { "//" } else { "// " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn shows_the_struct_and_its_poll() {
        let footer = super::footer();
        assert!(
            footer.contains("// pub struct Machine<S, L, F> {"),
            "{footer}"
        );
        assert!(
            footer.contains("//     fn poll(self: Pin<&mut Self>"),
            "{footer}"
        );
        assert!(
            footer.contains("(this.resume)(pinned, slots, cx)"),
            "{footer}"
        );
        assert!(footer.trim_end().ends_with("// }"), "{footer}");
    }
}
