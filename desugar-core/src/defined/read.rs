//! Reading a file's definitions: the methods with a receiver, the types declared, the return
//! types, and the modules declared in other files.

use super::{Def, Defined, FieldType, Output, Returns};
use crate::analyze::primitive;
use crate::receivers::Mode;
use std::collections::HashMap;
use std::path::PathBuf;
use syn::visit::Visit;

impl Defined {
    /// The definitions in one file's source, and the modules it declares in other files;
    /// unparsable text defines nothing.
    pub(super) fn read(&mut self, source: &str) -> Vec<Module> {
        let Ok(file) = syn::parse_file(source) else {
            return Vec::new();
        };
        let mut reader = Reader {
            defined: self,
            on: None,
            in_trait: None,
            inherent: false,
            mods: Vec::new(),
            fn_lines: fn_lines(source),
            read: HashMap::new(),
            seen: HashMap::new(),
            line: 0,
        };
        reader.visit_file(&file);
        // (Where the file's text has another count of `fn name` than the syntax, a comment or
        // a macro hid some: their lines are not known.)
        for (name, at) in std::mem::take(&mut reader.read) {
            let seen = reader.seen.get(&name).copied().unwrap_or(0);
            if reader.fn_lines.get(&name).map_or(0, Vec::len) != seen {
                for i in at {
                    reader.defined.methods.get_mut(&name).expect("read")[i].line = 0;
                }
            }
        }
        reader.mods
    }
}

/// Walks a file's items, knowing the `impl` it is in.
struct Reader<'a> {
    defined: &'a mut Defined,
    on: Option<String>,
    /// The trait whose declarations are under way.
    in_trait: Option<String>,
    /// In an inherent `impl` (whose methods win over a trait's of the same name).
    inherent: bool,
    /// The modules in other files: with `#[path]`, outside the crate's directory too.
    mods: Vec<Module>,
    /// The lines of `fn name` in the file's text, by name, in order (spans read in a macro do
    /// not have the file's lines).
    fn_lines: HashMap<String, Vec<usize>>,
    /// The methods read, by name: where their definitions are in `Defined::methods`.
    read: HashMap<String, Vec<usize>>,
    /// The functions read, by name: how many.
    seen: HashMap<String, usize>,
    /// The line of the function under way, as `fn_lines` has it (0: not known).
    line: usize,
}

/// The lines (from 1) of each `fn name` of a file's text, outside line comments.
fn fn_lines(source: &str) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut words = code.split(|c: char| !(c.is_alphanumeric() || c == '_'));
        while let Some(word) = words.next() {
            if word == "fn" {
                if let Some(name) = words.by_ref().find(|w| !w.is_empty()) {
                    out.entry(name.to_string()).or_default().push(n + 1);
                }
            }
        }
    }
    out
}

impl Reader<'_> {
    fn declares(&mut self, ident: &syn::Ident, generics: &syn::Generics, attrs: &[syn::Attribute]) {
        let set = if generics.params.is_empty() {
            &mut self.defined.owned
        } else {
            &mut self.defined.generic
        };
        set.insert(ident.to_string());
        let derives_copy = attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == "Copy"))
                })
        });
        if derives_copy {
            self.defined.copy.insert(ident.to_string());
        }
    }

    fn output(&mut self, sig: &syn::Signature) {
        let name = sig.ident.to_string();
        let seen = self.seen.entry(name.clone()).or_default();
        let lines = self.fn_lines.get(&name);
        self.line = lines.and_then(|l| l.get(*seen).copied()).unwrap_or(0);
        *seen += 1;
        let params = (sig.inputs.iter())
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => Some(field_type(&t.ty)),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let key = (self.on.clone(), sig.ident.to_string());
        self.defined.params.entry(key).or_default().push(params);
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            let name = |ty: &syn::Type| match ty {
                syn::Type::Path(p) if p.path.is_ident("Self") => Some("Self".to_string()),
                ty => type_name(ty),
            };
            let output = Output {
                whole: name(ty),
                unwrapped: first_argument(ty).and_then(name),
                error: second_argument(ty).and_then(name),
                elements: tuple_names(ty, name),
                unwrapped_elements: first_argument(ty).and_then(|ty| tuple_names(ty, name)),
                awaited: sig.asyncness.is_some(),
                inherent: self.inherent && self.on.is_some(),
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
        let name = sig.ident.to_string();
        let index = self.defined.methods.get(&name).map_or(0, Vec::len);
        self.read.entry(name).or_default().push(index);
        self.defined
            .methods
            .entry(sig.ident.to_string())
            .or_default()
            .push(Def {
                line: self.line,
                on: self.on.clone(),
                declared_in: self.in_trait.clone().filter(|_| self.on.is_none()),
                inherent: self.inherent && self.on.is_some(),
                mode,
                returns: match &sig.output {
                    _ if owned => Returns::Owned(types),
                    syn::ReturnType::Type(_, ty)
                        if sig.asyncness.is_none() && matches!(**ty, syn::Type::Reference(_)) =>
                    {
                        Returns::Reference
                    }
                    _ => Returns::Borrowing,
                },
            });
    }
}

impl Reader<'_> {
    /// The `impl` blocks, traits, structs and enums in a macro's input (`macro_rules!` bodies with `$`
    /// in them do not parse, and are skipped).
    fn items_in(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::{Delimiter, TokenTree};
        let mut item: Option<proc_macro2::TokenStream> = None;
        for tt in tokens {
            let end = match (&item, &tt) {
                (None, TokenTree::Ident(i))
                    if i == "impl" || i == "trait" || i == "struct" || i == "enum" =>
                {
                    item = Some(std::iter::once(tt).collect());
                    continue;
                }
                (None, TokenTree::Group(g)) => {
                    self.items_in(g.stream());
                    continue;
                }
                (None, _) => continue,
                // (`struct P(u8);`, `struct Unit;`)
                (Some(_), TokenTree::Punct(p)) => p.as_char() == ';',
                (Some(_), TokenTree::Group(g)) => g.delimiter() == Delimiter::Brace,
                (Some(_), _) => false,
            };
            let tokens = item.as_mut().expect("an item under way");
            tokens.extend([tt]);
            if end {
                if let Ok(i) = syn::parse2::<syn::Item>(std::mem::take(tokens)) {
                    self.visit_item(&i);
                }
                item = None;
            }
        }
    }
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let implements_drop = (i.trait_.as_ref())
            .and_then(|(_, path, _)| path.segments.last())
            .is_some_and(|last| last.ident == "Drop");
        if implements_drop && let Some(ty) = type_name(&i.self_ty) {
            self.defined.drops.insert(ty);
        }
        if let Some((_, path, _)) = &i.trait_
            && let Some(name) = path_name(path)
        {
            let ty = type_name(&i.self_ty);
            let blanket = ty
                .as_ref()
                .is_none_or(|ty| i.generics.type_params().any(|p| p.ident == ty));
            let ty = if blanket { None } else { ty };
            self.defined
                .implementors
                .entry(name)
                .or_default()
                .insert(ty);
        }
        // (Which methods a trait may give a signature: those cannot gain lifetimes.)
        let set = match i.trait_ {
            Some(_) => &mut self.defined.trait_methods,
            None => &mut self.defined.inherent_methods,
        };
        for item in &i.items {
            if let syn::ImplItem::Fn(f) = item {
                set.insert(f.sig.ident.to_string());
            }
        }
        let outer = self.on.replace(type_name(&i.self_ty).unwrap_or_default());
        let outer_inherent = std::mem::replace(&mut self.inherent, i.trait_.is_none());
        syn::visit::visit_item_impl(self, i);
        self.on = outer;
        self.inherent = outer_inherent;
    }

    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        let outer = self.on.take();
        let outer_trait = self.in_trait.replace(i.ident.to_string());
        syn::visit::visit_item_trait(self, i);
        self.on = outer;
        self.in_trait = outer_trait;
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
        (self.defined.trait_methods).insert(f.sig.ident.to_string());
        self.method(&f.sig);
        syn::visit::visit_trait_item_fn(self, f);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        if let Some(name) = crate::rules::macro_rules_name(m) {
            let cfgs: Vec<proc_macro2::TokenStream> = (m.attrs.iter())
                .filter(|a| a.path().is_ident("cfg"))
                .filter_map(|a| a.meta.require_list().ok().map(|l| l.tokens.clone()))
                .collect();
            let cfg = match &cfgs[..] {
                [] => None,
                [one] => Some(one.to_string()),
                all => Some(quote::quote!(all(#(#all),*)).to_string()),
            };
            let body = m.mac.tokens.to_string();
            let definition = crate::rules::Definition { cfg, body };
            self.defined
                .macros
                .entry(name)
                .or_default()
                .push(definition);
        }
        syn::visit::visit_item_macro(self, m);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.items_in(m.tokens.clone());
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.declares(&i.ident, &i.generics, &i.attrs);
        let mut fields = HashMap::new();
        let mut shape = Vec::new();
        for (n, f) in i.fields.iter().enumerate() {
            let name = (f.ident.as_ref()).map_or_else(|| n.to_string(), ToString::to_string);
            fields.insert(name.clone(), field_type(&f.ty));
            shape.push(super::FieldShape {
                name,
                public: !matches!(f.vis, syn::Visibility::Inherited),
                configured: f.attrs.iter().any(|a| a.path().is_ident("cfg")),
            });
        }
        let name = i.ident.to_string();
        // (`struct Writer<'a> { buf: &'a mut Vec<u8>, n: usize }`: nothing to drop.)
        let plain = i.fields.iter().all(|f| match &f.ty {
            syn::Type::Reference(_) => true,
            ty => matches!(field_type(ty), FieldType::Copy(_)),
        });
        self.defined
            .drops_nothing
            .entry(name.clone())
            .or_default()
            .push(plain);
        self.defined
            .fields
            .entry(name.clone())
            .or_default()
            .push(fields);
        self.defined.shapes.entry(name).or_default().push(shape);
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.declares(&i.ident, &i.generics, &i.attrs);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let path = crate::file::path_attribute(&m.attrs);
        match (path, &m.content) {
            (Some(path), _) => self.mods.push(Module::Path(PathBuf::from(path))),
            (None, None) => self.mods.push(Module::Named(m.ident.to_string())),
            (None, Some(_)) => {}
        }
        syn::visit::visit_item_mod(self, m);
    }
}

/// A module a file declares, whose source is in another file.
pub(super) enum Module {
    /// `#[path = ".."] mod m;`
    Path(PathBuf),
    /// `mod m;`: `m.rs` or `m/mod.rs`.
    Named(String),
}

/// A field's type, as far as `Copy` goes.
fn field_type(ty: &syn::Type) -> FieldType {
    match ty {
        syn::Type::Reference(r) if r.mutability.is_none() => FieldType::Copy(None),
        syn::Type::Paren(p) => field_type(&p.elem),
        syn::Type::Array(a) => match field_type(&a.elem) {
            FieldType::Copy(_) => FieldType::Copy(None),
            elem => elem,
        },
        syn::Type::Path(p) if p.qself.is_none() => match p.path.get_ident() {
            Some(name) if primitive(&name.to_string()) => FieldType::Copy(Some(name.to_string())),
            Some(name) => FieldType::Named(name.to_string(), None),
            // (`Framed<Io, Codec>`, `sync::Mutex<T>`: its methods are looked up by its name.)
            None => {
                let inner = first_argument(ty).filter(|t| matches!(t, syn::Type::Path(_)));
                let inner = inner.and_then(type_name);
                path_name(&p.path).map_or(FieldType::Other, |name| FieldType::Named(name, inner))
            }
        },
        _ => FieldType::Other,
    }
}

/// The names of a tuple type's elements.
fn tuple_names(
    ty: &syn::Type,
    name: impl Fn(&syn::Type) -> Option<String>,
) -> Option<Vec<Option<String>>> {
    match ty {
        syn::Type::Tuple(t) if !t.elems.is_empty() => Some(t.elems.iter().map(name).collect()),
        syn::Type::Paren(p) => tuple_names(&p.elem, name),
        _ => None,
    }
}

/// The `T` of `Result<T, E>`, `io::Result<T>` or `Option<T>`.
pub(super) fn first_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let (name, args) = type_arguments(ty)?;
    let wraps = name == "Option" || name.to_string().ends_with("Result");
    args.first().copied().filter(|_| wraps)
}

/// The `E` of `Result<T, E>` (not of an alias such as `io::Result<T>`, which names one).
pub(super) fn second_argument(ty: &syn::Type) -> Option<&syn::Type> {
    match type_arguments(ty)? {
        (name, args) if name == "Result" && args.len() == 2 => Some(args[1]),
        _ => None,
    }
}

/// The last segment of a path type, and its type arguments.
fn type_arguments(ty: &syn::Type) -> Option<(&syn::Ident, Vec<&syn::Type>)> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let types = (args.args.iter())
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect();
    Some((&last.ident, types))
}

/// The last segment of a type's path, unless it is `Self`.
pub(super) fn path_name(path: &syn::Path) -> Option<String> {
    let mut segments = path.segments.iter().rev();
    let name = segments.next()?.ident.to_string();
    // (tokio's and futures' `oneshot::Sender`, whose `send` takes it, unlike other senders'.)
    if segments.next().is_some_and(|s| s.ident == "oneshot") {
        return Some(format!("oneshot::{name}"));
    }
    // (`Arc<Db>`: a smart pointer, by what it points to, whose methods it has.)
    if matches!(name.as_str(), "Arc" | "Rc" | "Box")
        && let syn::PathArguments::AngleBracketed(args) = &path.segments.last()?.arguments
        && let [syn::GenericArgument::Type(pointee)] = &Vec::from_iter(&args.args)[..]
        && let Some(pointee) = type_name(pointee)
    {
        return Some(format!("{name}<{pointee}>"));
    }
    (name != "Self").then_some(name)
}

/// What a smart pointer's type name (`path_name`) says it points to: `Db` for `Arc<Db>`.
pub(super) fn pointee(name: &str) -> Option<&str> {
    let (pointer, rest) = name.split_once('<')?;
    matches!(pointer, "Arc" | "Rc" | "Box")
        .then(|| rest.strip_suffix('>'))
        .flatten()
}

/// The name a type is known by here: the last segment of its path, under references.
pub(super) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        syn::Type::Path(p) if p.qself.is_none() => path_name(&p.path),
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
    primitive(name)
        || matches!(
            name,
            "String"
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
