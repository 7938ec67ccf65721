//! A `&Cell` held across an `.await` (here, a parameter) makes rustc's future `!Send`, because
//! `Cell` is `!Sync`; so it does the desugared one.

use std::cell::Cell;

async fn tick() {}

#[desugar::desugar]
async fn bump(counter: &Cell<u32>) -> u32 {
    tick().await;
    counter.set(counter.get() + 1);
    counter.get()
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    let counter = Cell::new(0);
    assert_send(bump(&counter));
}
