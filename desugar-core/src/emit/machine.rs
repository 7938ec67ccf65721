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
        /// built or polled (the state becomes `Panicked`, dropping what it held, as rustc's
        /// futures do), and at the end of the scope of a local that lives in a slot.
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
