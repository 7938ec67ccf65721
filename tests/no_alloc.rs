//! The desugared future allocates nothing: creating and polling it to completion, across
//! several suspensions and a self-borrowing await, makes no heap allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Pending once, then ready; borrows a buffer it fills.
struct Fill<'a>(&'a mut [u8; 16], bool);

impl Future for Fill<'_> {
    type Output = usize;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        if !self.1 {
            self.1 = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.0.fill(7);
        Poll::Ready(self.0.len())
    }
}

#[desugar::desugar]
async fn work(seed: u64) -> u64 {
    let mut buf = [0u8; 16];
    let n = Fill(&mut buf, false).await;
    let m = Fill(&mut buf, false).await;
    seed + (n + m) as u64 + buf.iter().map(|&b| b as u64).sum::<u64>()
}

#[test]
fn polling_allocates_nothing() {
    let mut cx = Context::from_waker(Waker::noop());
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let output = {
        let mut future = pin!(work(1));
        let mut polls = 0;
        loop {
            polls += 1;
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                break (out, polls);
            }
        }
    };
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(output, (1 + 32 + 16 * 7, 3));
    assert_eq!(after - before, 0, "the desugared future allocated");
}
