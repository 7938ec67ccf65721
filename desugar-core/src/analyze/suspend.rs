//! Where the function suspends: finding the `.await`s that belong to it (not to closures or async
//! blocks, which are separate futures) and recognizing the statement shapes that await.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Macro};

/// A place in user code that suspends the function.
#[derive(Clone, Copy)]
pub enum AwaitSite {
    /// `expr.await`, at the span of `await`.
    Await(Span),
    /// A macro invocation whose tokens contain `.await`: a proc macro cannot look inside.
    Macro(Span),
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
        } else if tokens_await(mac.tokens.clone()) {
            self.found = Some(AwaitSite::Macro(mac.path.span()));
        }
    }
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

/// Whether `mac` is `select!`/`join!` of tokio or futures (by name, as a macro sees it).
pub fn awaiting_macro(mac: &Macro) -> Option<AwaitingMacro> {
    let segments = super::mentions::path_segments(&mac.path);
    let name = segments.last()?.as_str();
    let crate_ok = segments.len() == 1 || matches!(segments[0].as_str(), "tokio" | "futures");
    if !crate_ok {
        return None;
    }
    match name {
        "select" | "select_biased" => Some(AwaitingMacro::Select),
        "join" | "try_join" => Some(AwaitingMacro::Join),
        _ => None,
    }
}

/// Whether a token stream contains `. await` outside nested `async` blocks and closures (which a
/// token scan cannot tell apart, so any `.await` counts).
fn tokens_await(tokens: TokenStream) -> bool {
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
