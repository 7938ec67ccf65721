//! What the generated code calls: the future type every expansion returns ([`Machine`]) and its
//! guards, and a mirror of std's unstable `Try` machinery, so that `?` behaves exactly like `?`
//! for every type stable Rust allows it on, selected by type.

mod machine;

pub use machine::{Machine, SlotGuard, State, machine};

use core::convert::Infallible;
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

/// The value of an `.await` whose future borrowed locals kept in place in the state. Those
/// locals move on once the future is done, so the value must not borrow them: it must outlive
/// the future itself (`'fut`), which those borrows (`'pinned`) do not. A value that borrows them
/// is refused at compile time, never left dangling.
#[inline(always)]
pub fn detached<'fut, T: 'fut>(value: T) -> T {
    value
}
