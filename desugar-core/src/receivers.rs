//! What rustc says about method receivers, where a macro can only guess.
//!
//! Whether `x.m(..)` moves `x` or borrows it depends on `m`'s signature, which a macro cannot
//! see: the analysis guesses from the name (`analyze::cfg::consuming`) and the expansion checks
//! each guess that matters (`lower::checks`). `cargo desugar --prepare` asks rustc instead, as
//! sqlx's offline mode does for queries: it builds the crate with `#[desugar]` passing functions
//! through, reads each method call's receiver from rustc's THIR (`-Zunpretty=thir-tree`: the
//! receiver is either wrapped in a `Borrow`, shared or mutable, or passed as is) and records
//! them in `.desugar/receivers` beside the workspace's `Cargo.toml`. The macro reads that file
//! when it is there, for the lines whose text is still what was recorded.
//!
//! The file, one line per method call, under the file it is in:
//!
//! ```text
//! file src/lib.rs
//! 12:15 send value #3f9c2a1b
//! 14:9 lock ref #0d4e5f67
//! 15:12 len ref brief #9e01c3aa
//! ```
//!
//! (`brief`: what the call returns cannot hold the borrow, its type has no lifetime; `#..`: a
//! hash of the line's text, so that a line changed since is not read.)

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// How a method call takes its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    /// `self`: the receiver is moved (or copied).
    Value,
    /// `&self`, possibly after auto-deref.
    Shared,
    /// `&mut self`, possibly after auto-deref.
    Mut,
}

impl Mode {
    fn word(self) -> &'static str {
        match self {
            Mode::Value => "value",
            Mode::Shared => "ref",
            Mode::Mut => "mut",
        }
    }

    fn from_word(word: &str) -> Option<Mode> {
        [Mode::Value, Mode::Shared, Mode::Mut]
            .into_iter()
            .find(|m| m.word() == word)
    }
}

/// What rustc told about one method call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Known {
    pub mode: Mode,
    /// What the call returns may hold a borrow (its type has a reference, a lifetime or an
    /// opaque type): a borrow of the receiver may outlive the call.
    pub lends: bool,
    /// What the call returns is a reference (`&T`): a temporary receiver it borrows needs not
    /// outlive the call, only what the reference points to.
    pub reference: bool,
}

/// One method call, where its name starts (line from 1, column from 1, in characters, as rustc
/// prints spans).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub method: String,
    pub known: Known,
}

/// A file's calls, by where the method's name starts, each with the hash of its line's text.
type Calls = HashMap<(usize, usize), (String, Known, u32)>;

/// The recorded calls of some source files.
#[derive(Debug, Default)]
pub struct Table {
    /// What the files' names are relative to.
    root: PathBuf,
    files: HashMap<String, Calls>,
}

impl Table {
    /// The table of `calls`, with the text of their lines as it is now (files read relative to
    /// `root`); a file that cannot be read is left out.
    pub fn new(root: &Path, calls: &[Call]) -> Table {
        let mut table = Table {
            root: root.to_path_buf(),
            ..Table::default()
        };
        let mut texts: HashMap<&str, Option<String>> = HashMap::new();
        for call in calls {
            let text = texts
                .entry(&call.file)
                .or_insert_with(|| std::fs::read_to_string(root.join(&call.file)).ok());
            let Some(line) = text.as_deref().and_then(|t| t.lines().nth(call.line - 1)) else {
                continue;
            };
            table.files.entry(call.file.clone()).or_default().insert(
                (call.line, call.column),
                (call.method.clone(), call.known, hash(line)),
            );
        }
        table
    }

    /// Adds `other`'s calls to this table's.
    pub fn merge(&mut self, other: Table) {
        for (file, calls) in other.files {
            self.files.entry(file).or_default().extend(calls);
        }
    }

    /// The number of files with calls recorded.
    pub fn files(&self) -> usize {
        self.files.len()
    }

    /// The number of calls recorded.
    pub fn len(&self) -> usize {
        self.files.values().map(HashMap::len).sum()
    }

    /// Whether no call is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file's text, sorted so that it does not change when nothing did.
    pub fn format(&self) -> String {
        let mut out = String::from(
            "# How each method call takes its receiver, read from rustc by `cargo desugar \
             --prepare`.\n# `#[desugar]` reads it; run the command again after changing the code.\n",
        );
        let files: BTreeMap<_, _> = self.files.iter().collect();
        for (file, calls) in files {
            out += &format!("file {file}\n");
            let calls: BTreeMap<_, _> = calls.iter().collect();
            for ((line, column), (method, known, text)) in calls {
                // (`brief`: borrowed for the call only.)
                // (`brief`: borrowed for the call only; `ref`: returns a reference.)
                let brief = if known.mode == Mode::Value || known.lends {
                    ""
                } else {
                    " brief"
                };
                let brief = if known.reference { " ref" } else { brief };
                let mode = known.mode.word();
                out += &format!("{line}:{column} {method} {mode}{brief} #{text:08x}\n");
            }
        }
        out
    }

    /// Reads the file's text; only the calls whose lines (in files read relative to `root`)
    /// still read as recorded are kept.
    pub fn parse(text: &str, root: &Path) -> Table {
        let mut table = Table {
            root: root.to_path_buf(),
            ..Table::default()
        };
        let mut current: Option<(String, Vec<u32>)> = None;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let words: Vec<&str> = line.split(' ').collect();
            match words[..] {
                ["file", file] => {
                    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
                    current = Some((file.to_string(), text.lines().map(hash).collect()));
                }
                [at, method, mode, ref rest @ .., recorded] => {
                    let (Some((file, lines)), Some((line, column)), Some(mode)) =
                        (&current, at.split_once(':'), Mode::from_word(mode))
                    else {
                        continue;
                    };
                    let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse()) else {
                        continue;
                    };
                    let now = line.checked_sub(1).and_then(|i| lines.get(i)).copied();
                    let Some(now) = now.filter(|now| format!("#{now:08x}") == recorded) else {
                        continue;
                    };
                    let known = Known {
                        mode,
                        lends: rest != ["brief"],
                        reference: rest == ["ref"],
                    };
                    let calls = table.files.entry(file.clone()).or_default();
                    calls.insert((line, column), (method.to_string(), known, now));
                }
                _ => {}
            }
        }
        table
    }

    fn get(&self, file: &str, line: usize, column: usize, method: &str) -> Option<Known> {
        let (recorded, known, _) = self.files.get(file)?.get(&(line, column))?;
        (recorded == method).then_some(*known)
    }
}

/// FNV-1a (32 bits): a hash that stays the same across builds and toolchains.
fn hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

thread_local! {
    /// The table the expansion under way reads, and the file its spans are in when they do not
    /// say (the CLI parses text, whose spans know lines but no file).
    static CURRENT: RefCell<Option<(Arc<Table>, Option<String>)>> = const { RefCell::new(None) };
}

/// Runs `f` with `table` as what `known` reads.
pub fn with<R>(table: Option<(Arc<Table>, Option<String>)>, f: impl FnOnce() -> R) -> R {
    let before = CURRENT.replace(table);
    let out = f();
    CURRENT.set(before);
    out
}

/// How the method call whose name is `method` takes its receiver, if rustc told.
pub fn known(method: &syn::Ident) -> Option<Known> {
    CURRENT.with_borrow(|current| {
        let (table, default_file) = current.as_ref()?;
        let span = method.span();
        let file = match span.local_file() {
            // (Relative to where rustc runs; the table's names, to where it is.)
            Some(path) => {
                let path = std::env::current_dir().ok()?.join(path);
                path.strip_prefix(&table.root)
                    .ok()?
                    .to_string_lossy()
                    .into_owned()
            }
            None => default_file.clone()?,
        };
        let start = span.start();
        table.get(&file, start.line, start.column + 1, &method.to_string())
    })
}

/// The table of the crate being compiled: `.desugar/receivers` in `CARGO_MANIFEST_DIR` or the
/// nearest directory above it that has one. Paths in it are relative to that directory, as
/// rustc, run by cargo from the workspace root, prints them.
pub fn for_this_crate() -> Option<Arc<Table>> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    load(&manifest).map(|(table, _)| table)
}

/// The table that covers the source file `path` (the CLI's), with the file's name in it.
pub fn for_file(path: &Path) -> Option<(Arc<Table>, Option<String>)> {
    let path = std::fs::canonicalize(path).ok()?;
    let (table, root) = load(path.parent()?)?;
    let file = path
        .strip_prefix(&root)
        .ok()?
        .to_string_lossy()
        .into_owned();
    Some((table, Some(file)))
}

/// The table in `dir` or the nearest directory above that has one, and that directory; read
/// once per change of the file (a compiler's plugin runs once per function).
fn load(dir: &Path) -> Option<(Arc<Table>, PathBuf)> {
    type Loaded = HashMap<PathBuf, (SystemTime, Arc<Table>)>;
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    let root = dir
        .ancestors()
        .find(|dir| dir.join(FILE).is_file())?
        .to_path_buf();
    let path = root.join(FILE);
    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    let mut loaded = LOADED.get_or_init(Default::default).lock().ok()?;
    let table = match loaded.get(&path) {
        Some((at, table)) if *at == modified => table.clone(),
        _ => {
            let text = std::fs::read_to_string(&path).ok()?;
            let table = Arc::new(Table::parse(&text, &root));
            loaded.insert(path, (modified, table.clone()));
            table
        }
    };
    Some((table, root))
}

/// Where the table is, relative to the workspace root.
pub const FILE: &str = ".desugar/receivers";

/// The method calls in rustc's `-Zunpretty=thir-tree` output. A method call is a `Call` whose
/// callee (`fun`, a function item spanning the method's name) comes after its first argument,
/// the receiver; the receiver's expression, under any `Scope`, is a `Borrow` (shared or
/// mutable) or anything else, which takes it by value.
pub fn read_thir(thir: &str) -> Vec<Call> {
    let lines: Vec<&str> = thir.lines().map(str::trim).collect();
    let mut calls = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if *line == "Call {"
            && let Some(mut call) = method_call(&lines[i + 1..])
        {
            // The call's own type, in the `Expr` whose kind it is, tells what it returns.
            let ty = lines[i.saturating_sub(5)..i]
                .iter()
                .find_map(|l| l.strip_prefix("ty: "));
            call.known.lends = ty.is_none_or(may_borrow);
            call.known.reference = ty.is_some_and(|ty| ty.starts_with('&'));
            calls.push(call);
        }
    }
    calls.sort();
    calls.dedup();
    calls
}

fn method_call(lines: &[&str]) -> Option<Call> {
    // `ty: FnDef(DefId(0:9 ~ a[4c2f]::{impl#0}::take), [])`
    let ty = lines.first()?.strip_prefix("ty: FnDef(DefId(")?;
    let path = ty.split_once(" ~ ")?.1.split_once(')')?.0;
    let method = path.rsplit("::").next()?.to_string();
    // The callee: `fun:`, `Expr {`, its `ty`, `temp_scope_id`, `span`.
    let fun = lines.iter().position(|l| *l == "fun:")?;
    let fun_span = span(lines.get(fun + 1..fun + 6)?)?;
    if !lines[fun + 1..]
        .iter()
        .take(8)
        .any(|l| l.starts_with("ZstLiteral"))
    {
        return None;
    }
    let args = fun + lines[fun..].iter().position(|l| *l == "args: [")?;
    let mut at = args + 1;
    let receiver_span = span(lines.get(at..at + 5)?)?;
    if (receiver_span.1, receiver_span.2) >= (fun_span.1, fun_span.2)
        || receiver_span.0 != fun_span.0
    {
        return None;
    }
    // The receiver's kind, under its scopes.
    let mode = loop {
        let kind = at + lines[at..].iter().position(|l| *l == "kind:")?;
        match *lines.get(kind + 1)? {
            "Scope {" => at = kind + 2,
            "Borrow (" => {
                let borrow = lines.get(kind + 2)?.strip_prefix("borrow_kind: ")?;
                break if borrow.starts_with("Mut") {
                    Mode::Mut
                } else {
                    Mode::Shared
                };
            }
            _ => break Mode::Value,
        }
    };
    Some(Call {
        file: fun_span.0,
        line: fun_span.1,
        column: fun_span.2,
        method,
        known: Known {
            mode,
            lends: true,
            reference: false,
        },
    })
}

/// Whether a value of the type rustc printed can hold a borrow: a reference, a lifetime
/// (`'{erased}`), a raw pointer, or a type that hides what it captures (opaque, closure,
/// coroutine, trait object).
fn may_borrow(ty: &str) -> bool {
    [
        "&",
        "'",
        "*const",
        "*mut",
        "Alias(",
        "Closure(",
        "Coroutine",
        "dyn ",
    ]
    .iter()
    .any(|mark| ty.contains(mark))
}

/// The first `span: FILE:LINE:COL: LINE:COL (#N)` among `lines`, from the source as written
/// (`#0`: not from a macro's or the compiler's own code).
fn span(lines: &[&str]) -> Option<(String, usize, usize)> {
    let span = lines.iter().find_map(|l| l.strip_prefix("span: "))?;
    let (range, context) = span.rsplit_once(' ')?;
    if context != "(#0)" {
        return None;
    }
    // `src/lib.rs:6:15: 6:19`: the file may hold colons, the rest does not.
    let (start, _end) = range.rsplit_once(": ")?;
    let mut parts = start.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_method_calls_and_their_receivers() {
        // (The shape of `-Zunpretty=thir-tree`, cut to one call.)
        let thir = "
            Call {
                ty: FnDef(DefId(0:9 ~ a[4c2f]::{impl#0}::take), [])
                from_hir_call: true
                fn_span: src/a.rs:6:15: 6:21 (#0)
                fun:
                    Expr {
                        ty: FnDef(DefId(0:9 ~ a[4c2f]::{impl#0}::take), [])
                        temp_scope_id: 78
                        span: src/a.rs:6:15: 6:19 (#0)
                        kind:
                            ZstLiteral(user_ty: None)
                    }
                args: [
                    Expr {
                        ty: &'{erased} mut V
                        temp_scope_id: 80
                        span: src/a.rs:6:13: 6:14 (#0)
                        kind:
                            Scope {
                                region_scope: Node(80)
                                hir_id: HirId(DefId(0:13 ~ a[4c2f]::f).80)
                                value:
                                    Expr {
                                        ty: &'{erased} mut V
                                        temp_scope_id: 80
                                        span: src/a.rs:6:13: 6:14 (#0)
                                        kind:
                                            Borrow (
                                                borrow_kind: Mut { kind: TwoPhaseBorrow }
        ";
        let calls = read_thir(thir);
        assert_eq!(
            calls,
            [Call {
                file: "src/a.rs".into(),
                line: 6,
                column: 15,
                method: "take".into(),
                known: Known {
                    mode: Mode::Mut,
                    lends: true,
                    reference: false,
                }
            }]
        );
        // A path call (`V::take(x)`) is not a method call: its callee comes first.
        let path_call = thir.replace("6:15: 6:19", "6:9: 6:12");
        assert!(read_thir(&path_call).is_empty());
    }

    #[test]
    fn a_table_is_read_only_for_files_that_did_not_change() {
        let root = std::env::temp_dir().join(format!("desugar-receivers-{}", std::process::id()));
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.rs"), "fn f() {}\n\nx.send();").unwrap();
        let call = |method: &str, mode| Call {
            file: "src/a.rs".into(),
            line: 3,
            column: 7,
            method: method.into(),
            known: Known {
                mode,
                lends: false,
                reference: false,
            },
        };
        let text = Table::new(&root, &[call("send", Mode::Value)]).format();
        assert!(text.contains("\n3:7 send value #"), "{text}");
        let read = Table::parse(&text, &root);
        let known = read.get("src/a.rs", 3, 7, "send");
        assert_eq!(known.map(|k| k.mode), Some(Mode::Value));
        // Another method at the same place, or another place: not known.
        assert_eq!(read.get("src/a.rs", 3, 7, "get"), None);
        assert_eq!(read.get("src/a.rs", 3, 8, "send"), None);
        // A line that changed is not read; the others are.
        std::fs::write(root.join("src/a.rs"), "fn f() {}\n\nx.send(); // edited").unwrap();
        assert!(Table::parse(&text, &root).is_empty());
        std::fs::write(root.join("src/a.rs"), "fn g() {}\n\nx.send();").unwrap();
        assert_eq!(Table::parse(&text, &root).len(), 1);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
