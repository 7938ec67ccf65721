//! Analysis: turns the function body into a straight sequence of [`Step`]s (statements, nested
//! block boundaries and suspension points), records which locals each step mentions and how, and
//! computes for every suspension point which locals it must keep ([`liveness`]).
//!
//! Receives the checked [`AsyncFn`]; returns an [`Analysis`] that the lowering reads. Never
//! mutates the user's syntax tree: statements are cloned into steps unchanged.

pub mod liveness;
pub mod mentions;
pub mod suspend;

use crate::parse::AsyncFn;
use mentions::{Mention, Use};
use proc_macro2::Span;
use quote::format_ident;
use syn::spanned::Spanned;
use syn::{Error, Expr, FnArg, Ident, Pat, Result, Stmt, Type};

pub type LocalId = usize;
pub type PointId = usize;
pub type BlockId = usize;

/// A binding that the function body declares at a level the state machine tracks: a parameter,
/// or a `let` of the body or of a nested block that contains an `.await`.
pub struct Local {
    pub ident: Ident,
    pub mutable: bool,
    /// Declared with a reference type (`&T`, `&self`): moving it out only copies the reference.
    pub is_reference: bool,
    /// Declared without a value (`let x;`).
    pub uninit: bool,
    pub block: BlockId,
    pub depth: usize,
    /// The step that declares it (0 for parameters).
    pub decl_step: usize,
}

/// One piece of the body, in execution order.
#[allow(clippy::large_enum_variant)] // a handful per function, built once
pub enum Step {
    /// The parameters come into scope.
    Args,
    /// A statement without `.await`, kept as written.
    Stmt(Stmt),
    /// The body's (or a nested block's) last expression, without `.await`. `result`: its value
    /// is the function's return value.
    Tail { expr: Expr, result: bool },
    /// A nested block `{ .. }` that contains a suspension point opens ...
    Open,
    /// ... and closes.
    Close,
    /// A suspension point.
    Await(PointId),
}

/// What happens to the awaited value.
#[allow(clippy::large_enum_variant)] // one per suspension point, built once
pub enum AwaitKind {
    /// `let PAT = operand.await;` (the `init` of `local` is replaced by the value).
    Let(syn::Local),
    /// `operand.await;`
    Discard,
    /// The last expression of a block; `result`: of the function body.
    Tail { result: bool },
    /// `return operand.await;`
    Return,
}

/// A `.await`: rustc's `SuspensionPoint`.
pub struct Point {
    pub operand: Expr,
    pub question: bool,
    pub kind: AwaitKind,
    pub step: usize,
    pub depth: usize,
    /// The awaited expression as written, on one line.
    pub source: String,
    pub line: usize,
    pub column: usize,
    pub span: Span,
    /// Mentions in code that runs after the point but belongs to it (a `let ... else` block).
    pub resume_mentions: Vec<Resolved>,
}

/// A mention resolved to the local it names.
#[derive(Clone)]
pub struct Resolved {
    pub local: LocalId,
    pub kind: Use,
    pub span: Span,
}

pub struct Analysis {
    pub locals: Vec<Local>,
    pub steps: Vec<Step>,
    pub points: Vec<Point>,
    /// Per step: the tracked locals its code mentions, in evaluation order.
    pub mentions: Vec<Vec<Resolved>>,
    /// Per step: the blocks open while it runs, outermost first.
    pub open: Vec<Vec<BlockId>>,
    /// Per step: the locals it declares.
    pub declares: Vec<Vec<LocalId>>,
    /// The step closing each block (`steps.len()` for the body).
    pub block_end: Vec<usize>,
    /// Items and `use` declarations of the body: visible everywhere, hoisted.
    pub items: Vec<Stmt>,
    /// Parameters bound by a pattern: `(hidden name, pattern)`.
    pub layout: Vec<liveness::Layout>,
}

pub fn analyze(f: &AsyncFn) -> Result<Analysis> {
    let mut b = Builder {
        a: Analysis {
            locals: Vec::new(),
            steps: Vec::new(),
            points: Vec::new(),
            mentions: Vec::new(),
            open: Vec::new(),
            declares: Vec::new(),
            block_end: vec![0],
            items: Vec::new(),
            layout: Vec::new(),
        },
        scopes: vec![Vec::new()],
        blocks: vec![0],
    };
    b.params(f)?;
    b.block(&f.block.stmts, true)?;
    b.a.block_end[0] = b.a.steps.len();
    b.a.layout = liveness::layouts(&b.a);
    Ok(b.a)
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

struct Builder {
    a: Analysis,
    /// Names in scope per open block, innermost last.
    scopes: Vec<Vec<(String, LocalId)>>,
    blocks: Vec<BlockId>,
}

impl Builder {
    fn push_step(&mut self, step: Step, mentions: Vec<Mention>) -> usize {
        let resolved = self.resolve(mentions);
        self.a.steps.push(step);
        self.a.mentions.push(resolved);
        self.a.open.push(self.blocks.clone());
        self.a.declares.push(Vec::new());
        self.a.steps.len() - 1
    }

    fn resolve(&self, mentions: Vec<Mention>) -> Vec<Resolved> {
        mentions
            .into_iter()
            .filter_map(|m| {
                self.lookup(&m.name).map(|local| Resolved {
                    local,
                    kind: m.kind,
                    span: m.span,
                })
            })
            .collect()
    }

    fn lookup(&self, name: &str) -> Option<LocalId> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|&(_, id)| id)
    }

    fn declare(
        &mut self,
        step: usize,
        ident: Ident,
        mutable: bool,
        is_reference: bool,
        uninit: bool,
    ) {
        let id = self.a.locals.len();
        self.a.locals.push(Local {
            ident: ident.clone(),
            mutable,
            is_reference,
            uninit,
            block: *self.blocks.last().unwrap_or(&0),
            depth: self.blocks.len() - 1,
            decl_step: step,
        });
        self.a.declares[step].push(id);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((ident.to_string(), id));
        }
    }

    fn declare_pat(&mut self, step: usize, pat: &Pat, uninit: bool) {
        let is_reference = matches!(pat, Pat::Type(t) if matches!(*t.ty, Type::Reference(_)));
        for (ident, mutable) in mentions::bindings(pat) {
            self.declare(step, ident, mutable, is_reference, uninit);
        }
    }

    /// Parameters: plain `name: T` bindings are locals of the body. When some parameter is a
    /// pattern, every parameter is moved into the body by a statement of its own, in order, and
    /// patterns are destructured there, as rustc does: that fixes the order they drop in.
    fn params(&mut self, f: &AsyncFn) -> Result<()> {
        let step = self.push_step(Step::Args, Vec::new());
        let hidden = hidden_params(&f.sig);
        let mut moves = Vec::new();
        for (index, input) in f.sig.inputs.iter().enumerate() {
            match input {
                FnArg::Receiver(r) => {
                    let is_reference =
                        r.reference.is_some() || matches!(&*r.ty, Type::Reference(_));
                    let ident = Ident::new("self", r.self_token.span);
                    let mutable = r.reference.is_none() && r.mutability.is_some();
                    self.declare(step, ident, mutable, is_reference, false);
                }
                FnArg::Typed(t) if !hidden => {
                    let is_reference = matches!(&*t.ty, Type::Reference(_));
                    if let Pat::Ident(p) = &*t.pat {
                        let mutable = p.mutability.is_some();
                        self.declare(step, p.ident.clone(), mutable, is_reference, false);
                    }
                }
                FnArg::Typed(t) => {
                    let is_reference = matches!(&*t.ty, Type::Reference(_));
                    let arg = arg_ident(index);
                    self.declare(step, arg.clone(), false, is_reference, false);
                    moves.push((arg, (*t.pat).clone(), is_reference));
                }
            }
        }
        for (arg, pat, is_reference) in moves {
            let simple = matches!(&pat, Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none());
            let mut stmts: Vec<Stmt> = Vec::new();
            if !simple {
                stmts.push(syn::parse_quote_spanned!(pat.span()=> let #arg = #arg;));
            }
            stmts.push(syn::parse_quote_spanned!(pat.span()=> let #pat = #arg;));
            for stmt in stmts {
                let Stmt::Local(local) = &stmt else {
                    unreachable!("parse_quote of a let")
                };
                let init: Expr = syn::parse_quote!(#arg);
                let mentions = mentions::in_let_init(&local.pat, &init);
                let pat = local.pat.clone();
                let step = self.push_step(Step::Stmt(stmt), mentions);
                let is_reference = is_reference && matches!(&pat, Pat::Ident(_));
                for (ident, mutable) in mentions::bindings(&pat) {
                    self.declare(step, ident, mutable, is_reference, false);
                }
            }
        }
        Ok(())
    }

    fn block(&mut self, stmts: &[Stmt], result: bool) -> Result<()> {
        for (i, stmt) in stmts.iter().enumerate() {
            let last = i + 1 == stmts.len();
            self.stmt(stmt, last, result)?;
        }
        Ok(())
    }

    fn stmt(&mut self, stmt: &Stmt, last: bool, result: bool) -> Result<()> {
        match stmt {
            Stmt::Item(_) => {
                self.a.items.push(stmt.clone());
                Ok(())
            }
            Stmt::Local(local) => {
                if let Some(init) = &local.init {
                    if let Some(awaited) = suspend::awaited(&init.expr) {
                        if let Some((_, diverge)) = &init.diverge {
                            unsupported_await(&**diverge)?;
                        }
                        return self.point(&awaited, AwaitKind::Let(local.clone()));
                    }
                }
                unsupported_await(stmt)?;
                let mentions = match &local.init {
                    Some(init) => {
                        let mut m = mentions::in_let_init(&local.pat, &init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            m.extend(mentions::in_expr(diverge));
                        }
                        m
                    }
                    None => Vec::new(),
                };
                let step = self.push_step(Step::Stmt(stmt.clone()), mentions);
                self.declare_pat(step, &local.pat, local.init.is_none());
                Ok(())
            }
            Stmt::Expr(expr, semi) => {
                let is_tail = last && semi.is_none();
                if let Some(awaited) = suspend::awaited(expr) {
                    let kind = if is_tail {
                        AwaitKind::Tail { result }
                    } else {
                        AwaitKind::Discard
                    };
                    return self.point(&awaited, kind);
                }
                if let Expr::Return(ret) = expr {
                    if let Some(awaited) = ret.expr.as_deref().and_then(suspend::awaited) {
                        return self.point(&awaited, AwaitKind::Return);
                    }
                }
                if let Expr::Block(block) = expr {
                    if block.label.is_none()
                        && block.attrs.is_empty()
                        && suspend::first_await(&block.block).is_some()
                    {
                        return self.nested(&block.block.stmts, result && is_tail);
                    }
                }
                unsupported_await(stmt)?;
                let mentions = mentions::in_stmt(stmt);
                if is_tail {
                    self.push_step(
                        Step::Tail {
                            expr: expr.clone(),
                            result,
                        },
                        mentions,
                    );
                } else {
                    self.push_step(Step::Stmt(stmt.clone()), mentions);
                }
                Ok(())
            }
            Stmt::Macro(_) => {
                unsupported_await(stmt)?;
                let mentions = mentions::in_stmt(stmt);
                self.push_step(Step::Stmt(stmt.clone()), mentions);
                Ok(())
            }
        }
    }

    fn nested(&mut self, stmts: &[Stmt], result: bool) -> Result<()> {
        let id = self.a.block_end.len();
        self.a.block_end.push(0);
        self.push_step(Step::Open, Vec::new());
        self.blocks.push(id);
        self.scopes.push(Vec::new());
        self.block(stmts, result)?;
        self.scopes.pop();
        self.blocks.pop();
        let close = self.push_step(Step::Close, Vec::new());
        self.a.block_end[id] = close;
        Ok(())
    }

    fn point(&mut self, awaited: &suspend::Awaited<'_>, kind: AwaitKind) -> Result<()> {
        if let Some(site) = suspend::first_await(awaited.operand) {
            return Err(Error::new(
                site.span(),
                "desugar does not support an `.await` inside an awaited expression yet; bind the \
                 inner result with `let` first",
            ));
        }
        let whole = awaited.whole;
        let start = whole.span().start();
        let source = whole
            .span()
            .source_text()
            .unwrap_or_else(|| quote::ToTokens::to_token_stream(whole).to_string());
        let id = self.a.points.len();
        let mentions = mentions::in_expr(awaited.operand);
        let step = self.push_step(Step::Await(id), mentions);
        let mut point = Point {
            operand: awaited.operand.clone(),
            question: awaited.question,
            kind,
            step,
            depth: self.blocks.len() - 1,
            source: source.split_whitespace().collect::<Vec<_>>().join(" "),
            line: start.line,
            column: start.column + 1,
            span: whole.span(),
            resume_mentions: Vec::new(),
        };
        if let AwaitKind::Let(local) = &point.kind {
            if let Some((_, diverge)) = local.init.as_ref().and_then(|i| i.diverge.as_ref()) {
                point.resume_mentions = self.resolve(mentions::in_expr(diverge));
            }
            let pat = local.pat.clone();
            self.a.points.push(point);
            self.declare_pat(step, &pat, false);
        } else {
            self.a.points.push(point);
        }
        Ok(())
    }
}

/// An `.await` that is not in a supported position is a spanned error.
fn unsupported_await<'a, N: suspend::VisitNode<'a> + ?Sized>(node: &'a N) -> Result<()> {
    match suspend::first_await(node) {
        None => Ok(()),
        Some(suspend::AwaitSite::Await(span)) => Err(Error::new(
            span,
            "desugar supports `.await` in statement position for now: `let x = fut.await;`, \
             `fut.await;`, `return fut.await;`, the last expression of the body (each optionally \
             with `?`), also inside plain nested blocks",
        )),
        Some(suspend::AwaitSite::Macro(span)) => Err(Error::new(
            span,
            "desugar cannot see inside this macro, and its arguments contain `.await`: bind the \
             awaited value with `let` before the macro",
        )),
    }
}
