//! Statements: `let` with every pattern form and `let ... else`, assignments (`x = f(x).await`
//! included), `if`, `if let`, `match` (by value, `ref`, `ref mut`, `@`, or-patterns, guards),
//! every loop with labeled `break`/`continue`, `return`, panics, borrows that end in an inner
//! block, closures and `async` blocks kept in locals.

use super::Gen;
use super::env::{Env, Ty};
use super::expr::merge;
use crate::seq;
use crate::tree::Node;

/// Names by type: few, so that shadowing is common.
fn names(ty: &Ty) -> &'static [&'static str] {
    match ty {
        Ty::U32 => &["n", "k", "total", "count"],
        Ty::Val => &["v", "a", "item", "buf"],
        Ty::Chan => &["tx", "rx"],
        Ty::Vec => &["vs", "items"],
        Ty::Opt => &["o", "next"],
        Ty::Pair => &["p", "pair"],
        Ty::Ref | Ty::MutRef => &["r", "first"],
        Ty::Slice | Ty::MutSlice => &["s", "rest"],
        Ty::Closure => &["f", "add"],
        Ty::Fut(_) => &["fut", "task"],
        Ty::OptU32 | Ty::Res { .. } => &["res"],
    }
}

impl Gen {
    /// A block: statements, then a tail of type `tail` if given; and whether it diverges (the
    /// tail is then left out).
    pub(super) fn block(&mut self, env: &mut Env, tail: Option<&Ty>) -> (Node, bool) {
        self.nest += 1;
        let out = self.block_inner(env, tail);
        self.nest -= 1;
        out
    }

    /// Blocks may nest this deep.
    pub(super) fn may_nest(&self) -> bool {
        self.nest < 5
    }

    fn block_inner(&mut self, env: &mut Env, tail: Option<&Ty>) -> (Node, bool) {
        env.push_scope();
        let mut stmts = Vec::new();
        let mut diverges = false;
        let count = self.rng.usize(0..=self.budget.min(4));
        for _ in 0..count {
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
            env.begin_stmt();
            let (s, d) = self.stmt(env);
            env.end_stmt();
            stmts.push(s);
            if d {
                diverges = true;
                break;
            }
        }
        // A value block gets its tail even after a statement that diverges: `{ return x; }`
        // has type `!`, which does not compare with a literal.
        let tail = match tail {
            Some(ty) => {
                env.begin_stmt();
                let e = self.expr(env, ty, 1);
                env.end_stmt();
                e
            }
            _ => Node::from(""),
        };
        env.pop_scope();
        (seq!["{\n", Node::List(stmts), tail, "\n}"], diverges)
    }

    /// One statement, and whether it diverges.
    fn stmt(&mut self, env: &mut Env) -> (Node, bool) {
        for _ in 0..10 {
            let kind = self.rng.u32(0..24);
            if !self.may_nest() && matches!(kind, 8..=13 | 19 | 20) {
                continue;
            }
            let r = match kind {
                0..=4 => self.let_stmt(env),
                5 | 6 => self.assign(env),
                7 => self.log(env),
                8 => self.if_stmt(env),
                9 => self.if_let(env),
                10 => self.match_stmt(env),
                11 | 12 => self.loop_stmt(env),
                13 => self.inner_block(env),
                14 if self.chance(25) => self.return_stmt(env),
                15 => self.jump(env),
                16 if self.chance(20) => self.panic(env),
                17 => self.push(env),
                18 => self.drop_stmt(env),
                19 => self.let_else(env),
                20 => self.split(env),
                21 if self.chance(20) => self.assert_stmt(env),
                21 => self.await_stmt(env),
                22 => self.mutate(env),
                _ => self.log(env),
            };
            if let Some(r) = r {
                return r;
            }
        }
        (format!("t.log(\"{}\");", self.fresh("x")).into(), false)
    }

    fn name(&mut self, ty: &Ty) -> String {
        self.pick(names(ty)).to_string()
    }

    /// Declares `name`; a reference, closure or future keeps what the statement borrowed
    /// borrowed while it is in scope.
    fn bind(&mut self, env: &mut Env, name: &str, ty: Ty, mutable: bool) -> usize {
        let holds_borrows = matches!(
            ty,
            Ty::Ref | Ty::MutRef | Ty::Slice | Ty::MutSlice | Ty::Closure | Ty::Fut(_)
        );
        let borrows = if holds_borrows {
            env.held.last().cloned().unwrap_or_default()
        } else {
            Vec::new()
        };
        let i = env.declare(name, ty, mutable);
        env.vars[i].borrows = borrows;
        i
    }

    fn let_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let ty = self.pick(&[
            Ty::U32,
            Ty::U32,
            Ty::Val,
            Ty::Val,
            Ty::Chan,
            Ty::Vec,
            Ty::Opt,
            Ty::Pair,
            Ty::Ref,
            Ty::Slice,
            Ty::MutRef,
            Ty::Closure,
            Ty::Fut(Box::new(Ty::U32)),
            Ty::Fut(Box::new(Ty::Val)),
        ]);
        let form = self.rng.u32(0..10);
        let node = match (&ty, form) {
            (Ty::U32 | Ty::Val, 0 | 1) => {
                // A tuple pattern.
                let a = self.expr(env, &ty, 1);
                let b = self.expr(env, &ty, 1);
                let (x, y) = (self.name(&ty), self.name(&ty));
                let y = if x == y { format!("{y}2") } else { y };
                let mx = self.chance(30);
                self.bind(env, &x, ty.clone(), mx);
                self.bind(env, &y, ty.clone(), false);
                seq![
                    format!("let ({}{x}, {y}) = (", if mx { "mut " } else { "" }),
                    a,
                    ", ",
                    b,
                    ");"
                ]
            }
            (Ty::Val, 2) => {
                // A slice pattern on an array.
                let a = self.expr(env, &ty, 1);
                let b = self.expr(env, &ty, 1);
                let x = self.name(&ty);
                let y = format!("{x}2");
                self.bind(env, &x, Ty::Val, false);
                self.bind(env, &y, Ty::Val, false);
                seq![format!("let [{x}, {y}] = ["), a, ", ", b, "];"]
            }
            (Ty::Pair, 0..=2) => {
                // A struct pattern.
                let p = self.expr(env, &ty, 1);
                let a = self.name(&Ty::Val);
                let n = self.name(&Ty::U32);
                let ma = self.chance(30);
                self.bind(env, &a, Ty::Val, ma);
                if self.chance(50) {
                    self.bind(env, &n, Ty::U32, false);
                    seq![
                        format!(
                            "let Pair {{ a: {}{a}, n: {n} }} = ",
                            if ma { "mut " } else { "" }
                        ),
                        p,
                        ";"
                    ]
                } else {
                    seq![
                        format!(
                            "let Pair {{ a: {}{a}, .. }} = ",
                            if ma { "mut " } else { "" }
                        ),
                        p,
                        ";"
                    ]
                }
            }
            (Ty::U32 | Ty::Val | Ty::Opt, 9) if self.may_nest() => {
                // Declared first, and given its value on each path of an `if` (`let x; if c {
                // ..; x = a; } else { x = b; }`): assignments that every path on runs.
                let cond = self.cond(env, 1);
                let before = env.moves();
                let (inner, diverges) = self.block(env, None);
                let a = self.expr(env, &ty, 1);
                let after_a = env.moves();
                env.set_moves(&before);
                let b = self.expr(env, &ty, 1);
                let after_b = env.moves();
                merge(env, &[(after_a, diverges), (after_b, false)]);
                // (Declared before the values are: a name of its own, which they cannot mean.)
                let name = self.name(&ty);
                let name = match env.vars.iter().any(|v| v.name == name) {
                    true => self.fresh(&name),
                    false => name,
                };
                self.bind(env, &name, ty.clone(), false);
                let then = match diverges {
                    true => inner,
                    false => seq![inner, format!("\n{name} = "), a, ";"],
                };
                let rust = ty.rust();
                seq![
                    format!("let {name}: {rust};\nif "),
                    cond,
                    " {\n",
                    then,
                    format!("\n}} else {{\n{name} = "),
                    b.clone(),
                    ";\n}"
                ]
                .or(seq![format!("let {name}: {rust} = "), b, ";"])
            }
            _ => {
                let value = self.expr(env, &ty, 1);
                let name = self.name(&ty);
                let mutable = match ty {
                    Ty::Ref | Ty::Slice | Ty::MutRef | Ty::MutSlice | Ty::Fut(_) => false,
                    // A closure that mutates nothing is `Fn`.
                    Ty::Closure => false,
                    _ => self.chance(40),
                };
                self.bind(env, &name, ty.clone(), mutable);
                // Annotated where inference would need to look ahead: `None`, and values made by
                // a block, `if`, `match` or `loop`.
                let compound = value.render(false).starts_with(['{', '\'', '('])
                    || value.render(false).starts_with("if ")
                    || value.render(false).starts_with("match ");
                let annotation = match &ty {
                    Ty::Opt => ": Option<Val>".to_string(),
                    Ty::U32 | Ty::Val | Ty::Chan | Ty::Vec | Ty::Pair if compound => {
                        format!(": {}", ty.rust())
                    }
                    _ => String::new(),
                };
                seq![
                    format!(
                        "let {}{name}{annotation} = ",
                        if mutable { "mut " } else { "" }
                    ),
                    value,
                    ";"
                ]
            }
        };
        Some((node, false))
    }

    /// `x = ..`, `x += ..`, `x = f(x).await`, `*r = ..`, `p.n = ..`.
    fn assign(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let ty = self.pick(&[
            Ty::U32,
            Ty::Val,
            Ty::Val,
            Ty::Vec,
            Ty::Opt,
            Ty::Chan,
            Ty::Pair,
        ]);
        let places: Vec<_> = self
            .places(env, &ty)
            .into_iter()
            .filter(|p| p.mutable)
            .collect();
        let assignable: Vec<usize> = (0..env.vars.len())
            .filter(|&i| env.vars[i].ty == ty && env.vars[i].name != "self" && env.can_assign(i))
            .collect();
        if !assignable.is_empty() && self.chance(60) {
            let i = self.pick(&assignable);
            let name = env.vars[i].name.clone();
            let moved = env.vars[i].moved;
            if !moved && self.chance(40) && env.can_move(i)
                || !moved && self.chance(60) && env.reinit.is_none() && self.awaits > 0
            {
                // `x = f(x).await`: moved and given a value again at once.
                env.reinit = Some(i);
                let inner = self.expr_naming(env, &ty, i);
                env.reinit = None;
                env.vars[i].moved = false;
                self.awaits = self.awaits.saturating_sub(1);
                let label = self.fresh("s");
                let k = self.pick(&[0, 1, 2]);
                return Some((
                    seq![
                        format!("{name} = t.step(\"{label}\", {k}, "),
                        inner,
                        ").await;"
                    ],
                    false,
                ));
            }
            if ty == Ty::U32 && !moved && self.chance(50) {
                let e = self.expr(env, &ty, 1);
                return Some((
                    seq![format!("{name} += "), e, ";\n", format!("{name} %= 1000;")],
                    false,
                ));
            }
            let e = self.expr(env, &ty, 1);
            env.vars[i].moved = false;
            return Some((seq![format!("{name} = "), e, ";"], false));
        }
        let p = places.get(self.rng.usize(0..places.len().max(1)))?.clone();
        if ty != Ty::U32 && ty != Ty::Val {
            return None;
        }
        env.use_var(p.root, true, false);
        let target = if matches!(env.vars[p.root].ty, Ty::MutRef) && p.text == env.vars[p.root].name
        {
            format!("*{}", p.text)
        } else {
            p.text.clone()
        };
        env.hold(p.root, true);
        let e = self.expr(env, &ty, 1);
        Some((seq![format!("{target} = "), e, ";"], false))
    }

    /// An expression of `ty` that uses local `i` (by value) in a simple way.
    fn expr_naming(&mut self, env: &mut Env, ty: &Ty, i: usize) -> Node {
        let name = env.vars[i].name.clone();
        env.use_var(i, false, true);
        match ty {
            Ty::U32 => format!("({name} + 1) % 1000").into(),
            Ty::Val if self.chance(50) => format!("t.val({name}.send() + 1)").into(),
            _ => name.into(),
        }
    }

    /// `t.log(..)`, with values formatted in, inline (`{n}`) or as arguments.
    fn log(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let label = self.fresh("at");
        if self.chance(50) {
            let inline = self
                .places(env, &Ty::U32)
                .into_iter()
                .find(|p| !p.text.contains('.'));
            let e = self.expr(env, &Ty::U32, 1);
            return Some(match inline {
                Some(p) if self.chance(50) => {
                    env.use_var(p.root, false, false);
                    (
                        seq![
                            format!("t.log(format!(\"{label} {{}} {{{}}}\", ", p.text),
                            e,
                            "));"
                        ],
                        false,
                    )
                }
                _ => (
                    seq![format!("t.log(format!(\"{label} {{}}\", "), e, "));"],
                    false,
                ),
            });
        }
        Some((format!("t.log(\"{label}\");").into(), false))
    }

    fn if_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let cond = self.cond(env, 1);
        let before = env.moves();
        let (a, da) = self.block(env, None);
        let after_a = env.moves();
        env.set_moves(&before);
        if self.chance(50) {
            let (b, db) = self.block(env, None);
            let after_b = env.moves();
            merge(env, &[(after_a, da), (after_b, db)]);
            let node = seq!["if ", cond, " ", a.clone(), " else ", b.clone()];
            Some((node.or(a).or(b), da && db))
        } else {
            merge(env, &[(after_a, da), (before, false)]);
            let node = seq!["if ", cond, " ", a.clone()];
            Some((node.or(a), false))
        }
    }

    fn if_let(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let name = self.name(&Ty::Val);
        // The scrutinee, and the binding's type and what it borrows.
        let (scrutinee, pat, ty): (Node, String, Ty) = match self.rng.u32(0..6) {
            0 => {
                let p = self.pick_place(env, &Ty::Opt, |p| p.movable)?;
                env.use_var(p.root, false, true);
                (p.text.into(), format!("Some({name})"), Ty::Val)
            }
            1 => {
                let p = self.pick_place(env, &Ty::Opt, |_| true)?;
                env.use_var(p.root, false, false);
                env.hold(p.root, false);
                if self.chance(50) {
                    (
                        format!("&{}", p.text).into(),
                        format!("Some({name})"),
                        Ty::Ref,
                    )
                } else {
                    (p.text.into(), format!("Some(ref {name})"), Ty::Ref)
                }
            }
            2 => {
                let p = self.pick_place(env, &Ty::Opt, |p| p.mutable)?;
                env.use_var(p.root, true, false);
                env.hold(p.root, true);
                if self.chance(50) {
                    (
                        format!("&mut {}", p.text).into(),
                        format!("Some({name})"),
                        Ty::MutRef,
                    )
                } else {
                    (p.text.into(), format!("Some(ref mut {name})"), Ty::MutRef)
                }
            }
            3 => {
                let e = self.expr(env, &Ty::U32, 1);
                (
                    seq!["maybe_val(&t, ", e, ")"],
                    format!("Some({name})"),
                    Ty::Val,
                )
            }
            _ => {
                // A temporary in the scrutinee: it lives until the end of the `if let`.
                let e = self.expr(env, &Ty::U32, 1);
                let k = self.name(&Ty::U32);
                (
                    seq!["maybe(&t, t.val(", e, ").get())"],
                    format!("Some({k})"),
                    Ty::U32,
                )
            }
        };
        let binding = pat
            .trim_start_matches("Some(")
            .trim_end_matches(')')
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        let before = env.moves();
        env.push_scope();
        self.bind(env, &binding, ty.clone(), false);
        // A `let` chain: a condition on the binding.
        let chain = if ty == Ty::U32 && self.chance(30) {
            Some(format!(" && {binding} % 3 != 1"))
        } else {
            None
        };
        let (a, da) = self.block(env, None);
        env.pop_scope();
        let after_a = env.moves();
        env.set_moves(&before);
        let (b, db) = if self.chance(50) {
            let (b, db) = self.block(env, None);
            (Some(b), db)
        } else {
            (None, false)
        };
        merge(env, &[(after_a, da), (env.moves(), db)]);
        let mut node = seq![
            "if let ",
            pat,
            " = ",
            super::head(scrutinee),
            chain.unwrap_or_default(),
            " ",
            a
        ];
        if let Some(b) = b {
            node = seq![node, " else ", b];
        }
        Some((node, da && db))
    }

    fn match_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let before_scrutinee = env.moves();
        let _ = before_scrutinee;
        // The scrutinee, then each arm's pattern with its bindings.
        type Arm = (String, Vec<(String, Ty)>, Option<Node>);
        let (scrutinee, arms): (Node, Vec<Arm>) = match self.rng.u32(0..5) {
            0 => {
                let e = if self.chance(40) {
                    // A temporary that lives until the end of the `match`.
                    let e = self.expr(env, &Ty::U32, 1);
                    seq!["t.val(", e, ").get()"]
                } else {
                    self.expr(env, &Ty::U32, 1)
                };
                let guard = if env.can_await && self.awaits > 0 && self.chance(40) {
                    self.awaits -= 1;
                    let label = self.fresh("g");
                    Some(Node::from(format!(
                        "t.step(\"{label}\", 1, n).await % 2 == 0"
                    )))
                } else {
                    Some(Node::from("n % 2 == 0"))
                };
                (
                    e,
                    vec![
                        ("0 | 7".into(), vec![], None),
                        ("n @ 1..=5".into(), vec![("n".into(), Ty::U32)], guard),
                        ("n".into(), vec![("n".into(), Ty::U32)], None),
                    ],
                )
            }
            1 => {
                let p = self.pick_place(env, &Ty::Opt, |p| p.movable)?;
                env.use_var(p.root, false, true);
                let name = self.name(&Ty::Val);
                let guard = seq![format!("{name}.get() > 3")];
                (
                    p.text.into(),
                    vec![
                        (
                            format!("Some({name})"),
                            vec![(name.clone(), Ty::Val)],
                            Some(guard),
                        ),
                        (format!("Some({name})"), vec![(name.clone(), Ty::Val)], None),
                        ("None".into(), vec![], None),
                    ],
                )
            }
            2 => {
                let p = self.pick_place(env, &Ty::Opt, |_| true)?;
                let mutable = p.mutable && self.chance(50);
                env.use_var(p.root, mutable, false);
                env.hold(p.root, mutable);
                let name = self.name(&Ty::Val);
                let (pat, ty) = if mutable {
                    (format!("Some(ref mut {name})"), Ty::MutRef)
                } else {
                    (format!("Some(ref {name})"), Ty::Ref)
                };
                (
                    p.text.into(),
                    vec![(pat, vec![(name, ty)], None), ("None".into(), vec![], None)],
                )
            }
            3 => {
                let p = self.expr(env, &Ty::Pair, 1);
                let a = self.name(&Ty::Val);
                (
                    p,
                    vec![
                        (
                            format!("Pair {{ a: {a}, n: 0 }}"),
                            vec![(a.clone(), Ty::Val)],
                            None,
                        ),
                        (
                            format!("Pair {{ a: ref {a}, n: k @ (1 | 4) }}"),
                            vec![(a.clone(), Ty::Ref), ("k".into(), Ty::U32)],
                            None,
                        ),
                        (format!("Pair {{ a: {a}, .. }}"), vec![(a, Ty::Val)], None),
                    ],
                )
            }
            _ => {
                let e = self.expr(env, &Ty::U32, 1);
                let k = self.name(&Ty::U32);
                (
                    seq!["check(&t, ", e, ")"],
                    vec![
                        (format!("Ok({k})"), vec![(k.clone(), Ty::U32)], None),
                        ("Err(Bad(e))".into(), vec![("e".into(), Ty::U32)], None),
                    ],
                )
            }
        };
        let before = env.moves();
        let mut ends = Vec::new();
        let mut written = Vec::new();
        for (pat, bindings, guard) in arms {
            env.set_moves(&before);
            env.push_scope();
            for (name, ty) in &bindings {
                self.bind(env, name, ty.clone(), false);
            }
            let (body, div) = self.block(env, None);
            env.pop_scope();
            ends.push((env.moves(), div));
            match guard {
                Some(g) => written.push(seq![pat, " if ", g, " => ", body, "\n"]),
                None => written.push(seq![pat, " => ", body, "\n"]),
            }
        }
        let diverges = ends.iter().all(|(_, d)| *d);
        merge(env, &ends);
        Some((
            seq![
                "match ",
                super::head(scrutinee),
                " {\n",
                Node::Seq(written),
                "}"
            ],
            diverges,
        ))
    }

    fn loop_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        if self.budget == 0 {
            return None;
        }
        let label = self.chance(25).then(|| self.fresh("'l"));
        let head = label.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
        let kind = self.rng.u32(0..8);
        // The code before the body, after it, what the body binds, and a hidden borrow of the
        // iterated local.
        type Loop = (Node, String, Option<(String, Ty)>, Option<(usize, bool)>);
        let (before, after, binding, borrow): Loop = match kind {
            0 => {
                let i = self.pick(&["i", "j", "n"]).to_string();
                let k = self.rng.u32(0..4);
                (
                    format!("{head}for {i} in 0..{k} ").into(),
                    String::new(),
                    Some((i, Ty::U32)),
                    None,
                )
            }
            1 => {
                let p = self.pick_place(env, &Ty::Vec, |p| p.movable)?;
                env.use_var(p.root, false, true);
                let x = self.name(&Ty::Val);
                (
                    format!("{head}for {x} in {} ", p.text).into(),
                    String::new(),
                    Some((x, Ty::Val)),
                    None,
                )
            }
            2 => {
                let ty = self.pick(&[Ty::Vec, Ty::Slice, Ty::MutSlice]);
                let p = self.pick_place(env, &ty, |_| true)?;
                env.use_var(p.root, false, false);
                let x = self.name(&Ty::Ref);
                let iter = match ty {
                    Ty::Vec if self.chance(50) => format!("&{}", p.text),
                    _ => format!("{}.iter()", p.text),
                };
                (
                    format!("{head}for {x} in {iter} ").into(),
                    String::new(),
                    Some((x, Ty::Ref)),
                    Some((p.root, false)),
                )
            }
            3 => {
                let ty = self.pick(&[Ty::Vec, Ty::MutSlice]);
                let p = self.pick_place(env, &ty, |p| p.mutable)?;
                env.use_var(p.root, true, false);
                let x = self.name(&Ty::MutRef);
                let iter = match ty {
                    Ty::Vec if self.chance(50) => format!("&mut {}", p.text),
                    _ => format!("{}.iter_mut()", p.text),
                };
                (
                    format!("{head}for {x} in {iter} ").into(),
                    String::new(),
                    Some((x, Ty::MutRef)),
                    Some((p.root, true)),
                )
            }
            4 => {
                let w = self.fresh("w");
                let k = self.rng.u32(1..4);
                let cond = if env.can_await && self.awaits > 0 && self.chance(40) {
                    self.awaits -= 1;
                    let label = self.fresh("s");
                    format!("{w} < t.step(\"{label}\", 1, {k}).await")
                } else {
                    format!("{w} < {k}")
                };
                (
                    format!("let mut {w} = 0;\n{head}while {cond} {{ {w} += 1; ").into(),
                    "}".into(),
                    None,
                    None,
                )
            }
            5 => {
                let w = self.fresh("w");
                let k = self.rng.u32(0..9);
                let n = self.name(&Ty::U32);
                (
                    format!("let mut {w} = {k};\n{head}while let Some({n}) = maybe(&t, {w}) {{ {w} += 1; ").into(),
                    "}".into(),
                    Some((n, Ty::U32)),
                    None,
                )
            }
            6 => {
                let p = self.pick_place(env, &Ty::Vec, |_| true)?;
                env.use_var(p.root, false, false);
                let it = self.fresh("it");
                let x = self.name(&Ty::Ref);
                (
                    format!(
                        "let mut {it} = {}.iter();\n{head}while let Some({x}) = {it}.next() ",
                        p.text
                    )
                    .into(),
                    String::new(),
                    Some((x, Ty::Ref)),
                    Some((p.root, false)),
                )
            }
            _ => {
                let c = self.fresh("c");
                let k = self.rng.u32(1..4);
                (
                    format!("let mut {c} = 0;\n{head}loop {{ {c} += 1; if {c} > {k} {{ break; }} ")
                        .into(),
                    "}".into(),
                    None,
                    None,
                )
            }
        };
        // The iterated local stays borrowed while the loop runs.
        env.push_scope();
        if let Some((root, mutably)) = borrow {
            let hidden = env.declare("", Ty::Ref, false);
            env.vars[hidden].hidden = true;
            env.vars[hidden].borrows = vec![(root, mutably)];
        }
        let body = self.in_jump(env, label, true, None, |g, env| {
            env.push_scope();
            if let Some((name, ty)) = &binding {
                g.bind(env, name, ty.clone(), false);
            }
            let (body, _) = g.block(env, None);
            env.pop_scope();
            body
        });
        env.pop_scope();
        let node = seq!["{\n", before, body, after, "\n}"];
        Some((node, false))
    }

    fn inner_block(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let (b, d) = self.block(env, None);
        Some((b, d))
    }

    fn return_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        // Under a condition, written first: it runs first.
        let cond = self.chance(60).then(|| self.cond(env, 2));
        let before = env.moves();
        let saved = (env.move_depth, env.jump_floor);
        (env.move_depth, env.jump_floor) = (Some(0), env.jumps.len());
        let ret = env.ret.clone();
        let e = self.expr(env, &ret, 1);
        (env.move_depth, env.jump_floor) = saved;
        let node = seq!["return ", e, ";"];
        match cond {
            Some(cond) => {
                env.set_moves(&before);
                Some((seq!["if ", cond, " {\n", node, "\n}"], false))
            }
            None => Some((node, true)),
        }
    }

    /// `break` or `continue`, labeled or not, with a value where the target takes one.
    fn jump(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        // An unlabeled one goes to the innermost loop, and may not cross a labeled block.
        let unlabeled = |j: usize| env.jumps[j].is_loop && env.jumps[j + 1..].is_empty();
        let targets: Vec<usize> = (env.jump_floor..env.jumps.len())
            .filter(|&j| env.jumps[j].label.is_some() || unlabeled(j))
            .collect();
        let j = *targets.get(self.rng.usize(0..targets.len().max(1)))?;
        let jump = env.jumps[j].clone();
        let label = match &jump.label {
            Some(l) if self.chance(70) || !unlabeled(j) => format!(" {l}"),
            _ => String::new(),
        };
        let cond = self.chance(60).then(|| self.cond(env, 2));
        let node = if jump.is_loop && self.chance(40) {
            seq![format!("continue{label};")]
        } else if jump.value.is_some() {
            let v = self.break_expr(env, j);
            seq![format!("break{label} "), v, ";"]
        } else {
            seq![format!("break{label};")]
        };
        match cond {
            Some(cond) => Some((seq!["if ", cond, " {\n", node, "\n}"], false)),
            None => Some((node, true)),
        }
    }

    fn panic(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let e = self.expr(env, &Ty::U32, 2);
        let k = self.rng.u32(0..10);
        Some((
            seq![
                "if ",
                super::head(e),
                format!(" == {k} {{ panic!(\"boom {k}\"); }}")
            ],
            false,
        ))
    }

    fn push(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let p = self.pick_place(env, &Ty::Vec, |p| p.mutable)?;
        env.use_var(p.root, true, false);
        env.hold(p.root, true);
        let v = self.expr(env, &Ty::Val, 1);
        Some((seq![format!("{}.push(", p.text), v, ");"], false))
    }

    fn drop_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let ty = self.pick(&[Ty::Val, Ty::Chan, Ty::Vec, Ty::Opt]);
        let p = self.pick_place(env, &ty, |p| p.movable)?;
        env.use_var(p.root, false, true);
        Some((format!("drop({});", p.text).into(), false))
    }

    /// `let Some(x) = .. else { ..; diverge };`.
    fn let_else(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let (init, pat, binding, ty): (Node, String, String, Ty) = match self.rng.u32(0..3) {
            0 => {
                let e = self.expr(env, &Ty::U32, 1);
                let n = self.name(&Ty::U32);
                (seq!["maybe(&t, ", e, ")"], format!("Some({n})"), n, Ty::U32)
            }
            1 => {
                let e = self.expr(env, &Ty::Opt, 1);
                let v = self.name(&Ty::Val);
                (e, format!("Some({v}): Option<Val>"), v, Ty::Val)
            }
            _ => {
                let e = self.expr(env, &Ty::Pair, 1);
                let v = self.name(&Ty::Val);
                (e, format!("Pair {{ a: {v}, n: 1..=6 }}"), v, Ty::Val)
            }
        };
        // The `else` block: a few statements, then a way out.
        let before = env.moves();
        let saved_budget = self.budget;
        self.budget = self.budget.min(2);
        let (stmts, diverged) = self.block(env, None);
        self.budget = saved_budget;
        let exit = if diverged {
            Node::from("")
        } else {
            // An unlabeled `break` or `continue`: to the innermost loop, if nothing is between.
            let innermost = env
                .jumps
                .last()
                .filter(|j| j.is_loop && env.jumps.len() > env.jump_floor);
            match self.rng.u32(0..3) {
                0 if innermost.is_some() => {
                    if innermost.is_some_and(|j| j.value.is_none()) {
                        Node::from(if self.chance(50) {
                            "continue;"
                        } else {
                            "break;"
                        })
                    } else {
                        "continue;".into()
                    }
                }
                1 => Node::from(format!("panic!(\"boom {}\");", self.rng.u32(0..10))),
                _ => {
                    let saved = (env.move_depth, env.jump_floor);
                    (env.move_depth, env.jump_floor) = (Some(0), env.jumps.len());
                    let ret = env.ret.clone();
                    let e = self.expr(env, &ret, 2);
                    (env.move_depth, env.jump_floor) = saved;
                    seq!["return ", e, ";"]
                }
            }
        };
        env.set_moves(&before);
        self.bind(env, &binding, ty, false);
        Some((
            seq![
                "let ",
                pat,
                " = ",
                super::head(init),
                " else { ",
                stmts,
                exit,
                " };"
            ],
            false,
        ))
    }

    /// `{ let (l, r) = v.split_at_mut(1); .. }`.
    fn split(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let p = self.pick_place(env, &Ty::Vec, |p| p.mutable)?;
        env.use_var(p.root, true, false);
        env.push_scope();
        env.hold(p.root, true);
        let (l, r) = ("s", "rest");
        self.bind(env, l, Ty::MutSlice, false);
        self.bind(env, r, Ty::MutSlice, false);
        let (body, d) = self.block(env, None);
        env.pop_scope();
        Some((
            seq![
                // Never empty, so 1 is in range (`v.len() / 2` would borrow `v` again).
                format!("{{\nlet ({l}, {r}) = {}.split_at_mut(1);\n", p.text),
                body,
                "\n}"
            ],
            d,
        ))
    }

    /// `assert!`, `assert_eq!` or `assert_ne!` on values that may await, which hold: the
    /// program's numbers are below 1000.
    fn assert_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        let a = self.expr(env, &Ty::U32, 1);
        Some((
            match self.rng.u32(0..3) {
                0 => seq!["assert!(", a, " < 1000);"],
                1 => seq!["assert_ne!(", a, ", 1000, \"out of range\");"],
                _ => {
                    let b = self.expr(env, &Ty::U32, 1);
                    seq!["assert_eq!((", a, ") / 1000, (", b, ") / 1000);"]
                }
            },
            false,
        ))
    }

    /// An `.await` whose value is not used.
    fn await_stmt(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        if !env.can_await || self.awaits == 0 {
            return None;
        }
        self.awaits -= 1;
        let label = self.fresh("s");
        let k = self.pick(&[0, 1, 1, 2]);
        if self.chance(30)
            && let Some(p) = self.pick_place(env, &Ty::Val, |_| true)
        {
            env.use_var(p.root, false, false);
            return Some((format!("{}.wait({k}).await;", p.text).into(), false));
        }
        let node = Node::from(format!("t.step(\"{label}\", {k}, ()).await;"));
        Some((node.or(format!("t.log(\"{label}\");")), false))
    }

    /// A `&mut self` method call as a statement.
    fn mutate(&mut self, env: &mut Env) -> Option<(Node, bool)> {
        if self.chance(50) {
            let p = self.pick_place(env, &Ty::Chan, |p| p.mutable)?;
            env.use_var(p.root, true, false);
            return Some((format!("{}.lock();", p.text).into(), false));
        }
        let p = self.pick_place(env, &Ty::Val, |p| p.mutable)?;
        env.use_var(p.root, true, false);
        Some((format!("{}.take();", p.text).into(), false))
    }
}
