//! The same guess made in an awaited expression is checked as well (the fuzzer, seeds 1560 and
//! 1676: unchecked there, the local was dropped before the `.await` instead of after it).

use std::future::Future;

pub struct Parts(String);

impl Parts {
    pub fn into_parts(&self) -> usize {
        self.0.len()
    }
}

async fn tick(n: usize) -> usize {
    n
}

#[desugar::desugar]
async fn split(parts: Parts) -> usize {
    tick(parts.into_parts()).await
}

fn main() {
    // (Polled, so that its code is generated.)
    let mut future = std::pin::pin!(split(Parts(String::new())));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = future.as_mut().poll(&mut cx);
}
