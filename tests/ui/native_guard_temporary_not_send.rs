//! Not a desugared function: rustc's own future, for comparison with
//! tests/auto_traits.rs::guard_temporary_in_call. The `MutexGuard` temporary of the first argument
//! lives to the end of the statement, across the `.await`, so rustc's future is `!Send`; the
//! desugared one drops it before the `.await` and is `Send` (docs/SEMANTICS.md).

use std::sync::{Arc, Mutex};

async fn later_one() -> u32 {
    1
}

fn add(a: u32, b: u32) -> u32 {
    a + b
}

async fn guard_temporary_in_call(m: Arc<Mutex<u32>>) -> u32 {
    add(*m.lock().unwrap(), later_one().await)
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(guard_temporary_in_call(Arc::new(Mutex::new(2))));
}
