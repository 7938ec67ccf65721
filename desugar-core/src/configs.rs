//! `#[cfg(..)]` on a statement or `match` arm that awaits. A proc macro cannot evaluate the
//! predicate, and the states differ with and without the statement, so the function is expanded
//! twice: with the statement, under `#[cfg(pred)]`, and without it, under `#[cfg(not(pred))]`;
//! rustc keeps the copy that applies. Each such statement doubles the copies, so only a few are
//! accepted. `#[cfg(..)]` on a parameter is expanded the same way: with the parameter and
//! without it.

use crate::analyze::suspend::first_await;
use crate::parse::AsyncFn;
use crate::syntax::stmt_attrs;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Error, Result};

/// At most this many conditional statements with awaits: 2^N copies of the function.
const MOST: usize = 3;

/// The function with and without its first conditional statement that awaits, if it has one.
pub struct Split {
    pub with: AsyncFn,
    pub without: AsyncFn,
}

pub fn split(f: &mut AsyncFn) -> Result<Option<Split>> {
    if let Some(split) = split_parameter(f) {
        return Ok(Some(split));
    }
    let params = f.sig.inputs.iter().filter_map(|i| match i {
        syn::FnArg::Typed(t) => t.attrs.iter().find(|a| a.path().is_ident("cfg")),
        syn::FnArg::Receiver(_) => None,
    });
    if let Some(extra) = params.clone().nth(MOST) {
        return Err(Error::new(
            extra.span(),
            format!(
                "desugar supports at most {MOST} parameters with `#[cfg]` ({} here): each doubles \
                 the expansion, written once with and once without it",
                params.count()
            ),
        ));
    }
    // Finding edits nothing: no copy of the body for the usual function, which has none.
    let mut all = Edit::Find(Vec::new());
    all.visit_block_mut(&mut f.block);
    let spans = match all {
        Edit::Find(spans) => spans,
        Edit::Keep(_) | Edit::Remove(_) => Vec::new(),
    };
    if spans.len() > MOST {
        return Err(Error::new(
            spans[MOST],
            format!(
                "desugar supports at most {MOST} `#[cfg]` statements with `.await` in a \
                 function ({} here): each doubles the expansion, written once with and once \
                 without it; move some into functions of their own",
                spans.len()
            ),
        ));
    }
    if spans.is_empty() {
        return Ok(None);
    }
    let mut keep = Edit::Keep(None);
    let mut with = f.clone();
    keep.visit_block_mut(&mut with.block);
    let Edit::Keep(Some(Kept {
        predicate,
        text,
        line,
    })) = keep
    else {
        return Ok(None);
    };
    let mut without = f.clone();
    Edit::Remove(false).visit_block_mut(&mut without.block);
    with.attrs.push(syn::parse_quote!(#[cfg(#predicate)]));
    without
        .attrs
        .push(syn::parse_quote!(#[cfg(not(#predicate))]));
    with.configured
        .push(format!("with the `#[cfg({text})]` code at line {line}"));
    without
        .configured
        .push(format!("without the `#[cfg({text})]` code at line {line}"));
    Ok(Some(Split { with, without }))
}

/// `#[cfg(pred)]` on a parameter: the function with the parameter, under `#[cfg(pred)]`, and
/// without it, under `#[cfg(not(pred))]` (the `Start` state holds the parameters, so it differs
/// too).
fn split_parameter(f: &AsyncFn) -> Option<Split> {
    let conditional = |input: &syn::FnArg| match input {
        syn::FnArg::Typed(t) => t.attrs.iter().any(|a| a.path().is_ident("cfg")),
        syn::FnArg::Receiver(_) => false,
    };
    // Each doubles the copies, as a statement does.
    if f.sig.inputs.iter().filter(|i| conditional(i)).count() > MOST {
        return None;
    }
    let (index, at) = f
        .sig
        .inputs
        .iter()
        .enumerate()
        .find_map(|(i, input)| match input {
            syn::FnArg::Typed(t) => t
                .attrs
                .iter()
                .position(|a| a.path().is_ident("cfg"))
                .map(|at| (i, at)),
            syn::FnArg::Receiver(_) => None,
        })?;
    let mut with = f.clone();
    let syn::FnArg::Typed(param) = &mut with.sig.inputs[index] else {
        unreachable!("found a typed parameter")
    };
    let attr = param.attrs.remove(at);
    let predicate = attr
        .parse_args::<TokenStream>()
        .unwrap_or_else(|_| quote!(any()));
    let text = format!(
        "the parameter `{}`",
        quote::ToTokens::to_token_stream(&param.pat)
    );
    let mut without = f.clone();
    without.sig.inputs = f
        .sig
        .inputs
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != index)
        .map(|(_, input)| input.clone())
        .collect();
    with.attrs.push(syn::parse_quote!(#[cfg(#predicate)]));
    without
        .attrs
        .push(syn::parse_quote!(#[cfg(not(#predicate))]));
    with.configured.push(format!("with {text}"));
    without.configured.push(format!("without {text}"));
    Some(Split { with, without })
}

/// The condition taken off a statement: the predicate, as written, and the line.
struct Kept {
    predicate: TokenStream,
    text: String,
    line: usize,
}

/// What to do with the conditional statements that await: find them all (where their `cfg`
/// is), or take the first one's condition off (keep it) or take it out (remove it).
enum Edit {
    Find(Vec<proc_macro2::Span>),
    Keep(Option<Kept>),
    Remove(bool),
}

impl Edit {
    /// Whether the edit is done (finding goes on to the end).
    fn done(&self) -> bool {
        matches!(self, Edit::Keep(Some(_)) | Edit::Remove(true))
    }

    /// Applies the edit to a node with these attributes, which awaits; returns whether the node
    /// is to be removed.
    fn conditional(&mut self, attrs: &mut Vec<Attribute>) -> bool {
        let Some(at) = attrs.iter().position(|a| a.path().is_ident("cfg")) else {
            return false;
        };
        match self {
            Edit::Find(spans) => spans.push(attrs[at].path().span()),
            Edit::Keep(kept) => {
                let attr = attrs.remove(at);
                let predicate = attr
                    .parse_args::<TokenStream>()
                    .unwrap_or_else(|_| quote!(any()));
                // As written, where the source is at hand (the CLI).
                let text = attr
                    .span()
                    .source_text()
                    .and_then(|t| Some(t.strip_prefix("#[cfg(")?.strip_suffix(")]")?.to_owned()))
                    .unwrap_or_else(|| predicate.to_string());
                *kept = Some(Kept {
                    predicate,
                    text,
                    line: attr.span().start().line,
                });
            }
            Edit::Remove(removed) => {
                *removed = true;
                return true;
            }
        }
        false
    }
}

impl VisitMut for Edit {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut i = 0;
        while i < block.stmts.len() {
            if self.done() {
                return;
            }
            let stmt = &mut block.stmts[i];
            let awaits = first_await(&*stmt).is_some();
            if let Some(attrs) = stmt_attrs(stmt).filter(|_| awaits) {
                if self.conditional(attrs) {
                    block.stmts.remove(i);
                    continue;
                }
            }
            if !self.done() {
                self.visit_stmt_mut(&mut block.stmts[i]);
            }
            i += 1;
        }
    }

    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        self.visit_expr_mut(&mut m.expr);
        let mut i = 0;
        while i < m.arms.len() {
            if self.done() {
                return;
            }
            let arm = &mut m.arms[i];
            let awaits = first_await(&*arm.body).is_some()
                || arm
                    .guard
                    .as_ref()
                    .is_some_and(|(_, g)| first_await(&**g).is_some());
            if awaits && self.conditional(&mut arm.attrs) {
                m.arms.remove(i);
                continue;
            }
            if !self.done() {
                self.visit_arm_mut(&mut m.arms[i]);
            }
            i += 1;
        }
    }

    // Separate futures and items: their awaits are not the function's.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        if !self.done() {
            visit_mut::visit_expr_mut(self, e);
        }
    }
}
