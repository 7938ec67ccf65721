//! Expressions of a given type: literals, locals and their fields (moved, borrowed, mutated),
//! method calls with receivers of every kind, `.await`s on ready or pending futures nested
//! anywhere (operands, arguments, literals, macros), calls of the program's other functions,
//! `if`/`match`/blocks/`loop`s as values, closures and `async` blocks.

use super::Gen;
use super::env::{Capture, Env, Try, Ty};
use crate::seq;
use crate::tree::Node;

/// Something of a type the code can name: a local, a field, what a reference points to.
#[derive(Clone, Debug)]
pub struct Place {
    pub text: String,
    /// The local it belongs to.
    pub root: usize,
    /// It may be moved out (owned, and the local may be moved).
    pub movable: bool,
    /// It may be mutated (`&mut`, a `&mut self` method).
    pub mutable: bool,
}

impl Gen {
    /// Places of type `ty` that can be read here.
    pub(super) fn places(&self, env: &Env, ty: &Ty) -> Vec<Place> {
        let mut out = Vec::new();
        for i in 0..env.vars.len() {
            if !env.can_read(i) {
                continue;
            }
            let v = &env.vars[i];
            let owned_mut = match v.via {
                Some(m) => m && env.can_mut_through(i),
                None => env.can_mut(i),
            };
            let place = |text: String, movable: bool, mutable: bool| Place {
                text,
                root: i,
                movable,
                mutable,
            };
            if v.ty == *ty && v.via.is_none() && v.name != "self" {
                out.push(place(v.name.clone(), env.can_move(i), env.can_mut(i)));
            }
            match (&v.ty, ty) {
                (Ty::Ref, Ty::Val) => out.push(place(v.name.clone(), false, false)),
                (Ty::MutRef, Ty::Val) => {
                    out.push(place(v.name.clone(), false, env.can_mut_through(i)))
                }
                (Ty::Pair, Ty::Val) => out.push(place(
                    format!("{}.a", v.name),
                    v.via.is_none() && env.can_move(i),
                    owned_mut,
                )),
                (Ty::Pair, Ty::U32) => out.push(place(format!("{}.n", v.name), false, owned_mut)),
                // An element of a `Vec`, which is never empty: read, borrowed, mutated in place.
                (Ty::Vec, Ty::Val) if v.via.is_none() => {
                    out.push(place(format!("{}[0]", v.name), false, env.can_mut(i)))
                }
                _ => {}
            }
        }
        out
    }

    pub(super) fn pick_place(
        &mut self,
        env: &Env,
        ty: &Ty,
        want: impl Fn(&Place) -> bool,
    ) -> Option<Place> {
        let found: Vec<Place> = self
            .places(env, ty)
            .into_iter()
            .filter(|p| want(p))
            .collect();
        if found.is_empty() {
            None
        } else {
            Some(self.pick(&found))
        }
    }

    /// An expression of type `ty`.
    pub(super) fn expr(&mut self, env: &mut Env, ty: &Ty, depth: usize) -> Node {
        if depth >= 4 {
            // Deep enough: a local or a literal.
            if *ty == Ty::U32
                && let Some(p) = self.pick_place(env, &Ty::U32, |_| true)
            {
                env.use_var(p.root, false, false);
                return p.text.into();
            }
            return if *ty == Ty::U32 {
                self.rng.u32(0..20).to_string().into()
            } else {
                self.simplest(env, ty)
            };
        }
        for _ in 0..10 {
            if let Some(node) = self.try_expr(env, ty, depth) {
                return node;
            }
        }
        self.simplest(env, ty)
    }

    /// The simplest expression of `ty`: what the shrinker replaces expressions with.
    pub(super) fn simplest(&mut self, env: &mut Env, ty: &Ty) -> Node {
        let _ = env;
        Node::from(match ty {
            Ty::U32 => "0",
            Ty::Val => "t.val(0)",
            Ty::Chan => "t.chan(0)",
            Ty::Vec => "vec![t.val(0)]",
            Ty::Opt => "None",
            Ty::Pair => "Pair { a: t.val(0), n: 0 }",
            Ty::Ref => "&t.val(0)",
            Ty::MutRef => "&mut t.val(0)",
            Ty::Slice => "(&[] as &[Val])",
            Ty::MutSlice => "(&mut [] as &mut [Val])",
            Ty::OptU32 => "Some(0)",
            Ty::Res { .. } => "Ok(0)",
            Ty::Closure => "|k: u32| k",
            Ty::Fut(_) => unreachable!("futures are only let-bound"),
        })
    }

    /// An expression that may be replaced by the simplest of its type when shrinking.
    fn shrinkable(&mut self, env: &mut Env, node: Node, ty: &Ty) -> Node {
        let simple = self.simplest(env, ty);
        node.or(simple)
    }

    fn try_expr(&mut self, env: &mut Env, ty: &Ty, depth: usize) -> Option<Node> {
        // References are only made by borrowing a place: one made in a branch or an awaited
        // future would borrow a temporary that does not live long enough.
        let shallow = depth >= 3
            || matches!(
                ty,
                Ty::Fut(_) | Ty::Closure | Ty::Ref | Ty::MutRef | Ty::Slice | Ty::MutSlice
            );
        // Compound forms, shared by all types.
        if !shallow && self.may_nest() && self.chance(12) {
            return self.compound(env, ty, depth);
        }
        if !shallow && env.can_await && self.awaits > 0 && self.chance(25) {
            return self.awaited(env, ty, depth);
        }
        match ty {
            Ty::U32 => self.u32_expr(env, depth),
            Ty::Val => self.val_expr(env, depth),
            Ty::Chan => self.chan_expr(env, depth),
            Ty::Vec => self.vec_expr(env, depth),
            Ty::Opt => self.opt_expr(env, depth),
            Ty::Pair => {
                if let Some(p) = self.pick_place(env, &Ty::Pair, |p| p.movable) {
                    env.use_var(p.root, false, true);
                    return Some(p.text.into());
                }
                let a = self.expr(env, &Ty::Val, depth + 1);
                let n = self.expr(env, &Ty::U32, depth + 1);
                Some(seq!["Pair { a: ", a, ", n: ", n, " }"])
            }
            Ty::Ref => self.borrow(env, false, depth),
            Ty::MutRef => self.borrow(env, true, depth),
            Ty::Slice => self.slice(env, false),
            Ty::MutSlice => self.slice(env, true),
            Ty::OptU32 => Some(match self.rng.u32(0..4) {
                0 => seq!["maybe(&t, ", self.expr(env, &Ty::U32, depth + 1), ")"],
                1 => "None".into(),
                _ => seq!["Some(", self.expr(env, &Ty::U32, depth + 1), ")"],
            }),
            Ty::Res { worse } => Some(match self.rng.u32(0..4) {
                0 if !worse => seq!["check(&t, ", self.expr(env, &Ty::U32, depth + 1), ")"],
                0 => seq![
                    "check(&t, ",
                    self.expr(env, &Ty::U32, depth + 1),
                    ").map_err(Worse::from)"
                ],
                1 => seq![
                    if *worse { "Err(Worse(" } else { "Err(Bad(" },
                    self.expr(env, &Ty::U32, depth + 1),
                    "))"
                ],
                _ => seq!["Ok(", self.expr(env, &Ty::U32, depth + 1), ")"],
            }),
            Ty::Closure => Some(self.closure(env)),
            Ty::Fut(out) => Some(self.async_block(env, out, depth)),
        }
    }

    fn u32_expr(&mut self, env: &mut Env, depth: usize) -> Option<Node> {
        match self.rng.u32(0..16) {
            0 | 1 => Some(self.rng.u32(0..20).to_string().into()),
            2 | 3 => {
                let p = self.pick_place(env, &Ty::U32, |_| true)?;
                env.use_var(p.root, false, false);
                Some(p.text.into())
            }
            4 | 5 => {
                let p = self.pick_place(env, &Ty::Val, |_| true)?;
                env.use_var(p.root, false, false);
                let m = self.pick(&["get", "lock"]);
                Some(format!("{}.{m}()", p.text).into())
            }
            6 => {
                let p = self.pick_place(env, &Ty::Val, |p| p.mutable)?;
                env.use_var(p.root, true, false);
                Some(format!("{}.take()", p.text).into())
            }
            7 => {
                // Consuming: `send(self)`, `into_inner(self)`, a call.
                if self.chance(30) {
                    let p = self.pick_place(env, &Ty::Chan, |p| p.movable)?;
                    env.use_var(p.root, false, true);
                    return Some(format!("{}.get()", p.text).into());
                }
                let p = self.pick_place(env, &Ty::Val, |p| p.movable)?;
                env.use_var(p.root, false, true);
                Some(
                    match self.rng.u32(0..3) {
                        0 => format!("{}.send()", p.text),
                        1 => format!("{}.into_inner()", p.text),
                        _ => format!("consume({})", p.text),
                    }
                    .into(),
                )
            }
            8 => {
                let p = self.pick_place(env, &Ty::Chan, |p| p.mutable)?;
                env.use_var(p.root, true, false);
                Some(format!("{}.lock()", p.text).into())
            }
            9 => {
                let a = self.expr(env, &Ty::U32, depth + 1);
                let b = self.expr(env, &Ty::U32, depth + 1);
                let op = self.pick(&[" + ", " * ", " + "]);
                Some(seq!["(", a, op, b, ") % 1000"])
            }
            10 => {
                let tys = [Ty::Vec, Ty::Slice, Ty::MutSlice];
                let ty = self.pick(&tys);
                let p = self.pick_place(env, &ty, |_| true)?;
                env.use_var(p.root, false, false);
                Some(format!("({}.len() as u32)", p.text).into())
            }
            11 if !matches!(env.try_kind, Try::None) => {
                let inner = self.expr(env, &Ty::U32, depth + 1);
                Some(match env.try_kind {
                    Try::Option => seq!["maybe(&t, ", inner, ")?"],
                    _ => seq!["check(&t, ", inner, ")?"],
                })
            }
            12 => {
                // A macro with a nested expression: `format!` and `matches!`.
                if self.chance(50) {
                    let a = self.expr(env, &Ty::U32, depth + 1);
                    let b = self.expr(env, &Ty::U32, depth + 1);
                    Some(seq!["(format!(\"{}-{}\", ", a, ", ", b, ").len() as u32)"])
                } else {
                    let a = self.expr(env, &Ty::U32, depth + 1);
                    Some(seq!["(matches!(", a, ", 1 | 3..=9) as u32)"])
                }
            }
            13 => {
                let a = self.expr(env, &Ty::U32, depth + 1);
                let b = self.expr(env, &Ty::U32, depth + 1);
                let c = self.expr(env, &Ty::U32, depth + 1);
                Some(seq![
                    "[",
                    a,
                    ", ",
                    b,
                    ", ",
                    c,
                    "].iter().sum::<u32>() % 1000"
                ])
            }
            14 => {
                let c = (0..env.vars.len())
                    .filter(|&i| env.vars[i].ty == Ty::Closure && env.can_read(i))
                    .collect::<Vec<_>>();
                let i = *c.get(self.rng.usize(0..c.len().max(1)))?;
                env.use_var(i, false, false);
                let name = env.vars[i].name.clone();
                let arg = self.expr(env, &Ty::U32, depth + 1);
                Some(seq![name, "(", arg, ")"])
            }
            _ => {
                // A `'static` closure, as `spawn_blocking` takes.
                if !env.can_await || self.awaits == 0 || depth >= 2 {
                    return None;
                }
                self.awaits -= 1;
                if !self.may_nest() {
                    return None;
                }
                let body = self.captured(env, true, false, |g, env| g.expr(env, &Ty::U32, 3));
                Some(seq![
                    "t.spawn({ let t = t.clone(); move || ",
                    body,
                    " }).await"
                ])
            }
        }
    }

    fn val_expr(&mut self, env: &mut Env, depth: usize) -> Option<Node> {
        match self.rng.u32(0..10) {
            0..=2 => {
                let n = self.expr(env, &Ty::U32, depth + 1);
                Some(seq!["t.val(", n, ")"])
            }
            3 | 4 => {
                let p = self.pick_place(env, &Ty::Val, |p| p.movable)?;
                env.use_var(p.root, false, true);
                Some(p.text.into())
            }
            5 => {
                let p = self.pick_place(env, &Ty::Val, |_| true)?;
                env.use_var(p.root, false, false);
                Some(format!("{}.subscribe()", p.text).into())
            }
            6 => {
                if self.chance(50) {
                    let p = self.pick_place(env, &Ty::Chan, |_| true)?;
                    env.use_var(p.root, false, false);
                    Some(format!("{}.into_val()", p.text).into())
                } else {
                    let p = self.pick_place(env, &Ty::Chan, |p| p.movable)?;
                    env.use_var(p.root, false, true);
                    Some(format!("{}.take()", p.text).into())
                }
            }
            7 => {
                let p = self.pick_place(env, &Ty::Opt, |p| p.movable)?;
                env.use_var(p.root, false, true);
                Some(format!("{}.unwrap_or_else(|| t.val(1))", p.text).into())
            }
            8 => {
                let p = self.pick_place(env, &Ty::Val, |p| p.mutable)?;
                env.use_var(p.root, true, false);
                env.hold(p.root, true);
                let new = self.expr(env, &Ty::Val, depth + 1);
                Some(seq![
                    "std::mem::replace(",
                    Self::place_ref(env, &p, true),
                    ", ",
                    new,
                    ")"
                ])
            }
            _ => {
                let p = self.pick_place(env, &Ty::Vec, |_| true)?;
                env.use_var(p.root, false, false);
                Some(format!("{}[0].subscribe()", p.text).into())
            }
        }
    }

    fn chan_expr(&mut self, env: &mut Env, depth: usize) -> Option<Node> {
        match self.rng.u32(0..4) {
            0 | 1 => {
                let n = self.expr(env, &Ty::U32, depth + 1);
                Some(seq!["t.chan(", n, ")"])
            }
            2 => {
                let p = self.pick_place(env, &Ty::Chan, |p| p.movable)?;
                env.use_var(p.root, false, true);
                Some(p.text.into())
            }
            _ => {
                let p = self.pick_place(env, &Ty::Chan, |_| true)?;
                env.use_var(p.root, false, false);
                Some(format!("{}.subscribe()", p.text).into())
            }
        }
    }

    fn vec_expr(&mut self, env: &mut Env, depth: usize) -> Option<Node> {
        match self.rng.u32(0..4) {
            0 | 1 => {
                let mut items = vec![Node::from("vec![")];
                for i in 0..self.rng.usize(1..=3) {
                    if i > 0 {
                        items.push(", ".into());
                    }
                    items.push(self.expr(env, &Ty::Val, depth + 1));
                }
                items.push("]".into());
                Some(Node::Seq(items))
            }
            2 => {
                let p = self.pick_place(env, &Ty::Vec, |p| p.movable)?;
                env.use_var(p.root, false, true);
                Some(p.text.into())
            }
            _ => {
                let p = self.pick_place(env, &Ty::Vec, |_| true)?;
                env.use_var(p.root, false, false);
                Some(
                    format!(
                        "{}.iter().map(|x| x.subscribe()).collect::<Vec<_>>()",
                        p.text
                    )
                    .into(),
                )
            }
        }
    }

    fn opt_expr(&mut self, env: &mut Env, depth: usize) -> Option<Node> {
        match self.rng.u32(0..6) {
            0 | 1 => Some(seq!["Some(", self.expr(env, &Ty::Val, depth + 1), ")"]),
            2 => Some("None".into()),
            3 => {
                let p = self.pick_place(env, &Ty::Opt, |p| p.movable)?;
                env.use_var(p.root, false, true);
                Some(p.text.into())
            }
            4 => {
                // `Option::take(&mut self)`, the name `Chan::take(self)` consumes with.
                let p = self.pick_place(env, &Ty::Opt, |p| p.mutable)?;
                env.use_var(p.root, true, false);
                Some(format!("{}.take()", p.text).into())
            }
            _ => Some(seq![
                "maybe_val(&t, ",
                self.expr(env, &Ty::U32, depth + 1),
                ")"
            ]),
        }
    }

    /// `&place` or `&mut place` as written: through a reference local, a reborrow.
    pub(super) fn place_ref(env: &Env, p: &Place, mutable: bool) -> String {
        let through_ref =
            matches!(env.vars[p.root].ty, Ty::Ref | Ty::MutRef) && p.text == env.vars[p.root].name;
        match (through_ref, mutable) {
            (true, false) => format!("&*{}", p.text),
            (true, true) => format!("&mut *{}", p.text),
            (false, false) => format!("&{}", p.text),
            (false, true) => format!("&mut {}", p.text),
        }
    }

    /// `&place` or `&mut place`, held until the statement ends.
    fn borrow(&mut self, env: &mut Env, mutable: bool, depth: usize) -> Option<Node> {
        let p = self.pick_place(env, &Ty::Val, |p| !mutable || p.mutable);
        let Some(p) = p else {
            // A temporary, which lives until the end of the statement (a fresh value: a local
            // written there would be borrowed, not moved into a temporary).
            let n = self.expr(env, &Ty::U32, depth + 1);
            return Some(seq![
                if mutable { "&mut t.val(" } else { "&t.val(" },
                n,
                ")"
            ]);
        };
        env.use_var(p.root, mutable, false);
        env.hold(p.root, mutable);
        Some(Self::place_ref(env, &p, mutable).into())
    }

    /// A slice of a `Vec` local.
    fn slice(&mut self, env: &mut Env, mutable: bool) -> Option<Node> {
        let p = self.pick_place(env, &Ty::Vec, |p| !mutable || p.mutable)?;
        env.use_var(p.root, mutable, false);
        env.hold(p.root, mutable);
        let range = if mutable {
            self.pick(&["..", "1..", "..1"])
        } else {
            self.pick(&["..", "1..", "..1", "v.len() / 2.."])
        };
        let range = range.replace("v.", &format!("{}.", p.text));
        Some(if mutable {
            format!("&mut {}[{range}]", p.text).into()
        } else if self.chance(30) {
            format!("{}.as_slice()", p.text).into()
        } else {
            format!("&{}[{range}]", p.text).into()
        })
    }

    /// An `.await` producing `ty`.
    fn awaited(&mut self, env: &mut Env, ty: &Ty, depth: usize) -> Option<Node> {
        self.awaits -= 1;
        let pending = self.pick(&[0, 1, 1, 2]);
        let label = self.fresh("s");
        match self.rng.u32(0..7) {
            0 | 1 => {
                let value = self.expr(env, ty, depth + 1);
                let step = seq![
                    format!("t.step(\"{label}\", {pending}, "),
                    value.clone(),
                    ").await"
                ];
                Some(step.or(value))
            }
            2 => self.call(env, ty, depth),
            3 if *ty == Ty::U32 && self.chance(25) && self.awaits > 0 => {
                // A chain of awaits: the value of one is the receiver of the next.
                self.awaits -= 1;
                let v = self.expr(env, &Ty::Val, depth + 1);
                let label2 = self.fresh("s");
                let k = self.pick(&[0, 1, 2]);
                Some(seq![
                    format!("t.step(\"{label2}\", {pending}, "),
                    v,
                    format!(").await.wait({k}).await")
                ])
            }
            3 if *ty == Ty::U32 => {
                // Async methods that borrow their receiver until they finish.
                if self.chance(50) {
                    let p = self.pick_place(env, &Ty::Val, |_| true)?;
                    env.use_var(p.root, false, false);
                    env.hold(p.root, false);
                    Some(format!("{}.wait({pending}).await", p.text).into())
                } else {
                    let p = self.pick_place(env, &Ty::Val, |p| p.mutable)?;
                    env.use_var(p.root, true, false);
                    env.hold(p.root, true);
                    Some(format!("{}.recv().await", p.text).into())
                }
            }
            4 if *ty == Ty::U32 => {
                let p = self.pick_place(env, &Ty::Chan, |_| true)?;
                env.use_var(p.root, false, false);
                env.hold(p.root, false);
                let v = self.expr(env, &Ty::Val, depth + 1);
                Some(seq![format!("{}.send(", p.text), v, ").await"])
            }
            5 => {
                let block = self.async_block(env, ty, depth);
                Some(seq!["(", block, ").await"])
            }
            _ => {
                // A future made earlier by an `async` block.
                let futs = env.find(&Ty::Fut(Box::new(ty.clone())), |e, i| {
                    e.can_move(i) && e.visible(i)
                });
                let i = *futs.get(self.rng.usize(0..futs.len().max(1)))?;
                env.use_var(i, false, true);
                Some(format!("{}.await", env.vars[i].name).into())
            }
        }
    }

    /// A call of one of the program's functions returning `ty` (or, where `?` applies, its
    /// `Option` or `Result`), awaited.
    fn call(&mut self, env: &mut Env, ty: &Ty, depth: usize) -> Option<Node> {
        let candidates: Vec<_> = self
            .fns
            .iter()
            .filter(|f| {
                f.ret == *ty
                    || *ty == Ty::U32
                        && matches!(
                            (&f.ret, env.try_kind),
                            (Ty::OptU32, Try::Option)
                                | (Ty::Res { worse: false }, Try::Result { .. })
                        )
            })
            .cloned()
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let f = self.pick(&candidates);
        let mut parts = Vec::new();
        match f.receiver {
            None => parts.push(Node::from(format!("{}(t.clone()", f.name))),
            Some(receiver) => {
                // A `Ctx` built for the call, or a local one.
                let ctx = format!(
                    "Ctx {{ a: t.val({}), n: {} }}",
                    self.rng.u32(0..9),
                    self.rng.u32(0..9)
                );
                let _ = receiver;
                parts.push(format!("{ctx}.{}(t.clone()", f.name).into());
            }
        }
        for p in &f.params {
            parts.push(", ".into());
            parts.push(self.expr(env, p, depth + 1));
        }
        parts.push(").await".into());
        if f.ret != *ty {
            parts.push("?".into());
        }
        Some(Node::Seq(parts))
    }

    /// `if`, `match`, a block, a `loop` or a labeled block, as a value of `ty`.
    fn compound(&mut self, env: &mut Env, ty: &Ty, depth: usize) -> Option<Node> {
        if self.budget == 0 {
            return None;
        }
        let node = match self.rng.u32(0..5) {
            0 => {
                let cond = self.cond(env, depth + 1);
                let before = env.moves();
                let (a, a_div) = self.block(env, Some(ty));
                let after_a = env.moves();
                env.set_moves(&before);
                let (b, b_div) = self.block(env, Some(ty));
                merge(env, &[(after_a, a_div), (env.moves(), b_div)]);
                seq!["if ", cond, " ", a.clone(), " else ", b.clone()]
                    .or(a)
                    .or(b)
            }
            1 => {
                let scrutinee = self.expr(env, &Ty::U32, depth + 1);
                let before = env.moves();
                let mut arms = Vec::new();
                let mut ends = Vec::new();
                for pat in ["0", "1 | 2", "n @ 3..=9 if n % 2 == 0", "_"] {
                    env.set_moves(&before);
                    env.push_scope();
                    if pat.starts_with('n') {
                        env.declare("n", Ty::U32, false);
                    }
                    let (arm, div) = self.block(env, Some(ty));
                    env.pop_scope();
                    ends.push((env.moves(), div));
                    arms.push(seq![pat, " => ", arm, ",\n"]);
                }
                merge(env, &ends);
                seq![
                    "match ",
                    super::head(scrutinee),
                    " {\n",
                    Node::Seq(arms),
                    "}"
                ]
            }
            2 => {
                let (block, _) = self.block(env, Some(ty));
                block
            }
            3 => self.loop_value(env, ty),
            _ => self.labeled_block(env, ty),
        };
        Some(self.shrinkable(env, node, ty))
    }

    /// A condition, in parentheses if it needs them.
    pub(super) fn cond(&mut self, env: &mut Env, depth: usize) -> Node {
        let c = self.cond_inner(env, depth);
        super::head(c)
    }

    fn cond_inner(&mut self, env: &mut Env, depth: usize) -> Node {
        match self.rng.u32(0..6) {
            0 => {
                let a = self.expr(env, &Ty::U32, depth + 1);
                seq![a, " % 2 == 0"]
            }
            1 => {
                let a = self.expr(env, &Ty::U32, depth + 1);
                let k = self.rng.u32(0..12);
                seq![a, format!(" > {k}")]
            }
            2 => {
                if let Some(p) = self.pick_place(env, &Ty::Opt, |_| true) {
                    env.use_var(p.root, false, false);
                    let m = self.pick(&["is_some", "is_none"]);
                    return format!("{}.{m}()", p.text).into();
                }
                "true".into()
            }
            3 => {
                // `&&` with an `.await` on the right, evaluated only when the left holds.
                let a = self.expr(env, &Ty::U32, depth + 1);
                let before = env.moves();
                let b = self.expr(env, &Ty::U32, depth + 1);
                // The right may not run: what it moves is moved either way.
                let _ = before;
                seq!["(", a, " < 10 && ", b, " > 2)"]
            }
            4 => {
                if let Some(p) = self.pick_place(env, &Ty::Opt, |_| true) {
                    env.use_var(p.root, false, false);
                    return format!("matches!({}, Some(ref x) if x.get() > 3)", p.text).into();
                }
                "false".into()
            }
            _ => {
                let a = self.expr(env, &Ty::U32, depth + 1);
                seq!["!(", a, " < 5)"]
            }
        }
    }

    /// `loop { .. break value; .. }` with a counter that ends it.
    fn loop_value(&mut self, env: &mut Env, ty: &Ty) -> Node {
        let counter = self.fresh("c");
        let limit = self.rng.u32(1..4);
        let label = self.chance(30).then(|| self.fresh("'l"));
        let (body, value) = self.in_jump(env, label.clone(), true, Some(ty.clone()), |g, env| {
            let value = g.break_expr(env, env.jumps.len() - 1);
            let (body, _) = g.block(env, None);
            (body, value)
        });
        seq![
            format!("{{ let mut {counter} = 0; "),
            label.map(|l| format!("{l}: ")).unwrap_or_default(),
            format!("loop {{ {counter} += 1; if {counter} > {limit} {{ break "),
            value,
            "; }\n",
            body,
            "} }"
        ]
    }

    /// `'b: { .. break 'b value; .. value }`.
    fn labeled_block(&mut self, env: &mut Env, ty: &Ty) -> Node {
        let label = self.fresh("'b");
        let (first, cond, body) = self.in_jump(
            env,
            Some(label.clone()),
            false,
            Some(ty.clone()),
            |g, env| {
                let cond = g.cond(env, 2);
                let before = env.moves();
                let early = g.break_expr(env, env.jumps.len() - 1);
                env.set_moves(&before);
                let (body, _) = g.block(env, Some(ty));
                (early, cond, body)
            },
        );
        seq![
            format!("{label}: {{ if "),
            cond,
            format!(" {{ break {label} "),
            first,
            "; }\n",
            body,
            " }"
        ]
    }

    /// The value of a `break` to jump `j`: what it moves is moved after the jump, and it may
    /// move what was declared in the loops it leaves.
    pub(super) fn break_expr(&mut self, env: &mut Env, j: usize) -> Node {
        let ty = env.jumps[j].value.clone().expect("a value");
        let saved = (env.move_depth, env.break_target, env.jump_floor);
        env.move_depth = Some(env.jumps[j].loops_outside);
        env.break_target = Some(j);
        env.jump_floor = env.jumps.len();
        let node = self.expr(env, &ty, 2);
        (env.move_depth, env.break_target, env.jump_floor) = saved;
        // `break 'b: { .. }` would read as a labeled `break`, `break 'l { .. }` warns.
        if node.render(false).starts_with(['\'', '{']) {
            seq!["(", node, ")"]
        } else {
            node
        }
    }

    /// Runs `write` inside a new jump target; afterwards, what a `break` to it moved is moved.
    pub(super) fn in_jump<R>(
        &mut self,
        env: &mut Env,
        label: Option<String>,
        is_loop: bool,
        value: Option<Ty>,
        write: impl FnOnce(&mut Gen, &mut Env) -> R,
    ) -> R {
        let loops_outside = env.loop_depth();
        env.jumps.push(super::env::Jump {
            label,
            is_loop,
            value,
            vars_at: env.vars.len(),
            loops_outside,
            moved_by_break: Vec::new(),
        });
        // Inside a new loop, what a `break` or `return` around it may move no longer applies.
        let saved = (env.move_depth, env.break_target);
        if is_loop {
            (env.move_depth, env.break_target) = (None, None);
        }
        let out = write(self, env);
        (env.move_depth, env.break_target) = saved;
        let jump = env.jumps.pop().expect("the jump");
        // Moved after the jump, and, if in the value of a `break` around, after its target.
        for i in jump.moved_by_break {
            env.use_var(i, false, true);
        }
        out
    }

    /// A closure `|k: u32| ..` reading what it captures.
    fn closure(&mut self, env: &mut Env) -> Node {
        let body = self.captured(env, false, false, |g, env| {
            env.push_scope();
            env.declare("k", Ty::U32, false);
            let e = g.expr(env, &Ty::U32, 2);
            env.pop_scope();
            e
        });
        seq!["|k: u32| (", body, ") % 1000"]
    }

    /// An `async` block (sometimes `move`) producing `ty`.
    pub(super) fn async_block(&mut self, env: &mut Env, ty: &Ty, depth: usize) -> Node {
        let _ = depth;
        let by_move = self.chance(50);
        let body = self.captured(env, by_move, true, |g, env| {
            env.ret = ty.clone();
            if !g.may_nest() {
                return seq!["{ ", g.simplest(env, ty), " }"];
            }
            let (block, _) = g.block(env, Some(ty));
            block
        });
        if by_move {
            seq!["{ let t = t.clone(); async move ", body, " }"]
        } else {
            seq!["async ", body]
        }
    }

    /// Writes the body of a closure or `async` block: afterwards, what a `move` one named is
    /// moved, and what a borrowing one named is borrowed for the rest of the statement (a local
    /// holding it borrows it longer: see `let_bound_capture`).
    fn captured<R>(
        &mut self,
        env: &mut Env,
        by_move: bool,
        is_async: bool,
        write: impl FnOnce(&mut Gen, &mut Env) -> R,
    ) -> R {
        let saved_await = env.can_await;
        let saved_held = std::mem::take(&mut env.held);
        // The statement's borrows still hold inside the block.
        env.held = vec![saved_held.iter().flatten().copied().collect()];
        env.captures.push(Capture {
            floor: env.vars.len(),
            by_move,
            mentioned: Vec::new(),
            outer_depth: env.move_depth.unwrap_or(env.loop_depth()),
            may_mutate: is_async,
        });
        env.can_await = is_async;
        // `return` leaves the closure or block, `?` is not used in them, no loop is around.
        let saved_body = (
            env.ret.clone(),
            env.try_kind,
            std::mem::take(&mut env.jumps),
            env.move_depth,
            env.break_target,
            env.reinit,
            env.jump_floor,
        );
        env.jump_floor = 0;
        env.ret = Ty::U32;
        env.try_kind = Try::None;
        (env.move_depth, env.break_target, env.reinit) = (None, None, None);
        let moves = env.moves();
        let out = write(self, env);
        (
            env.ret,
            env.try_kind,
            env.jumps,
            env.move_depth,
            env.break_target,
            env.reinit,
            env.jump_floor,
        ) = saved_body;
        let capture = env.captures.pop().expect("the capture");
        env.can_await = saved_await;
        env.held = saved_held;
        // What happened to the outside inside the block: moved in, or borrowed.
        env.set_moves(&moves);
        for &(i, mutably) in &capture.mentioned {
            if by_move {
                env.use_var(i, false, true);
            } else {
                env.use_var(i, mutably, false);
                env.hold(i, mutably);
            }
        }
        out
    }
}

/// After branches: a local moved on any branch that goes on is moved.
pub(super) fn merge(env: &mut Env, ends: &[(Vec<bool>, bool)]) {
    let n = env.vars.len();
    let mut moved = vec![false; n];
    for (moves, diverged) in ends {
        if *diverged {
            continue;
        }
        for (m, &b) in moved.iter_mut().zip(moves) {
            *m |= b;
        }
    }
    // If every branch diverged, nothing after runs: keep the first branch's view.
    if ends.iter().all(|(_, d)| *d) {
        if let Some((moves, _)) = ends.first() {
            env.set_moves(moves);
        }
        return;
    }
    env.set_moves(&moved);
}
