//! The command lines, as clap reads them: the doc comments are the help text. `desugar` and
//! `cargo desugar` differ in where the source comes from and share everything else ([`View`]).

use clap::{Args, Parser, ValueEnum};
use std::path::PathBuf;

/// Print what `#[desugar]` makes of the async fns in a Rust file: each one as the explicit
/// enum-based state machine that implements `Future`.
#[derive(Parser, Debug)]
#[command(name = "desugar", version)]
pub struct Opts {
    /// The Rust source file to expand, or `-` for standard input.
    pub file: PathBuf,

    /// Print only this function, desugared whether marked `#[desugar]` or not: `name`,
    /// `Type::name` for a method, or a longer path (`net::Server::run`).
    #[arg(long = "fn", value_name = "NAME")]
    pub function: Option<String>,

    #[command(flatten)]
    pub view: View,
}

/// `cargo desugar`: the same for a whole crate, found through `cargo metadata`.
#[derive(Parser, Debug)]
#[command(name = "cargo", bin_name = "cargo")]
pub enum Cargo {
    /// Print what `#[desugar]` makes of the async fns of a crate: every module file, with its
    /// `#[desugar]` functions expanded into their state machines.
    #[command(version)]
    Desugar(CargoOpts),
}

#[derive(Args, Debug)]
pub struct CargoOpts {
    /// Print only this item: a function's path in the crate (`run`, `Server::run`,
    /// `net::Server::run`).
    pub item: Option<String>,

    /// The package to expand (default: the one in the current directory, or the workspace's
    /// only member).
    #[arg(short, long, value_name = "SPEC")]
    pub package: Option<String>,

    /// Expand this binary target instead of the library.
    #[arg(long, value_name = "NAME")]
    pub bin: Option<String>,

    /// The `Cargo.toml` to start from.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Instead of the expansion, how big each async fn's future is and where its memory goes:
    /// each state's size and what it holds, from rustc's own layout (the crate is built, with
    /// `RUSTC_BOOTSTRAP=1` for `-Zprint-type-sizes`); for `#[desugar]` functions rustc's and the
    /// expansion's side by side; with `--graph`, each state's size is on its node, the largest
    /// filled.
    #[arg(long, conflicts_with_all = ["explain", "side_by_side", "teach", "check"])]
    pub sizes: bool,

    /// Instead of the expansion, ask rustc how each method call of the workspace takes its
    /// receiver (by value, `&` or `&mut`), which a macro cannot see, and record it in
    /// `.desugar/receivers` for `#[desugar]` to read: the crate is checked once as written (in
    /// a target directory of its own, with `RUSTC_BOOTSTRAP=1` for `-Zunpretty=thir-tree`). Run
    /// it again after changing the code; a file changed since is read without it.
    #[arg(long, conflicts_with_all = ["sizes", "explain", "side_by_side", "teach", "check"])]
    pub prepare: bool,

    /// With `--prepare`: the features to check the crate with (as cargo's `--features`).
    #[arg(long, value_name = "FEATURES", requires = "prepare")]
    pub features: Option<String>,

    /// With `--sizes`: exit with 1 when a future is larger than this, saying why.
    #[arg(long, value_name = "BYTES", requires = "sizes")]
    pub max_size: Option<u64>,

    #[command(flatten)]
    pub view: View,
}

/// What to print and how.
#[derive(Args, Debug, Clone)]
pub struct View {
    /// Expand every `async fn` with a body, marked `#[desugar]` or not.
    #[arg(long)]
    pub all: bool,

    /// Instead of the expansion, a table per function: its states, what each awaits and where,
    /// what it keeps (moved into the state, or in place for the awaited future to borrow), the
    /// locals in slots, and the guesses made.
    #[arg(long, conflicts_with = "side_by_side")]
    pub explain: bool,

    /// Instead of the expansion, a simplified picture of each function's future: an enum named
    /// after it with a variant per `.await` holding what that state keeps, and a `poll` with an
    /// arm per state (what runs, where it returns `Pending`, which state comes next).
    #[arg(long, conflicts_with_all = ["explain", "side_by_side", "format"])]
    pub teach: bool,

    /// Instead of the expansion, the state diagram of every function: a node per state (its
    /// `.await` and line), an edge for every transition. `dot` for Graphviz, `svg` drawn here.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["explain", "side_by_side", "format", "teach"])]
    pub graph: Option<GraphFormat>,

    /// `json`: the `--explain` data as JSON, for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Each function's source (its suspension points marked) next to its expansion.
    #[arg(long, visible_alias = "diff", conflicts_with = "format")]
    pub side_by_side: bool,

    /// Only check that every selected async fn can be desugared: diagnostics on standard
    /// error, exit code 1 if one cannot, nothing on standard output (`cargo desugar --check`
    /// also builds the crate and reports an expansion rustc rejects).
    #[arg(long, conflicts_with_all = ["explain", "side_by_side", "format", "teach", "graph"])]
    pub check: bool,

    /// Syntax highlighting and colored diagnostics (`auto`: when printing to a terminal and
    /// `NO_COLOR` is not set).
    #[arg(long, value_enum, default_value_t = When::Auto, value_name = "WHEN")]
    pub color: When,

    /// The highlighting theme: one of syntect's bundled themes.
    #[arg(long, default_value = crate::highlight::DEFAULT_THEME, value_name = "NAME")]
    pub theme: String,

    /// Page long output through `$DESUGAR_PAGER`, `$PAGER` or `less` (`auto`: when printing to
    /// a terminal).
    #[arg(long, value_enum, default_value_t = When::Auto, value_name = "WHEN")]
    pub paging: When,
}

impl Default for View {
    /// What `desugar FILE` does without options, colors and pager off.
    fn default() -> Self {
        View {
            all: false,
            explain: false,
            teach: false,
            graph: None,
            format: Format::Text,
            side_by_side: false,
            check: false,
            color: When::Never,
            theme: crate::highlight::DEFAULT_THEME.to_string(),
            paging: When::Never,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Svg,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::{Cargo, Opts};
    use clap::CommandFactory;

    #[test]
    fn commands_are_well_formed() {
        Opts::command().debug_assert();
        Cargo::command().debug_assert();
    }
}
