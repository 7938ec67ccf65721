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
    let editor = |edit, lets| Editor { edit, lets };
    // Finding edits nothing: no copy of the body for the usual function, which has none.
    let mut find = |lets| {
        let mut all = editor(Edit::Find(Vec::new()), lets);
        all.visit_block_mut(&mut f.block);
        match all.edit {
            Edit::Find(spans) => spans,
            Edit::Keep(_) | Edit::Remove(_) => Vec::new(),
        }
    };
    let awaiting = find(false);
    if awaiting.len() > MOST {
        return Err(Error::new(
            awaiting[MOST],
            format!(
                "desugar supports at most {MOST} `#[cfg]` statements with `.await` in a \
                 function ({} here): each doubles the expansion, written once with and once \
                 without it; move some into functions of their own",
                awaiting.len()
            ),
        ));
    }
    // `#[cfg]` `let`s too, while the copies stay within those of `MOST` statements; beyond,
    // they are left as written (right where the configuration declares them all).
    let with_lets = find(true);
    let lets = f.configured.len() + with_lets.len() <= MOST;
    let spans = if lets { with_lets } else { awaiting };
    if spans.is_empty() {
        return Ok(None);
    }
    let mut keep = editor(Edit::Keep(None), lets);
    let mut with = f.clone();
    keep.visit_block_mut(&mut with.block);
    let Edit::Keep(Some(Kept {
        predicate,
        text,
        line,
    })) = keep.edit
    else {
        return Ok(None);
    };
    let mut without = f.clone();
    editor(Edit::Remove(false), lets).visit_block_mut(&mut without.block);
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

/// What to do with the conditional statements that change the states: find them all (where their `cfg`
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

/// An edit, and whether a `#[cfg]` on a `let` or an expression statement before an `.await`
/// counts: it decides whether a state keeps a local, so it is one to write the function for with
/// and without, as one on a statement that awaits (the states would otherwise name a local a
/// configuration does not declare, keep one in a slot whose declaration loses its `#[cfg]`, or
/// drop one early that a configuration does not move).
struct Editor {
    edit: Edit,
    /// Whether `#[cfg]` `let`s and expressions count, not only statements that await.
    lets: bool,
}

impl Editor {
    fn done(&self) -> bool {
        self.edit.done()
    }

    fn conditional(&mut self, attrs: &mut Vec<Attribute>) -> bool {
        self.edit.conditional(attrs)
    }

    /// A statement whose `#[cfg]` changes the states: it awaits, or it is a `let` or an
    /// expression (`drop(v)`, `v = ..`) before an `.await` of its block (`rest`: the statements
    /// after it), which the states see declared, moved or given a value, or not. (A macro
    /// statement, `debug!(..)`, is taken to only read what it names.)
    fn changes_states(&self, stmt: &syn::Stmt, rest: &[syn::Stmt]) -> bool {
        first_await(stmt).is_some()
            || (self.lets
                && matches!(stmt, syn::Stmt::Local(_) | syn::Stmt::Expr(..))
                && rest.iter().any(|s| first_await(s).is_some()))
    }
}

impl VisitMut for Editor {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut i = 0;
        while i < block.stmts.len() {
            if self.done() {
                return;
            }
            let changes = self.changes_states(&block.stmts[i], &block.stmts[i + 1..]);
            let stmt = &mut block.stmts[i];
            if let Some(attrs) = stmt_attrs(stmt).filter(|_| changes) {
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

/// At most this many copies of a function for its `cfg_if!`s.
const MOST_COPIES: usize = 8;

/// `cfg_if! { if #[cfg(a)] { .. } else if #[cfg(b)] { .. } else { .. } }` in the body: what it
/// expands to is one branch's statements, in the block where it stands, so the function is
/// written once per branch, that branch's statements in place of the macro, under the branch's
/// predicate (the first that holds, as `cfg_if!` picks it); rustc keeps the copy that applies.
/// `None` when the body has no `cfg_if!`.
///
/// Input:  `async fn f() { cfg_if! { if #[cfg(unix)] { a().await } else { b() } } }`
/// Output: `#[cfg(unix)] async fn f() { a().await }`
///         `#[cfg(not(any(unix)))] async fn f() { b() }`
pub fn cfg_if(f: &AsyncFn) -> Result<Option<Vec<AsyncFn>>> {
    let mut find = CfgIf::Find(None);
    find.visit_block_mut(&mut f.block.clone());
    let CfgIf::Find(Some((branches, line))) = find else {
        return Ok(None);
    };
    let mut copies = Vec::new();
    let predicates: Vec<&TokenStream> = branches.iter().filter_map(|(p, _)| p.as_ref()).collect();
    let exhaustive = branches.iter().any(|(p, _)| p.is_none());
    let mut taken = branches.clone();
    if !exhaustive {
        taken.push((None, Vec::new()));
    }
    for (i, (predicate, stmts)) in taken.into_iter().enumerate() {
        let earlier = &predicates[..i.min(predicates.len())];
        let condition = match &predicate {
            Some(p) if earlier.is_empty() => quote!(#p),
            Some(p) => quote!(all(#p, not(any(#(#earlier),*)))),
            None => quote!(not(any(#(#predicates),*))),
        };
        let mut copy = f.clone();
        CfgIf::Splice(Some(stmts)).visit_block_mut(&mut copy.block);
        copy.attrs.push(syn::parse_quote!(#[cfg(#condition)]));
        copy.configured.push(match predicate {
            Some(p) => format!("with the `cfg_if!` branch `#[cfg({p})]` at line {line}"),
            None => format!("with the `cfg_if!` `else` at line {line}"),
        });
        copies.push(copy);
    }
    // (The copies of earlier `cfg_if!`s and `#[cfg]` statements multiply with these.)
    if copies.len() > MOST_COPIES || f.configured.len() >= MOST {
        return Err(Error::new(
            f.sig.ident.span(),
            format!(
                "desugar writes the function once per `cfg_if!` branch, and this one needs {} \
                 copies for it after {} other splits (at most {MOST_COPIES} copies, {MOST} \
                 splits); move some of the `cfg_if!`s into functions of their own",
                copies.len(),
                f.configured.len()
            ),
        ));
    }
    Ok(Some(copies))
}

/// A `cfg_if!`'s branches: the `#[cfg(..)]` predicate (`None` for `else`) and the statements.
type Branches = Vec<(Option<TokenStream>, Vec<syn::Stmt>)>;

/// Finds the first `cfg_if!` statement (outside closures, `async` blocks and items), or puts a
/// branch's statements in its place.
enum CfgIf {
    Find(Option<(Branches, usize)>),
    Splice(Option<Vec<syn::Stmt>>),
}

impl VisitMut for CfgIf {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let found = block.stmts.iter().position(|s| match s {
            syn::Stmt::Macro(m) => is_cfg_if(&m.mac) && m.mac.parse_body_with(branches).is_ok(),
            _ => false,
        });
        match (self, found) {
            (CfgIf::Find(slot @ None), Some(at)) => {
                let syn::Stmt::Macro(m) = &block.stmts[at] else {
                    unreachable!("found a macro statement")
                };
                let parsed = m.mac.parse_body_with(branches).expect("parsed above");
                *slot = Some((parsed, m.mac.path.span().start().line));
            }
            (CfgIf::Splice(stmts @ Some(_)), Some(at)) => {
                let stmts = stmts.take().expect("the branch");
                block.stmts.splice(at..=at, stmts);
            }
            (this, _) => {
                let done = matches!(this, CfgIf::Find(Some(_)) | CfgIf::Splice(None));
                if !done {
                    visit_mut::visit_block_mut(this, block);
                }
            }
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `cfg_if!` (the `cfg-if` crate's), by name.
fn is_cfg_if(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "cfg_if")
}

/// `if #[cfg(a)] { .. } else if #[cfg(b)] { .. } else { .. }`.
fn branches(input: syn::parse::ParseStream) -> Result<Branches> {
    let mut out = Vec::new();
    loop {
        input.parse::<syn::Token![if]>()?;
        let attrs = input.call(Attribute::parse_outer)?;
        let [attr] = attrs.as_slice() else {
            return Err(input.error("expected one `#[cfg(..)]`"));
        };
        if !attr.path().is_ident("cfg") {
            return Err(input.error("expected `#[cfg(..)]`"));
        }
        let predicate = attr.meta.require_list()?.tokens.clone();
        out.push((Some(predicate), block_stmts(input)?));
        if input.is_empty() {
            return Ok(out);
        }
        input.parse::<syn::Token![else]>()?;
        if !input.peek(syn::Token![if]) {
            out.push((None, block_stmts(input)?));
            return if input.is_empty() {
                Ok(out)
            } else {
                Err(input.error("expected the end of `cfg_if!`"))
            };
        }
    }
}

fn block_stmts(input: syn::parse::ParseStream) -> Result<Vec<syn::Stmt>> {
    let content;
    syn::braced!(content in input);
    content.call(syn::Block::parse_within)
}

/// `#[cfg(unix)] { a } #[cfg(windows)] { b }` at the end of a block: rustc removes the
/// statements whose predicate fails before it reads the block, and the one left is its value;
/// a macro sees the first as a statement, whose value must then be `()` (E0308). Each becomes a
/// `let` of one name, under its own `#[cfg]`, and the name is the value (`()` where none
/// applies, as the block's would be):
///
/// Input:  `{ x; #[cfg(unix)] { a } #[cfg(windows)] { b } }`
/// Output: `{ x; #[cfg(unix)] let __cfg_tail = { a }; #[cfg(windows)] let __cfg_tail = { b };`
///              `#[cfg(not(any(all(unix), all(windows))))] let __cfg_tail = (); __cfg_tail }`
///
/// (Closures, `async` blocks and items are left as they are: the expansion does not take them
/// apart.)
pub fn joined_tails(block: &mut syn::Block) {
    JoinedTails.visit_block_mut(block);
}

struct JoinedTails;

impl VisitMut for JoinedTails {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        visit_mut::visit_block_mut(self, block);
        let run = (block.stmts.iter_mut().rev())
            .map_while(|s| match s {
                syn::Stmt::Expr(e, None) => crate::syntax::expr_attrs(e)
                    .filter(|attrs| attrs.iter().any(|a| a.path().is_ident("cfg"))),
                _ => None,
            })
            .count();
        if run < 2 {
            return;
        }
        let name = syn::Ident::new("__cfg_tail", proc_macro2::Span::mixed_site());
        let mut predicates = Vec::new();
        let mut lets = Vec::new();
        for stmt in block.stmts.split_off(block.stmts.len() - run) {
            let syn::Stmt::Expr(mut e, None) = stmt else {
                continue;
            };
            let Some(attrs) = crate::syntax::expr_attrs(&mut e) else {
                continue;
            };
            let attrs = std::mem::take(attrs);
            let cfgs = (attrs.iter())
                .filter(|a| a.path().is_ident("cfg"))
                .filter_map(|a| a.meta.require_list().ok().map(|l| l.tokens.clone()));
            predicates.push(quote!(all(#(#cfgs),*)));
            lets.push(quote!(#(#attrs)* let #name = #e;));
        }
        let tail: syn::Block = syn::parse_quote!({
            #(#lets)*
            #[cfg(not(any(#(#predicates),*)))]
            let #name = ();
            #name
        });
        block.stmts.extend(tail.stmts);
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
