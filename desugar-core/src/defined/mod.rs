//! What the crate's own source says about the receivers of the methods it defines.
//!
//! Without `cargo desugar --prepare` (`receivers`), whether `x.m(..)` moves `x` is guessed from
//! `m`'s name. The methods an `async fn` calls on its locals are often the crate's own, and their
//! signatures are in its source: the macro reads the `.rs` files of the crate being compiled once
//! (under `CARGO_MANIFEST_DIR`, and the files of the modules they declare; the CLI, those of the
//! crate around its file: `read`) and answers from the `fn m(self | &self | &mut self ..)`s it
//! finds: the ones of the receiver's type when the function's syntax and the crate's signatures
//! say it (`x: Conn`, `let x = Conn::new(..)`, `let x = pool.get().await?` where the crate's
//! `get` returns `Result<Conn, _>`: `locals`), or else all of them when they agree and the name
//! is not std's (`names`). The types declared in the function's own file hide the package's
//! other types of their names (`Defined::in_file`). It is still a guess (a type of another crate may have a method of
//! that name), checked as a guess from the name is (`lower::checks`).

use crate::receivers::{Known, Mode};
use locals::{Declared, declared_types, key, type_of};
use names::std_method;
use read::{Module, type_name};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

mod locals;
mod manifest;
mod names;
mod read;
mod target;

pub use target::Target;

/// The methods with a receiver a crate's source defines, by name.
#[derive(Debug, Default, Clone)]
pub struct Defined {
    methods: HashMap<String, Vec<Def>>,
    /// The structs and enums declared without generic parameters, which hold no borrow.
    owned: HashSet<String>,
    /// Those declared with some: one name both ways is not taken as owned.
    generic: HashSet<String>,
    /// The types of the parameters of functions and methods (not `self`), by type (none: free)
    /// and name, as far as `Copy` goes.
    params: HashMap<(Option<String>, String), Vec<Vec<FieldType>>>,
    /// The return types of functions and methods, by type (none: free) and name.
    outputs: HashMap<(Option<String>, String), Vec<Output>>,
    /// The fields of the structs declared, by name (one map per declaration of that name), with
    /// their types as far as `Copy` goes.
    fields: HashMap<String, Vec<HashMap<String, FieldType>>>,
    /// The fields of the structs declared, in order (one list per declaration).
    shapes: HashMap<String, Vec<Vec<FieldShape>>>,
    /// The types the crate implements `Drop` for: they cannot be taken apart.
    drops: HashSet<String>,
    /// Per struct declaration, whether every field is a reference or `Copy`: without a `Drop`
    /// impl, dropping one does nothing.
    drops_nothing: HashMap<String, Vec<bool>>,
    /// The names of the methods of its inherent `impl`s, and of its traits and trait `impl`s.
    inherent_methods: HashSet<String>,
    trait_methods: HashSet<String>,
    /// The types declared `#[derive(.., Copy, ..)]`.
    copy: HashSet<String>,
    /// The types each of the crate's traits is implemented for where its source says (`None`:
    /// a blanket `impl<T> Trait for T`).
    implementors: HashMap<String, HashSet<Option<String>>>,
    /// The package's edition, where its `Cargo.toml` says it.
    edition: Option<u16>,
    /// The `macro_rules!` it defines, by name, anywhere (in function bodies too).
    macros: HashMap<String, Vec<crate::rules::Definition>>,
    /// Those of each file alone (its canonical path), whose types hide the package's types of
    /// their names in the file's functions (`Defined::in_file`).
    files: HashMap<PathBuf, Arc<Defined>>,
    /// The views of the files asked for so far (`Defined::view`).
    views: Arc<Mutex<HashMap<PathBuf, Arc<Defined>>>>,
    /// In a file's view, the types the file declares.
    local: HashSet<String>,
}

/// A field of a struct: its name, whether it is declared `pub` in some way, and whether under
/// a `#[cfg]`.
#[derive(Debug, Clone)]
pub struct FieldShape {
    pub name: String,
    pub public: bool,
    pub configured: bool,
}

/// A field's type, as far as `Copy` goes: `Copy` by its syntax, a type of the crate that may be
/// (`#[derive(Copy)]`), or neither.
#[derive(Debug, Clone)]
enum FieldType {
    /// `Copy` by its syntax; a primitive's name (`u32`), to type what binds the field.
    Copy(Option<String>),
    /// A named type, and what it wraps if it is an `Option` or a `Result` (`Some(x)`, `Ok(x)`).
    Named(String, Option<String>),
    Other,
}

/// One definition: on which type (the last segment of the `impl`'s type; none in a trait), how
/// it takes `self`, and what it returns.
#[derive(Debug, Clone)]
struct Def {
    on: Option<String>,
    /// The trait that declares it, for a declaration in a trait.
    declared_in: Option<String>,
    /// In an inherent `impl`: a method call finds it before a trait's of the same name.
    inherent: bool,
    mode: Mode,
    returns: Returns,
    /// The line its name is on, in its file (a method marked alone is found by it).
    line: usize,
}

/// The definitions of one name on one type, those of inherent `impl`s alone if there are
/// any: a method call finds them before a trait's (`ActorRef::tell` before
/// `MessageSubscriber::tell`).
fn inherent_first<T: Clone>(defs: &[T], inherent: impl Fn(&T) -> bool) -> Vec<T> {
    let own: Vec<T> = defs.iter().filter(|d| inherent(d)).cloned().collect();
    if own.is_empty() { defs.to_vec() } else { own }
}

/// The name of a return type (`Self` as written), and of the `T` of the `Result<T, _>` or
/// `Option<T>` it is.
#[derive(Debug, Clone)]
struct Output {
    whole: Option<String>,
    unwrapped: Option<String>,
    /// The `E` of a `Result<T, E>`.
    error: Option<String>,
    /// The names of the elements of a tuple it returns, whole and wrapped (`Result<(A, B), E>`).
    elements: Option<Vec<Option<String>>>,
    unwrapped_elements: Option<Vec<Option<String>>>,
    /// Of an `async fn`: the type of the call's `.await`, the call itself a future.
    awaited: bool,
    /// Of a method of an inherent `impl`: see `Def::inherent`.
    inherent: bool,
}

/// A type's name as a signature writes it, `Self` being the type `on`.
fn self_named(name: &str, on: Option<&str>) -> Option<String> {
    match name {
        "Self" => on.map(str::to_string),
        name => Some(name.to_string()),
    }
}

/// Which part of what a call returns a value is: all of it, what `?` or `Some(x)`/`Ok(x)`
/// unwraps, or what `Err(e)` binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Whole,
    Ok,
    Err,
}

/// Whether what a method returns can hold a borrow of its receiver.
#[derive(Debug, Clone)]
enum Returns {
    /// Made of primitives, std's owning types and these types of the crate: a borrow only if
    /// one of those has a lifetime.
    Owned(Vec<String>),
    /// A reference, a lifetime, an opaque type, a type parameter, a future..
    Borrowing,
    /// A reference (`&T`, `&mut T`).
    Reference,
}

impl Defined {
    /// The type (its name) a call of function `name`, of type `on` or free, returns, if all its
    /// definitions say the same, or the `part` of it that `?`, `Ok(x)` or `Err(e)` takes;
    /// `awaited`: the call's `.await`, of an `async fn`.
    fn output(&self, on: Option<&str>, name: &str, part: Part, awaited: bool) -> Option<String> {
        self.agreed(on, name, |output| {
            let name = match part {
                _ if output.awaited != awaited => None,
                Part::Whole => output.whole.as_deref(),
                Part::Ok => output.unwrapped.as_deref(),
                Part::Err => output.error.as_deref(),
            };
            self_named(name?, on)
        })
    }

    /// The types (their names) of the elements of the tuple a call returns, as `output`:
    /// `let (handle, n) = make();`.
    fn output_elements(
        &self,
        on: Option<&str>,
        name: &str,
        part: Part,
        awaited: bool,
    ) -> Option<Vec<Option<String>>> {
        self.agreed(on, name, |output| {
            let elements = match part {
                _ if output.awaited != awaited => None,
                Part::Whole => output.elements.as_ref(),
                Part::Ok => output.unwrapped_elements.as_ref(),
                Part::Err => None,
            };
            let named = |e: &Option<String>| e.as_deref().and_then(|e| self_named(e, on));
            Some(elements?.iter().map(named).collect())
        })
    }

    /// What `pick` takes from the definitions of function `name`, of type `on` or free, if all
    /// say the same (those of inherent `impl`s first).
    fn agreed<T: PartialEq>(
        &self,
        on: Option<&str>,
        name: &str,
        pick: impl Fn(&Output) -> Option<T>,
    ) -> Option<T> {
        let outputs = self
            .outputs
            .get(&(on.map(str::to_string), name.to_string()))?;
        let outputs = inherent_first(outputs, |o| o.inherent);
        let first = pick(outputs.first()?)?;
        outputs
            .iter()
            .all(|o| pick(o).as_ref() == Some(&first))
            .then_some(first)
    }

    /// Whether the crate declares a type named `name`.
    fn declares(&self, name: &str) -> bool {
        self.owned.contains(name) || self.generic.contains(name)
    }

    /// The type whose method `name` is, if the crate defines methods of that name on one type
    /// only (the file's own types first: the method is most likely in an `impl` there); where
    /// the method's own line is given, the one of the file's own types whose method of that
    /// name is on it (a builder's `send` among many).
    fn owner_at(&self, name: &str, line: Option<usize>) -> Option<String> {
        let defs = self.methods.get(name)?;
        let here: Vec<&Def> = (defs.iter())
            .filter(|d| Some(d.line) == line)
            .filter(|d| d.on.as_ref().is_some_and(|on| self.local.contains(on)))
            .collect();
        if let [one] = here[..] {
            return one.on.clone();
        }
        // (One of the file's own types first: the method is most likely in an `impl` there.)
        let local: Vec<&Def> = (defs.iter())
            .filter(|d| d.on.as_ref().is_some_and(|on| self.local.contains(on)))
            .collect();
        let defs = if local.is_empty() {
            defs.iter().collect()
        } else {
            local
        };
        let first = defs.first()?.on.clone()?;
        defs.iter()
            .all(|d| d.on.as_ref() == Some(&first))
            .then_some(first)
    }

    /// What field `field` of struct `ty` wraps, an `Option<T>` or a `Result<T, _>`: `T`'s name,
    /// where every struct of that name the crate declares agrees.
    fn field_wraps(&self, ty: &str, field: &str) -> Option<String> {
        let structs = self.fields.get(ty)?;
        let inner = |fields: &HashMap<String, FieldType>| match fields.get(field)? {
            FieldType::Named(_, inner) => inner.clone(),
            _ => None,
        };
        let first = inner(structs.first()?)?;
        structs
            .iter()
            .all(|fields| inner(fields).as_ref() == Some(&first))
            .then_some(first)
    }

    /// The type (its name) of field `field` of struct `ty`, where every struct of that name
    /// the crate declares agrees.
    fn field_type(&self, ty: &str, field: &str) -> Option<String> {
        let structs = self.fields.get(ty)?;
        let named = |fields: &HashMap<String, FieldType>| match fields.get(field)? {
            FieldType::Named(name, _) | FieldType::Copy(Some(name)) => Some(name.clone()),
            FieldType::Copy(None) | FieldType::Other => None,
        };
        let first = named(structs.first()?)?;
        structs
            .iter()
            .all(|fields| named(fields).as_ref() == Some(&first))
            .then_some(first)
    }

    /// The definitions as the functions of `file` see them: the types it declares are its own,
    /// not those of other files with the same name (in a crate of many modules, `Config` or
    /// `Inner` is declared more than once).
    fn in_file(&self, file: &Path) -> Defined {
        let Some(own) = self.files.get(file) else {
            return self.clone();
        };
        let local: HashSet<&String> = own.owned.iter().chain(&own.generic).collect();
        let is_local = |ty: &Option<String>| ty.as_ref().is_some_and(|ty| local.contains(ty));
        let mut view = self.clone();
        view.files.clear();
        view.views = Default::default();
        view.local = local.iter().map(|ty| ty.to_string()).collect();
        for (name, defs) in &mut view.methods {
            defs.retain(|d| !is_local(&d.on));
            let own_defs = own.methods.get(name).into_iter().flatten();
            defs.extend(own_defs.filter(|d| is_local(&d.on)).cloned());
        }
        view.methods.retain(|_, defs| !defs.is_empty());
        view.outputs.retain(|(on, _), _| !is_local(on));
        let own_outputs = own.outputs.iter().filter(|((on, _), _)| is_local(on));
        view.outputs
            .extend(own_outputs.map(|(k, v)| (k.clone(), v.clone())));
        for ty in &local {
            view.fields.remove(*ty);
            if let Some(fields) = own.fields.get(*ty) {
                view.fields.insert(ty.to_string(), fields.clone());
            }
            view.shapes.remove(*ty);
            if let Some(shapes) = own.shapes.get(*ty) {
                view.shapes.insert(ty.to_string(), shapes.clone());
            }
            for (set, own_set) in [
                (&mut view.copy, &own.copy),
                (&mut view.owned, &own.owned),
                (&mut view.generic, &own.generic),
            ] {
                if own_set.contains(*ty) {
                    set.insert(ty.to_string());
                } else {
                    set.remove(*ty);
                }
            }
        }
        view
    }

    /// Whether a field of this type is `Copy`, as its syntax or the crate's `derive` says.
    fn is_copy(&self, ty: &FieldType) -> bool {
        match ty {
            FieldType::Copy(_) => true,
            FieldType::Named(n, inner) => {
                let named_copy = |n: &String| {
                    let declared = self.owned.contains(n) || self.generic.contains(n);
                    match declared {
                        true => self.copy.contains(n) && !self.generic.contains(n),
                        false => crate::analyze::primitive(n) || std_copy(n),
                    }
                };
                // (`Option<u32>` is `Copy`, as what it wraps is.)
                named_copy(n) || n == "Option" && inner.as_ref().is_some_and(named_copy)
            }
            FieldType::Other => false,
        }
    }

    /// How `m` takes its receiver, if the definitions of type `on` (or else all of them) agree.
    fn answer(&self, method: &str, on: Option<&str>) -> Option<Known> {
        self.answer_bounded(method, on, &[])
    }

    /// `answer`, where `on` is a type parameter bounded by the traits `bounds`: its methods
    /// are theirs, as the crate declares them (`S: ActorState`, `state.shutdown()`).
    fn answer_bounded(&self, method: &str, on: Option<&str>, bounds: &[String]) -> Option<Known> {
        let defs = self.methods.get(method)?;
        let defs: Vec<&Def> = match on {
            Some(_) if !bounds.is_empty() => defs
                .iter()
                .filter(|d| d.declared_in.as_ref().is_some_and(|t| bounds.contains(t)))
                .collect(),
            // A smart pointer's method is its content's, of a type its name does not tell
            // (`Box<dyn Message>`), unless the crate implements one on it.
            Some("Box" | "Arc" | "Rc") if defs.iter().all(|d| d.on.as_deref() != on) => {
                return self.answer(method, None);
            }
            // (`Arc<Db>`: `Db`'s, and none of the crate's if `Db` is another crate's type.)
            Some(on)
                if defs.iter().all(|d| d.on.as_deref() != Some(on))
                    && let Some(pointee) = read::pointee(on) =>
            {
                return self.answer_bounded(method, Some(pointee), bounds);
            }
            // A type of another crate, or one whose method comes from elsewhere: no answer.
            Some(on) => {
                let own: Vec<&Def> = (defs.iter())
                    .filter(|d| d.on.as_deref() == Some(on))
                    .collect();
                if own.is_empty() {
                    // Implemented where the crate's source does not say (a macro's, a blanket
                    // `impl`): as the crate's traits declare it, those not seen implemented for
                    // other types only.
                    let implemented = |t: &String| {
                        self.implementors.get(t).is_none_or(|types| {
                            types.contains(&None) || types.contains(&Some(on.to_string()))
                        })
                    };
                    (defs.iter())
                        .filter(|d| d.declared_in.as_ref().is_some_and(implemented))
                        .collect()
                } else {
                    inherent_first(&own, |d| d.inherent)
                }
            }
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
                Returns::Borrowing | Returns::Reference => true,
            }),
            reference: defs.iter().all(|d| matches!(d.returns, Returns::Reference)),
        })
    }
}

/// The definitions of crate `target` of the package in `dir`: its `.rs` files (not under
/// `target`, hidden directories or other packages, nor those of the package's other crates,
/// `target::Target::includes`) and the files of the modules they declare; read once per crate.
pub fn for_package(dir: &Path, target: Target) -> Arc<Defined> {
    type Read = HashMap<(PathBuf, Target), Arc<Defined>>;
    static READ: OnceLock<Mutex<Read>> = OnceLock::new();
    let mut read = READ
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    read.entry((dir.to_path_buf(), target.clone()))
        .or_insert_with(|| {
            let mut files = Vec::new();
            sources(dir, 0, &mut files);
            files.retain(|file| file.strip_prefix(dir).is_ok_and(|f| target.includes(f)));
            let mut defined = read_files(files);
            defined.edition = manifest::edition(dir);
            Arc::new(defined)
        })
        .clone()
}

/// The definitions of the crate being compiled (`CARGO_MANIFEST_DIR`).
pub fn for_this_crate() -> Option<Arc<Defined>> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let dir = Path::new(&dir);
    Some(for_package(dir, Target::current(dir)))
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
        Some(dir) => for_package(dir, Target::All),
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
        let mut alone = Defined::default();
        alone.read(&source);
        let canonical = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        defined.files.insert(canonical, Arc::new(alone));
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
    static TYPES: RefCell<Declared> = RefCell::new(Declared::default());
    /// The file the CLI expands (a macro reads it from its spans).
    static FILE: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Runs `f` with `defined` as what `answer` reads.
pub fn with<R>(defined: Option<Arc<Defined>>, f: impl FnOnce() -> R) -> R {
    scoped(&DEFINED, defined, f)
}

/// Runs `f` (the expansion of the methods of an `impl` block marked `#[desugar]`) knowing the
/// type `self` has (a method marked alone is all the attribute sees).
pub(crate) fn in_impl<R>(self_ty: Option<&syn::Type>, f: impl FnOnce() -> R) -> R {
    scoped(&SELF_TYPE, self_ty.and_then(type_name), f)
}

/// Runs `f` (the CLI's expansion of the file at `path`) knowing which file it is: a macro
/// reads that from the spans it is given.
pub fn in_file<R>(path: &Path, f: impl FnOnce() -> R) -> R {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    scoped(&FILE, Some(path), f)
}

/// Runs `f` (the expansion of one function) knowing the types it declares for its locals, and
/// the definitions as its file sees them (`Defined::in_file`).
pub(crate) fn in_function<R>(sig: &syn::Signature, body: &syn::Block, f: impl FnOnce() -> R) -> R {
    let file = FILE.with_borrow(Clone::clone).or_else(|| {
        let file = sig.ident.span().local_file()?;
        Some(std::fs::canonicalize(&file).unwrap_or(file))
    });
    let view = DEFINED.with_borrow(|defined| {
        let defined = defined.as_ref()?;
        let file = file?;
        defined
            .files
            .contains_key(&file)
            .then(|| defined.view(&file))
    });
    let run = || scoped(&TYPES, declared_types(sig, body), f);
    match view {
        Some(view) => scoped(&DEFINED, Some(view), run),
        None => run(),
    }
}

impl Defined {
    /// `in_file`, made once per file.
    fn view(self: &Arc<Self>, file: &Path) -> Arc<Defined> {
        let mut views = self.views.lock().unwrap_or_else(|e| e.into_inner());
        views
            .entry(file.to_path_buf())
            .or_insert_with(|| Arc::new(self.in_file(file)))
            .clone()
    }
}

/// A local the expansion introduces (`let __tmp0 = Ctx { .. };`, a lifted piece of an
/// expression) has the type its value shows, as a local the function declares does.
pub(crate) fn declare_hidden(name: &str, value: &syn::Expr) {
    let ty = DEFINED.with_borrow(|defined| type_of(value, &declared_type, defined.as_deref()));
    if let Some(ty) = ty {
        TYPES.with_borrow_mut(|types| types.names.insert(name.to_string(), ty));
    }
}

/// The type the function under way declares for the local `ident` names where it is used
/// (`declared_types`): that of the binding in scope there, or else of every binding of the name.
fn declared_type(ident: &proc_macro2::Ident) -> Option<String> {
    TYPES.with_borrow(|types| types.at(&types.uses, ident))
}

/// The type (its name) `expr` evaluates to, as far as the function's declarations and the
/// crate's signatures tell (`locals::type_of`).
pub(crate) fn expr_type(expr: &syn::Expr) -> Option<String> {
    DEFINED.with_borrow(|defined| type_of(expr, &declared_type, defined.as_deref()))
}

/// Whether the local named at `ident` (a use of it) is a `Box`, which `*b` moves out of.
pub(crate) fn is_box(ident: &proc_macro2::Ident) -> bool {
    declared_type(ident).is_some_and(|ty| ty == "Box" || ty.starts_with("Box<"))
}

/// The type the function declares for the local bound at `ident`.
pub(crate) fn binding_type(ident: &proc_macro2::Ident) -> Option<String> {
    TYPES.with_borrow(|types| types.at(&types.bindings, ident))
}

/// Runs `f` with `value` in `key`, then puts back what was there.
fn scoped<T: 'static, R>(
    key: &'static std::thread::LocalKey<RefCell<T>>,
    value: T,
    f: impl FnOnce() -> R,
) -> R {
    let before = key.replace(value);
    let out = f();
    key.set(before);
    out
}

/// Whether reading field `field` of the local bound at `local` copies it: the function states the local's
/// type (`declared_types`), and the crate declares that struct with a `Copy` field of that name.
/// (A read the analysis cannot tell a copy from a move, `analyze::cfg::settle_field_reads`.)
pub fn copy_field(local: &proc_macro2::Ident, field: &str) -> bool {
    binding_type(local).is_some_and(|ty| field_is_copy(&ty, field))
}

/// Whether `test` holds for the struct the local bound at `local` has as its type
/// (`declared_types`), as the crate declares it (two structs of one name: for both).
fn local_struct(
    local: &proc_macro2::Ident,
    test: impl Fn(&Defined, &HashMap<String, FieldType>) -> bool,
) -> bool {
    binding_type(local).is_some_and(|ty| every_struct(&ty, test))
}

/// Whether `test` holds for every struct named `ty` the crate declares (and there is one).
fn every_struct(ty: &str, test: impl Fn(&Defined, &HashMap<String, FieldType>) -> bool) -> bool {
    DEFINED.with_borrow(|defined| {
        defined.as_deref().is_some_and(|defined| {
            (defined.fields.get(ty))
                .is_some_and(|structs| structs.iter().all(|fields| test(defined, fields)))
        })
    })
}

/// The crate's definitions of `macro_rules! name`.
pub fn macro_definitions(name: &str) -> Vec<crate::rules::Definition> {
    DEFINED.with_borrow(|defined| {
        defined
            .as_deref()
            .and_then(|d| d.macros.get(name).cloned())
            .unwrap_or_default()
    })
}

/// Whether closures and `async` blocks capture the places they name (edition 2021 on), not
/// whole locals; where the edition is not known, the current ones are assumed.
pub fn precise_captures() -> bool {
    DEFINED.with_borrow(|defined| {
        defined
            .as_deref()
            .and_then(|d| d.edition)
            .is_none_or(|edition| edition >= 2021)
    })
}

/// Whether the binding `ident` is `Copy` by the type the function states for it
/// (`declared_types`: `if let Some(n) = next(..)` where the crate's `next` returns
/// `Option<u32>`): a primitive, or a type the crate derives `Copy` for. (The type is read
/// through references: a `&mut` one taken for `Copy` keeps the local in place where the code
/// moves it, which does not compile, E0507.)
pub fn copy_binding(ident: &proc_macro2::Ident) -> bool {
    let Some(ty) = stated_type(ident) else {
        return false;
    };
    crate::analyze::primitive(&ty)
        || DEFINED.with_borrow(|defined| {
            (defined.as_deref()).is_some_and(|d| d.is_copy(&FieldType::Named(ty, None)))
        })
}

/// The type the function states, or the value shows, for the binding at `ident` itself (not
/// another binding of its name).
fn stated_type(ident: &proc_macro2::Ident) -> Option<String> {
    TYPES.with_borrow(|types| types.bindings.get(&key(ident)).cloned().flatten())
}

/// Whether dropping the value bound at `ident` does nothing, by the type the function states
/// or its value shows: a struct the crate declares with references and `Copy` fields only and
/// no `Drop` impl (a borrow it holds then ends at its last use, as rustc's does).
pub fn drops_nothing_binding(ident: &proc_macro2::Ident) -> bool {
    let Some(ty) = stated_type(ident) else {
        return false;
    };
    DEFINED.with_borrow(|defined| {
        defined.as_deref().is_some_and(|d| {
            !d.drops.contains(&ty)
                && d.drops_nothing
                    .get(&ty)
                    .is_some_and(|all| all.iter().all(|&plain| plain))
        })
    })
}

/// Whether every field of the struct of the local bound at `local` but `moved` is `Copy`, as the crate
/// declares it (what is left of the local after those fields moved out has nothing to drop).
pub fn rest_is_copy(local: &proc_macro2::Ident, moved: &BTreeSet<String>) -> bool {
    local_struct(local, |defined, fields| {
        (fields.iter())
            .filter(|(field, _)| !moved.contains(*field))
            .all(|(_, ty)| defined.is_copy(ty))
    })
}

/// The fields of struct `ty`, in declaration order, if the crate declares one struct of that
/// name (as the function's file sees it), does not implement `Drop` for it, and the function
/// can name every field (they are all `pub` in some way, the struct is declared in the
/// function's file, or the function is a method of it: `own`).
pub fn fields_of(ty: &str, own: bool) -> Option<Vec<FieldShape>> {
    DEFINED.with_borrow(|defined| {
        let defined = defined.as_deref()?;
        let [shape] = &defined.shapes.get(ty)?[..] else {
            return None;
        };
        let visible = own || defined.local.contains(ty) || shape.iter().all(|f| f.public);
        (visible && !defined.drops.contains(ty)).then(|| shape.clone())
    })
}

/// Whether the crate implements `Drop` for a type of this name.
pub fn implements_drop(ty: &str) -> bool {
    DEFINED.with_borrow(|defined| defined.as_deref().is_some_and(|d| d.drops.contains(ty)))
}

/// Whether field `field` of struct `ty` is `Copy`, as every declaration of `ty` says.
pub fn field_is_copy(ty: &str, field: &str) -> bool {
    every_struct(ty, |defined, fields| {
        fields.get(field).is_some_and(|t| defined.is_copy(t))
    })
}

/// The type (its name) of field `field` of struct `ty`, where every declaration of `ty` agrees.
pub fn field_type(ty: &str, field: &str) -> Option<String> {
    DEFINED.with_borrow(|defined| defined.as_deref()?.field_type(ty, field))
}

/// Whether `method`, marked alone, is of an inherent `impl`, whose signature may gain lifetimes:
/// the crate's files show it there (by its line), or every method of that name is of an
/// inherent `impl` (none of a trait, nor of a trait's `impl`).
pub fn inherent_only(method: &syn::Ident) -> bool {
    let name = method.to_string();
    let line = method.span().start().line;
    DEFINED.with_borrow(|defined| {
        defined.as_deref().is_some_and(|d| {
            let here: Vec<&Def> = (d.methods.get(&name).into_iter().flatten())
                .filter(|def| def.line == line)
                .collect();
            // (The method itself, where the crate's files show it, in an inherent `impl`.)
            !here.is_empty() && here.iter().all(|def| def.inherent)
                || d.inherent_methods.contains(&name) && !d.trait_methods.contains(&name)
        })
    })
}

/// Whether argument `index` of a call of `callee` (a path: `f`, `Type::f`; or, for a method
/// call, its name alone) is `Copy`, as every definition of it the crate has says: a field read
/// passed there is a copy (`maybe(&t, p.n)` where the crate's `maybe` takes `n: u32`).
pub fn copy_argument(callee: &Callee, index: usize) -> bool {
    DEFINED.with_borrow(|defined| {
        let Some(defined) = defined.as_deref() else {
            return false;
        };
        let copy = |defs: &Vec<Vec<FieldType>>| {
            !defs.is_empty()
                && defs
                    .iter()
                    .all(|params| params.get(index).is_some_and(|ty| defined.is_copy(ty)))
        };
        match callee {
            Callee::Path(path) => {
                let mut names = path.segments.iter().rev().map(|s| s.ident.to_string());
                let Some(name) = names.next() else {
                    return false;
                };
                let on = names.next().filter(|n| n.starts_with(char::is_uppercase));
                defined.params.get(&(on, name)).is_some_and(copy)
            }
            Callee::Method(name) => {
                let defs: Vec<Vec<FieldType>> = (defined.params.iter())
                    .filter(|((on, n), _)| on.is_some() && n == name)
                    .flat_map(|(_, defs)| defs.iter().cloned())
                    .collect();
                copy(&defs)
            }
        }
    })
}

/// What `copy_argument` asks about: a function by its path, or a method by its name.
pub enum Callee<'a> {
    Path(&'a syn::Path),
    Method(&'a str),
}

/// The type of `self` in method `method`: of the `impl` block under way, or else the one type
/// whose methods of that name the crate defines.
pub fn self_type(method: &syn::Ident) -> Option<String> {
    SELF_TYPE.with_borrow(Clone::clone).or_else(|| {
        let line = method.span().start().line;
        DEFINED.with_borrow(|d| d.as_deref()?.owner_at(&method.to_string(), Some(line)))
    })
}

/// Whether the function's type parameter `name` is bounded by the trait `bound`.
pub fn bounded_by(name: &str, bound: &str) -> bool {
    bounds_of(name).iter().any(|b| b == bound)
}

/// The traits bounding the function's type parameter `name` (none if it is not one).
fn bounds_of(name: &str) -> Vec<String> {
    TYPES.with_borrow(|t| t.bounds.get(name).cloned().unwrap_or_default())
}

/// Whether the crate declares a struct or enum named `name`.
pub fn declares_type(name: &str) -> bool {
    DEFINED.with_borrow(|defined| defined.as_deref().is_some_and(|d| d.declares(name)))
}

/// How every method named `method` the crate defines takes its receiver, if they agree: for a
/// receiver of the crate's own type whose name is not known, a method named as std's
/// (`send`) included.
pub fn declared_mode(method: &str) -> Option<Mode> {
    DEFINED.with_borrow(|defined| {
        let defs = defined.as_deref()?.methods.get(method)?;
        let first = defs.first()?.mode;
        defs.iter().all(|d| d.mode == first).then_some(first)
    })
}

/// How the method of `call` takes its receiver, as the crate's definitions say.
pub fn answer(call: &syn::ExprMethodCall) -> Option<Known> {
    DEFINED.with_borrow(|defined| {
        let defined = defined.as_deref()?;
        let on = type_of(&call.receiver, &declared_type, Some(defined));
        let bounds = on.as_deref().map(bounds_of).unwrap_or_default();
        let method = call.method.to_string();
        (defined.answer_bounded(&method, on.as_deref(), &bounds))
            .or_else(|| std_answer(&method, on.as_deref()?, &bounds))
    })
}

/// std's `Copy` types that are not primitives, by name (where the crate declares no type of
/// that name).
fn std_copy(name: &str) -> bool {
    matches!(
        name,
        "Duration"
            | "Instant"
            | "SystemTime"
            | "IpAddr"
            | "Ipv4Addr"
            | "Ipv6Addr"
            | "SocketAddr"
            | "SocketAddrV4"
            | "SocketAddrV6"
            | "TypeId"
    )
}

/// What std, futures and tokio say of a method of a type of theirs, where the crate defines
/// none of that name: an iterator's or a stream's consumers take it by value (`(0..n).count()`,
/// `s.chars().count()`, `stream::iter(v).chunks(3)`, not a slice's `chunks`), and so do a buffered reader's `lines`
/// and `split` (`BufRead`'s and `AsyncBufReadExt`'s, not `str`'s), and a oneshot channel's
/// `send` (not other channels'); so do those of a type parameter bounded by these traits
/// (`R: AsyncBufRead`).
fn std_answer(method: &str, on: &str, bounds: &[String]) -> Option<Known> {
    let bounded = |traits: &[&str]| bounds.iter().any(|b| traits.contains(&b.as_str()));
    let iterator = matches!(on, "Range" | "RangeInclusive" | "iterator")
        || bounded(&[
            "Iterator",
            "DoubleEndedIterator",
            "ExactSizeIterator",
            "Stream",
        ]);
    let buffered = on == "BufReader" || bounded(&["BufRead", "AsyncBufRead", "AsyncBufReadExt"]);
    let consumes = iterator
        && matches!(
            method,
            "count"
                | "sum"
                | "product"
                | "max"
                | "min"
                | "last"
                | "collect"
                | "chunks"
                | "max_by"
                | "min_by"
                | "max_by_key"
                | "min_by_key"
                | "reduce"
        )
        || buffered && matches!(method, "lines" | "split")
        || on == "oneshot::Sender" && method == "send";
    consumes.then_some(Known {
        mode: Mode::Value,
        lends: false,
        reference: false,
    })
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
    fn a_file_sees_its_own_types() {
        let (a, b) = (
            "struct Ctx; impl Ctx { fn send(self) {} fn make() -> Ctx { Ctx } }",
            "struct Ctx { n: u8 } impl Ctx { fn send(&self) {} } struct Other; \
             impl Other { fn send(&mut self) {} }",
        );
        let mut d = defined(a);
        d.read(b);
        d.files.insert("a.rs".into(), Arc::new(defined(a)));
        d.files.insert("b.rs".into(), Arc::new(defined(b)));
        let send = |d: &Defined, on| d.answer("send", on).map(|k| k.mode);
        assert_eq!(
            send(&d, Some("Ctx")),
            None,
            "two types named `Ctx` disagree"
        );
        let (in_a, in_b) = (d.in_file(Path::new("a.rs")), d.in_file(Path::new("b.rs")));
        assert_eq!(send(&in_a, Some("Ctx")), Some(Mode::Value));
        assert_eq!(send(&in_b, Some("Ctx")), Some(Mode::Shared));
        assert_eq!(
            send(&in_a, Some("Other")),
            Some(Mode::Mut),
            "another file's type"
        );
        assert_eq!(in_b.fields.get("Ctx").map(Vec::len), Some(1));
        assert!(
            in_b.output(Some("Ctx"), "make", Part::Whole, false)
                .is_none()
        );
        assert_eq!(d.owner_at("send", None), None, "`Ctx` and `Other` have one");
        assert_eq!(
            in_a.owner_at("send", None).as_deref(),
            Some("Ctx"),
            "the file's own type"
        );
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
        let copy = |fields: &str, field: &str| {
            let d = defined(fields);
            let f: syn::ItemFn = syn::parse_quote! { async fn f(p: P) {} };
            with(Some(Arc::new(d)), || {
                let syn::FnArg::Typed(p) = &f.sig.inputs[0] else {
                    unreachable!()
                };
                let syn::Pat::Ident(p) = &*p.pat else {
                    unreachable!()
                };
                in_function(&f.sig, &f.block, || copy_field(&p.ident, field))
            })
        };
        assert!(copy("struct P { n: u32 }", "n"));
        assert!(copy("struct P(&'static str, u8);", "1"));
        assert!(copy(
            "#[derive(Clone, Copy)] enum K { A } struct P { k: K }",
            "k"
        ));
        assert!(!copy("enum K { A } struct P { k: K }", "k"));
        assert!(!copy(
            "struct P { n: u32 } mod m { struct P { n: String } }",
            "n"
        ));
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
        let types = with(Some(Arc::new(d)), || declared_types(&f.sig, &f.block).names);
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
    fn a_use_has_the_type_of_the_binding_in_scope() {
        let f: syn::ItemFn = syn::parse_str(
            "async fn f(p: Option<B>) { let v: A = a(); if let Some(v) = p { v.m(); } v.m(); \
             for v in vs { v.m(); } let v = B::new(); v.m(); }",
        )
        .unwrap();
        let declared = declared_types(&f.sig, &f.block);
        let mut uses: Vec<_> = (declared.uses.iter())
            .filter(|((_, name), _)| name == "v")
            .map(|((at, _), ty)| (at.column, ty.as_deref()))
            .collect();
        uses.sort_unstable();
        let types: Vec<_> = uses.into_iter().map(|(_, ty)| ty).collect();
        // (`Some(v)` matched on `p: Option<B>` is a `B`.)
        assert_eq!(types, [Some("B"), Some("A"), None, Some("B")]);
        assert_eq!(declared.names.get("v"), None, "bindings of `v` disagree");
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
        let types = declared_types(&f.sig, &f.block).names;
        let ty = |x: &str| types.get(x).map(String::as_str);
        assert_eq!(ty("a"), Some("A"));
        assert_eq!(ty("b"), Some("B"));
        assert_eq!(ty("c"), Some("C"));
        assert_eq!(ty("d"), Some("D"));
        assert_eq!(ty("e"), None);
        assert_eq!(ty("n"), None, "bound again without a type");
        let m: syn::ImplItemFn = syn::parse_quote! { async fn m(&self) {} };
        let types = in_impl(Some(&syn::parse_quote!(Conn<'a>)), || {
            declared_types(&m.sig, &m.block).names
        });
        assert_eq!(types.get("self").map(String::as_str), Some("Conn"));
    }
}
