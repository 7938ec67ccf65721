//! Recursion through `Box::pin` (`Box::pin(fib(n - 1)).await`), which rustc accepts for an
//! `async fn` since 1.77. The desugared function returns `impl Future` whose hidden type, the
//! machine, holds the boxed future of the function itself: a type that contains itself, which
//! rustc refuses (E0720). rustc's own future avoids it because the types an `async` block holds
//! across its `.await`s are not part of its type (they are its "witness"), so the recursive call
//! is made inside an `async move` block of its own, which holds the recursive future: the
//! machine holds the box of that block, whose type does not name the function's future. The
//! arguments are evaluated before, in their order, where the call was.
//!
//! Input:  `Box::pin(fib(n - 1)).await`
//! Output: `Box::pin({ let __recursion_arg0 = n - 1; async move { fib(__recursion_arg0).await } })
//!          .await`
//!
//! A method's call (`Box::pin(child.walk(depth + 1))`) goes in a block without `move`, which
//! captures the receiver as the call does (by reference, or by value for `self`), the arguments
//! moved in as a whole (`Moved`). Only direct recursion is seen (a call to a path ending in the
//! function's name, or a method of that name on a local, `self` or their fields); through another
//! function the cycle remains (E0720).

use crate::parse::AsyncFn;
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, FnArg, Ident};

pub fn box_recursive_calls(f: &mut AsyncFn) {
    if f.async_block.is_some() {
        return;
    }
    let method = f.sig.inputs.iter().any(|i| matches!(i, FnArg::Receiver(_)));
    let reborrowed = (f.sig.inputs.iter())
        .filter_map(|i| match i {
            FnArg::Typed(t) => {
                Some(matches!(&*t.ty, syn::Type::Reference(r) if r.mutability.is_some()))
            }
            FnArg::Receiver(_) => None,
        })
        .collect();
    let mut calls = Calls {
        name: f.sig.ident.clone(),
        method,
        reborrowed,
    };
    calls.visit_block_mut(&mut f.block);
}

struct Calls {
    name: Ident,
    /// The function is a method: `recv.name(..)` calls it.
    method: bool,
    /// Which of its parameters (not `self`) are `&mut` references: the call reborrows what is
    /// passed there (`out` stays usable after `f(out).await`), and so does `&mut *out`.
    reborrowed: Vec<bool>,
}

impl Calls {
    /// `fib(a, b)` or `recv.fib(a, b)`, a call of the function itself.
    fn is_recursive(&self, call: &Expr) -> bool {
        match call {
            Expr::Call(c) => {
                matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == self.name))
            }
            Expr::MethodCall(m) => m.method == self.name && self.method && place(&m.receiver),
            _ => false,
        }
    }

    /// `{ let __recursion_arg0 = a; .. async move { fib(__recursion_arg0, ..).await } }`, or for
    /// a method, `{ let __args = Moved((a, ..)); async { let (__recursion_arg0, ..) =
    /// __args.into_inner(); recv.fib(__recursion_arg0, ..).await } }`:
    /// without `move`, the block captures the receiver as the method call borrows it.
    fn wrap(&self, call: &mut Expr) {
        let span = call.span();
        let (args, method) = match call {
            Expr::Call(c) => (&mut c.args, false),
            Expr::MethodCall(m) => (&mut m.args, true),
            _ => return,
        };
        let mut names = Vec::new();
        let mut values = Vec::new();
        for (i, arg) in args.iter_mut().enumerate() {
            let name = Ident::new(&format!("__recursion_arg{i}"), Span::mixed_site());
            let value = std::mem::replace(arg, crate::syntax::name_expr(name.clone()));
            // (`&mut x` is a reference of its own already.)
            let fresh = matches!(value, Expr::Reference(_));
            values.push(match self.reborrowed.get(i).filter(|_| !fresh) {
                Some(true) if plain(&value) => {
                    syn::parse_quote_spanned!(value.span()=> &mut *#value)
                }
                Some(true) => syn::parse_quote_spanned!(value.span()=> &mut *(#value)),
                _ => value,
            });
            names.push(name);
        }
        let note = crate::comments::comment(
            "A call of this function itself, made in an `async` block of its own: the state holds \
             the box of that block, whose type does not name this function's future (which would \
             then contain itself, E0720); the arguments are evaluated here, in their order.",
        );
        *call = if method {
            let private = crate::names::private();
            let moved = Ident::new("__args", Span::mixed_site());
            syn::parse_quote_spanned! {span=>
                {
                    #note
                    let #moved = #private::Moved((#(#values,)*));
                    async {
                        let (#(#names,)*) = #moved.into_inner();
                        #call.await
                    }
                }
            }
        } else {
            syn::parse_quote_spanned! {span=>
                { #note #(let #names = #values;)* async move { #call.await } }
            }
        };
    }
}

/// An expression that needs no parentheses after `*`.
fn plain(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Path(_)
            | Expr::Field(_)
            | Expr::Call(_)
            | Expr::MethodCall(_)
            | Expr::Index(_)
            | Expr::Paren(_)
            | Expr::Unary(_)
    )
}

/// A place the receiver of a method call can be: `self`, a local, its fields, an index by a
/// name or a literal (evaluating it later, in the block, is the same).
fn place(expr: &Expr) -> bool {
    match expr {
        Expr::Path(p) => p.path.get_ident().is_some(),
        Expr::Field(f) => place(&f.base),
        Expr::Index(i) => place(&i.expr) && matches!(&*i.index, Expr::Lit(_) | Expr::Path(_)),
        Expr::Paren(p) => place(&p.expr),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)) && place(&u.expr),
        _ => false,
    }
}

impl VisitMut for Calls {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let Expr::Call(c) = expr {
            let boxed = matches!(&*c.func, Expr::Path(p) if {
                let s = crate::analyze::mentions::path_segments(&p.path);
                s.len() >= 2 && s[s.len() - 2..] == ["Box", "pin"]
            });
            if boxed && c.args.len() == 1 && self.is_recursive(&c.args[0]) {
                self.wrap(&mut c.args[0]);
            }
        }
    }
    // Separate futures and items.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
