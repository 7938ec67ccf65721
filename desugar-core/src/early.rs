//! `return` and `?` that desugar cannot see: inside a macro's expansion (`ensure!(ok, "..")`,
//! `bail!(..)`, a `macro_rules!` of the body with a `return`), or in the arguments of a macro
//! whose grammar it does not know. In the expansion the body runs inside the machine's `poll`,
//! whose `return` is not the function's, so such a macro runs in a closure of its own whose
//! return type has the function's `Result`/`Option` shape (any value where the function returns
//! `T`: `return Err(e)` and `?` fit it as they fit the function); an early return comes out of it
//! and is returned from the function, where the expansion rewrites `return` as it should.
//!
//! Input:  `async fn f() -> Result<u8, E> { ensure!(ok, "no"); .. }`
//! Output: `.. match early::<Result<u8, E>, _>((|| { let p = proceed::<Result<u8, E>, _>(
//!              ensure!(ok, "no")); p })()) { Ok(v) => v, Err(r) => return r }; ..`
//!
//! Only for functions whose output is written as a `Result` or an `Option` (the shapes `return`
//! and `?` can exit with early). A macro that declares a local, or `break`s or `continue`s,
//! does not compile in the closure: an error at the macro, never a silent difference.

use crate::analyze::suspend::{awaiting_macro, macro_grammar, tokens_await};
use crate::parse::AsyncFn;
use quote::quote;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ReturnType, Stmt, Type};

/// Macros known to return early from the function they are used in (anyhow's, eyre's, snafu's,
/// http-types'..), by name: these, and any `bail..`/`ensure..` (`ensure_status`, `bail_status`).
const EARLY: [&str; 3] = ["fail", "throw", "whatever"];

fn early(name: &str) -> bool {
    EARLY.contains(&name) || name.starts_with("bail") || name.starts_with("ensure")
}

pub fn wrap_macros(f: &mut AsyncFn) {
    let ReturnType::Type(_, output) = &f.sig.output else {
        return;
    };
    if !early_shape(output) {
        return;
    }
    let mut local = Vec::new();
    collect_local_macros(&f.block, &mut local);
    let mut wrap = Wrap {
        output: (**output).clone(),
        returning: local,
    };
    wrap.visit_block_mut(&mut f.block);
}

/// `Result<..>`, `io::Result<..>`, `Option<..>`: a path whose last segment is one of them, with
/// no `impl Trait` or `_` inside (the closure's type is written with it).
fn early_shape(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    let last = p.path.segments.last().map(|s| s.ident.to_string());
    let named = matches!(last.as_deref(), Some("Result" | "Option"));
    named && !crate::syntax::has_impl_trait_or_infer(ty)
}

/// The `macro_rules!` of the body whose rules hold a `return`, or call a macro that returns
/// (`EARLY`, or another of these).
fn collect_local_macros(block: &syn::Block, out: &mut Vec<String>) {
    let rules: Vec<(String, proc_macro2::TokenStream)> = block
        .stmts
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Item(syn::Item::Macro(m)) if m.mac.path.is_ident("macro_rules") => {
                Some((m.ident.as_ref()?.to_string(), m.mac.tokens.clone()))
            }
            _ => None,
        })
        .collect();
    loop {
        let before = out.len();
        for (name, tokens) in &rules {
            if !out.contains(name) && returns(tokens.clone(), out) {
                out.push(name.clone());
            }
        }
        if out.len() == before {
            return;
        }
    }
}

/// Whether macro tokens hold a `return` or a call of a macro known to return (`name!`).
fn returns(tokens: proc_macro2::TokenStream, returning: &[String]) -> bool {
    let mut previous: Option<String> = None;
    for tt in tokens {
        match &tt {
            proc_macro2::TokenTree::Ident(i) if i == "return" => return true,
            proc_macro2::TokenTree::Punct(p) if p.as_char() == '!' => {
                if let Some(name) = &previous
                    && (early(name) || returning.contains(name))
                {
                    return true;
                }
            }
            proc_macro2::TokenTree::Group(g) if returns(g.stream(), returning) => return true,
            _ => {}
        }
        previous = match tt {
            proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        };
    }
    false
}

struct Wrap {
    output: Type,
    /// Macros of the body that `return`.
    returning: Vec<String>,
}

impl Wrap {
    /// Whether this macro call may leave the function in a way desugar cannot see.
    fn hides_early_exit(&self, mac: &syn::Macro) -> bool {
        if macro_grammar(mac).is_some()
            || awaiting_macro(mac).is_some()
            || tokens_await(mac.tokens.clone())
            || crate::analyze::is_special_statement_macro(mac)
        {
            return false;
        }
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        early(&name)
            || self.returning.contains(&name)
            || crate::syntax::has_early_exit(mac.tokens.clone())
    }

    fn wrapped(&self, mac: Expr) -> Expr {
        let output = &self.output;
        let private = quote!(::desugar::__private);
        // (A macro that always returns, `bail!(..)`, makes the call around it unreachable.)
        syn::parse_quote! {
            match #private::early::<#output, _>((|| {
                #[allow(unreachable_code, clippy::diverging_sub_expression)]
                let __proceed = #private::proceed::<#output, _>(#mac);
                __proceed
            })()) {
                ::core::result::Result::Ok(__value) => __value,
                ::core::result::Result::Err(__return) => return __return,
            }
        }
    }
}

impl VisitMut for Wrap {
    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt
            && self.hides_early_exit(&m.mac)
        {
            let call = Expr::Macro(syn::ExprMacro {
                attrs: Vec::new(),
                mac: m.mac.clone(),
            });
            let mut wrapped = self.wrapped(call);
            if let Expr::Match(w) = &mut wrapped {
                w.attrs = m.attrs.clone();
            }
            *stmt = Stmt::Expr(wrapped, m.semi_token);
            return;
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Macro(m) = expr
            && m.attrs.is_empty()
            && self.hides_early_exit(&m.mac)
        {
            *expr = self.wrapped(expr.clone());
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    // Separate functions and futures: their `return` is theirs.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
