//! What `#[desugar]` accepts: an `async fn` with a body (free function or method), or an `impl`
//! block whose `async fn`s are all desugared. Everything else is a spanned error.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{Attribute, Block, Error, ImplItem, ItemFn, ItemImpl, Result, Signature, Visibility};

/// An item the attribute was put on.
pub enum Target {
    Fn(ItemFn),
    Impl(ItemImpl),
}

/// One `async fn` to desugar, with what the expansion needs to know about where it stands.
#[derive(Clone)]
pub struct AsyncFn {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub sig: Signature,
    pub block: Block,
    /// Inside `impl Trait for Type`: the return type must stay a plain `impl Future` (RPITIT
    /// captures everything) and no bounds may be added to the method.
    pub in_trait_impl: bool,
    /// A method with `#[desugar]` of its own and no visibility: it may be a trait impl's, which
    /// the attribute cannot see, so its signature gains no lifetime either.
    pub method_alone: bool,
    /// For one of the copies written for `#[cfg]` statements that await (`configs`): which
    /// configuration it is, in words.
    pub configured: Vec<String>,
    /// An `async` block desugared where it stands (`blocks`): its line. Its parameters are what
    /// it captures.
    pub async_block: Option<usize>,
}

pub fn parse_target(args: TokenStream, item: TokenStream) -> Result<Target> {
    if !args.is_empty() {
        return Err(Error::new(args.span(), "#[desugar] takes no arguments"));
    }
    if let Ok(item_fn) = syn::parse2::<ItemFn>(item.clone()) {
        return Ok(Target::Fn(item_fn));
    }
    if let Ok(item_impl) = syn::parse2::<ItemImpl>(item.clone()) {
        return Ok(Target::Impl(item_impl));
    }
    if let Ok(decl) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        if decl.default.is_none() {
            return Err(Error::new(
                decl.sig.span(),
                "#[desugar] needs a function body: an `async fn` declared without one (in a trait) \
                 has no code to turn into a state machine; put #[desugar] on the impl instead",
            ));
        }
    }
    // Re-parse as any item to report the most useful error.
    match syn::parse2::<syn::Item>(item) {
        Ok(other) => Err(Error::new(
            item_head_span(&other),
            "#[desugar] applies to an `async fn` or to an `impl` block containing async fns",
        )),
        Err(e) => Err(e),
    }
}

fn item_head_span(item: &syn::Item) -> proc_macro2::Span {
    match item {
        syn::Item::Struct(s) => s.struct_token.span,
        syn::Item::Enum(e) => e.enum_token.span,
        syn::Item::Trait(t) => t.trait_token.span,
        syn::Item::Mod(m) => m.mod_token.span,
        other => other.span(),
    }
}

/// Checks that `sig` is something this tool can desugar.
pub fn check_signature(sig: &Signature) -> Result<()> {
    if sig.asyncness.is_none() {
        return Err(Error::new(
            sig.fn_token.span,
            "#[desugar] expects an `async fn`; this function is not async, so there is no state \
             machine to show",
        ));
    }
    if let Some(constness) = &sig.constness {
        return Err(Error::new(
            constness.span,
            "`const async fn` is not supported by #[desugar]",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(Error::new(
            variadic.span(),
            "variadic functions are not supported by #[desugar]",
        ));
    }
    Ok(())
}

impl Target {
    /// The async fns to desugar, checked.
    pub fn async_fns(item_fn: ItemFn, in_trait_impl: bool) -> Result<AsyncFn> {
        check_signature(&item_fn.sig)?;
        Ok(AsyncFn {
            attrs: item_fn.attrs,
            vis: item_fn.vis,
            sig: item_fn.sig,
            block: *item_fn.block,
            in_trait_impl,
            method_alone: false,
            configured: Vec::new(),
            async_block: None,
        })
    }
}

/// The async methods of an impl block and those with `async` blocks, by index, and whether the block implements a trait.
pub fn async_methods(item_impl: &ItemImpl) -> (Vec<usize>, bool) {
    let methods = item_impl
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            ImplItem::Fn(f)
                if f.sig.asyncness.is_some() || crate::blocks::has_async_block(&f.block) =>
            {
                Some(i)
            }
            _ => None,
        })
        .collect();
    (methods, item_impl.trait_.is_some())
}

/// `#[desugar]` above an attribute macro that rewrites async code (`#[async_trait]`,
/// `#[instrument]`, `#[tokio::main]`, `#[tokio::test]`, ...): the item again, with `#[desugar]`
/// moved below that macro, so that it runs on what the macro writes, as when it is written
/// there. The code it sees is then the same in either order.
///
/// Input:  `#[async_trait] impl Service for Api { async fn call(&self) { .. } }` (with
///         `#[desugar]` above it)
/// Output: `#[async_trait] #[::desugar::desugar] impl Service for Api { .. }`
pub fn after_async_macros(args: &TokenStream, item: &TokenStream) -> Option<TokenStream> {
    if !args.is_empty() || !outer_attribute_paths(item).iter().any(|p| rewrites_path(p)) {
        return None;
    }
    let mut item: syn::Item = syn::parse2(item.clone()).ok()?;
    let attrs = match &mut item {
        syn::Item::Fn(f) => &mut f.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        _ => return None,
    };
    let last = attrs.iter().rposition(rewrites_async)?;
    attrs.insert(last + 1, syn::parse_quote!(#[::desugar::desugar]));
    Some(quote::ToTokens::into_token_stream(item))
}

/// The paths of the outer attributes at the head of an item's tokens (`#[a::b(..)]` ->
/// `["a", "b"]`), read from the tokens without parsing the item.
fn outer_attribute_paths(item: &TokenStream) -> Vec<Vec<String>> {
    use proc_macro2::TokenTree;
    let mut out = Vec::new();
    let mut tokens = item.clone().into_iter();
    while let Some(TokenTree::Punct(p)) = tokens.next() {
        if p.as_char() != '#' {
            break;
        }
        let Some(TokenTree::Group(g)) = tokens.next() else {
            break;
        };
        let path = g
            .stream()
            .into_iter()
            .map_while(|t| match t {
                TokenTree::Ident(i) => Some(Some(i.to_string())),
                TokenTree::Punct(p) if p.as_char() == ':' => Some(None),
                _ => None,
            })
            .flatten()
            .collect();
        out.push(path);
    }
    out
}

/// Attribute macros known to turn `async fn`s into other code, which `#[desugar]` must see.
pub fn rewrites_async(attr: &Attribute) -> bool {
    rewrites_path(&crate::analyze::mentions::path_segments(attr.path()))
}

fn rewrites_path(segments: &[String]) -> bool {
    match segments
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [.., "async_trait"] | [.., "instrument"] => true,
        // `#[tokio::main]`, `#[tokio::test]`, `#[async_std::main]`, ... (not the built-in `#[test]`)
        [_, .., "main" | "test"] => true,
        _ => false,
    }
}

/// A function `#[desugar]` sees alone that may be a method of a trait impl: no visibility (a
/// trait impl's methods have none), and `self` or `Self` in its signature. A trait's `async fn`
/// declares no lifetime parameters, so the method's signature must not gain any (E0195).
pub fn maybe_trait_method(f: &ItemFn) -> bool {
    struct MentionsSelf(bool);
    impl<'ast> syn::visit::Visit<'ast> for MentionsSelf {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            if i == "Self" {
                self.0 = true;
            }
        }
        fn visit_receiver(&mut self, _: &'ast syn::Receiver) {
            self.0 = true;
        }
    }
    let mut mentions = MentionsSelf(false);
    syn::visit::Visit::visit_signature(&mut mentions, &f.sig);
    matches!(f.vis, Visibility::Inherited) && mentions.0
}
