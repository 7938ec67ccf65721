//! Awaited futures that borrow nothing the state keeps: the expansion builds them where the
//! state is entered instead of in the state's arm. Drops, cancellation at every point and
//! panics while building must not change.

use super::*;

/// A future owning everything it needs (the trace and the value).
fn owned<T>(t: Trace, name: &'static str, pending: u32, value: T) -> common::Step<T> {
    t.step(name, pending, value)
}

case! {
    future_built_then_awaited(t) => building(t);
    #[desugar]
    async fn building(t: Trace) -> usize {
        let guard = t.noisy("guard");
        let first = t.step("first", 2, 1);
        let a = first.await;
        let items = vec![t.noisy("x"), t.noisy("y")];
        let second = t.step("second", 1, items);
        let got = second.await;
        drop(guard);
        a + got.len()
    }
}

case! {
    owned_future_in_loop(t) => rounds(t);
    #[desugar]
    async fn rounds(t: Trace) -> u32 {
        let mut total = 0;
        let kept = t.noisy("kept");
        for i in 0..3 {
            let tr = t.clone();
            total += super::owned(tr, "round", i, i * 10).await;
        }
        Noisy::touch(&kept);
        total
    }
}

case! {
    owned_local_moved_into_the_future(t) => handing(t);
    #[desugar]
    async fn handing(t: Trace) -> usize {
        let tr = t.clone();
        let items = vec![t.noisy("a"), t.noisy("b")];
        let before = t.noisy("before");
        let n = super::owned(tr, "hand over", 2, items).await.len();
        Noisy::touch(&before);
        n
    }
}

case! {
    #[panics]
    panic_building_owned_future(t) => explode(t);
    fn make(t: Trace, v: u32) -> common::Step<u32> {
        if v > 1 {
            panic!("boom while building");
        }
        t.step("made", 1, v)
    }
    #[desugar]
    async fn explode(t: Trace) -> u32 {
        let keep = t.noisy("keep");
        let (t1, t2) = (t.clone(), t.clone());
        let one = make(t1, 1).await;
        let two = make(t2, one + 1).await;
        Noisy::touch(&keep);
        two
    }
}

// States in loops that resume in place: what they keep stays in the state while the loop runs
// (`lower::in_place`). Drops, cancellation and panics inside the loop must not change, nor the
// drop order once the loop ends and the locals move on.

case! {
    in_place_loop_then_more(t) => tally(t);
    #[desugar]
    async fn tally(t: Trace) -> u32 {
        let before = t.noisy("before");
        let mut total = 0;
        let second = t.noisy("second");
        let items = vec![t.noisy("a"), t.noisy("b"), t.noisy("c")];
        for item in items {
            let name = item.touch();
            drop(item);
            let tr = t.clone();
            total += super::owned(tr, name, 1, 2).await;
        }
        let after = t.noisy("after");
        let tr = t.clone();
        total += super::owned(tr, "after", 1, 1).await;
        Noisy::touch(&before);
        Noisy::touch(&second);
        Noisy::touch(&after);
        total
    }
}

case! {
    in_place_return_from_loop(t) => search(t);
    #[desugar]
    async fn search(t: Trace) -> Result<u32, String> {
        let guard = t.noisy("guard");
        let mut seen = 0u32;
        loop {
            let tr = t.clone();
            seen += super::owned(tr, "probe", 1, 1u32).await;
            let inner = t.noisy("inner");
            if seen == 3 {
                Noisy::touch(&guard);
                return Ok(seen);
            }
            if seen > 10 {
                Err(String::from("too many"))?;
            }
            Noisy::touch(&inner);
        }
    }
}

case! {
    in_place_error_from_loop(t) => give_up(t);
    #[desugar]
    async fn give_up(t: Trace) -> Result<u32, String> {
        let guard = t.noisy("guard");
        let mut seen = 0u32;
        while seen < 100 {
            let tr = t.clone();
            seen += super::owned(tr, "probe", 1, 2u32).await;
            let inner = t.noisy("inner");
            if seen > 4 {
                Err(format!("gave up at {seen}"))?;
            }
            Noisy::touch(&inner);
        }
        Noisy::touch(&guard);
        Ok(seen)
    }
}

case! {
    in_place_two_awaits_in_loop(t) => ping_pong(t);
    #[desugar]
    async fn ping_pong(t: Trace) -> u32 {
        let kept = t.noisy("kept");
        let mut n = 0u32;
        while n < 6 {
            let tr = t.clone();
            n += super::owned(tr, "ping", 1, 1u32).await;
            let between = t.noisy("between");
            let tr = t.clone();
            n += super::owned(tr, "pong", 0, 2u32).await;
            Noisy::touch(&between);
        }
        Noisy::touch(&kept);
        n
    }
}

case! {
    in_place_loop_value_in_block(t) => nested(t);
    #[desugar]
    async fn nested(t: Trace) -> usize {
        let outer = t.noisy("outer");
        let got = {
            let mut names = Vec::new();
            let marker = t.noisy("marker");
            let other = t.noisy("other");
            let found = loop {
                let tr = t.clone();
                let name = super::owned(tr, "next", 1, "x").await;
                names.push(name);
                if names.len() == 3 {
                    break names.len();
                }
            };
            Noisy::touch(&marker);
            Noisy::touch(&other);
            found + names.len()
        };
        Noisy::touch(&outer);
        got
    }
}

case! {
    #[panics]
    in_place_panic_in_loop(t) => boom(t);
    #[desugar]
    async fn boom(t: Trace) -> u32 {
        let kept = t.noisy("kept");
        let mut n = 0u32;
        loop {
            let tr = t.clone();
            n += super::owned(tr, "tick", 1, 1u32).await;
            let inner = t.noisy("inner");
            if n == 2 {
                panic!("boom at {n}");
            }
            Noisy::touch(&inner);
            Noisy::touch(&kept);
        }
    }
}

case! {
    in_place_loop_as_tail(t) => last(t);
    #[desugar]
    async fn last(t: Trace) -> u32 {
        let first = t.noisy("first");
        let second = t.noisy("second");
        let mut n = 0u32;
        loop {
            let tr = t.clone();
            n += super::owned(tr, "tick", 1, 1u32).await;
            if n == 3 {
                Noisy::touch(&first);
                Noisy::touch(&second);
                break n;
            }
        }
    }
}

case! {
    in_place_loop_variable_kept(t) => fill(t);
    #[desugar]
    async fn fill(t: Trace) -> u64 {
        let mut buf = [0u8; 4];
        let kept = t.noisy("kept");
        let mut sum = 0u64;
        for i in 0..6 {
            let n = t.step("fill", 1, i).await;
            buf[i % 4] = n as u8;
            sum += u64::from(buf[i % 4]);
        }
        Noisy::touch(&kept);
        sum
    }
}

case! {
    in_place_future_borrows_a_buffer(t) => fill_buffer(t);
    #[desugar]
    async fn fill_buffer(t: Trace) -> u32 {
        let mut buf = [0u8; 4];
        let kept = t.noisy("kept");
        let mut sum = 0u32;
        for i in (1..7).rev() {
            let slot = t.step("fill", 2, &mut buf).await;
            slot[i % 4] = i as u8;
            let inner = t.noisy("inner");
            sum += u32::from(buf[i % 4]);
            Noisy::touch(&inner);
        }
        Noisy::touch(&kept);
        sum
    }
}

case! {
    in_place_locals_moved_after_the_loop(t) => collect(t);
    #[desugar]
    async fn collect(t: Trace) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let kept = t.noisy("kept");
        while names.len() < 3 {
            let tr = t.clone();
            let name = super::owned(tr, "next", 1, "n").await;
            names.push(name.to_string());
        }
        drop(kept);
        names
    }
}

case! {
    in_place_local_returned_from_the_loop(t) => collect(t);
    #[desugar]
    async fn collect(t: Trace) -> Vec<Noisy> {
        // `return out` moves `out` out of the loop: its state cannot keep it in place (issue 16:
        // E0507).
        let _guard = t.noisy("guard");
        let mut out = Vec::new();
        loop {
            let tr = t.clone();
            let n = super::owned(tr, "next", 1, out.len()).await;
            out.push(t.noisy("item"));
            if n == 2 {
                return out;
            }
        }
    }
}

case! {
    in_place_local_broken_out_of_the_loop(t) => gather(t);
    #[desugar]
    async fn gather(t: Trace) -> usize {
        // `break out` moves `out` out of the loop, as above (issue 16: E0507, and a bogus
        // "value assigned is never read").
        let mut out = Vec::new();
        let got = loop {
            let tr = t.clone();
            let n = super::owned(tr, "next", 1, out.len()).await;
            out.push(t.noisy("item"));
            if n == 2 {
                break out;
            }
        };
        t.log("after the loop");
        got.len()
    }
}
