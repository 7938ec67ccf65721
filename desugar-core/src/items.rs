//! Items declared in an inner block that awaits keep their scope. The expansion hoists the
//! body's items to where every state sees them (a block's code is split between states); an
//! inner block's `const LIMIT` hoisted so would hide the module's `LIMIT` from the rest of the
//! function, silently, and two blocks' `const KEY`s would clash (E0428). Such an item, where its
//! name is mentioned outside its block, is renamed, with its mentions in the block:
//!
//! Input:  `let small = { const LIMIT: usize = 3; ready(n < LIMIT).await }; n < LIMIT`
//! Output: `let small = { const __LIMIT0: usize = 3; ready(n < __LIMIT0).await }; n < LIMIT`

use crate::parse::AsyncFn;
use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::HashMap;
use syn::visit_mut::{self, VisitMut};

/// Renames the items of inner blocks whose names mean something else outside them.
pub fn scope_inner_items(f: &mut AsyncFn) {
    let mut scoper = Scoper {
        body: f.block.to_token_stream(),
        renamed_away: HashMap::new(),
        renamed: 0,
    };
    for stmt in &mut f.block.stmts {
        scoper.visit_stmt_mut(stmt);
    }
}

struct Scoper {
    /// The function's body as written.
    body: TokenStream,
    /// Per name, its mentions in the body that blocks renamed.
    renamed_away: HashMap<String, usize>,
    renamed: usize,
}

impl VisitMut for Scoper {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let tokens = block.to_token_stream();
        if crate::analyze::suspend::tokens_await(tokens.clone()) {
            let names: Vec<Ident> = block.stmts.iter().filter_map(item_name).collect();
            for name in names {
                let here = count(&tokens, &name);
                let away = self.renamed_away.entry(name.to_string()).or_default();
                if count(&self.body, &name) - *away > here {
                    *away += here;
                    let new = Ident::new(&format!("__{name}{}", self.renamed), name.span());
                    self.renamed += 1;
                    let renamed = rename(block.to_token_stream(), &name, &new);
                    *block = syn::parse2(renamed).expect("renaming keeps a block a block");
                }
            }
        }
        visit_mut::visit_block_mut(self, block);
    }

    // (Closures, `async` blocks and items are code of their own: their items stay in them.)
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The name an item statement declares in the block's value namespace or type namespace.
fn item_name(stmt: &syn::Stmt) -> Option<Ident> {
    let syn::Stmt::Item(item) = stmt else {
        return None;
    };
    Some(
        match item {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            _ => return None,
        }
        .clone(),
    )
}

/// How many times `name` is among the tokens.
fn count(tokens: &TokenStream, name: &Ident) -> usize {
    tokens
        .clone()
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(i) => usize::from(i == *name),
            TokenTree::Group(g) => count(&g.stream(), name),
            _ => 0,
        })
        .sum()
}

/// The tokens with `name` as `new`, but after `.` (a field or a method) or `::` (another
/// module's).
fn rename(tokens: TokenStream, name: &Ident, new: &Ident) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    for tt in tokens {
        let punct = |back: usize| match out.len().checked_sub(back).map(|i| &out[i]) {
            Some(TokenTree::Punct(p)) => Some(p.as_char()),
            _ => None,
        };
        let after_separator =
            punct(1) == Some('.') || punct(1) == Some(':') && punct(2) == Some(':');
        let next = match tt {
            TokenTree::Ident(i) if i == *name && !after_separator => {
                TokenTree::Ident(Ident::new(&new.to_string(), i.span()))
            }
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), rename(g.stream(), name, new));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        };
        out.push(next);
    }
    out.into_iter().collect()
}
