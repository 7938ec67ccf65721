//! Macros that await on their own (`join!`, `select!`) and format-like macros with awaits.

use super::*;

case! {
    join_two(t) => joined(t);
    #[desugar]
    async fn joined(t: Trace) -> u32 {
        let base = t.step("base", 1, 10).await;
        let (a, b) = tokio::join!(t.step("a", 2, 1), t.step("b", 1, 2));
        base + a + b
    }
}

case! {
    select_loop(t) => pump(t);
    #[desugar]
    async fn pump(t: Trace) -> Vec<u32> {
        let mut out = Vec::new();
        let mut ticks = 0;
        let _guard = t.noisy("guard");
        loop {
            tokio::select! {
                biased;
                stop = t.step("stop", 0, ticks >= 3), if ticks >= 3 => {
                    if stop {
                        t.log("stopping");
                        break;
                    }
                }
                v = t.step("tick", 1, ticks) => {
                    out.push(v);
                    ticks += 1;
                    let echoed = t.step("handle", 1, v * 10).await;
                    out.push(echoed);
                }
            }
        }
        out
    }
}

case! {
    select_patterns_and_else(t) => both(t);
    #[desugar]
    async fn first_some(t: Trace, a: Option<u32>, b: Option<u32>) -> Result<u32, String> {
        let picked = tokio::select! {
            biased;
            Some(x) = t.step("a", 1, a) => x,
            Some(y) = t.step("b", 2, b) => t.step("b handler", 1, y + 100).await,
            else => return Err(String::from("neither")),
        };
        Ok(picked)
    }
    async fn both(t: Trace) -> (Result<u32, String>, Result<u32, String>, Result<u32, String>) {
        (
            first_some(t.clone(), Some(1), Some(2)).await,
            first_some(t.clone(), None, Some(2)).await,
            first_some(t, None, None).await,
        )
    }
}

case! {
    pinned_future_in_select_loop(t) => pinned(t);
    #[desugar]
    async fn pinned(t: Trace) -> Vec<u32> {
        let deadline = t.step("deadline", 4, 99);
        tokio::pin!(deadline);
        let mut got = Vec::new();
        loop {
            tokio::select! {
                biased;
                v = &mut deadline => {
                    got.push(v);
                    break;
                }
                n = t.step("tick", 1, got.len() as u32) => got.push(n),
            }
        }
        got
    }
}

case! {
    std_pin_macro(t) => std_pinned(t);
    #[desugar]
    async fn std_pinned(t: Trace) -> u32 {
        let mut fut = std::pin::pin!(t.step("pinned", 2, 7));
        let before = t.step("before", 1, 1).await;
        let v = fut.as_mut().await;
        before + v
    }
}
