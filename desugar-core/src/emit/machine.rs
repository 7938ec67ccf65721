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
    let poison = hidden("__PoisonOnUnwind");
    let doc = format!(" `{fn_name}`'s future: its state and the code that resumes it.");
    let safety1 = comment(
        "SAFETY: `state` is structurally pinned: it is only ever reached through `Pin<&mut S>` \
         and never moved out; `resume` is not pinned, only called.",
    );
    let safety2 = comment("SAFETY: as above; `this` is not used to move `state` afterwards.");
    quote! {
        #[doc = #doc]
        struct #machine<S, F> {
            state: S,
            resume: F,
        }

        #[allow(unsafe_code)] // the generated code's own, each block with its SAFETY comment
        impl<S, F, T> ::core::future::Future for #machine<S, F>
        where
            F: FnMut(::core::pin::Pin<&mut S>, &mut ::core::task::Context<'_>) -> ::core::task::Poll<T>,
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
                (this.resume)(state, cx)
            }
        }

        /// Runs its closure when dropped: a panic while an awaited future is built or polled
        /// unwinds through it, so the state becomes `Panicked`, dropping what it held, as
        /// rustc's futures do.
        struct #poison<F: FnMut()>(F);

        impl<F: FnMut()> Drop for #poison<F> {
            fn drop(&mut self) {
                (self.0)()
            }
        }

        fn #new_machine<S, F, T>(state: S, resume: F) -> #machine<S, F>
        where
            F: FnMut(::core::pin::Pin<&mut S>, &mut ::core::task::Context<'_>) -> ::core::task::Poll<T>,
        {
            #machine { state, resume }
        }
    }
}
