//! Emission: assembles the desugared `fn` from its signature, the state enum, the machine and
//! the arms the lowering wrote.
//!
//! Output, for `async fn name(args) -> T { body }`:
//!
//! ```text
//! fn name(args) -> impl Future<Output = T> {
//!     enum FetchDataState<..> { Start { args }, Get { __awaitee, locals }, .., Done, Panicked }
//!     impl State for FetchDataState<..> { leave: replace(self, Panicked); poison: on a panic }
//!     // `Machine { state, slots, resume }` implements `Future` once, in `desugar::__private`
//!     machine(FetchDataState::Start { args }, (slots), |__state, __slots, __cx| -> Poll<T> {
//!         let __state: *mut FetchDataState<_, ..> = ..;        // the pinned state
//!         '__poll: loop {
//!             let __output = '__ret: {
//!                 match unsafe { &mut *__state } {
//!                     FetchDataState::Start { .. } => { run to the first .await, enter its state }
//!                     FetchDataState::Get { __awaitee, .. } => { poll; Pending => return Pending;
//!                                                          Ready => run on to the next .await }
//!                     FetchDataState::Done => panic!(..), FetchDataState::Panicked => panic!(..),
//!                 }
//!             };
//!             *__state = FetchDataState::Done;
//!             return Poll::Ready(__output);
//!         }
//!     })
//! }
//! ```

pub mod signature;
pub mod state;

use crate::analyze::Analysis;
use crate::comments::comment;
use crate::lower::{Lowered, panic_resumed};
use crate::names::{Names, hidden, label};
use crate::parse::AsyncFn;
use crate::syntax::splice;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

pub fn emit(
    f: &AsyncFn,
    a: &Analysis,
    names: &Names,
    sig: &signature::Desugared,
    arms: Lowered,
) -> TokenStream {
    let fn_name = f.sig.ident.to_string();
    let state_enum = &names.state_enum;
    let (state, cx, awaitee, output) = (
        hidden("__state"),
        hidden("__cx"),
        hidden("__awaitee"),
        hidden("__output"),
    );
    let (ret, poll) = (label("__ret"), label("__poll"));
    let current = hidden("__current");
    let slots = hidden("__slots");
    let nones = a.slots.iter().map(|_| quote!(::core::option::Option::None));
    let slots_init = quote!((#(#nones,)*));
    let slots_ptr = (!a.slots.is_empty()).then(|| {
        let safety = comment(
            "SAFETY: the slots are pinned: a local in a slot stays at one address until its scope \
             ends (or the future is dropped).",
        );
        quote! {
            #safety
            #[allow(unsafe_code)]
            let #slots: *mut _ = unsafe { ::core::pin::Pin::get_unchecked_mut(#slots) };
        }
    });
    // The state enum's type parameters, all inferred: `FetchDataState<_, _, ..>`.
    let futures = a.points.iter().filter(|p| p.join.is_none()).count();
    let n_params = futures + state::stored_locals(a).len() + a.slots.len();
    let infer: Vec<TokenStream> = (0..n_params).map(|_| quote!(_)).collect();
    let current_ty = sig
        .pinned
        .as_ref()
        .map(|pinned| quote!(: &#pinned mut #state_enum<#(#infer),*>));
    let subject = match f.async_block {
        Some(line) => format!("the `async` block's future (line {line})"),
        None => format!("`{fn_name}`'s future"),
    };
    let enum_def = splice(state::state_enum(
        a,
        names,
        &subject,
        f.async_block.is_some(),
    ));
    let private = crate::names::private();
    let machine_note = comment(
        "The future: `desugar::__private::Machine { state, slots, resume }`, defined once for \
         all desugared functions (the CLI prints it after the expansion). The closure below is \
         this future's `poll`: `Machine::poll` pins the state and the slots and calls it, and it \
         runs the code of the current state until the function returns or an awaited future \
         returns `Poll::Pending`. If it panics, `poll` poisons the state (`State::poison`) while \
         unwinding.",
    );
    let pinned_marker = hidden("__pinned");

    let start_fields = sig.start_fields.iter().map(|(field, value)| {
        if field == value {
            quote!(#field)
        } else {
            quote!(#field: #value)
        }
    });
    let annotation = sig
        .output
        .as_ref()
        .map(|t| quote!(-> ::core::task::Poll<#t>));
    let output_ty = sig.output.as_ref().map(|t| quote!(: #t));
    let items = &a.items;
    let guesses = a
        .notes
        .iter()
        .map(|note| comment(&format!("Guess: {note}.")));
    let start = splice(arms.start);
    let in_place = arms.in_place;
    let poll_arms = arms.resumes.into_iter().enumerate().map(|(p, body)| {
        let body = splice(body);
        let variant = &names.variants[p];
        if in_place[p] {
            // The arm binds what it needs itself, at each new poll of the state.
            return quote!(#state_enum::#variant { .. } => { #body });
        }
        let pinned = crate::lower::pinned_bindings(a, names, p);
        quote! {
            #state_enum::#variant { #awaitee, #(#pinned,)* .. } => { #body }
        }
    });
    let inputs = (0..a.points.len())
        .filter(|&p| !a.layout[p].consumed.is_empty() && !crate::lower::eager(a, p))
        .map(|p| {
            let inputs = crate::lower::inputs_ident(p);
            quote!(let mut #inputs = ::core::option::Option::None;)
        });
    let completed = panic_resumed("completion");
    let safety_ref = comment("SAFETY: `__state` points to the pinned state, valid for this call.");
    let done = comment(
        "The body finished and its locals are dropped: record it, then return the output. \
         SAFETY: as above.",
    );
    let safety_ptr = comment(
        "SAFETY: the state is pinned: it is never moved out through this pointer; locals move \
         out of a state only after the future that borrowed them was dropped.",
    );
    let panicked = panic_resumed("panicking");
    // A user's labeled loop is written again in each state that re-enters it; in a copy that
    // suspends before reaching the `break 'label` inside, the label is unused.
    let dispatch = splice(quote! {
        #[allow(unused_labels)]
        let #output #output_ty = #ret: {
            #safety_ref
            #[allow(unsafe_code)]
            let #current #current_ty = unsafe { &mut *#state };
            match #current {
                #state_enum::Start { .. } => { #start }
                #(#poll_arms)*
                #state_enum::Done => #completed,
                #state_enum::Panicked => #panicked,
            }
        };
        #done
        // (Unreachable where every path of the body diverges: a `panic!` at its end, a `loop`
        // never left, a `-> !`.)
        #[allow(unsafe_code, unreachable_code)]
        unsafe { *#state = #state_enum::Done };
        #[allow(unreachable_code)]
        return ::core::task::Poll::Ready(#output);
    });
    let body = splice(if a.points.is_empty() {
        quote!(#dispatch)
    } else {
        quote!(#poll: loop { #dispatch })
    });
    let errors = arms.errors.iter().map(syn::Error::to_compile_error);
    let configured = (!f.configured.is_empty()).then(|| {
        let (what, kind) = match f.async_block {
            Some(_) => ("the `async` block".to_owned(), "block"),
            None => (format!("`{fn_name}`"), "function"),
        };
        comment(&format!(
            "The copy of {what} {}: a macro cannot evaluate `#[cfg]`, so the {kind} is written \
             for each configuration and rustc keeps the one that applies.",
            f.configured.join(", ")
        ))
    });
    let attrs = &f.attrs;
    // In a trait impl, `Captures` is a bound the trait's `async fn` does not have: allowed.
    let refines = sig.refines.then(|| quote!(#[allow(refining_impl_trait)]));
    let vis = &f.vis;
    let signature = &sig.sig;
    let span = f.sig.fn_token.span;
    quote_spanned! {span=>
        #(#attrs)*
        #refines
        #vis #signature {
            #configured
            #(#errors)*
            #enum_def
            #machine_note
            #private::machine(
                #state_enum::Start {
                    #pinned_marker: ::core::marker::PhantomPinned,
                    #(#start_fields,)*
                },
                #slots_init,
                |#state, #slots, #cx| #annotation {
                    #slots_ptr
                    #(#guesses)*
                    #(#items)*
                    #(#inputs)*
                    #safety_ptr
                    #[allow(unsafe_code)]
                    let #state: *mut #state_enum<#(#infer),*> =
                        unsafe { ::core::pin::Pin::get_unchecked_mut(#state) };
                    #body
                },
            )
        }
    }
}
