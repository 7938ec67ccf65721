//! Where the function suspends: finding the `.await`s that belong to it (not to closures or async
//! blocks, which are separate futures) and recognizing the statement shapes that await.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Macro};

/// A place in user code that suspends the function.
#[derive(Clone, Copy)]
pub enum AwaitSite {
    /// `expr.await`, at the span of `await`; or a macro of known grammar whose arguments await
    /// (lifted like a call's arguments).
    Await(Span),
    /// A macro whose arguments are evaluated only sometimes (`debug!`, `dbg!`, an `assert!`'s
    /// message) and hold an `.await`: lifting it would evaluate it always.
    Lazy(Span),
}

/// The first suspension site in a syntax node, in source order.
pub fn first_await<'a, N: VisitNode<'a> + ?Sized>(node: &'a N) -> Option<AwaitSite> {
    let mut finder = Finder { found: None };
    node.visit(&mut finder);
    finder.found
}

/// Nodes `first_await` can search.
pub trait VisitNode<'a> {
    fn visit(&'a self, v: &mut Finder);
}

impl<'a> VisitNode<'a> for Expr {
    fn visit(&'a self, v: &mut Finder) {
        v.visit_expr(self);
    }
}

impl<'a> VisitNode<'a> for syn::Stmt {
    fn visit(&'a self, v: &mut Finder) {
        v.visit_stmt(self);
    }
}

impl<'a> VisitNode<'a> for syn::Block {
    fn visit(&'a self, v: &mut Finder) {
        v.visit_block(self);
    }
}

pub struct Finder {
    found: Option<AwaitSite>,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        if self.found.is_none() {
            visit::visit_expr(self, expr);
        }
    }
    fn visit_expr_await(&mut self, node: &'ast syn::ExprAwait) {
        // The operand is evaluated (and may suspend) first.
        self.visit_expr(&node.base);
        if self.found.is_none() {
            self.found = Some(AwaitSite::Await(node.await_token.span));
        }
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, mac: &'ast Macro) {
        if self.found.is_some() {
            return;
        }
        if awaiting_macro(mac).is_some() {
            self.found = Some(AwaitSite::Await(mac.path.span()));
        } else if macro_grammar(mac).is_some() && args_await(mac) == Some(false) {
            // (Its arguments are expressions: an `.await` in an `async` block or a closure
            // among them is not the function's, `matches!({ async { f().await } ; n }, 1)`.)
        } else if tokens_await(mac.tokens.clone()) {
            // A macro of unknown grammar stays as written (`stream! { .. }` awaits in an
            // `async` context of its own): see `opaque_macros`.
            self.found = match macro_grammar(mac) {
                Some(MacroGrammar::Lazy) => Some(AwaitSite::Lazy(mac.path.span())),
                Some(_) => Some(AwaitSite::Await(mac.path.span())),
                None => None,
            };
        }
    }
}

/// The macros whose arguments the lifting knows how to evaluate (std's, by name, as a macro
/// sees them: `name!`, `std::name!`, `core::name!`, `alloc::name!`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MacroGrammar {
    /// `format!`, `println!`, `write!`, `panic!`..: every argument evaluated, in order.
    Format,
    /// `vec![a, b]`, `vec![v; n]`.
    Vec,
    /// `matches!(value, pattern [if guard])`: the value evaluated first.
    Matches,
    /// `assert!(cond, message..)`: the message evaluated only if `cond` fails.
    Assert,
    /// `assert_eq!(a, b, message..)`, `assert_ne!`.
    AssertCmp,
    /// `debug_assert!`, `debug_assert_eq!`, `debug_assert_ne!`: as the `assert` they name,
    /// in debug builds only.
    DebugAssert,
    /// Arguments evaluated only sometimes: logging macros (`tracing`'s, `log`'s, only when
    /// their level is enabled), `dbg!` (which prints the expression as written).
    Lazy,
}

pub fn macro_grammar(mac: &Macro) -> Option<MacroGrammar> {
    let segments = super::mentions::path_segments(&mac.path);
    let name = segments.last()?.as_str();
    // (A name alone is the crate's own macro where the crate defines one, `macro_rules! log`.)
    let alone = segments.len() == 1 && crate::defined::macro_definitions(name).is_empty();
    let from = |crates: &[&str]| segments.len() > 1 && crates.contains(&segments[0].as_str());
    let std = alone || from(&["std", "core", "alloc"]);
    let logging = alone || from(&["tracing", "log"]);
    Some(match name {
        "format" | "print" | "println" | "eprint" | "eprintln" | "format_args" | "panic"
        | "unreachable" | "todo" | "unimplemented" | "write" | "writeln"
            if std =>
        {
            MacroGrammar::Format
        }
        "vec" if std => MacroGrammar::Vec,
        "matches" if std => MacroGrammar::Matches,
        "assert" if std => MacroGrammar::Assert,
        "assert_eq" | "assert_ne" if std => MacroGrammar::AssertCmp,
        "debug_assert" | "debug_assert_eq" | "debug_assert_ne" if std => MacroGrammar::DebugAssert,
        "dbg" if std => MacroGrammar::Lazy,
        "trace" | "debug" | "info" | "warn" | "error" | "event" | "log" | "trace_span"
        | "debug_span" | "info_span" | "warn_span" | "error_span" | "span"
            if logging =>
        {
            MacroGrammar::Lazy
        }
        _ => return None,
    })
}

/// The macros of unknown grammar in `block` (outside closures and `async` blocks) whose input
/// holds an `.await`: left as written, their `.await`s must belong to an `async` context of
/// their own. Each with its name and line.
pub fn opaque_macros(block: &syn::Block) -> Vec<(String, usize)> {
    struct Opaque(Vec<(String, usize)>);
    impl<'ast> Visit<'ast> for Opaque {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, mac: &'ast Macro) {
            if awaiting_macro(mac).is_none()
                && macro_grammar(mac).is_none()
                && tokens_await(mac.tokens.clone())
            {
                let name = super::mentions::path_segments(&mac.path).join("::");
                self.0.push((name, mac.path.span().start().line));
            }
        }
    }
    let mut found = Opaque(Vec::new());
    found.visit_block(block);
    found.0
}

/// Macros that expand to an `.await` of their own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AwaitingMacro {
    /// `select!` (tokio's and futures'), `select_biased!`: branches whose handlers run in the
    /// function.
    Select,
    /// `join!`, `try_join!`: one future, awaited.
    Join,
}

/// Whether `mac` is `select!`/`join!` of tokio or futures (by name, as a macro sees it), or a
/// macro of another path by those names whose input has their grammar (a crate's own
/// `select!` that forwards to tokio's, as ractor's `concurrency::select!`).
pub fn awaiting_macro(mac: &Macro) -> Option<AwaitingMacro> {
    let segments = super::mentions::path_segments(&mac.path);
    let name = segments.last()?.as_str();
    let kind = match name {
        "select" | "select_biased" => AwaitingMacro::Select,
        "join" | "try_join" => AwaitingMacro::Join,
        _ => return None,
    };
    let known =
        segments.len() == 1 || matches!(segments[0].as_str(), "tokio" | "futures" | "futures_util");
    let grammar = match kind {
        AwaitingMacro::Select => mac.parse_body::<super::select::Select>().is_ok(),
        AwaitingMacro::Join => mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            .is_ok(),
    };
    (known || grammar).then_some(kind)
}

/// Whether a token stream contains `. await` outside nested `async` blocks and closures (which a
/// token scan cannot tell apart, so any `.await` counts).
/// Whether the arguments of a macro of known grammar, parsed as the lifting parses them,
/// await in the function's own context (`None`: they do not parse so).
fn args_await(mac: &Macro) -> Option<bool> {
    let exprs: Vec<Expr> = match macro_grammar(mac)? {
        MacroGrammar::Matches => {
            let (value, _, guard) = mac.parse_body_with(super::mentions::matches_args).ok()?;
            std::iter::once(value).chain(guard).collect()
        }
        _ => {
            let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
            mac.parse_body_with(parser).ok()?.into_iter().collect()
        }
    };
    Some(exprs.iter().any(|e| first_await(e).is_some()))
}

pub fn tokens_await(tokens: TokenStream) -> bool {
    let mut prev_dot = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) if prev_dot && i == "await" => return true,
            TokenTree::Group(g) if tokens_await(g.stream()) => return true,
            TokenTree::Punct(p) => {
                prev_dot = p.as_char() == '.';
                continue;
            }
            _ => {}
        }
        prev_dot = false;
    }
    false
}

/// An awaited expression in one of the shapes this version lowers: `operand.await` or
/// `operand.await?`.
pub struct Awaited<'a> {
    pub operand: &'a Expr,
    pub question: bool,
    /// The whole `operand.await` / `operand.await?` expression.
    pub whole: &'a Expr,
}

pub fn awaited(expr: &Expr) -> Option<Awaited<'_>> {
    match expr {
        Expr::Await(a) => Some(Awaited {
            operand: &a.base,
            question: false,
            whole: expr,
        }),
        Expr::Try(t) => match &*t.expr {
            Expr::Await(a) => Some(Awaited {
                operand: &a.base,
                question: true,
                whole: expr,
            }),
            _ => None,
        },
        _ => None,
    }
}
