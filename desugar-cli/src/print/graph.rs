//! `--graph dot|svg`: each function's state diagram. A node per state, labelled with its
//! `.await` and line; an edge for every way control goes from one state to the next without
//! suspending in between (a loop back to the same `.await`, the join after a branch, an early
//! `return` or `?` to `Done`). The DOT text is the source of truth; the SVG is layout-rs's
//! rendering of it, so that no Graphviz needs to be installed.

use crate::sizes::FutureSize;
use desugar_core::explain::{FnInfo, Next};
use std::fmt::Write;

/// One `digraph` with every function's states, each function's node names prefixed `fN_`.
/// With `sizes` (`cargo desugar --graph .. --sizes`), each state's size is on its node and the
/// largest is filled.
pub fn dot(functions: &[(&FnInfo, &str)], sizes: &[Option<&FutureSize>]) -> String {
    let mut out = String::from(
        "digraph states {\n    node [shape=box, fontname=\"monospace\"];\n    edge [fontname=\"monospace\"];\n",
    );
    for (i, (f, path)) in functions.iter().enumerate() {
        let node = |n: Node| match n {
            Node::Start => format!("f{i}_start"),
            Node::State(p) => format!("f{i}_s{p}"),
            Node::Done => format!("f{i}_done"),
        };
        let _ = writeln!(out, "\n    // {} ({path}:{})", f.name, f.line);
        let size = sizes.get(i).copied().flatten();
        let largest = size.and_then(|s| s.states.iter().map(|s| s.size).max());
        // `\nN bytes` on a state's label, and the largest state filled.
        let measured = |point: Option<usize>| {
            let state = size?.states.iter().find(|s| s.point == point)?;
            let mark = Some(state.size) == largest && size?.states.len() > 1;
            Some((format!("\n{} bytes", state.size), mark))
        };
        let attributes = |point: Option<usize>| match measured(point) {
            Some((_, true)) => ", style=filled, fillcolor=\"lightyellow\"",
            _ => "",
        };
        let bytes = |point: Option<usize>| measured(point).map(|(b, _)| b).unwrap_or_default();
        let start = format!("{}\nStart{}", f.name, bytes(None));
        let _ = writeln!(
            out,
            "    {} [label=\"{}\"{}];",
            node(Node::Start),
            escape(&start),
            attributes(None)
        );
        for (p, state) in f.states.iter().enumerate() {
            let what = if state.join {
                format!("line {}: no await, the paths meet", state.line)
            } else {
                format!("line {}: {}", state.line, shorten(&state.awaited, 48))
            };
            let label = format!("{}\n{what}{}", state.name, bytes(Some(p)));
            let _ = writeln!(
                out,
                "    {} [label=\"{}\"{}];",
                node(Node::State(p)),
                escape(&label),
                attributes(Some(p))
            );
        }
        let _ = writeln!(
            out,
            "    {} [label=\"Done\", shape=doublecircle];",
            node(Node::Done)
        );
        let steps = std::iter::once((Node::Start, &f.start_next)).chain(
            f.states
                .iter()
                .enumerate()
                .map(|(p, s)| (Node::State(p), &s.next)),
        );
        for (from, next) in steps {
            for to in next {
                let to = match to {
                    Next::State(p) => Node::State(*p),
                    Next::Done => Node::Done,
                };
                let _ = writeln!(out, "    {} -> {};", node(from), node(to));
            }
        }
    }
    out.push_str("}\n");
    out
}

/// The diagram as SVG, laid out and drawn by layout-rs from the DOT text. (A panic in the
/// layout becomes an error: the DOT text is still there to print.)
pub fn svg(dot: &str) -> Result<String, String> {
    let mut parser = layout::gv::DotParser::new(dot);
    let graph = parser.process()?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let drawn = std::panic::catch_unwind(|| {
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let mut writer = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, false, false, &mut writer);
        writer.finalize()
    });
    std::panic::set_hook(hook);
    drawn.map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("layout-rs failed: {message}")
    })
}

#[derive(Clone, Copy)]
enum Node {
    Start,
    State(usize),
    Done,
}

/// A label's text as a DOT string's contents: quotes and backslashes escaped, lines `\n`.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// At most `width` characters, the cut marked `…`.
fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let kept: String = text.chars().take(width - 1).collect();
    format!("{kept}…")
}
