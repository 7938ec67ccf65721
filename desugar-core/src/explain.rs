//! What the CLI's `--explain` shows: for each desugared function, its states — what each awaits,
//! where, what it keeps (moved into the state, or in place for the awaited future to borrow),
//! which locals live in slots, and the guesses made. The same analysis as the expansion.

use crate::{analyze, names, parse};
use syn::{ImplItem, Item};

pub use crate::analyze::arg_ident;
pub use crate::analyze::cfg::Next;

/// A local a state keeps, for the picture `--teach` draws.
pub struct Held {
    pub ident: String,
    /// Its name as a field of the state: the name, unless another local of the function has
    /// it too (`a_2`).
    pub field: String,
    /// Where it is declared.
    pub line: usize,
    /// Its type where the source writes it.
    pub ty: Option<syn::Type>,
    /// Kept in place: the awaited future borrows it.
    pub in_place: bool,
    /// Lives in a slot beside the state, which holds its drop guard: why, in words.
    pub in_slot: Option<&'static str>,
    /// What a hidden local holds (`the iterator of the `for` at line 22`).
    pub what: Option<String>,
}

/// One suspension point's state.
pub struct StateInfo {
    pub name: String,
    pub awaited: String,
    pub line: usize,
    pub column: usize,
    /// Locals moved into the state.
    pub keeps: Vec<String>,
    /// Locals kept in place: the awaited future borrows them.
    pub in_place: Vec<String>,
    /// Locals in slots (they never move) in scope here.
    pub slots: Vec<String>,
    pub notes: Vec<String>,
    /// Not a suspension point: the join after an `if`, `match` or loop whose paths meet there
    /// (its future is `ready(())`).
    pub join: bool,
    /// The loop around it comes back to it without moving what it keeps out of the state.
    pub resumes_in_place: bool,
    /// The awaited expression, without `.await`.
    pub operand: syn::Expr,
    /// What it keeps, in the state (`keeps` and `in_place`) or, in scope, in a slot, in the
    /// order declared, with types where known.
    pub held: Vec<Held>,
    /// Where control goes after it, and the lines it runs on the way.
    pub next: Vec<Next>,
    pub lines: Vec<usize>,
}

pub struct FnInfo {
    /// `name` or `Type::name`, after the path of the inline modules around it
    /// (`net::Server::run`).
    pub name: String,
    /// Where the function starts (its first attribute, if any), 1-based.
    pub line: usize,
    /// Where its body ends, 1-based.
    pub end_line: usize,
    pub states: Vec<StateInfo>,
    /// Guesses about the function as a whole (a macro statement taken to declare items).
    pub notes: Vec<String>,
    /// Its signature (an async block's: what it captures as parameters).
    pub sig: syn::Signature,
    /// For an `async` block: its line.
    pub async_block: Option<usize>,
    /// Where `Start` goes when first polled, and the lines it runs on the way.
    pub start_next: Vec<Next>,
    pub start_lines: Vec<usize>,
    /// Every local that lives in a slot.
    pub slots: Vec<String>,
    /// The name of the expansion's state enum (`FetchDataState`).
    pub state_enum: String,
}

/// The states of every function `expand_file` would desugar (with `all`, every async fn).
pub fn explain_file(file: &syn::File, all: bool) -> (Vec<FnInfo>, Vec<syn::Error>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    items(&file.items, all, "", None, &mut out, &mut errors);
    (out, errors)
}

fn items(
    items: &[Item],
    all: bool,
    prefix: &str,
    self_ty: Option<&str>,
    out: &mut Vec<FnInfo>,
    errors: &mut Vec<syn::Error>,
) {
    for item in items {
        match item {
            Item::Fn(f) => {
                let marked = f.attrs.iter().any(crate::file::is_desugar_attr);
                if marked || (all && f.sig.asyncness.is_some()) {
                    let name = qualified(prefix, self_ty, &f.sig.ident);
                    explain_fn(f.clone(), false, name, out, errors);
                }
            }
            Item::Impl(block) => {
                let marked = block.attrs.iter().any(crate::file::is_desugar_attr);
                let ty = type_name(&block.self_ty);
                for member in &block.items {
                    let ImplItem::Fn(m) = member else { continue };
                    let marked_here = m.attrs.iter().any(crate::file::is_desugar_attr);
                    let wanted = (m.sig.asyncness.is_some() && (marked || all || marked_here))
                        || ((marked || marked_here) && crate::blocks::has_async_block(&m.block));
                    if wanted {
                        let f = syn::ItemFn {
                            attrs: m.attrs.clone(),
                            vis: m.vis.clone(),
                            sig: m.sig.clone(),
                            block: Box::new(m.block.clone()),
                        };
                        let name = qualified(prefix, Some(&ty), &m.sig.ident);
                        let self_ty = marked.then_some(&*block.self_ty);
                        crate::defined::in_impl(self_ty, || {
                            explain_fn(f, block.trait_.is_some(), name, out, errors)
                        });
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, content)) = &m.content {
                    let prefix = format!("{prefix}{}::", m.ident);
                    self::items(content, all, &prefix, None, out, errors);
                }
            }
            _ => {}
        }
    }
}

/// What `--explain` shows of a function written once per configuration (`configs`).
fn configured_note(configured: &[String]) -> Option<String> {
    (!configured.is_empty()).then(|| {
        format!(
            "a macro cannot evaluate `#[cfg]`: the function is written once per configuration of \
             its `#[cfg]` statements that await; shown is the copy {}",
            configured.join(", ")
        )
    })
}

/// A local's name as users read it: hidden locals the expansion introduced say what they are.
fn describe(local: &crate::analyze::Local) -> String {
    let name = local.ident.to_string();
    match what_it_holds(local) {
        Some(holds) => format!("{name} ({holds})"),
        None => name,
    }
}

/// What a hidden local the expansion introduced holds, in words.
fn what_it_holds(local: &crate::analyze::Local) -> Option<String> {
    if local
        .ident
        .to_string()
        .starts_with(crate::analyze::FOR_ITERATOR)
    {
        let line = local.ident.span().start().line;
        return Some(format!("the iterator of the `for` at line {line}"));
    }
    local.holds.clone()
}

/// Why a local lives in a slot rather than in the states.
fn slot_reason(local: &crate::analyze::Local) -> &'static str {
    if local.drop_flag {
        "it is moved on some paths only, and the slot's `Option` is its drop flag"
    } else if local.shadowed {
        "a later local of its name hides it"
    } else if local.array {
        "it is an array, kept at one address rather than copied at every `.await`"
    } else {
        "something borrows it across an `.await`, so it must not move"
    }
}

/// `prefix` (`a::b::` or empty), then `Type::` for a method, then the name.
fn qualified(prefix: &str, self_ty: Option<&str>, ident: &syn::Ident) -> String {
    match self_ty {
        Some(ty) => format!("{prefix}{ty}::{ident}"),
        None => format!("{prefix}{ident}"),
    }
}

/// How a user names an impl's type in a path: `Server` for `Server<T>` or `crate::net::Server`;
/// other types (`&str`, tuples) as written.
pub fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => match p.path.segments.last() {
            Some(last) => last.ident.to_string(),
            None => String::new(),
        },
        other => crate::syntax::compact(&quote::ToTokens::to_token_stream(other)),
    }
}

fn explain_fn(
    f: syn::ItemFn,
    in_trait_impl: bool,
    name: String,
    out: &mut Vec<FnInfo>,
    errors: &mut Vec<syn::Error>,
) {
    let line = syn::spanned::Spanned::span(&f).start().line;
    let end_line = f.block.brace_token.span.close().end().line;
    if f.sig.asyncness.is_none() && f.sig.constness.is_none() {
        // A plain `fn`: each of its `async` blocks, where the function is.
        match crate::blocks::block_fns(&f) {
            Ok(blocks) => {
                for block in blocks {
                    let name = match block.async_block {
                        Some(at) => format!("{name} (the async block at line {at})"),
                        // An `async fn` declared in the body.
                        None => format!("{name}::{}", block.sig.ident),
                    };
                    explain_async(Ok(block), name, (line, end_line), out, errors);
                }
            }
            Err(e) => errors.push(e),
        }
        return;
    }
    let f = parse::Target::async_fns(f, in_trait_impl);
    explain_async(f, name, (line, end_line), out, errors);
}

/// `lines`: where the function (or block) starts and ends.
fn explain_async(
    f: syn::Result<parse::AsyncFn>,
    name: String,
    (line, end_line): (usize, usize),
    out: &mut Vec<FnInfo>,
    errors: &mut Vec<syn::Error>,
) {
    let analysis = f.and_then(|mut f| {
        // Written once per configuration of its `#[cfg]` statements that await: shown is the
        // copy with all of them.
        crate::rules::expand(&mut f);
        while let Some(split) = crate::configs::split(&mut f)? {
            f = split.with;
        }
        crate::rewrite_before_analysis(&mut f)?;
        let a = crate::defined::in_function(&f.sig, &f.block, || analyze::analyze(&f))?;
        Ok((crate::type_names(&f), a, f))
    });
    let (type_names, a, f) = match analysis {
        Ok(x) => x,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    let names = names::assign(&a, &f.sig.ident, &type_names);
    let ident = |id: usize| describe(&a.locals[id]);
    let resumes_in_place =
        crate::defined::in_function(&f.sig, &f.block, || crate::lower::resumes_in_place(&a));
    let mut steps = analyze::cfg::steps(&a).into_iter().map(|step| {
        (
            step.next.into_iter().collect::<Vec<_>>(),
            step.lines.into_iter().collect::<Vec<_>>(),
        )
    });
    let (start_next, start_lines) = steps.next().unwrap_or_default();
    let states = a
        .points
        .iter()
        .enumerate()
        .map(|(p, point)| {
            let layout = &a.layout[p];
            let mut notes = layout.notes.clone();
            notes.extend(point.note.clone());
            let (next, lines) = steps.next().unwrap_or_default();
            let held = layout
                .held(&point.scope)
                .into_iter()
                .map(|(id, in_slot)| {
                    let local = &a.locals[id];
                    Held {
                        field: names.fields[id].to_string(),
                        line: local.ident.span().start().line,
                        what: what_it_holds(local),
                        ident: local.ident.to_string(),
                        ty: local.ty.clone(),
                        in_place: layout.pinned.contains(&id),
                        in_slot: in_slot.then(|| slot_reason(local)),
                    }
                })
                .collect();
            StateInfo {
                operand: point.operand.clone(),
                held,
                next,
                lines,
                name: names.variants[p].to_string(),
                awaited: point.source.clone(),
                line: point.line,
                column: point.column,
                keeps: layout
                    .kept
                    .iter()
                    .filter(|id| !layout.pinned.contains(id))
                    .map(|&id| ident(id))
                    .collect(),
                in_place: layout.pinned.iter().map(|&id| ident(id)).collect(),
                slots: layout.slotted.iter().map(|&id| ident(id)).collect(),
                notes,
                join: point.join.is_some(),
                resumes_in_place: resumes_in_place[p],
            }
        })
        .collect();
    out.push(FnInfo {
        name,
        line,
        end_line,
        states,
        sig: f.sig,
        async_block: f.async_block,
        start_next,
        start_lines,
        slots: a.slots.iter().map(|&id| ident(id)).collect(),
        state_enum: names.state_enum.to_string(),
        notes: configured_note(&f.configured)
            .into_iter()
            .chain(a.notes.iter().cloned())
            .collect(),
    });
}
