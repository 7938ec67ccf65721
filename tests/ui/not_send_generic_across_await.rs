//! A generic value without a `Send` bound held across an `.await`: the future is `Send` only for
//! `Send` arguments, as rustc's; with an `Rc` it is not.

use std::rc::Rc;

async fn tick() {}

#[desugar::desugar]
async fn keep<T: Clone>(value: T) -> T {
    tick().await;
    value.clone()
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(keep(String::new()));
    assert_send(keep(Rc::new(1)));
}
