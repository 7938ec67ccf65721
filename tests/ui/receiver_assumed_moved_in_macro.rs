//! The same guess made inside a macro's arguments (`vec![..]`) is checked as well (the fuzzer,
//! seed 1382: unchecked there, the local was dropped at the `.await` instead of at the end of
//! its scope).

use std::future::Future;

pub struct Parts(String);

impl Parts {
    pub fn into_parts(&self) -> usize {
        self.0.len()
    }
}

async fn tick() {}

#[desugar::desugar]
async fn split(parts: Parts) -> usize {
    let lens = vec![parts.into_parts(), 1];
    tick().await;
    lens.len()
}

fn main() {
    // (Polled, so that its code is generated.)
    let mut future = std::pin::pin!(split(Parts(String::new())));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = future.as_mut().poll(&mut cx);
}
