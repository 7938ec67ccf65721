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

        /// An array kept across awaits (it lives in a slot).
        $($attr)*
        pub async fn array_in_slot() -> u8 {
            let mut buf = [0u8; 16];
            buf[1] = 2;
            tick().await;
            buf[1]
        }

        /// A boxed `Send` closure held across the await.
        $($attr)*
        pub async fn boxed_send_closure() -> u32 {
            let f: Box<dyn Fn() -> u32 + Send> = Box::new(|| 3);
            tick().await;
            f()
        }

        /// `select!` between two futures, both `Send`.
        $($attr)*
        pub async fn select_of_send() -> u32 {
            tokio::select! {
                _ = tick() => 1,
                _ = tick() => 2,
            }
        }

        /// Iterating over a borrowed `Vec` across awaits (the `Vec` lives in a slot).
        $($attr)*
        pub async fn iterator_across() -> u32 {
            let v = vec![1u32, 2];
            let mut sum = 0;
            for x in v.iter() {
                tick().await;
                sum += x;
            }
            sum
        }

        /// An `Rc` temporary used up within a statement before the await.
        $($attr)*
        pub async fn rc_temporary_before() -> u32 {
            let n = *Rc::new(3);
            tick().await;
            n
        }

        /// A reference to a generic `T: Sync` held across the await.
        $($attr)*
        pub async fn generic_sync_ref<T: Sync>(value: &T) -> usize {
            tick().await;
            std::mem::size_of_val(value)
        }

        /// An `Arc` held across the await.
        $($attr)*
        pub async fn arc_held(a: Arc<u32>) -> u32 {
            tick().await;
            *a
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
        assert_send(&$m::array_in_slot());
        assert_send(&$m::boxed_send_closure());
        assert_send(&$m::select_of_send());
        assert_send(&$m::iterator_across());
        assert_send(&$m::rc_temporary_before());
        assert_send(&$m::generic_sync_ref(&5u8));
        assert_send(&$m::arc_held(Arc::new(1)));
        assert_sync(&$m::plain(1));
        assert_sync(&$m::slice_held());
        assert_sync(&$m::shared_ref(&v));
        assert_sync(&$m::array_in_slot());
        assert_sync(&$m::iterator_across());
        assert_sync(&$m::arc_held(Arc::new(1)));
    }};
}

/// Where rustc is more conservative: the std `MutexGuard` temporary lives to the end of the
/// statement in rustc's future, across the `.await`, so that future is `!Send`
/// (tests/ui/native_guard_temporary_not_send.rs); the expansion evaluates the first argument
/// into a local first and drops the guard there, so its future is `Send`.
#[desugar::desugar]
async fn guard_temporary_in_call(m: Arc<Mutex<u32>>) -> u32 {
    add(*m.lock().unwrap(), later_one().await)
}

fn add(a: u32, b: u32) -> u32 {
    a + b
}

async fn later_one() -> u32 {
    tick().await;
    1
}

#[test]
fn desugared_drops_a_guard_temporary_before_the_await() {
    let m = Arc::new(Mutex::new(2));
    let future = guard_temporary_in_call(m.clone());
    assert_send(&future);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(future), 3);
}

#[test]
fn send_and_sync_where_rustc_has_them() {
    check_send!(native);
    check_send!(desugared);
}
