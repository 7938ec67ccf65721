//! The checks of the guesses about method receivers (`analyze::cfg::receiver_checks`). Where
//! `x.m(..)` taking `x` by value or by reference decides what the states keep, the expansion
//! guesses (a method known to consume its receiver takes it, any other borrows it) and makes
//! the call through a function that also receives a check, which does not compile if the guess
//! was wrong. The check never runs: in it, a closure makes the same call on a stand-in for `x`,
//! with stand-ins for the locals the arguments name, and captures the stand-in by value exactly
//! when `m` takes it by value. Its result has the real call's type (`typed`), so that it is
//! inferred as the call is, unless an argument borrows a stand-in (`untyped`: the result may
//! hold that borrow, which cannot outlive the check).
//!
//! Input (`tx.subscribe()` is `tx`'s last use, and `tx` is in scope at a later `.await`):
//!     `let rx = tx.subscribe();`
//! Output:
//!     `let rx = receiver_borrowed(phantom(&tx), (), tx.subscribe(), |__x, __ys, __r| {
//!          let mut tx = conjure(__x);
//!          let __call = || typed(__r, &tx.subscribe());
//!          assumed_borrowed(__x, &__call, { struct subscribe; subscribe });
//!      });`
//!
//! `assumed_borrowed` requires the closure to be `FnMut` (a type check, with a message that
//! says what was assumed); `assumed_moved` requires it to own the receiver if dropping that
//! does anything (checked when the code is generated). The checking function is passed as a
//! `fn` pointer, so that it is compiled although it is never called.

use super::Writer;
use crate::analyze::cfg::ReceiverCheck;
use crate::analyze::mentions::{self, Use};
use crate::analyze::{LocalId, PointId, Resolved};
use proc_macro2::Span;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

impl Writer<'_> {
    /// `stmt` with the calls whose receiver guesses are checked at `key` made through their
    /// checks, or `None` if there is none.
    pub(super) fn checked_stmt(
        &self,
        key: usize,
        stmt: &syn::Stmt,
        uses: &[Resolved],
    ) -> Option<syn::Stmt> {
        let mut stmt = stmt.clone();
        let checks = self.a.receiver_checks.code.get(&key)?;
        self.check_calls(checks, uses, false, |wrap| wrap.visit_stmt_mut(&mut stmt))
            .then_some(stmt)
    }

    /// The same for an expression.
    pub(super) fn checked_expr(
        &self,
        key: usize,
        expr: &syn::Expr,
        uses: &[Resolved],
    ) -> Option<syn::Expr> {
        let mut expr = expr.clone();
        let checks = self.a.receiver_checks.code.get(&key)?;
        self.check_calls(checks, uses, false, |wrap| wrap.visit_expr_mut(&mut expr))
            .then_some(expr)
    }

    /// The awaited expression of point `p`, with its checks.
    pub(super) fn checked_operand(&self, p: PointId) -> syn::Expr {
        let point = &self.a.points[p];
        let mut expr = point.operand.clone();
        if let Some(checks) = self.a.receiver_checks.points.get(&p) {
            self.check_calls(checks, &point.uses, true, |wrap| {
                wrap.visit_expr_mut(&mut expr)
            });
        }
        expr
    }

    /// Runs `walk` with a rewriter for each of `checks` (those of an awaited expression if
    /// `awaited`); whether one wrapped its call.
    fn check_calls(
        &self,
        checks: &[ReceiverCheck],
        uses: &[Resolved],
        awaited: bool,
        mut walk: impl FnMut(&mut Wrap),
    ) -> bool {
        let mut any = false;
        for check in checks {
            let mut wrap = Wrap {
                writer: self,
                local: check.local,
                method: &check.method,
                takes: check.takes,
                awaited,
                uses,
                done: false,
            };
            walk(&mut wrap);
            any |= wrap.done;
        }
        any
    }

    /// `call` made through the check of its receiver guess, or `None` if it cannot be checked
    /// (the receiver is `self`, or the arguments name the receiver, jump, or name what the
    /// check could not stand in for). The future an `awaited` call returns may borrow a
    /// receiver it does not take: the check's cannot have its type.
    fn wrap_call(
        &self,
        id: LocalId,
        takes: bool,
        awaited: bool,
        call: &syn::ExprMethodCall,
        uses: &[Resolved],
    ) -> Option<syn::Expr> {
        let receiver = &self.a.locals[id].ident;
        if receiver == "self" {
            return None;
        }
        // The locals the arguments name get stand-ins too, made from witnesses of their types
        // taken before the call (which may move them).
        let mut named: Vec<syn::Ident> = Vec::new();
        // An argument that borrows a stand-in (`&mut buf`) may lend it to what the call
        // returns, which then cannot have the real call's type: the borrow of the real local
        // outlives the check.
        let mut lends = awaited && !takes;
        // (So may an accessor known to return what borrows its receiver, whose type may hold
        // the lifetime invariantly, `str::Lines<'a>`: the stand-in's borrow is not the real one.)
        lends |= !takes && crate::analyze::cfg::returns_borrow(&call.method.to_string());
        // (And a method of the crate whose result may hold a borrow, `-> Words<'_>`.)
        lends |= !takes && crate::defined::answer(call).is_some_and(|k| k.lends);
        for arg in &call.args {
            // A closure or an `async` block written again is a type of its own, which what the
            // call returns may hold (`fut.or(async { .. })`).
            lends |= crate::syntax::has_closure_or_async(arg);
            for m in mentions::in_expr(arg) {
                if *receiver == m.name || m.name == "self" {
                    return None;
                }
                let local = uses
                    .iter()
                    .map(|u| &self.a.locals[u.local].ident)
                    .find(|ident| **ident == m.name);
                if local.is_some() && !matches!(m.kind, Use::Move | Use::Field) {
                    lends = true;
                }
                match local {
                    Some(ident) if named.contains(ident) => {}
                    Some(ident) => named.push(ident.clone()),
                    // A local declared inside the statement would be captured by the check.
                    None if !matches!(&m.kind, Use::Receiver(c) if c.is_called())
                        && m.name.starts_with(|c: char| c.is_lowercase() || c == '_') =>
                    {
                        return None;
                    }
                    None => {}
                }
            }
        }
        // A jump in an argument would leave the check, not the function.
        let mut jumps = crate::analyze::cfg::Jumps::default();
        for arg in &call.args {
            jumps.visit_expr(arg);
        }
        if jumps.exits || !jumps.found.is_empty() {
            return None;
        }
        let private = crate::names::private();
        // (A hidden receiver, `__tmp0`, has the macro's span: the method's is the user's.)
        let holds = &self.a.locals[id].holds;
        let span = match holds {
            Some(_) => call.method.span(),
            None => call.span(),
        };
        // (Hygienic names, where the call is: rustc's errors point at it.)
        let hidden = |name: &str| syn::Ident::new(name, Span::mixed_site().located_at(span));
        let (x, ys, r, run) = (
            hidden("__x"),
            hidden("__ys"),
            hidden("__r"),
            hidden("__call"),
        );
        let witnesses = named.iter().map(|y| quote!(#private::phantom(&#y),));
        let stand_ins = named.iter().enumerate().map(|(i, y)| {
            let i = syn::Index::from(i);
            quote!(let #y = #private::conjure(#ys.#i);)
        });
        // (`mut`: the arguments may call `&mut self` methods on them, `v.take()`.)
        let borrowed = named
            .iter()
            .map(|y| quote!(#[allow(unused_mut)] let mut #y = #private::like(&#y);));
        let (method, turbofish, args) = (&call.method, &call.turbofish, &call.args);
        let mut marker = method.clone();
        marker.set_span(Span::mixed_site().located_at(span));
        let (through, assumed) = if takes {
            (
                quote_spanned!(span=> #private::receiver_moved),
                quote_spanned!(span=> #private::assumed_moved),
            )
        } else {
            (
                quote_spanned!(span=> #private::receiver_borrowed),
                quote_spanned!(span=> #private::assumed_borrowed),
            )
        };
        let note = crate::comments::comment_with(|| {
            let what = match holds {
                Some(holds) => format!("`{receiver}` ({holds})"),
                None => format!("`{receiver}`"),
            };
            let (guess, wrong) = if takes {
                (
                    format!("takes {what} by value, which is not kept"),
                    format!("borrows `{receiver}`"),
                )
            } else {
                (
                    format!("borrows {what}, which is kept to the end of its scope"),
                    format!("takes `{receiver}` by value"),
                )
            };
            let line = call.method.span().start().line;
            format!(
                "Checked guess: `{receiver}.{method}(..)` (line {line}) {guess}. Checked by the \
                 same call on a stand-in, in code that never runs: if `{method}` {wrong}, this \
                 does not compile."
            )
        });
        let call_again = quote_spanned!(span=> #receiver.#method #turbofish(#args));
        let made = if lends {
            quote_spanned!(span=> #private::untyped(#call_again);)
        } else {
            quote_spanned!(span=> #private::typed(#r, &#call_again);)
        };
        let tokens = quote_spanned! {span=>
            #through(
                #private::phantom(&#receiver),
                (#(#witnesses)*),
                #call,
                |#x, #ys, #r| {
                    #note
                    #[allow(unused_mut)]
                    let mut #receiver = #private::conjure(#x);
                    #(#stand_ins)*
                    let #run = || {
                        #(#borrowed)*
                        #made
                    };
                    // (Named as the method, for rustc's message; in a block of its own, so
                    // that it hides no local of that name: `req.body(body)`.)
                    #assumed(#x, &#run, {
                        #[allow(non_camel_case_types)]
                        struct #marker;
                        #marker
                    });
                },
            )
        };
        syn::parse2(tokens).ok()
    }
}

/// Makes the first call `x.method(..)` of the code (outside closures and `async` blocks; in the
/// arguments of macros too) through its check.
struct Wrap<'w, 'a> {
    writer: &'w Writer<'a>,
    local: LocalId,
    method: &'w str,
    takes: bool,
    awaited: bool,
    uses: &'w [Resolved],
    done: bool,
}

impl VisitMut for Wrap<'_, '_> {
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        if self.done {
            return;
        }
        if let syn::Expr::MethodCall(m) = e {
            let mut receiver = &*m.receiver;
            while let syn::Expr::Paren(p) = receiver {
                receiver = &p.expr;
            }
            let name = &self.writer.a.locals[self.local].ident;
            if m.method == self.method && mentions::plain_ident(receiver) == Some(name) {
                self.done = true;
                let (local, takes, awaited) = (self.local, self.takes, self.awaited);
                if let Some(wrapped) = self.writer.wrap_call(local, takes, awaited, m, self.uses) {
                    *e = wrapped;
                }
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        use syn::punctuated::Punctuated;
        // The arguments of every macro that `mentions` reads as expressions (`vec![..]`,
        // `assert!(..)`, a crate's own macro), where the guess may have been made.
        if mentions::is_stringify(mac) {
            return;
        }
        if let Ok(mut args) =
            mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            if self.done {
                mac.tokens = quote!(#args);
            }
        }
    }
}
