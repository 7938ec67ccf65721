//! Lifting: an `.await` nested inside an expression is pulled out into a `let` of its own, and
//! everything the expression evaluates before it is pulled out first, so that side effects keep
//! their order (regenerator's "explode expression"):
//!
//! Input:  `let s = f(g(), a.await + b.await);`
//! Output: `let s = { let __tmp0 = g(); let __tmp1 = a.await; let __tmp2 = b.await;
//!                    f(__tmp0, __tmp1 + __tmp2) };`
//!
//! Only what comes before the last `.await` of an expression is lifted; values that reading
//! later cannot change (literals, paths, references to places, closures) stay in place.
//! `a && b.await` becomes `if a { b.await } else { false }` (short-circuit); `for` and
//! `while` loops whose head awaits become `loop`s.

use super::suspend::{
    self, AwaitingMacro, MacroGrammar, awaited, awaiting_macro, first_await, macro_grammar,
};
use super::{Arm, Block, Builder, Expr, LocalId, Stmt, mentions, unsupported_at};
use crate::syntax;
use proc_macro2::Span;
use quote::{ToTokens, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, Result, Token};

fn has_await(expr: &syn::Expr) -> bool {
    first_await(expr).is_some()
}

/// Whether lowering `expr` lifts pieces out of it (temporaries that outlive its value's
/// construction): it awaits, and is not one `.await` of an operand that needs nothing lifted.
pub(super) fn lifts_pieces(expr: &syn::Expr) -> bool {
    has_await(expr)
        && !awaited(expr)
            .is_some_and(|a| !has_await(a.operand) && !has_borrowed_temporary(a.operand))
}

impl Builder {
    /// Converts an expression that contains a suspension point.
    pub(super) fn flow(&mut self, expr: &syn::Expr) -> Result<Expr> {
        let statement = std::mem::take(&mut self.statement);
        if let Some(a) = awaited(expr) {
            if !has_await(a.operand) && !has_borrowed_temporary(a.operand) {
                return Ok(Expr::Await(self.point(a.operand, a.question, a.whole)));
            }
            return self.exploded(expr, statement);
        }
        match expr {
            syn::Expr::Block(b) if b.attrs.is_empty() => {
                Ok(Expr::Block(self.block(&b.block, b.label.clone(), &[])?))
            }
            // `#[cfg]` was settled before (`configs`): the attributes left are lint levels and
            // the like, which go on the block's statements, as the block is split into states.
            syn::Expr::Block(b) => {
                let mut block = b.block.clone();
                let count = block.stmts.len();
                for (i, stmt) in block.stmts.iter_mut().enumerate() {
                    // Not the block's value: an attribute on an expression is unstable.
                    let value = i + 1 == count && matches!(stmt, syn::Stmt::Expr(_, None));
                    if let Some(attrs) = syntax::stmt_attrs(stmt).filter(|_| !value) {
                        attrs.splice(0..0, b.attrs.iter().cloned());
                    }
                }
                Ok(Expr::Block(self.block(&block, b.label.clone(), &[])?))
            }
            syn::Expr::Paren(p) => self.flow(&p.expr),
            syn::Expr::If(i) => self.if_expr(i),
            syn::Expr::Match(m) => self.match_expr(m),
            syn::Expr::Loop(l) => {
                let body = self.loop_body(&l.body, &[])?;
                Ok(Expr::Loop {
                    label: l.label.clone(),
                    cond: None,
                    body,
                })
            }
            syn::Expr::While(w) => self.while_expr(w),
            syn::Expr::ForLoop(f) => self.for_expr(f),
            syn::Expr::Return(r) => {
                let value = match &r.expr {
                    Some(v) => Some(Box::new(self.flow(v)?)),
                    None => None,
                };
                Ok(Expr::Return(value))
            }
            syn::Expr::Macro(m) => match awaiting_macro(&m.mac) {
                Some(kind) => {
                    let rewritten = super::select::rewrite(m, kind, self.selects)?;
                    self.selects += 1;
                    self.items.extend(rewritten.item);
                    let first = self.points.len();
                    let flow = self.flow(&rewritten.expr)?;
                    let name = quote::ToTokens::to_token_stream(&m.mac.path).to_string();
                    if let Some(point) = self.points.get_mut(first) {
                        let last = m.mac.path.segments.last().map(|s| s.ident.to_string());
                        point.named = last.map(|n| crate::names::camel_case(&n));
                        let name = name.replace(' ', "");
                        point.source = format!("{name}! {{ .. }}");
                        point.note = Some(format!(
                            "`{name}!` expands to an `.await` of its own, which a proc macro \
                             cannot split: it is awaited as an inner `async` block{}",
                            if kind == AwaitingMacro::Select {
                                ", and the winning branch's handler runs after it, in this function"
                            } else {
                                ""
                            }
                        ));
                    }
                    Ok(flow)
                }
                None => self.exploded(expr, statement),
            },
            _ => self.exploded(expr, statement),
        }
    }

    /// `{ prelude; residual }` for an expression whose awaits are lifted.
    fn exploded(&mut self, expr: &syn::Expr, statement: bool) -> Result<Expr> {
        let id = self.open();
        let mut stmts = Vec::new();
        // A statement's temporaries outlive the operands of all its constructs; a block's or
        // an arm's value is one scope with the operands of its outermost construct.
        let operands = Some(usize::from(!statement));
        let outer = std::mem::replace(&mut self.operands, operands);
        let depth = std::mem::take(&mut self.depth);
        let residual = self.explode(expr, &mut stmts);
        self.operands = outer;
        self.depth = depth;
        let residual = match residual {
            Ok(r) => r,
            Err(e) => {
                self.close();
                return Err(e);
            }
        };
        // (As the block's value it needs no parentheses, which would be linted.)
        let residual = unparen(residual);
        let tail = if let Some(a) = awaited(&residual).filter(|a| !has_await(a.operand)) {
            // The lifted pieces end in the await itself: no temporary needed for it.
            Expr::Await(self.point(a.operand, a.question, a.whole))
        } else {
            let uses = self.resolve(mentions::in_expr(&residual));
            Expr::Plain(residual, uses)
        };
        self.close();
        Ok(Expr::Block(Block {
            id,
            label: None,
            bound: Vec::new(),
            stmts,
            tail: Some(Box::new(tail)),
        }))
    }

    /// Lifts the awaits of `expr` into `out`; returns what is left to evaluate.
    fn explode(&mut self, expr: &syn::Expr, out: &mut Vec<Stmt>) -> Result<syn::Expr> {
        if !self.needs_lifting(expr) {
            return Ok(expr.clone());
        }
        if self.lifting_places {
            match expr {
                // A temporary the reference, field or index is taken of, or the method is called
                // on, lives to the end of the construct: it is lifted, the rest stays.
                syn::Expr::Reference(r) if holds_temporary(&r.expr) || unpromoted(r) => {
                    let mut r = r.clone();
                    *r.expr = self.place(&r.expr, out)?;
                    return Ok(syn::Expr::Reference(r));
                }
                // (`!make().ok`, `-x.len()` make values, not places.)
                syn::Expr::Field(_) | syn::Expr::Index(_) if holds_temporary(expr) => {
                    return self.place(expr, out);
                }
                syn::Expr::Unary(u)
                    if matches!(u.op, syn::UnOp::Deref(_)) && holds_temporary(expr) =>
                {
                    return self.place(expr, out);
                }
                syn::Expr::MethodCall(m) if lends_temporary(m) => {
                    let mut m = m.clone();
                    *m.receiver = self.place(&m.receiver, out)?;
                    let args: Vec<&syn::Expr> = m.args.iter().collect();
                    let parts = self.children_vec(&args, out)?;
                    for (arg, new) in m.args.iter_mut().zip(parts) {
                        *arg = new;
                    }
                    return Ok(syn::Expr::MethodCall(m));
                }
                _ => {}
            }
        }
        if let syn::Expr::Reference(r) = expr {
            // (`&make()[..n]`, `&make().f`: a place in the temporary, which is lifted alone.)
            if self.lifting_borrows && is_projection(&r.expr) && is_temporary(&r.expr) {
                let mut r = r.clone();
                *r.expr = self.place(&r.expr, out)?;
                return Ok(syn::Expr::Reference(r));
            }
            if self.lifting_borrows && (is_temporary(&r.expr) || unpromoted(r)) {
                let inner = self.explode(&r.expr, out)?;
                let temp = self.lift(inner, out);
                let mut r = r.clone();
                *r.expr = temp;
                return Ok(syn::Expr::Reference(r));
            }
        }
        if let syn::Expr::MethodCall(m) = expr {
            if self.lifting_borrows && lends_chain_temporary(m) {
                return self.lift_chain(expr, false, out);
            }
        }
        if let Some(a) = awaited(expr) {
            // A temporary the awaited future borrows (`f(&make()).await`) must outlive the
            // future: it becomes a local, kept in place in the state.
            let outer = std::mem::replace(&mut self.lifting_borrows, true);
            let places = std::mem::replace(&mut self.lifting_places, false);
            // (`.await` is a construct too: `f(a, g().await).await` is the scrutinee of a
            // `match`, so `f`'s operands drop before the statement's temporaries.)
            self.depth += 1;
            let operand = self.explode(a.operand, out);
            self.depth -= 1;
            self.lifting_borrows = outer;
            self.lifting_places = places;
            let operand = operand?;
            // Described as the user wrote it, where it is, even if parts were lifted.
            let point = self.point(&operand, a.question, a.whole);
            return Ok(self.bind(Expr::Await(point), out));
        }
        match expr {
            syn::Expr::Match(m) if self.lifts_scrutinee(m) => {
                // A scrutinee's temporaries live to the end of the enclosing statement, not of
                // the `match`: they join the lifted pieces of the expression around it.
                let (arms_suspend, whole) = self.scrutinee_kept(m);
                let (prelude, scrutinee) = self.lift_scrutinee(&m.expr, arms_suspend, whole)?;
                out.extend(prelude);
                let mut rewritten = m.clone();
                *rewritten.expr = scrutinee;
                let flow = self.match_expr(&rewritten)?;
                Ok(self.bind(flow, out))
            }
            syn::Expr::Block(_)
            | syn::Expr::If(_)
            | syn::Expr::Match(_)
            | syn::Expr::Loop(_)
            | syn::Expr::While(_)
            | syn::Expr::ForLoop(_) => {
                let flow = self.flow(expr)?;
                Ok(self.bind(flow, out))
            }
            // The parentheses stay: `(Pair { .. }).n` in a condition needs them.
            syn::Expr::Paren(p) => {
                let inner = self.explode(&p.expr, out)?;
                // (What is left of it may be a lifted piece, `__tmp0`, which needs none.)
                if mentions::is_plain_path(&inner) {
                    return Ok(inner);
                }
                let mut p = p.clone();
                *p.expr = inner;
                Ok(syn::Expr::Paren(p))
            }
            syn::Expr::Group(g) => self.explode(&g.expr, out),
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                let left = syntax::condition(&b.left);
                let right = syntax::tail(&b.right);
                let rewritten: syn::Expr = if matches!(b.op, syn::BinOp::And(_)) {
                    syn::parse_quote_spanned!(b.span()=> if #left { #right } else { false })
                } else {
                    syn::parse_quote_spanned!(b.span()=> if #left { true } else { #right })
                };
                let flow = self.flow(&rewritten)?;
                Ok(self.bind(flow, out))
            }
            syn::Expr::Binary(b) => {
                let mut b = b.clone();
                if is_compound_assignment(&b.op) {
                    if has_await(&b.left) {
                        *b.left = self.awaited_target(&b.left, &b.right, out)?;
                    }
                    *b.right = self.explode(&b.right, out)?;
                } else {
                    let [l, r] = self.children([&*b.left, &*b.right], out)?;
                    (*b.left, *b.right) = (l, r);
                }
                Ok(syn::Expr::Binary(b))
            }
            syn::Expr::Assign(a) => {
                let mut a = a.clone();
                *a.right = self.explode(&a.right, out)?;
                if has_await(&a.left) {
                    // (The value is evaluated first: `slots.lock().await[0] = make()` makes
                    // before it locks.)
                    if !inert(&a.right) {
                        *a.right = self.lift(a.right.as_ref().clone(), out);
                    }
                    *a.left = self.awaited_target(&a.left, &a.right, out)?;
                }
                Ok(syn::Expr::Assign(a))
            }
            syn::Expr::Unary(u) => {
                let mut u = u.clone();
                *u.expr = self.explode(&u.expr, out)?;
                Ok(syn::Expr::Unary(u))
            }
            syn::Expr::Reference(r) => {
                let mut r = r.clone();
                *r.expr = self.explode(&r.expr, out)?;
                Ok(syn::Expr::Reference(r))
            }
            syn::Expr::Cast(c) => {
                let mut c = c.clone();
                *c.expr = self.explode(&c.expr, out)?;
                Ok(syn::Expr::Cast(c))
            }
            syn::Expr::Field(f) => {
                let mut f = f.clone();
                *f.base = self.explode(&f.base, out)?;
                Ok(syn::Expr::Field(f))
            }
            syn::Expr::Try(t) => {
                let mut t = t.clone();
                *t.expr = self.explode(&t.expr, out)?;
                Ok(syn::Expr::Try(t))
            }
            syn::Expr::Index(i) => {
                let mut i = i.clone();
                let [e, idx] = self.children([&*i.expr, &*i.index], out)?;
                self.not_an_operand(&e);
                (*i.expr, *i.index) = (e, idx);
                Ok(syn::Expr::Index(i))
            }
            syn::Expr::MethodCall(orig) => {
                let mut all: Vec<&syn::Expr> = vec![&orig.receiver];
                all.extend(orig.args.iter());
                let parts = self.children_vec(&all, out)?;
                let mut m = orig.clone();
                let mut parts = parts.into_iter();
                *m.receiver = parts.next().expect("the receiver");
                self.not_an_operand(&m.receiver);
                for (arg, new) in m.args.iter_mut().zip(parts) {
                    *arg = new;
                }
                Ok(syn::Expr::MethodCall(m))
            }
            syn::Expr::Call(orig) => {
                let mut all: Vec<&syn::Expr> = vec![&orig.func];
                all.extend(orig.args.iter());
                let parts = self.children_vec(&all, out)?;
                let mut c = orig.clone();
                let mut parts = parts.into_iter();
                *c.func = parts.next().expect("the callee");
                for (arg, new) in c.args.iter_mut().zip(parts) {
                    *arg = new;
                }
                Ok(syn::Expr::Call(c))
            }
            syn::Expr::Tuple(orig) => {
                let all: Vec<&syn::Expr> = orig.elems.iter().collect();
                let parts = self.children_vec(&all, out)?;
                let mut t = orig.clone();
                for (e, new) in t.elems.iter_mut().zip(parts) {
                    *e = new;
                }
                Ok(syn::Expr::Tuple(t))
            }
            syn::Expr::Array(orig) => {
                let all: Vec<&syn::Expr> = orig.elems.iter().collect();
                let parts = self.children_vec(&all, out)?;
                let mut arr = orig.clone();
                for (e, new) in arr.elems.iter_mut().zip(parts) {
                    *e = new;
                }
                Ok(syn::Expr::Array(arr))
            }
            syn::Expr::Struct(s) => {
                let mut s = s.clone();
                let mut all: Vec<&syn::Expr> = Vec::new();
                if let syn::Expr::Struct(orig) = expr {
                    all.extend(orig.fields.iter().map(|f| &f.expr));
                    all.extend(orig.rest.as_deref());
                }
                let parts = self.children_vec(&all, out)?;
                let mut parts = parts.into_iter();
                for field in s.fields.iter_mut() {
                    field.expr = parts.next().expect("a field");
                }
                if let Some(rest) = &mut s.rest {
                    **rest = parts.next().expect("the base");
                }
                Ok(syn::Expr::Struct(s))
            }
            syn::Expr::Range(r) => {
                let mut r = r.clone();
                let all: Vec<&syn::Expr> = match expr {
                    syn::Expr::Range(orig) => orig
                        .start
                        .iter()
                        .chain(orig.end.iter())
                        .map(|b| &**b)
                        .collect(),
                    _ => Vec::new(),
                };
                let mut parts = self.children_vec(&all, out)?.into_iter();
                if let Some(s) = &mut r.start {
                    **s = parts.next().expect("the start");
                }
                if let Some(e) = &mut r.end {
                    **e = parts.next().expect("the end");
                }
                Ok(syn::Expr::Range(r))
            }
            syn::Expr::Break(b) => {
                let mut b = b.clone();
                if let Some(v) = &mut b.expr {
                    **v = self.explode(v, out)?;
                }
                Ok(syn::Expr::Break(b))
            }
            syn::Expr::Return(_) => {
                let flow = self.flow(expr)?;
                Ok(self.bind(flow, out))
            }
            syn::Expr::Macro(m) if awaiting_macro(&m.mac).is_some() => {
                let flow = self.flow(expr)?;
                Ok(self.bind(flow, out))
            }
            // `format!` evaluates its arguments in a block of its own (`{ let res =
            // format(format_args!(..)); res }`): their temporaries are dropped when it returns,
            // before the code around goes on. So are those lifted out of it here.
            syn::Expr::Macro(m) if is_format(&m.mac) => {
                let id = self.open();
                let mut stmts = Vec::new();
                let residual = self.macro_args(m, &mut stmts);
                let block = residual.map(|residual| {
                    let uses = self.resolve(mentions::in_expr(&residual));
                    Expr::Block(Block {
                        id,
                        label: None,
                        bound: Vec::new(),
                        stmts,
                        tail: Some(Box::new(Expr::Plain(residual, uses))),
                    })
                });
                self.close();
                Ok(self.bind(block?, out))
            }
            syn::Expr::Macro(m) => self.macro_args(m, out),
            _ => Err(unsupported_at(first_await(expr).expect("an await"))),
        }
    }

    /// Explodes sibling expressions evaluated left to right.
    fn children<const N: usize>(
        &mut self,
        children: [&syn::Expr; N],
        out: &mut Vec<Stmt>,
    ) -> Result<[syn::Expr; N]> {
        let parts = self.children_vec(&children, out)?;
        Ok(parts
            .try_into()
            .unwrap_or_else(|_| unreachable!("one part per child")))
    }

    /// Siblings before the last one that awaits are evaluated into temporaries first (unless
    /// evaluating them later cannot differ); the awaiting one is exploded; later ones stay.
    fn children_vec(
        &mut self,
        children: &[&syn::Expr],
        out: &mut Vec<Stmt>,
    ) -> Result<Vec<syn::Expr>> {
        let last = children.iter().rposition(|c| self.needs_lifting(c));
        let mut parts = Vec::with_capacity(children.len());
        let depth = self.depth;
        self.depth += 1;
        for (i, child) in children.iter().enumerate() {
            let part = match last {
                Some(k) if i < k => {
                    let residual = self.explode(child, out)?;
                    if is_stable(&residual) {
                        // (`&x.await`: the value the reference is taken of is the statement's
                        // temporary.)
                        if let (syn::Expr::Reference(_), syn::Expr::Reference(r)) =
                            (child, &residual)
                        {
                            self.not_an_operand(&r.expr);
                        }
                        residual
                    } else if let syn::Expr::Reference(mut r) = residual.clone()
                        && is_projection(&r.expr)
                        && is_temporary(&r.expr)
                    {
                        *r.expr = self.place(&r.expr, out)?;
                        syn::Expr::Reference(r)
                    } else if let syn::Expr::Reference(mut r) = residual.clone()
                        && (is_temporary(&r.expr) || unpromoted(&r))
                    {
                        // `&make()`: the temporary, which rustc keeps to the end of the
                        // statement, becomes a local; the reference to it is taken in place.
                        let value = self.lift_receivers(*r.expr, out);
                        *r.expr = self.lift(value, out);
                        syn::Expr::Reference(r)
                    } else {
                        let residual = self.lift_receivers(residual, out);
                        let operand = self.lift(residual, out);
                        self.mark_operand(depth);
                        operand
                    }
                }
                Some(k) if i == k => self.explode(child, out)?,
                _ => (*child).clone(),
            };
            parts.push(part);
        }
        self.depth = depth;
        Ok(parts)
    }

    /// The values a method chain makes on the way (`make()` and `make().touch()` in
    /// `make().touch().len()`), each lifted into a local: a method that borrows its receiver
    /// leaves it a temporary that rustc keeps to the end of the statement, after the `.await`
    /// the expression is lifted before (a lock's guard, a value with a destructor); one that
    /// takes it by value moves the local. Either way the local does what the temporary did.
    /// Only the chain itself (receivers, fields, casts): arguments stay, in their order.
    ///
    /// Input:  `f(make().touch().len(), x.await)`
    /// Output: `let __tmp0 = make(); let __tmp1 = __tmp0.touch(); let __tmp2 = __tmp1.len();`
    ///         `let __tmp3 = x.await; f(__tmp2, __tmp3)`
    fn lift_receivers(&mut self, expr: syn::Expr, out: &mut Vec<Stmt>) -> syn::Expr {
        match expr {
            syn::Expr::MethodCall(mut m) => {
                let receiver = self.lift_receivers(*m.receiver, out);
                *m.receiver = if makes_value(&receiver) {
                    // (What the call makes, kept to the end of the statement too, may borrow
                    // it across the `.await`: `String::from(s).as_str().len() + f().await`.)
                    let temp = self.lift(receiver, out);
                    if let Some(local) = self.locals.last_mut() {
                        local.slottable = true;
                    }
                    temp
                } else {
                    receiver
                };
                syn::Expr::MethodCall(m)
            }
            syn::Expr::Field(mut f) => {
                let base = self.lift_receivers(*f.base, out);
                *f.base = if makes_value(&base) {
                    self.lift(base, out)
                } else {
                    base
                };
                syn::Expr::Field(f)
            }
            syn::Expr::Cast(mut c) => {
                *c.expr = self.lift_receivers(*c.expr, out);
                syn::Expr::Cast(c)
            }
            syn::Expr::Paren(mut p) => {
                *p.expr = self.lift_receivers(*p.expr, out);
                syn::Expr::Paren(p)
            }
            syn::Expr::Try(mut t) => {
                *t.expr = self.lift_receivers(*t.expr, out);
                syn::Expr::Try(t)
            }
            other => other,
        }
    }

    /// Whether `expr` has something to lift: an `.await`, or (in an awaited expression) a
    /// borrowed temporary.
    fn needs_lifting(&self, expr: &syn::Expr) -> bool {
        has_await(expr)
            || (self.lifting_borrows && has_borrowed_temporary(expr))
            || (self.lifting_places && has_place_temporary(expr))
    }

    /// A place expression (a `match` scrutinee, a method's receiver, the operand of `&`, the
    /// base of a field or index) with the temporaries it is made of lifted into locals: `x`,
    /// `x.f` and `*p` stay, `make().f` becomes `__tmp0.f` after `let __tmp0 = make();`, a value
    /// (`make()`, `a.get()`) becomes a local. rustc keeps such temporaries to the end of the
    /// statement; the locals live to the end of the block the lifting opened around the
    /// construct, which ends with it.
    pub(super) fn place(&mut self, expr: &syn::Expr, out: &mut Vec<Stmt>) -> Result<syn::Expr> {
        match expr {
            syn::Expr::Paren(p) => {
                let mut p = p.clone();
                *p.expr = self.place(&p.expr, out)?;
                Ok(syn::Expr::Paren(p))
            }
            syn::Expr::Group(g) => self.place(&g.expr, out),
            syn::Expr::Field(f) => {
                let mut f = f.clone();
                *f.base = self.place(&f.base, out)?;
                Ok(syn::Expr::Field(f))
            }
            syn::Expr::Index(i) => {
                let mut i = i.clone();
                *i.expr = self.place(&i.expr, out)?;
                *i.index = self.explode(&i.index, out)?;
                Ok(syn::Expr::Index(i))
            }
            // `*make()`: the pointer is the temporary.
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                let mut u = u.clone();
                *u.expr = if is_temporary(&u.expr) {
                    let value = self.explode(&u.expr, out)?;
                    self.lift(value, out)
                } else {
                    self.place(&u.expr, out)?
                };
                Ok(syn::Expr::Unary(u))
            }
            syn::Expr::Closure(_) | syn::Expr::Async(_) => Ok(expr.clone()),
            _ if is_temporary(expr) => {
                let value = self.explode(expr, out)?;
                // (The value of an `.await` is in a local already.)
                if mentions::is_plain_path(&value) {
                    return Ok(value);
                }
                Ok(self.lift(value, out))
            }
            _ => self.explode(expr, out),
        }
    }

    /// The locals what a scrutinee's bindings take from it may borrow: what the scrutinee
    /// borrows as its syntax shows (`&x`, `x.get()`), or, for a local (a lifted scrutinee among
    /// them), what that local borrows.
    fn scrutinee_borrows(&self, expr: &syn::Expr) -> Vec<LocalId> {
        let mut lent: Vec<LocalId> = super::borrow_roots(expr)
            .iter()
            .filter_map(|name| self.lookup(name))
            .collect();
        if let Some(local) = mentions::plain_ident(expr).and_then(|i| self.lookup(&i.to_string())) {
            for &source in &self.locals[local].borrows {
                if !lent.contains(&source) {
                    lent.push(source);
                }
            }
        }
        lent
    }

    /// Whether a scrutinee or an iterable makes temporaries that rustc keeps to the end of the
    /// construct: inside it (`make().get()`, `&make()`), or, when `whole` (some path of the
    /// construct that suspends leaves part of it in place), the value itself (`make()`).
    fn makes_temporaries(&self, expr: &syn::Expr, whole: bool) -> bool {
        // (Arithmetic and comparisons make numbers and `bool`s, with nothing to drop.)
        let arithmetic = matches!(
            expr,
            syn::Expr::Binary(_) | syn::Expr::Unary(_) | syn::Expr::Cast(_) | syn::Expr::Range(_)
        ) && !matches!(expr, syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)));
        has_place_temporary(expr) || (whole && holds_temporary(expr) && !arithmetic)
    }

    /// The scrutinee of a `match` or `if let` with its `.await`s lifted, and, if the construct
    /// suspends (`places`), its temporaries (the value itself if `whole`): the statements that
    /// declare them, and what replaces it.
    fn lift_scrutinee(
        &mut self,
        expr: &syn::Expr,
        places: bool,
        whole: bool,
    ) -> Result<(Vec<Stmt>, syn::Expr)> {
        let mut prelude = Vec::new();
        let outer = std::mem::replace(&mut self.lifting_places, places);
        // (The scrutinee's temporaries outlive its operands, as a statement's.)
        let operands = self.operands.replace(0);
        let depth = std::mem::take(&mut self.depth);
        let lifted = if places && whole {
            self.place(expr, &mut prelude)
        } else {
            self.explode(expr, &mut prelude)
        };
        self.lifting_places = outer;
        self.operands = operands;
        self.depth = depth;
        Ok((prelude, lifted?))
    }

    /// The temporaries a lifted scrutinee leaves behind: the locals its pieces (`prelude`)
    /// declare, in order, but those that a later piece or the scrutinee (`residual`) moves, as
    /// an argument passed by value or the receiver of a method that may consume it. (A
    /// scrutinee that is a place moves nothing where the pattern does not match.)
    fn temporaries(&self, prelude: &[Stmt], residual: &syn::Expr) -> Vec<syn::Ident> {
        let moves = |kind: &mentions::Use| match kind {
            mentions::Use::Move | mentions::Use::Field => true,
            mentions::Use::Receiver(m) => m.consumes(),
            mentions::Use::Borrow | mentions::Use::Assign => false,
        };
        let mut moved: Vec<String> = if super::place_root(residual).is_some() {
            Vec::new()
        } else {
            mentions::in_expr(residual)
                .into_iter()
                .filter(|m| moves(&m.kind))
                .map(|m| m.name)
                .collect()
        };
        let mut uses = Vec::new();
        for stmt in prelude {
            match stmt {
                Stmt::Plain { uses: u, .. } => uses.extend(u),
                Stmt::Let { init, .. } | Stmt::Expr { expr: init, .. } => {
                    self.direct_uses(init, &mut uses)
                }
            }
        }
        moved.extend(
            uses.iter()
                .filter(|u| moves(&u.kind))
                .map(|u| self.locals[u.local].ident.to_string()),
        );
        prelude
            .iter()
            .flat_map(|stmt| match stmt {
                Stmt::Plain { declares, .. } | Stmt::Let { declares, .. } => declares.as_slice(),
                Stmt::Expr { .. } => &[],
            })
            .map(|&id| self.locals[id].ident.clone())
            .filter(|ident| !moved.iter().any(|m| ident == m))
            .collect()
    }

    /// The uses of a lifted piece: of its plain code or awaited expression (a piece is one).
    fn direct_uses<'e>(&'e self, expr: &'e Expr, out: &mut Vec<&'e super::Resolved>) {
        match expr {
            Expr::Plain(_, uses) => out.extend(uses),
            Expr::Await(p) => out.extend(&self.points[*p].uses),
            _ => {}
        }
    }

    /// A method chain whose temporaries its calls borrow (`lends_chain_temporary`), each lifted
    /// into a local, down to the root; the calls are then made on the locals, arguments in
    /// order. `e` is lifted itself if `lifted` (the method called on it borrows it); a field is
    /// a place in what is lifted.
    fn lift_chain(
        &mut self,
        e: &syn::Expr,
        lifted: bool,
        out: &mut Vec<Stmt>,
    ) -> Result<syn::Expr> {
        let link = match e {
            syn::Expr::MethodCall(m) => {
                let mut m = m.clone();
                *m.receiver = self.lift_chain(&m.receiver, borrows_temporary(&m), out)?;
                let args: Vec<&syn::Expr> = m.args.iter().collect();
                let parts = self.children_vec(&args, out)?;
                for (arg, new) in m.args.iter_mut().zip(parts) {
                    *arg = new;
                }
                syn::Expr::MethodCall(m)
            }
            syn::Expr::Field(f) => {
                let mut f = f.clone();
                *f.base = self.lift_chain(&f.base, lifted, out)?;
                return Ok(syn::Expr::Field(f));
            }
            // (`v.get_ref()[..n].len()`: the indexed value is a place too; what it indexes may
            // be the temporary.)
            syn::Expr::Index(i) => {
                let mut i = i.clone();
                *i.expr = self.lift_chain(&i.expr, lifted, out)?;
                *i.index = self.explode(&i.index, out)?;
                return Ok(syn::Expr::Index(i));
            }
            syn::Expr::Paren(p) => return self.lift_chain(&p.expr, lifted, out),
            root => self.explode(root, out)?,
        };
        if !lifted {
            return Ok(link);
        }
        // (A link the next one borrows can live in a slot: what that one makes may hold the
        // borrow across the `.await`, `built.repos(..).events().send().await`.)
        let temp = self.lift(link, out);
        if let Some(local) = self.locals.last_mut() {
            local.slottable = true;
        }
        Ok(temp)
    }

    /// `let __tmpN = expr;` (plain); returns `__tmpN`.
    fn lift(&mut self, expr: syn::Expr, out: &mut Vec<Stmt>) -> syn::Expr {
        // (`let __tmp0 = (x as u32);` would be linted: the parentheses were the operand's.)
        let expr = coercible(unparen(expr));
        let temp = self.temp();
        crate::defined::declare_hidden(&temp.to_string(), &expr);
        let span = expr.span();
        let local = syntax::let_mut(temp.clone(), expr, span);
        let init = &local.init.as_ref().expect("a value").expr;
        let uses = self.resolve(mentions::in_expr(init));
        let rebinds_slottable = mentions::plain_ident(init)
            .and_then(|name| self.lookup(&name.to_string()))
            .is_some_and(|id| self.locals[id].slottable);
        let declares = self.declare_let(&local.pat, Some(init), &uses);
        let holds = match first_line(init) {
            Some(line) => format!("a temporary of line {line}"),
            None => "a temporary".to_string(),
        };
        for &id in &declares {
            self.locals[id].holds = Some(holds.clone());
            self.locals[id].made_at = Some(span.start());
            // A scrutinee's temporary may be borrowed by the bindings across a suspension
            // point, and so may a value moved from a local that could (the `&mut` value of an
            // `.await` reborrowed by the next call of a chain, `sink.push(1).await.push(2)
            // .await`): it can live in a slot.
            if self.lifting_places || rebinds_slottable {
                self.locals[id].slottable = true;
            }
        }
        out.push(Stmt::Plain {
            stmt: syn::Stmt::Local(local),
            uses,
            declares,
        });
        syntax::name_expr(temp)
    }

    /// The local `part` names, if it was lifted as an operand, is a place the construct may
    /// borrow (a method's receiver, an indexed value, what `&` is taken of): it lives as long as
    /// the statement's temporaries.
    fn not_an_operand(&mut self, part: &syn::Expr) {
        if let Some(name) = mentions::plain_ident(part)
            && let Some(id) = self.lookup(&name.to_string())
        {
            self.locals[id].operand = false;
        }
    }

    /// The local declared last, an operand of a construct `depth` levels into the expression,
    /// is marked if it is dropped before the temporaries of its scope (`Local::operand`).
    fn mark_operand(&mut self, depth: usize) {
        if self.operands.is_some_and(|first| depth >= first)
            && let Some(local) = self.locals.last_mut()
        {
            local.operand = true;
        }
    }

    /// The target of an assignment with an `.await` in it (`*hits.lock().await += 1`), its
    /// awaited parts lifted. rustc evaluates the assigned value first (of a compound assignment,
    /// for primitive types): only a value whose evaluation does nothing, a literal or a path
    /// (or a lifted one), may follow the `.await`.
    fn awaited_target(
        &mut self,
        target: &syn::Expr,
        value: &syn::Expr,
        out: &mut Vec<Stmt>,
    ) -> Result<syn::Expr> {
        if !inert(value) {
            return Err(unsupported_at(first_await(target).expect("an await")));
        }
        self.explode(target, out)
    }

    /// `let __tmpN = <flow>;`; returns `__tmpN`.
    fn bind(&mut self, flow: Expr, out: &mut Vec<Stmt>) -> syn::Expr {
        let temp = self.temp();
        let local = syntax::let_mut(
            temp.clone(),
            syntax::unit(Span::call_site()),
            Span::call_site(),
        );
        let declares = self.declare_let(&local.pat, None, &[]);
        let holds = match &flow {
            Expr::Await(p) => format!("the value of `{}`", self.points[*p].source),
            Expr::If { .. } => "the value of an `if`".to_string(),
            Expr::Match { .. } => "the value of a `match`".to_string(),
            Expr::Loop { .. } => "the value of a loop".to_string(),
            _ => "the value of a block".to_string(),
        };
        // (A slot if the arms of a `match` on it borrow it across an `.await`: see `let_value`.)
        for &id in &declares {
            self.locals[id].uninit = false;
            self.locals[id].slottable = true;
            self.locals[id].holds = Some(holds.clone());
            self.locals[id].operand = self
                .operands
                .is_some_and(|first| self.depth.saturating_sub(1) >= first);
        }
        out.push(Stmt::Let {
            local,
            init: flow,
            else_uses: Vec::new(),
            declares,
        });
        syntax::name_expr(temp)
    }

    /// The bindings of a `let` chain (`if let A = a && ..`) stay out of slots: the lowering
    /// moves bindings into slots at the top of the body, and a chain's later conditions may
    /// use them before.
    fn chained(&mut self, cond: &syn::Expr, bound: &[LocalId]) {
        if !matches!(cond, syn::Expr::Let(_)) {
            for &id in bound {
                self.locals[id].slottable = false;
            }
        }
    }

    fn if_expr(&mut self, i: &syn::ExprIf) -> Result<Expr> {
        let chain = has_let(&i.cond) && !matches!(&*i.cond, syn::Expr::Let(_));
        if chain && has_await(&i.cond) {
            return self.flow(&chain_as_nested_ifs(i)?);
        }
        let branches_suspend = first_await(&i.then_branch).is_some()
            || i.else_branch.as_ref().is_some_and(|(_, e)| has_await(e));
        // `if let P = make().get() && c { .. }` around a suspension point: nested, each `if
        // let` keeps its scrutinee's temporaries through the block, as the chain does.
        let lends = |c: &&syn::Expr| matches!(c, syn::Expr::Let(l) if self.makes_temporaries(&l.expr, true));
        if chain
            && branches_suspend
            && conditions(&i.cond).iter().any(lends)
            && let Ok(nested) = chain_as_nested_ifs(i)
        {
            return self.flow(&nested);
        }
        if let syn::Expr::Let(l) = &*i.cond {
            // The value stays in place unless the pattern moves all of it (then it is the
            // bindings'), and all of it stays when it does not match.
            let whole = (first_await(&i.then_branch).is_some()
                && !mentions::drops_nothing_left(&l.pat))
                || i.else_branch.as_ref().is_some_and(|(_, e)| has_await(e));
            if has_await(&l.expr) || (branches_suspend && self.makes_temporaries(&l.expr, whole)) {
                // `if let P = make().get() { .. }` around a suspension point, or `if let P =
                // f().await {}`: the scrutinee's temporaries (the awaited value among them)
                // become locals of a block around the `if let`, which the `else` block gives
                // up first in edition 2024.
                let id = self.open();
                let result = self
                    .lift_scrutinee(&l.expr, branches_suspend, whole)
                    .and_then(|(prelude, scrutinee)| {
                        let temps = self.temporaries(&prelude, &scrutinee);
                        let mut rewritten = i.clone();
                        let mut l = l.clone();
                        *l.expr = scrutinee;
                        *rewritten.cond = syn::Expr::Let(l);
                        rescope_else(&mut rewritten, &temps);
                        let tail = self.if_expr(&rewritten)?;
                        Ok((prelude, tail))
                    });
                self.close();
                let (prelude, tail) = result?;
                return Ok(Expr::Block(Block {
                    id,
                    label: None,
                    bound: Vec::new(),
                    stmts: prelude,
                    tail: Some(Box::new(tail)),
                }));
            }
        }
        if has_await(&i.cond) {
            // `if f().await.g().await {}`: evaluate the condition first, in a block of its own:
            // a condition's temporaries are dropped before a branch runs.
            let mut prelude = Vec::new();
            let id = self.open();
            let mut rewritten = i.clone();
            let inner = self.open();
            let mut lifted = Vec::new();
            let cond = self.explode(&i.cond, &mut lifted);
            let uses = cond
                .as_ref()
                .map(|e| self.resolve(mentions::in_expr(e)))
                .unwrap_or_default();
            self.close();
            let result = cond.map(|cond| {
                if leaves_nothing(&cond) {
                    // (Its locals are the outer block's then: the inner one is not written.)
                    for local in self.locals.iter_mut().filter(|l| l.block == inner) {
                        local.block = id;
                    }
                    prelude.append(&mut lifted);
                    *rewritten.cond = cond;
                    return;
                }
                let value = Expr::Block(Block {
                    id: inner,
                    label: None,
                    bound: Vec::new(),
                    stmts: lifted,
                    tail: Some(Box::new(Expr::Plain(unparen(cond), uses))),
                });
                *rewritten.cond = self.bind(value, &mut prelude);
            });
            let tail = result.and_then(|()| self.if_expr(&rewritten));
            self.close();
            return Ok(Expr::Block(Block {
                id,
                label: None,
                bound: Vec::new(),
                stmts: prelude,
                tail: Some(Box::new(tail?)),
            }));
        }
        let uses = self.resolve(mentions::in_expr(&i.cond));
        let pats = let_patterns(&i.cond);
        let then = self.block(&i.then_branch, None, &pats)?;
        // `if let Some(n) = x.get() { .. }`: as for a match arm, the bindings borrow what the
        // scrutinee borrows.
        if let syn::Expr::Let(l) = &*i.cond {
            let lent = self.scrutinee_borrows(&l.expr);
            for &id in &then.bound {
                for &source in &lent {
                    if !self.locals[id].borrows.contains(&source) {
                        self.locals[id].borrows.push(source);
                    }
                }
            }
        }
        self.chained(&i.cond, &then.bound);
        let otherwise = match &i.else_branch {
            None => None,
            Some((_, e)) if has_await(e) => Some(Box::new(self.flow(e)?)),
            Some((_, e)) => {
                let uses = self.resolve(mentions::in_expr(e));
                Some(Box::new(Expr::Plain((**e).clone(), uses)))
            }
        };
        Ok(Expr::If {
            cond: (*i.cond).clone(),
            uses,
            then,
            otherwise,
        })
    }

    /// Whether an arm of `m` suspends, and whether one that does leaves part of the scrutinee's
    /// value in place, which then lives to the end of the `match`. A part matched by a unit
    /// variant or a literal, or by `_` where the scrutinee is a tuple whose element there is a
    /// `Copy` local or a literal (`match (n, cmd) { (_, Cmd::Go(s)) => .. }`), drops nothing:
    /// nothing of it needs keeping.
    fn scrutinee_kept(&self, m: &syn::ExprMatch) -> (bool, bool) {
        let arms_suspend = m.arms.iter().any(|arm| has_await(&arm.body));
        let leaves = |pat: &syn::Pat| match self.tuple_left(&m.expr, pat) {
            Some(left) => left.contains(&true),
            None => !mentions::drops_nothing_left(pat),
        };
        let whole = m
            .arms
            .iter()
            .any(|arm| has_await(&arm.body) && leaves(&arm.pat));
        (arms_suspend, whole)
    }

    /// For a tuple pattern matching a tuple scrutinee element by element, whether it leaves
    /// part of each element's value in place (see `scrutinee_kept`).
    fn tuple_left(&self, scrutinee: &syn::Expr, pat: &syn::Pat) -> Option<Vec<bool>> {
        let (syn::Expr::Tuple(elems), syn::Pat::Tuple(pats)) = (unparen_ref(scrutinee), pat) else {
            return None;
        };
        if elems.elems.is_empty() || elems.elems.len() != pats.elems.len() {
            return None;
        }
        let copy = |e: &syn::Expr| match e {
            syn::Expr::Lit(_) => true,
            e => mentions::plain_ident(e)
                .and_then(|i| self.lookup(&i.to_string()))
                .is_some_and(|id| self.locals[id].copied()),
        };
        let left = (pats.elems.iter().zip(&elems.elems)).map(|(p, e)| {
            !(mentions::drops_nothing_left(p) || matches!(p, syn::Pat::Wild(_)) && copy(e))
        });
        Some(left.collect())
    }

    /// `match (a, b) { (Some(s), _) => { x.await; .. } }`, the tuple lifted into `temp`: the arm
    /// moves `s` out of it and leaves `b` in it, to be dropped at the end of the `match`, but a
    /// state cannot keep a value partly moved out of. So the arm chooses without binding, moves
    /// what it leaves into a tuple of its own and then binds, as the pattern would have: what is
    /// left drops after the bindings, as in rustc. (Only where the elements left bind nothing,
    /// and the arm has no guard, which would see the bindings.)
    fn keep_what_arms_leave(&mut self, m: &mut syn::ExprMatch, temp: &syn::Expr) {
        for arm in &mut m.arms {
            let Some(left) = self.tuple_left(&m.expr, &arm.pat) else {
                continue;
            };
            let syn::Pat::Tuple(pats) = &arm.pat else {
                continue;
            };
            let binds = |i: usize| !mentions::bindings(&pats.elems[i]).is_empty();
            // (An arm that leaves only `Copy` elements under `_` moves the whole tuple, but not
            // as the graph sees it: it is written out too.)
            if !has_await(&arm.body)
                || arm.guard.is_some()
                || mentions::drops_nothing_left(&arm.pat)
                || (0..left.len()).any(|i| left[i] && binds(i))
            {
                continue;
            }
            let span = arm.body.span();
            let kept: Vec<_> = (0..left.len())
                .filter(|&i| left[i])
                .map(syn::Index::from)
                .collect();
            let rest = (!kept.is_empty()).then(|| {
                let rest = self.temp();
                quote!(let #rest = (#(#temp.#kept,)*);)
            });
            let (pat, body) = (grouped(&arm.pat), &arm.body);
            arm.body = syn::parse_quote_spanned! {span=> {
                #rest
                #[allow(irrefutable_let_patterns)]
                let #pat = #temp else { ::core::unreachable!() };
                #body
            }};
            wildcard_bindings(&mut arm.pat);
        }
    }

    /// Whether the scrutinee of `m` is lifted out of it: it awaits, or makes temporaries that
    /// an arm that suspends keeps.
    fn lifts_scrutinee(&self, m: &syn::ExprMatch) -> bool {
        let (arms_suspend, whole) = self.scrutinee_kept(m);
        has_await(&m.expr) || (arms_suspend && self.makes_temporaries(&m.expr, whole))
    }

    fn match_expr(&mut self, m: &syn::ExprMatch) -> Result<Expr> {
        let (arms_suspend, whole) = self.scrutinee_kept(m);
        if self.lifts_scrutinee(m) {
            // `match f().await { .. }`, or `match make().get() { .. }` with an arm that
            // suspends: the scrutinee's temporaries become locals of a block around the
            // `match`, where they live until it ends, as rustc's temporaries do.
            let id = self.open();
            let result = self.lift_scrutinee(&m.expr, arms_suspend, whole).and_then(
                |(prelude, scrutinee)| {
                    let mut rewritten = m.clone();
                    if whole {
                        self.keep_what_arms_leave(&mut rewritten, &scrutinee);
                    }
                    *rewritten.expr = scrutinee;
                    Ok((prelude, self.match_expr(&rewritten)?))
                },
            );
            self.close();
            let (prelude, tail) = result?;
            return Ok(Expr::Block(Block {
                id,
                label: None,
                bound: Vec::new(),
                stmts: prelude,
                tail: Some(Box::new(tail)),
            }));
        }
        if m.arms
            .iter()
            .any(|a| a.guard.as_ref().is_some_and(|(_, g)| has_await(g)))
        {
            return self.flow(&guards_as_two_matches(m));
        }
        // (The reference to the place is not a temporary to lift: the arms borrow the place.)
        match moves_after_matching_by_reference(m) {
            Some(rewritten) => self.match_arms(&rewritten),
            None => self.match_arms(m),
        }
    }

    /// A `match` whose scrutinee needs no lifting.
    fn match_arms(&mut self, m: &syn::ExprMatch) -> Result<Expr> {
        let uses = self.resolve(mentions::in_scrutinee(&m.arms, &m.expr));
        // `match &mut self.child { Some(c) => .. }`: the arms' bindings borrow what the
        // scrutinee borrows; `ref` bindings of a place (`match x.state { Busy(ref mut rx) .. }`)
        // borrow the place.
        let lent = self.scrutinee_borrows(&m.expr);
        let place = super::place_root(&m.expr).and_then(|name| self.lookup(&name));
        let mut arms = Vec::new();
        for arm in &m.arms {
            let scope = self.open();
            let bound = self.declare_pats(&[&arm.pat]);
            let mut borrows = lent.clone();
            borrows.extend(place.filter(|_| mentions::binds_by_reference(&arm.pat)));
            for &id in &bound {
                self.locals[id].borrows.clone_from(&borrows);
            }
            let guard = arm.guard.as_ref().map(|(_, g)| {
                let uses = self.resolve(mentions::in_expr(g));
                ((**g).clone(), uses)
            });
            let body = if has_await(&arm.body) {
                self.flow(&arm.body)
            } else {
                let uses = self.resolve(mentions::in_expr(&arm.body));
                Ok(Expr::Plain((*arm.body).clone(), uses))
            };
            self.close();
            arms.push(Arm {
                attrs: arm.attrs.clone(),
                pat: arm.pat.clone(),
                guard,
                body: Box::new(body?),
                scope,
                bound,
            });
        }
        Ok(Expr::Match {
            scrutinee: (*m.expr).clone(),
            uses,
            arms,
        })
    }

    fn while_expr(&mut self, w: &syn::ExprWhile) -> Result<Expr> {
        let label = &w.label;
        let body = &w.body;
        if has_await(&w.cond) {
            // `while c.await { body }` is `loop { if !c.await { break } body }`, and
            // `while let P = e.await { body }` is `loop { let P = e.await else { break }; body }`.
            let mut rewritten: syn::Expr = match &*w.cond {
                // (With temporaries that live to the end of each iteration, see below.)
                syn::Expr::Let(l)
                    if self.makes_temporaries(&l.expr, !mentions::moves_whole(&l.pat)) =>
                {
                    return self.while_let_as_match(w, l);
                }
                syn::Expr::Let(l) => {
                    let (pat, scrutinee) = (&l.pat, &l.expr);
                    let scrutinee = crate::syntax::else_initializer(quote::quote!(#scrutinee));
                    syn::parse_quote_spanned!(w.span()=>
                        #label loop {
                            let #pat = #scrutinee else { break };
                        }
                    )
                }
                cond if has_let(cond) => {
                    // `while let P = a && c.await { body }`:
                    // `loop { if let P = a { if c.await { body } else { break } } else { break } }`
                    let lifetime = label.as_ref().map(|l| &l.name);
                    let exit: syn::Block =
                        syn::parse_quote_spanned!(w.span()=> { break #lifetime; });
                    let mut nested = syn::Expr::Block(syn::ExprBlock {
                        attrs: Vec::new(),
                        label: None,
                        block: body.clone(),
                    });
                    for c in conditions(cond).into_iter().rev() {
                        nested = syn::parse_quote_spanned!(c.span()=> if #c { #nested } else #exit);
                    }
                    let rewritten: syn::Expr =
                        syn::parse_quote_spanned!(w.span()=> #label loop { #nested });
                    return self.flow(&rewritten);
                }
                cond => syn::parse_quote_spanned!(w.span()=>
                    #label loop {
                        if !(#cond) {
                            break;
                        }
                    }
                ),
            };
            append_body(&mut rewritten, body);
            return self.flow(&rewritten);
        }
        if let syn::Expr::Let(l) = &*w.cond {
            let whole = !mentions::moves_whole(&l.pat);
            if first_await(&w.body).is_some() && self.makes_temporaries(&l.expr, whole) {
                return self.while_let_as_match(w, l);
            }
        }
        let uses = self.resolve(mentions::in_expr(&w.cond));
        let pats = let_patterns(&w.cond);
        let body = self.loop_body(&w.body, &pats)?;
        self.chained(&w.cond, &body.bound);
        Ok(Expr::Loop {
            label: w.label.clone(),
            cond: Some(((*w.cond).clone(), uses)),
            body,
        })
    }

    /// `while let P = make().get() { .. }` (or `.. = s.adaptor().next().await`) around a
    /// suspension point: the scrutinee's temporaries live to the end of each iteration. As rustc
    /// writes it, a `loop` around a `match`, whose scrutinee is lifted as any.
    fn while_let_as_match(&mut self, w: &syn::ExprWhile, l: &syn::ExprLet) -> Result<Expr> {
        let (label, pat, scrutinee, body) = (&w.label, &l.pat, &l.expr, &w.body);
        let rewritten: syn::Expr = syn::parse_quote_spanned!(w.span()=>
            #label loop {
                match #scrutinee {
                    #pat => #body,
                    #[allow(unreachable_patterns)]
                    _ => break,
                }
            }
        );
        self.flow(&rewritten)
    }

    /// `for PAT in EXPR { BODY }` around a suspension point: the iterator must live in the state,
    /// so the loop is written out as the standard library defines it.
    fn for_expr(&mut self, f: &syn::ExprForLoop) -> Result<Expr> {
        if (first_await(&f.body).is_some() || has_await(&f.expr))
            && self.makes_temporaries(&f.expr, false)
        {
            // `for x in make().iter() { .. }` around a suspension point, or `for x in
            // make().await.iter()`: the temporaries of the iterable live as long as the loop
            // (rustc's `for` is a `match` on the iterator).
            let id = self.open();
            let mut prelude = Vec::new();
            let outer = std::mem::replace(&mut self.lifting_places, true);
            let iterable = self.explode(&f.expr, &mut prelude);
            self.lifting_places = outer;
            let result = iterable.and_then(|iterable| {
                let mut rewritten = f.clone();
                *rewritten.expr = iterable;
                self.for_expr(&rewritten)
            });
            self.close();
            return Ok(Expr::Block(Block {
                id,
                label: None,
                bound: Vec::new(),
                stmts: prelude,
                tail: Some(Box::new(result?)),
            }));
        }
        if first_await(&f.body).is_none() && !has_await(&f.expr) {
            // (What is left of `for x in make().await.iter() { .. }` once the iterable is
            // lifted: a loop that does not suspend, written as it is.)
            let plain = syn::Expr::ForLoop(f.clone());
            let uses = self.resolve(mentions::in_expr(&plain));
            return Ok(Expr::Plain(plain, uses));
        }
        let iter = self.for_iterator(f.for_token.span);
        let next = crate::names::hidden("__next");
        let (label, pat, expr, body) = (&f.label, &f.pat, &f.expr, &f.body);
        let mut rewritten: syn::Expr = syn::parse_quote_spanned!(f.span()=> {
            let mut #iter = ::core::iter::IntoIterator::into_iter(#expr);
            #label loop {
                let #pat = match ::core::iter::Iterator::next(&mut #iter) {
                    ::core::option::Option::Some(#next) => #next,
                    ::core::option::Option::None => break,
                };
            }
        });
        append_body(&mut rewritten, body);
        self.flow(&rewritten)
    }

    /// A macro of known grammar whose arguments await (`MacroGrammar`): what it evaluates is
    /// lifted like a call's arguments, in order; what it evaluates only sometimes may not await.
    ///
    /// Input:  `assert!(x.await > 2)`
    /// Output: `let __tmp0 = x.await;`
    ///         `assert!(__tmp0 > 2, "{}", concat!("assertion failed: ", stringify!(x.await > 2)))`
    fn macro_args(&mut self, m: &syn::ExprMacro, out: &mut Vec<Stmt>) -> Result<syn::Expr> {
        let site = first_await(&syn::Expr::Macro(m.clone())).expect("an await");
        let grammar = macro_grammar(&m.mac).ok_or_else(|| unsupported_at(site))?;
        let lazy = || unsupported_at(suspend::AwaitSite::Lazy(m.mac.path.span()));
        let args = || {
            m.mac
                .parse_body_with(Punctuated::<syn::Expr, Token![,]>::parse_terminated)
                .map_err(|_| unsupported_at(site))
        };
        let rebuilt = match grammar {
            MacroGrammar::Format => return self.format_args(m, args()?, out),
            MacroGrammar::Vec => {
                if let Ok((value, count)) = m.mac.parse_body_with(repeat) {
                    let [value, count] = self.children([&value, &count], out)?;
                    quote!(#value; #count)
                } else {
                    let args = args()?;
                    let values: Vec<&syn::Expr> = args.iter().collect();
                    // `vec![a, b]` is `into_vec(box_new([a, b]))`: its values are operands two
                    // constructs deep (`Local::operand`).
                    let depth = self.depth;
                    self.depth += 2;
                    let parts = self.children_vec(&values, out);
                    self.depth = depth;
                    let parts = parts?;
                    quote!(#(#parts),*)
                }
            }
            MacroGrammar::Matches => {
                let (value, rest) = m
                    .mac
                    .parse_body_with(first_and_rest)
                    .map_err(|_| unsupported_at(site))?;
                if suspend::tokens_await(rest.clone()) {
                    return Err(unsupported_at(site));
                }
                let value = self.explode(&value, out)?;
                quote!(#value, #rest)
            }
            MacroGrammar::Assert | MacroGrammar::AssertCmp => {
                let args = args()?;
                let eager = if grammar == MacroGrammar::Assert {
                    1
                } else {
                    2
                };
                if args.iter().skip(eager).any(has_await) {
                    return Err(lazy());
                }
                let values: Vec<&syn::Expr> = args.iter().take(eager).collect();
                let parts = self.children_vec(&values, out)?;
                let message: Vec<&syn::Expr> = args.iter().skip(eager).collect();
                if grammar == MacroGrammar::Assert && message.is_empty() {
                    // The message `assert!` makes quotes the condition as written.
                    let cond = &args[0];
                    quote!(#(#parts),*, "{}", ::core::concat!("assertion failed: ", ::core::stringify!(#cond)))
                } else {
                    quote!(#(#parts,)* #(#message),*)
                }
            }
            MacroGrammar::DebugAssert => {
                // `debug_assert!(..)` is `if cfg!(debug_assertions) { assert!(..) }`.
                let name = mentions::path_segments(&m.mac.path)
                    .pop()
                    .unwrap_or_default();
                let assert = syn::Ident::new(&name["debug_".len()..], m.mac.path.span());
                let tokens = &m.mac.tokens;
                let rewritten: syn::Expr = syn::parse_quote_spanned!(m.span()=>
                    if ::core::cfg!(debug_assertions) { ::core::#assert!(#tokens); }
                );
                let flow = self.flow(&rewritten)?;
                return Ok(self.bind(flow, out));
            }
            MacroGrammar::Lazy => return Err(lazy()),
        };
        let mut m = m.clone();
        m.mac.tokens = rebuilt;
        Ok(syn::Expr::Macro(m))
    }

    /// `println!("{}", a.await)`: every argument is evaluated, in order; named arguments
    /// `name = value` evaluate their value.
    fn format_args(
        &mut self,
        m: &syn::ExprMacro,
        args: Punctuated<syn::Expr, Token![,]>,
        out: &mut Vec<Stmt>,
    ) -> Result<syn::Expr> {
        let values: Vec<&syn::Expr> = args
            .iter()
            .map(|a| match a {
                syn::Expr::Assign(assign) if mentions::is_plain_path(&assign.left) => {
                    &*assign.right
                }
                other => other,
            })
            .collect();
        let parts = self.children_vec(&values, out)?;
        let mut rebuilt = Punctuated::<proc_macro2::TokenStream, Token![,]>::new();
        for (arg, part) in args.iter().zip(parts) {
            rebuilt.push(match arg {
                syn::Expr::Assign(assign) if mentions::is_plain_path(&assign.left) => {
                    let left = &assign.left;
                    quote!(#left = #part)
                }
                _ => part.into_token_stream(),
            });
        }
        let mut m = m.clone();
        m.mac.tokens = rebuilt.into_token_stream();
        Ok(syn::Expr::Macro(m))
    }
}

/// A call or method call: a value made on the spot, which a method called on it may borrow.
fn makes_value(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Call(_) | syn::Expr::MethodCall(_))
}

/// `format!` (std's, by name).
fn is_format(mac: &syn::Macro) -> bool {
    macro_grammar(mac) == Some(MacroGrammar::Format)
        && mentions::path_segments(&mac.path)
            .last()
            .is_some_and(|n| n == "format")
}

/// `value; count`, the input of `vec![v; n]`.
fn repeat(input: syn::parse::ParseStream) -> Result<(syn::Expr, syn::Expr)> {
    let value = input.parse()?;
    input.parse::<Token![;]>()?;
    let count = input.parse()?;
    Ok((value, count))
}

/// An expression, a comma, and the tokens after it (`matches!`'s pattern and guard).
fn first_and_rest(input: syn::parse::ParseStream) -> Result<(syn::Expr, proc_macro2::TokenStream)> {
    let value = input.parse()?;
    input.parse::<Token![,]>()?;
    Ok((value, input.parse()?))
}

/// `&EXPR`, or a method chain that borrows a temporary `EXPR` (`lends_chain_temporary`), where `EXPR` is a value
/// computed on the spot (not a place, not a constant that would be promoted to `'static`),
/// outside closures and `async` blocks.
pub(super) fn has_borrowed_temporary(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            if is_temporary(&r.expr) || unpromoted(r) {
                self.0 = true;
            }
            syn::visit::visit_expr_reference(self, r);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if lends_chain_temporary(m) {
                self.0 = true;
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_expr(&mut f, expr);
    f.0
}

/// A method chain one of whose calls is known to borrow its receiver, a temporary
/// (`stdout().write_fmt(args)`, `OpenOptions::new().read(true).open(path)`, `make().as_str()`,
/// `t.val(2).wait(1)`): the futures and values made from it may borrow it, so, as rustc keeps
/// temporaries to the end of the statement, it must outlive the `.await`. A method not known to
/// borrow is taken to consume its receiver (builders: `Client::builder().build()`).
fn lends_chain_temporary(m: &syn::ExprMethodCall) -> bool {
    let mut at = m;
    loop {
        if borrows_temporary(at) {
            return true;
        }
        // Down the receivers, through fields (`make().field.m()`), to the root.
        let mut receiver = &*at.receiver;
        while let syn::Expr::Field(syn::ExprField { base: e, .. })
        | syn::Expr::Paren(syn::ExprParen { expr: e, .. }) = receiver
        {
            receiver = e;
        }
        match receiver {
            syn::Expr::MethodCall(inner) => at = inner,
            _ => return false,
        }
    }
}

/// A value whose evaluation does nothing: a literal or a path.
fn inert(value: &syn::Expr) -> bool {
    match value {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Unary(u) => matches!(&*u.expr, syn::Expr::Lit(_)),
        _ => false,
    }
}

/// `recv.m(..)` where `recv` is a temporary and `m` is known to borrow it. A call's result is
/// one if it holds no borrow (`t.val(2).wait(1)`, or a method that consumes its receiver,
/// `framed.into_inner().shutdown()`) or is a value, not a reference, where rustc or the crate
/// tell (`client.embeddings().create(r)`): a reference a method returns
/// (`builder().read(true).open(..)`) is not lifted, the temporary it borrows is.
fn borrows_temporary(m: &syn::ExprMethodCall) -> bool {
    let mut receiver = &*m.receiver;
    while let syn::Expr::Paren(p) = receiver {
        receiver = &p.expr;
    }
    let owned = match receiver {
        syn::Expr::MethodCall(inner) => {
            // (`pin.as_mut()`: a `Pin` by value, which `next(&mut self)` borrows.)
            let pin = matches!(inner.method.to_string().as_str(), "as_mut" | "as_ref")
                && crate::defined::expr_type(&inner.receiver).as_deref() == Some("Pin");
            let inner = super::mentions::Method::of(inner);
            pin || inner.returns_owned() || inner.consumes() || inner.returns_value()
        }
        _ => true,
    };
    // (`{ s }.chunks(2)`: a block moving a local into the call is how one says it takes it.)
    let moved_in = matches!(receiver, syn::Expr::Block(_));
    owned && !moved_in && is_temporary(receiver) && keeps_temporary(m)
}

/// Whether `m` keeps its temporary receiver to the end of the statement (`Method::keeps_temporary`).
/// A method of the crate's makes a value of the crate's, whose methods are the crate's even
/// where their names are std's: `actor.tell(m).timeout(t).send()`, the crate's `send(self)`,
/// keeps nothing.
fn keeps_temporary(m: &syn::ExprMethodCall) -> bool {
    let method = super::mentions::Method::of(m);
    let mut receiver = &*m.receiver;
    while let syn::Expr::Paren(p) = receiver {
        receiver = &p.expr;
    }
    // `Pin::new(&mut s).peek()`: a method of a pinned type takes `self: Pin<&mut Self>`, by
    // value (what it returns borrows `s`, not the pin); an extension trait's (`next`,
    // `read_u8`) borrows the pin, `&mut self`.
    if let syn::Expr::Call(c) = receiver
        && let syn::Expr::Path(p) = &*c.func
        && let [.., ty, f] = &p.path.segments.iter().collect::<Vec<_>>()[..]
        && ty.ident == "Pin"
        && (f.ident == "new" || f.ident == "new_unchecked")
        && (matches!(
            method.name.as_str(),
            "peek" | "peek_mut" | "project" | "get_mut"
        ) || method.name.starts_with("poll"))
    {
        return false;
    }
    if let syn::Expr::MethodCall(inner) = receiver
        && method.known.is_none()
        && method.defined.is_none()
        && super::mentions::Method::of(inner).defined.is_some()
        && crate::defined::declared_mode(&method.name) == Some(crate::receivers::Mode::Value)
    {
        return false;
    }
    method.keeps_temporary()
}

/// The `else` of an `if let` whose scrutinee's temporaries were lifted into the locals `temps`:
/// it starts by handing them to `else_scope`, which drops them there in edition 2024 (rustc drops
/// the temporaries of an `if let` scrutinee before the `else` block) and gives them back before
/// (to the end of the `if let`). The crate's edition picks the one (`desugar::__private::edition`).
fn rescope_else(i: &mut syn::ExprIf, temps: &[syn::Ident]) {
    let Some((_, otherwise)) = &mut i.else_branch else {
        return;
    };
    if temps.is_empty() {
        return;
    }
    let private = crate::names::private();
    let mut stmts: Vec<syn::Stmt> = temps
        .iter()
        .rev()
        .map(|temp| {
            syn::parse_quote! {
                #[allow(clippy::let_unit_value, dependency_on_unit_never_type_fallback)]
                let #temp = #private::else_scope(#private::edition(|| ::core::panic!()), #temp);
            }
        })
        .collect();
    match &mut **otherwise {
        syn::Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
            stmts.append(&mut b.block.stmts);
            b.block.stmts = stmts;
        }
        other => {
            let rest = std::mem::replace(other, syntax::unit(Span::call_site()));
            stmts.push(syn::Stmt::Expr(rest, None));
            *other = syn::Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block: syn::Block {
                    brace_token: Default::default(),
                    stmts,
                },
            });
        }
    }
}

/// A place expression whose place is (in) a temporary: a value computed on the spot (`make()`,
/// `make().f`, `*make()`), not a local or a literal.
fn holds_temporary(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Paren(p) => holds_temporary(&p.expr),
        syn::Expr::Group(g) => holds_temporary(&g.expr),
        syn::Expr::Field(f) => holds_temporary(&f.base),
        syn::Expr::Index(i) => holds_temporary(&i.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            is_temporary(&u.expr) || holds_temporary(&u.expr)
        }
        syn::Expr::Closure(_) | syn::Expr::Async(_) => false,
        _ => is_temporary(expr),
    }
}

/// `make().m(..)` where `m` is known to borrow its receiver (or to lend it): the temporary
/// lives on after the call, to the end of the statement. A method not known to borrow is taken
/// to consume it (a builder, an iterator adapter), as for an awaited expression.
fn lends_temporary(m: &syn::ExprMethodCall) -> bool {
    holds_temporary(&m.receiver) && keeps_temporary(m)
}

/// Whether a value expression makes temporaries that rustc keeps to the end of the statement:
/// the operand of `&`, the base of a field or index, what `*` dereferences, or the receiver of
/// a method known to borrow it (`lends_temporary`), when it is a value computed on the spot.
/// Closures, `async` blocks and macros are not looked into.
fn has_place_temporary(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            self.0 |= holds_temporary(&r.expr) || unpromoted(r);
            syn::visit::visit_expr_reference(self, r);
        }
        fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
            self.0 |= holds_temporary(&f.base);
            syn::visit::visit_expr_field(self, f);
        }
        fn visit_expr_index(&mut self, i: &'ast syn::ExprIndex) {
            self.0 |= holds_temporary(&i.expr);
            syn::visit::visit_expr_index(self, i);
        }
        fn visit_expr_unary(&mut self, u: &'ast syn::ExprUnary) {
            self.0 |= matches!(u.op, syn::UnOp::Deref(_)) && is_temporary(&u.expr);
            syn::visit::visit_expr_unary(self, u);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.0 |= lends_temporary(m);
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_expr(&mut f, expr);
    f.0
}

/// `[&a, &b]` as `[&a as &_, &b as &_]`: where it was written, its use could coerce the
/// references (`&[&oid]` to `&[&(dyn ToSql + Sync)]`); lifted into a `let`, it is typed before
/// its use, and the casts leave the coercion to it.
fn coercible(expr: syn::Expr) -> syn::Expr {
    let syn::Expr::Array(mut array) = expr else {
        return expr;
    };
    for elem in &mut array.elems {
        if let syn::Expr::Reference(r) = elem {
            let mutability = r.mutability;
            *elem = syn::parse_quote_spanned!(r.span()=> #r as &#mutability _);
        }
    }
    syn::Expr::Array(array)
}

/// A field or an element of something: a place, not a value of its own.
fn is_projection(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Paren(p) => is_projection(&p.expr),
        syn::Expr::Field(_) | syn::Expr::Index(_) => true,
        _ => false,
    }
}

pub(super) fn is_temporary(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Path(_) | syn::Expr::Lit(_) => false,
        syn::Expr::Field(f) => is_temporary(&f.base),
        syn::Expr::Index(i) => is_temporary(&i.expr),
        syn::Expr::Unary(u) => !matches!(u.op, syn::UnOp::Deref(_)),
        syn::Expr::Paren(p) => is_temporary(&p.expr),
        syn::Expr::Array(a) => !a.elems.iter().all(|e| matches!(e, syn::Expr::Lit(_))),
        syn::Expr::Repeat(r) => !matches!(*r.expr, syn::Expr::Lit(_)),
        _ => true,
    }
}

/// `&mut [0; 1]`, `&mut 5`, `&mut Unit`, `&mut LIMIT`: a constant borrowed mutably is not
/// promoted to a `'static`, but a temporary (only `&mut []` is). A path whose last segment is
/// capitalized names a unit struct, a unit variant or a constant, not a local.
fn unpromoted(r: &syn::ExprReference) -> bool {
    r.mutability.is_some()
        && match &*r.expr {
            syn::Expr::Array(a) => !a.elems.is_empty(),
            syn::Expr::Repeat(_) | syn::Expr::Lit(_) => true,
            syn::Expr::Path(p) => {
                p.qself.is_none()
                    && p.path.segments.last().is_some_and(|s| {
                        s.ident
                            .to_string()
                            .starts_with(|c: char| c.is_ascii_uppercase())
                    })
            }
            _ => false,
        }
}

/// Whether a pattern has `ref mut` bindings.
fn binds_by_mut_reference(pat: &syn::Pat) -> bool {
    has_binding(pat, |p| p.by_ref.is_some() && p.mutability.is_some())
}

/// Whether some binding of `pat` (or its subpatterns) is one `test` accepts.
fn has_binding(pat: &syn::Pat, test: fn(&syn::PatIdent) -> bool) -> bool {
    struct Find(bool, fn(&syn::PatIdent) -> bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0 |= (self.1)(p);
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut f = Find(false, test);
    syn::visit::Visit::visit_pat(&mut f, pat);
    f.0
}

pub(super) fn is_compound_assignment(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Evaluating this later gives the same value: literals, paths, references to places, fields
/// of those, closures that borrow.
fn is_stable(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Reference(r) => is_place(&r.expr),
        syn::Expr::Field(f) => is_place(&f.base),
        syn::Expr::Paren(p) => is_stable(&p.expr),
        syn::Expr::Closure(c) => c.capture.is_none(),
        _ => false,
    }
}

fn is_place(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Path(_) => true,
        syn::Expr::Field(f) => is_place(&f.base),
        syn::Expr::Paren(p) => is_place(&p.expr),
        _ => false,
    }
}

/// A condition whose evaluation leaves no temporary to drop: a lifted value itself, or its
/// negation (`!` consumes it): `if f().await {}`, `while !done().await {}`.
fn leaves_nothing(cond: &syn::Expr) -> bool {
    match cond {
        syn::Expr::Paren(p) => leaves_nothing(&p.expr),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Not(_),
            expr,
            ..
        }) => leaves_nothing(expr),
        e => mentions::plain_ident(e).is_some(),
    }
}

/// A `match` whose guards await, as two: the first picks the arm, in order, on a shared borrow
/// of the scrutinee, each guard evaluated once, where rustc evaluates it (an awaiting guard is
/// an `if` in its arm's body, the arms after it tried again in its `else`); the second binds as
/// written and runs the arm picked. In a guard, a by-value binding is a place rustc reaches
/// through a shared borrow: here it is `(*x)`.
///
/// Input:  `match s { Some(x) if ok(x).await => a, Some(x) => b, None => c }`
/// Output: `{ let __arm = match &s {`
///              `Some(x) => if ok((*x)).await { 0 } else { match &s { Some(x) => 1, None => 2,`
///                  `_ => unreachable!() } },`
///              `Some(x) => 1, None => 2 };`
///          `match s { Some(x) if __arm == 0 => a, Some(x) if __arm == 1 => b,`
///              `None if __arm == 2 => c, _ => unreachable!() } }`
///
/// A scrutinee that is not a place is evaluated once, into `__match`, which lives as long as
/// rustc keeps the scrutinee (to the end of the `match`).
fn guards_as_two_matches(m: &syn::ExprMatch) -> syn::Expr {
    let span = m.span();
    let scrutinee = &*m.expr;
    let is_ref = matches!(scrutinee, syn::Expr::Reference(_));
    let held = Ident::new("__match", Span::mixed_site());
    let place = super::place_root(scrutinee).is_some();
    let subject = if place {
        quote!(#scrutinee)
    } else {
        quote!(#held)
    };
    // Through a reference the arms' bindings are already references, as in the guard.
    let borrowed = if is_ref {
        subject.clone()
    } else {
        quote!(&#subject)
    };
    let select = select_arm(&m.arms, 0, !is_ref, &borrowed);
    let arm = Ident::new("__arm", Span::mixed_site());
    let arms = m.arms.iter().enumerate().map(|(i, a)| {
        let (attrs, pat, body) = (&a.attrs, &a.pat, &a.body);
        // A binding only the guard used is unused here.
        let allow = (a.guard.is_some() && !mentions::bindings(pat).is_empty())
            .then(|| quote!(#[allow(unused_variables)]));
        quote!(#(#attrs)* #allow #pat if #arm == #i => #body,)
    });
    let body = quote_spanned! {span=>
        let #arm: usize = #select;
        match #subject {
            #(#arms)*
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!(),
        }
    };
    if place {
        syn::parse_quote_spanned!(span=> { #body })
    } else {
        syn::parse_quote_spanned!(span=> match #scrutinee { #held => { #body } })
    }
}

/// A `match` on a place where an arm binds by reference and suspends while another binds by
/// value (`Pair { a: ref buf, .. } => { x.await; .. }`, `Pair { a: buf, .. } => ..`): the
/// place lives on across the `.await`, borrowed, so its arms cannot move out of it as the
/// `match` binds; the arms are chosen by reference and those that bind by value destructure
/// the place again in their body, as the `match` would have.
///
/// Input:  `match p { Pair { a: ref buf, n: 1 } => b, Pair { a: buf, .. } => c }`
/// Output: `match &p { &Pair { a: ref buf, n: 1 } => b,`
///              `&Pair { a: _, .. } => { let Pair { a: buf, .. } = p else { unreachable!() }; c } }`
///
/// (Not with a guard on an arm that binds by value: the guard sees its bindings.)
fn moves_after_matching_by_reference(m: &syn::ExprMatch) -> Option<syn::ExprMatch> {
    let scrutinee = &unparen((*m.expr).clone());
    let place = match scrutinee {
        syn::Expr::Path(_) => true,
        syn::Expr::Field(_) => super::place_root(scrutinee).is_some(),
        _ => false,
    };
    let moves =
        |a: &syn::Arm| mentions::binds_by_value(&a.pat) && !mentions::binds_by_reference(&a.pat);
    let lends = |a: &syn::Arm| mentions::binds_by_reference(&a.pat) && has_await(&a.body);
    if !place
        || !m.arms.iter().any(lends)
        || !m.arms.iter().any(moves)
        || m.arms.iter().any(|a| moves(a) && a.guard.is_some())
    {
        return None;
    }
    let span = m.span();
    let by_mut = m.arms.iter().any(|a| binds_by_mut_reference(&a.pat));
    let borrow = if by_mut { quote!(&mut) } else { quote!(&) };
    let arms = m.arms.iter().map(|a| {
        let (attrs, body) = (&a.attrs, &a.body);
        let guard = a.guard.as_ref().map(|(_, g)| quote!(if #g));
        let pat = grouped(&a.pat);
        if !moves(a) {
            return quote!(#(#attrs)* #borrow #pat #guard => #body,);
        }
        let mut select = a.pat.clone();
        wildcard_bindings(&mut select);
        let select = grouped(&select);
        quote_spanned! {span=>
            #(#attrs)* #borrow #select => {
                #[allow(irrefutable_let_patterns)]
                let #pat = #scrutinee else { ::core::unreachable!() };
                #body
            }
        }
    });
    Some(syn::parse_quote_spanned! {span=>
        match #borrow #scrutinee { #(#arms)* }
    })
}

/// The pattern, in parentheses if it is an or-pattern (after `&`, in a `let`).
fn grouped(pat: &syn::Pat) -> proc_macro2::TokenStream {
    match pat {
        syn::Pat::Or(_) => quote!((#pat)),
        _ => quote!(#pat),
    }
}

/// The pattern with its bindings replaced by `_` (`x @ P` by `P`): it matches what the
/// pattern matches, binding nothing.
fn wildcard_bindings(pat: &mut syn::Pat) {
    struct Wildcard;
    impl syn::visit_mut::VisitMut for Wildcard {
        fn visit_pat_mut(&mut self, pat: &mut syn::Pat) {
            if let syn::Pat::Ident(p) = pat
                && mentions::is_binding(p)
            {
                *pat = match p.subpat.take() {
                    Some((_, sub)) => *sub,
                    None => syn::Pat::Wild(syn::PatWild {
                        attrs: Vec::new(),
                        underscore_token: Default::default(),
                    }),
                };
            }
            syn::visit_mut::visit_pat_mut(self, pat);
        }
    }
    syn::visit_mut::VisitMut::visit_pat_mut(&mut Wildcard, pat);
}

/// The first phase of `guards_as_two_matches` from arm `start` on: the index of the arm
/// taken.
fn select_arm(
    arms: &[syn::Arm],
    start: usize,
    deref: bool,
    subject: &proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut out = Vec::new();
    let mut after_await = false;
    for (i, arm) in arms.iter().enumerate().skip(start) {
        let mut pat = arm.pat.clone();
        default_binding_modes(&mut pat);
        let attrs = &arm.attrs;
        // Bindings only a guard uses are unused here; an arm after one whose guard moved into
        // its body may be unreachable by pattern.
        let allow = if after_await {
            quote!(#[allow(unused_variables, unreachable_patterns)])
        } else {
            quote!(#[allow(unused_variables)])
        };
        let guard = arm.guard.as_ref().map(|(_, g)| {
            let mut g = (**g).clone();
            if deref {
                deref_bindings(&mut g, &by_value_names(&arm.pat));
            }
            g
        });
        out.push(match guard {
            Some(g) if has_await(&g) => {
                after_await = true;
                let rest = select_arm(arms, i + 1, deref, subject);
                quote!(#(#attrs)* #allow #pat => if #g { #i } else { #rest },)
            }
            Some(g) => quote!(#(#attrs)* #allow #pat if #g => #i,),
            None => quote!(#(#attrs)* #allow #pat => #i,),
        });
    }
    if start > 0 {
        // Tried again after a guard failed: the arms before are known not to match.
        out.push(quote!(#[allow(unreachable_patterns)] _ => ::core::unreachable!(),));
    }
    quote!(match #subject { #(#out)* })
}

/// The pattern with `ref`, `ref mut` and `mut` taken off its bindings: matched against a
/// shared reference, every binding is then a shared reference.
fn default_binding_modes(pat: &mut syn::Pat) {
    struct Strip;
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            p.by_ref = None;
            p.mutability = None;
            syn::visit_mut::visit_pat_ident_mut(self, p);
        }
    }
    syn::visit_mut::VisitMut::visit_pat_mut(&mut Strip, pat);
}

/// The names a pattern binds by value (not `ref`, not `ref mut`).
fn by_value_names(pat: &syn::Pat) -> Vec<String> {
    struct Find(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if p.by_ref.is_none() {
                self.0.push(p.ident.to_string());
            }
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut f = Find(Vec::new());
    syn::visit::Visit::visit_pat(&mut f, pat);
    f.0
}

/// `x` -> `(*x)` for the names in `names` (format-like macros' arguments included).
fn deref_bindings(expr: &mut syn::Expr, names: &[String]) {
    struct Deref<'a>(&'a [String]);
    impl syn::visit_mut::VisitMut for Deref<'_> {
        fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
            if let Some(ident) = mentions::plain_ident(e)
                && self.0.iter().any(|n| ident == n)
            {
                let ident = ident.clone();
                *e = syn::parse_quote_spanned!(ident.span()=> (*#ident));
                return;
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if let Ok(mut args) =
                mac.parse_body_with(Punctuated::<syn::Expr, Token![,]>::parse_terminated)
            {
                args.iter_mut().for_each(|a| self.visit_expr_mut(a));
                mac.tokens = args.into_token_stream();
            }
        }
    }
    syn::visit_mut::VisitMut::visit_expr_mut(&mut Deref(names), expr);
}

/// The conditions of a `&&` chain, in order.
fn conditions(cond: &syn::Expr) -> Vec<&syn::Expr> {
    match cond {
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut v = conditions(&b.left);
            v.extend(conditions(&b.right));
            v
        }
        other => vec![other],
    }
}

/// `if let P = a && c.await { T } else { E }` as `if`s one in the other, each `.await` then in
/// a condition of its own (edition 2024: the conditions' temporaries live through `T` and are
/// dropped before `E`, as here):
///
/// Input:  `if let P = a && c.await { T } else { E }`
/// Output: `'__chain: { if let P = a { if c.await { break '__chain T } } E }`
///
/// Without `else`, no labeled block is needed. With one, the conditions, `T` and `E` may not
/// `break` or `continue` without a label (a labeled block forbids it).
fn chain_as_nested_ifs(i: &syn::ExprIf) -> Result<syn::Expr> {
    let conds = conditions(&i.cond);
    let then = syn::Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: i.then_branch.clone(),
    });
    let Some((_, otherwise)) = &i.else_branch else {
        let mut nested = then;
        for c in conds.into_iter().rev() {
            nested = syn::parse_quote_spanned!(c.span()=> if #c { #nested });
        }
        return Ok(nested);
    };
    // (The conditions are inside the block too: `if let Some(k) = f(match x { 1 => break,
    // .. })`, fuzz seed 12817.)
    if unlabeled_jump(&i.then_branch)
        || unlabeled_jump_in_expr(otherwise)
        || conds.iter().any(|c| unlabeled_jump_in_expr(c))
    {
        return Err(syn::Error::new(
            i.if_token.span,
            "desugar lowers an `if let` chain that awaits as `if`s in a labeled block, where a \
             `break` or `continue` needs a label: label the loop it leaves (`'outer: loop`) and \
             write `break 'outer`",
        ));
    }
    let label = syn::Lifetime::new("'__chain", Span::mixed_site());
    // Written by the macro (its spans), so that `break 'label { .. }` is not linted as if the
    // user had written it.
    let mut nested: syn::Expr = syn::parse_quote!(break #label #then);
    for c in conds.into_iter().rev() {
        nested = syn::parse_quote_spanned!(c.span()=> if #c { #nested; });
    }
    Ok(syn::parse_quote_spanned!(i.span()=> #label: { #nested #otherwise }))
}

/// A `break` or `continue` without a label, outside loops, closures and `async` blocks of its
/// own: it would leave a loop around.
fn unlabeled_jump(block: &syn::Block) -> bool {
    unlabeled_jump_in_expr(&syn::Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: block.clone(),
    }))
}

fn unlabeled_jump_in_expr(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            self.0 |= b.label.is_none();
            syn::visit::visit_expr_break(self, b);
        }
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.0 |= c.label.is_none();
        }
        fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.visit_expr(&w.cond);
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.visit_expr(&f.expr);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut f = Find(false);
    syn::visit::Visit::visit_expr(&mut f, expr);
    f.0
}

fn has_let(expr: &syn::Expr) -> bool {
    !let_patterns(expr).is_empty()
}

/// The patterns of `let`s in an `if`/`while` condition.
fn let_patterns(cond: &syn::Expr) -> Vec<&syn::Pat> {
    match cond {
        syn::Expr::Let(l) => vec![&*l.pat],
        syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut v = let_patterns(&b.left);
            v.extend(let_patterns(&b.right));
            v
        }
        syn::Expr::Paren(p) => let_patterns(&p.expr),
        _ => Vec::new(),
    }
}

/// Ends the block of a rewritten loop (alone, or the last statement of a block) with the original
/// body, as a block statement. The body is put in as syntax rather than parsed again with the
/// rest of the loop: it is most of the function.
fn append_body(rewritten: &mut syn::Expr, body: &syn::Block) {
    let l = match rewritten {
        syn::Expr::Loop(l) => l,
        syn::Expr::Block(b) => match b.block.stmts.last_mut() {
            Some(syn::Stmt::Expr(syn::Expr::Loop(l), _)) => l,
            _ => unreachable!("the rewritten loop ends its block"),
        },
        _ => unreachable!("a rewritten loop"),
    };
    let body = syn::Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: body.clone(),
    });
    l.body.stmts.push(syn::Stmt::Expr(body, None));
}

/// `expr` without the parentheses around it, by reference.
fn unparen_ref(mut expr: &syn::Expr) -> &syn::Expr {
    while let syn::Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    expr
}

/// `expr` without the parentheses around it: where it moves to (a `let`'s value, a block's),
/// they are not needed, and would be linted.
fn unparen(mut expr: syn::Expr) -> syn::Expr {
    while let syn::Expr::Paren(p) = expr {
        expr = *p.expr;
    }
    expr
}

/// The line of the first token of `expr` from the source (lifted pieces, `__tmp0`, are not).
fn first_line(expr: &syn::Expr) -> Option<usize> {
    expr.to_token_stream()
        .into_iter()
        .map(|t| t.span())
        .find(|span| !span.byte_range().is_empty())
        .map(|span| span.start().line)
}
