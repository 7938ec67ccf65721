//! The expansion does not depend on the user's names: a local `mod core` does not shadow
//! `::core`, and user locals named like the generated ones (`state`, `cx`, `this`, `fut`,
//! `__fut0`, `output`) neither collide with them nor see them.

#![allow(dead_code)]

mod core {}

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

#[desugar::desugar]
async fn named_like_generated(state: u32, cx: u32) -> u32 {
    let this = std::future::ready(state).await;
    let fut = std::future::ready(cx).await;
    let __fut0 = this + fut;
    let output = std::future::ready(__fut0).await;
    let resume = output * 2;
    resume + state + cx
}

#[test]
fn user_names_do_not_collide() {
    assert_eq!(block_on(named_like_generated(1, 2)), 9);
}
