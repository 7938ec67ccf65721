//! Pinning macros named by their imports (`use tokio::pin;`, `use std::pin::pin;`) are written
//! out by the expansion; each is still invoked, pinning nothing, so that its import stays used
//! and a crate that denies unused imports builds.
#![deny(unused_imports)]

mod by_std {
    use std::pin::pin;

    #[desugar::desugar]
    pub async fn pinned() -> u32 {
        let fut = pin!(std::future::ready(1));
        fut.await + std::future::ready(1).await
    }
}

mod by_tokio {
    use tokio::pin;

    #[desugar::desugar]
    pub async fn pinned() -> u32 {
        let fut = std::future::ready(2);
        pin!(fut);
        fut.await + std::future::ready(1).await
    }
}

fn main() {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let a = std::future::Future::poll(std::pin::pin!(by_std::pinned()), &mut cx);
    let b = std::future::Future::poll(std::pin::pin!(by_tokio::pinned()), &mut cx);
    assert_eq!((a, b), (std::task::Poll::Ready(2), std::task::Poll::Ready(3)));
}
