//! What the crate's own source says about the receivers of the methods it defines.
//!
//! Without `cargo desugar --prepare` (`receivers`), whether `x.m(..)` moves `x` is guessed from
//! `m`'s name. The methods an `async fn` calls on its locals are often the crate's own, and their
//! signatures are in its source: the macro reads the `.rs` files of the crate being compiled once
//! (under `CARGO_MANIFEST_DIR`, and the files `#[path]` attributes name; the CLI, those of the
//! crate around its file) and answers from the `fn m(self | &self | &mut self ..)`s it finds: the
//! ones of the receiver's type when the function declares it (`x: Conn`, `let x: Conn`,
//! `let x = Conn::new(..)`), or else all of them when they agree. It is still a guess (a type of
//! another crate may have a method of that name), checked as a guess from the name is
//! (`lower::checks`).

use crate::receivers::{Known, Mode};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use syn::visit::Visit;

/// The methods with a receiver a crate's source defines, by name.
#[derive(Debug, Default)]
pub struct Defined {
    methods: HashMap<String, Vec<Def>>,
    /// The structs and enums declared without generic parameters, which hold no borrow.
    owned: HashSet<String>,
    /// Those declared with some: one name both ways is not taken as owned.
    generic: HashSet<String>,
    /// The return types of functions and methods, by type (none: free) and name.
    outputs: HashMap<(Option<String>, String), Vec<Output>>,
}

/// One definition: on which type (the last segment of the `impl`'s type; none in a trait), how
/// it takes `self`, and what it returns.
#[derive(Debug)]
struct Def {
    on: Option<String>,
    mode: Mode,
    returns: Returns,
}

/// The name of a return type (`Self` as written), and of the `T` of the `Result<T, _>` or
/// `Option<T>` it is.
#[derive(Debug)]
struct Output {
    whole: Option<String>,
    unwrapped: Option<String>,
    /// Of an `async fn`: the type of the call's `.await`, the call itself a future.
    awaited: bool,
}

/// Whether what a method returns can hold a borrow of its receiver.
#[derive(Debug)]
enum Returns {
    /// Made of primitives, std's owning types and these types of the crate: a borrow only if
    /// one of those has a lifetime.
    Owned(Vec<String>),
    /// A reference, a lifetime, an opaque type, a type parameter, a future..
    Borrowing,
}

impl Defined {
    /// The definitions in one file's source, and the modules it declares in other files;
    /// unparsable text defines nothing.
    fn read(&mut self, source: &str) -> Vec<Module> {
        let Ok(file) = syn::parse_file(source) else {
            return Vec::new();
        };
        let mut reader = Reader {
            defined: self,
            on: None,
            mods: Vec::new(),
        };
        reader.visit_file(&file);
        reader.mods
    }

    /// The type (its name) a call of function `name`, of type `on` or free, returns, if all its
    /// definitions say the same; `unwrap`: the `T` of the `Result<T, _>` or `Option<T>` it
    /// returns (its value under `?`); `awaited`: the call's `.await`, of an `async fn`.
    fn output(&self, on: Option<&str>, name: &str, unwrap: bool, awaited: bool) -> Option<String> {
        let outputs = self
            .outputs
            .get(&(on.map(str::to_string), name.to_string()))?;
        let named = |output: &Output| {
            let name = if output.awaited != awaited {
                None
            } else if unwrap {
                output.unwrapped.as_deref()
            } else {
                output.whole.as_deref()
            };
            match name? {
                "Self" => on.map(str::to_string),
                name => Some(name.to_string()),
            }
        };
        let first = named(outputs.first()?)?;
        outputs
            .iter()
            .all(|o| named(o).as_ref() == Some(&first))
            .then_some(first)
    }

    /// How `m` takes its receiver, if the definitions of type `on` (or else all of them) agree.
    fn answer(&self, method: &str, on: Option<&str>) -> Option<Known> {
        let defs = self.methods.get(method)?;
        let defs: Vec<&Def> = match on {
            // A type of another crate, or one whose method comes from elsewhere: no answer.
            Some(on) => defs
                .iter()
                .filter(|d| d.on.as_deref() == Some(on))
                .collect(),
            // A receiver of any type may be std's, whose methods the crate does not define.
            None if std_method(method) => return None,
            None => defs.iter().collect(),
        };
        let first = defs.first()?;
        let owned = |name: &String| self.owned.contains(name) && !self.generic.contains(name);
        defs.iter().all(|d| d.mode == first.mode).then(|| Known {
            mode: first.mode,
            lends: defs.iter().any(|d| match &d.returns {
                Returns::Owned(types) => !types.iter().all(owned),
                Returns::Borrowing => true,
            }),
        })
    }
}

/// A method name of std's everyday types (iterators, `Option`, `Result`, collections, strings,
/// smart pointers, conversions) or one the name guesses know (`analyze::cfg`): on a receiver of
/// unknown type, the crate's method of that name is no better a guess.
fn std_method(name: &str) -> bool {
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

/// Walks a file's items, knowing the `impl` it is in.
struct Reader<'a> {
    defined: &'a mut Defined,
    on: Option<String>,
    /// The modules in other files: with `#[path]`, outside the crate's directory too.
    mods: Vec<Module>,
}

impl Reader<'_> {
    fn declares(&mut self, ident: &syn::Ident, generics: &syn::Generics) {
        let set = if generics.params.is_empty() {
            &mut self.defined.owned
        } else {
            &mut self.defined.generic
        };
        set.insert(ident.to_string());
    }

    fn output(&mut self, sig: &syn::Signature) {
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            let name = |ty: &syn::Type| match ty {
                syn::Type::Path(p) if p.path.is_ident("Self") => Some("Self".to_string()),
                ty => type_name(ty),
            };
            let output = Output {
                whole: name(ty),
                unwrapped: first_argument(ty).and_then(name),
                awaited: sig.asyncness.is_some(),
            };
            self.defined
                .outputs
                .entry((self.on.clone(), sig.ident.to_string()))
                .or_default()
                .push(output);
        }
    }

    fn method(&mut self, sig: &syn::Signature) {
        self.output(sig);
        let Some(receiver) = sig.receiver() else {
            return;
        };
        let mode = match (&receiver.reference, &*receiver.ty) {
            (Some(_), _) if receiver.mutability.is_some() => Mode::Mut,
            (Some(_), _) => Mode::Shared,
            (None, syn::Type::Reference(r)) if r.mutability.is_some() => Mode::Mut,
            (None, syn::Type::Reference(_)) => Mode::Shared,
            // `self`, `mut self`, `self: Box<Self>`, `self: Pin<&mut Self>`: by value.
            (None, _) => Mode::Value,
        };
        let mut types = Vec::new();
        let owned = sig.asyncness.is_none()
            && match &sig.output {
                syn::ReturnType::Default => true,
                syn::ReturnType::Type(_, ty) => owning(ty, &mut types),
            };
        self.defined
            .methods
            .entry(sig.ident.to_string())
            .or_default()
            .push(Def {
                on: self.on.clone(),
                mode,
                returns: if owned {
                    Returns::Owned(types)
                } else {
                    Returns::Borrowing
                },
            });
    }
}

impl Reader<'_> {
    /// The `impl` blocks in a macro's input (`macro_rules!` bodies with `$` in them do not
    /// parse, and are skipped).
    fn impls_in(&mut self, tokens: proc_macro2::TokenStream) {
        let mut item: Option<proc_macro2::TokenStream> = None;
        for tt in tokens {
            match (&mut item, &tt) {
                (None, proc_macro2::TokenTree::Ident(i)) if i == "impl" => {
                    item = Some(std::iter::once(tt).collect());
                }
                (Some(tokens), proc_macro2::TokenTree::Group(g))
                    if g.delimiter() == proc_macro2::Delimiter::Brace =>
                {
                    tokens.extend([tt.clone()]);
                    if let Ok(i) = syn::parse2::<syn::ItemImpl>(std::mem::take(tokens)) {
                        self.visit_item_impl(&i);
                    }
                    item = None;
                }
                (Some(tokens), _) => tokens.extend([tt]),
                (None, proc_macro2::TokenTree::Group(g)) => self.impls_in(g.stream()),
                (None, _) => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let outer = self.on.replace(type_name(&i.self_ty).unwrap_or_default());
        syn::visit::visit_item_impl(self, i);
        self.on = outer;
    }

    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        let outer = self.on.take();
        syn::visit::visit_item_trait(self, i);
        self.on = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.method(&f.sig);
        // An `impl` inside the body is another one.
        let outer = self.on.take();
        syn::visit::visit_impl_item_fn(self, f);
        self.on = outer;
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.output(&f.sig);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.method(&f.sig);
        syn::visit::visit_trait_item_fn(self, f);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.impls_in(m.tokens.clone());
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.declares(&i.ident, &i.generics);
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.declares(&i.ident, &i.generics);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let path = m.attrs.iter().find_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(path),
                    ..
                }) => Some(path.value()),
                _ => None,
            },
            _ => None,
        });
        match (path, &m.content) {
            (Some(path), _) => self.mods.push(Module::Path(PathBuf::from(path))),
            (None, None) => self.mods.push(Module::Named(m.ident.to_string())),
            (None, Some(_)) => {}
        }
        syn::visit::visit_item_mod(self, m);
    }
}

/// A module a file declares, whose source is in another file.
enum Module {
    /// `#[path = ".."] mod m;`
    Path(PathBuf),
    /// `mod m;`: `m.rs` or `m/mod.rs`.
    Named(String),
}

/// The `T` of `Result<T, E>`, `io::Result<T>` or `Option<T>`.
fn first_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if !(last.ident == "Option" || last.ident.to_string().ends_with("Result")) {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The name a type is known by here: the last segment of its path, under references.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let name = p.path.segments.last()?.ident.to_string();
            (name != "Self").then_some(name)
        }
        _ => None,
    }
}

/// A type made of primitives and std's owning types, and of plain names (`Val`, pushed to
/// `types`) that hold no borrow if the crate declares them without generics; any other path may
/// hide an elided lifetime (`Guard` for `Guard<'_>`).
fn owning(ty: &syn::Type, types: &mut Vec<String>) -> bool {
    match ty {
        syn::Type::Tuple(t) => t.elems.iter().all(|t| owning(t, types)),
        syn::Type::Array(a) => owning(&a.elem, types),
        syn::Type::Paren(p) => owning(&p.elem, types),
        syn::Type::Path(p) if p.qself.is_none() => {
            if let Some(name) = p.path.get_ident() {
                let name = name.to_string();
                if !std_owning(&name) && name != "Self" {
                    types.push(name);
                    return true;
                }
            }
            p.path.segments.iter().all(|s| {
                std_owning(&s.ident.to_string())
                    && match &s.arguments {
                        syn::PathArguments::None => true,
                        syn::PathArguments::AngleBracketed(a) => a.args.iter().all(|a| match a {
                            syn::GenericArgument::Type(t) => owning(t, types),
                            _ => false,
                        }),
                        syn::PathArguments::Parenthesized(_) => false,
                    }
            })
        }
        _ => false,
    }
}

/// Primitives, std's owning types and the modules on their paths.
fn std_owning(name: &str) -> bool {
    matches!(
        name,
        "bool"
            | "char"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
            | "String"
            | "Vec"
            | "Option"
            | "Result"
            | "Box"
            | "std"
            | "core"
            | "alloc"
            | "string"
            | "vec"
            | "option"
            | "result"
            | "boxed"
    )
}

/// The definitions of the crate whose package is in `dir`: its `.rs` files (not under `target`,
/// hidden directories or other packages) and the files of the modules they declare; read once
/// per directory.
pub fn for_package(dir: &Path) -> Arc<Defined> {
    static READ: OnceLock<Mutex<HashMap<PathBuf, Arc<Defined>>>> = OnceLock::new();
    let mut read = READ
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    read.entry(dir.to_path_buf())
        .or_insert_with(|| {
            let mut files = Vec::new();
            sources(dir, 0, &mut files);
            Arc::new(read_files(files))
        })
        .clone()
}

/// The definitions of the crate being compiled (`CARGO_MANIFEST_DIR`).
pub fn for_this_crate() -> Option<Arc<Defined>> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    Some(for_package(Path::new(&dir)))
}

/// The definitions of the crate a source file is in (the nearest directory above it with a
/// `Cargo.toml`), or of the file alone.
pub fn for_file(path: &Path) -> Arc<Defined> {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match path
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("Cargo.toml").is_file())
    {
        Some(dir) => for_package(dir),
        None => Arc::new(read_files(vec![path])),
    }
}

/// Reads `files` and the files of the modules they declare.
fn read_files(mut files: Vec<PathBuf>) -> Defined {
    let mut defined = Defined::default();
    let mut seen: HashSet<PathBuf> = files.iter().cloned().collect();
    while let Some(file) = files.pop() {
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        let dir = file.parent().unwrap_or(Path::new("."));
        // `mod m;` is `m.rs` beside `mod.rs`, a crate root or a `#[path]` file, and `a/m.rs`
        // in `a.rs`: both are tried (the other, if it exists, is most likely the crate's too).
        let own = file.file_stem().map(|stem| dir.join(stem));
        for module in defined.read(&source) {
            let candidates = match module {
                Module::Path(path) => vec![dir.join(path)],
                Module::Named(name) => [Some(dir), own.as_deref()]
                    .into_iter()
                    .flatten()
                    .flat_map(|d| [d.join(format!("{name}.rs")), d.join(&name).join("mod.rs")])
                    .collect(),
            };
            for path in candidates {
                if path.is_file() && seen.insert(path.clone()) {
                    files.push(path);
                }
            }
        }
    }
    defined
}

/// The `.rs` files under `dir`, as far down as a crate's modules go.
fn sources(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        // (A directory with a `Cargo.toml` is another package: another crate.)
        if kind.is_dir()
            && depth < 8
            && !name.starts_with('.')
            && name != "target"
            && !path.join("Cargo.toml").is_file()
        {
            sources(&path, depth + 1, out);
        } else if kind.is_file() && name.ends_with(".rs") {
            out.push(path);
        }
    }
}

thread_local! {
    /// The definitions the expansion under way reads.
    static DEFINED: RefCell<Option<Arc<Defined>>> = const { RefCell::new(None) };
    /// The type of the `impl` block whose methods are expanded: `self`'s.
    static SELF_TYPE: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The types the function under way declares for its locals (`declared_types`).
    static TYPES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Runs `f` with `defined` as what `answer` reads.
pub fn with<R>(defined: Option<Arc<Defined>>, f: impl FnOnce() -> R) -> R {
    let before = DEFINED.replace(defined);
    let out = f();
    DEFINED.set(before);
    out
}

/// Runs `f` (the expansion of the methods of an `impl` block marked `#[desugar]`) knowing the
/// type `self` has (a method marked alone is all the attribute sees).
pub(crate) fn in_impl<R>(self_ty: Option<&syn::Type>, f: impl FnOnce() -> R) -> R {
    let before = SELF_TYPE.replace(self_ty.and_then(type_name));
    let out = f();
    SELF_TYPE.set(before);
    out
}

/// Runs `f` (the expansion of one function) knowing the types it declares for its locals.
pub(crate) fn in_function<R>(sig: &syn::Signature, body: &syn::Block, f: impl FnOnce() -> R) -> R {
    let before = TYPES.replace(declared_types(sig, body));
    let out = f();
    TYPES.set(before);
    out
}

/// How the method of `call` takes its receiver, as the crate's definitions say.
pub fn answer(call: &syn::ExprMethodCall) -> Option<Known> {
    DEFINED.with_borrow(|defined| {
        let defined = defined.as_deref()?;
        let local = |name: &str| TYPES.with_borrow(|types| types.get(name).cloned());
        let on = type_of(&call.receiver, &local, Some(defined));
        defined.answer(&call.method.to_string(), on.as_deref())
    })
}

/// The locals whose type the function states, by name: every binding of the name declares the
/// same type (`x: T` as a parameter or in a `let`, `let x = T::new(..)`, `let x = T { .. }`,
/// `self` in an `impl T` block).
fn declared_types(sig: &syn::Signature, body: &syn::Block) -> HashMap<String, String> {
    let mut bindings = Bindings::default();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Typed(t) => bindings.typed(&t.pat, type_name(&t.ty)),
            syn::FnArg::Receiver(r) => {
                // (`self: Box<Self>` is a box.)
                let plain = r.colon_token.is_none() || matches!(&*r.ty, syn::Type::Reference(_));
                let ty = SELF_TYPE.with_borrow(|ty| ty.clone().filter(|_| plain));
                bindings.bind("self".to_string(), ty);
            }
        }
    }
    bindings.visit_block(body);
    bindings
        .0
        .into_iter()
        .filter_map(|(name, ty)| Some((name, ty?)))
        .collect()
}

/// Each local name bound, and its one declared type (none if a binding does not say it or two
/// disagree).
#[derive(Default)]
struct Bindings(HashMap<String, Option<String>>);

impl Bindings {
    fn bind(&mut self, name: String, ty: Option<String>) {
        match self.0.get_mut(&name) {
            Some(known) if *known != ty => *known = None,
            Some(_) => {}
            None => {
                self.0.insert(name, ty);
            }
        }
    }

    fn typed(&mut self, pat: &syn::Pat, ty: Option<String>) {
        match pat {
            syn::Pat::Ident(p) if p.subpat.is_none() => self.bind(p.ident.to_string(), ty),
            _ => self.visit_pat(pat),
        }
    }
}

/// The type (its name) `expr` evaluates to, as its syntax and the crate's signatures say:
/// a local of a known type (`local`), `T { .. }`, `T::new(..)`, a call of the crate's
/// functions and methods (under `?`: the `T` of the `Result<T, _>` it returns, and `.await`).
fn type_of(
    expr: &syn::Expr,
    local: &dyn Fn(&str) -> Option<String>,
    defined: Option<&Defined>,
) -> Option<String> {
    let (inner, unwrap) = match expr {
        syn::Expr::Try(t) => (&*t.expr, true),
        expr => (expr, false),
    };
    returned(inner, (unwrap, false), local, defined).or_else(|| constructed(inner))
}

/// The type a call returns (`unwrap`: under `?`; `awaited`: under `.await`, of an `async fn`).
fn returned(
    expr: &syn::Expr,
    (unwrap, awaited): (bool, bool),
    local: &dyn Fn(&str) -> Option<String>,
    defined: Option<&Defined>,
) -> Option<String> {
    match expr {
        syn::Expr::Await(a) if !awaited => returned(&a.base, (unwrap, true), local, defined),
        syn::Expr::Paren(p) => returned(&p.expr, (unwrap, awaited), local, defined),
        syn::Expr::Path(p) if !unwrap && !awaited && p.qself.is_none() => {
            local(&p.path.get_ident()?.to_string())
        }
        syn::Expr::MethodCall(m) => {
            let on = type_of(&m.receiver, local, defined)?;
            defined?.output(Some(&on), &m.method.to_string(), unwrap, awaited)
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let mut segments = p.path.segments.iter().rev();
            let function = segments.next()?.ident.to_string();
            let on = segments.next().map(|s| s.ident.to_string());
            defined?.output(on.as_deref(), &function, unwrap, awaited)
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Bindings {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        let (pat, ty) = match &l.pat {
            syn::Pat::Type(t) => (&*t.pat, type_name(&t.ty)),
            pat => {
                let defined = DEFINED.with_borrow(Clone::clone);
                let local = |name: &str| self.0.get(name).cloned().flatten();
                let init = l.init.as_ref();
                let ty = init.and_then(|i| type_of(&i.expr, &local, defined.as_deref()));
                (pat, ty)
            }
        };
        self.typed(pat, ty);
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.bind(p.ident.to_string(), None);
        syn::visit::visit_pat_ident(self, p);
    }
}

/// The type an initializer builds, as its syntax says: `T { .. }`, `T::new(..)` (or `new_*`,
/// `with_*`, `from*`, `default`), under `?` and `.await`.
fn constructed(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Try(t) => constructed(&t.expr),
        syn::Expr::Await(a) => constructed(&a.base),
        syn::Expr::Paren(p) => constructed(&p.expr),
        syn::Expr::Struct(s) if s.qself.is_none() => {
            let name = s.path.segments.last()?.ident.to_string();
            (name != "Self").then_some(name)
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let mut segments = p.path.segments.iter().rev();
            let function = segments.next()?.ident.to_string();
            let ty = segments.next()?;
            let constructor = function == "new"
                || function.starts_with("new_")
                || function.starts_with("with_")
                || function.starts_with("from")
                || function == "default";
            let name = ty.ident.to_string();
            (constructor && name != "Self" && name.starts_with(|c: char| c.is_ascii_uppercase()))
                .then_some(name)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defined(source: &str) -> Defined {
        let mut d = Defined::default();
        d.read(source);
        d
    }

    #[test]
    fn reads_receivers_by_type() {
        let d = defined(
            "struct A; struct B; struct Guard<'a>(&'a u8); enum Kind { X }
             impl A { fn kind(&self) -> Option<Kind> { None } fn guard(&self) -> Guard { todo!() } }
             impl A { fn send(self) {} fn copied(&self) {} fn size(&self) -> usize { 0 } fn slot(&mut self) -> &u8 { todo!() } }
             impl B { fn send(&self) -> Guard { todo!() } }
             trait T { fn close(self: Box<Self>); }
             m! { x => y; impl C { fn send(&mut self) {} } }",
        );
        let send = |on| d.answer("send", on).map(|k| k.mode);
        assert_eq!(send(Some("A")), Some(Mode::Value));
        assert_eq!(send(Some("B")), Some(Mode::Shared));
        assert_eq!(send(None), None, "the two disagree");
        assert_eq!(send(Some("C")), Some(Mode::Mut), "in a macro's input");
        assert_eq!(send(Some("D")), None, "not a type of the crate");
        let size = d.answer("size", None).unwrap();
        assert_eq!((size.mode, size.lends), (Mode::Shared, false));
        let slot = d.answer("slot", None).unwrap();
        assert_eq!((slot.mode, slot.lends), (Mode::Mut, true));
        assert_eq!(
            d.answer("copied", None),
            None,
            "std's name, on a type not known"
        );
        assert!(
            d.answer("send", Some("B")).unwrap().lends,
            "Guard may hide a lifetime"
        );
        assert_eq!(d.answer("close", None).map(|k| k.mode), Some(Mode::Value));
        assert!(
            !d.answer("kind", None).unwrap().lends,
            "`Kind` has no lifetime"
        );
        assert!(d.answer("guard", None).unwrap().lends, "`Guard` has one");
    }

    #[test]
    fn types_returned_by_the_crate_s_functions() {
        let d = defined(
            "struct Conn; struct Chan;
             impl Conn { fn chan(&self) -> Chan { Chan } fn later(&self) -> Later { todo!() } async fn open() -> std::io::Result<Self> { todo!() } }
             fn connect() -> Option<Conn> { None }",
        );
        let f: syn::ItemFn = syn::parse_quote! {
            async fn f() {
                let c = Conn::open().await?;
                let rx = c.chan();
                let d = connect()?;
                let e = connect();
                let chained = Conn::open().await?.chan();
                let copied = rx;
                let later = c.later().await;
            }
        };
        let types = with(Some(Arc::new(d)), || declared_types(&f.sig, &f.block));
        let ty = |x: &str| types.get(x).map(String::as_str);
        assert_eq!(ty("c"), Some("Conn"));
        assert_eq!(ty("rx"), Some("Chan"));
        assert_eq!(ty("d"), Some("Conn"));
        assert_eq!(ty("e"), Some("Option"));
        assert_eq!(ty("chained"), Some("Chan"));
        assert_eq!(ty("copied"), Some("Chan"));
        assert_eq!(ty("later"), None, "what a future of a plain `fn` gives");
    }

    #[test]
    fn types_declared_once_per_name() {
        let f: syn::ItemFn = syn::parse_quote! {
            async fn f(a: &mut A, n: u32) {
                let b = B::new(1).await?;
                let c: C = make();
                let d = D { x: 1 };
                let e = make();
                if let Some(n) = n.checked_add(1) {}
                let c: C = other();
            }
        };
        let types = declared_types(&f.sig, &f.block);
        let ty = |x: &str| types.get(x).map(String::as_str);
        assert_eq!(ty("a"), Some("A"));
        assert_eq!(ty("b"), Some("B"));
        assert_eq!(ty("c"), Some("C"));
        assert_eq!(ty("d"), Some("D"));
        assert_eq!(ty("e"), None);
        assert_eq!(ty("n"), None, "bound again without a type");
        let m: syn::ImplItemFn = syn::parse_quote! { async fn m(&self) {} };
        let types = in_impl(Some(&syn::parse_quote!(Conn<'a>)), || {
            declared_types(&m.sig, &m.block)
        });
        assert_eq!(types.get("self").map(String::as_str), Some("Conn"));
    }
}
