//! What the generated code calls: the future type every expansion returns ([`Machine`]) and its
//! guards, and a mirror of std's unstable `Try` machinery, so that `?` behaves exactly like `?`
//! for every type stable Rust allows it on, selected by type.

mod machine;

pub use machine::{Machine, SlotGuard, State, machine};

use core::convert::Infallible;
use core::future::Future;
use core::ops::ControlFlow;
use core::task::Poll;

/// The panic of a desugared future polled again after it panicked, with rustc's message. Out of
/// line and cold, so that each poll does not pay for setting up its arguments; the location is
/// the desugared function's, as with an inline `panic!`.
#[cold]
#[inline(never)]
#[track_caller]
pub fn resumed_after_panicking() -> ! {
    panic!("`async fn` resumed after panicking")
}

/// The same, polled again after it returned `Ready`.
#[cold]
#[inline(never)]
#[track_caller]
pub fn resumed_after_completion() -> ! {
    panic!("`async fn` resumed after completion")
}

/// Lets an `impl Future` name a lifetime it holds without promising to outlive it (edition
/// 2018/2021 capture only the lifetimes an `impl Trait` names).
pub trait Captures<T: ?Sized> {}
impl<T: ?Sized, U: ?Sized> Captures<T> for U {}

/// The arguments of a recursive method call, moved into the `async` block that makes the call
/// (`desugar-core/src/recursion.rs`): a block without `move`, so that it borrows the receiver as
/// the method call does, takes this by value, since it is not `Copy`.
pub struct Moved<T>(pub T);

impl<T> Moved<T> {
    #[inline(always)]
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// `!`, for `async fn f() -> !`: stable Rust lets a function return `!` but not name it
/// elsewhere (`impl Future<Output = !>` is refused), so the expansion names it as the output of
/// a `fn() -> !`.
pub type Never = <fn() -> ! as FnOutput>::Output;

/// The output type of a function pointer type, to name [`Never`].
pub trait FnOutput {
    type Output;
}
impl<T> FnOutput for fn() -> T {
    type Output = T;
}

/// The first half of `?`: continue with the output, or break with the residual.
pub trait Branch {
    type Output;
    type Residual;
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
}

/// The second half of `?`: build the early return value from a residual.
pub trait FromResidual<R> {
    fn from_residual(residual: R) -> Self;
}

/// `expr?` is `match branch(expr) { Continue(v) => v, Break(r) => return
/// <_ as FromResidual<_>>::from_residual(r) }`.
#[inline(always)]
pub fn branch<T: Branch>(value: T) -> ControlFlow<T::Residual, T::Output> {
    value.branch()
}

impl<T, E> Branch for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Ok(v) => ControlFlow::Continue(v),
            Err(e) => ControlFlow::Break(Err(e)),
        }
    }
}

impl<T, E, F: From<E>> FromResidual<Result<Infallible, E>> for Result<T, F> {
    #[inline(always)]
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(e) => Err(From::from(e)),
        }
    }
}

impl<T> Branch for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Some(v) => ControlFlow::Continue(v),
            None => ControlFlow::Break(None),
        }
    }
}

impl<T> FromResidual<Option<Infallible>> for Option<T> {
    #[inline(always)]
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
}

impl<T, E> Branch for Poll<Result<T, E>> {
    type Output = Poll<T>;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, Poll<T>> {
        match self {
            Poll::Ready(Ok(v)) => ControlFlow::Continue(Poll::Ready(v)),
            Poll::Ready(Err(e)) => ControlFlow::Break(Err(e)),
            Poll::Pending => ControlFlow::Continue(Poll::Pending),
        }
    }
}

impl<T, E, F: From<E>> FromResidual<Result<Infallible, E>> for Poll<Result<T, F>> {
    #[inline(always)]
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(e) => Poll::Ready(Err(From::from(e))),
        }
    }
}

impl<T, E> Branch for Poll<Option<Result<T, E>>> {
    type Output = Poll<Option<T>>;
    type Residual = Result<Infallible, E>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, Poll<Option<T>>> {
        match self {
            Poll::Ready(Some(Ok(v))) => ControlFlow::Continue(Poll::Ready(Some(v))),
            Poll::Ready(Some(Err(e))) => ControlFlow::Break(Err(e)),
            Poll::Ready(None) => ControlFlow::Continue(Poll::Ready(None)),
            Poll::Pending => ControlFlow::Continue(Poll::Pending),
        }
    }
}

impl<T, E, F: From<E>> FromResidual<Result<Infallible, E>> for Poll<Option<Result<T, F>>> {
    #[inline(always)]
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(e) => Poll::Ready(Some(Err(From::from(e)))),
        }
    }
}

impl<B, C> Branch for ControlFlow<B, C> {
    type Output = C;
    type Residual = ControlFlow<B, Infallible>;
    #[inline(always)]
    fn branch(self) -> ControlFlow<Self::Residual, C> {
        match self {
            ControlFlow::Continue(c) => ControlFlow::Continue(c),
            ControlFlow::Break(b) => ControlFlow::Break(ControlFlow::Break(b)),
        }
    }
}

impl<B, C> FromResidual<ControlFlow<B, Infallible>> for ControlFlow<B, C> {
    #[inline(always)]
    fn from_residual(residual: ControlFlow<B, Infallible>) -> Self {
        match residual {
            ControlFlow::Break(b) => ControlFlow::Break(b),
        }
    }
}

/// The value of an `.await` as the temporary it is natively: matched by a pattern that does not
/// bind all of it (`let _ = f().await;`, `let (a, _) = ..`), what is left is dropped at the end
/// of the statement, not with the local the poll stored it in.
#[inline(always)]
pub fn temporary<T>(value: T) -> T {
    value
}

/// The value of an `.await` whose future borrowed locals kept in place in the state. Those
/// locals move on once the future is done, so the value must not borrow them: it must outlive
/// the future itself (`'fut`), which those borrows (`'pinned`) do not. A value that borrows them
/// is refused at compile time, never left dangling.
#[inline(always)]
pub fn detached<'fut, T: 'fut>(value: T) -> T {
    value
}

/// The edition's rule for the temporaries of an `if let` scrutinee when the pattern does not
/// match: edition 2024 drops them before the `else` block, earlier editions at the end of the
/// `if let`. The expansion keeps such temporaries in locals, so it applies the rule itself,
/// through [`else_scope`], which the crate's edition selects (see [`edition`]).
pub trait IfLetRescope {
    /// What remains of a temporary in the `else` block.
    type Else<T>;
    fn else_scope<T>(temporary: T) -> Self::Else<T>;
}

/// Editions 2015 to 2021: the temporary lives on through the `else` block.
impl IfLetRescope for () {
    type Else<T> = T;
    #[inline(always)]
    fn else_scope<T>(temporary: T) -> T {
        temporary
    }
}

/// Edition 2024: the temporary is dropped before the `else` block.
impl IfLetRescope for Never {
    type Else<T> = ();
    #[inline(always)]
    fn else_scope<T>(temporary: T) {
        drop(temporary);
    }
}

/// The crate's edition, as a type: the type that a closure which never returns falls back to,
/// `()` before edition 2024 and `!` from it on. (The closure is never called.)
#[inline(always)]
pub fn edition<E>(_: impl FnOnce() -> E) -> core::marker::PhantomData<E> {
    core::marker::PhantomData
}

/// A temporary of an `if let` scrutinee at the top of its `else` block: dropped there in edition
/// 2024, kept to the end of the `if let` before.
#[inline(always)]
pub fn else_scope<E: IfLetRescope, T>(_: core::marker::PhantomData<E>, temporary: T) -> E::Else<T> {
    E::else_scope(temporary)
}

/// A local moved on some paths to an `.await` and not on others, which no slot can give a drop
/// flag (`analyze::Local::no_drop_flag`): the future drops it at the `.await` if it did not
/// move, where rustc drops it at the end of its scope. That is the same only if it drops
/// nothing, which this checks when the function is compiled to code (`cargo build`, not
/// `cargo check`); the error's note points at the local.
#[inline(always)]
pub fn drops_nothing<T>(_: &T) {
    drops_nothing_of::<T>();
}

/// [`drops_nothing`] for a local declared without a value (`let x: T;`), by its stated type.
#[inline(always)]
pub fn drops_nothing_of<T>() {
    const {
        assert!(
            !core::mem::needs_drop::<T>(),
            "desugar: a local moved on some paths before an `.await` and not on others, which \
             desugar cannot give a drop flag (it is declared without a value, assigned in a \
             closure, or a closure uses part of it), would be dropped at the `.await` rather than at the end of its scope (the \
             note below shows which local): move it on every path, or into a block that ends \
             before the `.await`"
        )
    }
}

// ---- The checks of the guesses about method receivers ----
//
// A macro cannot see whether `x.m(..)` takes `x` by value or by reference, and where that
// decides whether a local lives on across an `.await`, the expansion guesses and checks its
// guess at compile time: the call is passed through `receiver_borrowed`/`receiver_moved`,
// with a function (never called) in which a closure makes the same call on a stand-in for `x`
// and captures it by value exactly when the method takes it by value.

/// A stand-in with the type of what `_` points to. Never called: the checks are dead code.
#[inline(always)]
pub fn like<T>(_: &T) -> T {
    unreachable!("desugar's checks never run")
}

/// A stand-in of the type a witness names. Never called.
#[inline(always)]
pub fn conjure<T>(_: core::marker::PhantomData<T>) -> T {
    unreachable!("desugar's checks never run")
}

/// The type of what `_` points to, taken before the call that may move it.
#[inline(always)]
pub fn phantom<T>(_: &T) -> core::marker::PhantomData<T> {
    core::marker::PhantomData
}

/// The call `value` was made, assuming that its method borrows its receiver (of type `T`);
/// `check` (never called) fails to type-check if it does not (`assumed_borrowed`).
#[inline(always)]
pub fn receiver_borrowed<T, W, R>(
    _: core::marker::PhantomData<T>,
    _: W,
    value: R,
    _check: fn(core::marker::PhantomData<T>, W, core::marker::PhantomData<R>),
) -> R {
    value
}

/// The call `value` was made, assuming that its method takes its receiver (of type `T`) by value;
/// `check` (never called, but compiled) fails to compile if it does not (`assumed_moved`).
#[inline(always)]
pub fn receiver_moved<T, W, R>(
    _: core::marker::PhantomData<T>,
    _: W,
    value: R,
    _check: fn(core::marker::PhantomData<T>, W, core::marker::PhantomData<R>),
) -> R {
    value
}

/// Makes the checking closure's call have the type of the real one, `R`.
#[inline(always)]
pub fn typed<R>(_: core::marker::PhantomData<R>, _: &R) {}

/// Makes the checking closure's call where its result may borrow a stand-in, and so cannot
/// have the real one's type.
#[inline(always)]
pub fn untyped<R>(_: R) {}

/// Implemented by the checking closure when it only borrows the receiver (`FnMut`).
#[diagnostic::on_unimplemented(
    message = "desugar assumed that `{M}` borrows its receiver (a `{T}`), but it takes it by value",
    label = "desugar keeps the receiver of `{M}` to the end of its scope, across the `.await`s \
             after this call",
    note = "a macro cannot see the signature of `{M}`: to say that it consumes its receiver, \
            write the call as `{{ x }}.{M}(..)` or `Type::{M}(x, ..)`"
)]
pub trait Borrowing<T, M> {}

#[diagnostic::do_not_recommend]
impl<C: FnMut(), T, M> Borrowing<T, M> for C {}

/// The check of a guess that a method borrows its receiver: compiles only if the closure, which
/// makes the call, is `FnMut`, i.e. does not move the receiver out. `M` names the method.
#[inline(always)]
pub fn assumed_borrowed<T, C: Borrowing<T, M>, M>(_: core::marker::PhantomData<T>, _: &C, _: M) {}

/// The check of a guess that a method takes its receiver by value: the closure, which makes the
/// call, must own the receiver if dropping it does anything (a closure that only borrows it has
/// nothing to drop). Fails when the expansion is compiled to code (`cargo build`, not `cargo
/// check`): what a closure captures is only known to the compiler as a type.
#[inline(always)]
pub fn assumed_moved<T, C, M>(_: core::marker::PhantomData<T>, _: &C, _: M) {
    const {
        assert!(
            core::mem::needs_drop::<C>() || !core::mem::needs_drop::<T>(),
            "desugar assumed that a method takes its receiver by value, but it borrows it (the \
             closure named below makes the call): a macro cannot see the method's signature; \
             to say that it borrows its receiver, write the call as `(&x).method(..)` or \
             `(&mut x).method(..)`"
        )
    }
}

/// What a macro that may `return` early from the function runs in (`early` in desugar-core): a
/// closure whose return type has the function's shape with any value, `Self::With<V>`, so that
/// `return Err(e)`, `return None` and `?` fit it as they fit the function.
pub trait EarlyReturn: Sized {
    type With<V>;
    /// The macro's value, when it does not return early.
    fn proceed<V>(value: V) -> Self::With<V>;
    /// The macro's value, or what the function returns.
    fn early<V>(result: Self::With<V>) -> Result<V, Self>;
}

impl<T, E> EarlyReturn for Result<T, E> {
    type With<V> = Result<V, E>;
    #[inline(always)]
    fn proceed<V>(value: V) -> Result<V, E> {
        Ok(value)
    }
    #[inline(always)]
    fn early<V>(result: Result<V, E>) -> Result<V, Self> {
        result.map_err(Err)
    }
}

impl<T> EarlyReturn for Option<T> {
    type With<V> = Option<V>;
    #[inline(always)]
    fn proceed<V>(value: V) -> Option<V> {
        Some(value)
    }
    #[inline(always)]
    fn early<V>(result: Option<V>) -> Result<V, Self> {
        result.ok_or(None)
    }
}

#[inline(always)]
pub fn proceed<O: EarlyReturn, V>(value: V) -> O::With<V> {
    O::proceed(value)
}

#[inline(always)]
pub fn early<O: EarlyReturn, V>(result: O::With<V>) -> Result<V, O> {
    O::early(result)
}

/// `futures::poll!(f)`, written as the `.await` it expands to: polls `f` once, and is ready
/// with what that poll returned.
pub fn poll_once<F: Future + Unpin>(future: F) -> PollOnce<F> {
    PollOnce(future)
}

/// The future of `poll_once`.
pub struct PollOnce<F>(F);

impl<F: Future + Unpin> Future for PollOnce<F> {
    type Output = Poll<F::Output>;

    fn poll(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> Poll<Self::Output> {
        Poll::Ready(core::pin::Pin::new(&mut self.0).poll(cx))
    }
}
