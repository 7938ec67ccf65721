//! The state enum: what users come to read. One variant per suspension point, named after what
//! it awaits, holding the awaited future and the locals kept across it; `Start` holds the
//! arguments; `Done` and `Panicked` are rustc's `Returned` and `Poisoned`.
//!
//! The enum is generic over every type it holds: a proc macro cannot name them, rustc infers
//! them from the first value stored (in source order, inside the function).

use crate::analyze::{Analysis, Join, LocalId};
use crate::names::{Names, hidden};
use crate::syntax::splice;
use proc_macro2::TokenStream;
use quote::quote;

/// The locals that appear in some state, by id.
pub fn stored_locals(a: &Analysis) -> Vec<LocalId> {
    let mut ids: Vec<LocalId> = a.params.clone();
    for layout in &a.layout {
        ids.extend(&layout.kept);
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `subject`: whose future it is (`` `name`'s future ``).
/// `block`: an `async` block's, whose parameters (what it captures) are declared last captured
/// first, so that they drop in the order it captured them (`blocks`); the `Start` state holds
/// them in that order too.
pub fn state_enum(a: &Analysis, names: &Names, subject: &str, block: bool) -> TokenStream {
    let state_enum = &names.state_enum;
    let awaitee = hidden("__awaitee");
    let pinned_marker = hidden("__pinned");
    let private = crate::names::private();
    let stored = stored_locals(a);
    let guard_params: Vec<syn::Ident> = a.slots.iter().map(|&id| names.guard_param(id)).collect();
    let params: Vec<&syn::Ident> = (names.variants.iter().enumerate())
        .filter(|&(p, _)| a.points[p].join.is_none())
        .map(|(_, variant)| variant)
        .chain(stored.iter().map(|&id| &names.local_params[id]))
        .chain(&guard_params)
        .collect();
    let mut start: Vec<LocalId> = a.params.clone();
    if block {
        start.reverse();
    }
    let start_fields = start.iter().map(|&id| {
        let (field, ty) = (&names.fields[id], &names.local_params[id]);
        quote!(#field: #ty)
    });
    let variants = a.points.iter().enumerate().map(|(p, point)| {
        let layout = &a.layout[p];
        let variant = &names.variants[p];
        let held = layout.held(&point.scope);
        let fields = held.iter().rev().map(|&(id, guard)| {
            if guard {
                let (field, ty) = (names.guard_field(id), names.guard_param(id));
                quote!(#field: #ty)
            } else {
                let (field, ty) = (&names.fields[id], &names.local_params[id]);
                quote!(#field: #ty)
            }
        });
        let mut doc = vec![match point.join {
            Some(Join::After(kind)) => format!(
                " Not a suspension point: where {}. The code after the `{kind}` is written \
                 once, here, rather than in every state that reaches it; its future, \
                 `ready(())`, is always ready, so this state never returns `Pending`.",
                point.source
            ),
            Some(Join::LoopHead) => format!(
                " Not a suspension point: where {}. The loop's code up to its first `.await` \
                 builds a closure or an `async` block, whose copies would be two types: it is \
                 written once, here; its future, `ready(())`, is always ready, so this state \
                 never returns `Pending`.",
                point.source
            ),
            None => format!(
                " Suspended at `{}` (line {}, column {}).",
                point.source, point.line, point.column
            ),
        }];
        let list = |ids: &[LocalId]| {
            ids.iter()
                .map(|&id| format!("`{}`", a.locals[id].ident))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let moved: Vec<LocalId> = layout
            .kept
            .iter()
            .copied()
            .filter(|id| !layout.pinned.contains(id))
            .collect();
        if !moved.is_empty() {
            doc.push(format!(" Keeps {}.", list(&moved)));
        }
        let them = |ids: &[LocalId]| if ids.len() == 1 { "it" } else { "them" };
        if !layout.pinned.is_empty() {
            doc.push(format!(
                " Keeps in place {}: the awaited future borrows {}.",
                list(&layout.pinned),
                them(&layout.pinned)
            ));
        }
        if !layout.slotted.is_empty() {
            doc.push(format!(
                " Keeps the drop guard{} of {}, which live{} in slots of the future.",
                if layout.slotted.len() == 1 { "" } else { "s" },
                list(&layout.slotted),
                if layout.slotted.len() == 1 { "s" } else { "" },
            ));
        }
        if let Some(note) = &point.note {
            doc.push(format!(" Note: {note}."));
        }
        for note in &layout.notes {
            doc.push(format!(" Guess: {note}."));
        }
        // (A join's future is always `ready(())`: named, it is known even where no code enters
        // the state, after a `return`.)
        let future = match point.join {
            Some(_) => quote!(::core::future::Ready<()>),
            None => quote!(#variant),
        };
        splice(quote! {
            #(#[doc = #doc])*
            #variant {
                #awaitee: ::core::option::Option<#future>,
                #(#fields,)*
            }
        })
    });
    let doc =
        format!(" The states of {subject}: one per `.await`, each holding what lives across it.");
    quote! {
        #[doc = #doc]
        #[allow(clippy::large_enum_variant)] // the states are what they are; no boxing
        enum #state_enum<#(#params),*> {
            /// Created, not polled yet: holds the arguments. `__pinned` makes the state `!Unpin`:
            /// the futures it stores may borrow its own fields.
            Start {
                #pinned_marker: ::core::marker::PhantomPinned,
                #(#start_fields,)*
            },
            #(#variants,)*
            /// Returned `Poll::Ready`; polling again panics.
            Done,
            /// Panicked while being polled, or between two states; polling again panics.
            Panicked,
        }
        /// What `Machine` asks of the states: how the code leaves one, and what a panic leaves.
        impl<#(#params),*> #private::State for #state_enum<#(#params),*> {
            fn leave(&mut self) -> Self {
                ::core::mem::replace(self, #state_enum::Panicked)
            }
            fn poison(&mut self) {
                if !::core::matches!(self, #state_enum::Done) {
                    *self = #state_enum::Panicked;
                }
            }
        }
    }
}
