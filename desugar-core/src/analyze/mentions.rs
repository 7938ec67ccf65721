//! Which locals a piece of user code mentions, and how: borrowed in place, moved, used as a method
//! receiver (which may be either: a macro cannot see the method's signature), or assigned.
//!
//! Names bound inside the code (closure parameters, `let`s of inner blocks, match arms, `for`
//! patterns) shadow outer locals for their scope and are not reported.

use crate::receivers::{Known, Mode};
use crate::syntax::{block_jumps, is_jump};
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::{Block, Expr, Macro, Pat, Stmt, Token};

/// How a mention uses a local.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Use {
    /// `&x`, `&mut x`, `x[i]`, `*x`, `x += 1`, `x.f = v`, `x == y`, a format argument: the local
    /// is used in place and stays initialized.
    Borrow,
    /// `x.m(..)` (or `x.f.m(..)`, or `x(..)` for a local closure): a borrow or a move, depending
    /// on the receiver type of `m`.
    Receiver(Method),
    /// `x` by value: a move, unless the type is `Copy`.
    Move,
    /// `x.f` by value: a copy of the field, or a move of it that leaves `x` partly moved, which
    /// a state cannot keep (`Mention::copies` and `cfg::settle_field_reads` decide).
    Field,
    /// `x = v`: gives the local a new value.
    Assign,
}

/// The method a local is the receiver of, and how it takes it where rustc told (`receivers`);
/// `call` for a call of the local itself, `write_fmt` for a formatting macro's writer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    pub known: Option<Known>,
    /// How the crate's own methods of that name take it (`defined`): a better guess than the
    /// name, checked as that is.
    pub defined: Option<Known>,
}

/// `x = x.m(..)`: the call, if the receiver is the local assigned.
fn reassigned_by(a: &syn::ExprAssign) -> Option<&syn::ExprMethodCall> {
    let Expr::MethodCall(m) = &*a.right else {
        return None;
    };
    let left = plain_ident(&a.left)?;
    (plain_ident(&m.receiver)? == left).then_some(m)
}

/// The name of [`Method::called`].
const CALLED: &str = "()";

impl Method {
    /// A method whose receiver mode is not known: guessed from its name.
    pub fn named(name: &str) -> Method {
        Method {
            name: name.to_string(),
            known: None,
            defined: None,
        }
    }

    /// A call of the local itself, `f(..)`: a closure or function, which no method name can
    /// stand for (`client.call(..)` is a method).
    pub fn called() -> Method {
        Method::named(CALLED)
    }

    /// Whether this is [`Method::called`].
    pub fn is_called(&self) -> bool {
        self.name == CALLED
    }

    /// The method of `x.m(..)`, as rustc told or not.
    pub fn of(call: &syn::ExprMethodCall) -> Method {
        let name = call.method.to_string();
        // `take(n)`, with a limit, is `Iterator`'s, `Read`'s and their async kin's, which take
        // `self`; `Option::take()` has none. Setters of http's and reqwest's request builders
        // take `self` (`builder.body(b)`, `.header(k, v)`); a request's getters have no
        // argument (`req.body()`) or one fewer (`req.header(name)`).
        let by_arity = matches!(
            (name.as_str(), call.args.len()),
            (
                "take" | "body" | "method" | "uri" | "version" | "form" | "bearer_auth",
                1
            ) | ("header" | "basic_auth", 2)
        )
        .then_some(Known {
            mode: Mode::Value,
            lends: false,
            reference: false,
        })
        // (`err.chain()` is anyhow's error chain, `&self`; `Iterator::chain` takes another.)
        .or_else(|| {
            (name == "chain" && call.args.is_empty()).then_some(Known {
                mode: Mode::Shared,
                lends: true,
                reference: false,
            })
        });
        Method {
            name,
            known: crate::receivers::known(&call.method),
            defined: crate::defined::answer(call).or(by_arity),
        }
    }

    /// The method of `x = x.m(..)`: a builder's, which takes `x` by value and gives back the
    /// new one (`builder = builder.use_sni(false)`), unless rustc, the crate or the name says
    /// otherwise; a guess, checked as any.
    pub fn of_reassigned(call: &syn::ExprMethodCall) -> Method {
        let mut method = Method::of(call);
        let name = method.name.as_str();
        let named = super::cfg::borrowing(name)
            || super::cfg::consuming(name)
            || super::cfg::returns_borrow(name)
            || super::cfg::makes_owned(name);
        if method.told().is_none() && !named {
            method.defined = Some(Known {
                mode: Mode::Value,
                lends: false,
                reference: false,
            });
        }
        method
    }

    /// What rustc told, or else what the crate's definitions say.
    fn told(&self) -> Option<Known> {
        self.known.or(self.defined)
    }

    /// Takes its receiver by value: as rustc told, or a name known to.
    pub fn consumes(&self) -> bool {
        self.told().map_or_else(
            || super::cfg::consuming(&self.name),
            |k| k.mode == Mode::Value,
        )
    }

    /// Borrows its receiver: as rustc told, or a name known to.
    pub fn borrows(&self) -> bool {
        self.told().map_or_else(
            || super::cfg::borrowing(&self.name),
            |k| k.mode != Mode::Value,
        )
    }

    /// May keep what it is given in its receiver (`msg.user_name(auth.user())`, `v.push(&x)`):
    /// not known to take the receiver by value or by shared reference.
    pub fn may_keep_arguments(&self) -> bool {
        self.told().map_or_else(
            || !super::cfg::consuming(&self.name),
            |k| k.mode == Mode::Mut,
        )
    }

    /// Borrows its receiver for the call only: what it returns cannot hold the borrow (as
    /// rustc told, or a name known to return a `bool` or a length).
    pub fn lends_nothing(&self) -> bool {
        self.told().map_or_else(
            || super::cfg::lends_nothing(&self.name),
            |k| k.mode != Mode::Value && !k.lends,
        )
    }

    /// Whether what it returns may hold a borrow of its receiver, where rustc or the crate's
    /// signatures tell.
    pub fn lends(&self) -> Option<bool> {
        self.told().map(|k| k.mode != Mode::Value && k.lends)
    }

    /// Returns a value that holds no borrow: as rustc told, or a name known to (`to_string`).
    pub fn returns_owned(&self) -> bool {
        self.told()
            .map_or_else(|| super::cfg::makes_owned(&self.name), |k| !k.lends)
    }

    /// Returns a value, not a reference, as rustc or the crate's signatures tell: one that may
    /// hold a borrow of its receiver (`client.embeddings()`, an `Embeddings<'_>`) is a temporary
    /// of its own, which what borrows it keeps.
    pub fn returns_value(&self) -> bool {
        self.told().is_some_and(|k| !k.reference)
    }

    /// Keeps a temporary receiver to the end of the statement: borrows it (as rustc told), or a
    /// name known to borrow it or to return what borrows it.
    pub fn keeps_temporary(&self) -> bool {
        self.told().map_or_else(
            || super::cfg::borrowing(&self.name) || super::cfg::returns_borrow(&self.name),
            |k| k.mode != Mode::Value,
        )
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Mention {
    pub name: String,
    pub kind: Use,
    pub span: Span,
    /// Inside a closure or async block without `move`: a by-value use there captures by
    /// reference if the local is `Copy`, by value if not, which a macro cannot tell.
    pub captured: bool,
    /// A field read (`Use::Field`) whose place shows it copies a number: an operand of
    /// arithmetic, a cast or an index.
    pub copies: bool,
    /// A field read that is a `move` closure's (or `async move` block's) capture of a field it
    /// uses by reference there (`move || p.a.get()`): reading it twice shows no copy.
    pub captured_by_value: bool,
    /// For a field read, a method called on a field or a field borrowed, the fields, as
    /// written (`a.0`).
    pub field: Option<String>,
    /// Inside a closure or an `async` block, `move` or not.
    pub nested: bool,
    /// Inside a `move` closure or `async move` block: which one, the outermost, numbered in
    /// the code walked. Its mentions of a local are one move of it, where it captures it.
    pub capture: Option<usize>,
    /// Control leaves the code after the mention, by this jump, with nothing but the rest of the
    /// jump's block in between: the mention is in the value of a `return` or `break`, or in a
    /// block that ends in one. What comes after the code as a whole does not follow it.
    pub leaves: Option<Leave>,
    /// In the value of that jump itself (`return out`, `break Ok(out)`).
    pub jump_value: bool,
    /// In code that runs on some paths through the code and not on others (a branch of an `if`
    /// or `match`, a loop's body, the right operand of `&&`): a move there leaves the local
    /// moved or not, which rustc tracks with a drop flag.
    pub conditional: bool,
    /// In code that runs on every path through the code that completes, or that ends in the
    /// jump it is followed by (`leaves`): as `conditional`, but a branch that is the only one
    /// of its `if` or `match` to complete is not one (`_ => unreachable!()` beside it). An
    /// assignment here gives the local its value wherever the code goes on.
    pub always: bool,
    /// In the body of a loop inside the code: it may run again after what follows it.
    pub looped: bool,
    /// The branches it is in, outermost first: (`if` or `match`, which branch or arm), numbered
    /// in the code walked. Two mentions in different branches of one `if` or `match` never both
    /// run (`exclusive`).
    pub branch: Vec<(usize, usize)>,
    /// A borrow that ends with the macro it is an argument of (`format!`, `println!`) or the
    /// comparison it is an operand of, whose value holds no borrow.
    pub transient: bool,
}

/// A jump out of the code a mention is in (one of a loop or labeled block inside the code does
/// not count).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leave {
    Return,
    /// `break` of the loop or labeled block with this label, or of the innermost loop.
    Break(Option<String>),
    /// `continue` of the loop with this label, or of the innermost loop.
    Continue(Option<String>),
}

/// Mentions of free names in an expression evaluated by value.
pub fn in_expr(expr: &Expr) -> Vec<Mention> {
    let mut c = Collector::default();
    c.expr(expr, Use::Move);
    c.out
}

/// Mentions in the operand of an `.await`: `s.try_fold(..)` awaited is `TryStreamExt`'s, which
/// takes the stream by value (`Iterator`'s borrows it, and makes no future); so is
/// `try_for_each`, unless rustc says otherwise or the crate defines a method of that name.
pub fn in_awaited(operand: &Expr) -> Vec<Mention> {
    let mut c = Collector::default();
    match operand {
        Expr::MethodCall(m)
            if matches!(m.method.to_string().as_str(), "try_fold" | "try_for_each") =>
        {
            let mut method = Method::of(m);
            let named = crate::defined::declared_mode(&method.name).is_some();
            if method.told().is_none() && !named {
                method.defined = Some(Known {
                    mode: Mode::Value,
                    lends: false,
                    reference: false,
                });
            }
            c.method_call(m, method);
        }
        _ => c.expr(operand, Use::Move),
    }
    c.out
}

/// Mentions in the initializer of `let PAT = init`: a `_` or `ref` pattern only borrows.
pub fn in_let_init(pat: &Pat, init: &Expr) -> Vec<Mention> {
    let mut c = Collector::default();
    c.expr(init, pattern_use(pat));
    c.out
}

/// Mentions in the scrutinee of a `match` with `arms`: a place that no arm binds by value is
/// only read (`match p.n { 0 => .., _ => .. }` does not move `p.n`).
pub fn in_scrutinee(arms: &[syn::Arm], scrutinee: &Expr) -> Vec<Mention> {
    let mut c = Collector::default();
    let by_value = arms.iter().any(|a| binds_by_value(&a.pat));
    c.expr(scrutinee, if by_value { Use::Move } else { Use::Borrow });
    c.out
}

/// Mentions in a statement, as it stands in a sequence (its own bindings are not reported).
pub fn in_stmt(stmt: &Stmt) -> Vec<Mention> {
    let mut c = Collector::default();
    c.stmt(stmt);
    c.out
}

/// The local a chain of field accesses reads from, and the fields (`p.a.0`: `p`, `a.0`).
fn field_root(expr: &Expr) -> Option<(&syn::Ident, String)> {
    let mut fields = Vec::new();
    let mut at = expr;
    while let Expr::Field(f) = at {
        fields.push(quote::ToTokens::to_token_stream(&f.member).to_string());
        at = &f.base;
    }
    fields.reverse();
    Some((plain_ident(at)?, fields.join(".")))
}

/// Whether `p` binds a name: `None`, `Empty` (unit variants and constants) look like bindings;
/// by convention they are capitalized, bindings are not.
pub fn is_binding(p: &syn::PatIdent) -> bool {
    p.subpat.is_some()
        || p.by_ref.is_some()
        || p.mutability.is_some()
        || !p
            .ident
            .to_string()
            .starts_with(|c: char| c.is_ascii_uppercase())
}

/// The identifiers a pattern binds, in binding order, with `mut`.
pub fn bindings(pat: &Pat) -> Vec<(syn::Ident, bool)> {
    let mut out = Vec::new();
    each_binding(pat, &mut |p| {
        out.push((p.ident.clone(), p.mutability.is_some()))
    });
    out
}

/// The identifiers a pattern binds by reference (`ref v`, `ref mut v`).
pub fn ref_bindings(pat: &Pat) -> Vec<syn::Ident> {
    let mut out = Vec::new();
    each_binding(pat, &mut |p| {
        if p.by_ref.is_some() {
            out.push(p.ident.clone());
        }
    });
    out
}

/// Calls `f` with each binding of `pat`, in binding order.
fn each_binding(pat: &Pat, f: &mut impl FnMut(&syn::PatIdent)) {
    match pat {
        Pat::Ident(p) => {
            if is_binding(p) {
                f(p);
            }
            if let Some((_, sub)) = &p.subpat {
                each_binding(sub, f);
            }
        }
        Pat::Or(p) => {
            if let Some(first) = p.cases.first() {
                each_binding(first, f);
            }
        }
        Pat::Paren(p) => each_binding(&p.pat, f),
        Pat::Reference(p) => each_binding(&p.pat, f),
        Pat::Slice(p) => p.elems.iter().for_each(|p| each_binding(p, f)),
        Pat::Struct(p) => p.fields.iter().for_each(|fp| each_binding(&fp.pat, f)),
        Pat::Tuple(p) => p.elems.iter().for_each(|p| each_binding(p, f)),
        Pat::TupleStruct(p) => p.elems.iter().for_each(|p| each_binding(p, f)),
        Pat::Type(p) => each_binding(&p.pat, f),
        _ => {}
    }
}

/// Whether matching `pat`, when it matches, moves all of the value into its bindings, leaving
/// nothing in place (`Some(x)`, `(a, b)`, `Ok(Msg { id, body })`, `(2, Some(x))`): every part
/// is bound by value or a literal, no `_`, `..`, `ref` or constant. (A pattern that leaves part
/// of a temporary in place keeps it to the end of the construct.)
pub fn moves_whole(pat: &Pat) -> bool {
    match pat {
        // (`None`, `Empty`: a unit variant or a constant, by convention capitalized, moves
        // nothing.)
        Pat::Ident(p) => {
            p.by_ref.is_none()
                && p.subpat.is_none()
                && (p.mutability.is_some()
                    || !p
                        .ident
                        .to_string()
                        .starts_with(|c: char| c.is_ascii_uppercase()))
        }
        Pat::Type(t) => moves_whole(&t.pat),
        Pat::Paren(p) => moves_whole(&p.pat),
        Pat::Or(o) => o.cases.iter().all(moves_whole),
        Pat::Tuple(t) => t.elems.iter().all(moves_whole),
        Pat::TupleStruct(t) => t.elems.iter().all(moves_whole),
        Pat::Struct(s) => s.rest.is_none() && s.fields.iter().all(|f| moves_whole(&f.pat)),
        Pat::Slice(s) => s.elems.iter().all(moves_whole),
        // (A literal's value, a number, `char`, `bool` or `&str`, is `Copy`: nothing of it
        // is left to drop.)
        Pat::Lit(_) | Pat::Range(_) => true,
        _ => false,
    }
}

/// Whether matching `pat`, when it matches, leaves nothing in place that drops: it moves all of
/// the value into its bindings (`mentions::moves_whole`), or what it leaves is a unit variant
/// (`None`, `State::Idle`, of a type without a `Drop` impl of the crate's).
pub fn drops_nothing_left(pat: &syn::Pat) -> bool {
    match pat {
        Pat::Path(p) if p.qself.is_none() => unit_variant(&p.path),
        Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() && p.mutability.is_none() => {
            p.ident == "None" || moves_whole(pat)
        }
        // (`e @ E::A(_)` moves all of the value into `e`.)
        Pat::Ident(p) if p.subpat.is_some() => p.by_ref.is_none(),
        // (What `&x`, `3` or `'a'..='z'` matches is a reference, a number, a `char` or a `&str`:
        // nothing to drop.)
        Pat::Reference(_) | Pat::Lit(_) | Pat::Range(_) => true,
        Pat::Paren(p) => drops_nothing_left(&p.pat),
        Pat::Or(o) => o.cases.iter().all(drops_nothing_left),
        Pat::Tuple(t) => t.elems.iter().all(drops_nothing_left),
        Pat::TupleStruct(t) => t.elems.iter().all(drops_nothing_left),
        Pat::Struct(s) => s.rest.is_none() && s.fields.iter().all(|f| drops_nothing_left(&f.pat)),
        _ => moves_whole(pat),
    }
}

/// `None`, or `Enum::Variant` of an enum the crate implements no `Drop` for.
fn unit_variant(path: &syn::Path) -> bool {
    let segments = path_segments(path);
    match &segments[..] {
        [one] => one == "None",
        [.., ty, _] => !crate::defined::implements_drop(ty),
        [] => false,
    }
}

/// Whether `block` always ends in a `break`, `continue` or `return` (a jump out of it).
fn diverges(block: &Block) -> bool {
    matches!(
        block.stmts.last(),
        Some(Stmt::Expr(
            Expr::Break(_) | Expr::Continue(_) | Expr::Return(_),
            _
        ))
    )
}

/// Whether two mentions are in different branches of one `if` or `match`: never both run.
pub fn exclusive(a: &[(usize, usize)], b: &[(usize, usize)]) -> bool {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| x.0 == y.0)
        .any(|(x, y)| x.1 != y.1)
}

/// How matching `pat` against a place uses it: patterns that bind nothing by value only read it,
/// and so do those that bind something by reference (`let Env { ref user, id } = env;`: the
/// place stays where it is for `user` to borrow; what else they bind is copied, or rustc says
/// it cannot move out of it).
fn pattern_use(pat: &Pat) -> Use {
    if binds_by_value(pat) && !binds_by_reference(pat) {
        Use::Move
    } else {
        Use::Borrow
    }
}

/// A pattern with a `ref` or `ref mut` binding.
pub fn binds_by_reference(pat: &Pat) -> bool {
    !ref_bindings(pat).is_empty()
}

/// A pattern that moves (or copies) out of what it matches: a binding by value.
pub fn binds_by_value(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(p) => {
            p.by_ref.is_none()
                && !p
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_uppercase())
                || p.subpat.as_ref().is_some_and(|(_, s)| binds_by_value(s))
        }
        Pat::Or(p) => p.cases.iter().any(binds_by_value),
        Pat::Paren(p) => binds_by_value(&p.pat),
        Pat::Reference(_) => false,
        Pat::Slice(p) => p.elems.iter().any(binds_by_value),
        Pat::Struct(p) => p.fields.iter().any(|f| binds_by_value(&f.pat)),
        Pat::Tuple(p) => p.elems.iter().any(binds_by_value),
        Pat::TupleStruct(p) => p.elems.iter().any(binds_by_value),
        Pat::Type(p) => binds_by_value(&p.pat),
        _ => false,
    }
}

/// Macros whose arguments are only borrowed (they go through `format_args!`), with how many
/// leading arguments are evaluated as plain expressions instead.
pub fn format_like(name: &str) -> Option<usize> {
    Some(match name {
        "format" | "print" | "println" | "eprint" | "eprintln" | "format_args" | "panic"
        | "unreachable" | "todo" | "unimplemented" | "trace" | "debug" | "info" | "warn"
        | "error" => 0,
        "write" | "writeln" | "assert" | "debug_assert" => 1,
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => 0,
        _ => return None,
    })
}

/// The names a format string captures (`"{total} {x:?}"` -> `total`, `x`).
pub fn in_format_string(lit: &syn::LitStr) -> Vec<String> {
    let text = lit.value();
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek().is_some_and(|&(_, n)| n == '{') {
            chars.next();
            continue;
        }
        let name: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
            out.push(name);
        }
    }
    out
}

/// The outermost `move` block walked into: its number (`Mention::capture`), and where it is
/// made, as `Collector` counts it (the conditions, loops and branches around it).
struct Capture {
    number: usize,
    conditional: usize,
    loops: usize,
    branch: Vec<(usize, usize)>,
    leaves: Option<Leave>,
    jump_value: bool,
}

#[derive(Default)]
struct Collector {
    shadowed: Vec<String>,
    out: Vec<Mention>,
    /// Inside a `move` closure or `async move` block: every capture is a move.
    forced_move: usize,
    /// The outermost such block walked into, and how many were.
    capture: Option<Capture>,
    captures: usize,
    /// Inside a `move` closure or `async move` block that takes whole locals, not only the
    /// fields it reads (before edition 2021, or the `async` context of an unknown macro).
    whole_moves: usize,
    /// Inside a closure or async block without `move`.
    lazy_capture: usize,
    /// The outermost closure or async block walked into is not `move`: it captures what the
    /// `move` ones inside it take, by reference if that is `Copy`.
    lazy_outermost: bool,
    /// In the arguments of a formatting macro, or the operands of a comparison, whose value
    /// borrows nothing (`Mention::transient`).
    transient: usize,
    /// In the condition of an `if` whose temporaries end with it and whose `bool` holds no
    /// borrow (`scoped_condition`): method calls lend nothing past it either.
    in_condition: usize,
    /// The jump that follows the code being walked, if control leaves by it (`Mention::leaves`).
    leaves: Option<Leave>,
    jump_value: bool,
    /// Loops inside the code around the code being walked, and the labels of those and of
    /// labeled blocks: a jump they catch does not leave the code.
    inner_loops: usize,
    inner_labels: Vec<String>,
    /// Inside code that runs only on some paths (`Mention::conditional`).
    conditional: usize,
    /// Inside code that some completing paths skip (not `Mention::always`).
    skippable: usize,
    /// The branches walked into (`Mention::branch`), and the `if`s and `match`es seen.
    branch: Vec<(usize, usize)>,
    constructs: usize,
    /// The number of the `if` walked last.
    last_if: usize,
    /// The expression being walked is an operand of arithmetic, a cast or an index.
    scalar: bool,
}

impl Collector {
    fn push(&mut self, name: String, kind: Use, span: Span) {
        if self.shadowed.contains(&name) {
            return;
        }
        // (A `move` closure or `async move` block copies the fields it reads, unless it takes
        // whole locals.)
        let precise = kind == Use::Field && self.whole_moves == 0;
        let kind = match kind {
            kind if self.forced_move > 0 && kind != Use::Assign && !precise => Use::Move,
            // (A closure or `async` block without `move` takes by value what a method it
            // calls consumes, `async { s.into_bytes() }`.)
            Use::Receiver(m) if self.lazy_capture > 0 && m.consumes() => Use::Move,
            kind => kind,
        };
        let captured = self.lazy_capture > 0 && (self.forced_move == 0 || self.lazy_outermost);
        // (A `move` block captures when it is made, wherever inside it the name is.)
        let (conditional, looped, branch, leaves, jump_value) = match &self.capture {
            Some(c) => (
                c.conditional > 0,
                c.loops > 0,
                c.branch.clone(),
                c.leaves.clone(),
                c.jump_value,
            ),
            None => (
                self.conditional > 0,
                self.inner_loops > 0,
                self.branch.clone(),
                self.leaves.clone(),
                self.jump_value,
            ),
        };
        let transient = (self.transient > 0 && kind == Use::Borrow)
            || (self.in_condition > 0 && matches!(kind, Use::Borrow | Use::Receiver(_)));
        self.out.push(Mention {
            name,
            kind,
            span,
            captured,
            copies: false,
            captured_by_value: false,
            field: None,
            nested: self.forced_move + self.lazy_capture > 0,
            capture: self.capture.as_ref().map(|c| c.number),
            jump_value: jump_value && leaves.is_some(),
            leaves,
            conditional,
            always: self.capture.is_none() && self.skippable == 0,
            looped,
            branch,
            transient,
        });
    }

    /// Walks a closure or `async` block, `move` (`forced`) or not.
    fn closure(&mut self, forced: bool, walk: impl FnOnce(&mut Self)) {
        let whole = forced && !crate::defined::precise_captures();
        let outer_lazy = self.lazy_outermost;
        if self.forced_move + self.lazy_capture == 0 {
            self.lazy_outermost = !forced;
        }
        self.forced_move += usize::from(forced);
        self.whole_moves += usize::from(whole);
        self.lazy_capture += usize::from(!forced);
        self.capturing(forced, walk);
        self.lazy_capture -= usize::from(!forced);
        self.whole_moves -= usize::from(whole);
        self.forced_move -= usize::from(forced);
        self.lazy_outermost = outer_lazy;
    }

    /// Walks a closure or `async` block, numbered as a capture if it is `move` and outermost.
    fn capturing(&mut self, moves: bool, walk: impl FnOnce(&mut Self)) {
        let outermost = moves && self.capture.is_none();
        if outermost {
            self.captures += 1;
            self.capture = Some(Capture {
                number: self.captures,
                conditional: self.conditional,
                loops: self.inner_loops,
                branch: self.branch.clone(),
                leaves: self.leaves.clone(),
                jump_value: self.jump_value,
            });
        }
        walk(self);
        if outermost {
            self.capture = None;
        }
    }

    /// Inside a `move` closure or `async move` block that captures places, not locals.
    fn precise_capture(&self) -> bool {
        self.forced_move > 0 && self.whole_moves == 0
    }

    /// The jump out of the code that `expr` is, if it is one (outside closures and `async`
    /// blocks, whose jumps are their own).
    fn leaving(&self, expr: &Expr) -> Option<Leave> {
        if self.forced_move + self.lazy_capture > 0 {
            return None;
        }
        let label = |l: &Option<syn::Lifetime>| l.as_ref().map(|l| l.ident.to_string());
        let caught = |l: &Option<String>| match l {
            Some(l) => self.inner_labels.contains(l),
            None => self.inner_loops > 0,
        };
        match expr {
            Expr::Return(_) => Some(Leave::Return),
            Expr::Break(b) => Some(label(&b.label))
                .filter(|l| !caught(l))
                .map(Leave::Break),
            Expr::Continue(c) => Some(label(&c.label))
                .filter(|l| !caught(l))
                .map(Leave::Continue),
            _ => None,
        }
    }

    /// Walks `walk` with `leaves` as what follows it.
    fn followed_by(&mut self, leaves: Option<Leave>, walk: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.leaves, leaves);
        let value = std::mem::replace(&mut self.jump_value, false);
        walk(self);
        self.leaves = outer;
        self.jump_value = value;
    }

    /// Walks the value of the jump `jump` (`return value`, `break value`).
    fn jump_value(&mut self, jump: &Expr, value: &Expr) {
        match self.leaving(jump) {
            Some(leaves) => {
                let conditional = std::mem::take(&mut self.conditional);
                let skippable = std::mem::take(&mut self.skippable);
                self.followed_by(Some(leaves), |s| {
                    s.jump_value = true;
                    s.expr(value, Use::Move);
                });
                self.conditional = conditional;
                self.skippable = skippable;
            }
            // A `break` caught inside the code.
            None => self.expr(value, Use::Move),
        }
    }

    /// Walks the body of a loop inside the code, or of a closure or `async` block: what follows
    /// it is not known (another iteration, or a later call).
    fn nested(&mut self, label: Option<&syn::Label>, is_loop: bool, walk: impl FnOnce(&mut Self)) {
        self.inner_loops += usize::from(is_loop);
        self.inner_labels
            .extend(label.map(|l| l.name.ident.to_string()));
        self.followed_by(None, walk);
        if label.is_some() {
            self.inner_labels.pop();
        }
        self.inner_loops -= usize::from(is_loop);
    }

    /// Walks `walk` as code that runs only on some paths.
    fn sometimes(&mut self, walk: impl FnOnce(&mut Self)) {
        self.conditional += 1;
        self.skippable += 1;
        walk(self);
        self.conditional -= 1;
        self.skippable -= 1;
    }

    /// Walks a branch under `sometimes`; if it is the only branch of its `if` or `match` that
    /// completes (`alone`), every path that goes on past them runs it (`Mention::always`).
    fn branch_alone(&mut self, alone: bool, walk: impl FnOnce(&mut Self)) {
        let alone = usize::from(alone);
        self.skippable -= alone;
        walk(self);
        self.skippable += alone;
    }

    /// `walk` in branch `arm` of the `if` or `match` numbered `construct`.
    fn in_branch(&mut self, construct: usize, arm: usize, walk: impl FnOnce(&mut Self)) {
        self.branch.push((construct, arm));
        walk(self);
        self.branch.pop();
    }

    fn construct(&mut self) -> usize {
        self.constructs += 1;
        self.constructs
    }

    fn shadow_pat(&mut self, pat: &Pat) -> usize {
        let names = bindings(pat);
        let n = names.len();
        self.shadowed
            .extend(names.into_iter().map(|(i, _)| i.to_string()));
        n
    }

    fn unshadow(&mut self, n: usize) {
        let len = self.shadowed.len();
        self.shadowed.truncate(len - n);
    }

    fn block(&mut self, block: &Block) {
        let ends_in = match block.stmts.last() {
            Some(Stmt::Expr(e, _)) => self.leaving(e),
            _ => None,
        };
        // The jump's path runs all of a block that ends in it: only conditions inside count.
        let (conditional, skippable) = if ends_in.is_some() {
            (
                std::mem::take(&mut self.conditional),
                std::mem::take(&mut self.skippable),
            )
        } else {
            (self.conditional, self.skippable)
        };
        let leaves = ends_in.or_else(|| self.leaves.clone());
        self.followed_by(leaves, |c| {
            let mut bound = 0;
            let depth = c.branch.len();
            for stmt in &block.stmts {
                bound += c.stmt(stmt);
                // (`if c { break 'b x; }`: the rest of the block is the `if`'s other branch.)
                if let Stmt::Expr(Expr::If(i), _) = stmt
                    && i.else_branch.is_none()
                    && diverges(&i.then_branch)
                {
                    c.branch.push((c.last_if, 1));
                }
            }
            c.branch.truncate(depth);
            c.unshadow(bound);
        });
        self.conditional = conditional;
        self.skippable = skippable;
    }

    /// Walks a statement; returns how many names it binds for the rest of its block.
    fn stmt(&mut self, stmt: &Stmt) -> usize {
        match stmt {
            Stmt::Local(local) => {
                if let Some(init) = &local.init {
                    self.expr(&init.expr, pattern_use(&local.pat));
                    if let Some((_, diverge)) = &init.diverge {
                        self.expr(diverge, Use::Move);
                    }
                }
                self.shadow_pat(&local.pat)
            }
            Stmt::Expr(e, _) => {
                self.expr(e, Use::Move);
                0
            }
            Stmt::Macro(m) => {
                self.mac(&m.mac);
                0
            }
            Stmt::Item(_) => 0,
        }
    }

    /// Walks the arguments of a call: a field read passed where the crate's definition takes
    /// a `Copy` type is a copy. (Not one of `self`'s: read as a move, it lets a `self` whose
    /// other fields moved go into the awaited expression whole, where `self`'s type, unknown
    /// to a method marked alone, cannot split it: moka's `or_default`, E0382.)
    fn arguments<'e>(
        &mut self,
        callee: &crate::defined::Callee,
        args: impl Iterator<Item = &'e Expr>,
    ) {
        for (i, arg) in args.enumerate() {
            let root = field_root(arg).map(|(root, _)| root.to_string());
            if root.is_some_and(|r| r != "self") && crate::defined::copy_argument(callee, i) {
                self.scalar(arg);
            } else {
                self.expr(arg, Use::Move);
            }
        }
    }

    /// `x.m(..)`, `method` as it takes `x`.
    fn method_call(&mut self, m: &syn::ExprMethodCall, method: Method) {
        self.expr(&m.receiver, Use::Receiver(method));
        let name = m.method.to_string();
        self.arguments(&crate::defined::Callee::Method(&name), m.args.iter());
    }

    /// Walks an operand of arithmetic, a cast or an index, which a field read there copies.
    fn scalar(&mut self, expr: &Expr) {
        self.scalar = true;
        self.expr(expr, Use::Move);
        self.scalar = false;
    }

    fn expr(&mut self, expr: &Expr, ctx: Use) {
        let scalar = std::mem::take(&mut self.scalar);
        match expr {
            Expr::Path(_) => {
                if let Some(ident) = plain_ident(expr) {
                    self.push(ident.to_string(), ctx, ident.span());
                }
            }
            Expr::Reference(r) => self.expr(&r.expr, Use::Borrow),
            Expr::RawAddr(r) => self.expr(&r.expr, Use::Borrow),
            Expr::MethodCall(m) => self.method_call(m, Method::of(m)),
            // (A `move` closure captures the place `x.f` by value, whatever it does with it:
            // the rest of `x` stays where it is.)
            Expr::Field(_)
                if (ctx == Use::Move || self.precise_capture() && ctx != Use::Assign)
                    && field_root(expr).is_some() =>
            {
                let (root, path) = field_root(expr).unwrap_or_else(|| unreachable!());
                let before = self.out.len();
                self.push(root.to_string(), Use::Field, root.span());
                if let Some(m) = self.out.get_mut(before) {
                    m.copies = scalar;
                    m.captured_by_value = ctx != Use::Move;
                    m.field = Some(path);
                }
            }
            Expr::Field(f) => {
                let place = matches!(ctx, Use::Receiver(_) | Use::Borrow);
                let inner = match ctx {
                    Use::Assign => Use::Borrow,
                    Use::Move => Use::Field,
                    other => other,
                };
                let before = self.out.len();
                self.expr(&f.base, inner);
                // (`p.a.send()`: the method may take `p.a` by value, a partial move; `&p.a`
                // borrows a place in `p`, through `p` if it is a reference.)
                if place
                    && let Some((_, path)) = field_root(expr)
                    && let Some(m) = self.out.get_mut(before)
                {
                    m.field.get_or_insert(path);
                }
            }
            Expr::Index(i) => {
                self.expr(&i.expr, Use::Borrow);
                self.scalar(&i.index);
            }
            Expr::Unary(u) => match u.op {
                // (`let s = *b;` moves out of a `Box`: what is left of it is not kept.)
                syn::UnOp::Deref(_)
                    if ctx == Use::Move
                        && plain_ident(&u.expr).is_some_and(crate::defined::is_box) =>
                {
                    self.expr(&u.expr, Use::Move)
                }
                syn::UnOp::Deref(_) => self.expr(&u.expr, Use::Borrow),
                _ => self.scalar(&u.expr),
            },
            Expr::Binary(b) => {
                use syn::BinOp::*;
                match b.op {
                    // (A comparison's `bool` holds no borrow of its operands.)
                    Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
                        self.transient += 1;
                        self.expr(&b.left, Use::Borrow);
                        self.expr(&b.right, Use::Borrow);
                        self.transient -= 1;
                    }
                    AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | RemAssign(_)
                    | BitXorAssign(_) | BitAndAssign(_) | BitOrAssign(_) | ShlAssign(_)
                    | ShrAssign(_) => {
                        self.scalar(&b.right);
                        self.expr(&b.left, Use::Borrow);
                    }
                    // (Their operands are `bool`s: a local there is copied, and borrows
                    // nothing past the operator.)
                    And(_) | Or(_) => {
                        self.transient += 1;
                        self.expr(&b.left, Use::Borrow);
                        self.sometimes(|s| s.expr(&b.right, Use::Borrow));
                        self.transient -= 1;
                    }
                    _ => {
                        self.scalar(&b.left);
                        self.scalar(&b.right);
                    }
                }
            }
            Expr::Assign(a) => {
                match reassigned_by(a) {
                    Some(m) => self.method_call(m, Method::of_reassigned(m)),
                    None => self.expr(&a.right, Use::Move),
                }
                let target = if is_plain_path(&a.left) {
                    Use::Assign
                } else {
                    Use::Borrow
                };
                self.expr(&a.left, target);
            }
            Expr::Closure(c) => {
                let mut bound = 0;
                for input in &c.inputs {
                    bound += self.shadow_pat(input);
                }
                let forced = c.capture.is_some();
                self.closure(forced, |s| {
                    s.nested(None, false, |s| s.expr(&c.body, Use::Move));
                });
                self.unshadow(bound);
            }
            Expr::Async(a) => {
                self.closure(a.capture.is_some(), |s| {
                    s.nested(None, false, |s| s.block(&a.block));
                });
            }
            // A labeled block is left by its `break`s to what follows it (and what follows a
            // `break` in it may not run).
            Expr::Block(b) if b.label.is_some() => {
                let label = b.label.as_ref().map(|l| l.name.ident.to_string());
                self.inner_labels.extend(label);
                self.followed_by(None, |s| s.sometimes(|s| s.block(&b.block)));
                self.inner_labels.pop();
            }
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(b) => self.block(&b.block),
            Expr::Const(_) => {}
            // (A `loop`'s body may be left by a `break` before a move.)
            Expr::Loop(l) => self.nested(l.label.as_ref(), true, |s| {
                s.sometimes(|s| s.block(&l.body))
            }),
            Expr::While(w) => self.nested(w.label.as_ref(), true, |s| {
                let bound = s.condition(&w.cond);
                s.sometimes(|s| s.block(&w.body));
                s.unshadow(bound);
            }),
            Expr::ForLoop(f) => {
                self.expr(&f.expr, Use::Move);
                self.nested(f.label.as_ref(), true, |s| {
                    let bound = s.shadow_pat(&f.pat);
                    s.sometimes(|s| s.block(&f.body));
                    s.unshadow(bound);
                });
            }
            Expr::If(i) => {
                let scoped = usize::from(scoped_condition(&i.cond));
                self.in_condition += scoped;
                let bound = self.condition(&i.cond);
                self.in_condition -= scoped;
                let id = self.construct();
                let (then_jumps, else_jumps) = match &i.else_branch {
                    Some((_, e)) => (block_jumps(&i.then_branch), is_jump(e)),
                    None => (false, false),
                };
                self.sometimes(|s| {
                    s.branch_alone(else_jumps && !then_jumps, |s| {
                        s.in_branch(id, 0, |s| s.block(&i.then_branch))
                    })
                });
                self.unshadow(bound);
                if let Some((_, e)) = &i.else_branch {
                    self.sometimes(|s| {
                        s.branch_alone(then_jumps && !else_jumps, |s| {
                            s.in_branch(id, 1, |s| s.expr(e, Use::Move))
                        })
                    });
                }
                self.last_if = id;
            }
            Expr::Match(m) => {
                let scrutinee = if m.arms.iter().any(|a| binds_by_value(&a.pat)) {
                    Use::Move
                } else {
                    Use::Borrow
                };
                self.expr(&m.expr, scrutinee);
                let id = self.construct();
                // (One arm without a guard always runs.)
                let split = m.arms.len() > 1 || m.arms.iter().any(|a| a.guard.is_some());
                let completing: Vec<usize> = (m.arms.iter().enumerate())
                    .filter(|(_, a)| !is_jump(&a.body))
                    .map(|(k, _)| k)
                    .collect();
                let arms = |s: &mut Self| {
                    for (k, arm) in m.arms.iter().enumerate() {
                        let bound = s.shadow_pat(&arm.pat);
                        if let Some((_, guard)) = &arm.guard {
                            s.expr(guard, Use::Move);
                        }
                        s.branch_alone(split && completing == [k], |s| {
                            s.in_branch(id, k, |s| s.expr(&arm.body, Use::Move))
                        });
                        s.unshadow(bound);
                    }
                };
                if split {
                    self.sometimes(arms);
                } else {
                    arms(self);
                }
            }
            Expr::Let(l) => {
                // The bindings are shadowed by the caller (`condition`).
                self.expr(&l.expr, pattern_use(&l.pat));
            }
            Expr::Call(c) => {
                let callee = if is_plain_path(&c.func) {
                    Use::Receiver(Method::called())
                } else {
                    Use::Move
                };
                self.expr(&c.func, callee);
                match &*c.func {
                    Expr::Path(p) if p.qself.is_none() => {
                        self.arguments(&crate::defined::Callee::Path(&p.path), c.args.iter())
                    }
                    _ => c.args.iter().for_each(|a| self.expr(a, Use::Move)),
                }
            }
            Expr::Paren(p) => {
                self.scalar = scalar;
                self.expr(&p.expr, ctx)
            }
            Expr::Group(g) => {
                self.scalar = scalar;
                self.expr(&g.expr, ctx)
            }
            Expr::Macro(m) => self.mac(&m.mac),
            Expr::Struct(s) => {
                s.fields.iter().for_each(|f| self.expr(&f.expr, Use::Move));
                if let Some(rest) = &s.rest {
                    self.expr(rest, Use::Move);
                }
            }
            Expr::Array(a) => a.elems.iter().for_each(|e| self.expr(e, Use::Move)),
            Expr::Tuple(t) => t.elems.iter().for_each(|e| self.expr(e, Use::Move)),
            Expr::Repeat(r) => self.expr(&r.expr, Use::Move),
            Expr::Cast(c) => self.scalar(&c.expr),
            Expr::Range(r) => {
                if let Some(s) = &r.start {
                    self.expr(s, Use::Move);
                }
                if let Some(e) = &r.end {
                    self.expr(e, Use::Move);
                }
            }
            Expr::Return(r) => {
                if let Some(e) = &r.expr {
                    self.jump_value(expr, e);
                }
            }
            Expr::Break(b) => {
                if let Some(e) = &b.expr {
                    self.jump_value(expr, e);
                }
            }
            Expr::Try(t) => self.expr(&t.expr, Use::Move),
            Expr::Await(a) => self.expr(&a.base, Use::Move),
            Expr::Yield(y) => {
                if let Some(e) = &y.expr {
                    self.expr(e, Use::Move);
                }
            }
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::Verbatim(tokens) => self.tokens(tokens.clone(), Use::Move),
            _ => {}
        }
    }

    /// Walks an `if`/`while` condition; returns how many names its `let`s bind for the body.
    fn condition(&mut self, cond: &Expr) -> usize {
        self.expr(cond, Use::Move);
        let mut lets = Vec::new();
        collect_lets(cond, &mut lets);
        lets.into_iter().map(|pat| self.shadow_pat(pat)).sum()
    }

    fn mac(&mut self, mac: &Macro) {
        if is_stringify(mac) {
            return;
        }
        // A macro of unknown grammar whose `.await`s run in an `async` context of its own
        // (`stream! { .. }`): that context is an `async move` block, which takes what it names.
        let own_async = super::suspend::macro_grammar(mac).is_none()
            && super::suspend::awaiting_macro(mac).is_none()
            && super::suspend::tokens_await(mac.tokens.clone());
        if !own_async {
            return self.mac_args(mac);
        }
        // (Its locals are captured where the block is made, whatever runs them inside it.)
        self.forced_move += 1;
        self.whole_moves += 1;
        self.capturing(true, |s| s.mac_args(mac));
        self.whole_moves -= 1;
        self.forced_move -= 1;
    }

    fn mac_args(&mut self, mac: &Macro) {
        if super::suspend::macro_grammar(mac) == Some(super::suspend::MacroGrammar::Matches)
            && let Ok((value, pat, guard)) = mac.parse_body_with(matches_args)
        {
            // `match value { pat if guard => true, _ => false }`.
            let scrutinee = if binds_by_value(&pat) {
                Use::Move
            } else {
                Use::Borrow
            };
            self.expr(&value, scrutinee);
            let bound = self.shadow_pat(&pat);
            if let Some(guard) = guard {
                self.sometimes(|s| s.expr(&guard, Use::Move));
            }
            self.unshadow(bound);
            return;
        }
        if super::suspend::awaiting_macro(mac) == Some(super::suspend::AwaitingMacro::Select)
            && let Ok(select) = mac.parse_body::<super::select::Select>()
        {
            // Each branch's pattern binds its names for its handler only. (futures' `select!`
            // borrows a future named by a plain local, `x = fut => ..`.)
            let borrows = super::select::borrows_named_futures(mac);
            for branch in &select.branches {
                let named = borrows && plain_ident(&branch.future).is_some();
                self.expr(&branch.future, if named { Use::Borrow } else { Use::Move });
                if let Some(condition) = &branch.condition {
                    self.sometimes(|s| s.expr(condition, Use::Move));
                }
                let bound = self.shadow_pat(&branch.pat);
                self.sometimes(|s| s.expr(&branch.handler, Use::Move));
                self.unshadow(bound);
            }
            for fallback in &select.fallbacks {
                self.sometimes(|s| s.expr(&fallback.handler, Use::Move));
            }
            return;
        }
        let name = path_segments(&mac.path).pop().unwrap_or_default();
        let parsed = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated);
        // (`format_args!` and `write!` make what may hold the borrows.)
        let transient = matches!(
            name.as_str(),
            "format" | "print" | "println" | "eprint" | "eprintln"
        );
        self.transient += usize::from(transient);
        match (format_like(&name), parsed) {
            (Some(plain), Ok(args)) => {
                for (i, arg) in args.iter().enumerate() {
                    match arg {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => self.inline_captures(s),
                        Expr::Assign(a) if is_plain_path(&a.left) => {
                            self.expr(&a.right, Use::Borrow)
                        }
                        _ if i < plain && name.starts_with("write") => {
                            self.expr(arg, Use::Receiver(Method::named("write_fmt")))
                        }
                        _ if i < plain => self.expr(arg, Use::Move),
                        _ => self.expr(arg, Use::Borrow),
                    }
                }
            }
            (Some(_), Err(_)) => self.tokens(mac.tokens.clone(), Use::Borrow),
            // (A string literal given to a macro of unknown grammar may be a format string,
            // `anyhow!("no id for {key}")`: its inline captures are mentions.)
            (None, Ok(args)) => {
                for arg in &args {
                    match arg {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => self.inline_captures(s),
                        arg => self.expr(arg, Use::Move),
                    }
                }
            }
            (None, Err(_)) => self.tokens(mac.tokens.clone(), Use::Move),
        }
        self.transient -= usize::from(transient);
    }

    /// `"{total}"`: format strings capture locals by name.
    fn inline_captures(&mut self, lit: &syn::LitStr) {
        for name in in_format_string(lit) {
            self.push(name, Use::Borrow, lit.span());
        }
    }

    /// A macro we cannot parse: every identifier that names a local counts as a mention.
    fn tokens(&mut self, tokens: TokenStream, kind: Use) {
        let mut prev_dot = false;
        for tt in tokens {
            match tt {
                TokenTree::Ident(ident) => {
                    if !prev_dot {
                        self.push(ident.to_string(), kind.clone(), ident.span());
                    }
                    prev_dot = false;
                }
                TokenTree::Group(g) => {
                    self.tokens(g.stream(), kind.clone());
                    prev_dot = false;
                }
                TokenTree::Punct(p) => prev_dot = p.as_char() == '.',
                TokenTree::Literal(lit) => {
                    if let Ok(s) = syn::parse2::<syn::LitStr>(TokenTree::Literal(lit).into()) {
                        self.inline_captures(&s);
                    }
                    prev_dot = false;
                }
            }
        }
    }
}

/// The patterns of the `let`s of an `if`/`while` condition (`let` chains included).
pub fn let_patterns(cond: &Expr) -> Vec<&Pat> {
    let mut out = Vec::new();
    collect_lets(cond, &mut out);
    out
}

fn collect_lets<'a>(cond: &'a Expr, out: &mut Vec<&'a Pat>) {
    match cond {
        Expr::Let(l) => out.push(&l.pat),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            collect_lets(&b.left, out);
            collect_lets(&b.right, out);
        }
        Expr::Paren(p) => collect_lets(&p.expr, out),
        _ => {}
    }
}

/// `stringify!(..)`: its input is code as text, which mentions nothing.
pub fn is_stringify(mac: &Macro) -> bool {
    path_segments(&mac.path)
        .last()
        .is_some_and(|n| n == "stringify")
}

/// `x` alone: a path of one segment, no generics.
pub fn is_plain_path(expr: &Expr) -> bool {
    plain_ident(expr).is_some()
}

/// The identifier of a one-segment path expression.
pub fn plain_ident(expr: &Expr) -> Option<&syn::Ident> {
    match expr {
        Expr::Path(p)
            if p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.len() == 1
                && p.path.segments[0].arguments.is_none() =>
        {
            Some(&p.path.segments[0].ident)
        }
        _ => None,
    }
}

/// The identifiers of a path: `tokio::select` -> `["tokio", "select"]`.
pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The arguments of `matches!(value, pattern [if guard])`.
pub fn matches_args(input: syn::parse::ParseStream) -> syn::Result<(Expr, Pat, Option<Expr>)> {
    let value: Expr = input.parse()?;
    input.parse::<Token![,]>()?;
    let pat = Pat::parse_multi_with_leading_vert(input)?;
    let guard = if input.parse::<Option<Token![if]>>()?.is_some() {
        Some(input.parse()?)
    } else {
        None
    };
    input.parse::<Option<Token![,]>>()?;
    Ok((value, pat, guard))
}

/// Whether what an `if` condition borrows ends with it: rustc drops its temporaries before a
/// branch runs and its value is a `bool`, so only a `let` (which binds for the branch), an
/// assignment, a closure or a block (which may store a borrow elsewhere), or a macro (which
/// may hide either) could make a borrow outlive it.
fn scoped_condition(cond: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Let(_)
                | Expr::Assign(_)
                | Expr::Closure(_)
                | Expr::Async(_)
                | Expr::Block(_)
                | Expr::Unsafe(_)
                | Expr::Macro(_) => self.0 = true,
                Expr::Binary(b) if super::explode::is_compound_assignment(&b.op) => self.0 = true,
                _ => syn::visit::visit_expr(self, e),
            }
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_expr(&mut finder, cond);
    !finder.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awaited_stream_consumers_take_the_stream() {
        // (Helpers' ordinary programs: `s.try_fold(0, f).await` was taken for `Iterator`'s.)
        let awaited: Expr = syn::parse_quote!(s.try_fold(0, f));
        let receiver = |mentions: Vec<Mention>| {
            let m = mentions.into_iter().find(|m| m.name == "s").expect("`s`");
            match m.kind {
                Use::Receiver(method) => method.consumes(),
                other => panic!("a receiver, not {other:?}"),
            }
        };
        assert!(receiver(in_awaited(&awaited)));
        // (Not awaited, it is `Iterator`'s, which borrows.)
        assert!(!receiver(in_expr(&awaited)));
    }

    #[test]
    fn chain_without_argument_borrows() {
        // (Helpers' ordinary programs: anyhow's `err.chain()` was taken for `Iterator::chain`.)
        let errors: syn::ExprMethodCall = syn::parse_quote!(err.chain());
        assert!(Method::of(&errors).borrows());
        let iterators: syn::ExprMethodCall = syn::parse_quote!(a.chain(b));
        assert!(Method::of(&iterators).consumes());
    }
}
