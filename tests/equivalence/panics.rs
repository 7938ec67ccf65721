//! Panics while polled: in the awaited future, in the function's own code, and in building the
//! awaited future. What is dropped during the unwind and the panic of polling again must match.

use super::*;

/// Panics ("boom") on its `at`th poll.
pub struct Boom {
    trace: Trace,
    at: u32,
}

impl std::future::Future for Boom {
    type Output = u32;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<u32> {
        self.trace.log("poll boom");
        self.at -= 1;
        if self.at == 0 {
            panic!("boom");
        }
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

impl Drop for Boom {
    fn drop(&mut self) {
        self.trace.log("drop future boom");
    }
}

case! {
    #[panics]
    panic_in_awaited_future(t) => explode(t);
    #[desugar]
    async fn explode(t: Trace) -> u32 {
        let a = t.noisy("a");
        let first = t.step("first", 1, 1).await;
        let b = t.noisy("b");
        let boom = super::Boom { trace: t.clone(), at: 2 }.await;
        Noisy::touch(&a);
        Noisy::touch(&b);
        first + boom
    }
}

case! {
    #[panics]
    panic_in_body(t) => explode(t);
    #[desugar]
    async fn explode(t: Trace) -> u32 {
        let a = t.noisy("a");
        let n = t.step("first", 1, 1).await;
        let b = t.noisy("b");
        if n == 1 {
            panic!("boom in the body");
        }
        Noisy::touch(&a);
        Noisy::touch(&b);
        n
    }
}

case! {
    #[panics]
    panic_building_future(t) => explode(t);
    fn make(t: &Trace, v: u32) -> common::Step<u32> {
        if v > 1 {
            panic!("boom while building");
        }
        t.step("made", 1, v)
    }
    #[desugar]
    async fn explode(t: Trace) -> u32 {
        let keep = t.noisy("keep");
        let one = make(&t, 1).await;
        let two = make(&t, one + 1).await;
        Noisy::touch(&keep);
        two
    }
}

/// Ready at once, then panics ("boom") when dropped; it borrows a local of the caller, so the
/// desugared function builds it in place, in the state.
pub struct BoomOnDrop<'a> {
    keep: &'a Noisy,
}

impl std::future::Future for BoomOnDrop<'_> {
    type Output = u32;
    fn poll(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<u32> {
        self.keep.touch();
        std::task::Poll::Ready(1)
    }
}

impl Drop for BoomOnDrop<'_> {
    fn drop(&mut self) {
        panic!("boom in drop");
    }
}

case! {
    #[panics]
    panic_dropping_finished_future(t) => explode(t);
    #[desugar]
    async fn explode(t: Trace) -> u32 {
        let keep = t.noisy("keep");
        let n = t.step("first", 1, 1).await;
        let one = super::BoomOnDrop { keep: &keep }.await;
        Noisy::touch(&keep);
        n + one
    }
}

// Helpers' ordinary programs (a `should_panic` test): a body that ends in `panic!` after an
// `.await` left the expansion's epilogue unreachable, a warning (an error under
// `#![deny(warnings)]`, as clippy runs here).
case! {
    #[panics]
    ends_in_a_panic(t) => fail_after(t, 3);
    #[desugar]
    async fn fail_after(t: Trace, n: u32) {
        t.step("s", 1, ()).await;
        panic!("boom {n}");
    }
}
