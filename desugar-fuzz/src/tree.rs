//! The generated program as a tree the shrinker can cut: lists whose entries may go, and nodes
//! that carry simpler forms of themselves, chosen by the generator so that they keep the
//! program well typed (an `.await` can become its value, an expression the simplest one of its
//! type, an `if` one of its branches).

/// A piece of generated code.
#[derive(Clone, Debug)]
pub enum Node {
    /// Code as it is.
    Text(String),
    /// Pieces one after the other.
    Seq(Vec<Node>),
    /// Statements or items, each on its own line; the shrinker may remove any of them.
    List(Vec<Node>),
    /// A node, then simpler replacements for it.
    Alt(Box<Node>, Vec<Node>),
    /// `#[desugar::desugar]` in the desugared copy of the program, nothing in the native one.
    Desugar,
}

impl From<&str> for Node {
    fn from(s: &str) -> Self {
        Node::Text(s.to_string())
    }
}

impl From<String> for Node {
    fn from(s: String) -> Self {
        Node::Text(s)
    }
}

/// `Node::Seq` of anything that converts to nodes.
#[macro_export]
macro_rules! seq {
    ($($part:expr),* $(,)?) => {
        $crate::tree::Node::Seq(vec![$($crate::tree::Node::from($part)),*])
    };
}

impl Node {
    /// The code, with or without the `#[desugar]` attributes.
    pub fn render(&self, desugared: bool) -> String {
        let mut out = String::new();
        self.write(desugared, &mut out);
        out
    }

    fn write(&self, desugared: bool, out: &mut String) {
        match self {
            Node::Text(s) => out.push_str(s),
            Node::Seq(parts) => parts.iter().for_each(|p| p.write(desugared, out)),
            Node::List(entries) => {
                for e in entries {
                    e.write(desugared, out);
                    out.push('\n');
                }
            }
            Node::Alt(main, _) => main.write(desugared, out),
            Node::Desugar if desugared => out.push_str("#[desugar::desugar]\n"),
            Node::Desugar => {}
        }
    }

    /// An alternative: this node, or (when shrinking) `simpler`.
    pub fn or(self, simpler: impl Into<Node>) -> Node {
        match self {
            Node::Alt(main, mut alts) => {
                alts.push(simpler.into());
                Node::Alt(main, alts)
            }
            main => Node::Alt(Box::new(main), vec![simpler.into()]),
        }
    }

    /// How much code there is: what the shrinker makes smaller.
    pub fn size(&self) -> usize {
        match self {
            Node::Text(s) => s
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .count(),
            Node::Seq(parts) | Node::List(parts) => parts.iter().map(Node::size).sum(),
            Node::Alt(main, _) => main.size(),
            Node::Desugar => 0,
        }
    }

    /// Every one-step reduction of this tree, each a new tree.
    pub fn reductions(&self) -> Vec<Node> {
        let mut out = Vec::new();
        self.reduce_into(&mut |n| out.push(n));
        out
    }

    /// Calls `emit` with each tree that differs from `self` by one reduction.
    fn reduce_into(&self, emit: &mut dyn FnMut(Node)) {
        match self {
            Node::Text(_) | Node::Desugar => {}
            Node::Seq(parts) => reduce_children(parts, Node::Seq, emit),
            Node::List(entries) => {
                // Halves and quarters first (delta debugging), then single entries.
                let n = entries.len();
                let mut chunk = n / 2;
                while chunk >= 1 {
                    let mut start = 0;
                    while start < n {
                        let end = (start + chunk).min(n);
                        let mut rest = entries[..start].to_vec();
                        rest.extend_from_slice(&entries[end..]);
                        emit(Node::List(rest));
                        start = end;
                    }
                    if chunk == 1 {
                        break;
                    }
                    chunk = (chunk / 2).max(1);
                }
                reduce_children(entries, Node::List, emit);
            }
            Node::Alt(main, alts) => {
                for alt in alts {
                    emit(alt.clone());
                }
                main.reduce_into(&mut |m| emit(Node::Alt(Box::new(m), alts.clone())));
            }
        }
    }

    /// The tree with every alternative that was not taken dropped: what the shrinker prints.
    pub fn settled(&self) -> Node {
        match self {
            Node::Seq(parts) => Node::Seq(parts.iter().map(Node::settled).collect()),
            Node::List(entries) => Node::List(entries.iter().map(Node::settled).collect()),
            Node::Alt(main, _) => main.settled(),
            other => other.clone(),
        }
    }
}

fn reduce_children(children: &[Node], make: fn(Vec<Node>) -> Node, emit: &mut dyn FnMut(Node)) {
    for (i, child) in children.iter().enumerate() {
        child.reduce_into(&mut |c| {
            let mut copy = children.to_vec();
            copy[i] = c;
            emit(make(copy));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_and_lists_reduce() {
        let tree = Node::List(vec![seq!["a", Node::from("b").or("c")], Node::from("d")]);
        assert_eq!(tree.render(false), "ab\nd\n");
        let rendered: Vec<String> = tree.reductions().iter().map(|n| n.render(false)).collect();
        assert!(rendered.contains(&"d\n".to_string()));
        assert!(rendered.contains(&"ab\n".to_string()));
        assert!(rendered.contains(&"ac\nd\n".to_string()));
    }
}
