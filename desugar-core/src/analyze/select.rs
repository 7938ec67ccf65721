//! `select!` and `join!` expand to an `.await` of their own, which a proc macro cannot split:
//! the macro is awaited as an inner `async` block instead, which borrows or takes the locals
//! the macro names as the macro does (without `move`: `join!(bump(&mut stats))` borrows
//! `stats`, which stays where it is and drops at the end of its scope). For `select!`, only the
//! choice is made in there: the branch that won comes out as a value, and its handler runs in
//! the function, where `break`, `continue`, `return`, `?` and further `.await`s keep their
//! meaning.
//!
//! Input:  `tokio::select! { biased; Some(v) = rx.recv() => handle(v).await, _ = stop.changed() => break }`
//! Output: `let __select = async { tokio::select! { biased;
//!              Some(v) = rx.recv() => __Select0::B0((v,)), _ = stop.changed() => __Select0::B1(()) }
//!          }.await;
//!          match __select { __Select0::B0((v,)) => handle(v).await, __Select0::B1(()) => break }`

use super::mentions;
use super::suspend::AwaitingMacro;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Pat, Result, Token};

/// One `pattern = future [, if condition] => handler` of a `select!`.
pub struct Branch {
    pub pat: Pat,
    pub future: syn::Expr,
    pub condition: Option<syn::Expr>,
    pub handler: syn::Expr,
}

/// Whether a `select!` borrows a branch's future that is a plain local (`x = fut => ..`), as
/// futures' does; tokio's (`tokio::select!`, or a `select!` of the crate's that every definition
/// of writes with tokio's, as ractor's `concurrency::select!`) takes it, as any other expression.
pub fn borrows_named_futures(mac: &syn::Macro) -> bool {
    let segments = mentions::path_segments(&mac.path);
    let wraps_tokio = segments.last().is_some_and(|name| {
        let definitions = crate::defined::macro_definitions(name);
        !definitions.is_empty() && definitions.iter().all(|d| d.body.contains("tokio"))
    });
    !wraps_tokio && !segments.iter().any(|s| s == "tokio")
}

/// `else => handler` (tokio), `complete => ..` / `default => ..` (futures).
pub struct Fallback {
    pub keyword: Ident,
    pub handler: syn::Expr,
}

/// The body of a `select!`.
pub struct Select {
    pub biased: bool,
    pub branches: Vec<Branch>,
    pub fallbacks: Vec<Fallback>,
}

impl quote::ToTokens for Select {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if self.biased {
            tokens.extend(quote!(biased;));
        }
        for b in &self.branches {
            let (pat, future, handler) = (&b.pat, &b.future, &b.handler);
            let condition = b.condition.as_ref().map(|c| quote!(, if #c));
            tokens.extend(quote!(#pat = #future #condition => #handler,));
        }
        for f in &self.fallbacks {
            let (keyword, handler) = (&f.keyword, &f.handler);
            tokens.extend(quote!(#keyword => #handler,));
        }
    }
}

impl Parse for Select {
    fn parse(input: ParseStream) -> Result<Self> {
        let mut biased = false;
        if input.peek(syn::Ident) && input.peek2(Token![;]) {
            let ident: Ident = input.parse()?;
            if ident != "biased" {
                return Err(syn::Error::new(
                    ident.span(),
                    "expected `biased;` or a branch",
                ));
            }
            input.parse::<Token![;]>()?;
            biased = true;
        }
        let mut branches = Vec::new();
        let mut fallbacks = Vec::new();
        while !input.is_empty() {
            let fallback =
                input.peek(Token![else]) || ((input.peek(syn::Ident)) && input.peek2(Token![=>]));
            if fallback {
                let keyword = if input.peek(Token![else]) {
                    let e: Token![else] = input.parse()?;
                    Ident::new("else", e.span)
                } else {
                    input.parse()?
                };
                input.parse::<Token![=>]>()?;
                let handler = parse_handler(input)?;
                fallbacks.push(Fallback { keyword, handler });
                continue;
            }
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let future = syn::Expr::parse_without_eager_brace(input)?;
            let mut condition = None;
            if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                condition = Some(syn::Expr::parse_without_eager_brace(input)?);
            }
            input.parse::<Token![=>]>()?;
            let handler = parse_handler(input)?;
            branches.push(Branch {
                pat,
                future,
                condition,
                handler,
            });
        }
        Ok(Select {
            biased,
            branches,
            fallbacks,
        })
    }
}

fn parse_handler(input: ParseStream) -> Result<syn::Expr> {
    let handler: syn::Expr = input.parse()?;
    let is_block = matches!(handler, syn::Expr::Block(_));
    if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
    } else if !is_block && !input.is_empty() {
        return Err(input.error("expected `,` after a `select!` branch"));
    }
    Ok(handler)
}

/// The expression that replaces the macro, and the item (the enum of branches) it needs.
pub struct Rewritten {
    pub expr: syn::Expr,
    pub item: Option<syn::Stmt>,
}

pub fn rewrite(mac: &syn::ExprMacro, kind: AwaitingMacro, index: usize) -> Result<Rewritten> {
    let span = mac
        .mac
        .path
        .segments
        .last()
        .map_or(Span::call_site(), |s| s.ident.span());
    if kind == AwaitingMacro::Join {
        let expr = syn::parse_quote_spanned!(span=> (async { #mac }).await);
        return Ok(Rewritten { expr, item: None });
    }
    let select: Select = mac.mac.parse_body()?;
    let enum_name = format_ident!("__Select{}", index, span = Span::mixed_site());
    let params: Vec<Ident> = (0..select.branches.len())
        .map(|i| format_ident!("T{}", i))
        .collect();
    let variants: Vec<Ident> = (0..select.branches.len())
        .map(|i| format_ident!("B{}", i))
        .collect();
    let fallback_variants: Vec<Ident> = (0..select.fallbacks.len())
        .map(|i| format_ident!("Else{}", i))
        .collect();
    let doc = format!(
        " Which branch of the `select!` at line {} won, with its bindings.",
        span.start().line
    );
    let item: syn::Stmt = syn::parse_quote! {
        #[doc = #doc]
        enum #enum_name<#(#params),*> {
            #(#variants(#params),)*
            #(#fallback_variants,)*
        }
    };
    let path = &mac.mac.path;
    let biased = select.biased.then(|| quote!(biased;));
    let mut inner = Vec::new();
    let mut arms = Vec::new();
    for (branch, variant) in select.branches.iter().zip(&variants) {
        let names: Vec<Ident> = mentions::bindings(&branch.pat)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        let (pat, future) = (&branch.pat, &branch.future);
        let condition = branch.condition.as_ref().map(|c| quote!(, if #c));
        inner.push(quote!(#pat = #future #condition => #enum_name::#variant((#(#names,)*)),));
        let bound: Vec<TokenStream> = mentions::bindings(&branch.pat)
            .into_iter()
            .map(|(i, m)| if m { quote!(mut #i) } else { quote!(#i) })
            .collect();
        let handler = &branch.handler;
        arms.push(quote!(#enum_name::#variant((#(#bound,)*)) => #handler,));
    }
    for (fallback, variant) in select.fallbacks.iter().zip(&fallback_variants) {
        let (keyword, handler) = (&fallback.keyword, &fallback.handler);
        inner.push(quote!(#keyword => #enum_name::#variant,));
        arms.push(quote!(#enum_name::#variant => #handler,));
    }
    let chosen = Ident::new("__select", Span::mixed_site());
    let expr = syn::parse_quote_spanned! {span=>
        {
            let #chosen = (async { #path! { #biased #(#inner)* } }).await;
            match #chosen {
                #(#arms)*
            }
        }
    };
    Ok(Rewritten {
        expr,
        item: Some(item),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn futures_select_borrows_named_futures() {
        // (Helpers' ordinary programs: `select! { x = a => .., y = b => .. }` twice on the same
        // fused futures took `a` out of its slot, E0507.)
        let futures: syn::Macro = syn::parse_quote!(futures::select! { x = a => x });
        let bare: syn::Macro = syn::parse_quote!(select! { x = a => x });
        let tokio: syn::Macro = syn::parse_quote!(tokio::select! { x = a => x });
        assert!(borrows_named_futures(&futures) && borrows_named_futures(&bare));
        assert!(!borrows_named_futures(&tokio));
    }
}
