//! Rewrites inside user code, the only changes made to it:
//!
//! - `expr?` becomes the `match` that `?` is, breaking out with the early return value;
//! - `return expr` becomes `break 'ret expr` (the machine must record that it is done);
//! - `self` becomes the hidden `__self` (a closure cannot bind `self`);
//! - in an awaited expression, a local kept in place is reached through its reference: `buf`
//!   becomes `(*buf)`;
//! - `break`/`continue` of a loop whose iteration is being resumed (the code is no longer inside
//!   the loop syntactically) become `break`s to labels around the resumed iteration;
//! - a closure or `async` block without `move` has its first token (`|`, `async`) given the
//!   macro's span at the same place, which makes it capture places, as in edition 2021, in
//!   every edition: in 2018 it would capture whole variables, and what names a kept local here
//!   is a reference that lives for one poll, while the closure may live in the state.
//!
//! Closures and async blocks have their own `return` and `?`; only `self` is renamed inside them.
//! Nested items are left alone.

use crate::analyze::mentions::Use;
use crate::names::{hidden, label, private};
use crate::syntax::{break_expr, deref, name_expr};
use proc_macro2::{Group, LineColumn, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Macro, Token};

/// A loop around the code being rewritten.
#[derive(Clone)]
pub struct LoopFrame {
    label: Option<String>,
    /// For a resumed iteration: the labels that stand for `break` and `continue`, and whether
    /// they were used.
    resumed: Option<(syn::Lifetime, syn::Lifetime)>,
    break_used: bool,
    continue_used: bool,
}

impl LoopFrame {
    /// A loop written out as a loop: its `break`s stay as they are.
    pub fn written(label: &Option<syn::Label>) -> Self {
        LoopFrame {
            label: label.as_ref().map(|l| l.name.ident.to_string()),
            resumed: None,
            break_used: false,
            continue_used: false,
        }
    }

    /// The rest of an iteration, outside the loop: `break` -> `break 'brk`, `continue` ->
    /// `break 'cont`.
    pub fn resumed(label: &Option<syn::Label>, brk: syn::Lifetime, cont: syn::Lifetime) -> Self {
        LoopFrame {
            resumed: Some((brk, cont)),
            ..Self::written(label)
        }
    }

    pub fn break_used(&self) -> bool {
        self.break_used
    }

    pub fn continue_used(&self) -> bool {
        self.continue_used
    }

    pub fn merge_use(&mut self, other: &LoopFrame) {
        self.break_used |= other.break_used;
        self.continue_used |= other.continue_used;
    }
}

/// A local moved out of its slot for the last time (`Rewriter::take`): its name, the
/// expression that takes it out, and the one mention that does, if only one does.
pub type SlotTake = (String, TokenStream, Option<LineColumn>);

pub struct Rewriter {
    /// Locals reached through a reference (pinned in an awaited expression).
    pub pinned: Vec<String>,
    /// Of those, the ones declared `mut`.
    mutable: Vec<String>,
    /// Locals in slots moved out by value here for the last time: name, the expression that
    /// takes the value out of the slot, and the one mention that does, if only one does (`if c
    /// { drop(x); return; }`; see `cfg::last_moves`).
    pub take: Vec<SlotTake>,
    /// Where a field of a local is copied (`Analysis::field_copies`): not a move of it.
    pub field_copies: std::collections::HashSet<proc_macro2::LineColumn>,
    /// The locals known to be `Copy`, which a closure without `move` borrows even where it
    /// uses them by value (not taken out of their slots for it).
    pub copied: Vec<String>,
    /// Locals in slots that move out and get a value again (`Analysis::refilled`), with their
    /// slot: `x = v` puts the value back into the slot and binds `x` to it again.
    pub refill: Vec<(String, TokenStream)>,
    /// Loops around the code, innermost last.
    pub loops: Vec<LoopFrame>,
    /// Loops and labeled blocks inside the code being rewritten.
    inner_loops: usize,
    inner_labels: Vec<String>,
    /// Names bound by enclosing closures' parameters, which hide pinned locals.
    shadowed: Vec<String>,
    closure_depth: usize,
    pub errors: Vec<syn::Error>,
}

impl Rewriter {
    /// `pinned`: the locals reached through references, and whether each is declared `mut`.
    pub fn new(pinned: Vec<(String, bool)>, loops: Vec<LoopFrame>) -> Self {
        Rewriter {
            mutable: pinned
                .iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| n.clone())
                .collect(),
            pinned: pinned.into_iter().map(|(n, _)| n).collect(),
            take: Vec::new(),
            field_copies: Default::default(),
            copied: Vec::new(),
            refill: Vec::new(),
            loops,
            inner_loops: 0,
            inner_labels: Vec::new(),
            shadowed: Vec::new(),
            closure_depth: 0,
            errors: Vec::new(),
        }
    }

    pub fn expr(&mut self, mut expr: Expr) -> Expr {
        self.visit_expr_mut(&mut expr);
        expr
    }

    pub fn stmt(&mut self, mut stmt: syn::Stmt) -> syn::Stmt {
        self.visit_stmt_mut(&mut stmt);
        stmt
    }

    /// The loop around the code that a `break`/`continue` with this label targets, if any.
    fn resumed_target(&mut self, label: Option<&syn::Lifetime>) -> Option<&mut LoopFrame> {
        let frame = match label {
            Some(l) => {
                let name = l.ident.to_string();
                if self.inner_labels.contains(&name) {
                    return None;
                }
                self.loops
                    .iter_mut()
                    .rev()
                    .find(|f| f.label.as_deref() == Some(name.as_str()))?
            }
            None if self.inner_loops > 0 => return None,
            None => self.loops.last_mut()?,
        };
        Some(frame)
    }

    fn inner_loop(&mut self, label: Option<&syn::Label>, expr: &mut Expr) {
        self.inner_loops += 1;
        if let Some(l) = label {
            self.inner_labels.push(l.name.ident.to_string());
        }
        visit_mut::visit_expr_mut(self, expr);
        if label.is_some() {
            self.inner_labels.pop();
        }
        self.inner_loops -= 1;
    }

    /// An `if` or `while` condition: each `let` of a chain hides the locals it shadows from
    /// there on, in the operands after it (`if let Some(n) = f() && n > 1`) and in the body.
    fn condition(&mut self, cond: &mut Expr) {
        match cond {
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.condition(&mut b.left);
                self.condition(&mut b.right);
            }
            Expr::Let(l) => {
                let pat = (*l.pat).clone();
                self.visit_expr_mut(cond);
                self.shadow_pat(&pat);
            }
            cond => self.visit_expr_mut(cond),
        }
    }

    /// The bindings of `pat` hide the locals of the same names (until the caller truncates).
    fn shadow_pat(&mut self, pat: &syn::Pat) {
        let bound = crate::analyze::mentions::bindings(pat);
        self.shadowed
            .extend(bound.into_iter().map(|(i, _)| i.to_string()));
    }

    /// `expr`, used by value (a scrutinee whose pattern moves out of it), rewritten.
    pub fn moved_expr(&mut self, mut expr: Expr) -> Expr {
        self.take_value(&mut expr);
        self.expr(expr)
    }

    /// A by-value use of a local that is moved out of its slot here.
    fn take_value(&mut self, expr: &mut Expr) {
        if self.closure_depth > 0 {
            return;
        }
        // `x.field` by value moves the field out: take `x` out of its slot first. The value of
        // an `if`, a `match` or a block is that of the branch that runs.
        match expr {
            Expr::Field(f) => {
                let copied = crate::analyze::mentions::plain_ident(&f.base)
                    .is_some_and(|i| self.field_copies.contains(&i.span().start()));
                if !copied {
                    self.take_value(&mut f.base);
                }
                return;
            }
            Expr::Paren(p) => return self.take_value(&mut p.expr),
            Expr::Block(b) if b.label.is_none() => return self.take_tail(&mut b.block, &[]),
            Expr::If(i) => {
                let bound: Vec<syn::Pat> = crate::analyze::mentions::let_patterns(&i.cond)
                    .into_iter()
                    .cloned()
                    .collect();
                self.take_tail(&mut i.then_branch, &bound);
                if let Some((_, e)) = &mut i.else_branch {
                    self.take_value(e);
                }
                return;
            }
            Expr::Match(m) => {
                for arm in &mut m.arms {
                    let n = self.shadowed.len();
                    self.shadow_pat(&arm.pat);
                    self.take_value(&mut arm.body);
                    self.shadowed.truncate(n);
                }
                return;
            }
            _ => {}
        }
        let Some(ident) = crate::analyze::mentions::plain_ident(expr) else {
            return;
        };
        let name = ident.to_string();
        if self.shadowed.contains(&name) {
            return;
        }
        if let Some((_, take, _)) = self.take_of(ident) {
            *expr = syn::Expr::Verbatim(take.clone());
        }
    }

    /// `take_value` on the value of `block`, whose `let`s and `bound` hide what they name.
    fn take_tail(&mut self, block: &mut syn::Block, bound: &[syn::Pat]) {
        let (tail, stmts) = match block.stmts.split_last_mut() {
            Some((syn::Stmt::Expr(tail, None), stmts)) => (tail, stmts),
            _ => return,
        };
        let n = self.shadowed.len();
        for pat in bound {
            self.shadow_pat(pat);
        }
        for stmt in stmts.iter() {
            if let syn::Stmt::Local(local) = stmt {
                self.shadow_pat(&local.pat);
            }
        }
        self.take_value(tail);
        self.shadowed.truncate(n);
    }

    /// A `move` closure or `async move` block (`moves`), rewritten by `walk`: it takes the
    /// locals it names by value, so those reached through references here are bound to their
    /// values first, under their names, which the closure then captures: `move || id * id`
    /// becomes `{ let id = *id; move || id * id }` (a copy: the local is used again, so its type
    /// is `Copy`, or the original would not compile), or, where the closure moves a local out of
    /// its slot for the last time, `{ let v = <taken out of the slot>; move || v }`. A `move`
    /// closure that only reads fields of the local copies those (`copy_fields`). Capturing
    /// the reference instead would make the closure borrow the future (not `'static`), and
    /// change where the value drops.
    fn moving_capture(
        &mut self,
        expr: &mut Expr,
        moves: bool,
        walk: impl FnOnce(&mut Self, &mut Expr),
    ) {
        let take_of = |r: &Self, ident: &syn::Ident| {
            (r.take_of(ident))
                .filter(|_| r.closure_depth == 0)
                .map(|(_, take, _)| take.clone())
        };
        // (Without `move`, a closure takes by value only what it moves: `|| coins`, where the
        // closure is `coins`'s last use, becomes `{ let coins = <taken out>; || coins }`.)
        if !moves && self.take.is_empty() {
            return walk(self, expr);
        }
        let mut names: Vec<syn::Ident> = Vec::new();
        let mentions = crate::analyze::mentions::in_expr(expr);
        let mut lets = TokenStream::new();
        for m in &mentions {
            // (`r#type` is a raw identifier.)
            let ident = match m.name.strip_prefix("r#") {
                Some(raw) => syn::Ident::new_raw(raw, m.span),
                None => syn::Ident::new(&m.name, m.span),
            };
            let taken = moves
                || m.kind == Use::Move
                    && take_of(self, &ident).is_some()
                    && !self.copied.contains(&m.name);
            if taken && self.is_pinned(&ident) && !names.iter().any(|n| *n == m.name) {
                names.push(ident);
            }
        }
        // (Fields of a local the closure moves out of its slot for the last time, `move ||
        // p.a.get()`, are moved with it: the local is taken, and the closure captures them.)
        names.retain(|ident| {
            let reads = mentions.iter().filter(|m| *ident == m.name);
            let fields = reads.clone().all(|m| m.kind == Use::Field);
            !(fields
                && take_of(self, ident).is_none()
                && copy_fields(expr, ident, reads.count(), &mut lets))
        });
        if names.is_empty() && lets.is_empty() {
            return walk(self, expr);
        }
        let n = self.shadowed.len();
        self.shadowed.extend(names.iter().map(ToString::to_string));
        walk(self, expr);
        self.shadowed.truncate(n);
        for ident in names {
            let name = renamed(&ident);
            let take = take_of(self, &ident);
            let value = match take {
                Some(take) => take,
                None => deref(name.clone(), false).into_token_stream(),
            };
            // (`mut` as declared: the closure may mutate its copy, `move || v.push(1)`.)
            let mutability = self
                .mutable
                .contains(&ident.to_string())
                .then(<Token![mut]>::default);
            lets.extend(quote_spanned!(ident.span()=> let #mutability #name = #value;));
        }
        let span = expr.span();
        let block = quote_spanned!(span=> { #lets #expr });
        *expr = syn::parse2(block.clone()).unwrap_or(syn::Expr::Verbatim(block));
    }

    /// The value of a `return` or `break`: moved out.
    fn jump_value(&mut self, value: &mut Expr) {
        if !self.take.is_empty() {
            self.take_value(value);
        }
        self.visit_expr_mut(value);
    }

    /// The slot of `left`, if it names a local that `x = v` puts back into its slot.
    fn refilled(&self, left: &Expr) -> Option<&TokenStream> {
        let ident = crate::analyze::mentions::plain_ident(left)?;
        if self.closure_depth > 0 || !self.is_pinned(ident) {
            return None;
        }
        (self.refill.iter())
            .find(|(n, _)| ident == n)
            .map(|(_, slot)| slot)
    }

    /// How `ident`, a mention of a local, takes it out of its slot, if this is where it does.
    fn take_of(&self, ident: &syn::Ident) -> Option<&SlotTake> {
        let at = ident.span().start();
        (self.take.iter()).find(|(n, _, only)| ident == n && only.is_none_or(|p| p == at))
    }

    fn is_pinned(&self, ident: &syn::Ident) -> bool {
        self.pinned.iter().any(|name| ident == name)
            && !self.shadowed.iter().any(|name| ident == name)
    }

    /// `format!("{x}")` inside a closure or async block, `x` pinned: the block would capture the
    /// binding `x` (a reference into the state) by reference, which dies with the poll; with
    /// `x = (*x)` appended it captures the place `*x`, which lives as long as the state.
    fn name_inline_captures(&self, mac: &Macro, args: &mut Punctuated<Expr, Token![,]>) {
        let name = crate::analyze::mentions::path_segments(&mac.path)
            .pop()
            .unwrap_or_default();
        if crate::analyze::mentions::format_like(&name).is_none() {
            return;
        }
        let mut named: Vec<String> = args
            .iter()
            .filter_map(|a| match a {
                Expr::Assign(a) => crate::analyze::mentions::plain_ident(&a.left),
                _ => None,
            })
            .map(ToString::to_string)
            .collect();
        let mut inline = Vec::new();
        for arg in args.iter() {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = arg
            {
                for m in crate::analyze::mentions::in_format_string(s) {
                    inline.push(syn::Ident::new(&m, s.span()));
                }
            }
        }
        for ident in inline {
            if self.is_pinned(&ident) && !named.contains(&ident.to_string()) {
                named.push(ident.to_string());
                args.push(syn::parse_quote_spanned!(ident.span()=> #ident = (*#ident)));
            }
        }
    }

    fn macro_body(&mut self, mac: &mut Macro) {
        use crate::analyze::suspend::{AwaitingMacro, awaiting_macro};
        if crate::analyze::mentions::is_stringify(mac) {
            // Code as text: nothing in it is a mention.
            return;
        }
        if awaiting_macro(mac) == Some(AwaitingMacro::Select) {
            if let Ok(mut select) = mac.parse_body::<crate::analyze::select::Select>() {
                let borrows = crate::analyze::select::borrows_named_futures(mac);
                for branch in &mut select.branches {
                    let named = crate::analyze::mentions::plain_ident(&branch.future).cloned();
                    self.visit_expr_mut(&mut branch.future);
                    // (A local reached through a reference, `(*fut)`, is still borrowed where
                    // futures' `select!` would have borrowed it: `&mut (*fut)`.)
                    let reached = named.is_some()
                        && crate::analyze::mentions::plain_ident(&branch.future).is_none();
                    if borrows && reached {
                        let future = &branch.future;
                        branch.future = syn::parse_quote_spanned!(future.span()=> &mut #future);
                    }
                    if let Some(c) = &mut branch.condition {
                        self.visit_expr_mut(c);
                    }
                    // (The pattern binds its names for the handler only.)
                    let n = self.shadowed.len();
                    self.shadow_pat(&branch.pat);
                    self.visit_expr_mut(&mut branch.handler);
                    self.shadowed.truncate(n);
                }
                for fallback in &mut select.fallbacks {
                    self.visit_expr_mut(&mut fallback.handler);
                }
                mac.tokens = select.into_token_stream();
                return;
            }
        }
        if crate::analyze::suspend::macro_grammar(mac)
            == Some(crate::analyze::suspend::MacroGrammar::Matches)
            && let Ok((mut value, pat, mut guard)) =
                mac.parse_body_with(crate::analyze::mentions::matches_args)
        {
            // `match value { pat if guard => true, _ => false }`, rewritten as that `match`.
            if !self.take.is_empty() && crate::analyze::mentions::binds_by_value(&pat) {
                self.take_value(&mut value);
            }
            self.visit_expr_mut(&mut value);
            let n = self.shadowed.len();
            self.shadow_pat(&pat);
            if let Some(guard) = &mut guard {
                self.visit_expr_mut(guard);
            }
            self.shadowed.truncate(n);
            let guard = guard.map(|g| quote::quote!(if #g));
            mac.tokens = quote::quote!(#value, #pat #guard);
            return;
        }
        let parsed = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated);
        match parsed {
            Ok(mut args) if !mac.tokens.is_empty() => {
                // `vec![a, b]` moves its elements (`format!` and the like borrow theirs).
                let by_value = crate::analyze::suspend::macro_grammar(mac)
                    == Some(crate::analyze::suspend::MacroGrammar::Vec);
                let mut fields = tracing_like(mac);
                for arg in args.iter_mut() {
                    if by_value && !self.take.is_empty() {
                        self.take_value(arg);
                    }
                    // `warn!(attempt, "..")`: a field named after the local, before the message.
                    fields &= !matches!(arg, Expr::Lit(_));
                    let shorthand = crate::analyze::mentions::plain_ident(arg)
                        .filter(|_| fields)
                        .cloned();
                    self.visit_expr_mut(arg);
                    if let Some(ident) =
                        shorthand.filter(|i| !matches!(arg, Expr::Path(p) if p.path.is_ident(i)))
                    {
                        *arg = syn::parse_quote_spanned!(ident.span()=> #ident = #arg);
                    }
                }
                if self.closure_depth > 0 {
                    self.name_inline_captures(mac, &mut args);
                }
                mac.tokens = args.into_token_stream();
            }
            _ => {
                if self.closure_depth == 0 && crate::syntax::has_early_exit(mac.tokens.clone()) {
                    self.errors.push(syn::Error::new(
                        mac.path.span(),
                        "desugar cannot rewrite `?` or `return` inside this macro's arguments; \
                         compute the value with `let` before the macro",
                    ));
                }
                mac.tokens = rename_self(mac.tokens.clone());
            }
        }
    }
}

/// tracing's macros (and log's, of the same names), whose arguments before the message may be
/// fields: `info!(attempt, "..")` is `info!(attempt = attempt, "..")`.
fn tracing_like(mac: &Macro) -> bool {
    let name = crate::analyze::mentions::path_segments(&mac.path).pop();
    matches!(
        name.as_deref(),
        Some(
            "trace"
                | "debug"
                | "info"
                | "warn"
                | "error"
                | "event"
                | "span"
                | "trace_span"
                | "debug_span"
                | "info_span"
                | "warn_span"
                | "error_span"
        )
    )
}

/// `expr?` as a `match` that breaks out of the machine's body with the early return value.
pub fn question_mark(expr: TokenStream, span: Span) -> TokenStream {
    let private = private();
    let ret = label("__ret");
    let (v, r) = (hidden("__v"), hidden("__r"));
    quote_spanned! {span=>
        match #private::branch(#expr) {
            ::core::ops::ControlFlow::Continue(#v) => #v,
            ::core::ops::ControlFlow::Break(#r) => {
                break #ret <_ as #private::FromResidual<_>>::from_residual(#r)
            }
        }
    }
}

impl VisitMut for Rewriter {
    /// `S { a }` whose `a` is written otherwise (`(*a)`, taken out of its slot) is `S { a: .. }`:
    /// without the colon the rewritten value would not be printed.
    fn visit_field_value_mut(&mut self, f: &mut syn::FieldValue) {
        visit_mut::visit_field_value_mut(self, f);
        let same = matches!((&f.member, &f.expr), (syn::Member::Named(m), Expr::Path(p)) if p.path.is_ident(m));
        if f.colon_token.is_none() && !same {
            f.colon_token = Some(Default::default());
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(c) => {
                let bound: Vec<String> = c
                    .inputs
                    .iter()
                    .flat_map(crate::analyze::mentions::bindings)
                    .map(|(i, _)| i.to_string())
                    .collect();
                let n = bound.len();
                if c.capture.is_none() {
                    c.or1_token.span = capturing_places(c.or1_token.span);
                }
                let moves = c.capture.is_some();
                self.shadowed.extend(bound);
                self.moving_capture(expr, moves, |r, expr| {
                    r.closure_depth += 1;
                    visit_mut::visit_expr_mut(r, expr);
                    r.closure_depth -= 1;
                });
                let len = self.shadowed.len();
                self.shadowed.truncate(len - n);
            }
            Expr::Async(a) => {
                if a.capture.is_none() {
                    a.async_token.span = capturing_places(a.async_token.span);
                }
                let moves = a.capture.is_some();
                self.moving_capture(expr, moves, |r, expr| {
                    r.closure_depth += 1;
                    visit_mut::visit_expr_mut(r, expr);
                    r.closure_depth -= 1;
                });
            }
            Expr::Assign(a) if self.refilled(&a.left).is_some() => {
                let slot = self.refilled(&a.left).cloned();
                if !self.take.is_empty() {
                    self.take_value(&mut a.right);
                }
                self.visit_expr_mut(&mut a.right);
                let (left, right) = (&a.left, &a.right);
                // (The value first: it may use the local, which the slot's reference then
                // replaces.)
                let note = crate::comments::comment(
                    "Back into its slot, which its last move emptied (or drop the value it holds). \
                     SAFETY: the slots are pinned; the value is made before the slot is borrowed.",
                );
                let value = hidden("__value");
                let refill = quote_spanned! {a.eq_token.span=> {
                    let #value = #right;
                    #note
                    #[allow(unsafe_code, unused_assignments)]
                    { #left = ::core::option::Option::insert(#slot, #value); }
                }};
                *expr = Expr::Verbatim(refill);
            }
            Expr::Call(c) if !self.take.is_empty() => {
                c.args.iter_mut().for_each(|a| self.take_value(a));
                // (`init()` of an `impl FnOnce()`: the call takes it, `(take)()`.)
                let callee = crate::analyze::mentions::plain_ident(&c.func);
                if self.closure_depth == 0 && callee.is_some_and(|f| self.take_of(f).is_some()) {
                    let func = &c.func;
                    *c.func = syn::parse_quote!((#func));
                    self.take_value(&mut c.func);
                }
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::MethodCall(m) if !self.take.is_empty() => {
                // Only a method known to consume its receiver moves it (`cfg::last_moves`):
                // others in the statement (`x.is_some()` before `x` moves, `x.get()` in a
                // branch where it does not) borrow it in its slot.
                if crate::analyze::mentions::Method::of(m).consumes() {
                    self.take_value(&mut m.receiver);
                }
                m.args.iter_mut().for_each(|a| self.take_value(a));
                visit_mut::visit_expr_mut(self, expr);
            }
            // `*r = x`: the value assigned moves.
            Expr::Assign(a) if !self.take.is_empty() => {
                self.take_value(&mut a.right);
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::Struct(st) if !self.take.is_empty() => {
                st.fields
                    .iter_mut()
                    .for_each(|f| self.take_value(&mut f.expr));
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::Tuple(t) if !self.take.is_empty() => {
                t.elems.iter_mut().for_each(|e| self.take_value(e));
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::Array(a) if !self.take.is_empty() => {
                a.elems.iter_mut().for_each(|e| self.take_value(e));
                visit_mut::visit_expr_mut(self, expr);
            }
            // `match x { Some(v) => .. }`, `if let Some(v) = x`: bindings by value move out of
            // the scrutinee (the whole value is taken out of its slot, and what the pattern
            // leaves is dropped with it, at the end of the `match`).
            Expr::Match(m)
                if !self.take.is_empty()
                    && m.arms
                        .iter()
                        .any(|a| crate::analyze::mentions::binds_by_value(&a.pat)) =>
            {
                self.take_value(&mut m.expr);
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::Let(l)
                if !self.take.is_empty() && crate::analyze::mentions::binds_by_value(&l.pat) =>
            {
                self.take_value(&mut l.expr);
                visit_mut::visit_expr_mut(self, expr);
            }
            // `{ x }.consume()`: a block's value moves out.
            Expr::Block(b) if !self.take.is_empty() && b.label.is_none() => {
                self.take_value(expr);
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::Loop(l) => {
                let label = l.label.clone();
                self.inner_loop(label.as_ref(), expr);
            }
            Expr::While(w) => {
                let label = w.label.clone();
                self.inner_loop(label.as_ref(), expr);
            }
            Expr::ForLoop(f) => {
                // (`for x in v`: `v` moves into the loop's iterator.)
                if !self.take.is_empty() {
                    self.take_value(&mut f.expr);
                }
                let label = f.label.clone();
                self.inner_loop(label.as_ref(), expr);
            }
            Expr::Block(b) if b.label.is_some() => {
                let name = b.label.as_ref().map(|l| l.name.ident.to_string());
                self.inner_labels.extend(name);
                visit_mut::visit_expr_mut(self, expr);
                self.inner_labels.pop();
            }
            Expr::Break(b) if self.closure_depth == 0 => {
                if let Some(value) = &mut b.expr {
                    self.jump_value(value);
                }
                let span = b.break_token.span;
                let value = b.expr.clone();
                if let Some(frame) = self.resumed_target(b.label.as_ref()) {
                    frame.break_used = true;
                    if let Some((brk, _)) = frame.resumed.clone() {
                        *expr = match value {
                            // (As for `return ::path` below.)
                            Some(value) if starts_with_colons(&value) => {
                                let v = hidden("__value");
                                syn::parse_quote_spanned!(span=> { let #v = #value; break #brk #v })
                            }
                            value => break_expr(brk, value.map(|v| *v), span),
                        };
                    }
                } else if let Some(value) =
                    value.filter(|v| b.label.is_some() && starts_with_colons(v))
                {
                    // (`break 'l ::desugar::..(..)` reads, to syn, as a labeled block `'l: ..`:
                    // the value is bound to a local first; braces or parentheses would be linted
                    // as unused.)
                    let (v, label) = (hidden("__value"), &b.label);
                    *expr = syn::parse_quote_spanned!(span=> { let #v = #value; break #label #v });
                }
            }
            Expr::Continue(c) if self.closure_depth == 0 => {
                let span = c.continue_token.span;
                if let Some(frame) = self.resumed_target(c.label.as_ref()) {
                    frame.continue_used = true;
                    if let Some((_, cont)) = frame.resumed.clone() {
                        *expr = break_expr(cont, None, span);
                    }
                }
            }
            Expr::Try(t) if self.closure_depth == 0 => {
                self.visit_expr_mut(&mut t.expr);
                let inner = t.expr.to_token_stream();
                *expr = syn::parse2(question_mark(inner, t.question_token.span))
                    .expect("a match expression");
            }
            Expr::Return(r) if self.closure_depth == 0 => {
                if let Some(e) = &mut r.expr {
                    self.jump_value(e);
                }
                let span = r.return_token.span;
                let value = match r.expr.take() {
                    // `break 'ret { .. }` warns (`break_with_label_and_loop`).
                    Some(e) if block_like(&e) => syn::Expr::Paren(syn::ExprParen {
                        attrs: Vec::new(),
                        paren_token: Default::default(),
                        expr: e,
                    }),
                    Some(e) => *e,
                    // (`return;` is `break 'ret;`: a `()` at the user's span is linted as
                    // unneeded, `clippy::unused_unit`.)
                    None => {
                        *expr = break_expr(label("__ret"), None, span);
                        return;
                    }
                };
                // `break 'ret ::path` reads, to syn, as a labeled block `'ret: ...`: such a value
                // is bound to a local first (braces or parentheses would be linted as unused).
                *expr = if starts_with_colons(&value) {
                    let v = hidden("__value");
                    let ret = label("__ret");
                    syn::parse_quote_spanned!(span=> { let #v = #value; break #ret #v })
                } else {
                    break_expr(label("__ret"), Some(value), span)
                };
            }
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let ident = &p.path.segments[0].ident;
                if self.is_pinned(ident) {
                    *expr = deref(renamed(ident), true);
                } else if ident == "self" {
                    *expr = name_expr(renamed(ident));
                }
            }
            // `p.name` through the reference to `p` as it is: a field access dereferences it
            // (and a macro that prints its input, `check!(p.n == 2)`, prints what was written).
            Expr::Field(f)
                if let Some(ident) = crate::analyze::mentions::plain_ident(&f.base)
                    && self.is_pinned(ident) =>
            {
                *f.base = name_expr(renamed(ident));
            }
            Expr::Reference(r) => {
                // `&mut buf` -> `&mut *buf` rather than `&mut (*buf)`.
                if let Some(ident) = crate::analyze::mentions::plain_ident(&r.expr) {
                    if self.is_pinned(ident) {
                        *r.expr = deref(renamed(ident), false);
                        return;
                    }
                }
                visit_mut::visit_expr_mut(self, expr);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    /// A match arm's bindings hide the locals they shadow in its guard and body.
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let n = self.shadowed.len();
        self.shadow_pat(&arm.pat);
        if let Some((_, guard)) = &mut arm.guard {
            self.visit_expr_mut(guard);
        }
        self.visit_expr_mut(&mut arm.body);
        self.shadowed.truncate(n);
    }

    /// `for PAT in expr { body }`: `PAT`'s bindings hide what they shadow in the body.
    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        self.visit_expr_mut(&mut f.expr);
        let n = self.shadowed.len();
        self.shadow_pat(&f.pat);
        self.visit_block_mut(&mut f.body);
        self.shadowed.truncate(n);
    }

    /// `while let PAT = expr { body }`: the same in the body.
    fn visit_expr_while_mut(&mut self, w: &mut syn::ExprWhile) {
        let n = self.shadowed.len();
        self.condition(&mut w.cond);
        self.visit_block_mut(&mut w.body);
        self.shadowed.truncate(n);
    }

    /// `if let PAT = expr { then } else { .. }`: the same in `then`.
    fn visit_expr_if_mut(&mut self, i: &mut syn::ExprIf) {
        let n = self.shadowed.len();
        self.condition(&mut i.cond);
        self.visit_block_mut(&mut i.then_branch);
        self.shadowed.truncate(n);
        if let Some((_, e)) = &mut i.else_branch {
            self.visit_expr_mut(e);
        }
    }

    /// A nested block's `let`s hide the locals they shadow from there on.
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let n = self.shadowed.len();
        for stmt in &mut block.stmts {
            self.visit_stmt_mut(stmt);
            if let syn::Stmt::Local(local) = stmt {
                let bound = crate::analyze::mentions::bindings(&local.pat);
                self.shadowed
                    .extend(bound.into_iter().map(|(i, _)| i.to_string()));
            }
        }
        self.shadowed.truncate(n);
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        self.macro_body(mac);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        // (`let Env { ref user, .. } = env;` borrows `env` where it is.)
        let by_reference = crate::analyze::mentions::binds_by_reference(&local.pat);
        if let Some(init) = local.init.as_mut().filter(|_| !by_reference) {
            self.take_value(&mut init.expr);
        }
        visit_mut::visit_local_mut(self, local);
    }
}

/// Takes the `mut` off the by-value bindings of `pat` named in `names`: they are declared
/// again, with it, at the top of the body the pattern scopes.
pub fn immutable_bindings(pat: &mut syn::Pat, names: &[syn::Ident]) {
    struct Immutable<'a>(&'a [syn::Ident]);
    impl syn::visit_mut::VisitMut for Immutable<'_> {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if p.by_ref.is_none() && self.0.contains(&p.ident) {
                p.mutability = None;
            }
            syn::visit_mut::visit_pat_ident_mut(self, p);
        }
    }
    syn::visit_mut::VisitMut::visit_pat_mut(&mut Immutable(names), pat);
}

/// `self` as the closure that runs the states names it (`__self`: a closure cannot bind
/// `self`); other locals as they are.
pub fn renamed(ident: &syn::Ident) -> syn::Ident {
    if ident == "self" {
        let span = Span::mixed_site().located_at(ident.span());
        syn::Ident::new(&hidden("__self").to_string(), span)
    } else {
        ident.clone()
    }
}

/// The span for the first token of a closure or `async` block: where it was, with the edition of
/// the macro's own code, edition 2024 (rustc decides precise capture by the closure's span).
fn capturing_places(span: Span) -> Span {
    Span::call_site().located_at(span)
}

fn starts_with_colons(expr: &Expr) -> bool {
    matches!(expr.to_token_stream().into_iter().next(), Some(TokenTree::Punct(p)) if p.as_char() == ':')
}

/// A block, a loop or a labeled block: what a labeled `break`'s value may not start with.
fn block_like(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Block(_) | Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_) | Expr::Unsafe(_)
    )
}

/// `self` (not `self::path`) -> `__self` in raw macro tokens.
fn rename_self(tokens: TokenStream) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tts.len());
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(ident) if ident == "self" => {
                let is_path =
                    matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if is_path {
                    out.push(tt.clone());
                } else {
                    let span = Span::mixed_site().located_at(ident.span());
                    out.push(TokenTree::Ident(proc_macro2::Ident::new("__self", span)));
                }
            }
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), rename_self(g.stream()));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}

/// In a `move` closure whose `count` mentions of `name` are all field reads by value
/// (`move || p.n`), which capture those fields and not `name`: each `name.f` becomes a local
/// bound in `lets` to `(*name).f`, which the closure captures instead. Returns `false`, leaving
/// `expr` alone, if the reads found are not the mentions (a closure parameter shadows `name`).
fn copy_fields(expr: &mut Expr, name: &syn::Ident, count: usize, lets: &mut TokenStream) -> bool {
    struct Fields<'a> {
        name: &'a syn::Ident,
        found: Vec<(syn::Ident, Expr)>,
        reads: usize,
    }
    impl VisitMut for Fields<'_> {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            let mut path = Vec::new();
            let mut at = &*e;
            while let Expr::Field(f) = at {
                path.push(f.member.to_token_stream().to_string());
                at = &f.base;
            }
            let root = crate::analyze::mentions::plain_ident(at);
            if path.is_empty() || root.is_none_or(|r| r != self.name) {
                return visit_mut::visit_expr_mut(self, e);
            }
            path.reverse();
            let local = hidden(&format!("__{}_{}", self.name, path.join("_")));
            let mut read = e.clone();
            let mut base = &mut read;
            while let Expr::Field(f) = base {
                base = &mut f.base;
            }
            *base = deref(renamed(self.name), false);
            *e = name_expr(local.clone());
            self.reads += 1;
            if !self.found.iter().any(|(l, _)| *l == local) {
                self.found.push((local, read));
            }
        }

        // The arguments of `format!`, `matches!` and the like, which the mentions read too.
        fn visit_macro_mut(&mut self, mac: &mut Macro) {
            use crate::analyze::suspend::{MacroGrammar, macro_grammar};
            if macro_grammar(mac) == Some(MacroGrammar::Matches) {
                if let Ok((mut value, pat, mut guard)) =
                    mac.parse_body_with(crate::analyze::mentions::matches_args)
                {
                    self.visit_expr_mut(&mut value);
                    if let Some(guard) = &mut guard {
                        self.visit_expr_mut(guard);
                    }
                    let guard = guard.map(|g| quote::quote!(if #g));
                    mac.tokens = quote::quote!(#value, #pat #guard);
                }
            } else if let Ok(mut args) =
                mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            {
                args.iter_mut().for_each(|arg| self.visit_expr_mut(arg));
                mac.tokens = args.into_token_stream();
            }
        }
    }
    let mut copy = expr.clone();
    let mut fields = Fields {
        name,
        found: Vec::new(),
        reads: 0,
    };
    fields.visit_expr_mut(&mut copy);
    if fields.reads != count || count == 0 {
        return false;
    }
    *expr = copy;
    for (local, read) in fields.found {
        lets.extend(quote_spanned!(name.span()=> let #local = #read;));
    }
    true
}
