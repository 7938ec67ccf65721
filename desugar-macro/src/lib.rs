//! The `#[desugar]` attribute. All the work is in `desugar-core`, shared with the CLI so that the
//! CLI prints exactly what this macro emits.

use proc_macro::TokenStream;

/// Replaces an `async fn` (or every `async fn` of an `impl` block) with a plain `fn` returning an
/// explicit enum-based state machine. See the `desugar` crate for the shape of the output.
///
/// With `DESUGAR_NATIVE` set in the environment of the build, the item is left as written: `cargo
/// desugar --sizes` builds the crate so to measure rustc's own future beside the desugared one.
#[proc_macro_attribute]
pub fn desugar(args: TokenStream, item: TokenStream) -> TokenStream {
    if std::env::var_os("DESUGAR_NATIVE").is_some() {
        return item;
    }
    desugar_core::desugar(args.into(), item.into()).into()
}
