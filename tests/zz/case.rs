use super::*;
pub struct Sink(pub Vec<u32>);
impl Sink {
    pub fn push(&mut self, t: &Trace, v: u32) -> common::Step<&mut Sink> {
        self.0.push(v);
        t.step("push", 1, self)
    }
}
case! {
    pinned_local_moved_into_closure_in_async_block(t) => run(t);
    #[desugar]
    fn run(t: Trace) -> impl std::future::Future<Output = Vec<u32>> {
        async move {
            let mut sink = Sink(vec![]);
            let r = sink.push(&t, 1).await;
            t.step("mid", 1, ()).await;
            r.0.push(2);
            let take = move || sink.0;
            take()
        }
    }
}
