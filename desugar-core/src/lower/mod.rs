//! Lowering: the code of each state. The body runs as straight-line code between suspension
//! points; the code that runs after resuming at a point is the rest of every block that encloses
//! it, nested the same way, so locals drop where they did.
//!
//! Receives the [`Analysis`] and the [`Names`]; returns, for the `Start` state and for every
//! suspension point, the tokens of its `match` arm body.
//!
//! Invariants (regenerator's, adapted):
//! - all side effects happen in the original order; statements without `.await` are emitted as
//!   written, with only the [`rewrite`]s;
//! - whenever the code below writes a new state, the old one has already been moved out
//!   (`Panicked`), so nothing pinned is ever overwritten;
//! - a future that borrows locals kept in place is dropped in place before they move again.

pub mod rewrite;

use crate::analyze::{Analysis, AwaitKind, LocalId, Step};
use crate::comments::comment;
use crate::names::{Names, hidden, label};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use rewrite::{Rewriter, question_mark};
use syn::spanned::Spanned;

pub struct Lowered {
    /// The body of the `Start` arm.
    pub start: TokenStream,
    /// Per suspension point: the body of its arm.
    pub resumes: Vec<TokenStream>,
    /// Errors found while rewriting user code.
    pub errors: Vec<syn::Error>,
}

pub fn lower(a: &Analysis, names: &Names, unit_output: bool) -> Lowered {
    let mut errors = Vec::new();
    let start = {
        let mut w = ArmWriter::new(a, names, unit_output);
        let params: Vec<LocalId> = a.declares[0].clone();
        w.restore(&names.start_variant(), &params, 0);
        w.run_from(1);
        errors.append(&mut w.errors);
        w.finish()
    };
    let resumes = (0..a.points.len())
        .map(|p| {
            let mut w = ArmWriter::new(a, names, unit_output);
            w.resume(p);
            errors.append(&mut w.errors);
            w.finish()
        })
        .collect();
    Lowered {
        start,
        resumes,
        errors,
    }
}

/// Writes one arm: a stack of open blocks, innermost last.
struct ArmWriter<'a> {
    a: &'a Analysis,
    names: &'a Names,
    unit_output: bool,
    frames: Vec<Vec<TokenStream>>,
    errors: Vec<syn::Error>,
}

impl<'a> ArmWriter<'a> {
    fn new(a: &'a Analysis, names: &'a Names, unit_output: bool) -> Self {
        ArmWriter {
            a,
            names,
            unit_output,
            frames: vec![Vec::new()],
            errors: Vec::new(),
        }
    }

    fn emit(&mut self, tokens: TokenStream) {
        self.frames.last_mut().expect("a frame").push(tokens);
    }

    fn finish(mut self) -> TokenStream {
        while self.frames.len() > 1 {
            self.close();
        }
        self.frames
            .pop()
            .expect("the arm frame")
            .into_iter()
            .collect()
    }

    fn open(&mut self) {
        self.frames.push(Vec::new());
    }

    fn close(&mut self) {
        let inner: TokenStream = self
            .frames
            .pop()
            .expect("an open block")
            .into_iter()
            .collect();
        self.emit(quote!({ #inner }));
    }

    /// Moves the state out (leaving `Panicked`) and binds the locals it kept by their names,
    /// each in the block that declared it, in declaration order (so they drop in reverse).
    fn restore(&mut self, variant: &syn::Ident, kept: &[LocalId], depth: usize) {
        let state_enum = hidden("__State");
        let state = hidden("__state");
        let mut fields = Vec::new();
        let mut deeper: Vec<Vec<TokenStream>> = vec![Vec::new(); depth + 1];
        let mut any_mut = false;
        for &id in kept {
            let local = &self.a.locals[id];
            let field = &self.names.fields[id];
            let name = self.local_ident(id);
            let mutability = local.mutable.then(|| quote!(mut));
            any_mut |= local.mutable;
            if local.depth == 0 {
                if *field == name {
                    fields.push(quote!(#mutability #name));
                } else {
                    fields.push(quote!(#field: #mutability #name));
                }
            } else {
                let temp = hidden(&format!("__keep_{field}"));
                fields.push(quote!(#field: #temp));
                deeper[local.depth].push(quote! {
                    #[allow(unused_mut, unused_variables)]
                    let #mutability #name = #temp;
                });
            }
        }
        let allow = if any_mut {
            quote!(#[allow(unused_mut, unused_variables)])
        } else if !fields.is_empty() {
            quote!(#[allow(unused_variables)])
        } else {
            TokenStream::new()
        };
        let unreachable = unreachable_state();
        let safety = comment(
            "SAFETY: `__state` points to the pinned state, valid for this call; the state being \
             left holds no future any more, so its locals may move.",
        );
        self.emit(quote! {
            #safety
            #allow
            let #state_enum::#variant { #(#fields,)* .. } = ::core::mem::replace(
                unsafe { &mut *#state },
                #state_enum::Panicked,
            ) else { #unreachable };
        });
        for level in deeper.into_iter().skip(1) {
            self.open();
            for tokens in level {
                self.emit(tokens);
            }
        }
    }

    /// The arm of suspension point `p`: poll the awaited future in place; when it is ready, drop
    /// it, take the kept locals back and run on.
    fn resume(&mut self, p: usize) {
        let point = &self.a.points[p];
        let layout = &self.a.layout[p];
        let (awaitee, future, result, cx) = (
            hidden("__awaitee"),
            hidden("__future"),
            hidden("__result"),
            hidden("__cx"),
        );
        let panicked = panic_resumed("panicking");
        let safety = comment(
            "SAFETY: the awaited future lives inside the pinned state and is never moved: it is \
             dropped in place (below) before the state changes.",
        );
        let pending = comment(&format!(
            "`{}` is not ready: suspend here, in state `{}`.",
            point.source, self.names.variants[p]
        ));
        let done = comment("Ready: drop the finished future in place, ending its borrows.");
        self.emit(quote! {
            let #future = match #awaitee {
                ::core::option::Option::Some(#future) => #future,
                ::core::option::Option::None => #panicked,
            };
            #safety
            let #future = unsafe { ::core::pin::Pin::new_unchecked(#future) };
            #[allow(clippy::let_unit_value)]
            let #result = match ::core::future::Future::poll(#future, #cx) {
                ::core::task::Poll::Ready(#result) => #result,
                ::core::task::Poll::Pending => {
                    #pending
                    return ::core::task::Poll::Pending;
                }
            };
            #done
            *#awaitee = ::core::option::Option::None;
        });
        self.restore(&self.names.variants[p], &layout.kept, point.depth);
        let value = if point.question {
            question_mark(quote!(#result), point.span)
        } else {
            quote!(#result)
        };
        let ret = label("__ret");
        match &point.kind {
            AwaitKind::Let(local) => {
                let mut local = local.clone();
                self.allow_unused_mut(point.step, &mut local.attrs);
                if let Some(init) = &mut local.init {
                    *init.expr = syn::parse2(value).expect("an expression");
                    if let Some((_, diverge)) = &mut init.diverge {
                        **diverge = self.rewrite_expr((**diverge).clone());
                    }
                }
                self.emit(local.into_token_stream());
            }
            AwaitKind::Discard if point.question => self.emit(quote!(#value;)),
            AwaitKind::Discard => self.emit(quote! {
                #[allow(clippy::drop_non_drop)]
                ::core::mem::drop(#value);
            }),
            AwaitKind::Tail { result: true } | AwaitKind::Return => {
                self.emit(quote!(break #ret #value;))
            }
            AwaitKind::Tail { result: false } => self.emit(value),
        }
        self.run_from(point.step + 1);
    }

    /// Emits steps from `start` until a suspension point (which it enters) or the end.
    fn run_from(&mut self, start: usize) {
        let a = self.a;
        for step in start..a.steps.len() {
            match &a.steps[step] {
                Step::Args => {}
                Step::Stmt(stmt) => {
                    let mut stmt = self.rewrite_stmt(stmt.clone());
                    if let syn::Stmt::Local(local) = &mut stmt {
                        self.allow_unused_mut(step, &mut local.attrs);
                    }
                    self.emit(stmt.into_token_stream());
                }
                Step::Tail { expr, result } => {
                    let expr = self.rewrite_expr(expr.clone());
                    if *result {
                        let ret = label("__ret");
                        self.emit(quote!(break #ret #expr;));
                    } else {
                        self.emit(expr.into_token_stream());
                    }
                }
                Step::Open => self.open(),
                Step::Close => self.close(),
                Step::Await(p) => {
                    self.suspend(*p);
                    return;
                }
            }
        }
        if self.unit_output && !ends_in_exit(a) {
            let ret = label("__ret");
            self.emit(quote!(break #ret ();));
        }
    }

    /// Enters the state of suspension point `p`: moves the kept locals into it, builds the
    /// awaited future in place (it may borrow the pinned ones) and goes on to poll it.
    fn suspend(&mut self, p: usize) {
        let point = &self.a.points[p];
        let layout = &self.a.layout[p];
        let state_enum = hidden("__State");
        let state = hidden("__state");
        let awaitee = hidden("__awaitee");
        let variant = &self.names.variants[p];
        let fields: Vec<TokenStream> = layout
            .kept
            .iter()
            .rev()
            .map(|&id| {
                let field = &self.names.fields[id];
                let name = self.local_ident(id);
                if *field == name {
                    quote!(#name)
                } else {
                    quote!(#field: #name)
                }
            })
            .collect();
        let pinned: Vec<TokenStream> = layout
            .pinned
            .iter()
            .map(|&id| {
                let field = &self.names.fields[id];
                let name = self.local_ident(id);
                if *field == name {
                    quote!(#name)
                } else {
                    quote!(#field: #name)
                }
            })
            .collect();
        let pinned_names = layout
            .pinned
            .iter()
            .map(|&id| self.a.locals[id].ident.to_string())
            .collect();
        let mut rewriter = Rewriter::new(pinned_names);
        let operand = rewriter.expr(point.operand.clone());
        self.errors.append(&mut rewriter.errors);
        let span = point.operand.span();
        let into_future = quote_spanned!(span=> ::core::future::IntoFuture::into_future(#operand));
        let unreachable = unreachable_state();
        let poll = label("__poll");
        let kept = |ids: &[LocalId]| -> String {
            ids.iter()
                .map(|&id| format!("`{}`", self.a.locals[id].ident))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut what = format!(
            "`{}` (line {}): enter state `{}`",
            point.source, point.line, variant
        );
        if !layout.kept.is_empty() {
            what.push_str(&format!(", keeping {}", kept(&layout.kept)));
        }
        if !layout.pinned.is_empty() {
            what.push_str(&format!(
                "; kept in place for the awaited future to borrow: {}",
                kept(&layout.pinned)
            ));
        }
        let explain = comment(&format!("{what}."));
        let safety = comment(
            "SAFETY: the current state was moved out (it is `Panicked`), so this overwrites \
             nothing that is pinned.",
        );
        let safety_ref =
            comment("SAFETY: `__state` points to the pinned state, valid for this call.");
        let poll_now = comment("Poll the new future right away, as `.await` does.");
        self.emit(quote! {
            #explain
            #safety
            unsafe {
                *#state = #state_enum::#variant {
                    #awaitee: ::core::option::Option::None,
                    #(#fields,)*
                }
            };
            #safety_ref
            let #state_enum::#variant { #awaitee, #(#pinned,)* .. } =
                (unsafe { &mut *#state }) else { #unreachable };
            *#awaitee = ::core::option::Option::Some(#into_future);
            #poll_now
            continue #poll;
        });
    }

    /// A `let mut` whose local is kept across a suspension point may be mutated only in a later
    /// state's code: the `mut` is still needed, rustc just cannot see it from here.
    fn allow_unused_mut(&self, step: usize, attrs: &mut Vec<syn::Attribute>) {
        let crosses = self.a.declares[step].iter().any(|&id| {
            self.a.locals[id].mutable && self.a.layout.iter().any(|l| l.kept.contains(&id))
        });
        if crosses {
            attrs.push(syn::parse_quote!(#[allow(unused_mut)]));
        }
    }

    /// The identifier the user's code uses for a local (`self` is renamed).
    fn local_ident(&self, id: LocalId) -> syn::Ident {
        let ident = &self.a.locals[id].ident;
        if ident == "self" {
            syn::Ident::new("__self", Span::mixed_site().located_at(ident.span()))
        } else {
            ident.clone()
        }
    }

    fn rewrite_stmt(&mut self, stmt: syn::Stmt) -> syn::Stmt {
        let mut r = Rewriter::new(Vec::new());
        let stmt = r.stmt(stmt);
        self.errors.append(&mut r.errors);
        stmt
    }

    fn rewrite_expr(&mut self, expr: syn::Expr) -> syn::Expr {
        let mut r = Rewriter::new(Vec::new());
        let expr = r.expr(expr);
        self.errors.append(&mut r.errors);
        expr
    }
}

/// Whether the body ends by returning (no `()` needs to be returned after it).
fn ends_in_exit(a: &Analysis) -> bool {
    let last = a.steps.iter().rev().find(|s| !matches!(s, Step::Close));
    match last {
        Some(Step::Tail { result: true, .. }) => true,
        Some(Step::Await(p)) => matches!(
            a.points[*p].kind,
            AwaitKind::Return | AwaitKind::Tail { result: true }
        ),
        Some(Step::Stmt(syn::Stmt::Expr(syn::Expr::Return(_), _))) => true,
        Some(Step::Stmt(syn::Stmt::Macro(m))) => {
            let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
            matches!(
                name.as_deref(),
                Some("panic" | "unreachable" | "todo" | "unimplemented")
            )
        }
        _ => false,
    }
}

/// The panic rustc's futures raise when polled again.
pub fn panic_resumed(after: &str) -> TokenStream {
    let message = format!("`async fn` resumed after {after}");
    quote!(::core::panic!(#message))
}

fn unreachable_state() -> TokenStream {
    quote!(::core::unreachable!())
}
