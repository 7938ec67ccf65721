//! The signature of the desugared `fn`: `async` removed, elided lifetimes named (so the returned
//! `impl Future` can capture them in every edition), pattern parameters given hidden names, and
//! the return type turned into `impl Future<Output = T>`.
//!
//! Input:  `async fn f(&self, x: &str, (a, b): (u8, u8)) -> &str`
//! Output: `fn f<'fut, 'life0, 'life1>(&'life0 self, x: &'life1 str, __arg2: (u8, u8))
//!              -> impl Future<Output = &'life0 str>
//!                 + Captures<(&'fut (), &'life0 (), &'life1 (), PhantomData<Self>)>
//!          where 'life0: 'fut, 'life1: 'fut, Self: 'fut`
//!
//! `'fut` is the lifetime of the future itself: every borrow it holds outlives it. `'pinned`
//! (shorter) is the lifetime of the borrows of its own fields by the futures it stores: the value
//! of an `.await` must outlive `'fut`, so it cannot keep such a borrow after the locals move on.

use crate::analyze::arg_ident;
use crate::names::private;
use crate::parse::AsyncFn;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{
    FnArg, GenericParam, Ident, Lifetime, LifetimeParam, Pat, ReturnType, Signature, Type,
    TypeParamBound,
};

pub struct Desugared {
    pub sig: Signature,
    /// The lifetime of the future itself (`'fut`), outside trait impls.
    pub fut: Option<Lifetime>,
    /// The lifetime of borrows of the state's own fields (`'pinned`, shorter than `'fut`): a
    /// value that outlives `'fut` cannot hold one.
    pub pinned: Option<Lifetime>,
    /// The output type, with lifetimes named, if it can be written in a closure's return type.
    pub output: Option<Type>,
    pub unit_output: bool,
    /// The return type has bounds a trait's `async fn` does not (a method alone that may be a
    /// trait impl's: `Captures`, for editions before 2024).
    pub refines: bool,
    /// The `Start` variant's fields and the parameter moved into each.
    pub start_fields: Vec<(Ident, Ident)>,
}

/// `keeps_borrows`: the states keep borrows of locals (in slots, or kept in place);
/// `params_in_body`: the parameters are passed under hidden names (`Analysis::params_in_body`).
pub fn desugar(f: &AsyncFn, keeps_borrows: bool, params_in_body: bool) -> Desugared {
    let mut sig = f.sig.clone();
    sig.asyncness = None;
    let taken: Vec<String> = sig
        .generics
        .lifetimes()
        .map(|l| l.lifetime.ident.to_string())
        .collect();
    let mut namer = ElidedLifetimes {
        taken: taken.clone(),
        named: Vec::new(),
    };
    let mut start_fields = Vec::new();
    let mut self_lifetime = None;
    for (index, input) in sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(r) => {
                if r.reference.is_none() {
                    r.mutability = None;
                }
                if let Some((_, lifetime)) = &mut r.reference {
                    let l = lifetime.get_or_insert_with(|| namer.fresh()).clone();
                    self_lifetime = Some(l.clone());
                    if let Type::Reference(reference) = &mut *r.ty {
                        reference.lifetime = Some(l);
                    }
                } else {
                    namer.visit_type_mut(&mut r.ty);
                }
                let hidden = Ident::new("__self", Span::mixed_site());
                start_fields.push((hidden, Ident::new("self", r.self_token.span)));
            }
            FnArg::Typed(t) => {
                namer.visit_type_mut(&mut t.ty);
                let (ident, value) = match &*t.pat {
                    Pat::Ident(p) if !params_in_body => (p.ident.clone(), p.ident.clone()),
                    // (An `async` block's parameters are its captures: named as they are.)
                    Pat::Ident(p) if f.async_block.is_some() => (arg_ident(index), p.ident.clone()),
                    _ => (arg_ident(index), arg_ident(index)),
                };
                *t.pat = Pat::Ident(syn::PatIdent {
                    attrs: Vec::new(),
                    by_ref: None,
                    mutability: None,
                    ident: ident.clone(),
                    subpat: None,
                });
                start_fields.push((ident, value));
            }
        }
    }
    // Elided lifetimes in the output follow the elision rules of the original signature.
    let output_lifetime = self_lifetime.clone().or_else(|| {
        let all = input_lifetimes(&sig);
        (all.len() == 1).then(|| all[0].clone())
    });
    let mut output: Type = match &sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    if let Some(l) = &output_lifetime {
        OutputLifetimes(l.clone()).visit_type_mut(&mut output);
    }
    NamedNever.visit_type_mut(&mut output);
    let unit_output = matches!(&output, Type::Tuple(t) if t.elems.is_empty());

    let new_params: Vec<GenericParam> = namer
        .named
        .iter()
        .map(|l| GenericParam::Lifetime(LifetimeParam::new(l.clone())))
        .collect();
    insert_lifetimes(&mut sig.generics, new_params);

    let mut fut_lifetime = None;
    let mut pinned_lifetime = None;
    let future_bound = if f.in_trait_impl {
        quote!(::core::future::Future<Output = #output>)
    } else {
        let has_receiver = sig.receiver().is_some();
        let lifetimes: Vec<Lifetime> = sig
            .generics
            .lifetimes()
            .map(|l| l.lifetime.clone())
            .collect();
        let types: Vec<Ident> = sig
            .generics
            .type_params()
            .map(|t| t.ident.clone())
            .collect();
        // Always named: the state is reached through `&'fut mut`, which keeps the borrows of
        // locals kept in place from passing for `'static`; and a future it awaits of a function
        // desugared the same way has lifetimes of its own, shorter than its parameters', which
        // only `'fut` can name (E0700, E0309 without it). Except on a method that may be a trait
        // impl's, whose signature cannot gain lifetimes.
        let needs_fut = !f.method_alone;
        let mut captured: Vec<TokenStream> = Vec::new();
        if needs_fut {
            let mut all_taken = taken;
            all_taken.extend(namer.named.iter().map(|l| l.ident.to_string()));
            let name = ["fut", "fut_", "__fut"]
                .into_iter()
                .find(|n| !all_taken.iter().any(|t| t == n))
                .unwrap_or("__desugar_fut");
            let fut = Lifetime::new(&format!("'{name}"), Span::call_site());
            let pinned_name = ["pinned", "pinned_", "__pinned"]
                .into_iter()
                .find(|n| !all_taken.iter().any(|t| t == n))
                .unwrap_or("__desugar_pinned");
            let pinned = Lifetime::new(&format!("'{pinned_name}"), Span::call_site());
            let mut pinned_param = LifetimeParam::new(pinned.clone());
            pinned_param.colon_token = None;
            let mut fut_param = LifetimeParam::new(fut.clone());
            fut_param.colon_token = Some(Default::default());
            fut_param.bounds.push(pinned.clone());
            insert_lifetimes(
                &mut sig.generics,
                vec![
                    GenericParam::Lifetime(fut_param),
                    GenericParam::Lifetime(pinned_param),
                ],
            );
            pinned_lifetime = Some(pinned.clone());
            bound_by(&mut sig.generics, &lifetimes, &types, &fut);
            if has_receiver {
                let where_clause = sig.generics.make_where_clause();
                where_clause.predicates.push(syn::parse_quote!(Self: #fut));
            }
            // A type parameter or lifetime of the `impl` around the function (`fn connect(s: S)`
            // in `impl<S> Client<S>`), which nothing else bounds when there is no `self`: it
            // outlives `'fut`.
            for outer in outer_parameters(&sig, &types, &lifetimes) {
                let where_clause = sig.generics.make_where_clause();
                where_clause
                    .predicates
                    .push(syn::parse_quote!(#outer: #fut));
            }
            // Each `impl Trait` of a parameter's type (`impl Fn()`, `Option<impl Fn()>`,
            // `Pin<&mut impl Future>`) is a type parameter too: it outlives `'fut`.
            struct Outlives<'a>(&'a Lifetime);
            impl syn::visit_mut::VisitMut for Outlives<'_> {
                fn visit_type_impl_trait_mut(&mut self, it: &mut syn::TypeImplTrait) {
                    syn::visit_mut::visit_type_impl_trait_mut(self, it);
                    it.bounds.push(TypeParamBound::Lifetime(self.0.clone()));
                }
                // `&mut impl Future + 'fut` is ambiguous: `&mut (impl Future + 'fut)`.
                fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
                    syn::visit_mut::visit_type_reference_mut(self, r);
                    if let syn::Type::ImplTrait(_) = &*r.elem {
                        let elem = (*r.elem).clone();
                        *r.elem = syn::Type::Paren(syn::TypeParen {
                            paren_token: Default::default(),
                            elem: Box::new(elem),
                        });
                    }
                }
            }
            for input in sig.inputs.iter_mut() {
                if let FnArg::Typed(t) = input {
                    syn::visit_mut::VisitMut::visit_type_mut(&mut Outlives(&fut), &mut t.ty);
                }
            }
            captured.push(quote!(&#fut ()));
            captured.push(quote!(&#pinned ()));
            fut_lifetime = Some(fut.clone());
        } else if keeps_borrows && !lifetimes.is_empty() {
            // No `'fut` on a method that may be a trait impl's: a borrow the state keeps of a
            // local of a generic type can only have one of the signature's lifetimes, which the
            // type must outlive (a native future's type hides that borrow).
            for l in &lifetimes {
                bound_by(&mut sig.generics, &[], &types, l);
            }
        }
        captured.extend(lifetimes.iter().map(|l| quote!(&#l ())));
        if has_receiver {
            captured.push(quote!(::core::marker::PhantomData<Self>));
        }
        if captured.is_empty() {
            quote!(::core::future::Future<Output = #output>)
        } else {
            let private = private();
            quote!(::core::future::Future<Output = #output> + #private::Captures<(#(#captured,)*)>)
        }
    };
    let arrow = match &f.sig.output {
        ReturnType::Type(arrow, _) => *arrow,
        ReturnType::Default => Default::default(),
    };
    sig.output = ReturnType::Type(arrow, Box::new(syn::parse_quote!(impl #future_bound)));
    let annotatable = !crate::syntax::has_impl_trait_or_infer(&output);
    let refines = f.method_alone && quote!(#future_bound).to_string().contains("Captures");
    Desugared {
        refines,
        sig,
        fut: fut_lifetime,
        pinned: pinned_lifetime,
        output: annotatable.then_some(output),
        unit_output,
        start_fields,
    }
}

/// What a function without `self` (whose `Self: 'fut` bounds an `impl`'s) names in its
/// parameters' types that its signature does not declare, and so may be the `impl`'s: lifetimes
/// (`writer: &'b mut W`) and single identifiers named like type parameters (`S`, `Option<S>`,
/// `IO`: a type of another crate may have a lifetime parameter, which a bound cannot leave
/// out), besides `Self`, primitives, std's prelude types and the types the crate declares.
fn outer_parameters(sig: &Signature, types: &[Ident], lifetimes: &[Lifetime]) -> Vec<TokenStream> {
    struct Outer<'a> {
        types: &'a [Ident],
        lifetimes: &'a [Lifetime],
        found: Vec<TokenStream>,
    }
    impl Outer<'_> {
        fn add(&mut self, name: TokenStream) {
            if !self.found.iter().any(|f| f.to_string() == name.to_string()) {
                self.found.push(name);
            }
        }
    }
    impl<'ast> Visit<'ast> for Outer<'_> {
        fn visit_type_path(&mut self, p: &'ast syn::TypePath) {
            if p.qself.is_none()
                && let Some(ident) = p.path.get_ident()
            {
                let name = ident.to_string();
                let short = name.len() <= 3 || name.chars().all(|c| c.is_ascii_uppercase());
                let known = self.types.contains(ident)
                    || name == "Self"
                    || crate::analyze::primitive(&name)
                    || matches!(
                        name.as_str(),
                        "str" | "String" | "Vec" | "Box" | "Option" | "Result"
                    )
                    || crate::defined::declares_type(&name);
                if short && !known {
                    self.add(quote!(#ident));
                }
            }
            syn::visit::visit_type_path(self, p);
        }
        fn visit_lifetime(&mut self, l: &'ast Lifetime) {
            if l.ident != "static" && l.ident != "_" && !self.lifetimes.contains(l) {
                self.add(quote!(#l));
            }
        }
        // (`impl Fn(S)`'s and `dyn Fn(S)`'s types are bounded with them; `for<'a> Fn(&'a T)`
        // declares its own lifetimes.)
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {}
        fn visit_type_trait_object(&mut self, _: &'ast syn::TypeTraitObject) {}
        fn visit_bound_lifetimes(&mut self, _: &'ast syn::BoundLifetimes) {}
        fn visit_type_bare_fn(&mut self, _: &'ast syn::TypeBareFn) {}
    }
    if sig.receiver().is_some() {
        return Vec::new();
    }
    let mut outer = Outer {
        types,
        lifetimes,
        found: Vec::new(),
    };
    for input in &sig.inputs {
        if let FnArg::Typed(t) = input {
            outer.visit_type(&t.ty);
        }
    }
    outer.found
}

/// Adds `: 'fut` to every lifetime and type parameter, where its other bounds are written (the
/// `where` clause if it has one there, else inline), so the signature stays as the user laid it
/// out.
fn bound_by(generics: &mut syn::Generics, lifetimes: &[Lifetime], types: &[Ident], fut: &Lifetime) {
    let in_where = |generics: &syn::Generics, name: &str| -> bool {
        generics.where_clause.as_ref().is_some_and(|w| {
            w.predicates.iter().any(|p| match p {
                syn::WherePredicate::Type(t) => {
                    quote!(#t).to_string().starts_with(&format!("{name} :"))
                }
                syn::WherePredicate::Lifetime(l) => l.lifetime.ident == name,
                _ => false,
            })
        })
    };
    let where_lifetimes: Vec<bool> = lifetimes
        .iter()
        .map(|l| in_where(generics, &l.ident.to_string()))
        .collect();
    let where_types: Vec<bool> = types
        .iter()
        .map(|t| in_where(generics, &t.to_string()))
        .collect();
    for param in generics.params.iter_mut() {
        match param {
            GenericParam::Lifetime(l) if l.lifetime != *fut => {
                let i = lifetimes.iter().position(|x| *x == l.lifetime);
                if i.is_some_and(|i| !where_lifetimes[i]) {
                    l.bounds.push(fut.clone());
                }
            }
            GenericParam::Type(t) => {
                let i = types.iter().position(|x| *x == t.ident);
                if i.is_some_and(|i| !where_types[i]) {
                    t.bounds.push(TypeParamBound::Lifetime(fut.clone()));
                }
            }
            _ => {}
        }
    }
    if let Some(where_clause) = &mut generics.where_clause {
        for predicate in where_clause.predicates.iter_mut() {
            match predicate {
                syn::WherePredicate::Type(t) => {
                    let name = quote!(#t).to_string();
                    if types.iter().any(|ty| name.starts_with(&format!("{ty} :"))) {
                        t.bounds.push(TypeParamBound::Lifetime(fut.clone()));
                    }
                }
                syn::WherePredicate::Lifetime(l) if lifetimes.contains(&l.lifetime) => {
                    l.bounds.push(fut.clone());
                }
                _ => {}
            }
        }
    }
}

/// Puts lifetime parameters after the existing ones (they must come before types).
fn insert_lifetimes(generics: &mut syn::Generics, new: Vec<GenericParam>) {
    let at = generics.lifetimes().count();
    for (i, p) in new.into_iter().enumerate() {
        generics.params.insert(at + i, p);
    }
    if generics.lt_token.is_none() && !generics.params.is_empty() {
        generics.lt_token = Some(Default::default());
        generics.gt_token = Some(Default::default());
    }
}

fn input_lifetimes(sig: &Signature) -> Vec<Lifetime> {
    struct Collect(Vec<Lifetime>);
    impl<'ast> Visit<'ast> for Collect {
        fn visit_lifetime(&mut self, l: &'ast Lifetime) {
            if l.ident != "static" && !self.0.contains(l) {
                self.0.push(l.clone());
            }
        }
        fn visit_type_bare_fn(&mut self, _: &'ast syn::TypeBareFn) {}
        fn visit_parenthesized_generic_arguments(
            &mut self,
            _: &'ast syn::ParenthesizedGenericArguments,
        ) {
        }
    }
    let mut c = Collect(Vec::new());
    for input in &sig.inputs {
        c.visit_fn_arg(input);
    }
    c.0
}

/// Names every elided lifetime of the parameter types: `&T` -> `&'life0 T`, `'_` -> `'life1`.
/// Lifetimes elided inside `fn(&T)` and `Fn(&T)` belong to those and are left alone.
struct ElidedLifetimes {
    taken: Vec<String>,
    named: Vec<Lifetime>,
}

impl ElidedLifetimes {
    fn fresh(&mut self) -> Lifetime {
        let mut n = self.named.len();
        loop {
            let name = format!("life{n}");
            if !self.taken.contains(&name) {
                let l = Lifetime::new(&format!("'{name}"), Span::call_site());
                self.named.push(l.clone());
                self.taken.push(name);
                return l;
            }
            n += 1;
        }
    }
}

impl VisitMut for ElidedLifetimes {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.fresh());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.fresh();
        }
    }
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
}

/// `!` -> `Never` (`desugar::__private::Never`): `impl Future<Output = !>` is unstable.
struct NamedNever;

impl VisitMut for NamedNever {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Never(never) = ty {
            let private = private();
            let span = never.bang_token.span;
            *ty = syn::parse_quote_spanned!(span=> #private::Never);
        } else {
            visit_mut::visit_type_mut(self, ty);
        }
    }
}

/// Replaces elided lifetimes of the output type by the one elision picks.
struct OutputLifetimes(Lifetime);

impl VisitMut for OutputLifetimes {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.0.clone());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.0.clone();
        }
    }
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
}
