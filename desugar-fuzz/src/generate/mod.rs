//! The generator: one seed, one program. A program is a few `async fn`s over the support types
//! (`tests/common/fuzz.rs`) that the native compiler accepts, whose only effects are logged to
//! a `Trace`: the trace, the polls and the output are its behaviour.
//!
//! The functions are written top-down by `stmt` and `expr`, which consult `Env` before every
//! use of a local (`env.rs`), and wrap what they write in `Node::Alt`s with simpler forms for
//! the shrinker. Helpers come before the functions that call them, so there is no recursion.

mod env;
mod expr;
mod stmt;

use crate::seq;
use crate::tree::Node;
use env::Env;
pub use env::Ty;

/// A generated program.
#[derive(Clone, Debug)]
pub struct Program {
    pub seed: u64,
    /// The items, `entry` last.
    pub items: Node,
}

impl Program {
    /// The items as Rust, natively or with `#[desugar::desugar]` on every async fn.
    pub fn source(&self, desugared: bool) -> String {
        format_rust(&self.items.render(desugared))
    }
}

/// `code` formatted by prettyplease, or as it is if it does not parse.
pub fn format_rust(code: &str) -> String {
    match syn::parse_file(code) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => code.to_string(),
    }
}

/// `node` in parentheses if it has braces: as the condition of an `if` or `while`, the
/// scrutinee of a `match`, the initializer of a `let ... else`, a struct literal or a block
/// must be.
pub fn head(node: Node) -> Node {
    // Braces inside parentheses or brackets are fine; parentheses around them would warn.
    let mut depth = 0i32;
    let mut bare_brace = false;
    for c in node.render(false).chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '{' if depth == 0 => bare_brace = true,
            _ => {}
        }
    }
    if bare_brace {
        seq!["(", node, ")"]
    } else {
        node
    }
}

/// A function the body being written may call.
#[derive(Clone, Debug)]
pub struct Sig {
    pub name: String,
    pub params: Vec<Ty>,
    pub ret: Ty,
    /// A method of `Ctx`: how it takes `self`.
    pub receiver: Option<Receiver>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Receiver {
    Ref,
    Mut,
    Value,
}

/// The generator's state for one program.
pub struct Gen {
    rng: fastrand::Rng,
    fns: Vec<Sig>,
    /// For unique names: `.await` labels, loop counters, labels.
    counter: usize,
    /// Statements left to write in the current function.
    budget: usize,
    /// `.await`s left in the current function.
    awaits: usize,
    /// How `self` is reached in the method being written.
    receiver_via: Option<bool>,
    /// Blocks around the code being written.
    nest: usize,
}

/// Writes the program for `seed`.
pub fn generate(seed: u64) -> Program {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed),
        fns: Vec::new(),
        counter: 0,
        budget: 0,
        awaits: 0,
        receiver_via: None,
        nest: 0,
    };
    let mut items = Vec::new();
    let helpers = g.rng.usize(0..=3);
    let with_ctx = g.rng.u32(0..3) == 0;
    for i in 0..helpers {
        items.push(g.helper(&format!("f{i}")));
    }
    // After the helpers, which its methods may call.
    if with_ctx {
        items.push(g.ctx_impl());
    }
    let ret = g.pick(&[
        Ty::U32,
        Ty::U32,
        Ty::Val,
        Ty::OptU32,
        Ty::Res { worse: false },
        Ty::Res { worse: true },
        Ty::Vec,
    ]);
    let body = g.body(Vec::new(), &ret, 14);
    items.push(seq![
        Node::Desugar,
        format!("pub async fn entry(t: Trace) -> {} ", ret.rust()),
        body
    ]);
    Program {
        seed,
        items: Node::List(items),
    }
}

impl Gen {
    fn pick<T: Clone>(&mut self, from: &[T]) -> T {
        from[self.rng.usize(0..from.len())].clone()
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(0..100) < percent
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// A helper `async fn` with random parameters, callable by what comes after it.
    fn helper(&mut self, name: &str) -> Node {
        let count = self.rng.usize(0..=3);
        let params: Vec<Ty> = (0..count)
            .map(|_| {
                self.pick(&[
                    Ty::U32,
                    Ty::Val,
                    Ty::Val,
                    Ty::Ref,
                    Ty::MutRef,
                    Ty::Slice,
                    Ty::Vec,
                    Ty::Opt,
                    Ty::Chan,
                    Ty::Pair,
                ])
            })
            .collect();
        let ret = self.pick(&[
            Ty::U32,
            Ty::U32,
            Ty::Val,
            Ty::Res { worse: false },
            Ty::OptU32,
        ]);
        let named: Vec<(String, Ty, bool)> = params
            .iter()
            .enumerate()
            .map(|(i, ty)| {
                (
                    format!("p{i}"),
                    ty.clone(),
                    ty.is_copy() && self.chance(20)
                        || !ty.is_copy() && self.chance(30) && *ty != Ty::MutRef,
                )
            })
            .collect();
        let list = named
            .iter()
            .map(|(n, ty, m)| format!(", {}{n}: {}", if *m { "mut " } else { "" }, ty.rust()))
            .collect::<String>();
        let body = self.body(named, &ret, 7);
        self.fns.push(Sig {
            name: name.to_string(),
            params,
            ret: ret.clone(),
            receiver: None,
        });
        seq![
            Node::Desugar,
            format!("async fn {name}(t: Trace{list}) -> {} ", ret.rust()),
            body
        ]
    }

    /// `struct Ctx` and an impl block of async methods taking `self` in each way, named like
    /// std's and tokio's methods.
    fn ctx_impl(&mut self) -> Node {
        let mut methods = Vec::new();
        let names = ["get", "take", "send", "lock", "subscribe", "into_inner"];
        let mut used = Vec::new();
        // `#[desugar]` on the `impl` block, or on each method (as a crate annotated function
        // by function has it: the form a method of a trait impl needs).
        let per_method = self.chance(50);
        for _ in 0..self.rng.usize(1..=3) {
            let name = self.pick(&names);
            if used.contains(&name) {
                continue;
            }
            used.push(name);
            let receiver = self.pick(&[Receiver::Ref, Receiver::Mut, Receiver::Value]);
            let ret = self.pick(&[Ty::U32, Ty::Val]);
            let (recv, self_ty, via) = match receiver {
                Receiver::Ref => ("&self", Ty::Ref, Some(false)),
                Receiver::Mut => ("&mut self", Ty::MutRef, Some(true)),
                Receiver::Value => ("self", Ty::Pair, None),
            };
            self.receiver_via = via;
            // `self` is a `Pair`-like local named `self`: its fields are `self.a`, `self.n`.
            let _ = self_ty;
            let params: Vec<Ty> = (0..self.rng.usize(0..=2))
                .map(|_| self.pick(&[Ty::U32, Ty::Val, Ty::Ref, Ty::Ref, Ty::MutRef, Ty::Slice]))
                .collect();
            let mut named = vec![("self".to_string(), Ty::Pair, false)];
            named.extend(
                params
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| (format!("p{i}"), ty.clone(), false)),
            );
            let list: String = params
                .iter()
                .enumerate()
                .map(|(i, ty)| format!(", p{i}: {}", ty.rust()))
                .collect();
            let body = self.body(named, &ret, 6);
            methods.push(seq![
                if per_method {
                    Node::Desugar
                } else {
                    Node::from("")
                },
                format!("async fn {name}({recv}, t: Trace{list}) -> {} ", ret.rust()),
                body
            ]);
            self.fns.push(Sig {
                name: name.to_string(),
                params,
                ret,
                receiver: Some(receiver),
            });
        }
        seq![
            "struct Ctx { a: Val, n: u32 }\n",
            if per_method {
                Node::from("")
            } else {
                Node::Desugar
            },
            "impl Ctx {\n",
            Node::List(methods),
            "}\n"
        ]
    }

    /// A function body returning `ret`, with `params` in scope.
    fn body(&mut self, params: Vec<(String, Ty, bool)>, ret: &Ty, budget: usize) -> Node {
        self.budget = self.rng.usize(budget / 2..=budget);
        self.awaits = 12;
        let mut env = Env::new(ret.clone());
        for (name, ty, mutable) in params {
            let i = env.declare(&name, ty, mutable);
            if name == "self" {
                env.vars[i].via = self.receiver_via;
            }
        }
        let (block, _) = self.block(&mut env, Some(ret));
        block
    }
}
