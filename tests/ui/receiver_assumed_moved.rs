//! A method whose name says that it consumes its receiver (`into_*`) is taken to do so: the
//! local is not kept across the `.await`. Here `into_parts` only borrows it, so rustc keeps it
//! to the end of its scope: the check fails when the code is compiled (a closure's captures are
//! only known to rustc as a type), and points at the call.

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
    let n = parts.into_parts();
    tick().await;
    n
}

fn main() {
    // (Polled, so that its code is generated.)
    let mut future = std::pin::pin!(split(Parts(String::new())));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = future.as_mut().poll(&mut cx);
}
