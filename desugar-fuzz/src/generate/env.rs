//! What the generator knows at each point of the body it writes: the locals in scope, their
//! types, and whether they are moved or borrowed. Every choice it makes goes through these
//! checks, so that the program is accepted by the borrow checker by construction (RustSmith's
//! discipline), conservatively: a borrow lasts to the end of the block of the local that holds
//! it, a local moved on one path is moved on all, nothing declared outside a loop moves inside
//! it except in the `break` or `return` that leaves it.

/// The types of the generated programs (the support types are in `tests/common/fuzz.rs`).
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    U32,
    Val,
    Chan,
    /// `Vec<Val>`, never empty: it is made with at least one element and only grows.
    Vec,
    /// `Option<Val>`.
    Opt,
    Pair,
    /// `&Val`.
    Ref,
    /// `&mut Val`.
    MutRef,
    /// `&[Val]`.
    Slice,
    /// `&mut [Val]`.
    MutSlice,
    /// `Option<u32>`, a return type.
    OptU32,
    /// `Result<u32, Bad>` (`worse`: `Result<u32, Worse>`), a return type.
    Res {
        worse: bool,
    },
    /// The future of an `async` block, awaited later, with its output.
    Fut(Box<Ty>),
    /// A closure `Fn(u32) -> u32`.
    Closure,
}

impl Ty {
    pub fn is_copy(&self) -> bool {
        matches!(self, Ty::U32 | Ty::Ref | Ty::Slice)
    }

    /// The type as written in a signature.
    pub fn rust(&self) -> &'static str {
        match self {
            Ty::U32 => "u32",
            Ty::Val => "Val",
            Ty::Chan => "Chan",
            Ty::Vec => "Vec<Val>",
            Ty::Opt => "Option<Val>",
            Ty::Pair => "Pair",
            Ty::Ref => "&Val",
            Ty::MutRef => "&mut Val",
            Ty::Slice => "&[Val]",
            Ty::MutSlice => "&mut [Val]",
            Ty::OptU32 => "Option<u32>",
            Ty::Res { worse: false } => "Result<u32, Bad>",
            Ty::Res { worse: true } => "Result<u32, Worse>",
            Ty::Fut(_) | Ty::Closure => unreachable!("never written"),
        }
    }

    /// The owned types a local, an argument or a value can have.
    pub const OWNED: [Ty; 6] = [Ty::U32, Ty::Val, Ty::Chan, Ty::Vec, Ty::Opt, Ty::Pair];
}

/// A local the generated code can name.
#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub ty: Ty,
    pub mutable: bool,
    pub moved: bool,
    /// What this local borrows while it is in scope (references, closures, futures of `async`
    /// blocks, a loop's iterator): the indices of the borrowed locals, and whether mutably.
    pub borrows: Vec<(usize, bool)>,
    /// The loops around its declaration.
    pub loops: usize,
    /// Cannot be named (what a `for` loop borrows).
    pub hidden: bool,
    /// Reached through a reference (`self` in a `&self` or `&mut self` method): whether it may
    /// be mutated through it. Only its fields are used, never the whole.
    pub via: Option<bool>,
}

/// Where a `break` can go: a loop or a labeled block.
#[derive(Clone, Debug)]
pub struct Jump {
    pub label: Option<String>,
    pub is_loop: bool,
    /// The type of the value a `break` carries (`loop` or labeled block used as a value).
    pub value: Option<Ty>,
    /// The locals declared before it: the ones a `break` that moves them leaves moved.
    pub vars_at: usize,
    /// The loops outside it.
    pub loops_outside: usize,
    /// Locals declared before it and moved by a `break` to it.
    pub moved_by_break: Vec<usize>,
}

/// What `?` does in the current body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Try {
    None,
    Option,
    Result { worse: bool },
}

/// A closure or `async` block being written: how it captures the locals declared outside it.
#[derive(Clone, Debug)]
pub struct Capture {
    /// Locals below this index are outside.
    pub floor: usize,
    /// `move`: every outside local it names is moved in (copied if `Copy`).
    pub by_move: bool,
    /// Outside locals it names, and whether it uses them mutably.
    pub mentioned: Vec<(usize, bool)>,
    /// The loop depth outside, for what a `move` block may move in.
    pub outer_depth: usize,
    /// A borrowing `async` block may mutate what it borrows (a closure may not: it would be
    /// `FnMut`).
    pub may_mutate: bool,
}

/// The state of the body being written.
#[derive(Clone, Debug)]
pub struct Env {
    pub vars: Vec<Var>,
    scopes: Vec<usize>,
    pub jumps: Vec<Jump>,
    /// Borrows held by temporaries of the statements being written (one frame per statement,
    /// statements nest through block expressions).
    pub held: Vec<Vec<(usize, bool)>>,
    /// The type `return` returns.
    pub ret: Ty,
    pub try_kind: Try,
    /// `.await` is allowed (not in a closure).
    pub can_await: bool,
    /// The closures and `async` blocks being written, outermost first.
    pub captures: Vec<Capture>,
    /// Loops whose locals may be moved here: normally all of them; in a `break` expression those
    /// outside its target, in a `return` none.
    pub move_depth: Option<usize>,
    /// The jump a `break` expression being written goes to.
    pub break_target: Option<usize>,
    /// Jumps below this index may not be taken: in a `break` or `return` value, which may move
    /// what the loop around needs, a `continue` would come back to the loop.
    pub jump_floor: usize,
    /// The local being assigned by `x = f(x)`: it may move even in a loop, since it gets a
    /// value again right after.
    pub reinit: Option<usize>,
}

impl Env {
    pub fn new(ret: Ty) -> Env {
        let try_kind = match ret {
            Ty::OptU32 => Try::Option,
            Ty::Res { worse } => Try::Result { worse },
            _ => Try::None,
        };
        Env {
            vars: Vec::new(),
            scopes: Vec::new(),
            jumps: Vec::new(),
            held: Vec::new(),
            ret,
            try_kind,
            can_await: true,
            captures: Vec::new(),
            move_depth: None,
            break_target: None,
            reinit: None,
            jump_floor: 0,
        }
    }

    pub fn loop_depth(&self) -> usize {
        self.jumps.iter().filter(|j| j.is_loop).count()
    }

    pub fn declare(&mut self, name: &str, ty: Ty, mutable: bool) -> usize {
        let loops = self.loop_depth();
        self.vars.push(Var {
            name: name.to_string(),
            ty,
            mutable,
            moved: false,
            borrows: Vec::new(),
            loops,
            hidden: false,
            via: None,
        });
        self.vars.len() - 1
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(self.vars.len());
    }

    pub fn pop_scope(&mut self) {
        let at = self.scopes.pop().expect("a scope");
        self.vars.truncate(at);
    }

    /// The moved flags, to restore before writing another branch.
    pub fn moves(&self) -> Vec<bool> {
        self.vars.iter().map(|v| v.moved).collect()
    }

    pub fn set_moves(&mut self, moves: &[bool]) {
        for (v, &m) in self.vars.iter_mut().zip(moves) {
            v.moved = m;
        }
    }

    /// Starts a statement: the borrows its temporaries hold end with it.
    pub fn begin_stmt(&mut self) {
        self.held.push(Vec::new());
    }

    pub fn end_stmt(&mut self) {
        self.held.pop();
    }

    /// A temporary of the current statement borrows `i` until the statement ends.
    pub fn hold(&mut self, i: usize, mutably: bool) {
        if let Some(frame) = self.held.last_mut() {
            frame.push((i, mutably));
        }
    }

    fn borrowed(&self, i: usize, only_mut: bool) -> bool {
        let by_local = self
            .vars
            .iter()
            .filter(|v| !v.moved)
            .flat_map(|v| &v.borrows)
            .chain(self.held.iter().flatten());
        by_local
            .into_iter()
            .any(|&(b, m)| b == i && (m || !only_mut))
    }

    /// The local `i` can be named here (not shadowed, not hidden).
    pub fn visible(&self, i: usize) -> bool {
        let v = &self.vars[i];
        !v.hidden && !self.vars[i + 1..].iter().any(|w| w.name == v.name)
    }

    /// `i` can be read (or borrowed shared).
    pub fn can_read(&self, i: usize) -> bool {
        self.visible(i)
            && !self.vars[i].moved
            && !self.borrowed(i, true)
            && self.capture_ok(i, false, false)
    }

    /// `i` can be used mutably (`&mut`, a `&mut self` method, assigned).
    pub fn can_mut(&self, i: usize) -> bool {
        self.can_read(i)
            && !self.borrowed(i, false)
            && self.capture_ok(i, true, false)
            && (self.vars[i].mutable
                || self.vars[i].ty == Ty::MutRef
                || self.vars[i].ty == Ty::MutSlice)
    }

    /// What `i` (a `&mut` reference, or `self` in a `&mut self` method) points to can be
    /// mutated through it.
    pub fn can_mut_through(&self, i: usize) -> bool {
        self.can_read(i) && !self.borrowed(i, false) && self.capture_ok(i, true, false)
    }

    /// `i` can be assigned (it may have been moved: assigning gives it a value again).
    pub fn can_assign(&self, i: usize) -> bool {
        let v = &self.vars[i];
        self.visible(i)
            && v.mutable
            && !self.borrowed(i, false)
            && self.capture_ok(i, true, false)
            // Assigned in a loop it was declared outside of, a moved local would be moved in
            // one iteration and assigned in the next: keep it simple, only where it lives; and
            // not from a closure or block, which would borrow the moved local.
            && (!v.moved || v.loops == self.loop_depth() && self.captures.iter().all(|c| i >= c.floor))
    }

    /// `i` can be moved out.
    pub fn can_move(&self, i: usize) -> bool {
        let v = &self.vars[i];
        if v.ty.is_copy() {
            return self.can_read(i);
        }
        let depth = self.move_depth.unwrap_or(self.loop_depth());
        self.can_read(i)
            && !self.borrowed(i, false)
            && (v.loops >= depth || self.reinit == Some(i))
            && v.via.is_none()
            && !matches!(v.ty, Ty::MutRef | Ty::MutSlice)
            && self.capture_ok(i, false, true)
    }

    /// Every closure or `async` block being written may use outside local `i` this way. A
    /// `move` block inside a borrowing one moves what it names out of the borrowing one too.
    fn capture_ok(&self, i: usize, mutably: bool, moving: bool) -> bool {
        let mut moving = moving;
        for c in self.captures.iter().rev() {
            if !self.capture_ok_in(c, i, mutably, moving) {
                return false;
            }
            moving |= c.by_move && i < c.floor;
        }
        true
    }

    fn capture_ok_in(&self, c: &Capture, i: usize, mutably: bool, moving: bool) -> bool {
        if i >= c.floor {
            return true;
        }
        let v = &self.vars[i];
        if !matches!(
            v.ty,
            Ty::U32 | Ty::Val | Ty::Chan | Ty::Vec | Ty::Opt | Ty::Pair
        ) || v.via.is_some()
        {
            // References (and `self` behind one) and futures stay outside: what they borrow
            // would be borrowed too.
            return false;
        }
        if c.by_move {
            // Moved in (or copied): it must be movable outside.
            v.ty.is_copy() || !self.borrowed(i, false) && v.loops >= c.outer_depth
        } else {
            // Borrowed by the block: never moved out of it; mutated only if it may.
            (!moving || v.ty.is_copy()) && (!mutably || c.may_mutate)
        }
    }

    /// Records a use of `i` (moving it if `moving` and it is not `Copy`).
    pub fn use_var(&mut self, i: usize, mutably: bool, moving: bool) {
        for c in &mut self.captures {
            if i < c.floor {
                c.mentioned.push((i, mutably));
            }
        }
        if moving && !self.vars[i].ty.is_copy() {
            self.vars[i].moved = true;
            if let Some(j) = self.break_target.and_then(|j| self.jumps.get_mut(j))
                && i < j.vars_at
            {
                j.moved_by_break.push(i);
            }
        }
    }

    /// Locals of type `ty` satisfying `ok`, visible here.
    pub fn find(&self, ty: &Ty, ok: impl Fn(&Env, usize) -> bool) -> Vec<usize> {
        (0..self.vars.len())
            .filter(|&i| self.vars[i].ty == *ty && ok(self, i))
            .collect()
    }
}
