//! Awaits in statement position, in sequence and in nested blocks; `?`, `return`, drops.

use super::*;

case! {
    no_await(t) => no_await(t, 4);
    #[desugar]
    async fn no_await(t: Trace, n: u32) -> u32 {
        t.log("body");
        n * 2
    }
}

case! {
    tail_await(t) => tail_await(t);
    #[desugar]
    async fn tail_await(t: Trace) -> u32 {
        t.step("only", 2, 7).await
    }
}

case! {
    let_sequence(t) => let_sequence(t, 10);
    #[desugar]
    async fn let_sequence(t: Trace, base: u32) -> u32 {
        let a = t.step("a", 1, 1).await;
        t.log(format!("a = {a}"));
        let b = t.step("b", 0, 2).await;
        let c = t.step("c", 3, 3).await;
        t.log(format!("sum so far {}", a + b));
        base + a + b + c
    }
}

case! {
    discard(t) => discard(t);
    #[desugar]
    async fn discard(t: Trace) {
        t.step("first", 1, ()).await;
        t.step("value dropped", 1, t.noisy("discarded")).await;
        t.log("after");
    }
}

case! {
    question_mark(t) => both(t);
    #[desugar]
    async fn parse(t: Trace, text: &'static str) -> Result<u32, std::num::ParseIntError> {
        let s = t.step("read", 1, text).await;
        let n: u32 = s.parse()?;
        let doubled = t.step("double", 1, Ok::<_, std::num::ParseIntError>(n * 2)).await?;
        Ok(doubled)
    }
    async fn both(t: Trace) -> (Result<u32, std::num::ParseIntError>, Result<u32, std::num::ParseIntError>) {
        (parse(t.clone(), "21").await, parse(t, "x").await)
    }
}

case! {
    question_mark_from(t) => outer(t, false);
    #[derive(Debug)]
    pub struct MyError(String);
    impl From<std::fmt::Error> for MyError {
        fn from(e: std::fmt::Error) -> Self {
            MyError(e.to_string())
        }
    }
    #[desugar]
    async fn outer(t: Trace, fail: bool) -> Result<u32, MyError> {
        let _guard = t.noisy("guard");
        t.step("ok", 1, Ok::<(), std::fmt::Error>(())).await?;
        let r: Result<u32, std::fmt::Error> = if fail { Err(std::fmt::Error) } else { Ok(3) };
        t.step("fails", 1, r.and(Err(std::fmt::Error))).await?;
        t.log("not reached");
        Ok(0)
    }
}

case! {
    question_mark_option(t) => first_even(t);
    #[desugar]
    async fn first_even(t: Trace) -> Option<u32> {
        let v = t.step("list", 1, vec![1u32, 3, 4, 6]).await;
        let even = t.step("find", 1, v.iter().copied().find(|n| n % 2 == 0)).await?;
        let odd_after = t.step("find odd", 1, v.iter().copied().find(|n| *n > even && n % 2 == 1)).await?;
        Some(even + odd_after)
    }
}

case! {
    return_await(t) => ret(t, true);
    #[desugar]
    async fn ret(t: Trace, early: bool) -> u32 {
        let _a = t.noisy("a");
        if early {
            t.log("early");
        }
        let x = t.step("x", 1, 5).await;
        if x > 3 {
            return x * 100;
        }
        return t.step("late", 1, x).await;
    }
}

case! {
    return_question(t) => ret_q(t);
    #[desugar]
    async fn ret_q(t: Trace) -> Result<u8, String> {
        let _keep = t.noisy("keep");
        t.step("one", 1, ()).await;
        return t.step("two", 2, Err::<u8, _>("bad".to_string())).await;
    }
}

case! {
    nested_blocks(t) => nested(t);
    #[desugar]
    async fn nested(t: Trace) -> u32 {
        let outer = t.noisy("outer");
        let mut total = 0;
        {
            let inner = t.noisy("inner");
            let got = t.step("in block", 2, 1).await;
            total += got;
            t.log(Noisy::touch(&inner));
            {
                let deepest = t.noisy("deepest");
                let got = t.step("deeper", 1, 10).await;
                total += got;
                Noisy::touch(&deepest);
            }
            t.log("inner end");
        }
        t.log(Noisy::touch(&outer));
        let got = t.step("after", 1, 100).await;
        total + got
    }
}

case! {
    tail_block(t) => tail_block(t);
    #[desugar]
    async fn tail_block(t: Trace) -> String {
        let a = t.noisy("a");
        {
            let b = t.noisy("b");
            let x = t.step("x", 1, 2).await;
            format!("{} {} {x}", a.touch(), b.touch())
        }
    }
}

case! {
    drops_at_every_point(t) => drops(t);
    #[desugar]
    async fn drops(t: Trace) {
        let a = t.noisy("a");
        let _guard = t.noisy("guard");
        t.step("one", 1, ()).await;
        let b = t.noisy("b");
        t.step("two", 2, ()).await;
        drop(a);
        t.step("three", 1, ()).await;
        t.log(b.touch());
    }
}

case! {
    moved_before_await(t) => moved(t);
    #[desugar]
    async fn moved(t: Trace) -> usize {
        let v = vec![t.noisy("x"), t.noisy("y")];
        let n = v.len();
        drop(v);
        let kept = t.noisy("kept");
        t.step("wait", 1, ()).await;
        let s = String::from("abc");
        let len = consume(s);
        t.step("wait again", 1, ()).await;
        t.log(kept.touch());
        n + len
    }
    fn consume(s: String) -> usize {
        s.len()
    }
}

case! {
    shadowing(t) => shadowing(t);
    #[desugar]
    async fn shadowing(t: Trace) -> i64 {
        let x = t.step("x", 1, 1i64).await;
        let more = t.step("x again", 1, 2i64).await;
        let x = x + more;
        let x = {
            let x = x * 10;
            x + 1
        };
        let y = t.step("y", 1, x).await;
        x + y
    }
}

case! {
    let_else(t) => both(t);
    #[desugar]
    async fn first_word(t: Trace, text: &'static str) -> &'static str {
        let Some(word) = t.step("split", 1, text.split_whitespace().next()) .await else {
            t.log("empty");
            return "<none>";
        };
        let _w = t.noisy("w");
        t.step("echo", 1, word).await
    }
    async fn both(t: Trace) -> (&'static str, &'static str) {
        (first_word(t.clone(), "hello world").await, first_word(t, "   ").await)
    }
}

case! {
    format_captures(t) => captures(t);
    #[desugar]
    async fn captures(t: Trace) -> String {
        let total = t.step("total", 1, 3).await;
        let name = String::from("sum");
        t.step("pause", 1, ()).await;
        t.log(format!("{name} = {total}"));
        let line = format!("{name}: {total:>4} {}", total + 1);
        t.step("pause", 1, ()).await;
        line
    }
}

case! {
    closure_across_await(t) => closure(t);
    #[desugar]
    async fn closure(t: Trace) -> u32 {
        let factor = t.step("factor", 1, 3).await;
        let scale = move |x: u32| x * factor;
        let mut seen = Vec::new();
        let mut record = |x: u32| seen.push(x);
        record(1);
        t.step("pause", 1, ()).await;
        seen.push(scale(2));
        t.log(format!("{seen:?}"));
        let owned = String::from("moved in");
        let f = move || owned.len() as u32;
        t.step("pause 2", 1, ()).await;
        scale(f())
    }
}

case! {
    unit_with_items(t) => items(t);
    #[desugar]
    async fn items(t: Trace) {
        use std::fmt::Write;
        const LIMIT: u32 = 2;
        fn helper(x: u32) -> u32 {
            x + LIMIT
        }
        let mut s = String::new();
        write!(s, "{}", helper(1)).unwrap();
        t.step("pause", 1, ()).await;
        write!(s, "{}", helper(2)).unwrap();
        t.log(s);
    }
}
