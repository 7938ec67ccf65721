//! Analysis: turns the function body into a tree ([`Block`], [`Stmt`], [`Expr`]) whose nodes are
//! either user code without `.await` (kept as written) or the constructs around suspension
//! points: blocks, `if`, `match`, loops, `return`. An `.await` nested in an expression is first
//! lifted out of it, in evaluation order ([`explode`]), so that every [`Point`] awaits an
//! operand without `.await` of its own. Then [`cfg`] decides what each point keeps.
//!
//! Receives the checked [`AsyncFn`]; returns an [`Analysis`] that the lowering reads. Never
//! mutates the user's syntax tree: pieces are cloned into the tree.

pub mod cfg;
mod explode;
pub mod mentions;
pub mod select;
pub mod suspend;

use crate::parse::AsyncFn;
use mentions::{Mention, Use};
use proc_macro2::Span;
use quote::format_ident;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Error, FnArg, Ident, Pat, Result, Type};

pub use cfg::Layout;

/// The prefix of the hidden locals holding a `for` loop's iterator.
pub const FOR_ITERATOR: &str = "__iter";

pub type LocalId = usize;
pub type PointId = usize;
pub type BlockId = usize;

/// A binding the body declares where the state machine can see it: a parameter, a `let` of a
/// block on the way to a suspension point, a pattern of `if let`/`match`/loops around one, or a
/// temporary the lifting of an `.await` introduced.
pub struct Local {
    pub ident: Ident,
    pub mutable: bool,
    /// Declared with a reference type (`&T`, `&self`): moving it out only copies the reference.
    pub is_reference: bool,
    /// Declared with a `&mut` type (`&mut self`): unlike a shared reference it cannot be copied,
    /// so what borrows through it holds it in place.
    pub mut_reference: bool,
    /// Its type is `Copy` as far as the syntax shows: declared as a primitive (`n: u32`) or
    /// initialized by a literal (`let n = 5;`). References count as `is_reference`.
    pub copy: bool,
    /// Declared without a value (`let x;`).
    pub uninit: bool,
    /// A `for` loop's iterator over a range with a literal bound (`0..n`): its items are
    /// integers or `char`s, which are `Copy`.
    pub copy_items: bool,
    /// The scope that declares it.
    pub block: BlockId,
    /// The locals its value borrows, as far as the syntax of its `let` shows (`&x`, `x.iter()`,
    /// a closure or `async` block capturing `x`).
    pub borrows: Vec<LocalId>,
    /// Bound by value by a `let` (`let [mut] x [: T] = value;`, `let (a, b) = value;`, the
    /// value awaited or not), an `if let`, a `while let` or a match arm: it can live in a slot.
    pub slottable: bool,
    /// Declared as an array (`[x; N]`, `[a, b]`, `: [T; N]`): moving it from state to state
    /// would copy all of it at every `.await`, so it lives in a slot.
    pub array: bool,
    /// Moved on some paths to a suspension point and not on others: it lives in a slot whose
    /// `Option` is its drop flag, so that it is dropped where rustc drops it.
    pub drop_flag: bool,
    /// Moved on some paths to a suspension point and not on others, but no slot can be its
    /// drop flag (it is declared without a value, assigned in a closure, or a closure uses
    /// part of it): the state drops
    /// it there, which is what rustc does only if it drops nothing. The expansion checks that
    /// at compile time where it is declared (`__private::drops_nothing`).
    pub no_drop_flag: bool,
    /// Kept where a later local of its name hides it: in a slot, reached without its name.
    pub shadowed: bool,
    /// Initialized by an `async` closure: the future a call returns borrows it.
    pub async_closure: bool,
    /// Initialized by a reference (`&x`) or by a closure without `move` that uses nothing by
    /// value: dropping it does nothing, so it need not be kept where it is not used.
    pub drops_nothing: bool,
    /// Initialized by a call lent these locals (`read_to_end(&mut buf)`): if it is awaited
    /// later, it is a future taken to borrow them, as an `async fn`'s does.
    pub lent_to_call: Vec<LocalId>,
    /// Lives in a slot of the future, at one address for its whole life, instead of moving
    /// through the states: another local borrows it across an `.await`.
    pub slot: Option<usize>,
    /// For a hidden local the expansion introduced (`__tmp0`), what it holds, as `--explain`
    /// says it: "a temporary of line 3", "the value of `f().await`".
    pub holds: Option<String>,
    /// Its type where the source writes it (`let n: u32`, a parameter's), for `--teach`.
    pub ty: Option<Type>,
    /// Fields its struct or tuple literal gives a literal or a shared reference (`Pair { n: 5,
    /// .. }`, `(v, 1)`): `Copy`, so reading one by value copies it and leaves the struct whole.
    pub copy_fields: Vec<String>,
    /// An operand an unfinished expression has evaluated (`a` in `f(a, &b, x.await);`, the
    /// value of an earlier `.await`): where the future is dropped at the suspension point,
    /// rustc drops it before the temporaries of the statement (`b`). (A block's or an arm's
    /// value is one scope with the operands of its outermost construct: only those of inner
    /// ones are marked.) The state drops its fields in that order (`Builder::in_scope`).
    pub operand: bool,
    /// For a lifted temporary (`holds`), where the expression of its value starts: an operand
    /// the expression moves in place (`Layout::operands`) drops among them by that order.
    pub made_at: Option<proc_macro2::LineColumn>,
    /// A parameter, or a binding of a parameter's pattern: the parameter's position.
    pub param: Option<usize>,
}

impl Local {
    /// Whether a closure or `async` block without `move` that uses it by value captures it by
    /// reference (a reference, or a type the syntax shows `Copy`) rather than taking it.
    pub fn captured_by_reference(&self) -> bool {
        self.is_reference || self.copy
    }

    /// Whether using it by value copies it, as far as the syntax shows: a `Copy` type or a shared
    /// reference (a `&mut` one is moved).
    pub fn copied(&self) -> bool {
        self.copy || (self.is_reference && !self.mut_reference)
    }
}

/// A mention resolved to the local it names.
#[derive(Clone)]
pub struct Resolved {
    pub local: LocalId,
    pub kind: Use,
    pub span: Span,
    /// See [`mentions::Mention::captured`].
    pub captured: bool,
    /// See [`mentions::Mention::copies`].
    pub copies: bool,
    /// See [`mentions::Mention::captured_by_value`].
    pub captured_by_value: bool,
    /// See [`mentions::Mention::field`].
    pub field: Option<String>,
    /// See [`mentions::Mention::nested`].
    pub nested: bool,
    /// See [`mentions::Mention::capture`].
    pub capture: Option<usize>,
    /// See [`mentions::Mention::leaves`].
    pub leaves: Option<mentions::Leave>,
    /// See [`mentions::Mention::jump_value`].
    pub jump_value: bool,
    /// See [`mentions::Mention::conditional`].
    pub conditional: bool,
    /// See [`mentions::Mention::always`].
    pub always: bool,
    /// See [`mentions::Mention::looped`].
    pub looped: bool,
    /// See [`mentions::Mention::branch`].
    pub branch: Vec<(usize, usize)>,
    /// See [`mentions::Mention::transient`].
    pub transient: bool,
}

/// A block around a suspension point.
pub struct Block {
    pub id: BlockId,
    pub label: Option<syn::Label>,
    /// Bindings scoped to the block from its start: `if let` / `while let` patterns.
    pub bound: Vec<LocalId>,
    pub stmts: Vec<Stmt>,
    pub tail: Option<Box<Expr>>,
}

#[allow(clippy::large_enum_variant)] // a few per function, built once
pub enum Stmt {
    /// A statement without `.await`, kept as written.
    Plain {
        stmt: syn::Stmt,
        uses: Vec<Resolved>,
        declares: Vec<LocalId>,
    },
    /// `let PAT = init [else { .. }];` where `init` suspends.
    Let {
        local: syn::Local,
        init: Expr,
        else_uses: Vec<Resolved>,
        declares: Vec<LocalId>,
    },
    /// An expression statement that suspends.
    Expr { expr: Expr, semi: bool },
}

/// An expression: user code without `.await`, or a construct that contains a suspension point.
#[allow(clippy::large_enum_variant)] // a few per function, built once
pub enum Expr {
    Plain(syn::Expr, Vec<Resolved>),
    /// `operand.await` (or `operand.await?`): the value of the awaited future.
    Await(PointId),
    Block(Block),
    If {
        cond: syn::Expr,
        uses: Vec<Resolved>,
        then: Block,
        otherwise: Option<Box<Expr>>,
    },
    Match {
        scrutinee: syn::Expr,
        uses: Vec<Resolved>,
        arms: Vec<Arm>,
    },
    /// `loop` (`cond` is `None`) or `while cond`.
    Loop {
        label: Option<syn::Label>,
        cond: Option<(syn::Expr, Vec<Resolved>)>,
        body: Block,
    },
    Return(Option<Box<Expr>>),
}

pub struct Arm {
    pub attrs: Vec<syn::Attribute>,
    pub pat: Pat,
    pub guard: Option<(syn::Expr, Vec<Resolved>)>,
    pub body: Box<Expr>,
    /// The scope of the pattern's bindings.
    pub scope: BlockId,
    pub bound: Vec<LocalId>,
}

/// A `.await`: rustc's `SuspensionPoint`.
pub struct Point {
    /// The awaited expression (without `.await` inside).
    pub operand: syn::Expr,
    pub question: bool,
    /// The awaited expression as written, on one line.
    pub source: String,
    pub line: usize,
    pub column: usize,
    pub span: Span,
    /// What the operand mentions.
    pub uses: Vec<Resolved>,
    /// The locals in scope, outermost first, in declaration order.
    pub scope: Vec<LocalId>,
    /// Why the awaited expression is not what the user wrote, if it is not.
    pub note: Option<String>,
    /// The name of its state where the awaited call's is not it (`Select` for `select!`).
    pub named: Option<String>,
    /// Not a suspension point but a join: see `Builder::join_after`, `Builder::loop_head`.
    pub join: Option<Join>,
}

/// Whether a statement builds a closure or an `async` block (outside items; in a macro's input,
/// an `async` or `move` token), a value of a type of its own, other than in what it awaits (an
/// awaited future is built once, in its state's arm), unless the awaited future borrows a
/// temporary, which is built before the state (`s.take_while(|x| ..).next().await`).
fn builds_closure(stmt: &syn::Stmt) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
            if explode::has_borrowed_temporary(&a.base) {
                syn::visit::visit_expr_await(self, a);
            }
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            self.0 = true;
        }
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {
            self.0 = true;
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            fn tokens(t: proc_macro2::TokenStream) -> bool {
                t.into_iter().any(|t| match t {
                    proc_macro2::TokenTree::Ident(i) => i == "async" || i == "move",
                    proc_macro2::TokenTree::Group(g) => tokens(g.stream()),
                    _ => false,
                })
            }
            self.0 |= tokens(m.tokens.clone());
        }
    }
    let mut finder = Finder(false);
    finder.visit_stmt(stmt);
    finder.0
}

/// A state that is not a suspension point, where paths meet so that the code after it is
/// written once (its future, `ready(())`, never returns `Pending`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// After an `if`, `match` or loop (the construct's keyword).
    After(&'static str),
    /// At the top of a loop's body, where every iteration starts.
    LoopHead,
}

pub struct Analysis {
    pub locals: Vec<Local>,
    /// The parameters, as the `Start` state holds them.
    pub params: Vec<LocalId>,
    /// The parameters are passed under hidden names and moved into the body by a `let` each
    /// (`hidden_params`, or a parameter moved on some paths: see `analyze`).
    pub params_in_body: bool,
    /// The signature names `'fut` (`emit::signature`): the value of an `.await` whose future
    /// borrowed locals kept in place is checked not to borrow them (`__private::detached`).
    /// Without it (an `async` block, a method that may be a trait impl's) such locals get a
    /// slot wherever they can.
    pub values_checked: bool,
    pub body: Block,
    pub points: Vec<Point>,
    /// Items and `use` declarations of the body: visible everywhere, hoisted.
    pub items: Vec<syn::Stmt>,
    /// Guesses about the function as a whole (the states have their own), in words.
    pub notes: Vec<String>,
    /// Per suspension point: what it keeps.
    pub layout: Vec<Layout>,
    /// The locals that live in slots, by slot.
    pub slots: Vec<LocalId>,
    /// Per plain statement (by address): the locals in slots it moves out for the last time
    /// (see `cfg::last_moves`).
    pub last_moves: std::collections::HashMap<usize, Vec<cfg::Take>>,
    /// Per suspension point, the locals in slots its awaited expression moves for the last
    /// time (see `cfg::point_moves`).
    pub point_moves: Vec<Vec<LocalId>>,
    /// The `let x;` statements (by address) that only later states need: see
    /// `cfg::declared_for_later`.
    pub declared_for_later: std::collections::HashSet<usize>,
    /// The guesses about method receivers to check, where they are made
    /// (`cfg::receiver_checks`).
    pub receiver_checks: cfg::ReceiverChecks,
    /// Where a local's field is read by copy (`cfg::field_copies`), by the local's position.
    pub field_copies: std::collections::HashSet<proc_macro2::LineColumn>,
    /// The locals in slots that move out and get a new value (`cfg::refilled`).
    pub refilled: Vec<LocalId>,
}

/// A parameter moved on some paths to a suspension point needs the drop flag a slot gives, and
/// only a `let` local gets one: when the first analysis finds such a parameter (or a binding of
/// a parameter's pattern), the function is analysed again with every parameter moved into the
/// body by a `let` of its own, in order, as rustc does (so that they still drop in the same
/// order), that parameter's `let` allowed a slot, and that analysis is kept if it gives the
/// parameter its flag.
pub fn analyze(f: &AsyncFn) -> Result<Analysis> {
    let hidden = hidden_params(&f.sig);
    let a = analyze_with(f, hidden, &[])?;
    let moved = a.params_moved_on_some_paths();
    if moved.is_empty() {
        return Ok(a);
    }
    // Kept only if a parameter's `let` does get a drop flag (the hidden names cost reading),
    // and only for parameters used whole (`cfg::used_whole`): the code of a slot cannot take
    // part of a value out of it, nor see what a closure that borrows it captures.
    let flags = |a: &Analysis| a.locals.iter().filter(|l| l.drop_flag).count();
    let indices: Vec<usize> = moved.iter().filter_map(|&id| a.locals[id].param).collect();
    let moved_in = analyze_with(f, true, &indices)?;
    let names: Vec<&Ident> = moved.iter().map(|&id| &a.locals[id].ident).collect();
    let flagged: Vec<LocalId> = (0..moved_in.locals.len())
        .filter(|&id| moved_in.locals[id].drop_flag && names.contains(&&moved_in.locals[id].ident))
        .collect();
    let whole = cfg::used_whole(&moved_in, &flagged);
    Ok(if whole && flags(&moved_in) > flags(&a) {
        moved_in
    } else {
        a
    })
}

/// `slotted`: the parameters (by position) whose `let` may give them a slot.
fn analyze_with(f: &AsyncFn, params_in_body: bool, slotted: &[usize]) -> Result<Analysis> {
    let mut b = Builder {
        locals: Vec::new(),
        points: Vec::new(),
        items: Vec::new(),
        notes: Vec::new(),
        scopes: Vec::new(),
        next_block: 0,
        temps: 0,
        selects: 0,
        lifting_borrows: false,
        lifting_places: false,
        statement: false,
        operands: None,
        depth: 0,
    };
    let body_id = b.open();
    let (params, mut stmts) = b.params(f, params_in_body, slotted)?;
    let body = b.block_in(body_id, None, Vec::new(), &f.block.stmts, &mut stmts)?;
    b.close();
    for (name, line) in suspend::opaque_macros(&f.block) {
        b.notes.push(format!(
            "`{name}!` (line {line}) holds an `.await` inside, and desugar cannot see what a \
             macro expands to: it is left as written, which is right when its `.await`s run in \
             an `async` context of its own (as `stream!`'s do); one that expands to an \
             `.await` of this function fails to compile (E0728)"
        ));
    }
    let mut a = Analysis {
        locals: b.locals,
        params,
        params_in_body,
        values_checked: f.async_block.is_none() && !f.method_alone && !f.in_trait_impl,
        body,
        points: b.points,
        items: b.items,
        notes: b.notes,
        layout: Vec::new(),
        slots: Vec::new(),
        last_moves: Default::default(),
        refilled: Vec::new(),
        point_moves: Vec::new(),
        declared_for_later: Default::default(),
        receiver_checks: Default::default(),
        field_copies: Default::default(),
    };
    // `let fut = read_to_end(&mut buf); .. fut.await` (or `join(fut, ..).await`): the future
    // borrows `buf`.
    let awaited: Vec<LocalId> = a
        .points
        .iter()
        .flat_map(|point| &point.uses)
        .filter(|u| matches!(u.kind, Use::Move | Use::Field))
        .map(|u| u.local)
        .collect();
    for id in awaited {
        for source in a.locals[id].lent_to_call.clone() {
            if !a.locals[id].borrows.contains(&source) {
                a.locals[id].borrows.push(source);
            }
        }
    }
    a.layout = cfg::layouts(&a);
    // A local another kept local borrows cannot move through the states: it gets a slot. So
    // does one moved on some paths to a suspension point, if its moves can take it out, and
    // one a state keeps where a later local of its name hides it.
    let mut slots = cfg::slot_locals(&a);
    let borrowed = slots.clone();
    let shadowed = cfg::shadowed_slots(&a);
    let drop_flags: Vec<LocalId> = cfg::maybe_moved_slots(&a)
        .into_iter()
        .filter(|id| !shadowed.contains(id))
        .collect();
    for &id in drop_flags.iter().chain(&shadowed) {
        if !slots.contains(&id) {
            slots.push(id);
        }
    }
    if !slots.is_empty() {
        assign_slots(&mut a, &slots);
        // A use that cannot take a local out of its slot copies it, if it is `Copy`, or does
        // not compile: without the slot, the local would drop at the next `.await` on the
        // path that did not move it, a silent difference.
        for &id in slots.iter().filter(|id| !borrowed.contains(id)) {
            a.locals[id].shadowed = shadowed.contains(&id);
            a.locals[id].drop_flag = drop_flags.contains(&id);
        }
    }
    for layout in &mut a.layout {
        for &id in &layout.maybe_moved {
            let local = &mut a.locals[id];
            if local.slot.is_none()
                && !local.copied()
                && !local.is_reference
                && !local.drops_nothing
            {
                local.no_drop_flag = true;
                layout.notes.push(format!(
                    "`{}` is moved on some paths to this `.await` and not on others, and no slot \
                     can be its drop flag: it is dropped here if it did not move, as rustc does \
                     only if it drops nothing, which a check where it is declared makes sure of \
                     (E0080 when the crate is built otherwise)",
                    local.ident
                ));
            }
        }
    }
    a.declared_for_later = cfg::declared_for_later(&a);
    a.receiver_checks = cfg::receiver_checks(&a);
    a.field_copies = cfg::field_copies(&a);
    Ok(a)
}

impl Analysis {
    /// The parameters by value (`self` too: its `let` is written `let __self = __self;`), or
    /// bindings of their patterns, that some suspension point finds moved on some paths and not
    /// on others, and that are not `Copy`.
    fn params_moved_on_some_paths(&self) -> Vec<LocalId> {
        let mut moved: Vec<LocalId> = self
            .layout
            .iter()
            .flat_map(|l| &l.maybe_moved)
            .copied()
            .filter(|&id| {
                let local = &self.locals[id];
                local.param.is_some() && !local.copied()
            })
            .collect();
        moved.sort_unstable();
        moved.dedup();
        moved
    }
}

/// Whether parameters are passed under hidden names (some parameter is a pattern).
pub fn hidden_params(sig: &syn::Signature) -> bool {
    sig.inputs.iter().any(|input| match input {
        FnArg::Typed(t) => {
            !matches!(&*t.pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none())
        }
        FnArg::Receiver(_) => false,
    })
}

/// The hidden name of the `index`th parameter.
pub fn arg_ident(index: usize) -> Ident {
    format_ident!("__arg{}", index)
}

pub(crate) struct Builder {
    locals: Vec<Local>,
    points: Vec<Point>,
    items: Vec<syn::Stmt>,
    notes: Vec<String>,
    /// Open scopes, innermost last: their id and the locals declared so far.
    scopes: Vec<(BlockId, Vec<LocalId>)>,
    next_block: BlockId,
    temps: usize,
    selects: usize,
    /// Inside an awaited expression: borrowed temporaries are lifted too.
    lifting_borrows: bool,
    /// In the scrutinee of a `match`, `if let` or `while let`, or the iterable of a `for`,
    /// around a suspension point: the temporaries rustc keeps to the end of the construct are
    /// lifted (`explode::Builder::place`).
    lifting_places: bool,
    /// The next expression `flow` converts is a statement's (`expr;`, a `let`'s value), not a
    /// block's value or a `match` arm's: see [`Local::operand`].
    statement: bool,
    /// Lifting the awaits of an expression: operands of constructs this deep or deeper are
    /// marked [`Local::operand`].
    operands: Option<usize>,
    /// How many constructs (calls, operators, literals) deep the lifting is.
    depth: usize,
}

impl Builder {
    fn open(&mut self) -> BlockId {
        let id = self.next_block;
        self.next_block += 1;
        self.scopes.push((id, Vec::new()));
        id
    }

    fn close(&mut self) {
        self.scopes.pop();
    }

    fn current_block(&self) -> BlockId {
        self.scopes.last().map_or(0, |s| s.0)
    }

    /// The locals in scope in the order the state declares them, which drops them in reverse:
    /// a scope's operands (`Local::operand`) last, dropped first.
    fn in_scope(&self) -> Vec<LocalId> {
        self.scopes
            .iter()
            .flat_map(|s| {
                let (operands, others): (Vec<LocalId>, Vec<LocalId>) =
                    s.1.iter().partition(|&&id| self.locals[id].operand);
                others.into_iter().chain(operands)
            })
            .collect()
    }

    fn resolve(&self, mentions: Vec<Mention>) -> Vec<Resolved> {
        mentions
            .into_iter()
            .filter_map(|m| {
                self.lookup(&m.name).map(|local| Resolved {
                    local,
                    // (A call of an `impl FnOnce()` takes it.)
                    kind: match m.kind {
                        Use::Receiver(c)
                            if c.is_called()
                                && self.locals[local].ty.as_ref().is_some_and(fn_once) =>
                        {
                            Use::Move
                        }
                        kind => kind,
                    },
                    span: m.span,
                    captured: m.captured,
                    copies: m.copies,
                    captured_by_value: m.captured_by_value,
                    field: m.field,
                    nested: m.nested,
                    capture: m.capture,
                    leaves: m.leaves,
                    jump_value: m.jump_value,
                    conditional: m.conditional,
                    always: m.always,
                    looped: m.looped,
                    branch: m.branch,
                    transient: m.transient,
                })
            })
            .collect()
    }

    fn lookup(&self, name: &str) -> Option<LocalId> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.1.iter().rev())
            .find(|&&id| self.locals[id].ident == name)
            .copied()
    }

    /// Whether `value` is `Copy` as its syntax shows: a literal, a `Copy` local, a comparison,
    /// or arithmetic on those (`let n = w + 1;`).
    fn copy_value(&self, value: &syn::Expr) -> bool {
        use syn::BinOp::*;
        match value {
            syn::Expr::Lit(_) => true,
            syn::Expr::Paren(p) => self.copy_value(&p.expr),
            syn::Expr::Path(p) => (p.path.get_ident())
                .and_then(|i| self.lookup(&i.to_string()))
                .is_some_and(|id| self.locals[id].copy),
            syn::Expr::Binary(b) => match b.op {
                Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) | And(_) | Or(_) => true,
                Add(_) | Sub(_) | Mul(_) | Div(_) | Rem(_) | BitAnd(_) | BitOr(_) | BitXor(_)
                | Shl(_) | Shr(_) => self.copy_value(&b.left) && self.copy_value(&b.right),
                _ => false,
            },
            syn::Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) => self.copy_value(&u.expr),
            _ => false,
        }
    }

    fn declare(&mut self, ident: Ident, mutable: bool, is_reference: bool) -> LocalId {
        let id = self.locals.len();
        self.locals.push(Local {
            ident,
            mutable,
            is_reference,
            mut_reference: false,
            copy: false,
            uninit: false,
            copy_items: false,
            block: self.current_block(),
            borrows: Vec::new(),
            slottable: false,
            array: false,
            drop_flag: false,
            no_drop_flag: false,
            shadowed: false,
            async_closure: false,
            drops_nothing: false,
            lent_to_call: Vec::new(),
            slot: None,
            holds: None,
            ty: None,
            copy_fields: Vec::new(),
            operand: false,
            made_at: None,
            param: None,
        });
        if let Some(scope) = self.scopes.last_mut() {
            scope.1.push(id);
        }
        id
    }

    /// Declares the bindings of a `let` pattern; `init` is what the `let` evaluates.
    fn declare_let(
        &mut self,
        pat: &Pat,
        init: Option<&syn::Expr>,
        uses: &[Resolved],
    ) -> Vec<LocalId> {
        let is_reference = matches!(pat, Pat::Type(t) if matches!(*t.ty, Type::Reference(_)));
        let mut_reference = matches!(pat, Pat::Type(t) if is_mut_reference(&t.ty));
        let copy = match (pat, init) {
            (Pat::Type(t), _) => copy_type(&t.ty),
            (Pat::Ident(_), Some(init)) if self.copy_value(init) => true,
            // The variables of `for i in 0..n`, `for (name, n) in [("a", 1)]`.
            (_, Some(init)) => next_of(init)
                .and_then(|it| self.lookup(&it.to_string()))
                .is_some_and(|it| self.locals[it].copy_items),
            _ => false,
        };
        let copy_items = init.is_some_and(into_literal_range);
        // A closure or async block without `move` borrows what it mentions, except the locals
        // it uses by value whose type does not show they are `Copy`: those it takes.
        let captures = || {
            let taken = |id: LocalId| {
                !self.locals[id].captured_by_reference()
                    && uses.iter().any(|u| u.local == id && u.kind == Use::Move)
            };
            uses.iter()
                .map(|u| u.local)
                .filter(|&id| !taken(id))
                .collect()
        };
        let borrows: Vec<LocalId> = match init {
            Some(syn::Expr::Closure(c)) if c.capture.is_none() => captures(),
            Some(syn::Expr::Async(a)) if a.capture.is_none() => captures(),
            Some(init) => {
                let mut borrows: Vec<LocalId> = borrow_roots(init)
                    .iter()
                    .filter_map(|name| self.lookup(name))
                    .collect();
                // A `&mut` local given to a method that takes its receiver by value is reborrowed
                // (`stream.take_while(..)`): what it returns borrows the local.
                for id in receivers_by_value(init)
                    .iter()
                    .filter_map(|n| self.lookup(n))
                {
                    if self.locals[id].mut_reference && !borrows.contains(&id) {
                        borrows.push(id);
                    }
                }
                // A closure or `async` block inside the value may be kept in it (`Some(|| x.get())`,
                // `v.iter().map(|i| i + n)`): what it borrows, the value may borrow.
                let within: Vec<LocalId> = captures()
                    .into_iter()
                    .filter(|&id| uses.iter().any(|u| u.local == id && u.captured))
                    .collect();
                for id in within {
                    if !borrows.contains(&id) {
                        borrows.push(id);
                    }
                }
                borrows
            }
            None => Vec::new(),
        };
        let drops_nothing = match init {
            Some(syn::Expr::Reference(_)) => true,
            Some(syn::Expr::Call(c)) if holds_references_only(c) => true,
            Some(closure @ syn::Expr::Closure(c)) => {
                c.capture.is_none()
                    && c.asyncness.is_none()
                    && mentions::in_expr(closure)
                        .iter()
                        .all(|m| !matches!(m.kind, Use::Move | Use::Field))
            }
            _ => false,
        };
        // (`c.get(&k)`: a method's arguments as a function's, its receiver is `borrows`'.)
        let args = match init {
            Some(syn::Expr::Call(c)) => Some(&c.args),
            Some(syn::Expr::MethodCall(m)) => Some(&m.args),
            _ => None,
        };
        let lent: Vec<LocalId> = (args.into_iter().flatten())
            .filter(|a| matches!(a, syn::Expr::Reference(_)))
            .flat_map(borrow_roots)
            .filter_map(|name| self.lookup(&name))
            .collect();
        // `let Env { ref user } = env;`: a `ref` binding borrows the place the `let` matches.
        let by_ref = mentions::ref_bindings(pat);
        let matched = init
            .and_then(place_root)
            .and_then(|name| self.lookup(&name));
        mentions::bindings(pat)
            .into_iter()
            .map(|(ident, mutable)| {
                let mut borrows = borrows.clone();
                if let Some(root) = matched.filter(|_| by_ref.contains(&ident)) {
                    if !borrows.contains(&root) {
                        borrows.push(root);
                    }
                }
                let copy = copy || crate::defined::copy_binding(&ident);
                let plain = crate::defined::drops_nothing_binding(&ident);
                let id = self.declare(ident, mutable, is_reference);
                let local = &mut self.locals[id];
                local.copy = copy;
                local.copy_items = copy_items;
                local.uninit = init.is_none();
                local.async_closure =
                    matches!(init, Some(syn::Expr::Closure(c)) if c.asyncness.is_some());
                local.drops_nothing = drops_nothing || plain;
                local.lent_to_call = lent.clone();
                local.mut_reference = mut_reference;
                local.borrows = borrows;
                local.ty = match pat {
                    Pat::Type(t) if matches!(&*t.pat, Pat::Ident(_)) => Some((*t.ty).clone()),
                    _ => None,
                };
                local.copy_fields = init.map(copy_fields).unwrap_or_default();
                id
            })
            .collect()
    }

    /// The bindings of `if let`, `while let` and match arm patterns. Those of a pattern that
    /// binds by value can live in slots: they move in at the top of the body.
    fn declare_pats(&mut self, pats: &[&Pat]) -> Vec<LocalId> {
        let mut out = Vec::new();
        for pat in pats {
            let by_value = by_value_bindings(pat);
            let mut numbers = Vec::new();
            bound_to_literals(pat, &mut numbers);
            // (`ref v`: a reference, which drops nothing.)
            let by_ref = mentions::ref_bindings(pat);
            for (ident, mutable) in mentions::bindings(pat) {
                let copy = numbers.contains(&ident) || crate::defined::copy_binding(&ident);
                let reference = by_ref.contains(&ident);
                let id = self.declare(ident, mutable, reference);
                let local = &mut self.locals[id];
                local.slottable = by_value;
                local.copy = copy;
                local.drops_nothing = reference;
                local.mut_reference = reference && mutable;
                out.push(id);
            }
        }
        out
    }

    /// A fresh temporary for a lifted subexpression.
    fn temp(&mut self) -> Ident {
        let ident = Ident::new(&format!("__tmp{}", self.temps), Span::mixed_site());
        self.temps += 1;
        ident
    }

    /// The hidden local holding the iterator of the `for` loop at `span`.
    fn for_iterator(&mut self, span: Span) -> Ident {
        let name = format!("{FOR_ITERATOR}{}", self.temps);
        self.temps += 1;
        Ident::new(&name, Span::mixed_site().located_at(span))
    }

    /// Parameters: plain `name: T` bindings are locals of the body. When some parameter is a
    /// pattern (or `hidden` for another reason, see `analyze`), every parameter is moved into
    /// the body by a statement of its own, in order, and patterns are destructured there, as
    /// rustc does: that fixes the order they drop in.
    fn params(
        &mut self,
        f: &AsyncFn,
        hidden: bool,
        slotted: &[usize],
    ) -> Result<(Vec<LocalId>, Vec<Stmt>)> {
        let mut params = Vec::new();
        let mut moves = Vec::new();
        for (index, input) in f.sig.inputs.iter().enumerate() {
            match input {
                FnArg::Receiver(r) => {
                    let is_reference =
                        r.reference.is_some() || matches!(&*r.ty, Type::Reference(_));
                    let ident = Ident::new("self", r.self_token.span);
                    let mutable = r.reference.is_none() && r.mutability.is_some();
                    let id = self.declare(ident, mutable, is_reference);
                    self.locals[id].ty = Some((*r.ty).clone());
                    self.locals[id].param = Some(index);
                    self.locals[id].mut_reference = (r.reference.is_some()
                        && r.mutability.is_some())
                        || is_mut_reference(&r.ty);
                    params.push(id);
                    // (`self` moved on some paths: `let self = self;`, written `let __self =
                    // __self;`, gives it a slot and a drop flag as for other parameters.)
                    if hidden && slotted.contains(&index) && !is_reference {
                        let pat = Pat::Ident(syn::PatIdent {
                            attrs: Vec::new(),
                            by_ref: None,
                            mutability: r.mutability,
                            ident: Ident::new("self", r.self_token.span),
                            subpat: None,
                        });
                        moves.push((index, Ident::new("self", r.self_token.span), pat, &*r.ty));
                    }
                }
                FnArg::Typed(t) => {
                    let is_reference = matches!(&*t.ty, Type::Reference(_));
                    match &*t.pat {
                        Pat::Ident(p) if !hidden => {
                            let mutable = p.mutability.is_some();
                            let id = self.declare(p.ident.clone(), mutable, is_reference);
                            self.locals[id].copy = copy_type(&t.ty);
                            self.locals[id].mut_reference = is_mut_reference(&t.ty);
                            self.locals[id].ty = Some((*t.ty).clone());
                            self.locals[id].param = Some(index);
                            params.push(id);
                        }
                        pat => {
                            let arg = arg_ident(index);
                            let id = self.declare(arg.clone(), false, is_reference);
                            self.locals[id].ty = Some((*t.ty).clone());
                            self.locals[id].param = Some(index);
                            params.push(id);
                            moves.push((index, arg, pat.clone(), &*t.ty));
                        }
                    }
                }
            }
        }
        let patterns = hidden_params(&f.sig);
        let mut stmts = Vec::new();
        for (index, arg, pat, ty) in moves {
            let is_reference = matches!(ty, Type::Reference(_));
            let simple = matches!(&pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none());
            let mut lets: Vec<syn::Stmt> = Vec::new();
            if !simple {
                lets.push(syn::parse_quote_spanned!(pat.span()=> let #arg = #arg;));
            }
            // (Built, not parsed: `let self = self;` does not parse.)
            let init: syn::Expr = syn::parse_quote_spanned!(pat.span()=> #arg);
            lets.push(syn::Stmt::Local(syn::Local {
                attrs: Vec::new(),
                let_token: syn::Token![let](pat.span()),
                pat: pat.clone(),
                init: Some(syn::LocalInit {
                    eq_token: syn::Token![=](pat.span()),
                    expr: Box::new(init),
                    diverge: None,
                }),
                semi_token: syn::Token![;](pat.span()),
            }));
            for stmt in lets {
                let syn::Stmt::Local(local) = &stmt else {
                    unreachable!("parse_quote of a let")
                };
                let init: syn::Expr = syn::parse_quote!(#arg);
                let uses = self.resolve(mentions::in_let_init(&local.pat, &init));
                let pat = local.pat.clone();
                let declares = self.declare_let(&pat, Some(&init), &uses);
                // A parameter moved on some paths (`slotted`) or bound by a pattern
                // (`State(s): State<S>`) can live in a slot as the binding of any `let` can,
                // and, as a parameter could, a plain one moved in only for those (a reborrow
                // may keep it in place).
                let plain = matches!(&pat, Pat::Ident(_));
                let by_value =
                    by_value_bindings(&pat) && (slotted.contains(&index) || !plain || !patterns);
                // (What the type says holds for the binding of a plain name.)
                for &id in &declares {
                    let local = &mut self.locals[id];
                    local.param = Some(index);
                    local.is_reference = is_reference && plain;
                    local.copy |= plain && copy_type(ty);
                    local.mut_reference |= plain && is_mut_reference(ty);
                    local.slottable = by_value;
                    if plain {
                        local.ty = Some(ty.clone());
                    }
                }
                stmts.push(Stmt::Plain {
                    stmt,
                    uses,
                    declares,
                });
            }
        }
        Ok((params, stmts))
    }

    /// Converts a block's statements inside the already open scope `id`.
    fn block_in(
        &mut self,
        id: BlockId,
        label: Option<syn::Label>,
        bound: Vec<LocalId>,
        stmts: &[syn::Stmt],
        out: &mut Vec<Stmt>,
    ) -> Result<Block> {
        let mut tail = None;
        for (i, stmt) in stmts.iter().enumerate() {
            // Items after it are hoisted: they do not follow it (`loop { .. } struct Guard;`).
            let last = stmts[i + 1..]
                .iter()
                .all(|s| matches!(s, syn::Stmt::Item(_)));
            let before = out.len();
            // A macro statement with an `.await` inside (`select! { .. }`) is lowered as the
            // expression statement it is, a block's tail included.
            let as_expr;
            let stmt = match stmt {
                syn::Stmt::Macro(m)
                    if pin_macro(&m.mac).is_none() && suspend::first_await(stmt).is_some() =>
                {
                    let mac = syn::Expr::Macro(syn::ExprMacro {
                        attrs: m.attrs.clone(),
                        mac: m.mac.clone(),
                    });
                    as_expr = syn::Stmt::Expr(mac, m.semi_token);
                    &as_expr
                }
                _ => stmt,
            };
            match stmt {
                syn::Stmt::Item(_) => self.items.push(stmt.clone()),
                syn::Stmt::Local(local) => self.local(local, out)?,
                syn::Stmt::Expr(expr, semi) => {
                    let suspends = suspend::first_await(expr).is_some();
                    if last && semi.is_none() {
                        tail = Some(Box::new(if suspends {
                            self.flow(expr)?
                        } else {
                            let uses = self.resolve(mentions::in_expr(expr));
                            Expr::Plain(expr.clone(), uses)
                        }));
                    } else if suspends {
                        self.statement = true;
                        let expr = self.flow(expr)?;
                        out.push(Stmt::Expr {
                            expr,
                            semi: semi.is_some(),
                        });
                    } else {
                        self.plain(stmt, out);
                    }
                }
                syn::Stmt::Macro(m) if pin_macro(&m.mac).is_some() => {
                    // `tokio::pin!(fut);`: `fut` stays where it is, shadowed by a `Pin` to it;
                    // `tokio::pin! { let fut = make(); }`: as `let fut = pin!(make());`.
                    match m.mac.parse_body_with(pin_input) {
                        Ok(PinInput::Names(names)) => {
                            for name in names {
                                self.pin_in_place(&name, out);
                            }
                        }
                        Ok(PinInput::Lets(lets)) => {
                            for local in lets {
                                let value = local.init.as_ref().map(|i| (*i.expr).clone());
                                let Some(value) = value else {
                                    return Err(Error::new(
                                        local.let_token.span,
                                        "`pin!` needs a value for each `let`",
                                    ));
                                };
                                let mut bare = local.clone();
                                bare.init = None;
                                self.pin_value(&bare, &value, m.mac.path.span(), out)?;
                            }
                        }
                        Err(_) => {
                            return Err(Error::new(
                                m.mac.path.span(),
                                "desugar supports `pin!(name, ..)` of locals and \
                                 `pin! { let name = value; .. }`",
                            ));
                        }
                    }
                    self.keep_import_used(&m.mac, PinMacro::Stmt, out);
                }
                // Not the block's last statement: that may be its value.
                syn::Stmt::Macro(m) if !last && declares_items(&m.mac) => {
                    let (open, close) = match m.mac.delimiter {
                        syn::MacroDelimiter::Paren(_) => ("(", ")"),
                        syn::MacroDelimiter::Brace(_) => (" { ", " }"),
                        syn::MacroDelimiter::Bracket(_) => ("[", "]"),
                    };
                    self.notes.push(format!(
                        "`{}!{open}..{close}` (line {}) is taken to declare items, as its input \
                         parses as items: it is hoisted with the body's items, where every state \
                         sees them",
                        mentions::path_segments(&m.mac.path).join("::"),
                        m.mac.path.span().start().line,
                    ));
                    self.items.push(stmt.clone());
                }
                syn::Stmt::Macro(_) => self.plain(stmt, out),
            }
            if !last && out.len() > before && !out.last().is_some_and(never_completes) {
                self.join_after(stmt, out);
            }
        }
        Ok(Block {
            id,
            label,
            bound,
            stmts: std::mem::take(out),
            tail,
        })
    }

    /// A block of its own scope; `pats` are bound in it from the start.
    fn block(
        &mut self,
        block: &syn::Block,
        label: Option<syn::Label>,
        pats: &[&Pat],
    ) -> Result<Block> {
        let id = self.open();
        let bound = self.declare_pats(pats);
        let mut stmts = Vec::new();
        let out = self.block_in(id, label, bound, &block.stmts, &mut stmts);
        self.close();
        out
    }

    /// A loop's body, `pats` bound in it from the start, with a join at its top where its code
    /// would otherwise be written twice (`loop_head`).
    pub(super) fn loop_body(&mut self, block: &syn::Block, pats: &[&Pat]) -> Result<Block> {
        let id = self.open();
        let bound = self.declare_pats(pats);
        let mut stmts: Vec<Stmt> = self.loop_head(block).into_iter().collect();
        let out = self.block_in(id, None, bound, &block.stmts, &mut stmts);
        self.close();
        out
    }

    fn plain(&mut self, stmt: &syn::Stmt, out: &mut Vec<Stmt>) {
        let uses = self.resolve(mentions::in_stmt(stmt));
        let declares = match stmt {
            syn::Stmt::Local(local) => {
                let init = local.init.as_ref().map(|i| &*i.expr);
                let declares = self.declare_let(&local.pat, init, &uses);
                let simple = local.init.is_some() && by_value_bindings(&local.pat);
                if simple {
                    let array = simple_binding(&local.pat) && is_array(local);
                    for &id in &declares {
                        self.locals[id].slottable = true;
                        self.locals[id].array = array;
                    }
                }
                declares
            }
            // `msg.user_name(auth.user());`: the receiver may keep what the arguments borrow.
            syn::Stmt::Expr(syn::Expr::MethodCall(m), _)
                if mentions::Method::of(m).may_keep_arguments() =>
            {
                let receiver =
                    mentions::plain_ident(&m.receiver).and_then(|i| self.lookup(&i.to_string()));
                if let Some(receiver) = receiver {
                    let lent: Vec<LocalId> = (m.args.iter().flat_map(borrow_roots))
                        .filter_map(|name| self.lookup(&name))
                        .collect();
                    for id in lent {
                        let borrows = &mut self.locals[receiver].borrows;
                        if id != receiver && !borrows.contains(&id) {
                            borrows.push(id);
                        }
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
        out.push(Stmt::Plain {
            stmt: stmt.clone(),
            uses,
            declares,
        });
    }

    fn local(&mut self, local: &syn::Local, out: &mut Vec<Stmt>) -> Result<()> {
        let Some(init) = &local.init else {
            self.plain(&syn::Stmt::Local(local.clone()), out);
            return Ok(());
        };
        if init.diverge.is_none()
            && let syn::Expr::Reference(r) = &*init.expr
            && let Some(temporary) = extended_temporary(&r.expr, r.mutability.is_some())
        {
            // `let r = &mut make();`, `let f = &lock().await.field;`: rustc keeps the temporary
            // to the end of the block, as if it were a local declared just before `r` (and
            // dropped just after it). It is one here, so that it can live across the states
            // `r` lives through; `r` borrows the same place in it.
            //
            // Input:  `let f = &mut make().field;`
            // Output: `let mut __extended0 = make(); let f = &mut __extended0.field;`
            let hidden = Ident::new(&format!("__extended{}", self.temps), Span::mixed_site());
            self.temps += 1;
            let mutability = &r.mutability;
            let stmt: syn::Stmt = syn::parse_quote_spanned!(temporary.span()=>
                let #mutability #hidden = #temporary;
            );
            let syn::Stmt::Local(stmt) = stmt else {
                unreachable!("parse_quote of a let")
            };
            self.local(&stmt, out)?;
            if let Some(extended) = self.locals.iter_mut().rev().find(|l| l.ident == hidden) {
                let line = r.span().start().line;
                extended.holds = Some(format!("the temporary `&` borrows at line {line}"));
            }
            let mut place = (*r.expr).clone();
            replace_temporary(&mut place, &hidden);
            let mut borrow = local.clone();
            if let Some(init) = &mut borrow.init {
                *init.expr = syn::parse_quote_spanned!(r.expr.span()=> &#mutability #place);
            }
            return self.local(&borrow, out);
        }
        if let (syn::Expr::Macro(m), None) = (&*init.expr, &init.diverge)
            && pin_macro(&m.mac) == Some(PinMacro::Expr)
        {
            // `let fut = pin!(make());`: the value gets a local of its own that stays where it
            // is, and `fut` is a `Pin` to it.
            let value: syn::Expr = m.mac.parse_body()?;
            self.pin_value(local, &value, m.mac.path.span(), out)?;
            self.keep_import_used(&m.mac, PinMacro::Expr, out);
            return Ok(());
        }
        if suspend::first_await(&*init.expr).is_none()
            && init
                .diverge
                .as_ref()
                .is_none_or(|(_, d)| suspend::first_await(&**d).is_none())
        {
            self.plain(&syn::Stmt::Local(local.clone()), out);
            return Ok(());
        }
        if let Some(rewritten) = drops_part_as_match(local) {
            return self.local(&rewritten, out);
        }
        if let Some((_, diverge)) = &init.diverge
            && suspend::first_await(&**diverge).is_some()
        {
            return self.local(&let_else_as_match(local), out);
        }
        self.statement = true;
        let flow = self.flow(&init.expr)?;
        let else_uses = match &init.diverge {
            Some((_, diverge)) => self.resolve(mentions::in_expr(diverge)),
            None => Vec::new(),
        };
        let declares = self.declare_let(&local.pat, None, &[]);
        // `let guard = m.lock().await;`: its bindings can live in slots as well, filled when
        // the value arrives.
        let simple = by_value_bindings(&local.pat);
        for &id in &declares {
            self.locals[id].uninit = false;
            self.locals[id].slottable = simple;
            self.locals[id].copy_fields = copy_fields(&init.expr);
        }
        out.push(Stmt::Let {
            local: local.clone(),
            init: flow,
            else_uses,
            declares,
        });
        Ok(())
    }

    /// `let PAT = pin!(value)` (or `tokio::pin! { let PAT = value; }`): `value` goes into a local
    /// of its own (its `.await`s lowered as any `let`'s), which never moves, and `PAT` is a `Pin`
    /// to it.
    /// A pinning macro named by its import (`use futures::pin_mut;`) and written out by the
    /// expansion is still invoked, pinning nothing, so that the import stays used.
    fn keep_import_used(&mut self, mac: &syn::Macro, form: PinMacro, out: &mut Vec<Stmt>) {
        let Some(name) = mac.path.get_ident() else {
            return;
        };
        let stmt: syn::Stmt = match form {
            PinMacro::Stmt => syn::parse_quote_spanned!(name.span()=> #name!();),
            PinMacro::Expr => syn::parse_quote_spanned!(name.span()=> let _ = #name!(());),
        };
        out.push(Stmt::Plain {
            stmt,
            uses: Vec::new(),
            declares: Vec::new(),
        });
    }

    fn pin_value(
        &mut self,
        local: &syn::Local,
        value: &syn::Expr,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Result<()> {
        let hidden = Ident::new(&format!("__pinned{}", self.temps), Span::mixed_site());
        self.temps += 1;
        let stmt: syn::Stmt = syn::parse_quote_spanned!(span=> let mut #hidden = #value;);
        let syn::Stmt::Local(hidden_local) = &stmt else {
            unreachable!("parse_quote of a let")
        };
        self.local(hidden_local, out)?;
        let mut shadow = local.clone();
        self.pin_binding(&hidden, &mut shadow, out);
        Ok(())
    }

    /// `tokio::pin!(name);` as `let mut name = Pin::new_unchecked(&mut name);`, the old `name`
    /// borrowed (so it gets a slot and never moves).
    fn pin_in_place(&mut self, name: &Ident, out: &mut Vec<Stmt>) {
        let local: syn::Stmt =
            syn::parse_quote_spanned!(name.span()=> #[allow(unused_variables)] let mut #name = (););
        let syn::Stmt::Local(mut local) = local else {
            unreachable!("parse_quote of a let")
        };
        self.pin_binding(name, &mut local, out);
    }

    /// `let PAT = Pin::new_unchecked(&mut target);` where `target` now never moves.
    fn pin_binding(&mut self, target: &Ident, local: &mut syn::Local, out: &mut Vec<Stmt>) {
        let safety = crate::comments::comment(
            "SAFETY: the pinned value lives in a slot of the future that never moves until the \
             end of its scope, and it is only reached through this `Pin` (the name is shadowed).",
        );
        let init: syn::Expr = syn::parse_quote_spanned! {target.span()=> {
            #safety
            #[allow(unsafe_code)]
            let __pin = unsafe { ::core::pin::Pin::new_unchecked(&mut #target) };
            __pin
        }};
        local.init = Some(syn::LocalInit {
            eq_token: Default::default(),
            expr: Box::new(init.clone()),
            diverge: None,
        });
        let source = self.lookup(&target.to_string());
        let stmt = syn::Stmt::Local(local.clone());
        self.plain(&stmt, out);
        if let (Some(source), Some(Stmt::Plain { declares, .. })) = (source, out.last()) {
            for &id in declares.clone().iter() {
                self.locals[id].borrows = vec![source];
            }
        }
    }

    /// Records a suspension point awaiting `operand` (which has no `.await` of its own).
    /// After a statement holding an `if`, `match` or loop with awaits inside, whose paths meet
    /// again after it: a join, a state that is not a suspension point. Every path through the
    /// statement enters it, so the code after the statement is written once, in the join's
    /// state, instead of once in every state that reaches it (which grows quadratically with
    /// the number of such statements in a row). Its future is `ready(())`: it never returns
    /// `Pending`, so the number of polls is unchanged.
    fn join_after(&mut self, stmt: &syn::Stmt, out: &mut Vec<Stmt>) {
        let Some(mut kind) = out.last().and_then(branching) else {
            return;
        };
        // Loops reach here desugared into `loop`; name them as written.
        if let syn::Stmt::Expr(e, _) = stmt {
            match e {
                syn::Expr::ForLoop(_) => kind = "for",
                syn::Expr::While(_) => kind = "while",
                _ => {}
            }
        }
        let end = stmt.span().end();
        let p = self.join(stmt.span(), Join::After(kind));
        let point = &mut self.points[p];
        point.source = format!(
            "the paths through the `{kind}` ending at line {} meet",
            end.line
        );
        point.line = end.line;
        point.column = end.column + 1;
        out.push(Stmt::Expr {
            expr: Expr::Await(p),
            semi: true,
        });
    }

    /// At the top of a loop's body that builds a closure or an `async` block before its first
    /// `.await`: a join where every iteration starts. The code up to that `.await` would
    /// otherwise be written twice, where the loop is entered and where an iteration ends, and
    /// two copies of a closure are two types, which one local of the state cannot hold.
    fn loop_head(&mut self, body: &syn::Block) -> Option<Stmt> {
        let head = body
            .stmts
            .iter()
            .take_while(|s| suspend::first_await(*s).is_none())
            .chain(
                body.stmts
                    .iter()
                    .find(|s| suspend::first_await(*s).is_some()),
            );
        if !head.into_iter().any(builds_closure) {
            return None;
        }
        let start = body.brace_token.span.open().start();
        let p = self.join(body.brace_token.span.open(), Join::LoopHead);
        let point = &mut self.points[p];
        point.source = format!("each iteration of the loop at line {} starts", start.line);
        point.line = start.line;
        point.column = start.column + 1;
        Some(Stmt::Expr {
            expr: Expr::Await(p),
            semi: true,
        })
    }

    /// A join's suspension point, awaiting `ready(())`.
    fn join(&mut self, span: Span, join: Join) -> PointId {
        let operand = crate::syntax::ready_unit(span);
        let p = self.point(&operand, false, &operand);
        self.points[p].join = Some(join);
        p
    }

    fn point(&mut self, operand: &syn::Expr, question: bool, whole: &syn::Expr) -> PointId {
        let span = whole.span();
        // Where the `.await` is: chained ones (`a.await.b().await`) start at the same place.
        let mut at = whole;
        while let syn::Expr::Try(t) = at {
            at = &t.expr;
        }
        let start = match at {
            syn::Expr::Await(a) => a.dot_token.span.start(),
            _ => span.start(),
        };
        let source = span
            .source_text()
            .unwrap_or_else(|| crate::syntax::compact(&quote::ToTokens::to_token_stream(whole)));
        let uses = self.resolve(mentions::in_awaited(operand));
        // `(async { .. }).await`: the operand becomes an argument, where parentheses warn.
        let mut operand = operand;
        while let syn::Expr::Paren(p) = operand {
            operand = &p.expr;
        }
        self.points.push(Point {
            operand: operand.clone(),
            question,
            source: source.split_whitespace().collect::<Vec<_>>().join(" "),
            line: start.line,
            column: start.column + 1,
            span,
            uses,
            scope: self.in_scope(),
            note: None,
            named: None,
            join: None,
        });
        self.points.len() - 1
    }
}

/// The locals a value borrows, read off its expression: `&x`, `&mut x.f`, `&x[..]`, and method
/// chains rooted at a local through an accessor that lends (`x.iter().map(..)`, `x.as_str()`),
/// unless a later call makes an owned value (`.collect()`, `.to_vec()`, `.cloned()`).
fn borrow_roots(expr: &syn::Expr) -> Vec<String> {
    match expr {
        syn::Expr::Reference(r) => place_root(&r.expr).into_iter().collect(),
        syn::Expr::Paren(p) => borrow_roots(&p.expr),
        syn::Expr::Group(g) => borrow_roots(&g.expr),
        // (`v.get(i).ok_or(e)?`: what `?` unwraps holds the same borrows.)
        syn::Expr::Try(t) => borrow_roots(&t.expr),
        // (`&oid as &_`: a lifted element, `explode::coercible`.)
        syn::Expr::Cast(c) => borrow_roots(&c.expr),
        // `(self, &lock)`, `[&a, &b]`, `Pair { a: &x, .. }`: what the values borrow.
        syn::Expr::Tuple(t) => t.elems.iter().flat_map(borrow_roots).collect(),
        syn::Expr::Array(a) => a.elems.iter().flat_map(borrow_roots).collect(),
        // `vec![s.as_str()]`: as an array.
        syn::Expr::Macro(m)
            if suspend::macro_grammar(&m.mac) == Some(suspend::MacroGrammar::Vec) =>
        {
            let elems = m.mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            );
            elems
                .into_iter()
                .flatten()
                .flat_map(|e| borrow_roots(&e))
                .collect()
        }
        syn::Expr::Struct(s) => s
            .fields
            .iter()
            .flat_map(|f| borrow_roots(&f.expr))
            .collect(),
        // `W(&t)`, `Some(&x)`: a tuple struct or variant holds what its fields borrow (named as
        // types are, capitalized).
        syn::Expr::Call(c)
            if matches!(&*c.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| {
                s.ident.to_string().starts_with(|c: char| c.is_ascii_uppercase())
            })) =>
        {
            c.args.iter().flat_map(borrow_roots).collect()
        }
        // `IntoIterator::into_iter(&v)`: a `for` loop over a borrowed collection.
        syn::Expr::Call(c)
            if c.args.len() == 1
                && matches!(&*c.func, syn::Expr::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "into_iter")) =>
        {
            borrow_roots(&c.args[0])
        }
        // `first(&v)`, `Session::new(&mut reader)`: what a function returns may hold what its
        // `&` arguments borrow (taken to: the borrowed local stays where it is, which compiles
        // whether it does or not).
        syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(_)) => c
            .args
            .iter()
            .filter(|a| matches!(a, syn::Expr::Reference(_)))
            .flat_map(borrow_roots)
            .collect(),
        // (What the call returns holds no borrow: its type has no lifetime.)
        // (`{ s.as_str() }`, `if c { "" } else { s.as_str() }`, `match s.customs { Some(ref c)
        // => c.trim(), .. }`: what the value of the branch that runs borrows, and the matched
        // place where a pattern binds by reference.)
        syn::Expr::Block(b) => tail_roots(&b.block),
        syn::Expr::If(i) => {
            let mut roots = tail_roots(&i.then_branch);
            if let Some((_, otherwise)) = &i.else_branch {
                roots.extend(borrow_roots(otherwise));
            }
            roots
        }
        syn::Expr::Match(m) => {
            // (`match &s { Some(c) => c.as_str(), .. }`: the arms bind into what `&s` borrows.)
            let mut roots = match &*m.expr {
                reference @ syn::Expr::Reference(_) => borrow_roots(reference),
                _ => Vec::new(),
            };
            if m.arms
                .iter()
                .any(|arm| mentions::binds_by_reference(&arm.pat))
            {
                roots.extend(place_root(&m.expr));
            }
            roots.extend(m.arms.iter().flat_map(|arm| borrow_roots(&arm.body)));
            roots
        }
        syn::Expr::MethodCall(m) if mentions::Method::of(m).lends_nothing() => Vec::new(),
        syn::Expr::MethodCall(m) => {
            let method = m.method.to_string();
            // `.copied()` / `.cloned()` own on an `Option` (`map.get(k).cloned()`) and lend
            // on an iterator (`v.iter().copied()`).
            let adapter = matches!(method.as_str(), "copied" | "cloned")
                && matches!(&*m.receiver, syn::Expr::MethodCall(inner)
                    if !gives_option(&inner.method.to_string()));
            // (As rustc or the crate's signatures tell: `fn parameters(&self) -> Params<'_>`.)
            let called = mentions::Method::of(m);
            let lends = called.lends();
            // (`lends` is known where rustc or the crate tell, or the arity does: `take(2)`.)
            if adapter
                || called.consumes() && (lends.is_some() || !cfg::makes_owned(&method))
                || lends.is_none() && yields_borrowed_elements(m)
            {
                // (What a method that takes its receiver makes may hold what the receiver
                // borrowed, `v.iter().take(2)`, and what its arguments do, `(0..2).zip(&b)`.)
                let mut roots = borrow_roots(&m.receiver);
                roots.extend(m.args.iter().flat_map(borrow_roots));
                roots
            } else if lends == Some(false) || lends.is_none() && cfg::makes_owned(&method) {
                Vec::new()
            } else if lends == Some(true) || !cfg::consuming(&method) {
                // (A method of unknown signature that borrows its receiver may return what
                // borrows it, `desc.parameters()`: taken to, the receiver stays where it is,
                // which compiles whether it does or not.)
                match place_root(&m.receiver) {
                    Some(root) => vec![root],
                    None => borrow_roots(&m.receiver),
                }
            } else {
                borrow_roots(&m.receiver)
            }
        }
        _ => Vec::new(),
    }
}

/// What the value of a block, its tail, borrows: through the block's own locals, what their
/// values borrow (`{ let slot = &mut items[0]; slot }` borrows `items`).
fn tail_roots(block: &syn::Block) -> Vec<String> {
    let Some((syn::Stmt::Expr(tail, None), before)) = block.stmts.split_last() else {
        return Vec::new();
    };
    let mut roots = borrow_roots(tail);
    // (The block's locals the tail names, `slot`, `(l, r)`: moved out, they hold their borrows.)
    let mut named: Vec<String> = (mentions::in_expr(tail).into_iter())
        .filter(|m| matches!(m.kind, Use::Move | Use::Field))
        .map(|m| m.name)
        .collect();
    for stmt in before.iter().rev() {
        if let syn::Stmt::Local(local) = stmt {
            let bound: Vec<String> = (mentions::bindings(&local.pat).into_iter())
                .map(|(ident, _)| ident.to_string())
                .collect();
            if roots.iter().chain(&named).any(|r| bound.contains(r)) {
                roots.retain(|r| !bound.contains(r));
                named.retain(|r| !bound.contains(r));
                let init = local.init.as_ref().map(|init| &*init.expr);
                roots.extend(init.into_iter().flat_map(borrow_roots));
                named.extend(
                    init.into_iter()
                        .filter_map(|e| mentions::plain_ident(e))
                        .map(|i| i.to_string()),
                );
            }
        }
    }
    roots
}

/// `v.iter().max()`, `s.split(',').collect()`: a method whose result is made of the elements
/// its receiver yields (`collect`, `max`, `min`), on an iterator whose elements may borrow (no
/// `map`, `cloned`, `chars`, .. in the chain; no `collect::<String>()`).
fn yields_borrowed_elements(m: &syn::ExprMethodCall) -> bool {
    if !matches!(m.method.to_string().as_str(), "collect" | "max" | "min") {
        return false;
    }
    let owned_turbofish = m.turbofish.as_ref().is_some_and(|t| {
        let tokens = quote::ToTokens::to_token_stream(t).to_string();
        !tokens.contains('&') && !tokens.contains('_')
    });
    let mut receiver = &*m.receiver;
    while let syn::Expr::MethodCall(link) = receiver {
        let owning = matches!(
            link.method.to_string().as_str(),
            "map"
                | "cloned"
                | "copied"
                | "filter_map"
                | "flat_map"
                | "map_while"
                | "scan"
                | "chars"
                | "bytes"
                | "char_indices"
                | "to_string"
                | "to_owned"
                | "to_vec"
        );
        if owning {
            return false;
        }
        receiver = &link.receiver;
    }
    !owned_turbofish
}

/// The locals a method chain passes by name to a method known to take its receiver by value
/// (`s.take_while(..).map(..)`: `s`).
fn receivers_by_value(expr: &syn::Expr) -> Vec<String> {
    match expr {
        syn::Expr::Paren(p) => receivers_by_value(&p.expr),
        syn::Expr::MethodCall(m) => match (&*m.receiver, mentions::Method::of(m).consumes()) {
            (syn::Expr::Path(p), true) => p
                .path
                .get_ident()
                .map(|i| i.to_string())
                .into_iter()
                .collect(),
            (receiver, _) => receivers_by_value(receiver),
        },
        _ => Vec::new(),
    }
}

/// A type a call takes by value: `impl FnOnce(..)`, or a type parameter bounded by `FnOnce`.
fn fn_once(ty: &Type) -> bool {
    let is_fn_once = |b: &syn::TypeParamBound| {
        matches!(b, syn::TypeParamBound::Trait(t)
            if t.path.segments.last().is_some_and(|s| s.ident == "FnOnce"))
    };
    match ty {
        Type::ImplTrait(t) => t.bounds.iter().any(is_fn_once),
        Type::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|name| crate::defined::bounded_by(&name.to_string(), "FnOnce")),
        _ => false,
    }
}

/// Methods of std that give an `Option` of a reference (or of an item).
fn gives_option(method: &str) -> bool {
    matches!(
        method,
        "get"
            | "get_mut"
            | "first"
            | "last"
            | "next"
            | "next_back"
            | "peek"
            | "nth"
            | "find"
            | "as_ref"
            | "as_mut"
            | "max"
            | "min"
            | "max_by_key"
            | "min_by_key"
            | "get_key_value"
            | "first_key_value"
            | "last_key_value"
            | "front"
            | "back"
    )
}

/// The bindings of `pat` whose value matches a literal or a range (`n @ 3..=9`, `c @ 'a'`):
/// numbers, `char`s, `bool`s, which are `Copy` (a string literal's `&str` is too).
fn bound_to_literals(pat: &Pat, out: &mut Vec<Ident>) {
    fn literal(pat: &Pat) -> bool {
        match pat {
            Pat::Lit(_) | Pat::Range(_) => true,
            Pat::Or(o) => o.cases.iter().all(literal),
            Pat::Paren(p) => literal(&p.pat),
            _ => false,
        }
    }
    match pat {
        Pat::Ident(p) => match &p.subpat {
            Some((_, sub)) if p.by_ref.is_none() && literal(sub) => out.push(p.ident.clone()),
            Some((_, sub)) => bound_to_literals(sub, out),
            None => {}
        },
        Pat::Or(o) => o.cases.iter().for_each(|c| bound_to_literals(c, out)),
        Pat::Paren(p) => bound_to_literals(&p.pat, out),
        Pat::Reference(r) => bound_to_literals(&r.pat, out),
        Pat::Slice(sl) => sl.elems.iter().for_each(|e| bound_to_literals(e, out)),
        Pat::Tuple(t) => t.elems.iter().for_each(|e| bound_to_literals(e, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|e| bound_to_literals(e, out)),
        Pat::Struct(st) => st
            .fields
            .iter()
            .for_each(|f| bound_to_literals(&f.pat, out)),
        Pat::Type(t) => bound_to_literals(&t.pat, out),
        _ => {}
    }
}

/// The local at the root of a place expression: `x`, `x.f`, `x[i]`, `(*x).f`.
fn place_root(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(_) => mentions::plain_ident(expr).map(|i| i.to_string()),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_root(&u.expr),
        syn::Expr::Field(f) => place_root(&f.base),
        syn::Expr::Index(i) => place_root(&i.expr),
        syn::Expr::Paren(p) => place_root(&p.expr),
        _ => None,
    }
}

/// A macro statement the analysis handles itself: pinning, declaring items, `stringify!`.
pub fn is_special_statement_macro(mac: &syn::Macro) -> bool {
    pin_macro(mac).is_some() || declares_items(mac) || mentions::is_stringify(mac)
}

/// What `tokio::pin!` takes: locals to pin where they are, or `let`s.
enum PinInput {
    Names(Vec<Ident>),
    Lets(Vec<syn::Local>),
}

fn pin_input(input: syn::parse::ParseStream) -> Result<PinInput> {
    if input.peek(syn::Token![let]) {
        let mut lets = Vec::new();
        while !input.is_empty() {
            match input.parse::<syn::Stmt>()? {
                syn::Stmt::Local(local) => lets.push(local),
                other => return Err(Error::new(other.span(), "expected `let`")),
            }
        }
        return Ok(PinInput::Lets(lets));
    }
    let names = syn::punctuated::Punctuated::<Ident, syn::Token![,]>::parse_terminated(input)?;
    Ok(PinInput::Names(names.into_iter().collect()))
}

/// The pinning macros, by name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PinMacro {
    /// `tokio::pin!(x);` / `futures::pin_mut!(x);`: pins locals in place, shadowing them.
    Stmt,
    /// `std::pin::pin!(value)`: an expression.
    Expr,
}

fn pin_macro(mac: &syn::Macro) -> Option<PinMacro> {
    let segments = mentions::path_segments(&mac.path);
    match segments
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        // (futures-util and pin-utils define `pin_mut!`, futures re-exports it.)
        ["tokio", "pin"]
        | ["futures" | "futures_util" | "pin_utils", "pin_mut"]
        | ["futures", "pin", "pin_mut"]
        | ["pin_mut"] => Some(PinMacro::Stmt),
        ["pin"] | ["std" | "core", "pin", "pin"] => Some(PinMacro::Expr),
        _ => None,
    }
}

/// Whether a macro statement is taken to declare items: its input parses as items that declare
/// something (`pin_project! { struct .. }`, `thread_local! { static .. }`). What a macro expands
/// to cannot be known here; one that declares items must be hoisted with the body's items, or the
/// items would be visible only in the state where the statement lands. A guess, said so.
fn declares_items(mac: &syn::Macro) -> bool {
    let items = |input: syn::parse::ParseStream| {
        let mut any = false;
        while !input.is_empty() {
            match input.parse::<syn::Item>()? {
                // A macro call or something syn does not know: may be a statement.
                syn::Item::Macro(m) if m.ident.is_none() => return Ok(false),
                syn::Item::Verbatim(_) => return Ok(false),
                _ => any = true,
            }
        }
        Ok(any)
    };
    mac.parse_body_with(items).unwrap_or(false)
}

/// A pattern whose bindings all bind by value (no `ref`, no `x @ ..`, no `|`): after the
/// `let`, each binding can move into a slot of its own.
fn by_value_bindings(pat: &Pat) -> bool {
    match pat {
        // (`n @ 3..=9` binds `n` alone; `x @ Some(y)` two places of one value.)
        Pat::Ident(p) => {
            p.by_ref.is_none()
                && p.subpat
                    .as_ref()
                    .is_none_or(|(_, sub)| mentions::bindings(sub).is_empty())
        }
        Pat::Type(t) => by_value_bindings(&t.pat),
        Pat::Paren(p) => by_value_bindings(&p.pat),
        Pat::Reference(r) => by_value_bindings(&r.pat),
        Pat::Tuple(t) => t.elems.iter().all(by_value_bindings),
        Pat::TupleStruct(t) => t.elems.iter().all(by_value_bindings),
        Pat::Slice(s) => s.elems.iter().all(by_value_bindings),
        Pat::Struct(s) => s.fields.iter().all(|f| by_value_bindings(&f.pat)),
        Pat::Wild(_) | Pat::Rest(_) | Pat::Lit(_) | Pat::Path(_) | Pat::Range(_) => true,
        _ => false,
    }
}

/// `x`, `mut x`, `x: T`, `mut x: T`.
fn simple_binding(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(p) => p.subpat.is_none() && p.by_ref.is_none(),
        Pat::Type(t) => simple_binding(&t.pat),
        _ => false,
    }
}

fn unsupported_at(site: suspend::AwaitSite) -> Error {
    match site {
        suspend::AwaitSite::Await(span) => Error::new(
            span,
            "desugar cannot lower an `.await` here yet (an `unsafe` block, or the target of a \
             compound assignment, `+=`, whose value is not a literal or a path: rustc evaluates \
             the value first); bind the awaited value with `let` first",
        ),
        suspend::AwaitSite::Lazy(span) => Error::new(
            span,
            "desugar cannot lift an `.await` out of this macro: its arguments are evaluated only \
             sometimes (when the log level is enabled, when the assertion fails), and lifting \
             the `.await` would run it always; bind the awaited value with `let` before the \
             macro, or await inside an `if`",
        ),
    }
}

/// The temporary a `let x = &PLACE` borrows and rustc extends to the end of the block: `PLACE`
/// itself if it is a value made on the spot (`&make()`, `&mut 0`), or the value its fields and
/// indexes are taken of, or that is dereferenced (`&make().field`, `&lock().await.items[0]`,
/// `&*lock().await`).
fn extended_temporary(place: &syn::Expr, mutable: bool) -> Option<&syn::Expr> {
    match place {
        // (`&*guard().await`: what the value derefs to is borrowed, the value is extended.)
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            extended_temporary(&u.expr, mutable)
        }
        syn::Expr::Field(f) => extended_temporary(&f.base, mutable),
        syn::Expr::Index(i) => extended_temporary(&i.expr, mutable),
        syn::Expr::Paren(p) => extended_temporary(&p.expr, mutable),
        // (`&0` is promoted to a constant, `&mut 0` is not.)
        syn::Expr::Lit(_) if mutable => Some(place),
        _ if explode::is_temporary(place) => Some(place),
        _ => None,
    }
}

/// Gives `slots` their slots, in that order, and computes what depends on them.
fn assign_slots(a: &mut Analysis, slots: &[LocalId]) {
    for local in &mut a.locals {
        local.slot = None;
    }
    for (n, &id) in slots.iter().enumerate() {
        a.locals[id].slot = Some(n);
    }
    a.slots = slots.to_vec();
    a.layout = cfg::layouts(a);
    a.last_moves = cfg::last_moves(a);
    a.point_moves = cfg::point_moves(a);
    a.refilled = cfg::refilled(a);
}

/// `place` with its temporary (`extended_temporary`) replaced by the local `hidden`.
fn replace_temporary(place: &mut syn::Expr, hidden: &Ident) {
    match place {
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            replace_temporary(&mut u.expr, hidden)
        }
        syn::Expr::Field(f) => replace_temporary(&mut f.base, hidden),
        syn::Expr::Index(i) => replace_temporary(&mut i.expr, hidden),
        syn::Expr::Paren(p) => replace_temporary(&mut p.expr, hidden),
        other => *other = syn::parse_quote!(#hidden),
    }
}

/// A `let` whose value's unbound parts (or all of it, where a `let ... else` does not match)
/// are dropped at the end of the statement, before the temporaries its initializer lifted,
/// as the `match` that keeps that order (a lifted initializer is a block, whose locals would
/// drop before the value):
///
/// Input:  `let (Some(x), _) = (a, lock().await.get()) else { return };`
/// Output: `let Some(x) = match (a, lock().await.get()) { (Some(x), _) => Some(x), _ => None }`
///              `else { return };`
///
/// Only where something is lifted (or the `else` block awaits and the value is built from a
/// borrowed temporary), the value is not a place, and the bindings take it by value.
fn drops_part_as_match(local: &syn::Local) -> Option<syn::Local> {
    let init = local.init.as_ref()?;
    let mut expr = &*init.expr;
    while let syn::Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    // (An `else` block that awaits makes the `let` a `match` anyway: see `let_else_as_match`.)
    let else_awaits = init
        .diverge
        .as_ref()
        .is_some_and(|(_, d)| suspend::first_await(&**d).is_some());
    let tail_valued = matches!(
        expr,
        syn::Expr::Match(_) | syn::Expr::If(_) | syn::Expr::Block(_) | syn::Expr::Loop(_)
    );
    if place_root(expr).is_some()
        || tail_valued
        || !by_value_bindings(&local.pat)
        || (init.diverge.is_none() && mentions::moves_whole(&local.pat))
        || !(explode::lifts_pieces(expr) || (else_awaits && explode::has_borrowed_temporary(expr)))
    {
        return None;
    }
    let (pat, ty) = match &local.pat {
        Pat::Type(t) => (&*t.pat, Some(&t.ty)),
        pat => (pat, None),
    };
    let (inner, value, outer) = bound_by_value(pat);
    let span = local.span();
    let scrutinee: syn::Expr = match ty {
        Some(ty) => syn::parse_quote_spanned!(span=> ::core::convert::identity::<#ty>(#expr)),
        // `match Pair { .. }.a {}` does not parse: a struct literal there needs parentheses.
        None if syn::parse2::<syn::ExprMatch>(quote::quote!(match #expr {})).is_err() => {
            syn::parse_quote_spanned!(span=> (#expr))
        }
        None => expr.clone(),
    };
    let (matched, pat, diverge): (syn::Expr, Pat, _) = match &init.diverge {
        Some(diverge) => (
            syn::parse_quote_spanned!(span=> match #scrutinee {
                #inner => ::core::option::Option::Some(#value),
                _ => ::core::option::Option::None,
            }),
            syn::parse_quote!(::core::option::Option::Some(#outer)),
            Some(diverge.clone()),
        ),
        None => (
            syn::parse_quote_spanned!(span=> match #scrutinee { #inner => #value }),
            outer,
            None,
        ),
    };
    Some(syn::Local {
        attrs: local.attrs.clone(),
        let_token: local.let_token,
        pat,
        init: Some(syn::LocalInit {
            eq_token: init.eq_token,
            expr: Box::new(matched),
            diverge,
        }),
        semi_token: local.semi_token,
    })
}

/// What a pattern binds, brought out of a `match` by value: the arm's pattern (without `mut`),
/// the arm's value (the bindings, as a tuple if there are several) and the pattern that binds
/// them again (with their `mut`).
fn bound_by_value(pat: &Pat) -> (Pat, syn::Expr, Pat) {
    let bindings = mentions::bindings(pat);
    let mut inner = pat.clone();
    strip_mut(&mut inner);
    let names = bindings.iter().map(|(i, _)| i);
    let outer = bindings.iter().map(|(i, m)| {
        if *m {
            quote::quote!(mut #i)
        } else {
            quote::quote!(#i)
        }
    });
    if bindings.len() == 1 {
        (
            inner,
            syn::parse_quote!(#(#names)*),
            syn::parse_quote!(#(#outer)*),
        )
    } else {
        (
            inner,
            syn::parse_quote!((#(#names),*)),
            syn::parse_quote!((#(#outer),*)),
        )
    }
}

/// `let PAT = INIT else { ELSE };` whose `else` block awaits, as the `match` it means, so that
/// the `else` block is an arm like any other:
///
/// Input:  `let Some(mut x) = make() else { t.log().await; return };`
/// Output: `let mut x = { let __else = make(); match __else {`
///              `Some(x) => x, _ => { drop(__else); { t.log().await; return } } } };`
///
/// As in rustc's `let ... else`, `INIT`'s temporaries and its value are dropped before `ELSE`
/// runs; a place (`let Some(x) = opt else ..`) is matched where it is, and stays if it does not
/// match.
fn let_else_as_match(local: &syn::Local) -> syn::Local {
    let init = local.init.as_ref().expect("a let ... else");
    let (_, diverge) = init.diverge.as_ref().expect("a let ... else");
    let (pat, ty) = match &local.pat {
        Pat::Type(t) => (&*t.pat, Some(&t.ty)),
        pat => (pat, None),
    };
    // The bindings come out of the `match` by value; `mut` goes on the outer `let`.
    let (inner, value, outer) = bound_by_value(pat);
    // `let P = (init) else`: the parentheses a `let ... else` needs are not needed here.
    let mut expr = &*init.expr;
    while let syn::Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    let span = local.span();
    let matched: syn::Expr = if place_root(expr).is_some() && ty.is_none() {
        syn::parse_quote_spanned!(span=> match #expr { #inner => #value, _ => #diverge })
    } else {
        let scrutinee = Ident::new("__else", Span::mixed_site());
        let ty = ty.map(|t| quote::quote!(: #t));
        syn::parse_quote_spanned!(span=> {
            let #scrutinee #ty = #expr;
            match #scrutinee {
                #inner => #value,
                _ => {
                    #[allow(clippy::drop_non_drop, dropping_copy_types, dropping_references)]
                    ::core::mem::drop(#scrutinee);
                    #diverge
                }
            }
        })
    };
    syn::Local {
        attrs: local.attrs.clone(),
        let_token: local.let_token,
        pat: outer,
        init: Some(syn::LocalInit {
            eq_token: init.eq_token,
            expr: Box::new(matched),
            diverge: None,
        }),
        semi_token: local.semi_token,
    }
}

/// `mut x` -> `x` in a pattern (by-value bindings only).
fn strip_mut(pat: &mut Pat) {
    struct Strip;
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if p.by_ref.is_none() {
                p.mutability = None;
            }
            syn::visit_mut::visit_pat_ident_mut(self, p);
        }
    }
    syn::visit_mut::VisitMut::visit_pat_mut(&mut Strip, pat);
}

/// `let x: [T; N] = ..`, `let x = [v; N]` or `let x = [a, b, ..]`.
fn is_array(local: &syn::Local) -> bool {
    let typed = matches!(&local.pat, Pat::Type(t) if matches!(&*t.ty, syn::Type::Array(_)));
    let literal = local
        .init
        .as_ref()
        .is_some_and(|i| matches!(&*i.expr, syn::Expr::Repeat(_) | syn::Expr::Array(_)));
    typed || literal
}

/// A statement that returns, breaks, continues or panics on every path: no path meets after
/// it, so it gets no join. (A `loop` without a `break` is not seen: its join is only unused.)
fn never_completes(stmt: &Stmt) -> bool {
    fn block(b: &Block) -> bool {
        b.stmts.iter().any(never_completes) || b.tail.as_deref().is_some_and(expr)
    }
    fn expr(e: &Expr) -> bool {
        match e {
            Expr::Plain(e, _) => crate::syntax::is_jump(e),
            Expr::Return(_) => true,
            Expr::Block(b) => b.label.is_none() && block(b),
            Expr::If {
                then, otherwise, ..
            } => block(then) && otherwise.as_deref().is_some_and(expr),
            Expr::Match { arms, .. } => !arms.is_empty() && arms.iter().all(|a| expr(&a.body)),
            Expr::Loop {
                label,
                cond: None,
                body,
            } => {
                let label = label.as_ref().map(|l| l.name.ident.to_string());
                !breaks_to(body, label.as_deref(), 0)
            }
            Expr::Await(_) | Expr::Loop { .. } => false,
        }
    }
    match stmt {
        Stmt::Plain { stmt, .. } => match stmt {
            syn::Stmt::Expr(e, _) => crate::syntax::is_jump(e),
            syn::Stmt::Macro(m) => crate::syntax::is_panic(&m.mac),
            _ => false,
        },
        Stmt::Let { .. } => false,
        Stmt::Expr { expr: e, .. } => expr(e),
    }
}

/// Whether a `break` in `b`, inside `depth` loops of its own, leaves the loop labeled `label`.
fn breaks_to(b: &Block, label: Option<&str>, depth: usize) -> bool {
    b.stmts.iter().any(|stmt| match stmt {
        Stmt::Plain { stmt, .. } => syntax_breaks_to(|j| j.visit_stmt(stmt), label, depth),
        Stmt::Let { local, .. } => syntax_breaks_to(|j| j.visit_local(local), label, depth),
        Stmt::Expr { expr, .. } => expr_breaks_to(expr, label, depth),
    }) || b
        .tail
        .as_deref()
        .is_some_and(|e| expr_breaks_to(e, label, depth))
}

fn expr_breaks_to(e: &Expr, label: Option<&str>, depth: usize) -> bool {
    let syntax = |e: &syn::Expr| syntax_breaks_to(|j| j.visit_expr(e), label, depth);
    match e {
        Expr::Plain(e, _) => syntax(e),
        Expr::Await(_) | Expr::Return(None) => false,
        Expr::Return(Some(v)) => expr_breaks_to(v, label, depth),
        Expr::Block(b) => breaks_to(b, label, depth),
        Expr::If {
            cond,
            then,
            otherwise,
            ..
        } => {
            syntax(cond)
                || breaks_to(then, label, depth)
                || otherwise
                    .as_deref()
                    .is_some_and(|o| expr_breaks_to(o, label, depth))
        }
        Expr::Match {
            scrutinee, arms, ..
        } => {
            syntax(scrutinee)
                || arms.iter().any(|a| {
                    a.guard.as_ref().is_some_and(|(g, _)| syntax(g))
                        || expr_breaks_to(&a.body, label, depth)
                })
        }
        Expr::Loop { cond, body, .. } => {
            cond.as_ref().is_some_and(|(c, _)| syntax(c)) || breaks_to(body, label, depth + 1)
        }
    }
}

fn syntax_breaks_to(
    visit: impl FnOnce(&mut cfg::Jumps),
    label: Option<&str>,
    depth: usize,
) -> bool {
    let mut jumps = cfg::Jumps::default();
    visit(&mut jumps);
    jumps.found.iter().any(|(to, is_continue)| {
        !is_continue
            && match to {
                None => depth == 0,
                Some(to) => Some(to.as_str()) == label,
            }
    })
}

/// The kind of the first `if`, `match` or loop in a statement that has an `.await` inside.
fn branching(stmt: &Stmt) -> Option<&'static str> {
    fn block(b: &Block) -> Option<&'static str> {
        b.stmts
            .iter()
            .find_map(branching)
            .or_else(|| b.tail.as_deref().and_then(expr))
    }
    fn expr(e: &Expr) -> Option<&'static str> {
        match e {
            Expr::If { .. } if contains_point(e) => Some("if"),
            Expr::Match { .. } if contains_point(e) => Some("match"),
            Expr::Loop { .. } if contains_point(e) => Some("loop"),
            Expr::Block(b) => block(b),
            _ => None,
        }
    }
    match stmt {
        Stmt::Plain { .. } => None,
        Stmt::Let { init, .. } => expr(init),
        Stmt::Expr { expr: e, .. } => expr(e),
    }
}

/// Whether an expression of the tree has an `.await` inside.
fn contains_point(e: &Expr) -> bool {
    fn block(b: &Block) -> bool {
        b.stmts.iter().any(|s| match s {
            Stmt::Plain { .. } => false,
            Stmt::Let { init, .. } => contains_point(init),
            Stmt::Expr { expr, .. } => contains_point(expr),
        }) || b.tail.as_deref().is_some_and(contains_point)
    }
    match e {
        Expr::Plain(..) | Expr::Return(None) => false,
        Expr::Await(_) => true,
        Expr::Block(b) | Expr::Loop { body: b, .. } => block(b),
        Expr::If {
            then, otherwise, ..
        } => block(then) || otherwise.as_deref().is_some_and(contains_point),
        Expr::Match { arms, .. } => arms.iter().any(|a| contains_point(&a.body)),
        Expr::Return(Some(v)) => contains_point(v),
    }
}

/// Whether `ty` is a type whose values are `Copy` whatever the crate defines: the primitive
/// numbers, `bool`, `char`, `()`, shared references, raw pointers, and tuples and arrays of them.
fn is_mut_reference(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_some())
}

/// `IntoIterator::into_iter(RANGE)`, a `for` loop's iterator, over a range with a literal
/// bound (`0..n`, `(1..=n).rev()`): its items are integers or `char`s.
fn into_literal_range(init: &syn::Expr) -> bool {
    fn literal(bound: &syn::Expr) -> bool {
        match bound {
            syn::Expr::Lit(_) => true,
            syn::Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && literal(&u.expr),
            _ => false,
        }
    }
    fn literals(value: &syn::Expr) -> bool {
        match value {
            syn::Expr::Tuple(t) => t.elems.iter().all(literals),
            value => literal(value),
        }
    }
    fn range(expr: &syn::Expr) -> bool {
        match expr {
            syn::Expr::Range(r) => [&r.start, &r.end]
                .into_iter()
                .any(|b| b.as_deref().is_some_and(literal)),
            syn::Expr::Paren(p) => range(&p.expr),
            syn::Expr::MethodCall(m) => {
                matches!(
                    m.method.to_string().as_str(),
                    "rev" | "step_by" | "skip" | "take"
                ) && range(&m.receiver)
            }
            // (`for n in [1u32, 2]`, `for (name, n) in [("a", 1), ..]`: an array of literals,
            // and tuples of them, by value.)
            syn::Expr::Array(a) => !a.elems.is_empty() && a.elems.iter().all(literals),
            _ => false,
        }
    }
    match init {
        syn::Expr::Call(c) if c.args.len() == 1 => {
            matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "into_iter"))
                && range(&c.args[0])
        }
        _ => false,
    }
}

/// `match Iterator::next(&mut it) { .. }`, a `for` loop's next item: `it`.
fn next_of(init: &syn::Expr) -> Option<&Ident> {
    let syn::Expr::Match(m) = init else {
        return None;
    };
    let syn::Expr::Call(c) = &*m.expr else {
        return None;
    };
    let is_next = matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "next"));
    match c.args.first() {
        Some(syn::Expr::Reference(r)) if is_next && c.args.len() == 1 => {
            mentions::plain_ident(&r.expr)
        }
        _ => None,
    }
}

/// The primitive types, which are `Copy`.
pub(crate) fn primitive(name: &str) -> bool {
    matches!(
        name,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "f32"
            | "f64"
            | "bool"
            | "char"
    )
}

fn copy_type(ty: &Type) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let primitive = p
                .path
                .get_ident()
                .is_some_and(|i| primitive(&i.to_string()));
            // The standard library's `Copy` types that async code passes around by value, by
            // the last segment of their path (`std::time::Duration` or `Duration`).
            // (`Option<u32>`: an `Option` of a `Copy` type is one.)
            let option = p.path.segments.last().is_some_and(|s| {
                s.ident == "Option"
                    && matches!(&s.arguments, syn::PathArguments::AngleBracketed(a)
                        if matches!(&Vec::from_iter(&a.args)[..],
                            [syn::GenericArgument::Type(inner)] if copy_type(inner)))
            });
            primitive
                || option
                || p.path.segments.last().is_some_and(|s| {
                    s.arguments.is_none()
                        && matches!(
                            s.ident.to_string().as_str(),
                            "Duration"
                                | "Instant"
                                | "SystemTime"
                                | "SocketAddr"
                                | "SocketAddrV4"
                                | "SocketAddrV6"
                                | "IpAddr"
                                | "Ipv4Addr"
                                | "Ipv6Addr"
                        )
                })
        }
        Type::Reference(r) => r.mutability.is_none(),
        Type::Ptr(_) | Type::Never(_) => true,
        Type::Tuple(t) => t.elems.iter().all(copy_type),
        Type::Array(a) => copy_type(&a.elem),
        Type::Paren(p) => copy_type(&p.elem),
        Type::Group(g) => copy_type(&g.elem),
        _ => false,
    }
}

/// The fields a struct or tuple literal gives a value whose type is `Copy` as the syntax shows: a
/// literal or a shared reference.
fn copy_fields(init: &syn::Expr) -> Vec<String> {
    let copy = |value: &syn::Expr| {
        let value = match value {
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => &*u.expr,
            value => value,
        };
        match value {
            // (A string literal is a `&'static str`, shared too.)
            syn::Expr::Lit(_) => true,
            syn::Expr::Reference(r) => r.mutability.is_none(),
            _ => false,
        }
    };
    match init {
        syn::Expr::Struct(s) => s
            .fields
            .iter()
            .filter(|f| copy(&f.expr))
            .map(|f| quote::ToTokens::to_token_stream(&f.member).to_string())
            .collect(),
        syn::Expr::Tuple(t) => (t.elems.iter().enumerate())
            .filter(|(_, value)| copy(value))
            .map(|(i, _)| i.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// `Cursor::new(&buf[..])`, `str::from_utf8(&bytes)`: std's types without drop glue of their
/// own, made of references only: dropping one does nothing (and rustc lets the borrowed local
/// change while it is still in scope, unused).
fn holds_references_only(call: &syn::ExprCall) -> bool {
    let syn::Expr::Path(p) = &*call.func else {
        return false;
    };
    let path = mentions::path_segments(&p.path);
    let known = path.ends_with(&["Cursor".into(), "new".into()])
        || path.ends_with(&["str".into(), "from_utf8".into()]);
    known
        && call
            .args
            .iter()
            .all(|a| matches!(a, syn::Expr::Reference(_)))
}
