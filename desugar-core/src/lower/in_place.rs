//! Which states resume *in place*: the arm of a suspension point inside a loop that leaves the
//! locals its state keeps where they are, in the pinned state, instead of moving them out and
//! back in at every iteration. Re-entering the same state then only writes the new awaited
//! future, as rustc's generator does; moving all the kept locals out of the state and back in
//! at every `.await` was most of what the desugared future cost over rustc's in a tight loop
//! (docs/PERFORMANCE.md).
//!
//! In the arm of point `p`, the *region* is the rest of the iteration of the innermost loop
//! around `p`, and that loop again. Inside it, the kept locals are references into the state
//! (`acc` is written `(*acc)`); when the loop ends, they move out of the state into the
//! bindings they have from there on, declared where the locals were. Only the states where
//! nothing can go wrong with that get it:
//!
//! - every local the state holds is declared outside the loop, so it stays alive, at its
//!   place, for the whole region; or it is a local of the iteration whose type the syntax shows
//!   `Copy` (`for i in 0..n`), which is copied out of the state where it is declared and back
//!   in when the state is entered again (one with something to drop would end before the loop
//!   comes back);
//! - none of them is moved inside the loop (used by value, unless `Copy` as far as the syntax
//!   shows, and not used again): a move out of a reference does not compile (before and after
//!   the loop they are the code's own, and may move);
//! - nothing in the loop jumps out of it past the end of the region (`break 'outer`);
//! - the code after the point assigns no local that the state does not hold (moved into the
//!   awaited future, as in `buf = consume(buf).await`): the arm declares it again by value;
//! - no macro the lowering cannot rewrite names one of them, and no other local of the
//!   function shares a name with one of them in the loop.

use crate::analyze::cfg::{Jumps, Site, moving_uses};
use crate::analyze::{Analysis, Block, BlockId, Expr, LocalId, PointId, Stmt};
use std::collections::{BTreeSet, HashMap, HashSet};
use syn::visit::Visit;

/// An arm's region.
pub struct Region {
    /// The body of the loop whose resumption it is.
    pub body: BlockId,
    /// The locals the state holds that are declared inside the loop (all `Copy`).
    pub per_iteration: Vec<LocalId>,
}

/// Per point: its arm's region, if the arm resumes in place.
pub fn regions(a: &Analysis) -> Vec<Option<Region>> {
    let mut loops = Vec::new();
    let mut innermost = vec![None; a.points.len()];
    collect_block(&a.body, &mut Vec::new(), &mut loops, &mut innermost);
    if loops.is_empty() || innermost.iter().all(Option::is_none) {
        return innermost.iter().map(|_| None).collect();
    }
    // What each loop's checks need, computed once per loop rather than once per point in it
    // (which would make expansion quadratic in a long loop).
    let summaries: Vec<Summary> = loops.iter().map(Summary::of).collect();
    let mut around: HashMap<BlockId, Vec<usize>> = HashMap::new();
    for (l, region) in loops.iter().enumerate() {
        for &b in &region.blocks {
            around.entry(b).or_default().push(l);
        }
    }
    let mut declared: Vec<HashMap<String, Vec<LocalId>>> = vec![HashMap::new(); loops.len()];
    for (id, local) in a.locals.iter().enumerate() {
        for &l in around.get(&local.block).into_iter().flatten() {
            declared[l]
                .entry(local.ident.to_string())
                .or_default()
                .push(id);
        }
    }
    // The locals each loop's code may move: there they are references into the state, which
    // cannot be moved out of. (Before and after the loop they are the code's own.)
    let mut by_site: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_point: HashMap<PointId, Vec<usize>> = HashMap::new();
    for (l, region) in loops.iter().enumerate() {
        for code in &region.code {
            by_site.entry(code.site()).or_default().push(l);
        }
        for &p in &region.points {
            by_point.entry(p).or_default().push(l);
        }
    }
    let mut moved: Vec<BTreeSet<LocalId>> = vec![BTreeSet::new(); loops.len()];
    for (id, site) in moving_uses(a) {
        let around = match site {
            Site::Code(code) => by_site.get(&code),
            Site::Point(p) => by_point.get(&p),
        };
        for &l in around.into_iter().flatten() {
            moved[l].insert(id);
        }
    }
    (0..a.points.len())
        .map(|p| {
            let l = innermost[p]?;
            let per_iteration = eligible(a, p, &loops[l], &summaries[l], &declared[l], &moved[l])?;
            Some(Region {
                body: loops[l].body,
                per_iteration,
            })
        })
        .collect()
}

/// What rules points out in a loop's user code, whatever the point.
struct Summary {
    /// A jump out of the loop past its end (`break 'outer`).
    leaves: bool,
    /// The identifiers named in macros that the lowering cannot rewrite.
    opaque: HashSet<String>,
}

impl Summary {
    fn of(region: &Loop) -> Self {
        let mut summary = Summary {
            leaves: false,
            opaque: HashSet::new(),
        };
        for &code in &region.code {
            let mut jumps = Jumps::default();
            let mut scan = Scan(&mut summary.opaque);
            match code {
                Code::Stmt(s) => {
                    jumps.visit_stmt(s);
                    scan.visit_stmt(s);
                }
                Code::Expr(e) => {
                    jumps.visit_expr(e);
                    scan.visit_expr(e);
                }
            }
            summary.leaves |= jumps
                .found
                .iter()
                .any(|(label, _)| label.as_ref().is_some_and(|l| !region.labels.contains(l)));
        }
        summary
    }
}

/// A loop of the body, as far as the region check needs it.
struct Loop<'a> {
    body: BlockId,
    /// The blocks and arm scopes inside it, its body included.
    blocks: HashSet<BlockId>,
    /// The labels that a jump inside it may target without leaving it.
    labels: Vec<String>,
    /// The user code inside it.
    code: Vec<Code<'a>>,
    /// The suspension points inside it.
    points: HashSet<PointId>,
}

#[derive(Clone, Copy)]
enum Code<'a> {
    Stmt(&'a syn::Stmt),
    Expr(&'a syn::Expr),
}

impl Code<'_> {
    /// The code by address, as [`Site::Code`] names it.
    fn site(self) -> usize {
        match self {
            Code::Stmt(s) => s as *const syn::Stmt as usize,
            Code::Expr(e) => e as *const syn::Expr as usize,
        }
    }
}

/// The locals of the iteration the state holds, if the arm can resume in place.
fn eligible(
    a: &Analysis,
    p: PointId,
    region: &Loop,
    summary: &Summary,
    declared: &HashMap<String, Vec<LocalId>>,
    moved: &BTreeSet<LocalId>,
) -> Option<Vec<LocalId>> {
    // A local the state does not hold but the loop assigns again (`buf = consume(buf).await`)
    // is declared again by the arm, by value: it has no place in the state kept in place.
    if a.points[p].join.is_some() || summary.leaves || !a.layout[p].redeclared.is_empty() {
        return None;
    }
    let mut names = HashSet::new();
    let mut per_iteration = Vec::new();
    for (id, guard) in a.layout[p].held(&a.points[p].scope) {
        let local = &a.locals[id];
        if region.blocks.contains(&local.block) {
            // A local of the iteration ends before the state is entered again: only one that
            // is `Copy` (nothing to drop) can be copied out and back in.
            if guard || !local.copied() || local.uninit || !names.insert(local.ident.to_string()) {
                return None;
            }
            per_iteration.push(id);
            continue;
        }
        // A guard (of a local in a slot) is never used by the user's code.
        if !guard && (local.uninit || moved.contains(&id) || !names.insert(local.ident.to_string()))
        {
            return None;
        }
    }
    // A local of the region with the same name would hide one of them for the rest of its block;
    // a macro the lowering cannot rewrite would not reach them through their references.
    let clear = names.iter().all(|name| {
        !summary.opaque.contains(name)
            && declared
                .get(name)
                .is_none_or(|ids| ids.iter().all(|id| per_iteration.contains(id)))
    });
    clear.then_some(per_iteration)
}

/// Collects the identifiers named in macros the lowering cannot rewrite (their arguments are
/// not expressions).
struct Scan<'s>(&'s mut HashSet<String>);

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        use syn::punctuated::Punctuated;
        let parses = mac
            .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            .is_ok();
        if !parses {
            idents(mac.tokens.clone(), self.0);
        }
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

fn idents(tokens: proc_macro2::TokenStream, out: &mut HashSet<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

// ---- the loops of the body ----

fn collect_block<'a>(
    b: &'a Block,
    open: &mut Vec<usize>,
    loops: &mut Vec<Loop<'a>>,
    innermost: &mut [Option<usize>],
) {
    for &l in open.iter() {
        loops[l].blocks.insert(b.id);
        if let Some(label) = &b.label {
            loops[l].labels.push(label.name.ident.to_string());
        }
    }
    for stmt in &b.stmts {
        match stmt {
            Stmt::Plain { stmt, .. } => code(open, loops, Code::Stmt(stmt)),
            Stmt::Let { local, init, .. } => {
                if let Some((_, otherwise)) = local.init.as_ref().and_then(|i| i.diverge.as_ref()) {
                    code(open, loops, Code::Expr(otherwise));
                }
                collect_expr(init, open, loops, innermost);
            }
            Stmt::Expr { expr, .. } => collect_expr(expr, open, loops, innermost),
        }
    }
    if let Some(t) = &b.tail {
        collect_expr(t, open, loops, innermost);
    }
}

fn collect_expr<'a>(
    e: &'a Expr,
    open: &mut Vec<usize>,
    loops: &mut Vec<Loop<'a>>,
    innermost: &mut [Option<usize>],
) {
    match e {
        Expr::Plain(e, _) => code(open, loops, Code::Expr(e)),
        Expr::Await(p) => {
            innermost[*p] = open.last().copied();
            for &l in open.iter() {
                loops[l].points.insert(*p);
            }
        }
        Expr::Return(None) => {}
        Expr::Block(b) => collect_block(b, open, loops, innermost),
        Expr::If {
            cond,
            then,
            otherwise,
            ..
        } => {
            code(open, loops, Code::Expr(cond));
            collect_block(then, open, loops, innermost);
            if let Some(o) = otherwise {
                collect_expr(o, open, loops, innermost);
            }
        }
        Expr::Match {
            scrutinee, arms, ..
        } => {
            code(open, loops, Code::Expr(scrutinee));
            for arm in arms {
                for &l in open.iter() {
                    loops[l].blocks.insert(arm.scope);
                }
                if let Some((g, _)) = &arm.guard {
                    code(open, loops, Code::Expr(g));
                }
                collect_expr(&arm.body, open, loops, innermost);
            }
        }
        Expr::Loop { label, cond, body } => {
            for &l in open.iter() {
                loops[l]
                    .labels
                    .extend(label.iter().map(|l| l.name.ident.to_string()));
            }
            loops.push(Loop {
                body: body.id,
                blocks: HashSet::new(),
                labels: label.iter().map(|l| l.name.ident.to_string()).collect(),
                code: Vec::new(),
                points: HashSet::new(),
            });
            open.push(loops.len() - 1);
            if let Some((c, _)) = cond {
                code(open, loops, Code::Expr(c));
            }
            collect_block(body, open, loops, innermost);
            open.pop();
        }
        Expr::Return(Some(v)) => collect_expr(v, open, loops, innermost),
    }
}

fn code<'a>(open: &[usize], loops: &mut [Loop<'a>], c: Code<'a>) {
    for &l in open {
        loops[l].code.push(c);
    }
}
