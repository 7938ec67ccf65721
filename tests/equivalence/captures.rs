//! Closures and async blocks without `move` in an async fn: they capture a `Copy` local or a
//! reference by reference (so the local must stay in place while the awaited future lives) and
//! take other locals they use by value.

use super::*;

case! {
    copy_argument_in_awaited_block(t) => adding(t, 41);
    #[desugar]
    async fn adding(t: Trace, n: u32) -> u32 {
        let x = async { t.step("inner", 1, n).await + 1 }.await;
        x + n
    }
}

case! {
    reference_argument_in_awaited_block(t) => greeting(t, "world");
    #[desugar]
    async fn greeting(t: Trace, name: &'static str) -> String {
        let who: &str = name;
        async { t.step("greet", 2, format!("hello {who}")).await }.await
    }
}

case! {
    literal_local_in_awaited_block(t) => counting(t);
    #[desugar]
    async fn counting(t: Trace) -> u32 {
        let base = 7;
        async { t.step("count", 1, base * 2).await }.await
    }
}

case! {
    owned_local_moved_into_awaited_block(t) => consuming(t);
    #[desugar]
    async fn consuming(t: Trace) -> usize {
        let items = vec![t.noisy("a"), t.noisy("b")];
        let n = async {
            let taken = items;
            t.step("inside", 1, taken.len()).await
        }
        .await;
        t.log("after");
        n
    }
}

case! {
    owned_local_moved_into_bound_block(t) => deferring(t);
    #[desugar]
    async fn deferring(t: Trace) -> usize {
        let items = vec![t.noisy("a")];
        let tr = t.clone();
        let later = async {
            let n = items.len();
            drop(items);
            tr.step("later", 1, n).await
        };
        t.log("created");
        later.await
    }
}

case! {
    copy_local_in_closure_across_await(t) => scaling(t, 3);
    #[desugar]
    async fn scaling(t: Trace, factor: u64) -> u64 {
        let scale = |x: u64| x * factor;
        let v = t.step("value", 1, 5).await;
        scale(v)
    }
}
