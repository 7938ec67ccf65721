//! A std `MutexGuard` held across an `.await` makes rustc's future `!Send`; so it does the
//! desugared one — the lesson "why is my future not Send?".

use std::sync::Mutex;

async fn tick() {}

#[desugar::desugar]
async fn holds_guard(m: &Mutex<u32>) -> u32 {
    let g = m.lock().unwrap();
    tick().await;
    *g
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    let m = Mutex::new(1);
    assert_send(holds_guard(&m));
}
