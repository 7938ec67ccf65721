//! A `Cell` kept across an `.await` makes rustc's future `!Sync`; so it does the desugared one.

use std::cell::Cell;

async fn tick() {}

#[desugar::desugar]
async fn holds_cell() -> u32 {
    let c = Cell::new(1);
    tick().await;
    c.get()
}

fn assert_sync<T: Sync>(_: T) {}

fn main() {
    assert_sync(holds_cell());
}
