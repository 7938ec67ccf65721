//! A `let` whose pattern borrows from a temporary extends the temporary to the end of the
//! block (`let (ref name, n) = (String::from("ann"), 1);`); across an `.await` it would have
//! to be kept, and a temporary is not a local the state can keep. The temporary becomes one:
//!
//! Input:  `let (ref name, n) = (String::from("ann"), 1);`
//! Output: `let __matched = (String::from("ann"), 1); let (ref name, n) = __matched;`
//!
//! Declared just before the pattern's bindings, it drops just after them, as the extended
//! temporary does.

use crate::parse::AsyncFn;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Stmt};

/// Binds the temporaries `let` patterns borrow from to locals of their own, where an `.await`
/// follows in their block.
pub fn bind_matched_temporaries(f: &mut AsyncFn) {
    Temporaries.visit_block_mut(&mut f.block);
}

struct Temporaries;

impl VisitMut for Temporaries {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        visit_mut::visit_block_mut(self, block);
        let mut i = 0;
        while i < block.stmts.len() {
            let rest = &block.stmts[i + 1..];
            let awaits = rest.iter().any(|s| {
                crate::analyze::suspend::tokens_await(quote::ToTokens::to_token_stream(s))
            });
            if let Stmt::Local(local) = &mut block.stmts[i] {
                if awaits && borrows_temporary(local) {
                    let init = local.init.as_mut().expect("a value");
                    let name = crate::names::hidden("__matched");
                    let value = std::mem::replace(&mut *init.expr, syn::parse_quote!(#name));
                    let stmt: Stmt = syn::parse_quote!(let #name = #value;);
                    block.stmts.insert(i, stmt);
                    i += 1;
                }
            }
            i += 1;
        }
    }

    // (Closures, `async` blocks and items are code of their own.)
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `let` with a `ref` binding of a value that is not a place, and no `else`.
fn borrows_temporary(local: &syn::Local) -> bool {
    let Some(init) = &local.init else {
        return false;
    };
    init.diverge.is_none()
        && !place(&init.expr)
        && crate::analyze::mentions::binds_by_reference(&local.pat)
}

fn place(expr: &Expr) -> bool {
    match expr {
        Expr::Path(_) => true,
        Expr::Field(f) => place(&f.base),
        Expr::Index(i) => place(&i.expr),
        Expr::Paren(p) => place(&p.expr),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)),
        _ => false,
    }
}
