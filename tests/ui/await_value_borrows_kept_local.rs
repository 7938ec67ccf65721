//! The value of an `.await` must not borrow a local the awaited future borrowed in place when
//! that local cannot get a slot (here it is bound by `if let`; a `let`, with a pattern or not,
//! gives it one): it moves on after the `.await`, so the expansion refuses it (rustc's own
//! future keeps the local where it is).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Ready at once with the reference it holds.
struct Echo<'a>(&'a String);

impl<'a> Future for Echo<'a> {
    type Output = &'a String;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<&'a String> {
        Poll::Ready(self.0)
    }
}

#[desugar::desugar]
async fn echo() -> usize {
    if let Some(text) = Some(String::from("kept")) {
        let borrowed = Echo(&text).await;
        borrowed.len() + text.len()
    } else {
        0
    }
}

fn main() {}
