//! Lowering: the code of each state. The `Start` state runs the body from the top; the state of
//! a suspension point runs what follows it: the rest of each construct around it, innermost
//! first, as the original would. For a loop around the point that is the rest of the iteration,
//! then the loop again; for a block, the rest of the block; for an `if` or `match` branch, the
//! rest of the branch, whose value is the construct's.
//!
//! Input (the state after `a.await` in):
//!     `let x = 1; while c { let y = a.await; f(x, y); } g(x);`
//! Output:
//!     `{ let x = <restored>; { { let y = <value>; f(x, y); } while c { ...; <suspend at a> } }
//!        g(x); }`
//!
//! Receives the [`Analysis`] and the [`Names`]; returns the body of the `Start` arm and of every
//! suspension point's arm.
//!
//! Invariants (regenerator's, adapted):
//! - all side effects happen in the original order; code without `.await` is emitted as written,
//!   with only the [`rewrite`]s;
//! - whenever the code below writes a new state, the old one has already been moved out
//!   (`Panicked`), so nothing pinned is ever overwritten;
//! - a future that borrows locals kept in place is dropped in place before they move again.

mod checks;
mod in_place;
mod locate;
pub mod rewrite;

use crate::analyze::cfg::Take;
use crate::analyze::{Analysis, Block, BlockId, Expr, LocalId, PointId, Stmt};
use crate::comments::{comment, comment_with};
use crate::names::{Names, hidden, label};
use crate::syntax::{is_jump, is_panic, splice};
use locate::Locations;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use rewrite::{LoopFrame, Rewriter, SlotTake, question_mark};
use syn::spanned::Spanned;

pub struct Lowered {
    /// The body of the `Start` arm.
    pub start: TokenStream,
    /// Per suspension point: the body of its arm.
    pub resumes: Vec<TokenStream>,
    /// Errors found while rewriting user code.
    pub errors: Vec<syn::Error>,
    /// Per suspension point: its arm resumes in place (and binds the state's fields itself).
    pub in_place: Vec<bool>,
}

pub fn lower(
    a: &Analysis,
    names: &Names,
    unit_output: bool,
    fut: Option<syn::Lifetime>,
    pinned: Option<syn::Lifetime>,
) -> Lowered {
    let mut w = Writer {
        a,
        names,
        unit_output,
        fut,
        slot_scope: Vec::new(),
        pinned,
        loops: Vec::new(),
        errors: Vec::new(),
        labels: 0,
        kept_somewhere: a
            .layout
            .iter()
            .flat_map(|l| {
                l.kept
                    .iter()
                    .chain(&l.consumed)
                    .chain(&l.redeclared)
                    .copied()
            })
            .collect(),
        locations: Locations::new(&a.body, a.points.len()),
        regions: in_place::regions(a),
        in_place: None,
        never_taken: (0..a.locals.len())
            .filter(|&id| a.locals[id].slot.is_some() && !a.refilled.contains(&id))
            .filter(|id| !a.point_moves.iter().flatten().any(|m| m == id))
            .filter(|id| !a.last_moves.values().flatten().any(|(m, _)| m == id))
            .collect(),
    };
    let start = {
        let params: Vec<(LocalId, Back)> = a.params.iter().map(|&id| (id, Back::Kept)).collect();
        let restore = splice(w.restore(&names.start_variant(), &params));
        let checks = splice(w.drop_checks(&a.params));
        let slotted = splice(w.param_slots());
        let body = splice(w.block(&a.body, Dest::Return).tokens);
        w.slot_scope.clear();
        quote!(#restore #checks #slotted #body)
    };
    let resumes = (0..a.points.len()).map(|p| w.resume_arm(p)).collect();
    Lowered {
        start,
        resumes,
        errors: w.errors,
        in_place: w.regions.iter().map(Option::is_some).collect(),
    }
}

/// How the arm of a suspension point gets a local back where it was declared.
#[derive(Clone, Copy, PartialEq)]
enum Back {
    /// The state kept it.
    Kept,
    /// It lives in a slot: the state kept its drop guard.
    Guard,
    /// The state does not hold it, but the code assigns it: declared again, without a value.
    Declared,
}

/// Where a block's value goes.
#[derive(Clone, Copy, PartialEq)]
enum Dest {
    /// The function's return value.
    Return,
    /// The value of the block expression.
    Value,
}

struct Writer<'a> {
    a: &'a Analysis,
    names: &'a Names,
    unit_output: bool,
    /// The future's own lifetime (not in trait impls): the borrows of locals kept in place are
    /// shorter, so a value of an `.await` that keeps one is refused by requiring it to outlive
    /// this.
    fut: Option<syn::Lifetime>,
    /// Loops around the code being written, innermost last.
    loops: Vec<LoopFrame>,
    /// Locals in slots whose reference is bound where the code is being written.
    slot_scope: Vec<LocalId>,
    /// The lifetime of borrows of the future's own memory (`'pinned`), where there is one.
    pinned: Option<syn::Lifetime>,
    errors: Vec<syn::Error>,
    labels: usize,
    /// The locals some state keeps, hands over to the future it builds in place, or declares
    /// again for the code after it: moved from binding to binding, or assigned in another arm,
    /// their `mut` may be needed on another binding than the user's.
    kept_somewhere: std::collections::HashSet<LocalId>,
    locations: Locations,
    /// Per point: the loop whose resumption its arm runs in place (see [`in_place`]).
    regions: Vec<Option<in_place::Region>>,
    /// The arm being written resumes in place.
    in_place: Option<InPlace>,
    /// The locals in slots that never move out of them (nor get a new value): bound again at
    /// the top of each loop that suspends (`refresh_slots`).
    never_taken: std::collections::HashSet<LocalId>,
}

/// The arm of a state that resumes in place, being written.
struct InPlace {
    point: PointId,
    /// The body of the loop whose resumption is the region.
    region: BlockId,
    /// The held locals declared inside the loop (`Copy`): copied out of the state where they are
    /// declared, and back in when the state is entered again.
    per_iteration: Vec<LocalId>,
    /// What the state holds, in declaration order (drop guards `true`).
    held: Vec<(LocalId, bool)>,
    /// Writing the region: the held locals are references into the state.
    inside: bool,
    /// The region can end: the locals then move out of the state, into bindings declared where
    /// the locals were declared.
    completes: bool,
}

/// Emitted code, and whether it never completes normally (it suspends, or jumps away), which
/// decides what may follow it.
struct Code {
    tokens: TokenStream,
    diverges: bool,
    /// Its value is written after code that never completes (`{ return x; f() }`): it is never
    /// computed, and no binding takes it.
    dead_value: bool,
}

impl Code {
    fn new(tokens: TokenStream, diverges: bool) -> Self {
        Code {
            tokens,
            diverges,
            dead_value: false,
        }
    }

    /// The same code, whose value is dead if `dead_value` (see the field).
    fn dead(self, dead_value: bool) -> Self {
        Code { dead_value, ..self }
    }
}

impl Writer<'_> {
    // ---- the code of a state, from the top of a construct ----

    /// The statements of `b` (without braces), stopping after one that always suspends.
    fn block(&mut self, b: &Block, dest: Dest) -> Code {
        // (Restored whole: a `let` inside hides the locals of its name, `shadow`, only there.)
        let scope = self.slot_scope.clone();
        let code = self.block_inner(b, dest);
        self.slot_scope = scope;
        code
    }

    fn block_inner(&mut self, b: &Block, dest: Dest) -> Code {
        self.rest(b, 0, dest, TokenStream::new())
    }

    /// Appends to `out` the statements of `b` from `from` on, stopping after one that never
    /// completes, then its tail. Code after a jump (`return x; ..`) that suspends is written
    /// too, dead as it is natively: rustc infers the types of the states it enters from it.
    fn rest(&mut self, b: &Block, from: usize, dest: Dest, mut out: TokenStream) -> Code {
        let mut dead = false;
        for (i, stmt) in b.stmts.iter().enumerate().skip(from) {
            let code = self.stmt(stmt);
            out.extend(code.tokens);
            let suspends_after = || {
                b.stmts[i + 1..]
                    .iter()
                    .any(|s| !matches!(s, Stmt::Plain { .. }))
                    || b.tail
                        .as_deref()
                        .is_some_and(|t| !matches!(t, Expr::Plain(..)))
            };
            if code.diverges && !(matches!(stmt, Stmt::Plain { .. }) && suspends_after()) {
                return Code::new(out, true);
            }
            dead |= code.diverges;
        }
        let tail = self.tail(b, dest);
        out.extend(tail.tokens);
        let dead_value = dead && !tail.diverges && b.tail.is_some();
        Code::new(out, dead || tail.diverges).dead(dead_value)
    }

    /// The block's last expression, sent where `dest` says.
    fn tail(&mut self, b: &Block, dest: Dest) -> Code {
        if let Some(Expr::Await(p)) = b.tail.as_deref() {
            return Code::new(self.suspend(*p), true);
        }
        if let Some(taken) = self.take_slot_tail(b) {
            return self.deliver(Code::new(taken, false), dest);
        }
        match (&b.tail, dest) {
            (Some(tail), dest) => {
                let value = self.expr(tail);
                self.deliver(value, dest)
            }
            // (A last statement that never completes returned before this.)
            (None, Dest::Return) if self.unit_output => {
                let ret = label("__ret");
                Code::new(quote!(break #ret ();), true)
            }
            (None, _) => Code::new(TokenStream::new(), false),
        }
    }

    /// A value as a block's tail: kept as the block's value, or returned.
    fn deliver(&mut self, value: Code, dest: Dest) -> Code {
        match dest {
            Dest::Value => value,
            // Never finishes here: the value is produced in a later state.
            Dest::Return if value.diverges => value,
            Dest::Return => {
                let ret = label("__ret");
                let tokens = break_with(&ret, value.tokens);
                Code::new(quote!(#tokens;), true)
            }
        }
    }

    fn stmt(&mut self, stmt: &Stmt) -> Code {
        if let Some(p) = direct_await(stmt) {
            return Code::new(self.suspend(p), true);
        }
        // The method calls whose receiver guesses are checked are made through their checks.
        let checked = match stmt {
            Stmt::Plain {
                stmt: code, uses, ..
            } => self.checked_stmt(stmt as *const Stmt as usize, code, uses),
            _ => None,
        };
        match (stmt, checked.as_ref()) {
            (Stmt::Plain { declares, .. }, Some(code)) => self.plain_stmt(stmt, code, declares),
            (
                Stmt::Plain {
                    stmt: code,
                    declares,
                    ..
                },
                None,
            ) => self.plain_stmt(stmt, code, declares),
            _ => self.stmt_code(stmt),
        }
    }

    /// A statement without `.await` (`code`, the user's, maybe with its checks), kept as written.
    fn plain_stmt(&mut self, stmt: &Stmt, code: &syn::Stmt, declares: &[LocalId]) -> Code {
        let key = stmt as *const Stmt as usize;
        match code {
            syn::Stmt::Local(local)
                if simple_pat(&local.pat)
                    && declares.iter().any(|&id| self.a.locals[id].slot.is_some()) =>
            {
                Code::new(self.slot_declaration(code, declares[0], key), false)
            }
            syn::Stmt::Local(_) if self.a.declared_for_later.contains(&key) => {
                let note = comment_with(|| {
                    let names: Vec<String> = declares
                        .iter()
                        .map(|&id| format!("`{}`", self.a.locals[id].ident))
                        .collect();
                    format!(
                        "{} gets its value in a later state, which declares it.",
                        names.join(", ")
                    )
                });
                Code::new(note, false)
            }
            plain => {
                let jumps = match plain {
                    syn::Stmt::Expr(e, _) => is_jump(e),
                    syn::Stmt::Macro(m) => is_panic(&m.mac),
                    _ => false,
                };
                let take = self.takes(key);
                let mut r = self.rewriter(self.slot_names(), self.loops.clone(), take);
                let mut stmt = r.stmt(plain.clone());
                self.errors.append(&mut r.errors);
                self.sync_loops(&r);
                self.shadow(declares);
                if let syn::Stmt::Local(local) = &mut stmt {
                    self.allow_unused_mut(declares, &mut local.attrs);
                }
                let mut tokens = stmt.into_token_stream();
                tokens.extend(self.move_into_slots(declares));
                Code::new(tokens, jumps)
            }
        }
    }

    /// A statement that suspends.
    fn stmt_code(&mut self, stmt: &Stmt) -> Code {
        match stmt {
            Stmt::Plain { .. } => unreachable!("plain statements are `plain_stmt`'s"),
            Stmt::Let {
                local,
                init,
                declares,
                ..
            } => {
                let value = self.expr(init);
                let code = self.local(local, value, declares);
                self.shadow(declares);
                code
            }
            Stmt::Expr { expr, semi } => {
                let value = self.expr(expr);
                statement(value, *semi)
            }
        }
    }

    /// `let PAT = value [else { .. }];`, or only the value if it never finishes here (the
    /// binding happens in a later state).
    fn local(&mut self, local: &syn::Local, value: Code, declares: &[LocalId]) -> Code {
        if value.diverges {
            // (A dead value, bound natively, is dropped here: `mem::replace(..)` unused.)
            let allow = value.dead_value.then(|| quote!(#[allow(unused_must_use)]));
            let code = statement(value, true).tokens;
            return Code::new(quote!(#allow #code), true);
        }
        let slotted = declares.iter().any(|&id| self.a.locals[id].slot.is_some());
        if let ([id], true) = (declares, slotted) {
            if simple_pat(&local.pat) {
                return Code::new(
                    self.slot_fill(pat_type(&local.pat), *id, value.tokens),
                    false,
                );
            }
        }
        let mut attrs = local.attrs.clone();
        self.allow_unused_mut(declares, &mut attrs);
        let (let_token, pat, semi) = (&local.let_token, &local.pat, &local.semi_token);
        let eq = local
            .init
            .as_ref()
            .map_or_else(Default::default, |i| i.eq_token);
        let otherwise = local.init.as_ref().and_then(|init| init.diverge.as_ref());
        // `let P = x.await else { .. }`: the awaited value is a local here, not a temporary,
        // so it is dropped by hand before the `else` block runs, as rustc drops the value.
        let mut awaited = match &value.tokens.clone().into_iter().collect::<Vec<_>>()[..] {
            [proc_macro2::TokenTree::Ident(i)] if i.to_string().starts_with("__") => {
                Some(i.clone())
            }
            _ => None,
        };
        let value = splice(if otherwise.is_some() && awaited.is_none() {
            // (A lifted block needs parentheses.)
            crate::syntax::else_initializer(value.tokens)
        } else if let Some(result) = awaited
            .as_ref()
            .filter(|_| !simple_pat(pat) && !crate::analyze::mentions::drops_nothing_left(pat))
        {
            // `let (a, _) = x.await;`: what the pattern leaves of the value is dropped at the
            // end of the statement (before an `else` block), as rustc drops a temporary.
            let private = crate::names::private();
            let tokens = quote!(#private::temporary(#result));
            awaited = None;
            tokens
        } else {
            value.tokens
        });
        let otherwise = otherwise.map(|(token, diverge)| {
            let take = self.takes(&**diverge as *const syn::Expr as usize);
            let diverge = self.rewrite_taking((**diverge).clone(), take, false);
            let Some(value) = &awaited else {
                return quote!(#token #diverge);
            };
            let stmts = match diverge {
                syn::Expr::Block(b) if b.attrs.is_empty() && b.label.is_none() => b.block.stmts,
                other => vec![syn::Stmt::Expr(other, None)],
            };
            // A bare `break`/`continue` (a lowered `while let`) leaves the scope at once.
            if let [
                syn::Stmt::Expr(
                    syn::Expr::Break(syn::ExprBreak { expr: None, .. }) | syn::Expr::Continue(_),
                    _,
                ),
            ] = &stmts[..]
            {
                return quote!(#token { #(#stmts)* });
            }
            let diverge = quote!(#(#stmts)*);
            quote!(#token {
                #[allow(clippy::drop_non_drop, dropping_copy_types, dropping_references)]
                ::core::mem::drop(#value);
                #diverge
            })
        });
        let move_into_slots = splice(self.move_into_slots(declares));
        let tokens =
            quote!(#(#attrs)* #let_token #pat #eq #value #otherwise #semi #move_into_slots);
        Code::new(tokens, false)
    }

    fn expr(&mut self, expr: &Expr) -> Code {
        match expr {
            Expr::Plain(e, uses) => {
                let jumps = is_jump(e);
                let key = expr as *const Expr as usize;
                let e = self.checked_expr(key, e, uses).unwrap_or_else(|| e.clone());
                // (The value of an arm or a block: a local there moves out.)
                let mut r = self.rewriter(self.slot_names(), self.loops.clone(), self.takes(key));
                let e = r.moved_expr(e);
                self.errors.append(&mut r.errors);
                self.sync_loops(&r);
                // Printed as a statement would be: a `?` rewritten to a `match` that now leads
                // the expression (`x? > 2` as a block's tail) gets the parentheses it needs.
                Code::new(syn::Stmt::Expr(e, None).into_token_stream(), jumps)
            }
            Expr::Await(p) => {
                let suspend = self.suspend(*p);
                Code::new(quote!({ #suspend }), true)
            }
            Expr::Block(b) => {
                let body = self.block(b, Dest::Value);
                let diverges = block_diverges(b, &body);
                let (label, tokens) = (&b.label, splice(body.tokens));
                Code::new(quote!(#label { #tokens }), diverges).dead(body.dead_value)
            }
            Expr::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let take = self.takes(cond as *const syn::Expr as usize);
                let mut cond = self.rewrite_taking(cond.clone(), take, false);
                // The pattern's bindings hide the locals of their names in `then`.
                let scope = self.slot_scope.clone();
                self.shadow(&then.bound);
                let rebound = splice(match &mut cond {
                    syn::Expr::Let(l) => self.rebound(&then.bound, &mut l.pat),
                    _ => TokenStream::new(),
                });
                let then = self.block(then, Dest::Value);
                self.slot_scope = scope;
                let otherwise = otherwise.as_ref().map(|e| self.expr(e));
                let diverges = then.diverges && otherwise.as_ref().is_some_and(|o| o.diverges);
                let dead_value =
                    then.dead_value || otherwise.as_ref().is_some_and(|o| o.dead_value);
                let then = splice(then.tokens);
                let otherwise = otherwise.map(|o| {
                    let o = splice(o.tokens);
                    quote!(else #o)
                });
                Code::new(quote!(if #cond { #rebound #then } #otherwise), diverges).dead(dead_value)
            }
            Expr::Match {
                scrutinee, arms, ..
            } => {
                // Bindings by value move out of the scrutinee: if it is a local in a slot used
                // for the last time, it is taken out.
                let take = self.takes(scrutinee as *const syn::Expr as usize);
                let moves = arms
                    .iter()
                    .any(|a| crate::analyze::mentions::binds_by_value(&a.pat));
                let mut scrutinee = self.rewrite_taking(scrutinee.clone(), take, moves);
                // `match (__tmp0)`, a lifted `match (Pair { .. })`: the parentheses were the
                // literal's (and the analysis took the scrutinee for a value, not the local).
                if let syn::Expr::Paren(p) = &scrutinee
                    && crate::analyze::mentions::is_plain_path(&p.expr)
                {
                    scrutinee = (*p.expr).clone();
                }
                let mut diverges = !arms.is_empty();
                let mut dead_value = false;
                let arms: Vec<TokenStream> = arms
                    .iter()
                    .map(|arm| {
                        let (attrs, mut pat) = (&arm.attrs, arm.pat.clone());
                        // The arm's bindings hide the locals of their names in its guard and body.
                        let scope = self.slot_scope.clone();
                        self.shadow(&arm.bound);
                        let guard = arm.guard.as_ref().map(|(g, _)| {
                            let g = self.rewrite_expr(g.clone());
                            quote!(if #g)
                        });
                        let rebound = self.rebound(&arm.bound, &mut pat);
                        let body = self.expr(&arm.body);
                        self.slot_scope = scope;
                        diverges &= body.diverges;
                        dead_value |= body.dead_value;
                        let body = splice(if rebound.is_empty() {
                            body.tokens
                        } else {
                            let (rebound, body) = (splice(rebound), splice(body.tokens));
                            quote!({ #rebound #body })
                        });
                        quote!(#(#attrs)* #pat #guard => #body,)
                    })
                    .collect();
                Code::new(quote!(match #scrutinee { #(#arms)* }), diverges).dead(dead_value)
            }
            Expr::Loop { label, cond, body } => {
                let mut c = cond.as_ref().map(|(c, _)| self.rewrite_expr(c.clone()));
                self.loops.push(LoopFrame::written(label));
                let scope = self.slot_scope.clone();
                self.shadow(&body.bound);
                let rebound = splice(match &mut c {
                    Some(syn::Expr::Let(l)) => self.rebound(&body.bound, &mut l.pat),
                    _ => TokenStream::new(),
                });
                let body = self.block(body, Dest::Value);
                self.slot_scope = scope;
                let frame = self.loops.pop().expect("the frame pushed above");
                // (Only where an iteration can come back to the loop without suspending.)
                let refresh = match !body.diverges || frame.continue_used() {
                    true => self.refresh_slots(&body.tokens),
                    false => TokenStream::new(),
                };
                let tokens = splice(body.tokens);
                match c {
                    Some(c) if refresh.is_empty() => {
                        Code::new(quote!(#label while #c { #rebound #tokens }), false)
                    }
                    // (`while c { .. }` as `loop { if c { .. } else { break } }`: the slots
                    // are bound again before the condition, which may borrow them too.)
                    Some(c) => Code::new(
                        quote!(#label loop { #refresh if #c { #rebound #tokens } else { break } }),
                        false,
                    ),
                    None => {
                        // A `loop` that the emitted code never breaks out of does not complete
                        // here (its `break`s may come after a suspension point, in later states).
                        let diverges = !frame.break_used();
                        Code::new(quote!(#label loop { #refresh #tokens }), diverges)
                    }
                }
            }
            Expr::Return(value) => {
                let ret = label("__ret");
                match value {
                    Some(v) => {
                        let value = self.expr(v);
                        if value.diverges {
                            return value;
                        }
                        Code::new(break_with(&ret, value.tokens), true)
                    }
                    None => Code::new(quote!(break #ret ()), true),
                }
            }
        }
    }

    // ---- the code of a state, from a suspension point on ----

    /// The arm of suspension point `p`: poll the awaited future in place; when it is ready,
    /// drop it, take the kept locals back and run on.
    fn resume_arm(&mut self, p: PointId) -> TokenStream {
        let point = &self.a.points[p];
        let (future, result, cx) = (hidden("__future"), hidden("__result"), hidden("__cx"));
        let awaitee = hidden("__awaitee");
        let safety = comment(
            "SAFETY: the awaited future lives inside the pinned state and is never moved: it is \
             dropped in place (below) before the state changes.",
        );
        let pending = comment_with(|| {
            format!(
                "`{}` is not ready: suspend here, in state `{}`.",
                point.source, self.names.variants[p]
            )
        });
        let done = comment("Ready: drop the finished future in place, ending its borrows.");
        // The future borrowed locals that now move out of the state: its value must not.
        let moves_pinned = self.a.layout[p]
            .pinned
            .iter()
            .any(|&id| !self.a.locals[id].is_reference);
        let detach = splice(match (&self.fut, moves_pinned) {
            (Some(fut), true) => {
                let private = crate::names::private();
                let note = comment(
                    "The value must outlive `'fut`: it cannot borrow the locals that were kept in \
                     place, which move on now.",
                );
                quote_spanned! {point.span=>
                    #note
                    let #result = #private::detached::<#fut, _>(#result);
                }
            }
            _ => TokenStream::new(),
        });
        let build = splice(if eager(self.a, p) {
            let panicked = panic_resumed("panicking");
            let note = comment("Built when the state was entered.");
            quote!(#note #panicked)
        } else {
            self.build_awaitee(p)
        });
        // The function body's locals in slots come first: they are the oldest (what borrows
        // them was declared after them), so they drop last.
        let scope = self.slot_scope.len();
        let slots = splice(self.rebind_slots(self.a.body.id, p));
        let held = self.a.layout[p].held(&self.a.points[p].scope);
        self.in_place = self.regions[p].as_ref().map(|region| InPlace {
            point: p,
            region: region.body,
            per_iteration: region.per_iteration.clone(),
            held: held.clone(),
            inside: false,
            completes: false,
        });
        let body = splice(self.resume_block(&self.a.body, p, Dest::Return).tokens);
        let in_place = self.in_place.take();
        let (top, restore) = match &in_place {
            Some(in_place) => (
                self.poll_in_place(p),
                self.restore_in_place(&self.names.variants[p], in_place),
            ),
            None => (
                TokenStream::new(),
                self.restore(&self.names.variants[p], &self.arm_bindings(p)),
            ),
        };
        let (top, restore) = (splice(top), splice(restore));
        self.slot_scope.truncate(scope);
        let arm = quote! {
            #top
            let #future = match #awaitee {
                ::core::option::Option::Some(#future) => #future,
                ::core::option::Option::None => { #build }
            };
            #safety
            #[allow(unsafe_code)]
            let #future = unsafe { ::core::pin::Pin::new_unchecked(#future) };
            #[allow(clippy::let_unit_value)]
            let #result = match ::core::future::Future::poll(#future, #cx) {
                ::core::task::Poll::Ready(#result) => #result,
                ::core::task::Poll::Pending => {
                    #pending
                    return ::core::task::Poll::Pending;
                }
            };
            #done
            *#awaitee = ::core::option::Option::None;
            #detach
            #slots
            #restore
            #body
        };
        match in_place {
            // Entering the state again polls it again, from the top of the arm.
            Some(_) => {
                let again = label("__again");
                quote!(#[allow(unused_labels)] #again: loop { #arm })
            }
            None => arm,
        }
    }

    /// The state of point `p` was just entered: build the awaited future in place, where it may
    /// borrow the locals kept in place; the locals it consumes come from where the state was
    /// entered. This is the only place the awaited expression is written (the code entering the
    /// state may be written several times), so its type is one type even if it contains an
    /// `async` block or a closure.
    fn build_awaitee(&mut self, p: PointId) -> TokenStream {
        let point = &self.a.points[p];
        let layout = &self.a.layout[p];
        let awaitee = hidden("__awaitee");
        // The locals in slots the awaited expression can name (not shadowed by a later local)
        // and may use (a local that moved out of its slot before cannot be reached there).
        let slots_here: Vec<LocalId> = point
            .scope
            .iter()
            .enumerate()
            .filter(|&(i, &id)| {
                let name = &self.a.locals[id].ident;
                layout.slots_used.contains(&id)
                    && !point.scope[i + 1..]
                        .iter()
                        .any(|&later| self.a.locals[later].ident == *name)
            })
            .map(|(_, &id)| id)
            .collect();
        let slot_refs: Vec<TokenStream> = slots_here.iter().map(|&id| self.slot_ref(id)).collect();
        let pinned_names = layout
            .pinned
            .iter()
            .chain(&slots_here)
            .map(|&id| self.name_and_mutability(id))
            .collect();
        let take = self.point_takes(p, &slots_here);
        let mut rewriter = self.rewriter(pinned_names, Vec::new(), take);
        let operand = rewriter.moved_expr(self.checked_operand(p));
        self.errors.append(&mut rewriter.errors);
        let span = point.operand.span();
        let into_future = quote_spanned!(span=> ::core::future::IntoFuture::into_future(#operand));
        let take = (!layout.consumed.is_empty()).then(|| {
            let inputs = inputs_ident(p);
            // `mut` as declared: a `move` closure may assign to what it captures.
            let any_mut = layout.consumed.iter().any(|&id| self.a.locals[id].mutable);
            let names = layout.consumed.iter().map(|&id| {
                let name = self.local_ident(id);
                let mutability = self.a.locals[id].mutable.then(|| quote!(mut));
                quote!(#mutability #name)
            });
            let allow = any_mut.then(|| quote!(#[allow(unused_mut)]));
            let panicked = panic_resumed("panicking");
            quote! {
                #allow
                let ::core::option::Option::Some((#(#names,)*)) = #inputs.take() else {
                    #panicked
                };
            }
        });
        let note = comment(&format!(
            "Entering `{}`: build the awaited future in place (it may borrow what the state \
             keeps in place).",
            self.names.variants[p]
        ));
        quote! {
            #note
            #take
            #(#slot_refs)*
            #awaitee.insert(#into_future)
        }
    }

    /// The rest of block `b` from point `p` on (without braces), after re-binding the locals
    /// it declared before `p`.
    fn resume_block(&mut self, b: &Block, p: PointId, dest: Dest) -> Code {
        // (Restored whole: its locals may hide outer ones, `hide_outer_slots`.)
        let scope = self.slot_scope.clone();
        let code = self.resume_block_inner(b, p, dest);
        self.slot_scope = scope;
        code
    }

    fn resume_block_inner(&mut self, b: &Block, p: PointId, dest: Dest) -> Code {
        let slots = self.rebind_slots(b.id, p);
        self.hide_outer_slots(b.id, p);
        // (Written after the rest: an arm in place declares its locals only if its region ends.)
        let Some(Some(i)) = self.locations.in_block(b.id, p) else {
            let tail = b.tail.as_ref().expect("the point is in the tail");
            let value = self.resume_expr(tail, p);
            let value = self.deliver(value, dest);
            let mut out = slots;
            out.extend(self.rebind(b.id, p));
            out.extend(value.tokens);
            return Code::new(out, value.diverges);
        };
        let first = self.resume_stmt(&b.stmts[i], p);
        let mut out = slots;
        out.extend(self.rebind(b.id, p));
        out.extend(first.tokens);
        if first.diverges {
            return Code::new(out, true);
        }
        self.rest(b, i + 1, dest, out)
    }

    fn resume_stmt(&mut self, stmt: &Stmt, p: PointId) -> Code {
        match stmt {
            Stmt::Plain { .. } => unreachable!("plain statements do not suspend"),
            Stmt::Let {
                local,
                init,
                declares,
                ..
            } => {
                let value = self.resume_expr(init, p);
                let code = self.local(local, value, declares);
                self.shadow(declares);
                code
            }
            Stmt::Expr { expr, semi } => {
                let value = self.resume_expr(expr, p);
                if let (Expr::Await(_), true) = (expr, semi) {
                    // `fut.await;`: the value is dropped at the end of the statement.
                    if !self.a.points[p].question {
                        let tokens = splice(value.tokens);
                        return Code::new(
                            quote! {
                                #[allow(clippy::drop_non_drop, dropping_copy_types, dropping_references)]
                                ::core::mem::drop(#tokens);
                            },
                            false,
                        );
                    }
                }
                statement(value, *semi)
            }
        }
    }

    /// An expression that runs the rest of `expr` from point `p` and has `expr`'s value.
    fn resume_expr(&mut self, expr: &Expr, p: PointId) -> Code {
        match expr {
            Expr::Await(q) => {
                debug_assert_eq!(*q, p);
                let result = hidden("__result");
                let point = &self.a.points[p];
                let value = quote!(#result);
                let tokens = if point.question {
                    question_mark(value, point.span)
                } else {
                    value
                };
                Code::new(tokens, false)
            }
            Expr::Block(b) => {
                let body = self.resume_block(b, p, Dest::Value);
                let diverges = block_diverges(b, &body);
                let (label, tokens) = (&b.label, splice(body.tokens));
                Code::new(quote!(#label { #tokens }), diverges).dead(body.dead_value)
            }
            Expr::If {
                then, otherwise, ..
            } => {
                if self.locations.contains(then.id, p) {
                    let body = self.resume_block(then, p, Dest::Value);
                    let tokens = splice(body.tokens);
                    Code::new(quote!({ #tokens }), body.diverges).dead(body.dead_value)
                } else {
                    let otherwise = otherwise.as_ref().expect("the point is in the else branch");
                    self.resume_expr(otherwise, p)
                }
            }
            Expr::Match { arms, .. } => {
                let arm = arms
                    .iter()
                    .find(|arm| self.locations.contains(arm.scope, p))
                    .expect("the point is in an arm");
                let scope = self.slot_scope.clone();
                let slots = splice(self.rebind_slots(arm.scope, p));
                // (`n @ 3..=9 => ..`: the arm's bindings hide the locals in slots of their names.)
                self.hide_outer_slots(arm.scope, p);
                let body = self.resume_expr(&arm.body, p);
                self.slot_scope = scope;
                let rebind = splice(self.rebind(arm.scope, p));
                let tokens = splice(body.tokens);
                Code::new(quote!({ #slots #rebind #tokens }), body.diverges).dead(body.dead_value)
            }
            Expr::Loop { body, .. }
                if self
                    .in_place
                    .as_ref()
                    .is_some_and(|ip| ip.region == body.id) =>
            {
                self.region(expr, p)
            }
            Expr::Loop { .. } => self.resumed_loop(expr, p, TokenStream::new()),
            Expr::Return(value) => {
                let value = value.as_ref().expect("the point is in the value");
                let v = self.resume_expr(value, p);
                if v.diverges {
                    return v;
                }
                let ret = label("__ret");
                Code::new(break_with(&ret, v.tokens), true)
            }
            Expr::Plain(..) => unreachable!("plain expressions do not suspend"),
        }
    }

    /// The rest of the iteration of loop `expr` from point `p` on, then the loop again; `prefix`
    /// is written first, inside the block that `break` leaves.
    fn resumed_loop(&mut self, expr: &Expr, p: PointId, prefix: TokenStream) -> Code {
        let Expr::Loop { label, body, .. } = expr else {
            unreachable!("a loop")
        };
        self.labels += 1;
        let n = self.labels;
        let (brk, cont) = (label_n("__break", n), label_n("__continue", n));
        self.loops
            .push(LoopFrame::resumed(label, brk.clone(), cont.clone()));
        let rest = self.resume_block(body, p, Dest::Value);
        let frame = self.loops.pop().expect("the frame pushed above");
        let rest_tokens = splice(rest.tokens);
        let cont_label = frame.continue_used().then(|| quote!(#cont:));
        let brk_label = frame.break_used().then(|| quote!(#brk:));
        let note = comment("The rest of this iteration, then the loop again.");
        // The loop runs again unless the rest of the iteration never gets to its end.
        let again = if rest.diverges && !frame.continue_used() {
            Code::new(TokenStream::new(), true)
        } else {
            self.expr(expr)
        };
        let diverges = again.diverges && !frame.break_used();
        // (What the rest of the iteration borrowed of a slot for longer than a poll, `let cmd =
        // buf.trim()` kept by a later state, would still hold the loop's `buf` on the path that
        // gets to it, `if cmd.is_empty() { continue }`.)
        let refresh = match rest.diverges && !frame.continue_used() {
            true => TokenStream::new(),
            false => self.refresh_slots(&again.tokens),
        };
        let again = splice(again.tokens);
        Code::new(
            quote!(#brk_label { #prefix #note #cont_label { #rest_tokens } #refresh #again }),
            diverges,
        )
    }

    // ---- arms that resume in place ----

    /// The region of an arm that resumes in place: the loop resumed with the locals the state
    /// keeps bound to references into it; if the loop can end, they move out of the state after
    /// it, into the bindings declared for them where they were declared.
    fn region(&mut self, expr: &Expr, p: PointId) -> Code {
        let ip = self.in_place.as_mut().expect("an arm in place");
        ip.inside = true;
        let mut refs = TokenStream::new();
        for &(id, guard) in &ip.held {
            if guard || ip.per_iteration.contains(&id) {
                continue;
            }
            let name = rewrite::renamed(&self.a.locals[id].ident);
            let temp = keep_ident(&self.names.fields[id]);
            refs.extend(quote!(#[allow(unused_variables)] let #name = #temp;));
        }
        let construct = self.resumed_loop(expr, p, refs);
        let ip = self.in_place.as_mut().expect("an arm in place");
        ip.inside = false;
        if construct.diverges {
            return construct;
        }
        ip.completes = true;
        let mut fields = TokenStream::new();
        let mut moves = TokenStream::new();
        for (field, name) in self.moved_out() {
            let temp = keep_ident(&field);
            fields.extend(quote!(#field: #temp,));
            moves.extend(quote!(#name = #temp;));
        }
        let leave = splice(self.leave_here(fields));
        // (A local the code after the loop does not read would be linted at its assignment,
        // which an attribute on a statement can only reach as a `let`.)
        let moves = match moves.is_empty() {
            true => moves,
            false => quote! {
                #[allow(unused_assignments)]
                let () = { #moves };
            },
        };
        let moves = splice(moves);
        let note = comment(
            "The loop is over: what the state kept in place moves out of it, to the bindings it \
             has from here on (the references into the state are dead: `leave` borrows \
             `__here` again).",
        );
        let value = hidden("__value");
        let tokens = splice(construct.tokens);
        Code::new(
            quote! {{
                #[allow(clippy::let_unit_value)]
                let #value = #tokens;
                #note
                #leave
                #moves
                #value
            }},
            false,
        )
    }

    /// The fields of the state kept in place that move out when it is left, with the names the
    /// code gives them. (A local of the iteration is the region's own: the state's copy of it is
    /// `Copy`, dropped with the state.)
    fn moved_out(&self) -> Vec<(syn::Ident, syn::Ident)> {
        let ip = self.in_place.as_ref().expect("an arm in place");
        ip.held
            .iter()
            .filter(|(id, _)| !ip.per_iteration.contains(id))
            .map(|&(id, guard)| (self.held_field(id, guard), self.held_name(id, guard)))
            .collect()
    }

    /// `let FetchDataState::V { fields .. } = State::leave(&mut *__here) else { .. };`: leaves the
    /// state kept in place, through the borrow its references come from.
    fn leave_here(&self, fields: TokenStream) -> TokenStream {
        let ip = self.in_place.as_ref().expect("an arm in place");
        let variant = &self.names.variants[ip.point];
        let (state_enum, here) = (&self.names.state_enum, hidden("__here"));
        let unreachable = unreachable_state();
        let private = crate::names::private();
        let fields = splice(fields);
        quote! {
            let #state_enum::#variant { #fields .. } = #private::State::leave(
                &mut *#here,
            ) else { #unreachable };
        }
    }

    /// The top of an arm that resumes in place, at each poll of its state: the awaited future,
    /// and what building it borrows, as the other arms get them from the `match` on the state.
    fn poll_in_place(&self, p: PointId) -> TokenStream {
        let (state_enum, state) = (&self.names.state_enum, hidden("__state"));
        let awaitee = hidden("__awaitee");
        let variant = &self.names.variants[p];
        let pinned = pinned_bindings(self.a, self.names, p);
        let safety = comment("SAFETY: `__state` points to the pinned state, valid for this call.");
        let unreachable = unreachable_state();
        quote! {
            #safety
            #[allow(unsafe_code)]
            let #state_enum::#variant { #awaitee, #(#pinned,)* .. } = (unsafe { &mut *#state }) else {
                #unreachable
            };
        }
    }

    /// Once the awaited future is done, in an arm that resumes in place: the state stays where it
    /// is and its locals are bound to references into it (`__keep_x`, bound to `x` in the
    /// region), through one borrow of it, `__here`, separate from the future's; if the region
    /// can end, the function body's locals get the bindings they move to after it.
    fn restore_in_place(&self, variant: &syn::Ident, ip: &InPlace) -> TokenStream {
        let (state_enum, state, here) =
            (&self.names.state_enum, hidden("__state"), hidden("__here"));
        let awaitee = hidden("__awaitee");
        let mut fields = TokenStream::new();
        for &(id, guard) in &ip.held {
            let field = self.held_field(id, guard);
            let temp = keep_ident(&field);
            fields.extend(quote!(#field: #temp,));
        }
        let fields = splice(fields);
        let body_level = ip
            .held
            .iter()
            .filter(|&&(id, _)| ip.completes && self.a.locals[id].block == self.a.body.id);
        let deferred = splice(self.deferred(body_level));
        let safety = comment(
            "SAFETY: `__state` points to the pinned state, valid for this call; nothing else \
             reaches into it while `__here` does.",
        );
        let note = comment(&format!(
            "`{variant}` resumes in place: what it keeps stays in the state, reached through \
             references, while the loop around its `.await` runs; entering it again only writes \
             the new awaited future."
        ));
        let unreachable = unreachable_state();
        quote! {
            #safety
            #[allow(unsafe_code)]
            let #here = unsafe { &mut *#state };
            #note
            #[allow(unused_variables)]
            let #state_enum::#variant { #awaitee, #fields .. } = &mut *#here else {
                #unreachable
            };
            #deferred
        }
    }

    /// `let x;` for held locals that move out of the state when the region ends: declared where
    /// the local was, so that it drops where it did.
    fn deferred<'h>(&self, held: impl Iterator<Item = &'h (LocalId, bool)>) -> TokenStream {
        let mut out = TokenStream::new();
        for &(id, guard) in held {
            let name = self.held_name(id, guard);
            let mutability = (!guard && self.a.locals[id].mutable).then(|| quote!(mut));
            out.extend(quote! {
                #[allow(unused_mut, unused_variables, unused_assignments)]
                let #mutability #name;
            });
        }
        out
    }

    /// Inside a region: the state of point `p` is the one kept in place.
    fn reenters(&self, p: PointId) -> bool {
        self.in_place
            .as_ref()
            .is_some_and(|ip| ip.inside && ip.point == p)
    }

    /// Entering the state kept in place again, from its own region: its locals are where they
    /// were, but for those of the iteration, copied in; then the awaited future is written, or,
    /// if the arm builds it, what it consumes is handed over.
    fn reenter(&mut self, p: PointId) -> TokenStream {
        let ip = self.in_place.as_ref().expect("an arm in place");
        let mut copies = TokenStream::new();
        for &id in &ip.per_iteration {
            let name = self.local_ident(id);
            let temp = keep_ident(&self.names.fields[id]);
            copies.extend(quote!(*#temp = #name;));
        }
        let copies = splice(copies);
        let point = &self.a.points[p];
        let mut explain = comment_with(|| {
            format!(
                "`{}` (line {}): state `{}` again; what it keeps is still in place{}.",
                point.source,
                point.line,
                self.names.variants[p],
                if ip.per_iteration.is_empty() {
                    ""
                } else {
                    " (this iteration's locals are copied in)"
                }
            )
        });
        if let Some(note) = &point.note {
            explain.extend(comment_with(|| format!("Note: {note}.")));
        }
        let write = splice(if eager(self.a, p) {
            let awaitee = hidden("__awaitee");
            let mut rewriter = self.eager_rewriter(p, false);
            let operand = rewriter.moved_expr(self.checked_operand(p));
            self.errors.append(&mut rewriter.errors);
            let span = point.operand.span();
            let future = quote_spanned!(span=> ::core::option::Option::Some(
                ::core::future::IntoFuture::into_future(#operand)
            ));
            quote!(*#awaitee = #future;)
        } else {
            // The arm builds the future, from what the state keeps in place and these.
            let layout = &self.a.layout[p];
            let inputs = inputs_ident(p);
            let names = layout.consumed.iter().map(|&id| self.local_ident(id));
            if layout.consumed.is_empty() {
                TokenStream::new()
            } else {
                quote!(#inputs = ::core::option::Option::Some((#(#names,)*));)
            }
        });
        let poll_now = comment("Poll it right away, as `.await` does.");
        let again = label("__again");
        quote! {
            #explain
            #copies
            #write
            #poll_now
            continue #again;
        }
    }

    /// Inside a region, entering another state: the state kept in place is left first, its
    /// locals bound by their names (shadowing the references) to move into the next one.
    fn leave_in_place(&self) -> TokenStream {
        let Some(ip) = self.in_place.as_ref().filter(|ip| ip.inside) else {
            return TokenStream::new();
        };
        let mut fields = TokenStream::new();
        for (field, name) in self.moved_out() {
            if field == name {
                fields.extend(quote!(#name,));
            } else {
                fields.extend(quote!(#field: #name,));
            }
        }
        let leave = splice(self.leave_here(fields));
        let note = comment(&format!(
            "Leaving `{}`, which was kept in place: what it keeps moves out of it.",
            self.names.variants[ip.point]
        ));
        quote! {
            #note
            #[allow(unused_variables)]
            #leave
        }
    }

    /// The field of the state that holds a held local (or its drop guard).
    fn held_field(&self, id: LocalId, guard: bool) -> syn::Ident {
        if guard {
            self.names.guard_field(id)
        } else {
            self.names.fields[id].clone()
        }
    }

    /// The name the code gives a held local (or its drop guard).
    fn held_name(&self, id: LocalId, guard: bool) -> syn::Ident {
        if guard {
            self.names.guard_field(id)
        } else {
            self.local_ident(id)
        }
    }

    // ---- states ----

    /// Moves the state out (leaving `Panicked`) and binds the locals it kept: those of the
    /// function body by their names, the others to hidden names, re-bound in their block by
    /// [`Self::rebind`] so that they drop where they did. `held` is in declaration order, with
    /// the locals declared again without a value (`Back::Declared`): from the first of those at
    /// the function body's level on, its locals are bound in order after the state is left.
    fn restore(&mut self, variant: &syn::Ident, held: &[(LocalId, Back)]) -> TokenStream {
        let state_enum = &self.names.state_enum;
        let state = hidden("__state");
        let mut fields = TokenStream::new();
        let mut after = TokenStream::new();
        let mut in_order = false;
        let mut any_mut = false;
        for &(id, back) in held {
            let local = &self.a.locals[id];
            if local.block != self.a.body.id {
                if back != Back::Declared {
                    let temp = keep_ident(&self.held_field(id, back == Back::Guard));
                    let field = self.held_field(id, back == Back::Guard);
                    fields.extend(quote!(#field: #temp,));
                }
                continue;
            }
            in_order |= back == Back::Declared;
            if in_order {
                after.extend(self.bind_back(id, back));
                if back != Back::Declared {
                    let field = self.held_field(id, back == Back::Guard);
                    let temp = keep_ident(&field);
                    fields.extend(quote!(#field: #temp,));
                }
                continue;
            }
            let field = self.held_field(id, back == Back::Guard);
            if back == Back::Guard {
                fields.extend(quote!(#field,));
                continue;
            }
            let name = self.local_ident(id);
            let mutability = local.mutable.then(|| quote!(mut));
            any_mut |= local.mutable;
            if field == name {
                fields.extend(quote!(#mutability #name,));
            } else {
                fields.extend(quote!(#field: #mutability #name,));
            }
        }
        let any_field = !fields.is_empty();
        let fields = splice(fields);
        let allow = if any_mut {
            quote!(#[allow(unused_mut, unused_variables)])
        } else if any_field {
            quote!(#[allow(unused_variables)])
        } else {
            TokenStream::new()
        };
        let unreachable = unreachable_state();
        let private = crate::names::private();
        let safety = comment(
            "SAFETY: `__state` points to the pinned state, valid for this call; the state being \
             left holds no future any more, so its locals may move.",
        );
        quote! {
            #safety
            #allow
            #[allow(unsafe_code)]
            let #state_enum::#variant { #fields .. } = #private::State::leave(
                unsafe { &mut *#state },
            ) else { #unreachable };
            #after
        }
    }

    /// A local bound again where it was declared: from the hidden name the state's field was
    /// bound to, or, for one the state does not hold but the code assigns, declared without a
    /// value.
    fn bind_back(&self, id: LocalId, back: Back) -> TokenStream {
        let local = &self.a.locals[id];
        match back {
            Back::Guard => {
                let field = self.names.guard_field(id);
                let temp = keep_ident(&field);
                quote!(let #field = #temp;)
            }
            Back::Kept => {
                let name = self.local_ident(id);
                let temp = keep_ident(&self.names.fields[id]);
                let mutability = local.mutable.then(|| quote!(mut));
                quote! {
                    #[allow(unused_mut, unused_variables)]
                    let #mutability #name = #temp;
                }
            }
            Back::Declared => {
                let name = self.local_ident(id);
                let mutability = local.mutable.then(|| quote!(mut));
                let note = comment_with(|| {
                    format!(
                        "`{name}` holds no value in this state (moved, or not given one yet); \
                         the code below gives it one."
                    )
                });
                quote! {
                    #note
                    #[allow(unused_mut, unused_variables)]
                    let #mutability #name;
                }
            }
        }
    }

    /// What the arm of point `p` binds again where it was declared, in declaration order: the
    /// locals the state holds, and those it declares again without a value.
    fn arm_bindings(&self, p: PointId) -> Vec<(LocalId, Back)> {
        let layout = &self.a.layout[p];
        self.a.points[p]
            .scope
            .iter()
            .filter_map(|&id| {
                if layout.kept.contains(&id) {
                    Some((id, Back::Kept))
                } else if layout.slotted.contains(&id) {
                    Some((id, Back::Guard))
                } else if layout.redeclared.contains(&id) {
                    Some((id, Back::Declared))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Re-binds, at the top of scope `block`, the locals it declared that point `p` kept.
    fn rebind(&self, block: usize, p: PointId) -> TokenStream {
        if block == self.a.body.id {
            return TokenStream::new();
        }
        if let Some(ip) = &self.in_place {
            let here: Vec<&(LocalId, bool)> = ip
                .held
                .iter()
                .filter(|&&(id, _)| self.a.locals[id].block == block)
                .collect();
            let (copied, moved): (Vec<_>, Vec<_>) = here
                .into_iter()
                .partition(|(id, _)| ip.per_iteration.contains(id));
            let mut out = TokenStream::new();
            for &(id, _) in copied {
                let name = self.local_ident(id);
                let temp = keep_ident(&self.names.fields[id]);
                let mutability = self.a.locals[id].mutable.then(|| quote!(mut));
                out.extend(quote! {
                    #[allow(unused_mut, unused_variables)]
                    let #mutability #name = *#temp;
                });
            }
            if ip.completes {
                out.extend(self.deferred(moved.into_iter()));
            }
            return out;
        }
        let mut out = TokenStream::new();
        for (id, back) in self.arm_bindings(p) {
            if self.a.locals[id].block == block {
                out.extend(self.bind_back(id, back));
            }
        }
        out
    }

    /// Enters the state of suspension point `p`: moves the kept locals into it, hands the locals
    /// the awaited expression consumes to its arm, and goes on to poll (the arm builds the future).
    fn suspend(&mut self, p: PointId) -> TokenStream {
        if self.reenters(p) {
            return self.reenter(p);
        }
        let left_in_place = self.in_place.as_ref().is_some_and(|ip| ip.inside);
        let leave = splice(self.leave_in_place());
        let point = &self.a.points[p];
        let layout = &self.a.layout[p];
        let state_enum = &self.names.state_enum;
        let state = hidden("__state");
        let awaitee = hidden("__awaitee");
        let variant = &self.names.variants[p];
        let mut fields = TokenStream::new();
        for (id, guard) in layout.held(&point.scope).into_iter().rev() {
            if guard {
                let field = self.names.guard_field(id);
                fields.extend(quote!(#field,));
                continue;
            }
            let field = &self.names.fields[id];
            let name = self.local_ident(id);
            if *field == name {
                fields.extend(quote!(#name,));
            } else {
                fields.extend(quote!(#field: #name,));
            }
        }
        let fields = splice(fields);
        let eager = eager(self.a, p);
        let hand_over = (!eager && !layout.consumed.is_empty()).then(|| {
            let inputs = inputs_ident(p);
            let names = layout.consumed.iter().map(|&id| self.local_ident(id));
            quote!(#inputs = ::core::option::Option::Some((#(#names,)*));)
        });
        let poll = label("__poll");
        let mut explain = comment_with(|| self.entering(p));
        if let Some(note) = &point.note {
            explain.extend(comment_with(|| format!("Note: {note}.")));
        }
        let safety = comment(
            "SAFETY: `__state` points to the pinned state, whose current value was moved out \
             (it is `Panicked`, which owns nothing): writing over it without a drop loses \
             nothing and moves nothing that is pinned.",
        );
        let poll_now = comment("Poll it right away, as `.await` does.");
        let next = hidden("__next_state");
        let future = splice(if eager {
            let mut rewriter = self.eager_rewriter(p, left_in_place);
            let operand = rewriter.moved_expr(self.checked_operand(p));
            self.errors.append(&mut rewriter.errors);
            let span = point.operand.span();
            explain.extend(comment(
                "The awaited future borrows nothing the state keeps: build it now.",
            ));
            quote_spanned!(span=> ::core::option::Option::Some(
                ::core::future::IntoFuture::into_future(#operand)
            ))
        } else {
            quote!(::core::option::Option::None)
        });
        quote! {
            #leave
            #explain
            let #next = #state_enum::#variant {
                #awaitee: #future,
                #fields
            };
            #safety
            #[allow(unsafe_code)]
            unsafe { ::core::ptr::write(#state, #next) };
            #hand_over
            #poll_now
            continue #poll;
        }
    }

    /// The comment where the state of point `p` is entered: what it keeps, and how.
    fn entering(&self, p: PointId) -> String {
        let (point, layout) = (&self.a.points[p], &self.a.layout[p]);
        let variant = &self.names.variants[p];
        let list = |ids: &[LocalId]| -> String {
            ids.iter()
                .map(|&id| format!("`{}`", self.a.locals[id].ident))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut what = if point.join.is_some() {
            format!("{}: enter state `{}`", point.source, variant)
        } else {
            format!(
                "`{}` (line {}): enter state `{}`",
                point.source, point.line, variant
            )
        };
        if !layout.kept.is_empty() {
            what.push_str(&format!(", keeping {}", list(&layout.kept)));
        }
        if !layout.pinned.is_empty() {
            what.push_str(&format!(
                "; kept in place for the awaited future to borrow: {}",
                list(&layout.pinned)
            ));
        }
        if !layout.consumed.is_empty() {
            what.push_str(&format!(
                "; moved into the awaited expression: {}",
                list(&layout.consumed)
            ));
        }
        what.push('.');
        what
    }

    // ---- slots ----

    /// `let x = value;` for a local that lives in a slot: the value goes into the slot, `x` is a
    /// reference to it (the code reaches it as `*x`), and a guard drops it at the end of the
    /// scope, where the local would have been dropped. (The value may take another local out
    /// of its slot, `let buf = p.a;`: the statement's `takes`, by its `key`.)
    fn slot_declaration(&mut self, stmt: &syn::Stmt, id: LocalId, key: usize) -> TokenStream {
        let syn::Stmt::Local(local) = stmt else {
            unreachable!("slots are declared by `let`")
        };
        let init = local.init.as_ref().expect("a slot local has a value");
        let take = self.takes(key);
        let value = self.rewrite_taking((*init.expr).clone(), take, true);
        self.slot_fill(pat_type(&local.pat), id, value.into_token_stream())
    }

    /// The declaration of local `id` in its slot, given its value as lowered (and its type, if
    /// the `let` gives one).
    fn slot_fill(
        &mut self,
        ty: Option<&syn::Type>,
        id: LocalId,
        value: TokenStream,
    ) -> TokenStream {
        let value = match ty {
            Some(ty) => quote!({ let __value: #ty = #value; __value }),
            None => value,
        };
        let name = self.local_ident(id);
        let annotation = self
            .pinned
            .as_ref()
            .map(|l| quote!(: &#l mut ::core::option::Option<_>));
        let slot_ident = hidden("__slot");
        let guard = self.slot_guard_decl(id);
        let note = comment(&format!(
            "`{}` lives in a slot of the future, at one address until the end of its scope: {}. \
             SAFETY: the slots are pinned.",
            self.a.locals[id].ident,
            slot_reason(&self.a.locals[id])
        ));
        self.slot_scope.push(id);
        let (allow, mutability) = self.refilled_binding(id);
        let place = self.slot_place(id);
        quote! {
            #note
            #[allow(unsafe_code)]
            let #slot_ident #annotation = #place;
            #[allow(unused_variables, #allow)]
            let #mutability #name = #slot_ident.insert(#value);
            #guard
        }
    }

    /// The binding of local `id` in a slot is `mut` if an assignment puts it back into its slot
    /// (`Analysis::refilled`): the lint to allow and the keyword.
    fn refilled_binding(&self, id: LocalId) -> (TokenStream, TokenStream) {
        match self.a.refilled.contains(&id) {
            true => (quote!(unused_mut,), quote!(mut)),
            false => Default::default(),
        }
    }

    /// The slot of local `id` (an `Option`), borrowed from the slots' pointer.
    fn slot_place(&self, id: LocalId) -> TokenStream {
        let index = syn::Index::from(self.a.locals[id].slot.expect("a slot local"));
        let slots = hidden("__slots");
        quote!(unsafe { &mut (*#slots).#index })
    }

    /// After `let PAT = value;` that binds locals in slots: each moves into its slot, and the
    /// bindings after the first one that does are declared again, so that they all still drop
    /// in reverse order of declaration, as the pattern's bindings do.
    fn move_into_slots(&mut self, declares: &[LocalId]) -> TokenStream {
        let mut out = self.drop_checks(declares);
        if let Some(first) = declares
            .iter()
            .position(|&id| self.a.locals[id].slot.is_some())
        {
            out.extend(self.redeclare(&declares[first..]));
        }
        out
    }

    /// Of the locals `ids`, just declared, those the states drop early if they do not move
    /// (`Local::no_drop_flag`): a check that their type drops nothing, which fails to compile
    /// at their name otherwise.
    fn drop_checks(&self, ids: &[LocalId]) -> TokenStream {
        let private = crate::names::private();
        ids.iter()
            .filter(|&&id| self.a.locals[id].no_drop_flag)
            .map(|&id| {
                let local = &self.a.locals[id];
                let name = self.local_ident(id);
                // (`let x: T;` has no value to borrow yet: its stated type is checked.)
                let check = match &local.ty {
                    Some(ty) if local.uninit && !crate::syntax::has_impl_trait_or_infer(ty) => {
                        quote!(#private::drops_nothing_of::<#ty>();)
                    }
                    _ => quote!(#private::drops_nothing(&#name);),
                };
                // (The error's note points where the call is: at the local.)
                located_at(check, self.a.locals[id].ident.span())
            })
            .collect()
    }

    /// The locals `declares`, declared again in order: those in slots move into them, the others
    /// are bound again by value, with their `mut`.
    fn redeclare(&mut self, declares: &[LocalId]) -> TokenStream {
        let mut out = TokenStream::new();
        for &id in declares {
            let name = self.local_ident(id);
            if self.a.locals[id].slot.is_some() {
                out.extend(self.slot_fill(None, id, name.into_token_stream()));
            } else {
                let mutable = self.a.locals[id].mutable.then(<syn::Token![mut]>::default);
                out.extend(quote! {
                    #[allow(unused_mut, unused_variables)]
                    let #mutable #name = #name;
                });
            }
        }
        out
    }

    /// The bindings of an `if let`, `while let` or match arm pattern, at the top of its body: from
    /// the first one that lives in a slot, or that is mutable and kept across an `.await` (its
    /// `mut` is used only in a later state, where rustc cannot see it from the pattern), they are
    /// declared again (`redeclare`), and `pat` loses their `mut`.
    fn rebound(&mut self, bound: &[LocalId], pat: &mut syn::Pat) -> TokenStream {
        let Some(first) = bound.iter().position(|&id| {
            let local = &self.a.locals[id];
            local.slot.is_some() || (local.mutable && self.kept_somewhere.contains(&id))
        }) else {
            return TokenStream::new();
        };
        let again = &bound[first..];
        let names: Vec<syn::Ident> = again
            .iter()
            .map(|&id| self.a.locals[id].ident.clone())
            .collect();
        rewrite::immutable_bindings(pat, &names);
        self.redeclare(again)
    }

    /// A block ending in a local that lives in a slot (`.. seen }`): its value is moved out of
    /// the slot, as the original moves the local out.
    fn take_slot_tail(&self, b: &Block) -> Option<TokenStream> {
        let Some(Expr::Plain(e, _)) = b.tail.as_deref() else {
            return None;
        };
        // `x` or `x.field`: the root moves out of its slot.
        let mut fields = Vec::new();
        let mut root = e;
        while let syn::Expr::Field(f) = root {
            fields.push(&f.member);
            root = &f.base;
        }
        fields.reverse();
        let ident = crate::analyze::mentions::plain_ident(root)?;
        // (A field copied, `.. p.n }`, leaves the local in its slot.)
        if !fields.is_empty() && self.a.field_copies.contains(&ident.span().start()) {
            return None;
        }
        let id = *self
            .slot_scope
            .iter()
            .rev()
            .find(|&&id| self.a.locals[id].ident == *ident)?;
        let index = syn::Index::from(self.a.locals[id].slot?);
        let slots = hidden("__slots");
        let unreachable = unreachable_state();
        let note = comment(
            "The value moves out of its slot. SAFETY: the slots are pinned; taking the value moves nothing else.",
        );
        Some(quote! {{
            #note
            #[allow(unsafe_code)]
            let __value = match ::core::option::Option::take(unsafe { &mut (*#slots).#index }) {
                ::core::option::Option::Some(__value) => __value,
                ::core::option::Option::None => #unreachable,
            };
            __value #(.#fields)*
        }})
    }

    /// The locals in slots that the plain code at `key` moves out for the last time, with the
    /// expression that takes each out of its slot.
    fn takes(&self, key: usize) -> Vec<SlotTake> {
        match self.a.last_moves.get(&key) {
            Some(ids) => self.takes_of(ids, &self.slot_scope),
            None => Vec::new(),
        }
    }

    /// `takes` of the locals `ids` (with whether only in a jump's value), those of `reachable`.
    fn takes_of(&self, ids: &[Take], reachable: &[LocalId]) -> Vec<SlotTake> {
        ids.iter()
            .filter(|(id, _)| reachable.contains(id))
            .map(|&(id, at)| {
                let place = self.slot_place(id);
                let unreachable = unreachable_state();
                let note = comment("Its last use: the value moves out of its slot. SAFETY: the slots are pinned; only this value moves.");
                let take = quote! {{
                    #note
                    #[allow(unsafe_code)]
                    let __slot = #place;
                    match ::core::option::Option::take(__slot) {
                        ::core::option::Option::Some(__value) => __value,
                        ::core::option::Option::None => #unreachable,
                    }
                }};
                (self.a.locals[id].ident.to_string(), take, at)
            })
            .collect()
    }

    /// Parameters that live in slots move there first thing; those after the first of them
    /// that drop something are bound again in order, so that they still drop in reverse order
    /// (at a `return` or a panic before the first `.await`).
    fn param_slots(&mut self) -> TokenStream {
        let params = &self.a.params;
        let first = params
            .iter()
            .position(|&id| self.a.locals[id].slot.is_some())
            .unwrap_or(params.len());
        let ids: Vec<LocalId> = params[first..].to_vec();
        let mut out = TokenStream::new();
        for id in ids {
            let local = &self.a.locals[id];
            if local.slot.is_none() {
                // (A reference or a `Copy` value drops nothing.)
                if local.is_reference || local.copied() || local.drops_nothing {
                    continue;
                }
                let name = self.local_ident(id);
                let mutable = self.a.locals[id].mutable.then(<syn::Token![mut]>::default);
                out.extend(quote! {
                    #[allow(unused_mut, unused_variables)]
                    let #mutable #name = #name;
                });
                continue;
            }
            let name = self.local_ident(id);
            let slot_ident = hidden("__slot");
            let annotation = self
                .pinned
                .as_ref()
                .map(|l| quote!(: &#l mut ::core::option::Option<_>));
            let guard = self.slot_guard_decl(id);
            let note = comment(&format!(
                "`{name}` lives in a slot of the future from here on: {}. SAFETY: the slots are \
                 pinned.",
                slot_reason(&self.a.locals[id])
            ));
            let (allow, mutability) = self.refilled_binding(id);
            let place = self.slot_place(id);
            out.extend(quote! {
                #note
                #[allow(unsafe_code)]
                let #slot_ident #annotation = #place;
                #[allow(unused_variables, #allow)]
                let #mutability #name = #slot_ident.insert(#name);
                #guard
            });
            self.slot_scope.push(id);
        }
        out
    }

    /// At the top of a loop that suspends, the locals in slots that never leave them, bound
    /// again to their slots: a borrow of one that an iteration hands to an awaited future lives
    /// as long as the state (a lifetime of the closure's signature), and would otherwise still
    /// hold the reference the next iteration borrows again (`let Some(out) = self.outs[i]
    /// .as_mut() else { continue }; send(out).await;`). Only those the loop's code, `body`,
    /// names.
    fn refresh_slots(&self, body: &TokenStream) -> TokenStream {
        fn names(tokens: &TokenStream, out: &mut std::collections::HashSet<String>) {
            for tt in tokens.clone() {
                match tt {
                    proc_macro2::TokenTree::Ident(i) => {
                        out.insert(i.to_string());
                    }
                    proc_macro2::TokenTree::Group(g) => names(&g.stream(), out),
                    _ => {}
                }
            }
        }
        let mut named = std::collections::HashSet::new();
        names(body, &mut named);
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<LocalId> = (self.slot_scope.iter().rev())
            .filter(|&&id| seen.insert(self.a.locals[id].ident.to_string()))
            .filter(|id| self.never_taken.contains(id))
            .filter(|&&id| named.contains(&self.local_ident(id).to_string()))
            .copied()
            .collect();
        if ids.is_empty() {
            return TokenStream::new();
        }
        let mut out = comment(
            "Its slots bound again for this iteration: what the last one lent to an awaited \
             future does not hold them.",
        );
        for id in ids.into_iter().rev() {
            out.extend(self.slot_ref(id));
        }
        out
    }

    /// `x`, bound again to its slot (without taking over its drop).
    fn slot_ref(&self, id: LocalId) -> TokenStream {
        let name = self.local_ident(id);
        let annotation = self.pinned.as_ref().map(|l| quote!(: &#l mut _));
        let unreachable = unreachable_state();
        let (allow, mutability) = self.refilled_binding(id);
        let place = self.slot_place(id);
        quote! {
            #[allow(unsafe_code, unused_variables, #allow)]
            let #mutability #name #annotation = match #place {
                ::core::option::Option::Some(__value) => __value,
                ::core::option::Option::None => #unreachable,
            };
        }
    }

    /// The guard that drops the local in slot `id` at the end of its scope.
    fn slot_guard_decl(&self, id: LocalId) -> TokenStream {
        let slot = self.a.locals[id].slot.expect("a slot local");
        let index = syn::Index::from(slot);
        let slots = hidden("__slots");
        let guard = self.names.guard_field(id);
        let private = crate::names::private();
        let safety = comment(
            "SAFETY: the slot is a field of the pinned future, which outlives the guard; only the \
             guard empties it.",
        );
        quote! {
            #safety
            #[allow(unsafe_code)]
            let #guard = unsafe {
                #private::SlotGuard::new(::core::ptr::addr_of_mut!((*#slots).#index))
            };
        }
    }

    /// The locals of `block` in scope at `p` that are not in slots hide the locals in slots
    /// of their names declared before them (in an outer block) from the code of the arm.
    fn hide_outer_slots(&mut self, block: usize, p: PointId) {
        let locals = &self.a.locals;
        for &id in &self.a.points[p].scope {
            if locals[id].block == block && locals[id].slot.is_none() {
                self.slot_scope
                    .retain(|&s| s > id || locals[s].ident != locals[id].ident);
            }
        }
    }

    /// New locals hide the locals in slots with the same name from the code after them.
    fn shadow(&mut self, declares: &[LocalId]) {
        for &id in declares {
            let name = &self.a.locals[id].ident;
            self.slot_scope
                .retain(|&s| s == id || self.a.locals[s].ident != *name);
        }
    }

    /// At the top of scope `block` when resuming at `p`: the locals in slots it declared that the
    /// code uses from there on (those that a later local does not hide; one that moved out of
    /// its slot before `p` is not used again, and its slot is empty).
    fn rebind_slots(&mut self, block: usize, p: PointId) -> TokenStream {
        let scope = &self.a.points[p].scope;
        let used = &self.a.layout[p].slots_used;
        // (The awaited expression took these out of their slots: not used after it.)
        let taken = self.a.point_moves.get(p).map_or(&[][..], Vec::as_slice);
        let ids: Vec<LocalId> = scope
            .iter()
            .enumerate()
            .filter(|&(i, &id)| {
                let local = &self.a.locals[id];
                // (A later local of its name in an inner block is bound there, after it.)
                used.contains(&id)
                    && !taken.contains(&id)
                    && local.block == block
                    && !scope[i + 1..].iter().any(|&l| {
                        self.a.locals[l].ident == local.ident && self.a.locals[l].block == block
                    })
            })
            .map(|(_, &id)| id)
            .filter(|id| !self.slot_scope.contains(id))
            .collect();
        let mut out = TokenStream::new();
        for id in ids {
            out.extend(self.slot_ref(id));
            self.slot_scope.push(id);
        }
        // Those only assigned from here on: bound to their slots, which the assignment fills
        // again (`x = v` drops what the slot holds, as the assignment does). Those moved out
        // of their slots that the code puts back (`x = f(x).await`): bound where they get
        // their value.
        let assigned: Vec<LocalId> = (self.a.layout[p].slots_assigned.iter())
            .copied()
            .filter(|id| self.a.locals[*id].block == block && !self.slot_scope.contains(id))
            .collect();
        for id in assigned {
            if !self.a.refilled.contains(&id) {
                out.extend(self.slot_ref(id));
                self.slot_scope.push(id);
                continue;
            }
            let name = self.local_ident(id);
            let annotation = self.pinned.as_ref().map(|l| quote!(: &#l mut _));
            out.extend(quote! {
                #[allow(unused_mut)]
                let mut #name #annotation;
            });
            self.slot_scope.push(id);
        }
        out
    }

    // ---- helpers ----

    /// A `let mut` whose local is kept across a suspension point may be mutated only in a later
    /// state's code: the `mut` is still needed, rustc just cannot see it from here.
    fn allow_unused_mut(&self, declares: &[LocalId], attrs: &mut Vec<syn::Attribute>) {
        // Kept across an `.await`, or declared again after the `let` because a binding of the
        // same pattern moves into a slot: the user's mutation then happens elsewhere.
        let slotted = declares.iter().any(|&id| self.a.locals[id].slot.is_some());
        let crosses = declares
            .iter()
            .any(|&id| self.a.locals[id].mutable && (self.kept_somewhere.contains(&id) || slotted));
        // A lifted temporary's `let` has it already (`syntax::let_mut`).
        let allowed = attrs.iter().any(|a| {
            a.path().is_ident("allow")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|lints| lints.iter().any(|l| l == "unused_mut"))
        });
        if crosses && !allowed {
            attrs.push(crate::syntax::allow(&["unused_mut"], Span::call_site()));
        }
    }

    /// The identifier the user's code uses for a local (`self` is renamed).
    fn local_ident(&self, id: LocalId) -> syn::Ident {
        rewrite::renamed(&self.a.locals[id].ident)
    }

    /// The rewriter of an awaited expression built where its state is entered: the locals in
    /// slots it names are reached there, and those it moves for the last time taken out; after
    /// `left_in_place` (`leave_in_place`), the locals the state kept in place are values again.
    fn eager_rewriter(&self, p: PointId, left_in_place: bool) -> Rewriter {
        let take = self.point_takes(p, &self.slot_scope);
        let pinned = if left_in_place {
            (self.slot_scope.iter())
                .map(|&id| self.name_and_mutability(id))
                .collect()
        } else {
            self.slot_names()
        };
        self.rewriter(pinned, Vec::new(), take)
    }

    /// A rewriter of code that reaches `pinned` through references and takes the locals of
    /// `take` out of their slots where it moves them (not where it copies one of their fields).
    fn rewriter(
        &self,
        pinned: Vec<(String, bool)>,
        loops: Vec<LoopFrame>,
        take: Vec<SlotTake>,
    ) -> Rewriter {
        let mut r = Rewriter::new(pinned, loops);
        r.take = take;
        r.field_copies = self.a.field_copies.clone();
        r.copied = (0..self.a.locals.len())
            .filter(|&id| self.a.locals[id].copied())
            .map(|id| self.local_ident(id).to_string())
            .collect();
        r.refill = (self.a.refilled.iter())
            .filter(|id| self.slot_scope.contains(id))
            .map(|&id| (self.local_ident(id).to_string(), self.slot_place(id)))
            .collect();
        r
    }

    /// `takes` of the locals in slots point `p`'s awaited expression moves for the last time
    /// (`Analysis::point_moves`), those of `reachable`.
    fn point_takes(&self, p: PointId, reachable: &[LocalId]) -> Vec<SlotTake> {
        let moves: Vec<Take> = self
            .a
            .point_moves
            .get(p)
            .into_iter()
            .flatten()
            .map(|&id| (id, None))
            .collect();
        self.takes_of(&moves, reachable)
    }

    /// The locals the code reaches through references: those in slots, and in a region those
    /// the state keeps in place (`Rewriter::new`).
    fn slot_names(&self) -> Vec<(String, bool)> {
        let in_place = self.in_place.iter().filter(|ip| ip.inside).flat_map(|ip| {
            ip.held
                .iter()
                .filter(|&(id, guard)| !guard && !ip.per_iteration.contains(id))
        });
        self.slot_scope
            .iter()
            .chain(in_place.map(|(id, _)| id))
            .map(|&id| self.name_and_mutability(id))
            .collect()
    }

    fn name_and_mutability(&self, id: LocalId) -> (String, bool) {
        let local = &self.a.locals[id];
        (local.ident.to_string(), local.mutable)
    }

    fn rewrite_expr(&mut self, expr: syn::Expr) -> syn::Expr {
        self.rewrite_taking(expr, Vec::new(), false)
    }

    /// `rewrite_expr`, taking the locals of `take` out of their slots where the code moves
    /// them (and `expr` itself, if `moved`).
    fn rewrite_taking(&mut self, expr: syn::Expr, take: Vec<SlotTake>, moved: bool) -> syn::Expr {
        let mut r = self.rewriter(self.slot_names(), self.loops.clone(), take);
        let expr = if moved {
            r.moved_expr(expr)
        } else {
            r.expr(expr)
        };
        self.errors.append(&mut r.errors);
        self.sync_loops(&r);
        expr
    }

    /// Records which generated loop labels the rewriter used.
    fn sync_loops(&mut self, r: &Rewriter) {
        for (mine, theirs) in self.loops.iter_mut().zip(&r.loops) {
            mine.merge_use(theirs);
        }
    }
}

/// The suspension point a statement is nothing but (`let x = f.await;`, `f.await;`,
/// `return f.await;`): its code is the suspension, without braces around it.
fn direct_await(stmt: &Stmt) -> Option<PointId> {
    let expr = match stmt {
        Stmt::Plain { .. } => return None,
        Stmt::Let { init, .. } => init,
        Stmt::Expr { expr, .. } => expr,
    };
    match expr {
        Expr::Await(p) => Some(*p),
        Expr::Return(Some(v)) => match &**v {
            Expr::Await(p) => Some(*p),
            _ => None,
        },
        _ => None,
    }
}

/// `return`, `break`, `continue` or a panicking macro: code that never completes normally.
/// `x` or `x: T`: a `let` a slot declaration writes as `let x = slot.insert(value)`.
fn simple_pat(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Ident(_) => true,
        syn::Pat::Type(t) => matches!(&*t.pat, syn::Pat::Ident(_)),
        _ => false,
    }
}

/// The type a `let x: T` gives.
fn pat_type(pat: &syn::Pat) -> Option<&syn::Type> {
    match pat {
        syn::Pat::Type(t) => Some(&t.ty),
        _ => None,
    }
}

/// `break 'ret value`. (`break 'ret ::path(..)` reads, to syn, as a labeled block `'ret: ..`:
/// such a value is bound to a local first; braces or parentheses would be linted as unused.)
fn break_with(ret: &syn::Lifetime, value: TokenStream) -> TokenStream {
    let first = value.clone().into_iter().next();
    let colons = matches!(&first, Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ':');
    // A value with an attribute (`#[allow(unreachable_code)] ret`, as `#[async_trait]` writes
    // it) keeps it inside braces: on an expression it is unstable.
    let attributed = matches!(&first, Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '#');
    if attributed {
        quote!(break #ret { #value })
    } else if colons {
        let v = hidden("__value");
        quote!({ let #v = #value; break #ret #v })
    } else {
        quote!(break #ret #value)
    }
}

/// A value used as a statement.
fn statement(value: Code, semi: bool) -> Code {
    let tokens = splice(value.tokens);
    let semi = semi.then(|| quote!(;));
    Code::new(quote!(#tokens #semi), value.diverges)
}

/// Whether a block written as `body` never completes: a labeled one completes if `break 'label`
/// is still in its code (not in the states its paths went on to).
fn block_diverges(b: &Block, body: &Code) -> bool {
    body.diverges
        && b.label
            .as_ref()
            .is_none_or(|l| !breaks_to(&body.tokens, &l.name.ident.to_string()))
}

/// Whether `tokens` hold a `break 'label`.
fn breaks_to(tokens: &TokenStream, label: &str) -> bool {
    let mut after_break = false;
    let mut tick = false;
    for tt in tokens.clone() {
        match tt {
            proc_macro2::TokenTree::Ident(i) if i == "break" => {
                after_break = true;
                continue;
            }
            proc_macro2::TokenTree::Punct(p) if p.as_char() == '\'' && after_break => {
                tick = true;
                continue;
            }
            proc_macro2::TokenTree::Ident(i) if tick && i == label => return true,
            proc_macro2::TokenTree::Group(g) if breaks_to(&g.stream(), label) => return true,
            _ => {}
        }
        after_break = false;
        tick = false;
    }
    false
}

/// Whether point `p`'s awaited future is built where its state is entered, before the state is
/// written, instead of in its arm once the state is in place: when it borrows nothing the state
/// keeps in place, names no local in a slot, and its type is the same wherever the code
/// entering the state is written (no closure, `async` block or macro, whose types or expansions
/// could differ from copy to copy). Saves handing the consumed locals to the arm.
pub fn eager(a: &Analysis, p: PointId) -> bool {
    a.layout[p].pinned.is_empty() && crate::analyze::cfg::builds_anywhere(a, p)
}

/// Per suspension point: whether its arm resumes in place (see [`in_place`]).
pub fn resumes_in_place(a: &Analysis) -> Vec<bool> {
    in_place::regions(a).iter().map(Option::is_some).collect()
}

/// The fields of point `p`'s state that its awaited expression borrows in place, bound by the
/// names the expression uses (`field: name`), for the pattern of its arm.
pub fn pinned_bindings(a: &Analysis, names: &Names, p: PointId) -> Vec<TokenStream> {
    a.layout[p]
        .pinned
        .iter()
        .map(|&id| {
            let field = &names.fields[id];
            let ident = &a.locals[id].ident;
            if ident == "self" || *field == *ident {
                quote!(#field)
            } else {
                quote!(#field: #ident)
            }
        })
        .collect()
}

/// `tokens`, each located at `span` (with its own hygiene).
fn located_at(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(g) = &token {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), located_at(g.stream(), span));
                group.set_span(g.span().located_at(span));
                token = group.into();
            } else {
                token.set_span(token.span().located_at(span));
            }
            token
        })
        .collect()
}

/// The local of the poll closure that carries what point `p`'s awaited expression consumes.
pub fn inputs_ident(p: PointId) -> syn::Ident {
    hidden(&format!("__inputs{p}"))
}

fn label_n(name: &str, n: usize) -> syn::Lifetime {
    label(&format!("{name}{n}"))
}

fn keep_ident(field: &syn::Ident) -> syn::Ident {
    hidden(&format!(
        "__keep_{}",
        field.to_string().trim_start_matches("__")
    ))
}

/// The panic rustc's futures raise when polled again.
pub fn panic_resumed(after: &str) -> TokenStream {
    let private = crate::names::private();
    let function = quote::format_ident!("resumed_after_{}", after);
    quote!(#private::#function())
}

fn unreachable_state() -> TokenStream {
    quote!(::core::unreachable!())
}

/// Why a local lives in a slot, for the comment at its declaration.
fn slot_reason(local: &crate::analyze::Local) -> &'static str {
    if local.array {
        "it is an array, which moving from state to state would copy at every `.await`"
    } else if local.shadowed {
        "a later local of its name hides it where a state keeps it"
    } else if local.drop_flag {
        "it is moved on some paths only, and its slot remembers whether to drop it"
    } else {
        "something borrows it across an `.await`"
    }
}
