//! A parameter whose fields move apart is bound field by field at the top of the body.
//!
//! `match self.inner { Inner::Tls(http, tls) => { .. h.call().await?; self.verbose.wrap(..) } }`
//! moves `self.inner` out of `self`, then keeps `self` across an `.await`: a state cannot keep a
//! value partly moved (E0382). rustc tracks each field of the parameter on its own; so does the
//! expansion when every use of the parameter names one of its fields: `let Self { verbose:
//! __self_verbose, inner: __self_inner } = self;` (last field first, so that the fields drop in
//! the order of their declaration, as what is left of a parameter does), and `self.inner` is
//! `__self_inner` from there on. The parameters after it are bound again after it, so that all
//! of them still drop in the reverse order of their declaration, as an `async fn`'s do.
//!
//! The fields are the crate's declaration of the parameter's type (`defined`): one struct of
//! that name, no `Drop` for it (that cannot be taken apart, nor moved out of in part), every
//! field nameable here, none under `#[cfg]` (the binding of a field that is not there would
//! still be named). Only where a field may move (not only borrowed, or read through a
//! method that borrows it).

use crate::analyze::mentions::Method;
use crate::parse::AsyncFn;
use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::{self as visit_mut, VisitMut};
use syn::{Expr, FnArg, Member, Pat};

/// Splits the parameters of `f` whose fields move apart.
pub fn split_params(f: &mut AsyncFn) {
    let block = &f.block;
    if !crate::analyze::suspend::tokens_await(quote!(#block)) {
        return;
    }
    let mut block = f.block.clone();
    let splits: Vec<Split> = crate::defined::in_function(&f.sig, &f.block, || {
        let params = (f.sig.inputs.iter()).filter_map(|input| candidate(input, &f.sig.ident));
        let mut splits: Vec<Split> = params.filter(|s| splits_apart(s, &block)).collect();
        for split in &mut splits {
            split.take_apart(&mut block);
        }
        SplitLocals.visit_block_mut(&mut block);
        splits
    });
    f.block = block;
    let Some(first) = splits.first() else { return };
    // A parameter the body binds again first (`let request = request;`, as `#[async_trait]`
    // writes each) is taken apart there.
    let rebound: Vec<(usize, &Split, bool)> = (splits.iter())
        .filter_map(|s| {
            let (i, mutable) = rebinding(&f.block, &s.name)?;
            Some((i, s, mutable))
        })
        .collect();
    if !rebound.is_empty() {
        for (i, split, mutable) in rebound.into_iter().rev() {
            let stmts = split.destructure(mutable);
            f.block.stmts.splice(i..=i, stmts);
        }
        return;
    }
    // From the first parameter split on, each is bound again in order.
    let mut stmts = Vec::new();
    let position = f
        .sig
        .inputs
        .iter()
        .position(|input| param_name(input).as_ref() == Some(&first.name));
    for input in f.sig.inputs.iter().skip(position.unwrap_or(0)) {
        let Some(name) = param_name(input) else {
            continue;
        };
        match splits.iter().find(|s| s.name == name) {
            Some(s) => stmts.extend(s.destructure(param_mut(input))),
            // (A reference or a number drops nothing: where it drops does not matter.)
            None if drops_nothing(input) => {}
            None => {
                let mutability = param_mut(input).then(|| quote!(mut));
                stmts.push(syn::parse_quote! {
                    #[allow(unused_mut, unused_variables)]
                    let #mutability #name = #name;
                });
            }
        }
    }
    stmts.append(&mut f.block.stmts);
    f.block.stmts = stmts;
}

/// Takes apart the `let` locals whose type the function states or its value shows (`let r:
/// Req = ..`, `let r = Req { .. }`, `let r = Req::new(..)`), a struct of the crate, where every
/// later use of the local names one of its fields and one of them may move before an `.await`
/// (or after one that a borrowed field, `&r.b`, lives across, which puts the local in a slot):
/// what is left of a local moved out of in part cannot be kept across it, nor stay in a slot,
/// and dropped there it would drop before the end of its scope. `let (__r_b, __r_a) = (r.b,
/// r.a);` follows the `let`.
struct SplitLocals;

impl VisitMut for SplitLocals {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut i = 0;
        while i < block.stmts.len() {
            self.visit_stmt_mut(&mut block.stmts[i]);
            let split = match &block.stmts[i] {
                syn::Stmt::Local(local) => local_split(local, &block.stmts[i + 1..]),
                _ => None,
            };
            i += 1;
            let Some((mut split, mutable)) = split else {
                continue;
            };
            if let (syn::Stmt::Local(local), true) = (&mut block.stmts[i - 1], mutable) {
                // (`mut` is its fields' now.)
                let allow = crate::syntax::allow(&["unused_mut"], local.let_token.span);
                local.attrs.push(allow);
            }
            let mut rest = syn::Block {
                brace_token: block.brace_token,
                stmts: block.stmts.split_off(i),
            };
            split.take_apart(&mut rest);
            let stmts = split.destructure(mutable);
            i += stmts.len();
            block.stmts.extend(stmts);
            block.stmts.append(&mut rest.stmts);
        }
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        match e {
            Expr::If(i) => {
                if let Expr::Let(l) = &*i.cond {
                    let splits = binding_splits(&l.pat, &i.then_branch.stmts);
                    split_at_top(splits, &mut i.then_branch);
                }
            }
            Expr::While(w) => {
                if let Expr::Let(l) = &*w.cond {
                    let splits = binding_splits(&l.pat, &w.body.stmts);
                    split_at_top(splits, &mut w.body);
                }
            }
            Expr::Match(m) => {
                for arm in &mut m.arms {
                    let awaits = crate::analyze::suspend::tokens_await(arm.body.to_token_stream());
                    if arm.guard.is_some() || !awaits {
                        continue;
                    }
                    let body = [syn::Stmt::Expr((*arm.body).clone(), None)];
                    let splits = binding_splits(&arm.pat, &body);
                    if !splits.is_empty() {
                        split_at_top(splits, arm_block(&mut arm.body));
                    }
                }
            }
            _ => {}
        }
    }

    // (Closures, `async` blocks and items are code of their own.)
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    fn visit_macro_mut(&mut self, _: &mut syn::Macro) {}
}

/// The split of the local `local` binds, if the statements after it take it apart; and
/// whether it is `mut`.
fn local_split(local: &syn::Local, after: &[syn::Stmt]) -> Option<(Split, bool)> {
    let pat = match &local.pat {
        // (A reference, `let node: &Node = ..`, is not the local's to take apart.)
        Pat::Type(t) if matches!(&*t.ty, syn::Type::Reference(_)) => return None,
        Pat::Type(t) => &*t.pat,
        other => other,
    };
    let Pat::Ident(p) = pat else { return None };
    let init = local.init.as_ref()?;
    if p.by_ref.is_some() || p.subpat.is_some() || init.diverge.is_some() {
        return None;
    }
    binding_split(&p.ident, after).map(|split| (split, p.mutability.is_some()))
}

/// The split of the local bound at `ident`, if `after`, the statements in its scope, take it
/// apart.
fn binding_split(ident: &Ident, after: &[syn::Stmt]) -> Option<Split> {
    let ty = crate::defined::binding_type(ident)?;
    let shape = crate::defined::fields_of(&ty, false)?;
    if shape.is_empty() || shape.iter().any(|f| f.configured) {
        return None;
    }
    let split = Split {
        name: ident.clone(),
        path: None,
        ty,
        fields: shape.into_iter().map(|f| f.name).collect(),
        parts: Vec::new(),
    };
    let rest = syn::Block {
        brace_token: Default::default(),
        stmts: after.to_vec(),
    };
    splits_apart(&split, &rest).then_some(split)
}

/// The locals `pat` binds by value that `body`, their scope, takes apart (`if let Some(mask) =
/// request.mask { part(mask.source).await; .. }`), and whether each is `mut`.
fn binding_splits(pat: &Pat, body: &[syn::Stmt]) -> Vec<(Split, bool)> {
    let by_reference = crate::analyze::mentions::ref_bindings(pat);
    (crate::analyze::mentions::bindings(pat).into_iter())
        .filter(|(ident, _)| !by_reference.contains(ident))
        .filter_map(|(ident, mutable)| Some((binding_split(&ident, body)?, mutable)))
        .collect()
}

/// Takes `splits` apart at the top of `body`.
fn split_at_top(splits: Vec<(Split, bool)>, body: &mut syn::Block) {
    for (mut split, mutable) in splits {
        split.take_apart(body);
        body.stmts.splice(0..0, split.destructure(mutable));
    }
}

/// A match arm's body as a block of statements, to put statements first in.
fn arm_block(body: &mut Expr) -> &mut syn::Block {
    if !matches!(body, Expr::Block(b) if b.label.is_none() && b.attrs.is_empty()) {
        let value = body.clone();
        *body = syn::parse_quote!({ #value });
    }
    let Expr::Block(b) = body else {
        unreachable!("made a block above")
    };
    &mut b.block
}

/// `let name = name;` or `let mut name = name;` before any other mention of `name`: where and
/// whether `mut`.
fn rebinding(block: &syn::Block, name: &Ident) -> Option<(usize, bool)> {
    for (i, stmt) in block.stmts.iter().enumerate() {
        if let syn::Stmt::Local(local) = stmt {
            if let Some(mutable) = rebinds(local, name) {
                return Some((i, mutable));
            }
        }
        if mentions(quote!(#stmt), name) {
            return None;
        }
    }
    None
}

/// Whether `name` is among the tokens.
fn mentions(tokens: TokenStream, name: &Ident) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == *name,
        TokenTree::Group(g) => mentions(g.stream(), name),
        _ => false,
    })
}

/// Whether `local` is `let [mut] name = name;` (and `mut`).
fn rebinds(local: &syn::Local, name: &Ident) -> Option<bool> {
    let Pat::Ident(p) = &local.pat else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    let Expr::Path(path) = &*init.expr else {
        return None;
    };
    let plain = p.ident == *name && p.by_ref.is_none() && p.subpat.is_none();
    (plain && path.qself.is_none() && path.path.is_ident(name) && local.attrs.is_empty())
        .then_some(p.mutability.is_some())
}

/// A parameter to split, or a field of one: its name, the path of its type (none for a field,
/// taken apart field by field), the type's name, its fields in order, and those of its fields
/// taken apart in turn.
struct Split {
    name: Ident,
    path: Option<syn::Path>,
    ty: String,
    fields: Vec<String>,
    parts: Vec<Split>,
}

impl Split {
    /// The local field `field` of the parameter becomes, with the span of where it is named.
    fn local(&self, field: &str, span: Span) -> Ident {
        let name = self.name.to_string();
        let mut name = name.trim_start_matches("r#");
        if self.path.is_none() {
            // (A field's local is named already: `__p_a`, whose field `x` is `__p_a_x`.)
            name = name.trim_start_matches("__");
        }
        let ident = format_ident!("__{}_{}", name, field);
        Ident::new(&ident.to_string(), Span::call_site().located_at(span))
    }

    /// Writes its fields' uses in `block` as their locals, and takes apart those of them that
    /// move apart in turn.
    fn take_apart(&mut self, block: &mut syn::Block) {
        Rename {
            splits: std::slice::from_ref(self),
        }
        .visit_block_mut(block);
        self.split_fields(block);
    }

    /// The fields of this one that are structs of the crate whose own fields move apart
    /// (`request.file.source` moved, `request.file.tag` read later): taken apart too, in `block`
    /// already written with this split's locals.
    fn split_fields(&mut self, block: &mut syn::Block) {
        for field in &self.fields {
            let Some(ty) = crate::defined::field_type(&self.ty, field) else {
                continue;
            };
            let Some(shape) = crate::defined::fields_of(&ty, false) else {
                continue;
            };
            if shape.is_empty() || shape.iter().any(|f| f.configured) {
                continue;
            }
            let mut part = Split {
                name: self.local(field, self.name.span()),
                path: None,
                ty,
                fields: shape.into_iter().map(|f| f.name).collect(),
                parts: Vec::new(),
            };
            if splits_apart(&part, block) {
                part.take_apart(block);
                self.parts.push(part);
            }
        }
    }

    /// `let Path { c: __p_c, b: __p_b, a: __p_a } = p;`: the last field first; `mut` as the
    /// parameter is. A field's fields are moved out of it as a tuple, also last first: `let
    /// (__p_a_y, __p_a_x) = (__p_a.y, __p_a.x);`. (Bound last, they drop first, in order.)
    fn destructure(&self, mutable: bool) -> Vec<syn::Stmt> {
        let name = &self.name;
        let mutability = mutable.then(|| quote!(mut));
        let fields = self.fields.iter().rev().map(|field| {
            let member: Member = syn::parse_str(field).expect("a field name");
            (member, self.local(field, name.span()))
        });
        let stmt = match &self.path {
            Some(path) => {
                let fields = fields.map(|(member, local)| quote!(#member: #mutability #local));
                syn::parse_quote! {
                    #[allow(unused_variables, unused_mut)]
                    let #path { #(#fields),* } = #name;
                }
            }
            None => {
                let (members, locals): (Vec<_>, Vec<_>) = fields.unzip();
                let locals = locals.iter().map(|local| quote!(#mutability #local));
                syn::parse_quote! {
                    #[allow(unused_variables, unused_mut)]
                    let (#(#locals,)*) = (#(#name.#members,)*);
                }
            }
        };
        let mut stmts = vec![stmt];
        for part in &self.parts {
            stmts.extend(part.destructure(mutable));
        }
        stmts
    }
}

/// A parameter taken by value whose type is a struct of the crate: `self`, `p: Pair`.
fn candidate(input: &FnArg, method: &Ident) -> Option<Split> {
    let (name, path, ty) = match input {
        FnArg::Receiver(r) if r.reference.is_none() && r.colon_token.is_none() => {
            let ty = crate::defined::self_type(method)?;
            (
                Ident::new("self", r.self_token.span),
                syn::parse_quote!(Self),
                ty,
            )
        }
        FnArg::Typed(t) => {
            let Pat::Ident(p) = &*t.pat else { return None };
            let syn::Type::Path(tp) = &*t.ty else {
                return None;
            };
            if p.by_ref.is_some() || p.subpat.is_some() || tp.qself.is_some() {
                return None;
            }
            let mut path = tp.path.clone();
            for segment in &mut path.segments {
                segment.arguments = syn::PathArguments::None;
            }
            let ty = path.segments.last()?.ident.to_string();
            (p.ident.clone(), path, ty)
        }
        FnArg::Receiver(_) => return None,
    };
    let own = name == "self";
    let shape = crate::defined::fields_of(&ty, own)?;
    // (A field under `#[cfg]` may not be there; its binding would be named anyway.)
    if shape.iter().any(|f| f.configured) {
        return None;
    }
    let fields: Vec<String> = shape.into_iter().map(|f| f.name).collect();
    (!fields.is_empty()).then_some(Split {
        name,
        path: Some(path),
        ty,
        fields,
        parts: Vec::new(),
    })
}

fn param_name(input: &FnArg) -> Option<Ident> {
    match input {
        FnArg::Receiver(r) => Some(Ident::new("self", r.self_token.span)),
        FnArg::Typed(t) => match &*t.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
            _ => None,
        },
    }
}

fn drops_nothing(input: &FnArg) -> bool {
    let FnArg::Typed(t) = input else { return false };
    match &*t.ty {
        syn::Type::Reference(_) => true,
        syn::Type::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| crate::analyze::primitive(&i.to_string())),
        _ => false,
    }
}

fn param_mut(input: &FnArg) -> bool {
    match input {
        FnArg::Receiver(r) => r.mutability.is_some(),
        FnArg::Typed(t) => matches!(&*t.pat, Pat::Ident(p) if p.mutability.is_some()),
    }
}

/// Whether every use of the parameter names one of its fields, and one of them may move before
/// an `.await` (then what is left of it would be kept across it).
fn splits_apart(split: &Split, body: &syn::Block) -> bool {
    let mut uses = Uses {
        split,
        whole: false,
        moves: false,
        awaiting_loops: 0,
        apart: false,
        lent: false,
        lent_across: false,
    };
    uses.visit_block(body);
    !uses.whole && uses.apart
}

struct Uses<'a> {
    split: &'a Split,
    /// The parameter is used whole somewhere (or bound again, or named in tokens otherwise).
    whole: bool,
    /// A field may have moved (in the order of the source).
    moves: bool,
    /// Inside loops that await: what moves there is kept across the next iteration's.
    awaiting_loops: usize,
    /// A field may move, then an `.await` follows.
    apart: bool,
    /// A field was borrowed (`&p.f`): the local may then live in a slot, where it cannot be
    /// moved out of in part.
    lent: bool,
    /// A field was borrowed, then an `.await` followed.
    lent_across: bool,
}

impl Uses<'_> {
    fn moved(&mut self) {
        self.moves = true;
        self.apart |= self.awaiting_loops > 0 || self.lent_across;
    }

    fn awaited(&mut self) {
        self.apart |= self.moves;
        self.lent_across |= self.lent;
    }

    /// `p.f` with `f` one of the fields.
    fn field<'e>(&self, e: &'e Expr) -> Option<&'e syn::ExprField> {
        let Expr::Field(f) = e else { return None };
        let Expr::Path(p) = &*f.base else { return None };
        (p.qself.is_none() && p.path.is_ident(&self.split.name)).then_some(f)?;
        self.split
            .fields
            .contains(&member_name(&f.member))
            .then_some(f)
    }

    /// The tokens of a macro: `p . f` is a field (which may move, unless the macro is one that
    /// borrows its arguments, `borrowing`); `p` otherwise is whole.
    fn tokens(&mut self, tokens: TokenStream, borrowing: bool) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tt) in tokens.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => self.tokens(g.stream(), borrowing),
                TokenTree::Ident(ident) if *ident == self.split.name => {
                    match token_field(&tokens[i + 1..], &self.split.fields) {
                        // (An argument of a macro that borrows its arguments, `println!("{}",
                        // p.name)`, or the receiver of a method not known to consume it,
                        // `p.name.clone()`, stays where it is.)
                        Some(_) if borrowing || token_receiver(&tokens[i + 3..]) => {}
                        Some(_) => self.moved(),
                        None => self.whole = true,
                    }
                }
                TokenTree::Ident(ident) if ident == "await" => self.awaited(),
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if let Some(f) = self.field(e) {
            // A field in a value's place: it moves, unless it is `Copy`.
            let field = member_name(&f.member);
            if !crate::defined::field_is_copy(&self.split.ty, &field) {
                self.moved();
            }
            return;
        }
        match e {
            // Borrowed, assigned, or the receiver of a method that borrows: it stays.
            Expr::Reference(r) if self.field(&r.expr).is_some() => self.lent = true,
            Expr::Assign(a) if self.field(&a.left).is_some() => self.visit_expr(&a.right),
            Expr::MethodCall(m) if self.field(&m.receiver).is_some() => {
                if !Method::of(m).borrows() {
                    self.moved();
                }
                m.args.iter().for_each(|a| self.visit_expr(a));
            }
            Expr::Field(f) if self.field(&f.base).is_some() => self.moved(),
            Expr::Index(i) if self.field(&i.expr).is_some() => self.visit_expr(&i.index),
            Expr::Path(p) if p.path.is_ident(&self.split.name) => self.whole = true,
            // (A comparison borrows its operands: `p.name == "x"`.)
            Expr::Binary(b) if comparison(&b.op) => {
                for side in [&b.left, &b.right] {
                    if self.field(side).is_none() {
                        self.visit_expr(side);
                    }
                }
            }
            Expr::Await(a) => {
                self.visit_expr(&a.base);
                self.awaited();
            }
            Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_) => {
                let awaits = usize::from(crate::analyze::suspend::tokens_await(quote!(#e)));
                self.awaiting_loops += awaits;
                syn::visit::visit_expr(self, e);
                self.awaiting_loops -= awaits;
            }
            _ => syn::visit::visit_expr(self, e),
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // (`let p = p;`, where `p` is taken apart.)
        if rebinds(local, &self.split.name).is_some() {
            return;
        }
        // `let Req { a, .. } = p;`: the fields its pattern binds by value move.
        if let Some(fields) = struct_let(local, self.split) {
            for (field, pat) in fields {
                let copy = crate::defined::field_is_copy(&self.split.ty, &field);
                if crate::analyze::mentions::binds_by_value(&pat) && !copy {
                    self.moved();
                }
            }
            return;
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        if p.ident == self.split.name {
            self.whole = true;
        }
        syn::visit::visit_pat_ident(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        use crate::analyze::suspend::{MacroGrammar, macro_grammar};
        let borrowing = matches!(
            macro_grammar(m),
            Some(MacroGrammar::Format | MacroGrammar::AssertCmp | MacroGrammar::DebugAssert)
        );
        self.tokens(m.tokens.clone(), borrowing);
    }

    // (An item in the body is code of its own.)
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether `op` compares (`PartialEq`, `PartialOrd`: by reference).
fn comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_))
}

/// After `p . f` in tokens: `. m (..)`, a call of a method not known to consume its receiver.
fn token_receiver(rest: &[TokenTree]) -> bool {
    match rest {
        [
            TokenTree::Punct(dot),
            TokenTree::Ident(m),
            TokenTree::Group(g),
            ..,
        ] => {
            dot.as_char() == '.'
                && g.delimiter() == Delimiter::Parenthesis
                && !crate::analyze::cfg::consuming(&m.to_string())
        }
        _ => false,
    }
}

/// After `p` in tokens: `. f` with `f` a field, not called (`p.f(..)` is a method of `p`).
fn token_field(rest: &[TokenTree], fields: &[String]) -> Option<String> {
    let [TokenTree::Punct(dot), field, after @ ..] = rest else {
        return None;
    };
    let name = match field {
        TokenTree::Ident(i) => i.to_string(),
        TokenTree::Literal(l) => l.to_string(),
        _ => return None,
    };
    let called = matches!(after.first(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
    (dot.as_char() == '.' && !called && fields.contains(&name)).then_some(name)
}

fn member_name(member: &Member) -> String {
    match member {
        Member::Named(i) => i.to_string(),
        Member::Unnamed(i) => i.index.to_string(),
    }
}

/// Writes `p.f` as the local of field `f`, in the body and in macros' tokens.
struct Rename<'a> {
    splits: &'a [Split],
}

impl Rename<'_> {
    fn field(&self, e: &Expr) -> Option<Ident> {
        let Expr::Field(f) = e else { return None };
        let Expr::Path(p) = &*f.base else { return None };
        let split = self.splits.iter().find(|s| p.path.is_ident(&s.name))?;
        Some(split.local(&member_name(&f.member), f.span()))
    }

    fn tokens(&self, tokens: TokenStream) -> TokenStream {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), self.tokens(g.stream()));
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                }
                TokenTree::Ident(ident) => {
                    let split = self.splits.iter().find(|s| s.name == *ident);
                    let field =
                        split.and_then(|s| Some((s, token_field(&tokens[i + 1..], &s.fields)?)));
                    if let Some((split, field)) = field {
                        out.push(TokenTree::Ident(split.local(&field, ident.span())));
                        i += 3;
                        continue;
                    }
                    out.push(tokens[i].clone());
                }
                other => out.push(other.clone()),
            }
            i += 1;
        }
        out.into_iter().collect()
    }
}

/// `let Path { a: pat_a, .. } = p;` with `p` taken apart by `split` (no `else`), which leaves
/// part of `p` in place: each field it names and its pattern.
fn struct_let(local: &syn::Local, split: &Split) -> Option<Vec<(String, Pat)>> {
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    let Expr::Path(p) = &*init.expr else {
        return None;
    };
    if p.qself.is_some() || !p.path.is_ident(&split.name) {
        return None;
    }
    // (Only where it leaves something in place, `..`, `b: _` or `ref c`: a pattern moving every
    // field takes the whole.)
    let Pat::Struct(s) = &local.pat else {
        return None;
    };
    let leaves = (s.fields.iter()).any(|f| !crate::analyze::mentions::moves_whole(&f.pat));
    if s.rest.is_none() && !leaves {
        return None;
    }
    let last = s.path.segments.last()?.ident.to_string();
    let own = last == "Self" && split.name == "self";
    if s.qself.is_some() || !(last == split.ty || own) {
        return None;
    }
    (s.fields.iter())
        .map(|f| {
            let field = member_name(&f.member);
            split
                .fields
                .contains(&field)
                .then(|| (field, (*f.pat).clone()))
        })
        .collect()
}

impl VisitMut for Rename<'_> {
    /// `let Req { a, .. } = p;` is `let a = __p_a;`, each field bound where its pattern binds
    /// something; the others stay where they are, as they do in `p`.
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut stmts = Vec::new();
        for stmt in std::mem::take(&mut block.stmts) {
            let found = match &stmt {
                syn::Stmt::Local(local) => (self.splits.iter())
                    .find_map(|split| Some((split, local, struct_let(local, split)?))),
                _ => None,
            };
            let Some((split, local, fields)) = found else {
                stmts.push(stmt);
                continue;
            };
            for (field, pat) in fields {
                if crate::analyze::mentions::bindings(&pat).is_empty() {
                    continue;
                }
                let attrs = &local.attrs;
                let value = split.local(&field, split.name.span());
                stmts.push(syn::parse_quote_spanned! {pat.span()=>
                    #(#attrs)* let #pat = #value;
                });
            }
        }
        block.stmts = stmts;
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Some(local) = self.field(e) {
            *e = syn::parse_quote!(#local);
            return;
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }

    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        m.tokens = self.tokens(m.tokens.clone());
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
