//! Which locals each suspension point keeps, and how (rustc's
//! `locals_live_across_suspend_points`, without types).
//!
//! A local in scope at a suspension point is kept in that point's state when it is used after it
//! (live), or when it still holds a value whose drop must wait for the end of its scope. It is
//! *pinned* (kept in place while the awaited future runs, the operand refers to it there) when
//! the awaited expression mentions it and it must survive the await.
//!
//! Without types, `x.m()` may move or borrow `x`. Where that matters the choice is written down
//! in [`Layout::notes`] for the CLI to show.

use super::mentions::Use;
use super::{Analysis, LocalId, Step};

/// What one suspension point keeps.
#[derive(Default, Clone)]
pub struct Layout {
    /// Kept in the state, in declaration order (pinned ones included).
    pub kept: Vec<LocalId>,
    /// Kept in place and reached through a reference by the awaited expression.
    pub pinned: Vec<LocalId>,
    /// Guesses the tool had to make, in words.
    pub notes: Vec<String>,
}

/// Method names that take `self` by value on the types commonly awaited or consumed.
fn consuming(method: &str) -> bool {
    method.starts_with("into_")
        || matches!(
            method,
            "text"
                | "json"
                | "bytes"
                | "unwrap"
                | "expect"
                | "unwrap_or"
                | "unwrap_or_else"
                | "unwrap_or_default"
                | "collect"
                | "ok"
                | "err"
                | "map"
                | "map_err"
                | "and_then"
                | "or_else"
                | "ok_or"
                | "ok_or_else"
                | "then"
                | "boxed"
        )
}

/// Method names that take `&self` or `&mut self` on the types commonly held across awaits.
fn borrowing(method: &str) -> bool {
    method.starts_with("as_")
        || method.starts_with("is_")
        || method.starts_with("to_")
        || method.starts_with("get")
        || method.starts_with("read")
        || method.starts_with("write")
        || method.starts_with("try_")
        || matches!(
            method,
            "len"
                | "iter"
                | "iter_mut"
                | "contains"
                | "contains_key"
                | "push"
                | "push_str"
                | "push_back"
                | "push_front"
                | "pop"
                | "pop_front"
                | "pop_back"
                | "insert"
                | "remove"
                | "clear"
                | "extend"
                | "truncate"
                | "borrow"
                | "borrow_mut"
                | "lock"
                | "clone"
                | "fmt"
                | "eq"
                | "ne"
                | "cmp"
                | "partial_cmp"
                | "starts_with"
                | "ends_with"
                | "first"
                | "last"
                | "keys"
                | "values"
                | "entry"
                | "retain"
                | "sort"
                | "sort_by"
                | "sort_by_key"
                | "dedup"
                | "reserve"
                | "capacity"
                | "recv"
                | "send"
                | "acquire"
                | "notified"
                | "notify_one"
                | "notify_waiters"
                | "flush"
                | "shutdown"
                | "accept"
                | "set"
                | "load"
                | "store"
                | "fetch_add"
                | "fetch_sub"
                | "swap"
                | "next"
                | "peek"
                | "trim"
                | "parse"
                | "split"
                | "lines"
                | "chars"
                | "elapsed"
                | "tick"
                | "changed"
                | "sleep"
                | "call"
        )
}

/// Whether `x` still holds a value at a point.
enum Init {
    Yes,
    No,
    /// Possibly moved by `x.method()`, called at `line`.
    Unknown {
        method: String,
        line: usize,
    },
}

pub fn layouts(a: &Analysis) -> Vec<Layout> {
    let mut out: Vec<Layout> = Vec::with_capacity(a.points.len());
    for point in &a.points {
        let s = point.step;
        let mut layout = Layout::default();
        for (id, local) in a.locals.iter().enumerate() {
            let in_scope = local.decl_step < s && a.open[s].contains(&local.block);
            if !in_scope {
                continue;
            }
            let name = local.ident.to_string();
            let in_operand: Vec<&Use> = a.mentions[s]
                .iter()
                .filter(|m| m.local == id)
                .map(|m| &m.kind)
                .collect();
            let live = live_after(a, id, s);
            let keep;
            let mut pin = false;
            if !in_operand.is_empty() {
                let moves = in_operand.iter().any(|k| **k == Use::Move);
                let receivers: Vec<&str> = in_operand
                    .iter()
                    .filter_map(|k| match k {
                        Use::Receiver(m) => Some(m.as_str()),
                        _ => None,
                    })
                    .collect();
                if live {
                    keep = true;
                    pin = true;
                } else if moves
                    || (!receivers.is_empty() && local.is_reference)
                    || receivers.iter().any(|m| consuming(m))
                {
                    keep = false;
                } else {
                    keep = true;
                    pin = true;
                    if let Some(m) = receivers.iter().find(|m| !borrowing(m)) {
                        layout.notes.push(format!(
                            "`{name}.{m}(..)` in the awaited expression is assumed to borrow \
                             `{name}` (kept in place); if `{m}` takes `self` by value the expansion \
                             fails to compile (E0507)"
                        ));
                    }
                }
            } else if live {
                keep = true;
            } else {
                match init_state(a, &out, id, s) {
                    Init::Yes => keep = true,
                    Init::No => keep = false,
                    Init::Unknown { method, line } => {
                        keep = false;
                        layout.notes.push(format!(
                            "`{name}` is assumed moved by `{name}.{method}(..)` (line {line}); if \
                             it was only borrowed, it is dropped here instead of at the end of its \
                             scope"
                        ));
                    }
                }
            }
            if keep && !live && !pin {
                if let Some(&source) = borrowed_from(a, id).iter().find(|&&src| {
                    src != id
                        && (live_after(a, src, s) || a.mentions[s].iter().any(|m| m.local == src))
                }) {
                    let src = &a.locals[source].ident;
                    layout.notes.push(format!(
                        "`{name}` may borrow `{src}` and is not used after this point, so it is not \
                         kept (rustc does not keep an unused borrow either); if it has a destructor, \
                         that runs here instead of at the end of its scope"
                    ));
                    continue;
                }
            }
            if keep && shadowed(a, id, s) {
                layout.notes.push(format!(
                    "`{name}` is shadowed by a later `{name}` but not yet dropped; the expansion \
                     cannot name it, so it is dropped here instead of at the end of its scope"
                ));
                continue;
            }
            if keep {
                layout.kept.push(id);
            }
            if pin {
                layout.pinned.push(id);
            }
        }
        out.push(layout);
    }
    out
}

/// Used after step `s` before being overwritten, on some path.
fn live_after(a: &Analysis, id: LocalId, s: usize) -> bool {
    let point_resume = a.points.iter().find(|p| p.step == s);
    if let Some(p) = point_resume {
        if p.resume_mentions.iter().any(|m| m.local == id) {
            return true;
        }
    }
    let end = a.block_end[a.locals[id].block];
    for step in s + 1..end.min(a.steps.len()) {
        let first = a.mentions[step].iter().find(|m| m.local == id);
        if let Some(m) = first {
            let overwrites = m.kind == Use::Assign && is_plain_assignment(&a.steps[step]);
            return !overwrites;
        }
        if let Step::Await(p) = a.steps[step] {
            if a.points[p].resume_mentions.iter().any(|m| m.local == id) {
                return true;
            }
        }
    }
    false
}

fn is_plain_assignment(step: &Step) -> bool {
    matches!(step, Step::Stmt(syn::Stmt::Expr(syn::Expr::Assign(_), _)))
}

/// Whether `id` holds a value when step `s` starts, from what the steps since its declaration did
/// with it.
fn init_state(a: &Analysis, earlier: &[Layout], id: LocalId, s: usize) -> Init {
    let local = &a.locals[id];
    let mut state = if local.uninit { Init::No } else { Init::Yes };
    for step in local.decl_step + 1..s {
        if let Step::Await(p) = a.steps[step] {
            let layout = &earlier[p];
            // Not kept at an earlier suspension point: it was moved or dropped there.
            if !layout.kept.contains(&id) {
                state = Init::No;
            }
            for m in a.points[p].resume_mentions.iter().filter(|m| m.local == id) {
                state = transfer(state, a, m, step);
            }
            continue;
        }
        for m in a.mentions[step].iter().filter(|m| m.local == id) {
            state = transfer(state, a, m, step);
        }
    }
    state
}

fn transfer(state: Init, a: &Analysis, m: &super::Resolved, step: usize) -> Init {
    match &m.kind {
        Use::Borrow => state,
        Use::Move => Init::No,
        Use::Assign if is_plain_assignment(&a.steps[step]) => Init::Yes,
        Use::Assign => state,
        Use::Receiver(method) if borrowing(method) => state,
        Use::Receiver(method) if consuming(method) => Init::No,
        Use::Receiver(method) => match state {
            Init::No => Init::No,
            _ => Init::Unknown {
                method: method.clone(),
                line: m.span.start().line,
            },
        },
    }
}

/// The locals whose value `id` may borrow: those its declaring `let` takes a reference to, that
/// a non-`move` closure it holds captures, or whose borrowing accessor it calls (`v.iter()`).
/// A reference-typed local is only copied, so borrowing through it is fine.
fn borrowed_from(a: &Analysis, id: LocalId) -> Vec<LocalId> {
    let step = a.locals[id].decl_step;
    let Some(Step::Stmt(syn::Stmt::Local(local))) = a.steps.get(step) else {
        return Vec::new();
    };
    let closure = local
        .init
        .as_ref()
        .is_some_and(|i| matches!(&*i.expr, syn::Expr::Closure(c) if c.capture.is_none()));
    a.mentions[step]
        .iter()
        .filter(|m| !a.locals[m.local].is_reference)
        .filter(|m| match &m.kind {
            Use::Borrow => true,
            Use::Receiver(method) => closure || returns_borrow(method),
            Use::Move | Use::Assign => false,
        })
        .map(|m| m.local)
        .collect()
}

/// Accessors whose result usually borrows the receiver.
fn returns_borrow(method: &str) -> bool {
    [
        "as_", "iter", "borrow", "get", "split", "trim", "lock", "read", "write", "chars", "lines",
    ]
    .iter()
    .any(|p| method.starts_with(p))
        || matches!(
            method,
            "first"
                | "last"
                | "keys"
                | "values"
                | "drain"
                | "entry"
                | "deref"
                | "deref_mut"
                | "peek"
        )
}

/// Another local with the same name, declared later, is in scope at step `s`.
fn shadowed(a: &Analysis, id: LocalId, s: usize) -> bool {
    let local = &a.locals[id];
    a.locals.iter().enumerate().any(|(other, l)| {
        other > id && l.ident == local.ident && l.decl_step < s && a.open[s].contains(&l.block)
    })
}
