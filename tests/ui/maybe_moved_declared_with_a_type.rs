//! `maybe_moved_declared_without_a_value` with a stated type (`let buf: Buf;`, fuzz seed 698):
//! the check that the local drops nothing reads the type (`__private::drops_nothing_of::<Buf>()`),
//! so the crate fails with the check's own message at the local, not with E0381.

struct Buf(u32);

impl Drop for Buf {
    fn drop(&mut self) {}
}

fn consume(b: Buf) -> u32 {
    b.0
}

#[desugar::desugar]
async fn refill(c: bool) -> u32 {
    let buf: Buf;
    buf = Buf(1);
    if c {
        consume(buf);
    }
    std::future::ready(()).await;
    2
}

fn main() {
    let mut future = std::pin::pin!(refill(true));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = std::future::Future::poll(future.as_mut(), &mut cx);
}
