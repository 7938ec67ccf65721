//! Building the expansion cheaply: small pieces of syntax built as syn values, not parsed from
//! tokens (`parse_quote!` runs syn's parser, thousands of instructions a call, and these are made
//! for every `.await`), and code moved into `quote!` rather than copied ([`Splice`]).

use proc_macro2::{Ident, Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Local, LocalInit, Pat, Token};

/// `name` as an expression.
pub fn name_expr(name: Ident) -> Expr {
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: name.into(),
    })
}

/// `*name`, or `(*name)` where it stands for `name` inside a larger expression: how the code
/// reaches a local kept in place.
pub fn deref(name: Ident, parenthesized: bool) -> Expr {
    let span = name.span();
    let deref = Expr::Unary(syn::ExprUnary {
        attrs: Vec::new(),
        op: syn::UnOp::Deref(Token![*](span)),
        expr: Box::new(name_expr(name)),
    });
    if !parenthesized {
        return deref;
    }
    Expr::Paren(syn::ExprParen {
        attrs: Vec::new(),
        paren_token: syn::token::Paren(span),
        expr: Box::new(deref),
    })
}

/// `break 'label value`: how a `break`, `continue` or `return` leaves the code of a state.
pub fn break_expr(label: syn::Lifetime, value: Option<Expr>, span: Span) -> Expr {
    Expr::Break(syn::ExprBreak {
        attrs: Vec::new(),
        break_token: Token![break](span),
        label: Some(label),
        expr: value.map(Box::new),
    })
}

/// `{ value }`.
pub fn block_expr(value: Expr, span: Span) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: syn::Block {
            brace_token: syn::token::Brace(span),
            stmts: vec![syn::Stmt::Expr(value, None)],
        },
    })
}

/// `mut name` as a pattern.
fn mut_binding(name: Ident, span: Span) -> Pat {
    Pat::Ident(syn::PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: Some(Token![mut](span)),
        ident: name,
        subpat: None,
    })
}

/// `#[allow(lints)]`.
pub fn allow(lints: &[&str], span: Span) -> Attribute {
    let mut list = Punctuated::<Ident, Token![,]>::new();
    for lint in lints {
        list.push(Ident::new(lint, span));
    }
    Attribute {
        pound_token: Token![#](span),
        style: syn::AttrStyle::Outer,
        bracket_token: syn::token::Bracket(span),
        meta: syn::Meta::List(syn::MetaList {
            path: Ident::new("allow", span).into(),
            delimiter: syn::MacroDelimiter::Paren(syn::token::Paren(span)),
            tokens: quote::ToTokens::into_token_stream(list),
        }),
    }
}

/// `#[allow(unused_mut)] let mut name = init;`, every token spanned at `span`.
pub fn let_mut(name: Ident, init: Expr, span: Span) -> Local {
    Local {
        attrs: vec![allow(&["unused_mut"], span)],
        let_token: Token![let](span),
        pat: mut_binding(name, span),
        init: Some(LocalInit {
            eq_token: Token![=](span),
            expr: Box::new(init),
            diverge: None,
        }),
        semi_token: Token![;](span),
    }
}

/// `()`, standing for a value given elsewhere.
pub fn unit(span: Span) -> Expr {
    Expr::Tuple(syn::ExprTuple {
        attrs: Vec::new(),
        paren_token: syn::token::Paren(span),
        elems: Punctuated::new(),
    })
}

/// `::core::future::ready(())`, every token spanned at `span`.
pub fn ready_unit(span: Span) -> Expr {
    let mut path = syn::Path {
        leading_colon: Some(Token![::](span)),
        segments: Punctuated::new(),
    };
    for segment in ["core", "future", "ready"] {
        path.segments.push(Ident::new(segment, span).into());
    }
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(Expr::Path(syn::ExprPath {
            attrs: Vec::new(),
            qself: None,
            path,
        })),
        paren_token: syn::token::Paren(span),
        args: std::iter::once(unit(span)).collect(),
    })
}

/// Code spliced into `quote!` by moving it. `quote!` only borrows what it interpolates, so a
/// `TokenStream` in `#code` is copied token by token; the code of a state is nested a few
/// levels deep and was copied at every level. Interpolate a `Splice` once: it hands its tokens
/// over and is empty after that.
pub struct Splice(std::cell::Cell<TokenStream>);

/// Wraps `tokens` to be moved into the `quote!` that interpolates them.
pub fn splice(tokens: TokenStream) -> Splice {
    Splice(std::cell::Cell::new(tokens))
}

impl quote::ToTokens for Splice {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(self.0.take());
    }
}
