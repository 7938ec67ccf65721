//! Which locals each suspension point keeps, and how (rustc's
//! `locals_live_across_suspend_points`, without types), computed over a control-flow graph of
//! the body: one node per statement, condition or suspension point, with the edges of `if`,
//! `match`, loops, `break`, `continue`, `return` and `?`.
//!
//! A local in scope at a suspension point is kept in that point's state when it is used after it
//! on some path (liveness, backward), or when it still holds a value whose drop must wait for the
//! end of its scope (initialization, forward). It is *pinned* — kept in place while the awaited
//! future runs, the operand reaching it through a reference — when the awaited expression
//! mentions it and it must survive the await.
//!
//! Without types, `x.m()` may move or borrow `x`. Where that matters the choice is written down
//! in [`Layout::notes`] for the CLI to show.

use super::mentions::{Leave, Method, Use};
use super::{Analysis, Block, BlockId, Expr, LocalId, PointId, Resolved, Stmt};
use crate::receivers::Mode;
use proc_macro2::LineColumn;
use std::collections::{BTreeSet, HashMap};
use syn::visit::Visit;

/// What one suspension point keeps.
#[derive(Default, Clone)]
pub struct Layout {
    /// Kept in the state, in declaration order (pinned ones included).
    pub kept: Vec<LocalId>,
    /// Kept in place and reached through a reference by the awaited expression.
    pub pinned: Vec<LocalId>,
    /// Moved into the awaited expression (not kept): carried from where the state is entered to
    /// where the future is built.
    pub consumed: Vec<LocalId>,
    /// Locals in slots in scope: the state keeps their drop guards.
    pub slotted: Vec<LocalId>,
    /// The locals in slots that the awaited expression or the code after the point uses: its
    /// arm reaches them in their slots. (The others may have moved out of theirs already.)
    pub slots_used: Vec<LocalId>,
    /// Of those in slots, the ones the state does not use but assigns before it suspends again
    /// (`x = f(x).await`, which took `x` out of its slot, `Analysis::refilled`): bound where
    /// they get their value.
    pub slots_assigned: Vec<LocalId>,
    /// Locals in scope that the state does not keep (moved, into the awaited future or before,
    /// or not given a value yet) and that the code after the point assigns before it suspends
    /// again (`buf = consume(buf).await`): declared again, without a value, where they were
    /// declared, so that the assignment has its binding and the value drops where it did.
    pub redeclared: Vec<LocalId>,
    /// Locals in scope moved on some paths here but not on all, and not used after: rustc
    /// drops them at the end of their scope if they are still there (a drop flag), which a slot
    /// does (`maybe_moved_slots`).
    pub maybe_moved: Vec<LocalId>,
    /// Locals to keep here that a later local of the same name hides: the code entering the
    /// state cannot name them, a slot holds them without their name (`shadowed_slots`).
    pub shadowed: Vec<LocalId>,
    /// Guesses the tool had to make, in words.
    pub notes: Vec<String>,
    /// Kept locals the expression of the `.await` moves before it (`operands_before`), each
    /// with the lifted operand it is held before (none: after all the locals): they drop with
    /// the operands, in the order the expression made them.
    pub operands: Vec<(LocalId, Option<LocalId>)>,
}

#[derive(Default)]
struct Node {
    uses: Vec<Resolved>,
    /// Locals given a (new) value here.
    defs: Vec<LocalId>,
    succ: Vec<usize>,
    point: Option<PointId>,
    /// A plain `x = value;` statement: an `Assign` use overwrites.
    plain_assign: bool,
    /// The statement or expression of the tree this node is (by address), for plain code.
    stmt: Option<usize>,
    /// The user code this node runs (the `syn` statement or expression, by address).
    code: Option<usize>,
    /// Where the jumps its uses are followed by go (`Resolved::leaves`).
    leave_targets: Vec<(Leave, usize)>,
    /// The targets that one jump of the code reaches, and nothing else of it (`if c { x = v;
    /// continue; }`): what runs on the path to that jump runs before the target does.
    single_jumps: Vec<usize>,
    /// Its code has a `break` or `continue` to outside it.
    jumps: bool,
    /// The local scrutinee this `match`/`if let` reads (`scrutinee_local`), which its arms
    /// whose patterns move all of it move (their entries are `moves` nodes).
    scrutinee: Option<LocalId>,
    /// This node is an arm's move of the local scrutinee (`Builder::moved_by`).
    moves: Option<LocalId>,
    /// The source lines of its code (first, last), for `--teach` and `--graph`.
    lines: Option<(usize, usize)>,
    /// What follows the code when it completes (a successor), if it can.
    falls_to: Option<usize>,
    /// What would follow code that always jumps (`break;`): not a successor, so nothing there
    /// is live here; but the forward analyses go on there, so that code after the jump, which
    /// nothing reaches but which is still written out, has states too.
    dead_next: Option<usize>,
}

impl Node {
    /// The successors for the forward analyses: with the code after a jump (`dead_next`).
    fn forward(&self) -> impl Iterator<Item = usize> + '_ {
        self.succ.iter().chain(&self.dead_next).copied()
    }

    /// Where control goes after use `u` of this node, if a jump out of the node follows it.
    fn leave_target(&self, u: &Resolved) -> Option<usize> {
        let leaves = u.leaves.as_ref()?;
        self.leave_targets
            .iter()
            .find(|(l, _)| l == leaves)
            .map(|&(_, t)| t)
    }

    /// Whether use `u` gives its local a new value on every path through the code that falls
    /// through: a plain `x = v;`, or an assignment that no condition or jump of the code's
    /// skips (`match e { (a, b) => { x = a; .. } }`).
    fn assigns(&self, u: &Resolved) -> bool {
        u.kind == Use::Assign
            && (self.plain_assign || (u.always && !u.captured && u.leaves.is_none() && !self.jumps))
    }

    /// The locals its code assigns on the way to `target` when its one jump there is the only
    /// way (`if c { x = v; continue; }`): they get a new value before the target runs.
    fn assigned_on_jump(&self, target: usize) -> impl Iterator<Item = LocalId> + '_ {
        let single = self.single_jumps.contains(&target);
        (self.uses.iter())
            .filter(move |u| single && u.kind == Use::Assign && u.always && !u.captured)
            .filter(move |u| self.leave_target(u) == Some(target))
            .map(|u| u.local)
    }
}

struct Graph {
    nodes: Vec<Node>,
    exit: usize,
}

/// A loop (or labeled block) `break` and `continue` can target.
struct Target {
    label: Option<String>,
    is_loop: bool,
    brk: usize,
    cont: usize,
}

struct Builder {
    nodes: Vec<Node>,
    targets: Vec<Target>,
    exit: usize,
}

impl Builder {
    fn node(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// A node for code without `.await`: falls through to `next`, and jumps where its
    /// `break`/`continue`/`return`/`?` go.
    fn plain(
        &mut self,
        uses: &[Resolved],
        defs: Vec<LocalId>,
        code: Code<'_>,
        next: usize,
    ) -> usize {
        let mut succ = Vec::new();
        let mut jumps = Jumps::default();
        match code {
            Code::Stmt(s) => jumps.visit_stmt(s),
            Code::Expr(e) | Code::Else(e) => jumps.visit_expr(e),
            Code::None => {}
        }
        if jumps.exits {
            succ.push(self.exit);
        }
        let mut jumps_to = Vec::new();
        for (label, is_continue) in jumps.found {
            let target = self.targets.iter().rev().find(|t| match &label {
                Some(l) => t.label.as_deref() == Some(l.as_str()),
                None => t.is_loop,
            });
            if let Some(t) = target {
                jumps_to.push(if is_continue { t.cont } else { t.brk });
            }
        }
        succ.extend(&jumps_to);
        // Code that never completes (`break;`, `return x`, a block ending in `continue`) does
        // not fall through: what follows it is not reached from it.
        let completes = match code {
            Code::Stmt(syn::Stmt::Expr(e, _)) | Code::Expr(e) => !crate::syntax::is_jump(e),
            Code::Stmt(syn::Stmt::Macro(m)) => !crate::syntax::is_panic(&m.mac),
            _ => true,
        };
        // (A panic, `panic!(..)` or a block ending in one, unwinds: its successor is the exit.)
        if !completes && succ.is_empty() {
            succ.push(self.exit);
        }
        let mut dead_next = None;
        let mut falls_to = None;
        if completes {
            succ.insert(0, next);
            falls_to = Some(next);
        } else {
            dead_next = Some(next);
        }
        // `x = value;` as a statement, or as the value of a block or arm (`buf = f(buf).await`
        // is lifted into `{ let __tmp0 = f(buf).await; buf = __tmp0 }`): on every path through
        // the node `x` gets a new value.
        let plain_assign = match code {
            Code::Stmt(syn::Stmt::Expr(e, _)) | Code::Expr(e) => is_plain_assign(e),
            _ => false,
        };
        let span = match code {
            Code::Stmt(s) => Some(syn::spanned::Spanned::span(s)),
            Code::Expr(e) | Code::Else(e) => Some(syn::spanned::Spanned::span(e)),
            Code::None => None,
        };
        // (A span of no length is the expansion's own code: no line of the source.)
        let lines = span
            .filter(|s| s.start() != s.end())
            .map(|s| (s.start().line, s.end().line));
        let code = match code {
            Code::Stmt(s) => Some(s as *const syn::Stmt as usize),
            Code::Expr(e) | Code::Else(e) => Some(e as *const syn::Expr as usize),
            Code::None => None,
        };
        let mut leave_targets: Vec<(Leave, usize)> = Vec::new();
        for leaves in uses.iter().filter_map(|u| u.leaves.as_ref()) {
            if leave_targets.iter().any(|(l, _)| l == leaves) {
                continue;
            }
            let target = match leaves {
                Leave::Return => Some(self.exit),
                Leave::Break(label) | Leave::Continue(label) => {
                    let is_continue = matches!(leaves, Leave::Continue(_));
                    self.targets
                        .iter()
                        .rev()
                        .find(|t| match label {
                            Some(l) => t.label.as_deref() == Some(l.as_str()),
                            None => t.is_loop,
                        })
                        .map(|t| if is_continue { t.cont } else { t.brk })
                }
            };
            if let Some(target) = target {
                leave_targets.push((leaves.clone(), target));
            }
        }
        let jumps = !jumps_to.is_empty();
        let single_jumps = (jumps_to.iter().copied())
            .filter(|&t| Some(t) != falls_to && jumps_to.iter().filter(|&&o| o == t).count() == 1)
            .collect();
        self.node(Node {
            uses: uses.to_vec(),
            defs,
            succ,
            point: None,
            plain_assign,
            stmt: None,
            code,
            leave_targets,
            single_jumps,
            jumps,
            falls_to,
            dead_next,
            lines,
            ..Node::default()
        })
    }

    /// A condition or scrutinee the lifting of `.await`s may have given the span of its whole
    /// `if`, `match` or loop (`for`'s `next()`): its first line is its own.
    fn head_line_only(&mut self, n: usize) {
        if let Some((first, _)) = self.nodes[n].lines {
            self.nodes[n].lines = Some((first, first));
        }
    }

    /// Where a pattern that moves all of a local scrutinee matches (`Some(v)` on `opt`), the
    /// local moves; a pattern that leaves part of it in place (`(_, n)`, `ref v`, `_`) does
    /// not move it.
    /// (The move is the scrutinee's code's, `scrutinee`, for `moving_uses`.)
    fn moved_by(
        &mut self,
        moved: &Resolved,
        scrutinee: &syn::Expr,
        pat: &syn::Pat,
        entry: usize,
    ) -> usize {
        // (What a unit variant leaves in place drops nothing: `None` moves it as `Some(x)`
        // does, as far as keeping it goes.)
        if super::mentions::drops_nothing_left(pat) {
            let mut u = moved.clone();
            u.kind = Use::Move;
            let n = self.plain(&[u], Vec::new(), Code::None, entry);
            self.nodes[n].code = Some(scrutinee as *const syn::Expr as usize);
            self.nodes[n].moves = Some(moved.local);
            n
        } else {
            entry
        }
    }

    fn block(&mut self, b: &Block, next: usize) -> usize {
        if let Some(label) = &b.label {
            self.targets.push(Target {
                label: Some(label.name.ident.to_string()),
                is_loop: false,
                brk: next,
                cont: next,
            });
        }
        let mut entry = next;
        if let Some(tail) = &b.tail {
            entry = self.expr(tail, entry);
        }
        for stmt in b.stmts.iter().rev() {
            entry = self.stmt(stmt, entry);
        }
        if b.label.is_some() {
            self.targets.pop();
        }
        if !b.bound.is_empty() {
            entry = self.plain(&[], b.bound.clone(), Code::None, entry);
        }
        entry
    }

    fn stmt(&mut self, stmt: &Stmt, next: usize) -> usize {
        match stmt {
            Stmt::Plain {
                stmt: code,
                uses,
                declares,
            } => {
                let n = self.plain(uses, declares.clone(), Code::Stmt(code), next);
                self.nodes[n].stmt = Some(stmt as *const Stmt as usize);
                n
            }
            Stmt::Let {
                local,
                init,
                else_uses,
                declares,
            } => {
                let else_block = local.init.as_ref().and_then(|i| i.diverge.as_ref());
                let code = match else_block {
                    Some((_, e)) => Code::Else(e),
                    None => Code::None,
                };
                let bind = self.plain(else_uses, declares.clone(), code, next);
                // (The `else` block's code, by address: `last_moves` are found for it.)
                self.nodes[bind].stmt = else_block.map(|(_, e)| &**e as *const syn::Expr as usize);
                self.expr(init, bind)
            }
            Stmt::Expr { expr, .. } => self.expr(expr, next),
        }
    }

    fn expr(&mut self, expr: &Expr, next: usize) -> usize {
        match expr {
            Expr::Plain(e, uses) => {
                let n = self.plain(uses, Vec::new(), Code::Expr(e), next);
                self.nodes[n].stmt = Some(expr as *const Expr as usize);
                n
            }
            Expr::Await(p) => self.node(Node {
                succ: vec![next, self.exit],
                point: Some(*p),
                ..Node::default()
            }),
            Expr::Block(b) => self.block(b, next),
            Expr::If {
                cond,
                uses,
                then,
                otherwise,
            } => {
                let (uses, moved) = match cond {
                    syn::Expr::Let(_) => scrutinee_local(cond, uses),
                    _ => (uses.clone(), None),
                };
                let mut then_entry = self.block(then, next);
                if let (Some(moved), syn::Expr::Let(l)) = (&moved, cond) {
                    then_entry = self.moved_by(moved, cond, &l.pat, then_entry);
                }
                let else_entry = match otherwise {
                    Some(e) => self.expr(e, next),
                    None => next,
                };
                let c = self.plain(&uses, Vec::new(), Code::Expr(cond), then_entry);
                self.head_line_only(c);
                self.nodes[c].succ.push(else_entry);
                self.nodes[c].scrutinee = moved.as_ref().map(|m| m.local);
                self.nodes[c].stmt = Some(cond as *const syn::Expr as usize);
                c
            }
            Expr::Match {
                scrutinee,
                uses,
                arms,
            } => {
                let (uses, moved) = scrutinee_local(scrutinee, uses);
                let mut entries = Vec::new();
                for arm in arms {
                    let mut entry = self.expr(&arm.body, next);
                    if let Some(moved) = &moved {
                        entry = self.moved_by(moved, scrutinee, &arm.pat, entry);
                    }
                    if let Some((guard, guard_uses)) = &arm.guard {
                        entry = self.plain(guard_uses, Vec::new(), Code::Expr(guard), entry);
                    }
                    entry = self.plain(&[], arm.bound.clone(), Code::None, entry);
                    entries.push(entry);
                }
                let s = self.plain(&uses, Vec::new(), Code::Expr(scrutinee), next);
                self.head_line_only(s);
                self.nodes[s].succ = entries;
                self.nodes[s].stmt = Some(scrutinee as *const syn::Expr as usize);
                self.nodes[s].scrutinee = moved.as_ref().map(|m| m.local);
                s
            }
            Expr::Loop { label, cond, body } => {
                let head = self.node(Node::default());
                self.targets.push(Target {
                    label: label.as_ref().map(|l| l.name.ident.to_string()),
                    is_loop: true,
                    brk: next,
                    cont: head,
                });
                let mut body_entry = self.block(body, head);
                self.targets.pop();
                match cond {
                    Some((c, uses)) => {
                        let (uses, moved) = match c {
                            syn::Expr::Let(_) => scrutinee_local(c, uses),
                            _ => (uses.clone(), None),
                        };
                        if let (Some(moved), syn::Expr::Let(l)) = (&moved, c) {
                            body_entry = self.moved_by(moved, c, &l.pat, body_entry);
                        }
                        let n = self.plain(&uses, Vec::new(), Code::Expr(c), body_entry);
                        self.head_line_only(n);
                        self.nodes[n].succ.push(next);
                        self.nodes[head].succ = vec![n];
                    }
                    None => self.nodes[head].succ = vec![body_entry],
                }
                head
            }
            Expr::Return(value) => {
                // Code after the `return` is still written out: it has states too.
                let ret = self.node(Node {
                    succ: vec![self.exit],
                    dead_next: Some(next),
                    ..Node::default()
                });
                match value {
                    Some(v) => self.expr(v, ret),
                    None => ret,
                }
            }
        }
    }
}

/// Where control can go next from `Start` and from each suspension point, without passing
/// another, and the source lines of the code it runs on the way: the edges of the state diagram
/// (`--teach`, `--graph`).
pub struct Step {
    pub next: BTreeSet<Next>,
    pub lines: BTreeSet<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Next {
    State(PointId),
    /// The body returns (its end, a `return`, a `?`).
    Done,
}

/// The steps from `Start` (first) and from each suspension point, in order.
pub fn steps(a: &Analysis) -> Vec<Step> {
    let g = graph(a);
    let awaits: BTreeSet<usize> = a.points.iter().map(|p| p.line).collect();
    let start = g.nodes.len() - 1;
    let mut from = vec![(start, None)];
    for (n, node) in g.nodes.iter().enumerate() {
        if let Some(p) = node.point {
            from.push((n, Some(p)));
        }
    }
    from.sort_by_key(|&(_, p)| p.map_or(0, |p| p + 1));
    from.into_iter()
        .map(|(n, p)| {
            let mut step = Step {
                next: BTreeSet::new(),
                lines: p.map(|p| a.points[p].line).into_iter().collect(),
            };
            // An `.await` goes on to what follows it; its other edge, to the exit, is the
            // future dropped there.
            let mut stack = vec![g.nodes[n].succ[0]];
            let mut seen = vec![false; g.nodes.len()];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                let node = &g.nodes[i];
                if i == g.exit {
                    step.next.insert(Next::Done);
                } else if let Some(q) = node.point {
                    step.next.insert(Next::State(q));
                } else {
                    step.lines.extend(node.lines.map_or(0..=0, |(first, last)| {
                        // Code spanning an `.await` is code the lifting wrote with the span of
                        // a whole construct (`for`'s `next()`): its first line is its own.
                        let spans_await =
                            last > first && awaits.range(first + 1..=last).next().is_some();
                        first..=if spans_await { first } else { last.max(first) }
                    }));
                    stack.extend(&node.succ);
                }
            }
            step.lines.remove(&0);
            // The `?` of `f().await?` returns the error.
            if p.is_some_and(|p| a.points[p].question) {
                step.next.insert(Next::Done);
            }
            step
        })
        .collect()
}

/// The scrutinee of a `match`, `if let` or `while let` when it is a local (`match x { .. }`):
/// the uses of the scrutinee with that local only read, and the use to move it with in the arms
/// whose patterns move all of it (`Builder::moved_by`).
/// (`if let` and `while let` give their `let`; a condition, `if flag { .. }`, is no scrutinee.)
fn scrutinee_local(scrutinee: &syn::Expr, uses: &[Resolved]) -> (Vec<Resolved>, Option<Resolved>) {
    let place = match scrutinee {
        syn::Expr::Let(l) => &*l.expr,
        _ => scrutinee,
    };
    match uses {
        [only] if super::mentions::is_plain_path(place) && only.kind == Use::Move => {
            let mut read = only.clone();
            read.kind = Use::Borrow;
            (vec![read], Some(only.clone()))
        }
        _ => (uses.to_vec(), None),
    }
}

/// `x = value`, `x` a local.
fn is_plain_assign(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Assign(a) if super::mentions::is_plain_path(&a.left))
}

enum Code<'a> {
    Stmt(&'a syn::Stmt),
    Expr(&'a syn::Expr),
    /// The `else` block of a `let ... else`: the node falls through where the pattern matches.
    Else(&'a syn::Expr),
    None,
}

/// The jumps out of a piece of code: `break`/`continue` (label, is continue) not caught by a
/// loop inside it, and whether it may return (`return`, `?`).
#[derive(Default)]
pub struct Jumps {
    pub found: Vec<(Option<String>, bool)>,
    pub exits: bool,
    loop_depth: usize,
    labels: Vec<String>,
}

impl<'ast> Visit<'ast> for Jumps {
    fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
        self.jump(b.label.as_ref(), false);
        syn::visit::visit_expr_break(self, b);
    }
    fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
        self.jump(c.label.as_ref(), true);
    }
    fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
        self.exits = true;
        syn::visit::visit_expr_return(self, r);
    }
    fn visit_expr_try(&mut self, t: &'ast syn::ExprTry) {
        self.exits = true;
        syn::visit::visit_expr_try(self, t);
    }
    fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
        self.inner_loop(l.label.as_ref(), |v| syn::visit::visit_expr_loop(v, l));
    }
    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.inner_loop(w.label.as_ref(), |v| syn::visit::visit_expr_while(v, w));
    }
    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.inner_loop(f.label.as_ref(), |v| syn::visit::visit_expr_for_loop(v, f));
    }
    fn visit_expr_block(&mut self, b: &'ast syn::ExprBlock) {
        if let Some(l) = &b.label {
            self.labels.push(l.name.ident.to_string());
            syn::visit::visit_expr_block(self, b);
            self.labels.pop();
        } else {
            syn::visit::visit_expr_block(self, b);
        }
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // `?` or `return` inside a macro's arguments.
        if crate::syntax::has_early_exit(m.tokens.clone()) {
            self.exits = true;
        }
    }
}

impl Jumps {
    fn jump(&mut self, label: Option<&syn::Lifetime>, is_continue: bool) {
        match label {
            Some(l) => {
                let name = l.ident.to_string();
                if !self.labels.contains(&name) {
                    self.found.push((Some(name), is_continue));
                }
            }
            None if self.loop_depth == 0 => self.found.push((None, is_continue)),
            None => {}
        }
    }

    fn inner_loop(&mut self, label: Option<&syn::Label>, walk: impl FnOnce(&mut Self)) {
        self.loop_depth += 1;
        if let Some(l) = label {
            self.labels.push(l.name.ident.to_string());
        }
        walk(self);
        if label.is_some() {
            self.labels.pop();
        }
        self.loop_depth -= 1;
    }
}

fn graph(a: &Analysis) -> Graph {
    let mut b = Builder {
        nodes: vec![Node::default()],
        targets: Vec::new(),
        exit: 0,
    };
    let entry = b.block(&a.body, 0);
    let start = b.node(Node {
        defs: a.params.clone(),
        succ: vec![entry],
        ..Node::default()
    });
    let _ = start;
    // Uses of an await node are its operand's.
    for node in &mut b.nodes {
        if let Some(p) = node.point {
            node.uses = a.points[p].uses.clone();
        }
    }
    let mut g = Graph {
        nodes: b.nodes,
        exit: 0,
    };
    settle_field_reads(a, &mut g);
    g
}

/// A field read by value (`p.n`, `Use::Field`) copies the field or moves it out, leaving `p`
/// partly moved, which a state cannot keep; a macro cannot see which. It is taken as a copy,
/// which keeps `p` whole to the end of its scope as rustc does, where something shows that it
/// is one (`Resolved::copies`: a number in arithmetic; the same field read twice on some
/// path: a moved field could not be), and as a move elsewhere, or
/// where no suspension point ahead has `p` in scope (the states cannot tell the two apart
/// there, and a move lets `p` leave its slot). A field guessed copied that moves does not
/// compile (E0382, E0507); one guessed moved that copies drops the rest of `p` early.
fn settle_field_reads(a: &Analysis, g: &mut Graph) {
    // (`job.value.unwrap_or(0)` with `value: Option<u32>`: a method that takes a `Copy` field
    // takes a copy, leaving its local whole.)
    for u in g.nodes.iter_mut().flat_map(|n| &mut n.uses) {
        if let (Use::Receiver(m), Some(field)) = (&u.kind, &u.field)
            && m.consumes()
        {
            let field = field.split('.').next().unwrap_or_default();
            let local = &a.locals[u.local];
            if local.copy_fields.iter().any(|f| f == field)
                || crate::defined::copy_field(&local.ident, field)
            {
                u.kind = Use::Borrow;
            }
        }
    }
    if !g
        .nodes
        .iter()
        .any(|n| n.uses.iter().any(|u| u.kind == Use::Field))
    {
        return;
    }
    let n = g.nodes.len();
    type Read = (LocalId, String);
    // Backward: the locals in scope at a suspension point reachable from after each node
    // before they are declared again, and the fields read after it before their local gets a
    // new value.
    let mut ahead_in: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let mut ahead_out: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let mut read_ahead_in: Vec<BTreeSet<Read>> = vec![BTreeSet::new(); n];
    let mut read_ahead_out: Vec<BTreeSet<Read>> = vec![BTreeSet::new(); n];
    let order = reverse_postorder(g);
    let mut changed = true;
    while changed {
        changed = false;
        for &i in order.iter().rev() {
            let node = &g.nodes[i];
            let succ = node.succ.iter().filter(|&&s| s != g.exit);
            let out: BTreeSet<LocalId> = succ
                .clone()
                .flat_map(|&s| ahead_in[s].iter().copied())
                .collect();
            let reads_out: BTreeSet<Read> = succ
                .flat_map(|&s| read_ahead_in[s].iter().cloned())
                .collect();
            let mut inn = out.clone();
            for d in &node.defs {
                inn.remove(d);
            }
            if let Some(p) = node.point {
                inn.extend(a.points[p].scope.iter().copied());
            }
            let given = |l: &LocalId| {
                node.defs.contains(l)
                    || node
                        .uses
                        .iter()
                        .any(|u| u.local == *l && u.kind == Use::Assign)
            };
            let mut reads_in: BTreeSet<Read> = reads_out
                .iter()
                .filter(|(l, _)| !given(l))
                .cloned()
                .collect();
            reads_in.extend(node.uses.iter().filter_map(field_read));
            if inn != ahead_in[i] || out != ahead_out[i] || reads_out != read_ahead_out[i] {
                ahead_in[i] = inn;
                ahead_out[i] = out;
                read_ahead_in[i] = reads_in;
                read_ahead_out[i] = reads_out;
                changed = true;
            }
        }
    }
    // Forward: the fields read on some path to each node since their local got its value.
    let mut read_in: Vec<BTreeSet<Read>> = vec![BTreeSet::new(); n];
    changed = true;
    while changed {
        changed = false;
        for &i in &order {
            let node = &g.nodes[i];
            let mut out = read_in[i].clone();
            for u in &node.uses {
                if u.kind == Use::Assign {
                    out.retain(|(l, _)| *l != u.local);
                }
            }
            out.extend(node.uses.iter().filter_map(field_read));
            out.retain(|(l, _)| !node.defs.contains(l));
            for &s in &node.succ {
                if s != g.exit && !out.is_subset(&read_in[s]) {
                    read_in[s].extend(out.iter().cloned());
                    changed = true;
                }
            }
        }
    }
    let mut moved_fields: std::collections::BTreeMap<LocalId, BTreeSet<String>> =
        Default::default();
    for (i, node) in g.nodes.iter_mut().enumerate() {
        // (A `move` closure captures a field once, however often it names it: its reads by
        // value there count, or else one.)
        let keyed = |u: &Resolved| Some((u.capture, field_read(u)?));
        let by_value: BTreeSet<_> = (node.uses.iter())
            .filter(|u| !u.captured_by_value)
            .filter_map(keyed)
            .collect();
        let mut captured = BTreeSet::new();
        let reads: Vec<Read> = (node.uses.iter())
            .filter(|u| {
                !u.captured_by_value
                    || keyed(u).is_some_and(|k| !by_value.contains(&k) && captured.insert(k))
            })
            .filter_map(field_read)
            .collect();
        for u in &mut node.uses {
            let Some(key) = field_read(u) else { continue };
            let ahead = match node.point {
                // (Its own state keeps what is in scope.)
                Some(p) => a.points[p].scope.contains(&u.local),
                None => ahead_out[i].contains(&u.local),
            };
            // (A field read twice, on some path, was not moved by the first read: the code
            // would not compile.)
            let again = read_in[i].contains(&key)
                || read_ahead_out[i].contains(&key)
                || reads.iter().filter(|r| **r == key).count() > 1;
            // (`Pair { n: 5, .. }`: `p.n` is a number; `p: Pair` where the crate declares
            // `struct Pair { n: u32, .. }`.)
            let local = &a.locals[u.local];
            let literal = local.copy_fields.contains(&key.1)
                || crate::defined::copy_field(&local.ident, &key.1);
            if !ahead || !(u.copies || again || literal) {
                u.kind = Use::Move;
                if !(literal || u.copies) {
                    let field = key.1.split('.').next().unwrap_or_default().to_string();
                    moved_fields.entry(u.local).or_default().insert(field);
                }
            }
        }
    }
    // A local a field is moved out of cannot be kept (a state cannot hold what is left of it).
    // Where the crate declares every other field of its struct `Copy`, nothing is left that
    // drops: its copied fields read after the move (on some path, or in the same code) are
    // read as moves of it too, so that it is not kept at all. Reads before the move leave it
    // whole: it lives on to the move, or to the end of its scope on the paths without one.
    // (Otherwise it is kept, and the expansion does not compile: E0382.)
    let moved_before = field_moves_before(g, &moved_fields);
    for (i, node) in g.nodes.iter_mut().enumerate() {
        // (A move in another branch of an `if` or `match` than the read's, or written after
        // it, is not before it.)
        let moved_here: Vec<Resolved> = (node.uses.iter())
            .filter(|u| u.kind == Use::Move && u.field.is_some())
            .cloned()
            .collect();
        for u in &mut node.uses {
            let here = moved_here.iter().any(|m| {
                m.local == u.local
                    && !super::mentions::exclusive(&m.branch, &u.branch)
                    && position(m.span.start()) < position(u.span.start())
            });
            if u.kind == Use::Field
                && (moved_before[i].contains(&u.local) || here)
                && let Some(moved) = moved_fields.get(&u.local)
                && crate::defined::rest_is_copy(&a.locals[u.local].ident, moved)
            {
                u.kind = Use::Move;
            }
            // (`p.a.send()`, where `send` consumes `p.a`: that takes all of `p`, if what is left
            // drops nothing.)
            if let (Use::Receiver(m), Some(field)) = (&u.kind, &u.field)
                && m.consumes()
            {
                let field = field.split('.').next().unwrap_or_default().to_string();
                let mut moved = moved_fields.get(&u.local).cloned().unwrap_or_default();
                moved.insert(field);
                if crate::defined::rest_is_copy(&a.locals[u.local].ident, &moved) {
                    u.kind = Use::Move;
                }
            }
        }
    }
}

/// Per node, the locals of `moved_fields` that a field moved out of on some path before it.
fn field_moves_before(
    g: &Graph,
    moved_fields: &std::collections::BTreeMap<LocalId, BTreeSet<String>>,
) -> Vec<BTreeSet<LocalId>> {
    let mut before: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); g.nodes.len()];
    let order = reverse_postorder(g);
    let mut changed = true;
    while changed {
        changed = false;
        for &i in &order {
            let node = &g.nodes[i];
            let mut kept = before[i].clone();
            kept.retain(|l| !node.defs.contains(l));
            let moves = (node.uses.iter())
                .filter(|u| u.kind == Use::Move && u.field.is_some())
                .filter(|u| moved_fields.contains_key(&u.local));
            for &s in &node.succ {
                // (A move followed by a jump, `if c { break 'b p.a; }`, is on the jump's path
                // only.)
                let mut out = kept.clone();
                out.extend(
                    (moves.clone())
                        .filter(|u| node.leave_target(u).is_none_or(|t| t == s))
                        .map(|u| u.local),
                );
                if s != g.exit && !out.is_subset(&before[s]) {
                    before[s].extend(out.iter().copied());
                    changed = true;
                }
            }
        }
    }
    before
}

/// Where the code copies a field of a local (`x.n`, a read `settle_field_reads` left a
/// read): a statement that moves the local out of its slot does not take it there.
pub fn field_copies(a: &Analysis) -> std::collections::HashSet<proc_macro2::LineColumn> {
    let g = graph(a);
    (g.nodes.iter().flat_map(|n| &n.uses))
        .filter(|u| u.kind == Use::Field)
        .map(|u| u.span.start())
        .collect()
}

/// The local and fields a field read by value reads.
fn field_read(u: &Resolved) -> Option<(LocalId, String)> {
    match (&u.kind, &u.field) {
        (Use::Field, Some(f)) => Some((u.local, f.clone())),
        _ => None,
    }
}

/// The nodes reachable from the start (the last node), through the code after jumps too
/// (`Node::dead_next`), in reverse postorder: each before its successors, but for loop back
/// edges. The exit node is left out.
fn reverse_postorder(g: &Graph) -> Vec<usize> {
    let n = g.nodes.len();
    let start = n - 1;
    let mut seen = vec![false; n];
    let mut post = Vec::with_capacity(n);
    // Iterative depth-first search: (node, index of the next successor to visit).
    let mut stack = vec![(start, 0)];
    seen[start] = true;
    while let Some(&mut (node, ref mut next)) = stack.last_mut() {
        match g.nodes[node].forward().nth(*next) {
            Some(s) => {
                *next += 1;
                if s != g.exit && !seen[s] {
                    seen[s] = true;
                    stack.push((s, 0));
                }
            }
            None => {
                post.push(node);
                stack.pop();
            }
        }
    }
    post.reverse();
    post
}

/// Locals used after each node on some path before being overwritten: on entry to it and on
/// exit from it.
struct Liveness {
    live_in: Vec<BTreeSet<LocalId>>,
    live_out: Vec<BTreeSet<LocalId>>,
}

impl Liveness {
    /// Whether use `u` of node `i` is the last of its local on its path: it is not used after
    /// the node or, if a jump out of the node follows the use, after where the jump goes. (A
    /// method call followed by a jump is taken as a use followed by the rest of the node, unless
    /// it is the jump's value: only there does a `return` or `break` show that it moves.)
    fn dead_after(&self, g: &Graph, i: usize, u: &Resolved) -> bool {
        let target = match u.kind {
            Use::Receiver(_) if !u.jump_value => None,
            _ => g.nodes[i].leave_target(u),
        };
        match target {
            Some(target) => !self.live_in[target].contains(&u.local),
            None => !self.live_out[i].contains(&u.local),
        }
    }
}

/// Live-out sets: locals used after each node on some path before being overwritten.
fn liveness(g: &Graph) -> Vec<BTreeSet<LocalId>> {
    live_sets(g).live_out
}

fn live_sets(g: &Graph) -> Liveness {
    let n = g.nodes.len();
    let mut live_in: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let mut live_out: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    // Backward: successors before predecessors (postorder), then any unreachable code, so that
    // each sweep carries facts as far as they go and a few sweeps suffice.
    let order = reverse_postorder(g);
    let mut reached = vec![false; n];
    for &i in &order {
        reached[i] = true;
    }
    let sweep: Vec<usize> = order
        .iter()
        .rev()
        .copied()
        .chain((0..n).rev().filter(|&i| !reached[i]))
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for &i in &sweep {
            let node = &g.nodes[i];
            let mut out = BTreeSet::new();
            for &s in node.succ.iter().filter(|&&s| s != g.exit) {
                let assigned: Vec<LocalId> = node.assigned_on_jump(s).collect();
                out.extend(live_in[s].iter().filter(|id| !assigned.contains(id)));
            }
            // live-in = used here before being overwritten, plus live-out minus what is
            // (re)defined here.
            let mut inn = out.clone();
            for d in &node.defs {
                inn.remove(d);
            }
            let mut assigned = BTreeSet::new();
            let mut used = BTreeSet::new();
            for u in &node.uses {
                // (An assignment on some paths only, `if c { x = v }`, reads nothing: `x` is
                // live before it only if what follows reads it.)
                if u.kind == Use::Assign {
                    if node.assigns(u) {
                        assigned.insert(u.local);
                    }
                } else if !assigned.contains(&u.local) {
                    used.insert(u.local);
                }
            }
            for a in &assigned {
                inn.remove(a);
            }
            inn.extend(used);
            if inn != live_in[i] || out != live_out[i] {
                live_in[i] = inn;
                live_out[i] = out;
                changed = true;
            }
        }
    }
    Liveness { live_in, live_out }
}

/// Whether a local still holds a value.
#[derive(Clone, PartialEq, Debug)]
enum Init {
    Yes,
    /// Given a value, then used as the receiver of `x.method()`, called at `line`, a method not
    /// known to borrow or to consume it: assumed to borrow it (and checked, `receiver_checks`).
    Unknown {
        method: String,
        line: usize,
    },
    /// Moved on some paths here and not on others: rustc keeps a drop flag and drops the value,
    /// if it is still there, at the end of its scope.
    Maybe,
    /// Not kept at a suspension point it was alive at (an unused borrow, a shadowed local):
    /// dropped there on this path, so on every path past a join.
    Gone,
    No,
}

fn meet(a: &Init, b: &Init) -> Init {
    match (a, b) {
        (Init::No, Init::No) => Init::No,
        (Init::Gone, _) | (_, Init::Gone) => Init::Gone,
        (Init::No | Init::Maybe, _) | (_, Init::No | Init::Maybe) => Init::Maybe,
        (Init::Unknown { .. }, _) => a.clone(),
        (_, Init::Unknown { .. }) => b.clone(),
        _ => Init::Yes,
    }
}

/// Two states of the locals where their paths meet.
fn meet_states(a: &HashMap<LocalId, Init>, b: &HashMap<LocalId, Init>) -> HashMap<LocalId, Init> {
    let mut m = a.clone();
    for (k, v) in b {
        let joined = match a.get(k) {
            Some(o) => meet(o, v),
            None => v.clone(),
        };
        m.insert(*k, joined);
    }
    m
}

fn transfer_use(state: &mut HashMap<LocalId, Init>, u: &Resolved, assigns: bool) {
    let current = state.get(&u.local).cloned().unwrap_or(Init::No);
    // A move or assignment on some paths through the node only: as if the paths met after it.
    let sometimes = |after: Init| {
        if u.conditional {
            meet(&current, &after)
        } else {
            after
        }
    };
    let next = match &u.kind {
        Use::Borrow | Use::Field => current,
        Use::Move => sometimes(Init::No),
        // (`assigns`: the assignment runs on every path on, `Node::assigns`.)
        Use::Assign if assigns => Init::Yes,
        Use::Assign => current,
        Use::Receiver(m) if m.borrows() => current,
        Use::Receiver(m) if m.consumes() => sometimes(Init::No),
        Use::Receiver(m) => match current {
            Init::No | Init::Maybe | Init::Gone => current,
            _ => Init::Unknown {
                method: m.name.clone(),
                line: u.span.start().line,
            },
        },
    };
    state.insert(u.local, next);
}

pub fn layouts(a: &Analysis) -> Vec<Layout> {
    let g = graph(a);
    let live_out = liveness(&g);
    let ahead = assigned_ahead(&g, true);
    let n = g.nodes.len();
    let point_node: HashMap<PointId, usize> = g
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| node.point.map(|p| (p, i)))
        .collect();
    let mut layouts = vec![Layout::default(); a.points.len()];
    let mutations = mutations(&g);

    // Forward: initialization; decisions at each point depend on it, and feed it back (a local
    // not kept at a point is gone after it).
    let mut state_in: Vec<Option<HashMap<LocalId, Init>>> = vec![None; n];
    // (What code reached only after a jump holds, `Node::dead_next`: that code is written too,
    // and its states need layouts, but what it holds never reaches live code.)
    let mut dead_in: Vec<Option<HashMap<LocalId, Init>>> = vec![None; n];
    let start = n - 1;
    state_in[start] = Some(HashMap::new());
    // The worklist is taken in reverse postorder, so that a node is visited after its
    // predecessors (but for loop back edges): each loop settles before the code after it, and
    // the analysis stays linear in the size of the function.
    let order = reverse_postorder(&g);
    let mut rank = vec![usize::MAX; n];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let mut work: BTreeSet<usize> = BTreeSet::from([rank[start]]);
    while let Some(r) = work.pop_first() {
        let i = order[r];
        let live = state_in[i].is_some();
        let mut state = (state_in[i].clone())
            .or_else(|| dead_in[i].clone())
            .unwrap_or_default();
        let node = &g.nodes[i];
        if let Some(p) = node.point {
            let layout = decide(
                a,
                p,
                &state,
                &live_out[i],
                &ahead[i],
                &node.uses,
                &mutations,
            );
            // What is out of scope here can only be used again after being declared again:
            // forgetting it keeps the states small (and the analysis linear).
            let scope = &a.points[p].scope;
            state.retain(|id, _| scope.contains(id));
            for &id in scope {
                // (A local moved on some paths only is not dropped here: it gets a slot with
                // a drop flag, `maybe_moved_slots`; nor is one a later local of its name hides,
                // which gets a slot too, `shadowed_slots`.)
                // (A `Copy` one moved on some paths needs no drop flag: moved into the awaited
                // expression, fuzz seed 12916.)
                let flagged = layout.maybe_moved.contains(&id) && !a.locals[id].copied();
                if !layout.kept.contains(&id) && !flagged && !layout.shadowed.contains(&id) {
                    // (Moved into the awaited expression: no value; else dropped here.)
                    let gone = !layout.consumed.contains(&id)
                        && !matches!(state.get(&id), None | Some(Init::No));
                    state.insert(id, if gone { Init::Gone } else { Init::No });
                }
            }
            layouts[p] = layout;
        }
        // (A use followed by a jump, `if c { break 'b vec![x]; }`, happens on the path to the
        // jump's target only: the code that falls through still holds `x`.)
        let mut leaving: Vec<(usize, HashMap<LocalId, Init>)> = Vec::new();
        if node.point.is_none() {
            let before = state.clone();
            for u in &node.uses {
                match node.leave_target(u) {
                    Some(t) if t != g.exit => {
                        let at = match leaving.iter().position(|(l, _)| *l == t) {
                            Some(at) => at,
                            None => {
                                leaving.push((t, before.clone()));
                                leaving.len() - 1
                            }
                        };
                        let mut taken = u.clone();
                        taken.conditional = false;
                        // (An assignment in the block that ends in the jump gives the value.)
                        transfer_use(&mut leaving[at].1, &taken, u.always);
                    }
                    Some(_) => {}
                    None => transfer_use(&mut state, u, node.assigns(u)),
                }
            }
            for &d in &node.defs {
                let local = &a.locals[d];
                state.insert(d, if local.uninit { Init::No } else { Init::Yes });
            }
        }
        for s in node.forward() {
            if s == g.exit {
                continue;
            }
            let left = leaving.iter().find(|(t, _)| *t == s).map(|(_, st)| st);
            // (Two jumps there, `if a { drop(x); continue; } if b { continue; }`: the other
            // one's path is taken as the fall-through's.)
            let state = match left {
                Some(left) if node.falls_to == Some(s) || !node.single_jumps.contains(&s) => {
                    meet_states(&state, left)
                }
                Some(left) => left.clone(),
                None => state.clone(),
            };
            let dead = !live || !node.succ.contains(&s);
            let target = if dead {
                &mut dead_in[s]
            } else {
                &mut state_in[s]
            };
            let merged = match &*target {
                None => state,
                Some(old) => meet_states(old, &state),
            };
            if target.as_ref() != Some(&merged) {
                *target = Some(merged);
                work.insert(rank[s]);
            }
        }
    }
    for (p, &i) in &point_node {
        if let Some(state) = state_in[i].as_ref().or(dead_in[i].as_ref()) {
            layouts[*p] = decide(
                a,
                *p,
                state,
                &live_out[i],
                &ahead[i],
                &g.nodes[i].uses,
                &mutations,
            );
            layouts[*p].operands = operands_before(a, *p, &g, i, &layouts[*p]);
        }
    }
    layouts
}

/// A place in the source, ordered as the code is written.
fn position(at: LineColumn) -> (usize, usize) {
    (at.line, at.column)
}

/// The kept locals that the code right after point `p` (node `i`) moves, written before the
/// `.await` in the expression that uses its value: `Pair { a: a, n: f().await }`. rustc moved
/// them into the expression's temporaries before it suspended, so they drop first if the future
/// is dropped there (`Layout::operands`).
fn operands_before(
    a: &Analysis,
    p: PointId,
    g: &Graph,
    i: usize,
    layout: &Layout,
) -> Vec<(LocalId, Option<LocalId>)> {
    let at = a.points[p].span.start();
    // The first node after it that runs code (besides the exit, where the future is dropped),
    // and the locals given the value of the `.await` on the way.
    let mut next = i;
    let mut value: Vec<LocalId> = Vec::new();
    loop {
        value.extend(&g.nodes[next].defs);
        let succ: Vec<usize> = (g.nodes[next].succ.iter().copied())
            .filter(|&s| s != g.exit)
            .collect();
        let [s] = succ[..] else {
            return Vec::new();
        };
        next = s;
        if !g.nodes[s].uses.is_empty() || g.nodes[s].point.is_some() {
            break;
        }
    }
    let uses = &g.nodes[next].uses;
    if at.line == 0 || !uses.iter().any(|u| value.contains(&u.local)) {
        return Vec::new();
    }
    let mut out: Vec<(LocalId, Option<LocalId>)> = Vec::new();
    for u in uses {
        let moved_at = position(u.span.start());
        if u.kind == Use::Move
            && !u.captured
            && moved_at < position(at)
            && (layout.kept.contains(&u.local) || layout.slotted.contains(&u.local))
            && !a.locals[u.local].copied()
            // (The temporaries lifted out of the expression are ordered where they are made.)
            && a.locals[u.local].holds.is_none()
            && !out.iter().any(|&(id, _)| id == u.local)
        {
            // Before the first operand made after it.
            let next = a.points[p].scope.iter().copied().find(|&id| {
                let local = &a.locals[id];
                local.operand && local.made_at.is_some_and(|m| position(m) > moved_at)
            });
            out.push((u.local, next));
        }
    }
    out
}

/// Where the code changes a local: assigns it, moves it (whether a move, not a copy), or calls a
/// method of std's collections and strings that takes it by `&mut` (`clear`, `push`, ..).
fn mutations(g: &Graph) -> Vec<(LocalId, proc_macro2::LineColumn, bool)> {
    let mutating = |m: &super::mentions::Method| {
        let name = m.to_string();
        matches!(
            name.as_str(),
            "clear"
                | "push"
                | "push_str"
                | "push_back"
                | "push_front"
                | "pop"
                | "pop_back"
                | "pop_front"
                | "insert"
                | "remove"
                | "truncate"
                | "extend"
                | "extend_from_slice"
                | "drain"
                | "retain"
                | "sort"
                | "sort_by"
                | "sort_by_key"
                | "sort_unstable"
                | "dedup"
                | "reverse"
                | "swap"
                | "fill"
                | "append"
                | "resize"
                | "split_off"
                | "get_mut"
                | "iter_mut"
                | "as_mut"
                | "clone_from"
        ) || name.starts_with("set_")
    };
    // (A field read, `p.n`, copies it or moves that field only.)
    (g.nodes.iter().flat_map(|n| &n.uses))
        .filter(|u| match &u.kind {
            Use::Move => u.field.is_none(),
            Use::Assign => true,
            Use::Receiver(m) => mutating(m),
            Use::Borrow | Use::Field => false,
        })
        .map(|u| (u.local, u.span.start(), u.kind == Use::Move))
        .collect()
}

/// What point `p` keeps, given which locals hold values when it is reached and which are used
/// after it.
fn decide(
    a: &Analysis,
    p: PointId,
    state: &HashMap<LocalId, Init>,
    live: &BTreeSet<LocalId>,
    assigned: &BTreeSet<LocalId>,
    uses: &[Resolved],
    mutations: &[(LocalId, proc_macro2::LineColumn, bool)],
) -> Layout {
    let point = &a.points[p];
    let mut layout = Layout::default();
    // Kept in place only because the awaited expression calls a method through them or copies
    // their fields: the future it builds does not borrow them.
    let mut unborrowed = Vec::new();
    for &id in &point.scope {
        let local = &a.locals[id];
        if local.slot.is_some() {
            // Reached in place in every state; never moves. Its drop guard is kept.
            layout.slotted.push(id);
            if live.contains(&id) || uses.iter().any(|u| u.local == id) {
                layout.slots_used.push(id);
            }
            if !live.contains(&id) && assigned.contains(&id) {
                layout.slots_assigned.push(id);
            }
            continue;
        }
        let name = local.ident.to_string();
        let by_reference = local.captured_by_reference();
        let in_operand: Vec<&Use> = uses
            .iter()
            .filter(|m| m.local == id && !(m.kind == Use::Move && m.captured && by_reference))
            .map(|m| &m.kind)
            .collect();
        // Used by value only inside a closure or async block without `move`, which captures a
        // `Copy` value or a reference by reference.
        let captured = in_operand.is_empty()
            && uses
                .iter()
                .any(|m| m.local == id && m.kind == Use::Move && m.captured);
        let is_live = live.contains(&id);
        let init = state.get(&id).cloned().unwrap_or(Init::No);
        let mut keep;
        let mut pin = false;
        if !in_operand.is_empty() {
            // (Reading a field through a reference leaves nothing behind to drop.)
            let moves = in_operand
                .iter()
                .any(|k| **k == Use::Move || (**k == Use::Field && local.is_reference));
            let receivers: Vec<&Method> = in_operand
                .iter()
                .filter_map(|k| match k {
                    Use::Receiver(m) => Some(m),
                    _ => None,
                })
                .collect();
            // (A `Copy` local that a closure or `async` block without `move` in the awaited
            // expression uses borrows it, whatever the expression copies of it besides:
            // `ready(k).map(|v| v + k)`.)
            // (So does one that such a closure calls a borrowing method of or borrows:
            // `ready(s.factor).map(|x| x * s.clone().factor)`.)
            let borrowed_by_capture = uses.iter().any(|m| {
                m.local == id
                    && m.captured
                    && match &m.kind {
                        Use::Move => local.copied(),
                        Use::Receiver(r) => r.borrows(),
                        Use::Borrow => true,
                        Use::Field | Use::Assign => false,
                    }
            });
            if is_live || borrowed_by_capture {
                keep = true;
                pin = true;
                if local.is_reference
                    && !local.mut_reference
                    && !local.mutable
                    && in_operand
                        .iter()
                        .all(|k| matches!(k, Use::Receiver(_) | Use::Move | Use::Field))
                {
                    unborrowed.push(id);
                }
                if in_operand.iter().all(|k| **k == Use::Field) {
                    unborrowed.push(id);
                }
            } else if moves
                && uses
                    .iter()
                    .all(|m| m.local != id || m.kind != Use::Move || m.captured)
            {
                keep = false;
                layout.notes.push(format!(
                    "`{name}` is used by value in a closure or async block without `move`, which \
                     takes it by value unless it is `Copy`; its type does not show that it is, so \
                     it is assumed moved into the awaited future (if it is `Copy`, the expansion \
                     fails to compile with E0597: give it a type or write `async move`)"
                ));
            } else if moves
                // (A reference a method is called through is copied into the call, unless the
                // expression also borrows the reference itself: `Some(&self)`, or the binding is
                // `mut` and the method may borrow the reference itself mutably, `mut input: &[u8]`
                // and `input.read_u8()`.)
                || (!receivers.is_empty()
                    && local.is_reference
                    && (local.mut_reference || !local.mutable)
                    && (local.mut_reference
                        || !uses.iter().any(|m| {
                            m.local == id && m.kind == Use::Borrow && m.field.is_none()
                        })))
                || receivers.iter().any(|m| m.consumes())
                // `f()`: what a call returns cannot borrow a closure or function (`FnOnce`
                // takes it), except an `async` closure's future; a closure calling `f` borrows
                // it (`|| f(x)`).
                || (receivers.iter().any(|m| m.is_called()) && !local.async_closure && called_directly(a, p, id))
            {
                keep = false;
                // Moved on some paths through the awaited expression only (`f(if c { Some(x)
                // } else { None }).await`): what is left lives to the end of its scope, in a
                // slot the expression can take it out of (its one use, `point_moves`).
                let mentions: Vec<&Resolved> = uses.iter().filter(|m| m.local == id).collect();
                let sometimes = matches!(mentions[..], [m]
                    if m.kind == Use::Move && m.conditional && !m.nested);
                if sometimes && matches!(init, Init::Yes | Init::Maybe) {
                    layout.maybe_moved.push(id);
                }
            } else {
                keep = true;
                pin = true;
                if in_operand.iter().all(|k| **k == Use::Field) {
                    unborrowed.push(id);
                }
                if let Some(m) = receivers.iter().find(|m| !m.borrows()) {
                    layout.notes.push(format!(
                        "`{name}.{m}(..)` in the awaited expression is assumed to borrow `{name}` \
                         (kept in place); if `{m}` takes `self` by value the expansion fails to \
                         compile (E0507)"
                    ));
                }
            }
        } else if captured {
            keep = true;
            pin = true;
        } else if is_live {
            // Used later, so it holds a value: a by-value use before was a copy.
            keep = true;
        } else {
            match init {
                // (A reference not used after has nothing to drop: not kept, which a `&mut`
                // reborrowed for its whole lifetime needs, `Qs::new(&mut this.conn)` returned.)
                Init::Yes => keep = !local.is_reference,
                Init::No | Init::Gone => keep = false,
                Init::Maybe => {
                    keep = false;
                    layout.maybe_moved.push(id);
                }
                // A reference has nothing to drop: whether the method borrowed it or not, it
                // need not be kept (keeping a `&mut` would conflict with its reborrows).
                Init::Unknown { .. } if local.is_reference => keep = false,
                Init::Unknown { method, line } => {
                    keep = true;
                    layout.notes.push(format!(
                        "`{name}.{method}(..)` (line {line}) is assumed to borrow `{name}`, which is \
                         kept to the end of its scope; if `{method}` takes `self` by value, the \
                         expansion fails to compile"
                    ));
                }
            }
        }
        if keep && !is_live && !pin && local.drops_nothing {
            // (Unused, and its drop does nothing: rustc does not keep it either.)
            keep = false;
        } else if keep && !is_live && !pin {
            // (A source that can have a slot gets one, `slot_locals`: the borrow stays valid in
            // the state, and the destructor runs where rustc runs it.)
            // (Nor where the code changes the source after the local is made, `let words =
            // line.split_whitespace(); .. line.clear();`: natively the borrow ends at its last
            // use, so dropping the local cannot need it, and it drops nothing that shows.)
            let made = local.ident.span().start();
            // (A `Copy` local used by value is only read.)
            let changed = |src: LocalId| {
                (mutations.iter()).any(|&(m, at, moved)| {
                    m == src
                        && !(moved && a.locals[src].copied())
                        && (at.line, at.column) > (made.line, made.column)
                })
            };
            let source = borrowed_from(a, id).into_iter().find(|&src| {
                src != id
                    && (!can_have_slot(a, src) || changed(src))
                    && point.scope.contains(&src)
                    && (live.contains(&src) || uses.iter().any(|m| m.local == src))
            });
            if let Some(source) = source {
                let src = &a.locals[source].ident;
                layout.notes.push(format!(
                    "`{name}` may borrow `{src}` and is not used after this point, so it is not \
                     kept (rustc does not keep an unused borrow either); if it has a destructor, \
                     that runs here instead of at the end of its scope"
                ));
                keep = false;
            }
        }
        if keep && shadowed(a, p, id) {
            layout.shadowed.push(id);
            layout.notes.push(format!(
                "`{name}` is shadowed by a later `{name}` but not yet dropped; the expansion \
                 cannot name it, so it is dropped here instead of at the end of its scope"
            ));
            continue;
        }
        if keep {
            layout.kept.push(id);
            if pin {
                layout.pinned.push(id);
            }
        } else if !in_operand.is_empty() {
            layout.consumed.push(id);
        }
        // (A later local of its name in an inner block hides it only there: `let buf; ..
        // { let buf = ..; } buf = v;`.)
        if !keep && assigned.contains(&id) && !shadowed_in(a, p, id, Some(a.locals[id].block)) {
            layout.redeclared.push(id);
        }
    }
    // A method called through a shared reference (`self.items.len()` with `&self`) borrows
    // what the reference points to, not the local, and a copied field borrows nothing: where the awaited future can be built as
    // the state is entered (`lower::eager`), the reference is copied into it and the state keeps
    // it as any other local.
    if !layout.pinned.is_empty()
        && layout.pinned.iter().all(|id| unborrowed.contains(id))
        && builds_anywhere(a, p)
    {
        layout.pinned.clear();
    }
    layout
}

/// Whether point `p`'s awaited expression has the same type wherever it is written (no
/// closure, `async` block or macro, whose types or expansions differ from copy to copy) and
/// names no local in a slot.
pub fn builds_anywhere(a: &Analysis, p: PointId) -> bool {
    struct Anonymous(bool);
    impl<'ast> Visit<'ast> for Anonymous {
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            self.0 = true;
        }
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {
            self.0 = true;
        }
        fn visit_macro(&mut self, _: &'ast syn::Macro) {
            self.0 = true;
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {
            self.0 = true;
        }
    }
    let point = &a.points[p];
    let mut anonymous = Anonymous(false);
    anonymous.visit_expr(&point.operand);
    !anonymous.0 && !point.uses.iter().any(|u| a.locals[u.local].slot.is_some())
}

/// The `let x;` statements (by address) whose locals get no value before the code suspends: the
/// state of that code would declare them without anything to infer their type from. They are
/// declared where they get their value, in a later state (`Layout::redeclared`).
pub fn declared_for_later(a: &Analysis) -> std::collections::HashSet<usize> {
    let mut out = std::collections::HashSet::new();
    if !a.locals.iter().any(|l| l.uninit) {
        return out;
    }
    let g = graph(a);
    let ahead = assigned_ahead(&g, true);
    for (i, node) in g.nodes.iter().enumerate() {
        let Some(key) = node.stmt else { continue };
        let uninit = !node.defs.is_empty() && node.defs.iter().all(|&d| a.locals[d].uninit);
        if uninit && node.defs.iter().all(|d| !ahead[i].contains(d)) {
            out.insert(key);
        }
    }
    out
}

/// Per node: the locals that the code after it assigns (`x = ..`, anywhere in a statement) on
/// some path, before it reaches a suspension point if `to_suspension`. Backward, as liveness;
/// empty in a function that assigns no local.
fn assigned_ahead(g: &Graph, to_suspension: bool) -> Vec<BTreeSet<LocalId>> {
    let n = g.nodes.len();
    let mut ahead_out: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let assigns = |node: &Node| -> BTreeSet<LocalId> {
        node.uses
            .iter()
            .filter(|u| u.kind == Use::Assign)
            .map(|u| u.local)
            .collect()
    };
    if g.nodes
        .iter()
        .all(|node| node.point.is_some() || assigns(node).is_empty())
    {
        return ahead_out;
    }
    let mut ahead_in: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let sweep: Vec<usize> = reverse_postorder(g).into_iter().rev().collect();
    let mut changed = true;
    while changed {
        changed = false;
        for &i in &sweep {
            let node = &g.nodes[i];
            let out: BTreeSet<LocalId> = node
                .succ
                .iter()
                .filter(|&&s| s != g.exit)
                .flat_map(|&s| ahead_in[s].iter().copied())
                .collect();
            // A suspension point ends the code of the state before it.
            let inn = if to_suspension && node.point.is_some() {
                BTreeSet::new()
            } else {
                let mut inn = out.clone();
                inn.extend(assigns(node));
                inn
            };
            if inn != ahead_in[i] || out != ahead_out[i] {
                ahead_in[i] = inn;
                ahead_out[i] = out;
                changed = true;
            }
        }
    }
    ahead_out
}

/// Whether the awaited expression of point `p` calls local `id` only directly (`f()`), not from
/// inside a closure (`|| f(x)`), which borrows it.
fn called_directly(a: &Analysis, p: PointId, id: LocalId) -> bool {
    a.points[p]
        .uses
        .iter()
        .filter(|u| u.local == id && matches!(&u.kind, Use::Receiver(m) if m.is_called()))
        .all(|u| !u.captured)
}

/// A local in a slot that code moves out for the last time: wherever the code moves it, or only
/// at the mention that starts here (a move followed by a jump, `if done { return out; }`, where
/// the code's other paths keep the local).
pub type Take = (LocalId, Option<proc_macro2::LineColumn>);

/// Per plain statement or expression (by address): the locals in slots it moves by value for
/// the last time before they are dead or get a new value, which it can then take out of their
/// slots.
pub fn last_moves(a: &Analysis) -> std::collections::HashMap<usize, Vec<Take>> {
    let g = graph(a);
    let lv = live_sets(&g);
    // (A local given a new value after it moved out of its slot goes back into it:
    // `Analysis::refilled`.)
    let mut out = std::collections::HashMap::new();
    for (i, node) in g.nodes.iter().enumerate() {
        let Some(key) = node.stmt else { continue };
        let mut moved: Vec<Take> = Vec::new();
        for (at, u) in node.uses.iter().enumerate() {
            // (A method that may take `self` by value: the guess that compiles.)
            if !by_value(&u.kind) || a.locals[u.local].slot.is_none() {
                continue;
            }
            // Taken only where it is the statement's one use of the local: a second by-value
            // use would find the slot empty, and a borrow in the same statement (`f(&t,
            // t.m())`) would point into the slot as it empties, which the borrow checker cannot
            // see through the slot's pointer. Natively such a statement compiles only if the
            // use does not move: it stays where it is (if it did move, the expansion does not
            // compile, E0507).
            // (A predicate before the move, `o.is_some()`, or a field copied before it, `o.n`,
            // lends nothing past its use, unless a loop runs it again after the move: one
            // around both, as far as `looped` tells.)
            // (Mentions are in the order of the source: where a macro's expansion gives them
            // all one span, that order says which comes first.)
            let before = |i: usize, o: &Resolved| match o.span.start() == u.span.start() {
                true => i < at,
                false => o.span.end() <= u.span.start(),
            };
            let lends_before = |i: usize, o: &Resolved| {
                (matches!(&o.kind, Use::Receiver(m) if m.lends_nothing())
                    || o.kind == Use::Field
                    || o.transient)
                    && !(o.looped && u.looped)
                    && before(i, o)
            };
            let other_uses = (node.uses.iter().enumerate())
                .filter(|(_, o)| o.local == u.local && o.kind != Use::Assign)
                .filter(|(_, o)| !super::mentions::exclusive(&o.branch, &u.branch))
                .filter(|&(i, o)| !lends_before(i, o))
                .filter(|(_, o)| !same_capture(o, u))
                .count();
            if other_uses != 1 {
                continue;
            }
            // (`cfg = cfg.with(3)`: the statement gives it a new value after moving it.)
            let reassigned = node.uses.iter().any(|o| {
                o.local == u.local && o.kind == Use::Assign && !o.captured && o.capture.is_none()
            });
            if !lv.live_out[i].contains(&u.local) || reassigned {
                moved.push((u.local, None));
            } else if let Some(target) = g.nodes[i].leave_target(u)
                && !lv.live_in[target].contains(&u.local)
            {
                // (`break 'b { drop(x); v }`, `return { x.into_inner() }`: a move followed by a
                // jump to where the local is dead.)
                moved.push((u.local, Some(u.span.start())));
            }
        }
        // A local scrutinee in a slot that the arms moving all of it move for the last time,
        // and the others leave dead: taken out of its slot at the scrutinee (rustc moves out of
        // the place as the pattern binds; a pattern here cannot bind from the slot's reference).
        if let Some(local) = node.scrutinee
            && a.locals[local].slot.is_some()
            && node.succ.iter().any(|&e| arm_move(&g, e, local).is_some())
            && node.succ.iter().all(|&e| match arm_move(&g, e, local) {
                Some(m) => !lv.live_out[m].contains(&local),
                None => e == g.exit || !lv.live_in[e].contains(&local),
            })
        {
            moved.push((local, None));
        }
        if !moved.is_empty() {
            out.insert(key, moved);
        }
    }
    out
}

/// Per suspension point, the locals in slots its awaited expression moves for the last time
/// (`store.insert(key).await` after `key` was lent across an earlier `.await`): taken out of
/// their slots where the future is built, under `last_moves`' rules for a statement.
pub fn point_moves(a: &Analysis) -> Vec<Vec<LocalId>> {
    let g = graph(a);
    let lv = live_sets(&g);
    let mut out = vec![Vec::new(); a.points.len()];
    for (i, node) in g.nodes.iter().enumerate() {
        let Some(p) = node.point else { continue };
        let uses = &node.uses;
        for u in uses {
            let once = uses
                .iter()
                .filter(|o| o.local == u.local)
                .filter(|o| !same_capture(o, u))
                .count()
                == 1;
            if by_value(&u.kind)
                && once
                && a.locals[u.local].slot.is_some()
                && !lv.live_out[i].contains(&u.local)
                && !out[p].contains(&u.local)
            {
                out[p].push(u.local);
            }
        }
    }
    out
}

/// The locals in slots that move out of them (`last_moves`, `point_moves`) and are assigned
/// (`x = f(x).await`): an assignment puts the value back into the slot and binds the local to
/// it again, and a state that resumes before it binds it there.
pub fn refilled(a: &Analysis) -> Vec<LocalId> {
    let taken: BTreeSet<LocalId> = (a.last_moves.values().flatten().map(|&(id, _)| id))
        .chain(a.point_moves.iter().flatten().copied())
        .collect();
    // (Not in a closure or an `async` block, which assigns through the local's reference.)
    taken.intersection(&assigned(a, false)).copied().collect()
}

/// The locals the function's code assigns (`x = ..`), inside closures and `async` blocks if
/// `in_closures`, else outside them. (An awaited expression's uses are its node's.)
fn assigned(a: &Analysis, in_closures: bool) -> BTreeSet<LocalId> {
    let g = graph(a);
    (g.nodes.iter().flat_map(|n| n.uses.iter()))
        .filter(|u| u.kind == Use::Assign && (u.captured || u.capture.is_some()) == in_closures)
        .map(|u| u.local)
        .collect()
}

/// Another mention in the same `move` block as `u`: the block's mentions of a local are one
/// move, where it captures the local.
fn same_capture(o: &Resolved, u: &Resolved) -> bool {
    !std::ptr::eq(o, u) && o.capture.is_some() && o.capture == u.capture
}

/// The node where the arm entered at `entry` moves the local scrutinee `local`, if it does: past
/// the arm's bindings and guard, which do not use it.
fn arm_move(g: &Graph, entry: usize, local: LocalId) -> Option<usize> {
    let mut at = entry;
    for _ in 0..3 {
        let node = g.nodes.get(at)?;
        if node.moves == Some(local) {
            return Some(at);
        }
        if node.uses.iter().any(|u| u.local == local) || node.succ.len() != 1 {
            return None;
        }
        at = node.succ[0];
    }
    None
}

/// A use that moves the local unless its type is `Copy`: by value, or as the receiver of a
/// method not known to borrow.
fn by_value(kind: &Use) -> bool {
    match kind {
        Use::Move => true,
        // A method not known to consume its receiver is assumed to borrow it (`receiver_checks`).
        Use::Receiver(m) => m.consumes(),
        Use::Borrow | Use::Assign | Use::Field => false,
    }
}

/// A guess about the receiver of `x.method(..)` that decides what the states keep, checked at
/// compile time by the expansion (the lowering writes the check in front of the code).
pub struct ReceiverCheck {
    pub local: LocalId,
    pub method: String,
    /// The method is assumed to take `self` by value (a name known to consume); otherwise to
    /// borrow it.
    pub takes: bool,
}

/// Where the receiver guesses to check are made: per plain statement or expression (by
/// address), and per suspension point (in its awaited expression).
#[derive(Default)]
pub struct ReceiverChecks {
    pub code: HashMap<usize, Vec<ReceiverCheck>>,
    pub points: HashMap<PointId, Vec<ReceiverCheck>>,
}

/// The receiver guesses that method calls make that matter, to be checked. A guess matters
/// where the call is the local's last use on its path (a local used again was not moved), the
/// local is not `Copy` or a reference as far as the syntax shows, and either it lives in a slot
/// (a method taking `self` takes it out) or a suspension point has it in scope without using it
/// after (the state keeps it only if the method borrowed it).
pub fn receiver_checks(a: &Analysis) -> ReceiverChecks {
    let g = graph(a);
    let lv = live_sets(&g);
    // The calls that are their receiver's last use.
    let last = |i: usize, u: &Resolved| -> Option<Method> {
        let Use::Receiver(method) = &u.kind else {
            return None;
        };
        let local = &a.locals[u.local];
        // What rustc told needs no check, but that a method takes its receiver by value: a
        // table older than a change to the method would otherwise drop the receiver early,
        // where a wrong "borrows" does not compile.
        let candidate = method.known.is_none_or(|k| k.mode == Mode::Value)
            && !method.is_called()
            && !fixed_receiver(&method.name)
            && !u.captured
            && !local.copied()
            && !local.is_reference
            // (A temporary's last use is the call: what follows is its drop.)
            && (lv.dead_after(&g, i, u) || local.holds.is_some() && g.nodes[i].point.is_some());
        candidate.then(|| method.clone())
    };
    let candidates: BTreeSet<LocalId> = g
        .nodes
        .iter()
        .enumerate()
        .flat_map(|(i, node)| {
            node.uses
                .iter()
                .filter(move |u| last(i, u).is_some())
                .map(|u| u.local)
        })
        .collect();
    if candidates.is_empty() {
        return ReceiverChecks::default();
    }
    // Per node: the candidates that a suspension point reachable from it has in scope, before
    // they are given a new value (a loop's next iteration binds a new one: the state keeps
    // that one, whatever the call did to this one).
    let n = g.nodes.len();
    let mut ahead_in: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let mut ahead_out: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); n];
    let sweep: Vec<usize> = reverse_postorder(&g).into_iter().rev().collect();
    let mut changed = true;
    while changed {
        changed = false;
        for &i in &sweep {
            let node = &g.nodes[i];
            let out: BTreeSet<LocalId> = node
                .succ
                .iter()
                .filter(|&&s| s != g.exit)
                .flat_map(|&s| ahead_in[s].iter().copied())
                .collect();
            let mut inn = out.clone();
            inn.retain(|id| !node.defs.contains(id));
            if let Some(p) = node.point {
                inn.extend(
                    a.points[p]
                        .scope
                        .iter()
                        .filter(|id| candidates.contains(id)),
                );
            }
            if inn != ahead_in[i] || out != ahead_out[i] {
                ahead_in[i] = inn;
                ahead_out[i] = out;
                changed = true;
            }
        }
    }
    enum At {
        Code(usize),
        Point(PointId),
    }
    let mut out = ReceiverChecks::default();
    for (i, node) in g.nodes.iter().enumerate() {
        // An awaited expression runs before its own suspension point, which is ahead of it.
        // There a guess that the method borrows makes the state keep the receiver, which the
        // call, if it consumed it, could not move out of (E0507): it is checked only where the
        // receiver is a temporary (`Ctx { .. }.run(x.await).await`), whose value nothing else
        // uses, so that the error says what was assumed. (Its check's call borrows its
        // stand-in only while it runs: `untyped`.)
        let (at, ahead) = match (node.stmt, node.point) {
            (Some(key), _) => (At::Code(key), &ahead_out[i]),
            (None, Some(p)) => (At::Point(p), &ahead_in[i]),
            (None, None) => continue,
        };
        let point = matches!(at, At::Point(_));
        let mut checks: Vec<ReceiverCheck> = Vec::new();
        for u in &node.uses {
            let Some(method) = last(i, u) else { continue };
            let local = &a.locals[u.local];
            let unchecked =
                point && !method.consumes() && (local.holds.is_none() || method.borrows());
            if local.slot.is_none() && !ahead.contains(&u.local) || unchecked {
                continue;
            }
            if !checks.iter().any(|c| c.local == u.local) {
                checks.push(ReceiverCheck {
                    local: u.local,
                    takes: method.consumes(),
                    method: method.name,
                });
            }
        }
        if checks.is_empty() {
            continue;
        }
        match at {
            At::Code(key) => out.code.insert(key, checks),
            At::Point(p) => out.points.insert(p, checks),
        };
    }
    out
}

/// Where a use is: in user code (the `syn` statement or expression, by address), or in the
/// awaited expression of a suspension point.
#[derive(Clone, Copy)]
pub enum Site {
    Code(usize),
    Point(PointId),
}

/// The uses that may move a local out: a by-value use (`x`, `x.f`, a method that may take
/// `self`) after which the local is not used again (after the code, or, for a use followed by
/// a jump out of it, `return out` or `break out`, after where the jump goes), or that the same
/// code assigns again (`x = f(x)`). A local used again after a by-value use was not moved by it (it is `Copy`, or
/// the method borrows), or the original would not compile.
pub fn moving_uses(a: &Analysis) -> Vec<(LocalId, Site)> {
    let g = graph(a);
    let lv = live_sets(&g);
    let mut out = Vec::new();
    for (i, node) in g.nodes.iter().enumerate() {
        let site = match (node.code, node.point) {
            (Some(code), _) => Site::Code(code),
            (None, Some(p)) => Site::Point(p),
            (None, None) => continue,
        };
        for u in &node.uses {
            let reassigned = node
                .uses
                .iter()
                .any(|other| other.local == u.local && other.kind == Use::Assign);
            let dead_after = reassigned || lv.dead_after(&g, i, u);
            if by_value(&u.kind) && !a.locals[u.local].copied() && dead_after {
                out.push((u.local, site));
            }
        }
    }
    out
}

/// The suspension points whose value is dropped at once (`fut.await;`).
fn discarded_points(a: &Analysis) -> Vec<PointId> {
    fn block(b: &Block, out: &mut Vec<PointId>) {
        for stmt in &b.stmts {
            match stmt {
                Stmt::Expr {
                    expr: Expr::Await(p),
                    semi: true,
                } => out.push(*p),
                Stmt::Expr { expr, .. } | Stmt::Let { init: expr, .. } => walk(expr, out),
                Stmt::Plain { .. } => {}
            }
        }
        if let Some(t) = &b.tail {
            walk(t, out);
        }
    }
    fn walk(e: &Expr, out: &mut Vec<PointId>) {
        match e {
            Expr::Block(b) => block(b, out),
            Expr::If {
                then, otherwise, ..
            } => {
                block(then, out);
                if let Some(o) = otherwise {
                    walk(o, out);
                }
            }
            Expr::Match { arms, .. } => arms.iter().for_each(|a| walk(&a.body, out)),
            Expr::Loop { body, .. } => block(body, out),
            Expr::Return(Some(v)) => walk(v, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    block(&a.body, &mut out);
    out
}

/// The locals that must not move: another local kept or consumed at some suspension point
/// borrows them (as far as the syntax shows), and they can have a slot (`Local::slottable`, or
/// a parameter).
pub fn slot_locals(a: &Analysis) -> Vec<LocalId> {
    let mut out = Vec::new();
    let discarded = discarded_points(a);
    // Locals used by value somewhere: a slot could not always give them up (inside a closure,
    // say), so for them a borrowing await value is refused instead, where it can be
    // (`Analysis::values_checked`).
    let moved: BTreeSet<LocalId> = graph(a)
        .nodes
        .iter()
        .flat_map(|n| n.uses.iter())
        .filter(|u| by_value(&u.kind) || u.kind == Use::Field)
        .map(|u| u.local)
        .collect();
    for (p, point) in a.points.iter().enumerate() {
        let layout = &a.layout[p];
        // The value of the await may borrow what the future borrowed in place (a guard from
        // `shared.lock().await`): those locals must not move on after it either.
        if !discarded.contains(&p) {
            for &id in &layout.pinned {
                let local = &a.locals[id];
                // (A `mut` shared reference is pinned where it is borrowed itself, `mut input:
                // &[u8]` and `input.read_u8()`.)
                let reference = local.is_reference && (local.mut_reference || !local.mutable);
                if can_have_slot(a, id)
                    && !reference
                    && (!moved.contains(&id) || !a.values_checked && used_whole(a, &[id]))
                    && !out.contains(&id)
                {
                    out.push(id);
                }
            }
        }
        // Arrays are not copied from state to state (`kept` includes the locals kept in place).
        for &id in &layout.kept {
            let local = &a.locals[id];
            if local.array && !local.is_reference && !moved.contains(&id) && !out.contains(&id) {
                out.push(id);
            }
        }
        // (What a local in a slot borrows stays put too: `__tmp1 = &mut *r` kept, `r` in a
        // slot, and `r = &mut __extended0`.)
        // (And what a local given a slot here borrows: `let w = W(&t)` in a slot, `t` kept.)
        let mut borrowers: Vec<LocalId> = (layout.kept.iter())
            .chain(&layout.consumed)
            .chain(out.iter().filter(|id| point.scope.contains(id)))
            .copied()
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(borrower) = borrowers.pop() {
            if !seen.insert(borrower) {
                continue;
            }
            for source in borrowed_from(a, borrower) {
                if source == borrower || !point.scope.contains(&source) {
                    continue;
                }
                // (A reference the state neither keeps nor moves into the awaited future stays
                // where it is: `Stream(&mut this.conn)` with `this` not used after.)
                let unkept_reference = a.locals[source].is_reference
                    && !layout.kept.contains(&source)
                    && !layout.consumed.contains(&source);
                if can_have_slot(a, source) && !unkept_reference {
                    if !out.contains(&source) {
                        out.push(source);
                    }
                    borrowers.push(source);
                } else if a.locals[source].is_reference {
                    // (A reference that cannot have a slot, `ref mut buf`, passes the borrow
                    // on to what it borrows.)
                    borrowers.push(source);
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// What the lowering can put in a slot: a parameter, or a local bound by value by a `let`, an
/// `if let`, a `while let` or a match arm.
fn can_have_slot(a: &Analysis, id: LocalId) -> bool {
    a.locals[id].slottable || a.params.contains(&id)
}

/// Locals moved on some paths to a suspension point and not on others (`Layout::maybe_moved`):
/// natively a drop flag keeps them to the end of their scope; a slot does the same, its guard
/// dropping what its moves (`last_moves`) did not take out. Only locals never assigned (an
/// assignment after a move would write to an emptied slot) and not known to be `Copy`.
pub fn maybe_moved_slots(a: &Analysis) -> Vec<LocalId> {
    let ids = a.layout.iter().flat_map(|l| &l.maybe_moved).copied();
    flag_slots(a, ids.filter(|&id| !a.locals[id].copied()))
}

/// Locals kept at a suspension point where a later local of their name hides them
/// (`Layout::shadowed`): in a slot, the state holds their drop guard, which has a name of its
/// own, and the code reaches them through the slot.
pub fn shadowed_slots(a: &Analysis) -> Vec<LocalId> {
    flag_slots(a, a.layout.iter().flat_map(|l| &l.shadowed).copied())
}

/// Of `ids`, those a slot can hold: slottable or a parameter, not a reference, never assigned in
/// a closure or an `async` block (which would write through the local's reference to an
/// emptied slot; the function's own code puts the value back, `refilled`).
fn flag_slots(a: &Analysis, ids: impl Iterator<Item = LocalId>) -> Vec<LocalId> {
    let assigned = assigned(a, true);
    let mut out: Vec<LocalId> = Vec::new();
    for id in ids {
        let local = &a.locals[id];
        if can_have_slot(a, id)
            && local.slot.is_none()
            && !local.is_reference
            && !local.uninit
            && !assigned.contains(&id)
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// Every use of the locals `ids` is one a slot's code can write: of the whole value, a method
/// that borrows a field (`p.a.get()`: through the slot's reference), or one that consumes a
/// field of a struct whose other fields the crate declares `Copy` (taking all of it drops
/// nothing more); outside closures and `async` blocks, a field read inside one without `move`
/// (it captures the place through the reference), or moving it into a `move` one.
pub fn used_whole(a: &Analysis, ids: &[LocalId]) -> bool {
    let g = graph(a);
    let points = a.points.iter().flat_map(|p| &p.uses);
    g.nodes
        .iter()
        .flat_map(|n| &n.uses)
        .chain(points)
        .filter(|u| ids.contains(&u.local))
        .all(|u| {
            let field_method = match (&u.kind, &u.field) {
                (Use::Receiver(m), Some(field)) => {
                    let rest = BTreeSet::from([field.clone()]);
                    let ident = &a.locals[u.local].ident;
                    !(m.borrows() || m.consumes() && crate::defined::rest_is_copy(ident, &rest))
                }
                _ => false,
            };
            // (Inside a closure or `async` block without `move`, a field borrowed there is
            // captured through the slot's reference.)
            let borrowed = match &u.kind {
                Use::Borrow => true,
                Use::Receiver(m) => m.borrows(),
                _ => false,
            };
            // (Inside a `move` closure or `async move` block, any use is the block's move of
            // the local, where it is made: taken out of the slot there, or a compile error.)
            !field_method
                && (!u.nested
                    || u.kind == Use::Move && !u.captured
                    || (u.kind == Use::Field || borrowed) && u.captured
                    || u.capture.is_some())
        })
}

/// Another local with the same name, declared later, is in scope at point `p`.
fn shadowed(a: &Analysis, p: PointId, id: LocalId) -> bool {
    shadowed_in(a, p, id, None)
}

/// `shadowed`, by a later local of block `block` only, if given.
fn shadowed_in(a: &Analysis, p: PointId, id: LocalId, block: Option<BlockId>) -> bool {
    let scope = &a.points[p].scope;
    let ident = &a.locals[id].ident;
    let at = scope.iter().position(|&x| x == id).unwrap_or(0);
    scope[at + 1..].iter().any(|&other| {
        a.locals[other].ident == *ident && block.is_none_or(|b| a.locals[other].block == b)
    })
}

/// The locals whose value `id` may borrow (see `Local::borrows`). A shared reference is only
/// copied, so borrowing through it is fine; a `&mut` one is moved, which its reborrows forbid.
fn borrowed_from(a: &Analysis, id: LocalId) -> Vec<LocalId> {
    a.locals[id]
        .borrows
        .iter()
        .copied()
        .filter(|&b| !a.locals[b].is_reference || a.locals[b].mut_reference)
        .collect()
}

/// Methods whose result owns its data even when their receiver borrows.
pub fn makes_owned(method: &str) -> bool {
    matches!(
        method,
        "collect"
            | "to_vec"
            | "to_string"
            | "to_owned"
            | "cloned"
            | "copied"
            | "count"
            | "sum"
            | "product"
            | "len"
            | "is_empty"
            | "clone"
            | "into_owned"
            | "max"
            | "min"
            | "fold"
            | "any"
            | "all"
            | "position"
            | "contains"
            // `Option::take(&mut self)`, `Option::replace`: what the option held.
            | "take"
            | "replace"
    )
}

/// Methods whose receiver a core trait, or a convention every type follows, fixes as `&self`
/// (`clone`, `fmt`, `len`): their borrow is not checked (`receiver_checks`); a type whose method
/// of that name took `self` would still fail to compile (E0382), with rustc's message.
fn fixed_receiver(method: &str) -> bool {
    matches!(
        method,
        "clone"
            | "fmt"
            | "eq"
            | "ne"
            | "cmp"
            | "partial_cmp"
            | "hash"
            | "borrow"
            | "borrow_mut"
            | "as_ref"
            | "as_mut"
            | "deref"
            | "deref_mut"
            | "to_string"
            | "to_owned"
            | "len"
            | "is_empty"
    )
}

/// Method names that take `self` by value on the types commonly awaited or consumed
/// (reqwest's `Response`, `Option`, `Result`, iterators, futures' combinators, tasks).
pub fn consuming(method: &str) -> bool {
    method.starts_with("into_")
        // tokio's `reserve_owned`, `lock_owned`, `acquire_owned`, `read_owned`.. (`to_owned`
        // borrows).
        || method.ends_with("_owned") && !method.starts_with("to_")
        // Builders: `build`, `build_bare` (wiremock), `finish`.
        || method == "build"
        || method.starts_with("build_")
        || matches!(
            method,
            "into"
                | "try_into"
                | "text"
                | "json"
                | "bytes"
                | "unwrap"
                | "expect"
                | "unwrap_err"
                | "expect_err"
                | "unwrap_unchecked"
                | "map_or"
                | "map_or_else"
                | "is_some_and"
                | "is_none_or"
                | "is_ok_and"
                | "is_err_and"
                | "transpose"
                | "inspect_err"
                | "xor"
                | "unwrap_or"
                | "unwrap_or_else"
                | "unwrap_or_default"
                | "collect"
                | "ok"
                | "err"
                | "map"
                | "map_err"
                | "and_then"
                | "or_else"
                | "ok_or"
                | "ok_or_else"
                // `Option`'s, `Result`'s and futures-lite's `FutureExt` `or`, `and`, `race`.
                | "or"
                | "and"
                | "race"
                | "then"
                | "boxed"
                // async-task's `Task::cancel(self)` (smol, async-std, async-executor).
                | "cancel"
                | "finish"
                // bytes' `BytesMut::freeze(self)`.
                | "freeze"
                // Hashers and digests (crc32fast, sha2, hmac): `finalize(self)`; tokio-util's
                // `compat(self)`, `compat_write(self)`.
                | "finalize"
                | "compat"
                | "compat_write"
                // The adaptors and consumers `Iterator`, `StreamExt` and `TryStreamExt` agree
                // take `self` (not `try_fold`, `try_for_each`: `Iterator`'s borrow; nor `count`,
                // `sum`: other types' getters of those names borrow).
                | "zip"
                | "chain"
                | "enumerate"
                | "rev"
                | "skip"
                | "step_by"
                | "peekable"
                | "fuse"
                | "flatten"
                | "flat_map"
                | "filter"
                | "filter_map"
                | "map_while"
                | "take_while"
                | "skip_while"
                | "scan"
                | "inspect"
                | "cycle"
                | "for_each"
                | "fold"
                | "unzip"
                | "partition"
                | "try_collect"
                | "forward"
                | "buffered"
                | "buffer_unordered"
                | "ready_chunks"
                | "try_chunks"
                | "wait_with_output"
                | "join_all"
                | "try_filter"
                | "try_filter_map"
                | "try_take_while"
                | "try_skip_while"
                | "try_flatten"
                | "try_buffered"
                | "try_buffer_unordered"
                | "try_concat"
                | "try_ready_chunks"
                | "map_ok"
                | "err_into"
                | "ok_into"
        )
}

/// A method that borrows its receiver for the call only: what it returns (`bool`, a length)
/// cannot hold the borrow.
pub(super) fn lends_nothing(method: &str) -> bool {
    borrowing(method)
        && (method.starts_with("is_")
            || matches!(
                method,
                "len" | "contains" | "contains_key" | "starts_with" | "ends_with"
            ))
}

/// Method names that take `&self` or `&mut self` on the types commonly held across awaits.
pub fn borrowing(method: &str) -> bool {
    if consuming(method) && !method.starts_with("to_") {
        // (`read_owned` reads like `read_*`, but takes its receiver.)
        return false;
    }
    method.starts_with("as_")
        || method.starts_with("is_")
        || method.starts_with("to_")
        // std's `split*` all borrow (`split_at_mut`, `split_off`, `split_whitespace`, ..).
        || method.starts_with("split")
        || ["get", "read", "write"]
            .iter()
            .any(|w| method == *w || method.strip_prefix(w).is_some_and(|r| r.starts_with('_')))
        || method.starts_with("try_")
        || matches!(
            method,
            "len"
                | "iter"
                | "iter_mut"
                | "contains"
                | "contains_key"
                | "push"
                | "push_str"
                | "push_back"
                | "push_front"
                | "pop"
                | "pop_front"
                | "pop_back"
                | "insert"
                | "remove"
                | "clear"
                | "extend"
                | "truncate"
                | "borrow"
                | "borrow_mut"
                | "lock"
                | "clone"
                | "fmt"
                | "eq"
                | "ne"
                | "cmp"
                | "partial_cmp"
                | "starts_with"
                | "ends_with"
                | "first"
                | "last"
                | "keys"
                | "values"
                | "entry"
                | "retain"
                | "sort"
                | "sort_by"
                | "sort_by_key"
                | "dedup"
                | "reserve"
                | "capacity"
                | "recv"
                | "send"
                | "acquire"
                | "notified"
                | "notify_one"
                | "notify_waiters"
                // Builders that are set through `&mut self` and give it back (std's and tokio's
                // `OpenOptions`, `Command`, `DirBuilder`): a temporary one is borrowed by the
                // call that ends the chain (`OpenOptions::new().append(true).open(p).await`).
                | "append"
                | "create"
                | "create_new"
                | "mode"
                | "custom_flags"
                | "arg"
                | "args"
                | "env"
                | "envs"
                | "env_remove"
                | "env_clear"
                | "current_dir"
                | "stdin"
                | "stdout"
                | "stderr"
                | "kill_on_drop"
                | "recursive"
                | "flush"
                | "shutdown"
                | "accept"
                | "set"
                | "load"
                | "store"
                | "fetch_add"
                | "fetch_sub"
                | "swap"
                | "next"
                | "peek"
                | "trim"
                | "parse"
                | "split"
                | "lines"
                | "chars"
                | "elapsed"
                | "tick"
                | "changed"
                | "sleep"
                | "call"
                // (A closure or function called, `f(..)`: `Method::called`.)
                | "()"
        )
}

/// Accessors whose result usually borrows the receiver.
pub fn returns_borrow(method: &str) -> bool {
    [
        "as_",
        "iter",
        "borrow",
        "get",
        "split",
        "rsplit",
        "trim",
        "lock",
        "read",
        "write",
        "chars",
        "lines",
        "inner",
        "chunks",
        "rchunks",
        "windows",
        "bytes",
        "char_indices",
        "match",
        "rmatch",
        "strip_",
    ]
    .iter()
    .any(|p| method.starts_with(p))
        || matches!(
            method,
            "first"
                | "last"
                | "keys"
                | "values"
                | "drain"
                | "entry"
                | "deref"
                | "deref_mut"
                | "peek"
                | "values_mut"
                | "range"
                | "range_mut"
                | "escape_debug"
                | "escape_default"
                // A semaphore's permit (tokio's `Semaphore::acquire`).
                | "acquire"
        )
}

impl Layout {
    /// What the state holds besides the future, in declaration order: kept locals and the drop
    /// guards of locals in slots (`true`).
    pub fn held(&self, scope: &[LocalId]) -> Vec<(LocalId, bool)> {
        let mut order: Vec<LocalId> = (scope.iter().copied())
            .filter(|id| !self.operands.iter().any(|(o, _)| o == id))
            .collect();
        for &(id, next) in &self.operands {
            let at = next.and_then(|n| order.iter().position(|&o| o == n));
            order.insert(at.unwrap_or(order.len()), id);
        }
        order
            .into_iter()
            .filter_map(|id| {
                if self.kept.contains(&id) {
                    Some((id, false))
                } else if self.slotted.contains(&id) {
                    Some((id, true))
                } else {
                    None
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_stream_adapters_take_their_stream() {
        // (Helpers' ordinary programs: `let mut s = s.try_filter(..);` was guessed a borrow.)
        for adapter in [
            "try_filter",
            "try_filter_map",
            "try_take_while",
            "try_skip_while",
        ] {
            assert!(consuming(adapter) && !borrowing(adapter), "{adapter}");
        }
        for getter in ["try_next", "try_lock", "try_recv"] {
            assert!(borrowing(getter) && !consuming(getter), "{getter}");
        }
    }

    #[test]
    fn builders_set_through_mut_self_borrow() {
        // (Helpers' ordinary programs: `OpenOptions::new().append(true).open(p).await` dropped
        // the temporary builder the future borrows; `child.wait_with_output()` takes `self`.)
        for setter in ["append", "create", "arg", "env", "current_dir", "stdout"] {
            assert!(borrowing(setter) && !consuming(setter), "{setter}");
        }
        assert!(consuming("wait_with_output") && !borrowing("wait_with_output"));
    }
}
