//! The value of an `.await` must not borrow a local the awaited future borrowed in place when
//! that local cannot get a slot (here it is bound by an or-pattern; a `let`, an `if let` or a
//! plain match arm gives it one): it moves on after the `.await`, so the expansion refuses it
//! (rustc's own future keeps the local where it is).

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
    let result: Result<String, String> = Ok(String::from("kept"));
    match result {
        Ok(text) | Err(text) => {
            let borrowed = Echo(&text).await;
            borrowed.len() + text.len()
        }
    }
}

fn main() {}
