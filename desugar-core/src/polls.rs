//! futures' `poll!`, whose expansion `.await`s (E0728 in the generated `poll`,
//! which is not `async`): written as the `.await` it expands to, on `desugar::__private`'s
//! future of the same behaviour, before the analysis, in the body and in macros' arguments.
//!
//! Input:  `assert!(futures::poll!(&mut fut).is_pending());`
//! Output: `assert!(::desugar::__private::poll_once(&mut fut).await.is_pending());`

use crate::parse::AsyncFn;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::visit_mut::{self, VisitMut};

pub fn await_poll_macros(f: &mut AsyncFn) {
    Polls.visit_block_mut(&mut f.block);
}

struct Polls;

impl VisitMut for Polls {
    fn visit_stmt_mut(&mut self, stmt: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = stmt {
            match syn::parse2::<syn::Expr>(rewrite(m.mac.to_token_stream())) {
                Ok(syn::Expr::Macro(rewritten)) => m.mac = rewritten.mac,
                Ok(expr) => *stmt = syn::Stmt::Expr(expr, m.semi_token),
                Err(_) => {}
            }
            return;
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(m) = expr {
            if let Ok(rewritten) = syn::parse2::<syn::Expr>(rewrite(m.to_token_stream())) {
                *expr = rewritten;
                return;
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    // (Closures, `async` blocks and items are code of their own.)
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `tokens` with each `poll!(x)` (alone or as `futures::poll!`, `futures_util::poll!`) written
/// as its `.await`; nested groups too, but not `async` blocks'
/// or closures' (whose tokens are left as they are).
fn rewrite(tokens: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    if tokens
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "async" || i == "move"))
    {
        return tokens.into_iter().collect();
    }
    let mut out: Vec<TokenTree> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let (
            TokenTree::Ident(name),
            Some(TokenTree::Punct(bang)),
            Some(TokenTree::Group(args)),
        ) = (&tokens[i], tokens.get(i + 1), tokens.get(i + 2))
        {
            let known = name == "poll";
            if known && bang.as_char() == '!' && args.delimiter() != Delimiter::None {
                if let Some(kept) = futures_path(&out) {
                    out.truncate(kept);
                    let span = name.span();
                    let inner = rewrite(args.stream());
                    out.extend(
                        quote_spanned!(span=> ::desugar::__private::poll_once(#inner).await),
                    );
                    i += 3;
                    continue;
                }
            }
        }
        match &tokens[i] {
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), rewrite(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// Where the macro's path starts in `before`, the tokens written so far, if it is futures'
/// (`futures::`, `::futures_util::`) or a name alone: how many of them to keep.
fn futures_path(before: &[TokenTree]) -> Option<usize> {
    let punct =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    let n = before.len();
    if !(n >= 2 && punct(before.get(n - 1)) && punct(before.get(n - 2))) {
        return Some(n);
    }
    let Some(TokenTree::Ident(krate)) = n.checked_sub(3).and_then(|k| before.get(k)) else {
        return None;
    };
    if krate != "futures" && krate != "futures_util" {
        return None;
    }
    let start = n - 3;
    let leading = start >= 2 && punct(before.get(start - 1)) && punct(before.get(start - 2));
    Some(if leading { start - 2 } else { start })
}
