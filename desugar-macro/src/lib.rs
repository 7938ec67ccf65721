//! The `#[desugar]` attribute. All the work is in `desugar-core`, shared with the CLI so that the
//! CLI prints exactly what this macro emits.

use proc_macro::TokenStream;

/// Replaces an `async fn` (or every `async fn` of an `impl` block) with a plain `fn` returning an
/// explicit enum-based state machine. See the `desugar` crate for the shape of the output.
#[proc_macro_attribute]
pub fn desugar(args: TokenStream, item: TokenStream) -> TokenStream {
    desugar_core::desugar(args.into(), item.into()).into()
}
