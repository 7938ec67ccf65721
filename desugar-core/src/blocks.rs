//! `async` blocks desugared where they stand: the blocks of a plain `fn` (`#[desugar]` on a
//! function that is not `async`, which is also what an `#[async_trait]` method, a
//! `#[tokio::main]` function or a `fn f() -> impl Future { async move { .. } }` is; an `async fn`
//! declared in its body is desugared too), and the blocks `#[tracing::instrument]` wraps an
//! `async fn`'s body in (`tracing`).
//!
//! Input:  `fn get(&self, k: u32) -> Pin<Box<dyn Future<Output = u32> + Send + '_>> {
//!              Box::pin(async move { let __self = self; self.load(k).await })
//!          }`
//! Output: `fn get(&self, k: u32) -> Pin<Box<dyn Future<Output = u32> + Send + '_>> {
//!              Box::pin({
//!                  enum AsyncBlockState<..> { Start { __self: S, k: K }, Load { .. }, Done, Panicked }
//!                  machine(AsyncBlockState::Start { __self: self, k }, (), |..| { .. })
//!              })
//!          }`
//!
//! A block is desugared as an `async fn` whose parameters are what the block captures: the
//! names it mentions that are bound around it (the function's parameters, its locals, the
//! parameters of closures around it), in the order the block first mentions them, which is the
//! order its native future drops them in. Its output type is the `Output` of the `Future` the
//! function returns when the block is that function's value, else inferred. The signature the
//! function was written with stays as it is: only the block changes, and no lifetime is added
//! (the `'pinned` check of the value of an `.await`, which needs one, is not made, as in trait
//! impls).

use crate::parse::AsyncFn;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Error, Expr, ExprAsync, FnArg, Ident, ItemFn, Pat, Result, ReturnType, Type};

/// `#[desugar]` on a `fn` that is not `async`: its `async` blocks become state machines.
pub fn desugar_plain_fn(mut item_fn: ItemFn) -> Result<TokenStream> {
    walk(&mut item_fn, None)?;
    Ok(item_fn.into_token_stream())
}

/// The `async` blocks of a plain `fn`, as the `async fn`s they are desugared as (`--explain`).
pub fn block_fns(item_fn: &ItemFn) -> Result<Vec<AsyncFn>> {
    let mut item_fn = item_fn.clone();
    Ok(walk(&mut item_fn, Some(Vec::new()))?.unwrap_or_default())
}

/// Desugars the blocks of `item_fn` in place, or collects them.
fn walk(item_fn: &mut ItemFn, collected: Option<Vec<AsyncFn>>) -> Result<Option<Vec<AsyncFn>>> {
    let output = future_output(&item_fn.sig.output);
    let mut params: Vec<Bound> = Vec::new();
    let mut receiver = None;
    for input in &item_fn.sig.inputs {
        match input {
            FnArg::Receiver(r) => receiver = Some(r.clone()),
            FnArg::Typed(t) => params.extend(bound_by(&t.pat, Some(&t.ty))),
        }
    }
    let returned = written_output(&item_fn.sig.output);
    let mut blocks = Blocks {
        bound: params,
        receiver,
        tail_output: output,
        returned,
        found: 0,
        errors: Vec::new(),
        collected,
    };
    blocks.body(&mut item_fn.block);
    if let Some(e) = blocks.errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        return Err(e);
    }
    if blocks.found == 0 {
        return Err(Error::new(
            item_fn.sig.fn_token.span,
            "#[desugar] expects an `async fn`, or a `fn` with `async` blocks in its body; this \
             function has neither, so there is no state machine to show",
        ));
    }
    Ok(blocks.collected)
}

/// Whether a `fn`'s body has an `async` block of its own (not one of a nested item's), or
/// declares an `async fn`.
pub fn has_async_block(block: &syn::Block) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_async(&mut self, _: &'ast ExprAsync) {
            self.0 = true;
        }
        fn visit_item(&mut self, item: &'ast syn::Item) {
            if matches!(item, syn::Item::Fn(f) if f.sig.asyncness.is_some()) {
                self.0 = true;
            }
        }
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// A name bound around a block, with its type where the code writes it.
#[derive(Clone)]
struct Bound {
    name: Ident,
    ty: Option<Type>,
    mutable: bool,
}

fn bound_by(pat: &Pat, ty: Option<&Type>) -> Vec<Bound> {
    let names = crate::analyze::mentions::bindings(pat);
    // A type belongs to the binding only when the pattern is the binding itself.
    let whole = matches!(pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none());
    names
        .into_iter()
        .map(|(name, mutable)| Bound {
            name,
            ty: ty.filter(|_| whole).cloned(),
            mutable,
        })
        .collect()
}

/// Walks a body, desugaring its `async` blocks, with the names bound around each.
struct Blocks {
    bound: Vec<Bound>,
    receiver: Option<syn::Receiver>,
    /// The block's output type when the block is the function's value.
    tail_output: Option<Type>,
    /// The function's return type, where it can be written: the output of the block it runs
    /// to completion (`#[tokio::main]`'s `block_on(body)`).
    returned: Option<Type>,
    found: usize,
    errors: Vec<Error>,
    /// Collect the blocks as the `async fn`s they are desugared as, instead (`--explain`).
    collected: Option<Vec<AsyncFn>>,
}

impl Blocks {
    /// The function's body: a block that is its value (`async move { .. }`, or
    /// `Box::pin(async move { .. })`, as `#[async_trait]` writes it) has the function's output.
    fn body(&mut self, block: &mut syn::Block) {
        let output = self.tail_output.take();
        let tail_block = matches!(block.stmts.last(), Some(syn::Stmt::Expr(tail, None))
            if matches!(tail, Expr::Async(_))
                || matches!(tail, Expr::Call(c) if is_box_pin(&c.func)));
        if !tail_block && output.is_none() && self.blocked_on(block) {
            return;
        }
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last_mut() {
            let tail = match tail {
                Expr::Call(call) if is_box_pin(&call.func) && call.args.len() == 1 => {
                    &mut call.args[0]
                }
                other => other,
            };
            if matches!(tail, Expr::Async(_)) {
                // The statements before it are walked as usual, binding what it captures.
                let n = block.stmts.len();
                for stmt in &mut block.stmts[..n - 1] {
                    self.stmt(stmt);
                }
                self.tail_output = output;
                let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last_mut() else {
                    unreachable!("the tail was just matched");
                };
                let tail = match tail {
                    Expr::Call(call) if is_box_pin(&call.func) => &mut call.args[0],
                    other => other,
                };
                if let Expr::Async(a) = tail {
                    let a = a.clone();
                    self.replace(tail, &a);
                }
                return;
            }
        }
        self.visit_block_mut(block);
    }

    /// `let body = async { .. };` and, after it, `..block_on(body)` (`#[tokio::main]`'s
    /// `main`): the function returns what the block does, so the block's output is the
    /// function's return type (`anyhow::Result<()>`, which `bail!` in the block returns).
    /// Walks the body if so.
    fn blocked_on(&mut self, block: &mut syn::Block) -> bool {
        let returned = self.returned.clone();
        let position = block.stmts.iter().enumerate().position(|(i, stmt)| {
            let syn::Stmt::Local(local) = stmt else {
                return false;
            };
            let (Pat::Ident(p), Some(init)) = (&local.pat, &local.init) else {
                return false;
            };
            matches!(&*init.expr, Expr::Async(_))
                && (block.stmts[i + 1..].iter())
                    .any(|s| calls_block_on(s.to_token_stream(), &p.ident))
        });
        let (Some(i), Some(returned)) = (position, returned) else {
            return false;
        };
        for (j, stmt) in block.stmts.iter_mut().enumerate() {
            if j != i {
                self.stmt(stmt);
                continue;
            }
            let syn::Stmt::Local(local) = stmt else {
                continue;
            };
            let init = local.init.as_mut().expect("matched above");
            if let Expr::Async(a) = &*init.expr {
                let a = a.clone();
                self.tail_output = Some(returned.clone());
                self.replace(&mut init.expr, &a);
            }
            self.bound.extend(bound_by(&local.pat, None));
        }
        true
    }

    fn stmt(&mut self, stmt: &mut syn::Stmt) {
        self.visit_stmt_mut(stmt);
        if let syn::Stmt::Local(local) = stmt {
            let (pat, ty) = match &local.pat {
                Pat::Type(t) => (&*t.pat, Some(&*t.ty)),
                other => (other, None),
            };
            self.bound.extend(bound_by(pat, ty));
        }
    }

    /// Replaces `expr`, the block `a`, by its state machine.
    fn replace(&mut self, expr: &mut Expr, a: &ExprAsync) {
        self.found += 1;
        let output = self.tail_output.take();
        if let Some(collected) = &mut self.collected {
            match block_fn(a, &self.bound, self.receiver.as_ref(), output) {
                Ok(f) => collected.push(f),
                Err(e) => self.errors.push(e),
            }
            return;
        }
        match block_machine(a, &self.bound, self.receiver.as_ref(), output) {
            Ok(machine) => *expr = machine,
            Err(e) => self.errors.push(e),
        }
    }

    fn with_bound(&mut self, names: Vec<Bound>, f: impl FnOnce(&mut Self)) {
        let len = self.bound.len();
        self.bound.extend(names);
        f(self);
        self.bound.truncate(len);
    }
}

impl VisitMut for Blocks {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let len = self.bound.len();
        for stmt in &mut block.stmts {
            self.stmt(stmt);
        }
        self.bound.truncate(len);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Async(a) => {
                let a = a.clone();
                self.replace(expr, &a);
            }
            Expr::Closure(c) if c.asyncness.is_some() => {
                self.errors.push(Error::new(
                    c.asyncness.span(),
                    "#[desugar] does not desugar `async` closures: their futures may borrow the \
                     closure itself, which a state machine made by a plain closure cannot; write \
                     `|..| async move { .. }` to have the block desugared",
                ));
            }
            Expr::Closure(c) => {
                let names = c
                    .inputs
                    .iter()
                    .flat_map(|p| match p {
                        Pat::Type(t) => bound_by(&t.pat, Some(&t.ty)),
                        other => bound_by(other, None),
                    })
                    .collect();
                self.with_bound(names, |this| this.visit_expr_mut(&mut c.body));
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let names = bound_by(&f.pat, None);
                self.with_bound(names, |this| this.visit_block_mut(&mut f.body));
            }
            Expr::If(i) => {
                self.visit_expr_mut(&mut i.cond);
                let names = lets(&i.cond);
                self.with_bound(names, |this| this.visit_block_mut(&mut i.then_branch));
                if let Some((_, e)) = &mut i.else_branch {
                    self.visit_expr_mut(e);
                }
            }
            Expr::While(w) => {
                self.visit_expr_mut(&mut w.cond);
                let names = lets(&w.cond);
                self.with_bound(names, |this| this.visit_block_mut(&mut w.body));
            }
            Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                for arm in &mut m.arms {
                    let names = bound_by(&arm.pat, None);
                    self.with_bound(names, |this| {
                        if let Some((_, g)) = &mut arm.guard {
                            this.visit_expr_mut(g);
                        }
                        this.visit_expr_mut(&mut arm.body);
                    });
                }
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    // The blocks of nested items are theirs; a nested `async fn` is desugared (as
    // `#[async_std::main]` writes the function's body: `async fn main() { .. }` inside `main`).
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        let syn::Item::Fn(f) = item else { return };
        if f.sig.asyncness.is_none() {
            return;
        }
        self.found += 1;
        let f = f.clone();
        if let Some(collected) = &mut self.collected {
            match crate::parse::Target::async_fns(f, false) {
                Ok(f) => collected.push(f),
                Err(e) => self.errors.push(e),
            }
            return;
        }
        match crate::parse::Target::async_fns(f, false).and_then(crate::desugar_fn) {
            Ok(tokens) => *item = syn::Item::Verbatim(tokens),
            Err(e) => self.errors.push(e),
        }
    }
}

fn lets(cond: &Expr) -> Vec<Bound> {
    match cond {
        Expr::Let(l) => bound_by(&l.pat, None),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut out = lets(&b.left);
            out.extend(lets(&b.right));
            out
        }
        Expr::Paren(p) => lets(&p.expr),
        _ => Vec::new(),
    }
}

/// `Box::pin`, `::std::boxed::Box::pin`, ...
fn is_box_pin(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segments = crate::analyze::mentions::path_segments(&p.path);
    segments.len() >= 2 && segments[segments.len() - 2..] == ["Box", "pin"]
}

/// The type a function returns, where it can be written inside its body (`()` if none is
/// written).
fn written_output(output: &ReturnType) -> Option<Type> {
    match output {
        ReturnType::Default => Some(syn::parse_quote!(())),
        ReturnType::Type(_, ty) => Some((**ty).clone()).filter(writable),
    }
}

/// Whether the tokens call `block_on(name)`.
fn calls_block_on(tokens: proc_macro2::TokenStream, name: &Ident) -> bool {
    let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
    tokens.iter().enumerate().any(|(i, tt)| match tt {
        proc_macro2::TokenTree::Ident(f) if f == "block_on" => matches!(
            tokens.get(i + 1),
            Some(proc_macro2::TokenTree::Group(g))
                if *name == g.stream().to_string()
        ),
        proc_macro2::TokenTree::Group(g) => calls_block_on(g.stream(), name),
        _ => false,
    })
}

/// `T` of a return type `impl Future<Output = T>`, `Pin<Box<dyn Future<Output = T> + ..>>`, ...,
/// when it can be written inside the body (no `impl Trait`, no `_`, no elided lifetime).
pub fn future_output(output: &ReturnType) -> Option<Type> {
    struct Find(Option<Type>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_trait_bound(&mut self, b: &'ast syn::TraitBound) {
            let Some(last) = b.path.segments.last() else {
                return;
            };
            if last.ident != "Future" || self.0.is_some() {
                return;
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                for arg in &args.args {
                    if let syn::GenericArgument::AssocType(a) = arg {
                        if a.ident == "Output" {
                            self.0 = Some(a.ty.clone());
                        }
                    }
                }
            }
        }
    }
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let mut find = Find(None);
    syn::visit::Visit::visit_type(&mut find, ty);
    find.0.filter(writable)
}

/// Whether a type can be written as it is in the function's body.
pub fn writable(ty: &Type) -> bool {
    struct Check(bool);
    impl<'ast> syn::visit::Visit<'ast> for Check {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = false;
        }
        fn visit_type_infer(&mut self, _: &'ast syn::TypeInfer) {
            self.0 = false;
        }
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            if r.lifetime.is_none() {
                self.0 = false;
            }
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
            if l.ident == "_" {
                self.0 = false;
            }
        }
    }
    let mut check = Check(true);
    syn::visit::Visit::visit_type(&mut check, ty);
    check.0
}

/// The block `a` as the `async fn` it is desugared as: its parameters are what it captures.
fn block_fn(
    a: &ExprAsync,
    bound: &[Bound],
    receiver: Option<&syn::Receiver>,
    output: Option<Type>,
) -> Result<AsyncFn> {
    let span = a.async_token.span;
    // What the block captures, in the order it first mentions it.
    let mut captured: Vec<FnArg> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    // Captured by a block without `move`, in a way the syntax does not show.
    let mut by_reference: Vec<String> = Vec::new();
    let mentions = crate::analyze::mentions::in_expr(&Expr::Async(a.clone()));
    for mention in mentions {
        if seen.contains(&mention.name) {
            continue;
        }
        if mention.name == "self" {
            if let Some(r) = receiver {
                if a.capture.is_none() && !(r.reference.is_some() && r.mutability.is_none()) {
                    by_reference.push("`self`".into());
                }
                seen.push(mention.name);
                // A receiver comes first in a signature.
                captured.insert(0, FnArg::Receiver(r.clone()));
            }
            continue;
        }
        // The innermost binding of the name.
        let Some(b) = bound.iter().rev().find(|b| b.name == mention.name) else {
            continue;
        };
        if a.capture.is_none() && !b.ty.as_ref().is_some_and(shared_reference) {
            by_reference.push(format!("`{}`", b.name));
        }
        seen.push(mention.name);
        let name = &b.name;
        let ty = b.ty.clone().unwrap_or_else(|| syn::parse_quote!(_));
        let mutability = b.mutable.then(|| quote!(mut));
        captured.push(syn::parse_quote!(#mutability #name: #ty));
    }
    if !by_reference.is_empty() {
        return Err(Error::new(
            span,
            format!(
                "desugar cannot tell how an `async` block without `move` captures {} (by \
                 reference, or by value where the block moves it: that depends on types a macro \
                 cannot see); write `async move`, with references where the block borrows",
                by_reference.join(", ")
            ),
        ));
    }
    // An `async` block drops what it captured in the order it captured it, when it completes
    // (or, not started, with its future): declared in the opposite order, as parameters they
    // drop in that order (and `emit::state` puts them back in it in the `Start` state).
    let receiver_first = matches!(captured.first(), Some(FnArg::Receiver(_)));
    let from = usize::from(receiver_first);
    captured[from..].reverse();
    let output = output.unwrap_or_else(|| {
        // No value at its end, no `return`: `()`, unless it ends in a macro that may diverge
        // (`panic!(..);`), whose block takes the type the code around wants.
        let unit = a.block.stmts.last().is_none_or(|s| {
            !matches!(s, syn::Stmt::Expr(_, None) | syn::Stmt::Macro(_))
                && !matches!(s, syn::Stmt::Expr(Expr::Macro(_) | Expr::Loop(_), _))
        }) && !returns(&a.block);
        if unit {
            syn::parse_quote!(())
        } else {
            syn::parse_quote!(_)
        }
    });
    // (Located at the block, so that the crate's definitions of its file are found.)
    let name = Ident::new("__async_block", Span::mixed_site().located_at(span));
    let sig: syn::Signature = syn::parse2(quote::quote_spanned! {span=>
        async fn #name(#(#captured),*) -> #output
    })?;
    let f = AsyncFn {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig,
        block: a.block.clone(),
        // No lifetime is added to the function the block is in.
        in_trait_impl: true,
        method_alone: false,
        configured: Vec::new(),
        async_block: Some(span.start().line),
    };
    Ok(f)
}

/// The state machine standing for the block `a`, as an expression.
fn block_machine(
    a: &ExprAsync,
    bound: &[Bound],
    receiver: Option<&syn::Receiver>,
    output: Option<Type>,
) -> Result<Expr> {
    let span = a.async_token.span;
    let f = block_fn(a, bound, receiver, output)?;
    let tokens = crate::desugar_fn(f)?;
    let copies = syn::parse2::<Fns>(tokens)?.0;
    Ok(match <[ItemFn; 1]>::try_from(copies) {
        Ok([one]) => block_of(one),
        // One copy per configuration (`configs`): each under its `#[cfg]`.
        Err(copies) => {
            let machine = Ident::new("__machine", Span::mixed_site());
            let lets = copies.into_iter().map(|f| {
                let cfgs: Vec<_> = f
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("cfg"))
                    .cloned()
                    .collect();
                let block = block_of(f);
                quote!(#(#cfgs)* let #machine = #block;)
            });
            syn::parse_quote_spanned!(span=> { #(#lets)* #machine })
        }
    })
}

fn block_of(f: ItemFn) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: *f.block,
    })
}

/// Whether a block has a `return` of its own (not in a closure, an `async` block or an item).
fn returns(block: &syn::Block) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if m.tokens
                .clone()
                .into_iter()
                .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "return"))
            {
                self.0 = true;
            }
        }
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// Functions one after the other.
struct Fns(Vec<ItemFn>);

impl syn::parse::Parse for Fns {
    fn parse(input: syn::parse::ParseStream) -> Result<Self> {
        let mut out = Vec::new();
        while !input.is_empty() {
            out.push(input.parse()?);
        }
        Ok(Fns(out))
    }
}

/// `&T`: captured by reference or by value (a copy), a block behaves the same.
fn shared_reference(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_none())
}

/// The blocks `#[tracing::instrument]` wrapped an `async fn`'s body in (it ran first): the body
/// is `let __tracing_instrument_future = async move { .. };` followed by that future's `.await`,
/// instrumented, so the function's own code is in that block (and, with `err` or `ret`, in
/// another block it awaits). They are desugared too, so that the state machines are the
/// function's and the span is entered at each poll of them, as for the native `async fn`.
///
/// Input:  `let __tracing_instrument_future = async move { match async move { body }.await { .. } };`
/// Output: `let __tracing_instrument_future = { /* machine */ };` where the machine awaits the
///         machine of `{ body }`
pub fn instrumented(f: &mut AsyncFn) -> Result<()> {
    let mut bound: Vec<Bound> = Vec::new();
    let mut receiver = None;
    for input in &f.sig.inputs {
        match input {
            FnArg::Receiver(r) => receiver = Some(r.clone()),
            FnArg::Typed(t) => bound.extend(bound_by(&t.pat, Some(&t.ty))),
        }
    }
    let output = written_output(&f.sig.output);
    for stmt in &mut f.block.stmts {
        let syn::Stmt::Local(local) = stmt else {
            continue;
        };
        let is_future =
            matches!(&local.pat, Pat::Ident(p) if p.ident == "__tracing_instrument_future");
        let Some(init) = &mut local.init else {
            continue;
        };
        let Expr::Async(wrapper) = &mut *init.expr else {
            continue;
        };
        if !is_future {
            continue;
        }
        // With `err` or `ret`, the wrapper awaits the body's own block: its machine is bound
        // first, `let __instrumented_body = { .. };`, and awaited as `__instrumented_body.await`.
        let mut stmts = Vec::with_capacity(wrapper.block.stmts.len() + 1);
        for mut inner in std::mem::take(&mut wrapper.block.stmts) {
            let awaited = match &mut inner {
                syn::Stmt::Local(l) => l.init.as_mut().map(|i| &mut *i.expr),
                syn::Stmt::Expr(Expr::Match(m), _) => Some(&mut *m.expr),
                _ => None,
            };
            if let Some(Expr::Await(a)) = awaited {
                if let Expr::Async(body) = &*a.base {
                    let machine = block_machine(body, &bound, receiver.as_ref(), output.clone())?;
                    let name = Ident::new("__instrumented_body", Span::mixed_site());
                    stmts.push(syn::parse_quote!(let #name = #machine;));
                    *a.base = crate::syntax::name_expr(name);
                }
            }
            stmts.push(inner);
        }
        wrapper.block.stmts = stmts;
        let wrapper = wrapper.clone();
        *init.expr = block_machine(&wrapper, &bound, receiver.as_ref(), output.clone())?;
    }
    Ok(())
}
