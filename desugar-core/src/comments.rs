//! Comments in the expansion. A proc macro's output has no comments (they are not tokens), but
//! the CLI prints the expansion for people, who need the SAFETY comments and the explanations.
//! When printing, each comment is emitted as a `__desugar_comment!("...");` statement that the
//! printer turns back into `//` lines; the macro emits nothing, so the code is the same tokens.

use proc_macro2::TokenStream;
use quote::quote;
use std::cell::Cell;

thread_local! {
    static PRINTING: Cell<bool> = const { Cell::new(false) };
}

/// The name of the marker macro the printer replaces.
pub const MARKER: &str = "__desugar_comment";

/// Runs `f` with comments emitted as markers.
pub fn printing<T>(f: impl FnOnce() -> T) -> T {
    let before = PRINTING.with(|p| p.replace(true));
    let out = f();
    PRINTING.with(|p| p.set(before));
    out
}

/// A comment statement (empty unless printing).
pub fn comment(text: &str) -> TokenStream {
    comment_with(|| text.to_owned())
}

/// A comment statement whose text is only written when printing: the macro, which emits no
/// comments, does not format them once per `.await`.
pub fn comment_with(text: impl FnOnce() -> String) -> TokenStream {
    if PRINTING.with(Cell::get) {
        let marker = proc_macro2::Ident::new(MARKER, proc_macro2::Span::call_site());
        let text = text();
        quote!(#marker!(#text);)
    } else {
        TokenStream::new()
    }
}
