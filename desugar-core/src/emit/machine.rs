//! The future itself: the state and the code that advances it, which is a closure so that it is
//! type-checked inside the function, where the types the enum is generic over are known.
//!
//! The closure is passed through `__machine`, whose `where` clause names the closure's signature:
//! rustc deduces a closure's parameter types from the bounds of the function it is passed to, so
//! the closure body sees the state's concrete types.

use crate::comments::comment;
use crate::names::hidden;
use proc_macro2::TokenStream;
use quote::quote;

pub fn machine(fn_name: &str) -> TokenStream {
    let machine = hidden("__Machine");
    let new_machine = hidden("__machine");
    let poison = hidden("__OnDrop");
    let slot_guard = hidden("__SlotGuard");
    let send_safety = comment(
        "SAFETY: the guard only drops the slot's value (a `T`): it may move to another thread, \
         or be shared, exactly when a `T` may.",
    );
    let slot_safety = comment(
        "SAFETY: the pointer is to a slot of the pinned future, which outlives its state (the \
         guard lives in the state or in the poll closure while the future is polled).",
    );
    let doc = format!(" `{fn_name}`'s future: its state and the code that resumes it.");
    let safety1 = comment(
        "SAFETY: `state` and `slots` are structurally pinned: they are only ever reached \
         through `Pin<&mut _>` and never moved out; `resume` is not pinned, only called.",
    );
    let safety2 = comment("SAFETY: as above; `this` is not used to move `state` afterwards.");
    quote! {
        #[doc = #doc]
        struct #machine<S, L, F> {
            state: S,
            slots: L,
            resume: F,
        }

        #[allow(unsafe_code)] // the generated code's own, each block with its SAFETY comment
        impl<S, L, F, T> ::core::future::Future for #machine<S, L, F>
        where
            F: FnMut(
                ::core::pin::Pin<&mut S>,
                ::core::pin::Pin<&mut L>,
                &mut ::core::task::Context<'_>,
            ) -> ::core::task::Poll<T>,
        {
            type Output = T;

            fn poll(
                self: ::core::pin::Pin<&mut Self>,
                cx: &mut ::core::task::Context<'_>,
            ) -> ::core::task::Poll<T> {
                #safety1
                let this = unsafe { self.get_unchecked_mut() };
                #safety2
                let state = unsafe { ::core::pin::Pin::new_unchecked(&mut this.state) };
                #safety2
                let slots = unsafe { ::core::pin::Pin::new_unchecked(&mut this.slots) };
                (this.resume)(state, slots, cx)
            }
        }

        /// Runs its closure when dropped: when a panic unwinds through an awaited future being
        /// built or polled, the state becomes `Panicked`, dropping what it held, as rustc's
        /// futures do.
        struct #poison<F: FnMut()>(::core::option::Option<F>);

        impl<F: FnMut()> #poison<F> {
            fn new(f: F) -> Self {
                #poison(::core::option::Option::Some(f))
            }

            /// Dropping it does nothing any more.
            fn defuse(&mut self) {
                self.0 = ::core::option::Option::None;
            }
        }

        impl<F: FnMut()> Drop for #poison<F> {
            fn drop(&mut self) {
                if let ::core::option::Option::Some(f) = &mut self.0 {
                    f()
                }
            }
        }

        /// The drop of a local that lives in a slot: it travels through the states like a kept
        /// local, so that the local is dropped where rustc drops it — at the end of its scope,
        /// or in order with the others when the future is dropped.
        struct #slot_guard<T>(*mut ::core::option::Option<T>);

        #send_safety
        #[allow(unsafe_code)]
        unsafe impl<T: Send> Send for #slot_guard<T> {}
        #[allow(unsafe_code)]
        unsafe impl<T: Sync> Sync for #slot_guard<T> {}

        impl<T> Drop for #slot_guard<T> {
            fn drop(&mut self) {
                #slot_safety
                #[allow(unsafe_code)]
                unsafe {
                    *self.0 = ::core::option::Option::None;
                }
            }
        }

        fn #new_machine<S, L, F, T>(state: S, slots: L, resume: F) -> #machine<S, L, F>
        where
            F: FnMut(
                ::core::pin::Pin<&mut S>,
                ::core::pin::Pin<&mut L>,
                &mut ::core::task::Context<'_>,
            ) -> ::core::task::Poll<T>,
        {
            #machine { state, slots, resume }
        }
    }
}
