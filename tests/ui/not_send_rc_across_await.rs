//! An `Rc` held across an `.await` makes rustc's future `!Send`; so it does the desugared one.

use std::rc::Rc;

async fn tick() {}

#[desugar::desugar]
async fn holds_rc() -> usize {
    let rc = Rc::new(5);
    tick().await;
    *rc
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(holds_rc());
}
