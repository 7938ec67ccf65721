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

/// The initializer of a `let .. else`, in parentheses where it ends in a block (`{ .. }`,
/// `match`, `if`): `let P = { .. } else { .. };` does not parse.
pub fn else_initializer(tokens: TokenStream) -> TokenStream {
    match tokens.clone().into_iter().last() {
        Some(proc_macro2::TokenTree::Group(g))
            if g.delimiter() == proc_macro2::Delimiter::Brace =>
        {
            quote::quote!((#tokens))
        }
        _ => tokens,
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

/// The attributes of a statement (not an item: those stay with it, hoisted).
pub fn stmt_attrs(stmt: &mut syn::Stmt) -> Option<&mut Vec<syn::Attribute>> {
    match stmt {
        syn::Stmt::Local(l) => Some(&mut l.attrs),
        syn::Stmt::Macro(m) => Some(&mut m.attrs),
        syn::Stmt::Expr(e, _) => expr_attrs(e),
        syn::Stmt::Item(_) => None,
    }
}

/// The attributes of the expressions that can stand as statements with an `.await` in them.
pub fn expr_attrs(e: &mut syn::Expr) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Expr::*;
    Some(match e {
        Await(x) => &mut x.attrs,
        Try(x) => &mut x.attrs,
        Call(x) => &mut x.attrs,
        MethodCall(x) => &mut x.attrs,
        Assign(x) => &mut x.attrs,
        Binary(x) => &mut x.attrs,
        Block(x) => &mut x.attrs,
        If(x) => &mut x.attrs,
        Match(x) => &mut x.attrs,
        Loop(x) => &mut x.attrs,
        While(x) => &mut x.attrs,
        ForLoop(x) => &mut x.attrs,
        Macro(x) => &mut x.attrs,
        Return(x) => &mut x.attrs,
        Paren(x) => &mut x.attrs,
        Unary(x) => &mut x.attrs,
        Field(x) => &mut x.attrs,
        Index(x) => &mut x.attrs,
        Cast(x) => &mut x.attrs,
        Reference(x) => &mut x.attrs,
        Tuple(x) => &mut x.attrs,
        Struct(x) => &mut x.attrs,
        Break(x) => &mut x.attrs,
        _ => return None,
    })
}

/// `expr` as the condition of an `if` or `while`: in parentheses if a struct literal would
/// otherwise be read as the block (`(S { a }).ok()`), as rustc's `unused_parens` allows.
pub fn condition(expr: &syn::Expr) -> syn::Expr {
    if exterior_struct_literal(expr) {
        syn::Expr::Paren(syn::ExprParen {
            attrs: Vec::new(),
            paren_token: Default::default(),
            expr: Box::new(expr.clone()),
        })
    } else {
        expr.clone()
    }
}

/// A struct literal the expression starts or ends with, outside any delimiter (rustc's
/// `contains_exterior_struct_lit`).
fn exterior_struct_literal(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Struct(_) => true,
        syn::Expr::Assign(a) => {
            exterior_struct_literal(&a.left) || exterior_struct_literal(&a.right)
        }
        syn::Expr::Binary(b) => {
            exterior_struct_literal(&b.left) || exterior_struct_literal(&b.right)
        }
        syn::Expr::Unary(u) => exterior_struct_literal(&u.expr),
        syn::Expr::Reference(r) => exterior_struct_literal(&r.expr),
        syn::Expr::Cast(c) => exterior_struct_literal(&c.expr),
        syn::Expr::Field(f) => exterior_struct_literal(&f.base),
        syn::Expr::Index(i) => exterior_struct_literal(&i.expr),
        syn::Expr::MethodCall(m) => exterior_struct_literal(&m.receiver),
        syn::Expr::Try(t) => exterior_struct_literal(&t.expr),
        syn::Expr::Await(a) => exterior_struct_literal(&a.base),
        syn::Expr::Range(r) => {
            r.start.as_deref().is_some_and(exterior_struct_literal)
                || r.end.as_deref().is_some_and(exterior_struct_literal)
        }
        _ => false,
    }
}

/// `expr` as the tail of a block: in parentheses if it starts with a block-like expression that
/// would otherwise end a statement there (`match x { .. } > 2`), as `unused_parens` allows.
pub fn tail(expr: &syn::Expr) -> syn::Expr {
    let block_like = |e: &syn::Expr| {
        matches!(
            e,
            syn::Expr::If(_)
                | syn::Expr::Match(_)
                | syn::Expr::Block(_)
                | syn::Expr::Loop(_)
                | syn::Expr::While(_)
                | syn::Expr::ForLoop(_)
                | syn::Expr::Unsafe(_)
                | syn::Expr::TryBlock(_)
                | syn::Expr::Const(_)
        )
    };
    let mut leftmost = expr;
    loop {
        leftmost = match leftmost {
            syn::Expr::Binary(b) => &b.left,
            syn::Expr::Assign(a) => &a.left,
            syn::Expr::MethodCall(m) => &m.receiver,
            syn::Expr::Field(f) => &f.base,
            syn::Expr::Index(i) => &i.expr,
            syn::Expr::Cast(c) => &c.expr,
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Await(a) => &a.base,
            syn::Expr::Call(c) => &c.func,
            syn::Expr::Range(syn::ExprRange { start: Some(s), .. }) => s,
            _ => break,
        };
    }
    if !std::ptr::eq(leftmost, expr) && block_like(leftmost) {
        syn::Expr::Paren(syn::ExprParen {
            attrs: Vec::new(),
            paren_token: Default::default(),
            expr: Box::new(expr.clone()),
        })
    } else {
        expr.clone()
    }
}

/// Whether macro tokens contain the try operator `?` or `return` (outside closures, which a scan
/// of tokens cannot see). `?` is the try operator only after an operand (a name, a literal, a
/// group or another `?`): in `debug!(request = ?frame)` or `?Sized` it is not; nor is `return` in
/// `event!(.., return = ?x)`.
pub fn has_early_exit(tokens: TokenStream) -> bool {
    use proc_macro2::{Spacing, TokenTree};
    let mut after_operand = false;
    let mut tokens = tokens.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        // `return = ?x`: a field named `return` (tracing's `event!`), not a `return`.
        let field = matches!(
            tokens.peek(),
            Some(TokenTree::Punct(p)) if p.as_char() == '=' && p.spacing() == Spacing::Alone
        );
        let exits = match &tt {
            TokenTree::Punct(p) => p.as_char() == '?' && after_operand,
            TokenTree::Ident(i) => i == "return" && !field,
            TokenTree::Group(g) => has_early_exit(g.stream()),
            TokenTree::Literal(_) => false,
        };
        if exits {
            return true;
        }
        after_operand = match &tt {
            TokenTree::Punct(p) => p.as_char() == '?' && after_operand,
            TokenTree::Ident(_) | TokenTree::Literal(_) | TokenTree::Group(_) => true,
        };
    }
    false
}

/// Whether an expression has a closure or an `async` block in it: written twice, it makes two
/// types.
pub fn has_closure_or_async(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            self.0 = true;
        }
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {
            self.0 = true;
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_expr(&mut f, expr);
    f.0
}

/// Whether a type has an `impl Trait` or a `_` in it: it cannot be written elsewhere.
pub fn has_impl_trait_or_infer(ty: &syn::Type) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
        fn visit_type_infer(&mut self, _: &'ast syn::TypeInfer) {
            self.0 = true;
        }
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_type(&mut f, ty);
    f.0
}

/// An expression that never completes: it returns, breaks, continues or panics on every path.
pub fn is_jump(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
        syn::Expr::Macro(m) => is_panic(&m.mac),
        syn::Expr::Block(b) if b.label.is_none() => block_jumps(&b.block),
        syn::Expr::Unsafe(b) => block_jumps(&b.block),
        syn::Expr::If(i) => {
            block_jumps(&i.then_branch) && i.else_branch.as_ref().is_some_and(|(_, e)| is_jump(e))
        }
        syn::Expr::Match(m) => !m.arms.is_empty() && m.arms.iter().all(|a| is_jump(&a.body)),
        syn::Expr::Paren(p) => is_jump(&p.expr),
        _ => false,
    }
}

/// A block whose last statement never completes.
pub fn block_jumps(block: &syn::Block) -> bool {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(e, _)) => is_jump(e),
        Some(syn::Stmt::Macro(m)) => is_panic(&m.mac),
        _ => false,
    }
}

/// `panic!`, `unreachable!`, `todo!` or `unimplemented!`.
pub fn is_panic(mac: &syn::Macro) -> bool {
    let name = mac.path.segments.last().map(|s| s.ident.to_string());
    matches!(
        name.as_deref(),
        Some("panic" | "unreachable" | "todo" | "unimplemented")
    )
}

/// Code as a reader would write it, from tokens whose source text is not at hand (made by
/// another macro): `TokenStream`'s own text puts a space between every two tokens (`& mut x`,
/// `f (a , b) . await`); this takes out the spaces nobody writes.
pub fn compact(tokens: &TokenStream) -> String {
    let text = tokens.to_string();
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut in_string = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if c == '"' && chars.get(i.wrapping_sub(1)) != Some(&'\\') {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ' ' {
            let before = out.chars().last();
            let after = chars.get(i + 1).copied();
            let unary = |at: usize| {
                // `&`, `*`, `!` or `-` after an opening, a separator or an operator: a prefix.
                let prev = out[..at].trim_end().chars().last();
                prev.is_none_or(|p| "([{,;=|&!<>+-*/:".contains(p))
            };
            let glued_before = matches!(after, Some('.' | ',' | ';' | ')' | ']' | '?'))
                || (after == Some('(') && before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == '!' || b == '>'))
                || (after == Some('[') && before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == ')' || b == ']'))
                || (after == Some(':') && chars.get(i + 2) == Some(&':'))
                // A macro's `!`: `format ! (` .
                || (after == Some('!')
                    && before.is_some_and(|b| b.is_alphanumeric() || b == '_')
                    && matches!(chars.get(i + 3), Some('(' | '[' | '{')));
            let glued_after = matches!(before, Some('(' | '[' | '.' | '#'))
                || (before == Some(':') && out.ends_with("::"))
                || (matches!(before, Some('&' | '*' | '!' | '-'))
                    && !out.ends_with("&&")
                    && unary(out.len() - 1))
                || (before == Some('!') && matches!(after, Some('(' | '[' | '{')));
            if glued_before || glued_after {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_reads_as_written() {
        let cases = [
            ("f (& mut x , y) . await ?", "f(&mut x, y).await?"),
            ("a . b [0] . c () . await", "a.b[0].c().await"),
            ("x - 1 == * y", "x - 1 == *y"),
            ("std :: mem :: take (& mut v)", "std::mem::take(&mut v)"),
            (
                "format ! (\"{} , {}\" , a , b)",
                "format!(\"{} , {}\", a, b)",
            ),
            ("a && ! b", "a && !b"),
        ];
        for (tokens, written) in cases {
            let tokens: proc_macro2::TokenStream = tokens.parse().unwrap();
            assert_eq!(super::compact(&tokens), written);
        }
    }
}
