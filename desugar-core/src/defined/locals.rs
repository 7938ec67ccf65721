//! The types of a function's locals, as far as its syntax and the crate's signatures say.

use super::read::{first_argument, path_name, second_argument, type_name};
use super::{DEFINED, Defined, Part};
use proc_macro2::LineColumn;
use std::collections::HashMap;
use syn::visit::Visit;

/// The types of the function's locals, as its bindings state them (`x: T` as a parameter or in
/// a `let`, `let x = T::new(..)`, `let x = T { .. }`, `if let Some(x) = f()` or a `match` arm
/// `Ok(x)` where the crate's `f` returns `Option<T>` or `Result<T, _>`, `self` in an `impl T`
/// block or in a method whose name only `T`'s methods have): by name where every binding of
/// the name agrees, by binding, and by use (the binding in scope there).
pub(super) fn declared_types(sig: &syn::Signature, body: &syn::Block) -> Declared {
    let mut bindings = Bindings {
        self_ty: super::self_type(&sig.ident),
        ..Bindings::default()
    };
    for input in &sig.inputs {
        match input {
            syn::FnArg::Typed(t) => {
                bindings.typed(&t.pat, type_name(&t.ty));
                bindings.collection(&t.pat, &t.ty);
            }
            syn::FnArg::Receiver(r) => {
                // (`self: Box<Self>` is a box.)
                let plain = r.colon_token.is_none() || matches!(&*r.ty, syn::Type::Reference(_));
                // (A method marked alone: the one type whose methods of its name the crate
                // defines.)
                let ty = bindings.self_ty.clone();
                let boxed = matches!(&*r.ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "Box"));
                let ty = match ty {
                    Some(ty) if boxed => Some(format!("Box<{ty}>")),
                    None if boxed => Some("Box".to_string()),
                    ty => ty.filter(|_| plain),
                };
                bindings.bind(&syn::Ident::new("self", r.self_token.span), ty);
            }
        }
    }
    bindings.visit_block(body);
    let mut declared = bindings.declared;
    declared.bounds = bounds(&sig.generics);
    declared.names = (bindings.names.into_iter())
        .filter_map(|(name, ty)| Some((name, ty?)))
        .collect();
    declared
}

/// The traits bounding each type parameter, by their names (`Declared::bounds`).
fn bounds(generics: &syn::Generics) -> HashMap<String, Vec<String>> {
    let mut bounds: HashMap<String, Vec<String>> = HashMap::new();
    let mut add =
        |ty: String, list: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>| {
            let traits = list.iter().filter_map(|b| match b {
                syn::TypeParamBound::Trait(t) => super::read::path_name(&t.path),
                _ => None,
            });
            bounds.entry(ty).or_default().extend(traits);
        };
    for param in generics.type_params() {
        add(param.ident.to_string(), &param.bounds);
    }
    for predicate in generics.where_clause.iter().flat_map(|w| &w.predicates) {
        if let syn::WherePredicate::Type(p) = predicate {
            if let syn::Type::Path(ty) = &p.bounded_ty {
                if let Some(ident) = ty.path.get_ident() {
                    add(ident.to_string(), &p.bounds);
                }
            }
        }
    }
    bounds
}

/// A binding or a use of a local: where its name is, and the name (spans made by macros may
/// share a position).
pub(super) type Key = (LineColumn, String);

pub(super) fn key(ident: &proc_macro2::Ident) -> Key {
    (ident.span().start(), ident.to_string())
}

/// The types `declared_types` finds.
#[derive(Default)]
pub(super) struct Declared {
    /// By name, where every binding of the name says the same type.
    pub names: HashMap<String, String>,
    /// By binding: the type it says, if it does.
    pub bindings: HashMap<Key, Option<String>>,
    /// By type parameter of the function: the traits that bound it (`S: ActorState<A>`,
    /// `where S: Send + ActorState<A>`), by name.
    pub bounds: HashMap<String, Vec<String>>,
    /// By use of a local: the type of the binding in scope there (`let v: Val = ..;` then
    /// `if let Some(v) = other { .. }`: `v` is a `Val` after the `if`, whatever it is inside).
    pub uses: HashMap<Key, Option<String>>,
}

impl Declared {
    /// The type `map` (`uses` or `bindings`) has for `ident`'s position, or else its name's.
    pub(super) fn at(
        &self,
        map: &HashMap<Key, Option<String>>,
        ident: &proc_macro2::Ident,
    ) -> Option<String> {
        match map.get(&key(ident)) {
            Some(ty) => ty.clone(),
            None => self.names.get(&ident.to_string()).cloned(),
        }
    }
}

/// Walks a function's body, each binding in scope where it is.
#[derive(Default)]
struct Bindings {
    declared: Declared,
    /// Each local name bound, and its one declared type (none if a binding does not say it or
    /// two disagree).
    names: HashMap<String, Option<String>>,
    /// The bindings in scope where the walk is, innermost last.
    scope: Vec<(String, Option<String>)>,
    /// The element types of the collections bindings state (`jobs: Vec<Job>`, `&[Job]`), by
    /// their place in `scope`, for the binding of a `for` loop over them.
    elements: Vec<(usize, Option<String>)>,
    /// What `Self` names in a pattern (`let Self { a, .. } = self;`).
    self_ty: Option<String>,
}

/// Records `ty` for `key`; two different answers for one key are none.
fn record(map: &mut HashMap<Key, Option<String>>, key: Key, ty: Option<String>) {
    match map.get_mut(&key) {
        Some(known) if *known != ty => *known = None,
        Some(_) => {}
        None => {
            map.insert(key, ty);
        }
    }
}

impl Bindings {
    fn bind(&mut self, ident: &syn::Ident, ty: Option<String>) {
        let name = ident.to_string();
        match self.names.get_mut(&name) {
            Some(known) if *known != ty => *known = None,
            Some(_) => {}
            None => {
                self.names.insert(name.clone(), ty.clone());
            }
        }
        record(&mut self.declared.bindings, key(ident), ty.clone());
        self.scope.push((name, ty));
    }

    /// The binding of `name` in scope, by the type it says, if there is one.
    fn binding(&self, name: &str) -> Option<&Option<String>> {
        let (_, ty) = self.scope.iter().rev().find(|(n, _)| n == name)?;
        Some(ty)
    }

    /// Walks `f` in a scope of its own: what it binds is gone after it.
    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        let (len, elements) = (self.scope.len(), self.elements.len());
        f(self);
        self.scope.truncate(len);
        self.elements.truncate(elements);
    }

    /// Records what the collection `pat: ty` holds, if `pat` is a name.
    fn collection(&mut self, pat: &syn::Pat, ty: &syn::Type) {
        if let (syn::Pat::Ident(_), Some(at)) = (pat, self.scope.len().checked_sub(1)) {
            self.elements.push((at, element_type(ty)));
        }
    }

    /// The type of what a `for` loop over `expr` binds: an element of a collection whose
    /// binding states its type (`for job in jobs`, `&jobs`, `jobs.iter()`).
    fn element_of(&self, expr: &syn::Expr) -> Option<String> {
        match expr {
            syn::Expr::Reference(r) => self.element_of(&r.expr),
            syn::Expr::Paren(p) => self.element_of(&p.expr),
            syn::Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "iter" | "iter_mut" | "into_iter" | "drain"
                ) =>
            {
                self.element_of(&m.receiver)
            }
            syn::Expr::Path(p) => {
                let name = p.path.get_ident()?.to_string();
                // (Of the binding of the name in scope.)
                let at = self.scope.iter().rposition(|(n, _)| *n == name)?;
                let (_, element) = self.elements.iter().rev().find(|(i, _)| *i == at)?;
                element.clone()
            }
            _ => None,
        }
    }

    fn typed(&mut self, pat: &syn::Pat, ty: Option<String>) {
        match pat {
            syn::Pat::Ident(p) if p.subpat.is_none() => self.bind(&p.ident, ty),
            // (`Pair { a: item, .. }`: `item` has the type the crate declares for `a`.)
            syn::Pat::Struct(s) if s.qself.is_none() => {
                let ty = match s.path.is_ident("Self") {
                    true => self.self_ty.clone(),
                    false => path_name(&s.path),
                };
                for field in &s.fields {
                    let by_ref = matches!(&*field.pat, syn::Pat::Ident(p) if p.by_ref.is_some());
                    let field_ty = match (&field.member, &ty) {
                        (syn::Member::Named(name), Some(ty)) if !by_ref => {
                            DEFINED.with_borrow(|d| d.as_deref()?.field_type(ty, &name.to_string()))
                        }
                        _ => None,
                    };
                    self.typed(&field.pat, field_ty);
                }
            }
            // (`Bad(e)`: `e` has the type the crate declares for `Bad`'s field `0`.)
            syn::Pat::TupleStruct(t) if t.qself.is_none() && wrapped(pat).is_none() => {
                let ty = path_name(&t.path);
                for (n, elem) in t.elems.iter().enumerate() {
                    let field_ty = ty.as_ref().and_then(|ty| {
                        DEFINED.with_borrow(|d| d.as_deref()?.field_type(ty, &n.to_string()))
                    });
                    self.typed(elem, field_ty);
                }
            }
            _ => self.visit_pat(pat),
        }
    }
}

/// The type (its name) `expr` evaluates to, as its syntax and the crate's signatures say:
/// a local of a known type (`local`), `T { .. }`, `T::new(..)`, a call of the crate's
/// functions and methods (under `?`, `.unwrap()` or `.expect(..)`: the `T` of the `Result<T, _>`
/// it returns, and `.await`).
pub(super) fn type_of(
    expr: &syn::Expr,
    local: &dyn Fn(&syn::Ident) -> Option<String>,
    defined: Option<&Defined>,
) -> Option<String> {
    let (inner, part) = unwrapped(expr);
    (returned(inner, (part, false), local, defined))
        .or_else(|| pointer(inner, local, defined))
        .or_else(|| constructed(inner))
}

/// `Arc::new(x)`, `Rc::new(x)`, `Box::new(x)`: a smart pointer to what `x` is (`Arc<Ticker>`,
/// whose methods are `Ticker`'s).
fn pointer(
    expr: &syn::Expr,
    local: &dyn Fn(&syn::Ident) -> Option<String>,
    defined: Option<&Defined>,
) -> Option<String> {
    let syn::Expr::Call(c) = expr else {
        return None;
    };
    let (Some(on), function) = callee(c)? else {
        return None;
    };
    let [value] = &Vec::from_iter(&c.args)[..] else {
        return None;
    };
    (function == "new" && matches!(on.as_str(), "Arc" | "Rc" | "Box"))
        .then(|| type_of(value, local, defined))
        .flatten()
        .map(|pointee| format!("{on}<{pointee}>"))
}

/// The function a call names, and the type it is of (`Conn::open`), by their names.
fn callee(call: &syn::ExprCall) -> Option<(Option<String>, String)> {
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let mut segments = p.path.segments.iter().rev();
    let function = segments.next()?.ident.to_string();
    Some((segments.next().map(|s| s.ident.to_string()), function))
}

/// What `?`, `.unwrap()` or `.expect(..)` unwraps (the `Ok` part of its value), or `expr` whole.
fn unwrapped(expr: &syn::Expr) -> (&syn::Expr, Part) {
    match expr {
        syn::Expr::Try(t) => (&*t.expr, Part::Ok),
        syn::Expr::MethodCall(m)
            if matches!(m.method.to_string().as_str(), "unwrap" | "expect") =>
        {
            (&*m.receiver, Part::Ok)
        }
        expr => (expr, Part::Whole),
    }
}

/// The type a call returns, or the part of it `part` says (`awaited`: under `.await`, of an
/// `async fn`).
fn returned(
    expr: &syn::Expr,
    (part, awaited): (Part, bool),
    local: &dyn Fn(&syn::Ident) -> Option<String>,
    defined: Option<&Defined>,
) -> Option<String> {
    match expr {
        syn::Expr::Await(a) if !awaited => returned(&a.base, (part, true), local, defined),
        syn::Expr::Paren(p) => returned(&p.expr, (part, awaited), local, defined),
        // (`&x`: methods auto-deref, and a shared reference is `Copy` whatever it points to if
        // the type is; a `&mut` one is not, so it stays untyped.)
        syn::Expr::Reference(r) if r.mutability.is_none() && part == Part::Whole && !awaited => {
            type_of(&r.expr, local, defined)
        }
        syn::Expr::Path(p) if part == Part::Whole && !awaited && p.qself.is_none() => {
            local(p.path.get_ident()?)
        }
        // (`n as u32`, `v.iter().sum::<u32>()`, `a % 1000`, `x < 3`: primitives.)
        syn::Expr::Cast(c) if part == Part::Whole && !awaited => type_name(&c.ty),
        syn::Expr::MethodCall(m)
            if part == Part::Whole
                && !awaited
                && matches!(m.method.to_string().as_str(), "sum" | "product") =>
        {
            match m.turbofish.as_ref().map(|t| Vec::from_iter(&t.args))?[..] {
                [syn::GenericArgument::Type(ty)] => type_name(ty),
                _ => None,
            }
        }
        syn::Expr::Lit(l) if part == Part::Whole && !awaited => literal(&l.lit),
        syn::Expr::Binary(b) if part == Part::Whole && !awaited => {
            use syn::BinOp::*;
            let side = |e| returned(e, (Part::Whole, false), local, defined);
            match b.op {
                Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) | And(_) | Or(_) => {
                    Some("bool".to_string())
                }
                Add(_) | Sub(_) | Mul(_) | Div(_) | Rem(_) | BitAnd(_) | BitOr(_) | BitXor(_)
                | Shl(_) | Shr(_) => {
                    let (l, r) = (side(&b.left)?, side(&b.right)?);
                    let primitive = crate::analyze::primitive;
                    (primitive(&l) && primitive(&r)).then_some(l)
                }
                _ => None,
            }
        }
        // (`p.a`: the type the crate declares for `p`'s field `a`.)
        syn::Expr::Field(f) if part == Part::Whole && !awaited => {
            let syn::Member::Named(field) = &f.member else {
                return None;
            };
            let on = type_of(&f.base, local, defined)?;
            defined?.field_type(&on, &field.to_string())
        }
        // (`Some(x) = p.a`: what the crate declares `p`'s field `a` wraps.)
        syn::Expr::Field(f) if part == Part::Ok && !awaited => {
            let syn::Member::Named(field) = &f.member else {
                return None;
            };
            let on = type_of(&f.base, local, defined)?;
            defined?.field_wraps(&on, &field.to_string())
        }
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            let on = type_of(&m.receiver, local, defined);
            // (A smart pointer's method is its pointee's: `Arc<Db>`'s `acquire` is `Db`'s.)
            let output = on.clone().and_then(|on| {
                let defined = defined?;
                (defined.output(Some(&on), &method, part, awaited)).or_else(|| {
                    defined.output(Some(super::read::pointee(&on)?), &method, part, awaited)
                })
            });
            // (`s.chars()`, `v.iter().map(..)`: std's iterators, where the crate defines no
            // method of that name, `std_answer`.)
            let std = part == Part::Whole
                && !awaited
                && defined.is_none_or(|d| !d.methods.contains_key(&method));
            let iterates = std && makes_iterator(&method, m.args.len());
            output
                .or_else(|| iterates.then(|| "iterator".to_string()))
                .or_else(|| std.then(|| std_output(&method, on.as_deref())).flatten())
        }
        syn::Expr::Call(c) => {
            let (on, function) = callee(c)?;
            let defined = defined?;
            // (`Wrapper(x)`: a tuple struct the crate declares.)
            if on.is_none() && part == Part::Whole && !awaited && defined.declares(&function) {
                return Some(function);
            }
            defined.output(on.as_deref(), &function, part, awaited)
        }
        _ => None,
    }
}

/// What std's methods of these names return, where the crate defines none: a length, a
/// truth, or a number of the receiver's type (`n.signum()`, `a.max(b)`), all `Copy`; or a
/// clone, of the receiver's type.
fn std_output(method: &str, on: Option<&str>) -> Option<String> {
    let arithmetic = matches!(
        method,
        "abs" | "signum" | "pow" | "min" | "max" | "clamp" | "rem_euclid" | "div_euclid"
    ) || ["wrapping_", "saturating_"]
        .iter()
        .any(|p| method.starts_with(p));
    match method {
        // (`sched.clone().tick()`: an `Arc<Scheduler>`, whose `tick` takes `self: Arc<Self>`.)
        "clone" => on.map(str::to_string),
        "len" | "count" | "capacity" => Some("usize".to_string()),
        "contains" | "contains_key" | "starts_with" | "ends_with" => Some("bool".to_string()),
        _ if method.starts_with("is_") => Some("bool".to_string()),
        _ if arithmetic => on
            .filter(|on| crate::analyze::primitive(on) && *on != "bool" && *on != "char")
            .map(str::to_string),
        _ => None,
    }
}

/// The types (their names) of the elements of the tuple a call of the crate's returns (or,
/// under `?`, `.unwrap()` or `.expect(..)`, wraps), as `type_of`.
fn elements_of(
    expr: &syn::Expr,
    local: &dyn Fn(&syn::Ident) -> Option<String>,
    defined: Option<&Defined>,
) -> Option<Vec<Option<String>>> {
    let (inner, part) = unwrapped(expr);
    let (call, awaited) = match inner {
        syn::Expr::Await(a) => (&*a.base, true),
        call => (call, false),
    };
    let defined = defined?;
    match call {
        syn::Expr::Call(c) => {
            let (on, function) = callee(c)?;
            defined.output_elements(on.as_deref(), &function, part, awaited)
        }
        syn::Expr::MethodCall(m) => {
            let on = type_of(&m.receiver, local, Some(defined))?;
            defined.output_elements(Some(&on), &m.method.to_string(), part, awaited)
        }
        _ => None,
    }
}

impl Bindings {
    /// `pat` bound to the value of `init`, or (`Some(x)`, `Ok(x)`) to what it wraps.
    fn matched(&mut self, pat: &syn::Pat, init: &syn::Expr) {
        // (`let (a, b) = (x, y);`, `let [a, b] = [x, y];`: each binding to its value.)
        if let Some(pairs) = elementwise(pat, init) {
            for (pat, value) in pairs {
                self.matched(pat, value);
            }
            return;
        }
        // (`let (tx, rx) = oneshot::channel();`: its sender's `send` takes it, `std_answer`.)
        if let (syn::Pat::Tuple(t), syn::Expr::Call(c)) = (pat, init) {
            let oneshot = matches!(&*c.func, syn::Expr::Path(p)
                if crate::analyze::mentions::path_segments(&p.path).ends_with(&["oneshot".into(), "channel".into()]));
            if oneshot && t.elems.len() == 2 {
                self.typed(&t.elems[0], Some("oneshot::Sender".into()));
                self.typed(&t.elems[1], Some("oneshot::Receiver".into()));
                return;
            }
        }
        let defined = DEFINED.with_borrow(Clone::clone);
        let local = |ident: &syn::Ident| self.binding(&ident.to_string()).cloned().flatten();
        // (`let (handle, n) = make();`: each binding to its element of what `make` returns.)
        if let syn::Pat::Tuple(t) = pat
            && let Some(types) = elements_of(init, &local, defined.as_deref())
            && types.len() == t.elems.len()
        {
            for (pat, ty) in t.elems.iter().zip(types) {
                self.typed(pat, ty);
            }
            return;
        }
        // (`match o { Some(s) => .. }` with `o: Option<Box<String>>`: `s` is a box.)
        if let Some((inner, Part::Ok)) = wrapped(pat)
            && let syn::Expr::Path(_) = init
            && let Some(ty) = self.element_of(init)
        {
            self.typed(inner, Some(ty));
            return;
        }
        match wrapped(pat) {
            Some((inner, part)) => {
                let ty = returned(init, (part, false), &local, defined.as_deref());
                self.typed(inner, ty);
            }
            None => {
                let ty = type_of(init, &local, defined.as_deref());
                self.typed(pat, ty);
            }
        }
    }
}

/// What a collection type holds: `Vec<T>`, `VecDeque<T>`, sets, `[T]`, `[T; N]`, behind
/// references too.
fn element_type(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => element_type(&r.elem),
        syn::Type::Paren(p) => element_type(&p.elem),
        syn::Type::Slice(s) => type_name(&s.elem),
        syn::Type::Array(a) => type_name(&a.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            // (An `Option` holds one, or none: `for x in opt`, and `Some(x)` matched on it.)
            let collection = matches!(
                last.ident.to_string().as_str(),
                "Vec"
                    | "VecDeque"
                    | "HashSet"
                    | "BTreeSet"
                    | "LinkedList"
                    | "BinaryHeap"
                    | "Option"
            );
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match (collection, args.args.first()) {
                (true, Some(syn::GenericArgument::Type(t))) => type_name(t),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Methods of std that make an iterator, with so many arguments.
fn makes_iterator(method: &str, args: usize) -> bool {
    match args {
        0 => matches!(
            method,
            "iter"
                | "iter_mut"
                | "into_iter"
                | "chars"
                | "char_indices"
                | "bytes"
                | "lines"
                | "split_whitespace"
                | "enumerate"
                | "rev"
                | "peekable"
                | "keys"
                | "values"
        ),
        1 => matches!(
            method,
            "split"
                | "windows"
                | "chunks"
                | "step_by"
                | "map"
                | "filter"
                | "filter_map"
                | "flat_map"
                | "zip"
                | "skip"
                | "chain"
                | "skip_while"
                | "take_while"
        ),
        _ => false,
    }
}

/// The patterns of a tuple or slice pattern with the values of a tuple or array of as many.
fn elementwise<'a>(
    pat: &'a syn::Pat,
    init: &'a syn::Expr,
) -> Option<Vec<(&'a syn::Pat, &'a syn::Expr)>> {
    let (pats, values): (Vec<&syn::Pat>, Vec<&syn::Expr>) = match (pat, init) {
        (syn::Pat::Tuple(p), syn::Expr::Tuple(v)) => {
            (p.elems.iter().collect(), v.elems.iter().collect())
        }
        (syn::Pat::Slice(p), syn::Expr::Array(v)) => {
            (p.elems.iter().collect(), v.elems.iter().collect())
        }
        _ => return None,
    };
    // (A rest pattern, `..`, stands for any number of values.)
    let rest = pats.iter().any(|p| matches!(p, syn::Pat::Rest(_)));
    (pats.len() == values.len() && !rest).then(|| pats.into_iter().zip(values).collect())
}

/// The primitive type of a literal, `i32` or `f64` where its suffix names none (a guess that
/// only tells it is `Copy`).
fn literal(lit: &syn::Lit) -> Option<String> {
    let (suffix, unsuffixed) = match lit {
        syn::Lit::Int(i) => (i.suffix(), "i32"),
        syn::Lit::Float(f) => (f.suffix(), "f64"),
        syn::Lit::Bool(_) => ("", "bool"),
        syn::Lit::Char(_) => ("", "char"),
        _ => return None,
    };
    let name = if suffix.is_empty() {
        unsuffixed
    } else {
        suffix
    };
    Some(name.to_string())
}

/// The pattern inside `Some(..)`, `Ok(..)` or `Err(..)`: it binds that part of the `Option`
/// or `Result`.
fn wrapped(pat: &syn::Pat) -> Option<(&syn::Pat, Part)> {
    let syn::Pat::TupleStruct(t) = pat else {
        return None;
    };
    let variant = t.path.segments.last()?.ident.to_string();
    let [inner] = Vec::from_iter(&t.elems)[..] else {
        return None;
    };
    match variant.as_str() {
        "Some" | "Ok" => Some((inner, Part::Ok)),
        "Err" => Some((inner, Part::Err)),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Bindings {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.scoped(|s| syn::visit::visit_block(s, b));
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        match (&l.pat, &l.init) {
            // (`let Some(x): Option<T> = ..`: `x` is a `T`.)
            (syn::Pat::Type(t), _) => match wrapped(&t.pat) {
                Some((inner, Part::Ok)) => {
                    self.typed(inner, first_argument(&t.ty).and_then(type_name));
                }
                Some((inner, _)) => self.typed(inner, second_argument(&t.ty).and_then(type_name)),
                None => {
                    self.typed(&t.pat, type_name(&t.ty));
                    self.collection(&t.pat, &t.ty);
                }
            },
            (pat, Some(init)) => self.matched(pat, &init.expr),
            (pat, None) => self.typed(pat, None),
        }
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.visit_expr(&l.expr);
        self.matched(&l.pat, &l.expr);
    }

    /// (What `if let` binds is in scope in its first branch only.)
    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.scoped(|s| {
            s.visit_expr(&i.cond);
            s.visit_block(&i.then_branch);
        });
        if let Some((_, other)) = &i.else_branch {
            self.visit_expr(other);
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.scoped(|s| syn::visit::visit_expr_while(s, w));
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        let element = self.element_of(&f.expr);
        self.scoped(|s| {
            match (&*f.pat, element) {
                (syn::Pat::Ident(p), Some(ty)) if p.subpat.is_none() => s.bind(&p.ident, Some(ty)),
                _ => s.visit_pat(&f.pat),
            }
            s.visit_block(&f.body);
        });
    }

    /// (An arm's pattern binds from the scrutinee's value: `Ok(n)` of a `Result<u32, _>`.)
    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            self.scoped(|s| {
                s.matched(&arm.pat, &m.expr);
                if let Some((_, guard)) = &arm.guard {
                    s.visit_expr(guard);
                }
                s.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.scoped(|s| syn::visit::visit_expr_closure(s, c));
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(ident) = p.path.get_ident().filter(|_| p.qself.is_none()) {
            if let Some(ty) = self.binding(&ident.to_string()).cloned() {
                record(&mut self.declared.uses, key(ident), ty);
            }
        }
    }

    /// `format!("{}", { let k = f()?; k })`: the bindings of expressions a macro takes as
    /// arguments (`analyze` reads those of std's macros).
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        type Args = syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>;
        if let Ok(args) = m.parse_body_with(Args::parse_terminated) {
            args.iter().for_each(|arg| self.visit_expr(arg));
        }
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.bind(&p.ident, None);
        syn::visit::visit_pat_ident(self, p);
    }

    /// (Items are not the function's code.)
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The type an initializer builds, as its syntax says: `T { .. }`, `T::new(..)` (or `new_*`,
/// `with_*`, `from*`, `default`), under `?` and `.await`.
fn constructed(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Try(t) => constructed(&t.expr),
        syn::Expr::Await(a) => constructed(&a.base),
        syn::Expr::Paren(p) => constructed(&p.expr),
        syn::Expr::Struct(s) if s.qself.is_none() => path_name(&s.path),
        // (`0..n`: an iterator, `std_answer`.)
        syn::Expr::Range(r) if r.start.is_some() => Some(
            match r.limits {
                syn::RangeLimits::HalfOpen(_) => "Range",
                syn::RangeLimits::Closed(_) => "RangeInclusive",
            }
            .to_string(),
        ),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let mut segments = p.path.segments.iter().rev();
            let function = segments.next()?.ident.to_string();
            let ty = segments.next()?;
            // (`stream::iter(..)`, futures' and tokio-stream's: a stream, `std_answer`.)
            if function == "iter" && ty.ident == "stream" {
                return Some("iterator".to_string());
            }
            let name = ty.ident.to_string();
            // (`Instant::now()` is an `Instant`; chrono's `Utc::now()` is not a `Utc`.)
            let constructor = function == "new"
                || function.starts_with("new_")
                || function.starts_with("with_")
                || function.starts_with("from")
                || function == "default"
                || function == "now" && matches!(name.as_str(), "Instant" | "SystemTime");
            (constructor && name != "Self" && name.starts_with(|c: char| c.is_ascii_uppercase()))
                .then_some(name)
        }
        _ => None,
    }
}
