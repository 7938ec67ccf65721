//! A local moved on one path only (`consume(buf)` in one arm) and given a new value later
//! cannot keep its drop flag in a slot (the assignment would write to a slot the move emptied):
//! the future drops it at the `.await` where rustc drops it at the end of its scope. The same
//! only if it drops nothing, which the expansion checks where the local is declared: `Buf`
//! does, so the crate does not build, rather than drop it early.

struct Buf(u32);

impl Drop for Buf {
    fn drop(&mut self) {}
}

fn consume(b: Buf) -> u32 {
    b.0
}

#[desugar::desugar]
async fn refill(c: bool) -> u32 {
    let mut buf = Buf(1);
    if c {
        consume(buf);
    }
    std::future::ready(()).await;
    buf = Buf(2);
    std::future::ready(()).await;
    buf.0
}

fn main() {
    let mut future = std::pin::pin!(refill(true));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = std::future::Future::poll(future.as_mut(), &mut cx);
}
