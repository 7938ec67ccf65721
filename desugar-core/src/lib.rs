//! The transformation behind `#[desugar]`, shared by the attribute macro and the CLI so that the
//! CLI prints exactly what the macro emits.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! parse    what is accepted (async fn, impl block); spanned errors for the rest
//! analyze  the body as steps between suspension points; which locals each point keeps
//! lower    the code of each state: restore locals, run user code, enter the next state
//! emit     the signature, the state enum, the machine, the poll closure
//! ```
//!
//! Around it: `blocks` desugars the `async` blocks of a plain `fn` (and those `#[instrument]`
//! wraps a body in) as `async fn`s of their own, `recursion` makes a recursive call through
//! `Box::pin` in a block of its own, `configs` writes a function once per `#[cfg]` that changes
//! its states, and `parse::after_async_macros` moves `#[desugar]` below the attribute macros that
//! rewrite async code.
//!
//! The output, for `async fn fetch(c: &Client) -> T { let r = c.get().await; r.text().await }`:
//!
//! ```text
//! fn fetch<'life0>(c: &'life0 Client) -> impl Future<Output = T> + Captures<..> {
//!     enum FetchState<Get, Text, C, R> {
//!         Start { c: C },                              // the arguments
//!         Get { __awaitee: Option<Get> },              // suspended at `c.get().await`
//!         Text { __awaitee: Option<Text>, r: R },      // at `r.text().await`, keeping `r`
//!         Done,
//!         Panicked,
//!     }
//!     // a struct holding (state, resume closure) implements Future::poll
//! }
//! ```

mod analyze;
mod blocks;
mod comments;
mod configs;
pub mod defined;
mod early;
mod emit;
pub mod explain;
mod extended;
mod fields;
pub mod file;
mod items;
mod lower;
mod names;
mod parse;
mod polls;
pub mod receivers;
mod recursion;
pub(crate) mod rules;
mod syntax;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{ImplItem, Result};

pub use comments::MARKER as COMMENT_MARKER;
pub use parse::Target;

/// The attribute: `#[desugar]` applied to `item`. Errors become `compile_error!`s, emitted with
/// the original item so that the user sees one error, not a cascade.
pub fn desugar(args: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(deferred) = parse::after_async_macros(&args, &item) {
        return deferred;
    }
    // What rustc said about the crate's method calls, if `cargo desugar --prepare` asked it.
    let table = receivers::for_this_crate().map(|table| (table, None));
    // What the crate's source says of its own methods, otherwise.
    let defined = defined::for_this_crate();
    // A bug of ours must be an error at the function, not a panic of the compiler's plugin.
    let expanded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        defined::with(defined, || {
            receivers::with(table, || expand_item(args, item.clone(), true))
        })
    }))
    .unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        let at = item
            .clone()
            .into_iter()
            .next()
            .map_or_else(proc_macro2::Span::call_site, |t| t.span());
        Err(syn::Error::new(
            at,
            format!(
                "desugar failed on this function (an internal error: {message}); please report \
                 it with the function, and remove `#[desugar]` from it meanwhile"
            ),
        ))
    });
    match expanded {
        Ok(tokens) => tokens,
        Err(e) => {
            let mut out = e.into_compile_error();
            out.extend(item);
            out
        }
    }
}

/// The expansion of `#[desugar] item`, all of it: the CLI's, which cannot run the attribute
/// macros a method of an `impl` may also have (`#[instrument]`).
pub fn expand(args: TokenStream, item: TokenStream) -> Result<TokenStream> {
    expand_item(args, item, false)
}

/// `defer`: a method with an attribute macro that rewrites async code (`#[instrument]` inside an
/// `impl` marked `#[desugar]`) gets its own `#[desugar]`, below that macro, which has not run yet
/// (the `impl`'s attribute runs first), instead of being desugared now.
fn expand_item(args: TokenStream, item: TokenStream, defer: bool) -> Result<TokenStream> {
    match parse::parse_target(args, item)? {
        Target::Fn(item_fn) => {
            // (A method the crate's source shows is of an inherent `impl` is not alone.)
            let method_alone =
                parse::maybe_trait_method(&item_fn) && !defined::inherent_only(&item_fn.sig.ident);
            if item_fn.sig.asyncness.is_none() {
                return desugar_item_fn(item_fn, false);
            }
            let mut f = parse::Target::async_fns(item_fn, false)?;
            f.method_alone = method_alone;
            desugar_fn(f)
        }
        Target::Impl(item_impl) => {
            let self_ty = item_impl.self_ty.clone();
            defined::in_impl(Some(&self_ty), || expand_impl(item_impl, defer))
        }
    }
}

/// The methods of an `impl` block, each expanded in its place.
fn expand_impl(mut item_impl: syn::ItemImpl, defer: bool) -> Result<TokenStream> {
    let (methods, in_trait_impl) = parse::async_methods(&item_impl);
    let mut replaced = Vec::new();
    for index in methods {
        let ImplItem::Fn(method) = &mut item_impl.items[index] else {
            continue;
        };
        if defer {
            if let Some(last) = method.attrs.iter().rposition(parse::rewrites_async) {
                let attr = syn::parse_quote!(#[::desugar::desugar]);
                method.attrs.insert(last + 1, attr);
                continue;
            }
        }
        let item_fn = syn::ItemFn {
            attrs: method.attrs.clone(),
            vis: method.vis.clone(),
            sig: method.sig.clone(),
            block: Box::new(method.block.clone()),
        };
        let tokens = desugar_item_fn(item_fn, in_trait_impl)?;
        // One method, or one per configuration (`configs`).
        let defaultness = method.defaultness;
        let mut copies = syn::parse2::<ImplItems>(tokens)?
            .0
            .into_iter()
            .map(|mut f| {
                f.defaultness = defaultness;
                ImplItem::Fn(f)
            });
        item_impl.items[index] = copies.next().expect("a method");
        replaced.push((index, copies.collect::<Vec<_>>()));
    }
    // The further copies go after their method, from the last so that indices hold.
    for (index, copies) in replaced.into_iter().rev() {
        item_impl.items.splice(index + 1..index + 1, copies);
    }
    Ok(item_impl.into_token_stream())
}

/// An `async fn`, or a plain `fn` whose `async` blocks are desugared (`blocks`).
fn desugar_item_fn(item_fn: syn::ItemFn, in_trait_impl: bool) -> Result<TokenStream> {
    if item_fn.sig.asyncness.is_none() && item_fn.sig.constness.is_none() {
        return blocks::desugar_plain_fn(item_fn);
    }
    desugar_fn(parse::Target::async_fns(item_fn, in_trait_impl)?)
}

/// Methods one after the other: a method's expansion, one copy per configuration (`configs`).
pub(crate) struct ImplItems(pub Vec<syn::ImplItemFn>);

impl syn::parse::Parse for ImplItems {
    fn parse(input: syn::parse::ParseStream) -> Result<Self> {
        let mut out = Vec::new();
        while !input.is_empty() {
            out.push(input.parse()?);
        }
        Ok(ImplItems(out))
    }
}

/// An async method of a trait impl, expanded on its own (for `--all` in the CLI).
pub fn expand_method(item: TokenStream, in_trait_impl: bool) -> Result<TokenStream> {
    let item_fn: syn::ItemFn = syn::parse2(item)?;
    desugar_fn(parse::Target::async_fns(item_fn, in_trait_impl)?)
}

fn desugar_fn(mut f: parse::AsyncFn) -> Result<TokenStream> {
    // (First: an expansion may hold `#[cfg]` statements, which make copies.)
    rules::expand(&mut f);
    if let Some(copies) = configs::cfg_if(&f)? {
        let mut out = TokenStream::new();
        for copy in copies {
            out.extend(desugar_fn(copy)?);
        }
        return Ok(out);
    }
    if let Some(split) = configs::split(&mut f)? {
        let mut out = desugar_fn(split.with)?;
        out.extend(desugar_fn(split.without)?);
        return Ok(out);
    }
    rewrite_before_analysis(&mut f)?;
    defined::in_function(&f.sig, &f.block, || {
        let analysis = analyze::analyze(&f)?;
        let names = names::assign(&analysis, &f.sig.ident, &type_names(&f));
        let keeps_borrows =
            !analysis.slots.is_empty() || analysis.layout.iter().any(|l| !l.pinned.is_empty());
        let sig = emit::signature::desugar(&f, keeps_borrows, analysis.params_in_body);
        let arms = lower::lower(
            &analysis,
            &names,
            sig.unit_output,
            sig.fut.clone(),
            sig.pinned.clone(),
        );
        Ok(emit::emit(&f, &analysis, &names, &sig, arms))
    })
}

/// What the analysis reads is the function after these rewrites (the expansion's, and
/// `--explain`'s, so that both show the same states).
pub(crate) fn rewrite_before_analysis(f: &mut parse::AsyncFn) -> Result<()> {
    blocks::instrumented(f)?;
    items::scope_inner_items(f);
    recursion::box_recursive_calls(f);
    polls::await_poll_macros(f);
    early::wrap_macros(f);
    fields::split_params(f);
    extended::bind_matched_temporaries(f);
    configs::joined_tails(&mut f.block);
    Ok(())
}

/// Capitalized identifiers in the function: the names of types users will read next to ours.
pub(crate) fn type_names(f: &parse::AsyncFn) -> Vec<String> {
    /// Visits the syntax where it is (turning it into tokens would copy every identifier).
    struct Capitalized(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Capitalized {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            let s = i.to_string();
            if s.starts_with(|c: char| c.is_ascii_uppercase()) && !self.0.contains(&s) {
                self.0.push(s);
            }
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            syn::visit::visit_macro(self, m);
            // A macro's input is tokens to syn: walk them too.
            walk(m.tokens.clone(), self);
        }
        fn visit_meta_list(&mut self, m: &'ast syn::MetaList) {
            syn::visit::visit_meta_list(self, m);
            walk(m.tokens.clone(), self);
        }
    }
    fn walk(tokens: TokenStream, out: &mut Capitalized) {
        for tt in tokens {
            match tt {
                proc_macro2::TokenTree::Ident(i) => syn::visit::Visit::visit_ident(out, &i),
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
        }
    }
    let mut out = Capitalized(Vec::new());
    syn::visit::Visit::visit_signature(&mut out, &f.sig);
    syn::visit::Visit::visit_block(&mut out, &f.block);
    out.0
}
