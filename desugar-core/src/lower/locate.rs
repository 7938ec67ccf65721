//! Where each suspension point sits in the tree: the blocks around it and, in each, the
//! statement that holds it. Computed once, so that writing the code of a state looks its point
//! up instead of searching the whole body for it (which would make lowering quadratic).

use crate::analyze::{Block, BlockId, Expr, PointId, Stmt};

/// Per point, from the outside in: each block around it (match arms count as blocks, by their
/// scope) and the index of the statement that holds it, or `None` for the tail.
pub struct Locations(Vec<Vec<(BlockId, Option<usize>)>>);

impl Locations {
    pub fn new(body: &Block, points: usize) -> Self {
        let mut out = vec![Vec::new(); points];
        let mut path = Vec::new();
        block(body, &mut path, &mut out);
        Locations(out)
    }

    /// The statement of `b` that holds point `p`: `Some(Some(i))` for `b.stmts[i]`,
    /// `Some(None)` for the tail, `None` if `p` is not inside `b`.
    pub fn in_block(&self, b: BlockId, p: PointId) -> Option<Option<usize>> {
        self.0[p].iter().find(|(id, _)| *id == b).map(|&(_, at)| at)
    }

    /// Whether point `p` is inside the block (or arm scope) `b`.
    pub fn contains(&self, b: BlockId, p: PointId) -> bool {
        self.in_block(b, p).is_some()
    }
}

type Path = Vec<(BlockId, Option<usize>)>;

fn block(b: &Block, path: &mut Path, out: &mut [Path]) {
    for (i, stmt) in b.stmts.iter().enumerate() {
        let expr = match stmt {
            Stmt::Plain { .. } => continue,
            Stmt::Let { init, .. } => init,
            Stmt::Expr { expr, .. } => expr,
        };
        path.push((b.id, Some(i)));
        walk(expr, path, out);
        path.pop();
    }
    if let Some(tail) = &b.tail {
        path.push((b.id, None));
        walk(tail, path, out);
        path.pop();
    }
}

fn walk(expr: &Expr, path: &mut Path, out: &mut [Path]) {
    match expr {
        Expr::Plain(..) | Expr::Return(None) => {}
        Expr::Await(p) => out[*p] = path.clone(),
        Expr::Block(b) | Expr::Loop { body: b, .. } => block(b, path, out),
        Expr::If {
            then, otherwise, ..
        } => {
            block(then, path, out);
            if let Some(e) = otherwise {
                walk(e, path, out);
            }
        }
        Expr::Match { arms, .. } => {
            for arm in arms {
                path.push((arm.scope, None));
                walk(&arm.body, path, out);
                path.pop();
            }
        }
        Expr::Return(Some(v)) => walk(v, path, out),
    }
}
