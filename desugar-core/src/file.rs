//! Expanding a whole source file, as the CLI does: every item marked `#[desugar]` (or, with
//! `all`, every `async fn` with a body) is replaced by its expansion, through the same entry point
//! as the attribute.

use crate::comments;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, ImplItem, Item};

#[derive(Clone, Copy, Default)]
pub struct Options {
    /// Desugar every `async fn`, marked or not.
    pub all: bool,
    /// Emit comments as markers for the printer.
    pub comments: bool,
}

/// Expands `file` in place; returns the errors of the items that could not be desugared (those
/// items are left as they were).
pub fn expand_file(file: &mut syn::File, options: Options) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    if options.comments {
        comments::printing(|| expand_items(&mut file.items, options, &mut errors));
    } else {
        expand_items(&mut file.items, options, &mut errors);
    }
    errors
}

/// The value of a module's `#[path = "..."]`: where its file is, for the CLI reading a crate
/// and for the macro reading the crate's method signatures (`defined`).
pub fn path_attribute(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Whether an attribute is `#[desugar]` or `#[desugar::desugar]`.
pub fn is_desugar_attr(attr: &Attribute) -> bool {
    let segments = crate::analyze::mentions::path_segments(attr.path());
    matches!(
        segments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["desugar"] | ["desugar", "desugar"]
    )
}

/// Whether an item has an attribute macro that rewrites async code (`#[async_trait]`,
/// `#[instrument]`, `#[tokio::main]`, ...): the attribute runs after it, on what it writes,
/// which the CLI cannot run; the CLI shows the state machines as if it were not there.
pub fn has_async_macro(item: &Item) -> bool {
    let rewrites = |attrs: &[Attribute]| attrs.iter().any(crate::parse::rewrites_async);
    match item {
        Item::Fn(f) => rewrites(&f.attrs),
        // Its methods' own macros run after the attribute on the `impl`.
        Item::Impl(i) => {
            rewrites(&i.attrs)
                || i.items
                    .iter()
                    .any(|m| matches!(m, ImplItem::Fn(m) if rewrites(&m.attrs)))
        }
        _ => false,
    }
}

/// A comment at the top of each expanded function that an attribute macro rewriting async code
/// (`#[async_trait]`) also applies to: the attribute runs on that macro's output, which the CLI
/// cannot produce, so what it shows is the state machine of the function as written.
fn note_other_macros(item: &mut Item) {
    if let Item::Fn(f) = item {
        if f.attrs.iter().any(crate::parse::rewrites_async) {
            note_as_written(&mut f.block);
        }
    }
}

/// The same for the methods of an expanded `impl`: those that were `async`, one to one (a method
/// written once per configuration makes the lists differ: no comment then).
fn note_other_macros_in_impl(before: &syn::ItemImpl, after: &mut syn::ItemImpl) {
    let rewrites = |attrs: &[Attribute]| attrs.iter().any(crate::parse::rewrites_async);
    let on_impl = rewrites(&before.attrs);
    if before.items.len() != after.items.len() {
        return;
    }
    for (b, a) in before.items.iter().zip(after.items.iter_mut()) {
        if let (ImplItem::Fn(b), ImplItem::Fn(a)) = (b, a) {
            if b.sig.asyncness.is_some() && (on_impl || rewrites(&b.attrs)) {
                note_as_written(&mut a.block);
            }
        }
    }
}

fn note_as_written(block: &mut syn::Block) {
    let text = "`#[desugar]` runs after the attribute macros here that rewrite async code, on what \
                they write, which the CLI cannot run: shown is the state machine of the function \
                as written.";
    if let Ok(stmt) = syn::parse2::<syn::Stmt>(crate::comments::comment(text)) {
        block.stmts.insert(0, stmt);
    }
}

/// Removes the `#[desugar]` attribute; returns its arguments if it was there.
fn take_marker(attrs: &mut Vec<Attribute>) -> Option<TokenStream> {
    let index = attrs.iter().position(is_desugar_attr)?;
    let attr = attrs.remove(index);
    Some(match attr.meta {
        syn::Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    })
}

fn expand_items(items: &mut Vec<Item>, options: Options, errors: &mut Vec<syn::Error>) {
    let mut out = Vec::with_capacity(items.len());
    for mut item in std::mem::take(items) {
        match &mut item {
            Item::Fn(f) => {
                let args = take_marker(&mut f.attrs);
                let wanted = args.is_some() || (options.all && f.sig.asyncness.is_some());
                if wanted {
                    let tokens = f.to_token_stream();
                    // One function, or one per configuration (`configs`).
                    let expanded = crate::expand(args.unwrap_or_default(), tokens)
                        .and_then(syn::parse2::<syn::File>);
                    match expanded {
                        Ok(mut new) => {
                            new.items.iter_mut().for_each(note_other_macros);
                            out.extend(new.items);
                            continue;
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
            Item::Impl(block) => {
                if let Some(args) = take_marker(&mut block.attrs) {
                    let tokens = block.to_token_stream();
                    match crate::expand(args, tokens).and_then(syn::parse2) {
                        Ok(mut new) => {
                            if let (Item::Impl(before), Item::Impl(after)) = (&item, &mut new) {
                                note_other_macros_in_impl(before, after);
                            }
                            item = new;
                        }
                        Err(e) => errors.push(e),
                    }
                } else {
                    expand_members(block, options, errors);
                }
            }
            Item::Mod(m) => {
                if let Some((_, content)) = &mut m.content {
                    expand_items(content, options, errors);
                }
            }
            Item::Trait(t) => expand_defaults(t, options, errors),
            _ => {}
        }
        out.push(item);
    }
    *items = out;
}

/// The async methods of a trait with a default body: as a trait impl's, they gain no lifetimes.
fn expand_defaults(t: &mut syn::ItemTrait, options: Options, errors: &mut Vec<syn::Error>) {
    let mut out = Vec::with_capacity(t.items.len());
    for mut member in std::mem::take(&mut t.items) {
        if let syn::TraitItem::Fn(method) = &mut member
            && let Some(block) = &method.default
        {
            let args = take_marker(&mut method.attrs);
            if args.is_some() || (options.all && method.sig.asyncness.is_some()) {
                let (attrs, sig) = (&method.attrs, &method.sig);
                let tokens = quote::quote!(#(#attrs)* #sig #block);
                match crate::expand_method(tokens, true).and_then(syn::parse2::<crate::ImplItems>) {
                    Ok(new) => {
                        out.extend(new.0.into_iter().map(|f| {
                            syn::TraitItem::Fn(syn::TraitItemFn {
                                attrs: f.attrs,
                                sig: f.sig,
                                default: Some(f.block),
                                semi_token: None,
                            })
                        }));
                        continue;
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        out.push(member);
    }
    t.items = out;
}

/// The async methods of an impl block without `#[desugar]` on the block itself.
fn expand_members(block: &mut syn::ItemImpl, options: Options, errors: &mut Vec<syn::Error>) {
    let in_trait_impl = block.trait_.is_some();
    let rewrites = |attrs: &[Attribute]| attrs.iter().any(crate::parse::rewrites_async);
    let on_impl = rewrites(&block.attrs);
    let mut out = Vec::with_capacity(block.items.len());
    for mut member in std::mem::take(&mut block.items) {
        if let ImplItem::Fn(method) = &mut member {
            let args = take_marker(&mut method.attrs);
            let wanted = args.is_some() || (options.all && method.sig.asyncness.is_some());
            if wanted {
                // (The block's type is `self`'s, as the attribute on the block tells it.)
                let result = crate::defined::in_impl(Some(&block.self_ty), || {
                    if in_trait_impl && args.is_none() {
                        crate::expand_method(method.to_token_stream(), true)
                    } else {
                        crate::expand(args.unwrap_or_default(), method.to_token_stream())
                    }
                });
                let noted = method.sig.asyncness.is_some() && (on_impl || rewrites(&method.attrs));
                match result.and_then(syn::parse2::<crate::ImplItems>) {
                    Ok(mut new) => {
                        if noted {
                            new.0.iter_mut().for_each(|m| note_as_written(&mut m.block));
                        }
                        out.extend(new.0.into_iter().map(ImplItem::Fn));
                        continue;
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        out.push(member);
    }
    block.items = out;
}
