//! A local moved on one path only (`consume(buf)` in one branch) keeps a drop flag: its slot,
//! which the move takes it out of. One declared without a value (`let buf;`) cannot have a
//! slot: the future would drop it at the `.await`, where rustc drops it at the end of its
//! scope. The same only if it drops nothing, which the expansion checks where the local is
//! declared (`__private::drops_nothing(&buf)`), before it has a value: the check does not
//! compile either (E0381, not the check's own message). Either way the crate does not build,
//! rather than drop `buf` early. With a stated type the check reads it and says why
//! (`maybe_moved_declared_with_a_type`).

struct Buf(u32);

impl Drop for Buf {
    fn drop(&mut self) {}
}

fn consume(b: Buf) -> u32 {
    b.0
}

#[desugar::desugar]
async fn refill(c: bool) -> u32 {
    let buf;
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
