//! The future every expansion returns, what it asks of a state enum, and its guards. They are
//! generic, so they are defined once here rather than in every desugared function: a crate with
//! hundreds of desugared functions would otherwise carry hundreds of `impl Future` / `impl Drop`
//! blocks, which rustc's coherence check compares pairwise.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A desugared function's future: its state, the slots of the locals that must not move, and
/// the code that resumes it (a closure written inside the function, where the types the state
/// is generic over are known).
pub struct Machine<S, L, F> {
    state: S,
    slots: L,
    resume: F,
}

/// Builds a [`Machine`]. The `where` clause names the closure's signature: rustc deduces a
/// closure's parameter types from the bounds of the function it is passed to, so the closure
/// body sees the state's concrete types (a struct literal would leave them to be inferred, and
/// fail).
#[inline(always)]
pub fn machine<S, L, F, T>(state: S, slots: L, resume: F) -> Machine<S, L, F>
where
    F: FnMut(Pin<&mut S>, Pin<&mut L>, &mut Context<'_>) -> Poll<T>,
{
    Machine {
        state,
        slots,
        resume,
    }
}

impl<S: State, L, F, T> Future for Machine<S, L, F>
where
    F: FnMut(Pin<&mut S>, Pin<&mut L>, &mut Context<'_>) -> Poll<T>,
{
    type Output = T;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // SAFETY: `state` and `slots` are structurally pinned: they are only ever reached through
        // `Pin<&mut _>` (or `poison`, in place) and never moved out; `resume` is not pinned, only
        // called.
        let this = unsafe { self.get_unchecked_mut() };
        let state: *mut S = &mut this.state;
        let poison = Poison(state);
        // SAFETY: as above; `this` is not used to move `state` afterwards.
        let pinned = unsafe { Pin::new_unchecked(&mut *state) };
        // SAFETY: as above; `this` is not used to move `slots` afterwards.
        let slots = unsafe { Pin::new_unchecked(&mut this.slots) };
        let poll = (this.resume)(pinned, slots, cx);
        core::mem::forget(poison);
        poll
    }
}

/// What [`Machine`] needs of a state enum, implemented by each expansion for its own
/// (`FetchDataState`: the variants are the function's own, so the methods must be written there).
pub trait State {
    /// Moves the current state out, leaving `Panicked` in its place until the next state is
    /// written: the code that runs between two states owns the locals, and a panic there finds
    /// nothing to drop in the state.
    fn leave(&mut self) -> Self;
    /// A panic unwound out of `resume`: from now on the future is `Panicked` (polling it again
    /// panics), and what the state held is dropped in place, as rustc's futures do. A finished
    /// future stays `Done`: polling it again panics the same way every time.
    fn poison(&mut self);
}

/// Poisons the state if dropped, that is, if `resume` unwinds; forgotten when it returns. One
/// guard per `poll`, not one per `.await`: everything a state holds is dropped in place,
/// whichever code panicked.
struct Poison<S: State>(*mut S);

impl<S: State> Drop for Poison<S> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `self.0` points to the machine's pinned state, which outlives this guard; the
        // `Pin<&mut S>` handed to `resume` was dropped while unwinding out of it, so this is the
        // only access. `poison` drops and writes in place: nothing pinned moves.
        unsafe { (*self.0).poison() }
    }
}

/// The drop of a local that lives in a slot: it travels through the states like a kept local,
/// so that the local is dropped where rustc drops it — at the end of its scope, or in order with
/// the others when the future is dropped.
pub struct SlotGuard<T>(*mut Option<T>);

impl<T> SlotGuard<T> {
    /// # Safety
    ///
    /// `slot` points to a slot of a pinned future that outlives the guard (the guard lives in
    /// that future's state, or in its poll closure while it is polled), and nothing else empties
    /// the slot while the guard lives.
    #[inline(always)]
    pub unsafe fn new(slot: *mut Option<T>) -> Self {
        SlotGuard(slot)
    }
}

// SAFETY: the guard only drops the slot's value (a `T`): it may move to another thread exactly
// when a `T` may.
unsafe impl<T: Send> Send for SlotGuard<T> {}
// SAFETY: a shared guard gives no access to the value at all; requiring `T: Sync` keeps the
// future exactly as `Sync` as rustc's, which holds the `T` itself.
unsafe impl<T: Sync> Sync for SlotGuard<T> {}

impl<T> Drop for SlotGuard<T> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: by `new`'s contract, the pointer is to a slot that is still alive.
        unsafe { *self.0 = None }
    }
}
