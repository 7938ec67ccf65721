//! Awaited futures that borrow nothing the state keeps: the expansion builds them where the
//! state is entered instead of in the state's arm. Drops, cancellation at every point and
//! panics while building must not change.

use super::*;

/// A future owning everything it needs (the trace and the value).
fn owned<T>(t: Trace, name: &'static str, pending: u32, value: T) -> common::Step<T> {
    t.step(name, pending, value)
}

case! {
    future_built_then_awaited(t) => building(t);
    #[desugar]
    async fn building(t: Trace) -> usize {
        let guard = t.noisy("guard");
        let first = t.step("first", 2, 1);
        let a = first.await;
        let items = vec![t.noisy("x"), t.noisy("y")];
        let second = t.step("second", 1, items);
        let got = second.await;
        drop(guard);
        a + got.len()
    }
}

case! {
    owned_future_in_loop(t) => rounds(t);
    #[desugar]
    async fn rounds(t: Trace) -> u32 {
        let mut total = 0;
        let kept = t.noisy("kept");
        for i in 0..3 {
            let tr = t.clone();
            total += super::owned(tr, "round", i, i * 10).await;
        }
        Noisy::touch(&kept);
        total
    }
}

case! {
    owned_local_moved_into_the_future(t) => handing(t);
    #[desugar]
    async fn handing(t: Trace) -> usize {
        let tr = t.clone();
        let items = vec![t.noisy("a"), t.noisy("b")];
        let before = t.noisy("before");
        let n = super::owned(tr, "hand over", 2, items).await.len();
        Noisy::touch(&before);
        n
    }
}

case! {
    #[panics]
    panic_building_owned_future(t) => explode(t);
    fn make(t: Trace, v: u32) -> common::Step<u32> {
        if v > 1 {
            panic!("boom while building");
        }
        t.step("made", 1, v)
    }
    #[desugar]
    async fn explode(t: Trace) -> u32 {
        let keep = t.noisy("keep");
        let (t1, t2) = (t.clone(), t.clone());
        let one = make(t1, 1).await;
        let two = make(t2, one + 1).await;
        Noisy::touch(&keep);
        two
    }
}
