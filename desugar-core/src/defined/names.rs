//! The names of std's everyday methods, which the crate's own methods of that name do not answer for.

/// A method name of std's everyday types (iterators, `Option`, `Result`, collections, strings,
/// smart pointers, conversions) or one the name guesses know (`analyze::cfg`): on a receiver of
/// unknown type, the crate's method of that name is no better a guess.
pub(super) fn std_method(name: &str) -> bool {
    use crate::analyze::cfg::{borrowing, consuming, returns_borrow};
    consuming(name)
        || borrowing(name)
        || returns_borrow(name)
        || name.starts_with("unwrap")
        || name.starts_with("map_")
        || name.starts_with("or_")
        || name.starts_with("checked_")
        || name.starts_with("saturating_")
        || name.starts_with("wrapping_")
        || matches!(
            name,
            "copied"
                | "cloned"
                | "and"
                | "and_then"
                | "or"
                | "min_by"
                | "min_by_key"
                | "max_by"
                | "max_by_key"
                | "skip"
                | "skip_while"
                | "take"
                | "take_while"
                | "find"
                | "find_map"
                | "filter"
                | "fold"
                | "try_fold"
                | "try_for_each"
                | "chunks_exact"
                | "rev"
                | "zip"
                | "chain"
                | "enumerate"
                | "peekable"
                | "flatten"
                | "flat_map"
                | "inspect"
                | "fuse"
                | "cycle"
                | "step_by"
                | "scan"
                | "sum"
                | "product"
                | "count"
                | "nth"
                | "any"
                | "all"
                | "position"
                | "rposition"
                | "for_each"
                | "reduce"
                | "partition"
                | "unzip"
                | "by_ref"
                | "replace"
                | "filter_map"
                | "get_or_insert"
                | "get_or_insert_with"
                | "xor"
                | "transpose"
                | "join"
                | "concat"
                | "repeat"
                | "append"
                | "drain"
                | "resize"
                | "fill"
                | "swap_remove"
                | "binary_search"
                | "reverse"
                | "abs"
                | "pow"
                | "min"
                | "max"
                | "hash"
                | "from"
                | "default"
                | "upgrade"
                | "downgrade"
                | "wake"
                | "wake_by_ref"
                | "poll"
                | "await"
        )
}
