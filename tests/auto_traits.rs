//! Auto traits: the desugared future is `Send`/`Sync` when rustc's is. Positive cases are static
//! assertions on both versions; the negative ones (a `!Send` value held across an `.await`) are
//! trybuild cases in tests/ui/ (`not_send_*`).

use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

fn assert_send<T: Send>(_: &T) {}
fn assert_sync<T: Sync>(_: &T) {}

async fn tick() {}

macro_rules! both {
    ($($attr:tt)*) => {
        $($attr)*
        pub async fn plain(x: u32) -> u32 {
            tick().await;
            x + 1
        }

        /// An `Rc` created and dropped before the await.
        $($attr)*
        pub async fn rc_dropped_before() -> usize {
            let n = {
                let rc = Rc::new(5);
                *rc
            };
            tick().await;
            n
        }

        /// A std `MutexGuard` dropped before the await.
        $($attr)*
        pub async fn std_guard_dropped_before(m: Arc<Mutex<u32>>) -> u32 {
            let v = {
                let g = m.lock().unwrap();
                *g
            };
            tick().await;
            v
        }

        /// Generic over `T: Send`.
        $($attr)*
        pub async fn generic_send<T: Send + Clone>(value: T) -> T {
            tick().await;
            value.clone()
        }

        /// A tokio `MutexGuard` (which is `Send`) held across the await.
        $($attr)*
        pub async fn tokio_guard_held(m: Arc<tokio::sync::Mutex<u32>>) -> u32 {
            let g = m.lock().await;
            tick().await;
            *g
        }

        /// A local buffer borrowed by the awaited future.
        $($attr)*
        pub async fn borrowed_buffer() -> usize {
            let mut buf = vec![0u8; 4];
            let got = read_into(&mut buf).await;
            got + buf.len()
        }

        /// A slice of a local kept across awaits (a slot).
        $($attr)*
        pub async fn slice_held() -> u32 {
            let data = vec![1u32, 2, 3];
            let tail = &data[1..];
            tick().await;
            tail.iter().sum()
        }

        /// A shared reference to a `Sync` value held across the await.
        $($attr)*
        pub async fn shared_ref(v: &[u8]) -> usize {
            tick().await;
            v.len()
        }

        /// A `Cell` owned across the await: `Send` (not `Sync`).
        $($attr)*
        pub async fn cell_owned() -> u32 {
            let c = Cell::new(1);
            tick().await;
            c.get()
        }
    };
}

async fn read_into(buf: &mut [u8]) -> usize {
    tick().await;
    buf.len()
}

mod native {
    use super::*;
    both!();
}

mod desugared {
    use super::*;
    both!(#[desugar::desugar]);
}

macro_rules! check_send {
    ($m:ident) => {{
        let m = Arc::new(Mutex::new(1));
        let tm = Arc::new(tokio::sync::Mutex::new(1));
        let v = vec![1u8];
        assert_send(&$m::plain(1));
        assert_send(&$m::rc_dropped_before());
        assert_send(&$m::std_guard_dropped_before(m));
        assert_send(&$m::generic_send(String::new()));
        assert_send(&$m::tokio_guard_held(tm));
        assert_send(&$m::borrowed_buffer());
        assert_send(&$m::slice_held());
        assert_send(&$m::shared_ref(&v));
        assert_send(&$m::cell_owned());
        assert_sync(&$m::plain(1));
        assert_sync(&$m::slice_held());
        assert_sync(&$m::shared_ref(&v));
    }};
}

#[test]
fn send_and_sync_where_rustc_has_them() {
    check_send!(native);
    check_send!(desugared);
}
