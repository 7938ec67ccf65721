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

case! {
    select_as_tail(t) => racing(t);
    #[desugar]
    async fn racing(t: Trace) -> u32 {
        let _guard = t.noisy("guard");
        tokio::select! {
            biased;
            a = t.step("slow", 2, 1) => a,
            b = t.step("fast", 1, 2) => t.step("handler", 1, b * 10).await,
        }
    }
}

case! {
    sequential_branches_join(t) => branching(t);
    #[desugar]
    async fn branching(t: Trace) -> u32 {
        let mut acc = t.step("start", 1, 1).await;
        let kept = t.noisy("kept");
        if acc > 0 {
            acc += t.step("then", 1, 2).await;
        }
        match acc % 2 {
            0 => acc += 10,
            _ => acc += t.step("odd", 1, 3).await,
        }
        for i in 0..2 {
            if i == 1 {
                acc += t.step("loop", 1, i).await;
            }
        }
        drop(kept);
        acc + t.step("end", 1, 100).await
    }
}

/// Declares its input items, as `pin_project_lite::pin_project!` does (with more to it).
macro_rules! declare {
    ($($item:item)*) => { $($item)* };
}

case! {
    macro_declaring_items(t) => wrapped(t);
    #[desugar]
    async fn wrapped(t: Trace) -> u32 {
        // Items a macro declares, and an `impl` of one of them, used in a later state: the
        // macro statement is hoisted with the items (async-std's `io::copy` does this).
        declare! {
            struct Doubled<F> {
                inner: F,
            }
        }
        impl<F: std::future::Future<Output = u32>> std::future::Future for Doubled<F> {
            type Output = u32;
            fn poll(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<u32> {
                // SAFETY: `inner` is never moved out of the pinned `Doubled`.
                let inner = unsafe { self.map_unchecked_mut(|d| &mut d.inner) };
                inner.poll(cx).map(|v| v * 2)
            }
        }
        thread_local! {
            static SEEN: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
        }
        SEEN.with(|s| s.set(0));
        let first = t.step("first", 1, 1).await;
        SEEN.with(|s| s.set(s.get() + first));
        let doubled = Doubled { inner: t.step("inner", 1, 20) }.await;
        doubled + SEEN.with(std::cell::Cell::get)
    }
}

case! {
    vec_and_matches_with_awaits(t) => listing(t);
    #[desugar]
    async fn listing(t: Trace) -> (Vec<u32>, Vec<u32>, bool, bool) {
        let before = t.noisy("before");
        // Elements evaluated in order, the ones before an `.await` first.
        let items = vec![before.name.len() as u32, t.step("a", 1, 2).await, 3];
        let repeated = vec![t.step("b", 2, 7).await; 2];
        let small = matches!(t.step("c", 1, 4).await, 1..=5);
        let some = matches!(t.step("d", 1, Some(9)).await, Some(n) if n > 3);
        (items, repeated, small, some)
    }
}

case! {
    asserts_with_awaits(t) => asserting(t);
    #[desugar]
    async fn asserting(t: Trace) -> u32 {
        assert!(t.step("a", 1, 3).await > 2);
        assert!(t.step("b", 1, true).await, "b failed with {}", 5);
        assert_eq!(t.step("c", 2, 4).await, 2 + 2);
        assert_ne!(1, t.step("d", 1, 2).await, "d");
        debug_assert!(t.step("e", 1, 1).await == 1);
        debug_assert_eq!(t.step("f", 1, 2).await, 2);
        7
    }
}

case! {
    #[panics]
    failed_assert_quotes_the_condition(t) => failing(t);
    #[desugar]
    async fn failing(t: Trace) -> u32 {
        let _kept = t.noisy("kept");
        // The message says `assertion failed: t.step("a", 1, 3).await > 5`, as written.
        assert!(t.step("a", 1, 3).await > 5);
        1
    }
}

case! {
    #[panics]
    failed_assert_eq_shows_the_values(t) => failing_eq(t);
    #[desugar]
    async fn failing_eq(t: Trace) -> u32 {
        assert_eq!(t.step("a", 1, 3).await, 4, "boom: {}", "not four");
        1
    }
}

/// A macro whose `.await` runs in an `async` block of its own, as `stream!`'s do.
// Defined twice, both not empty: desugar does not read it (as it reads no other crate's
// macro, `stream!`), and leaves it as written.
#[cfg(not(miri))]
macro_rules! deferred {
    ($($body:tt)*) => { async move { $($body)* } };
}
#[cfg(miri)]
macro_rules! deferred {
    ($($body:tt)*) => { async move { $($body)* } };
}

case! {
    macro_with_its_own_async_context(t) => deferring(t);
    #[desugar]
    async fn deferring(t: Trace) -> u32 {
        let tr = t.clone();
        // Left as written: its `.await` belongs to the block the macro makes.
        let later = deferred! { tr.step("inner", 1, 5).await * 2 };
        let first = t.step("first", 1, 1).await;
        first + later.await
    }
}

case! {
    format_arguments_drop_inside_format(t) => entry(t);
    // From the fuzzer (seed 35): `format!` evaluates its arguments in a block of its own, so
    // their temporaries (here one the awaited future borrows) are dropped before the code
    // around it goes on.
    async fn lock_it(t: Trace, v: &mut Val) -> u32 {
        t.log(format!("locked {}", v.lock()));
        10
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Result<u32, Bad> {
        t.log(format!("len {}", format!("{}-{}", 7, lock_it(t.clone(), &mut t.val(14)).await).len()));
        check(&t, 14)
    }
}

case! {
    pin_macros_with_lets_and_awaits(t) => pinning(t);
    // `tokio::pin! { let .. }` and `pin!(x.await)` (issue 19): the value, awaited or not, gets
    // a local of its own that never moves.
    #[desugar]
    async fn pinning(t: Trace) -> u32 {
        tokio::pin! {
            let first = t.step("first", 2, 1);
            let second = t.step("second", 1, 2);
        }
        let made = std::pin::pin!(t.step("make", 1, t.step("inner", 1, 3)).await);
        let a = first.as_mut().await;
        let b = second.await;
        a + b + made.await
    }
}

/// `cfg_if::cfg_if!`'s `if`/`else if`/`else` form, for the cases (the crate is not a
/// dependency; desugar knows `cfg_if!` by name).
macro_rules! cfg_if {
    (if #[cfg($m:meta)] { $($a:tt)* } else if #[cfg($n:meta)] { $($b:tt)* } else { $($c:tt)* }) => {
        #[cfg($m)] cfg_if! { @id $($a)* }
        #[cfg(all($n, not($m)))] cfg_if! { @id $($b)* }
        #[cfg(not(any($m, $n)))] cfg_if! { @id $($c)* }
    };
    (if #[cfg($m:meta)] { $($a:tt)* } else { $($b:tt)* }) => {
        #[cfg($m)] cfg_if! { @id $($a)* }
        #[cfg(not($m))] cfg_if! { @id $($b)* }
    };
    (@id $($t:tt)*) => { $($t)* };
}

case! {
    cfg_if_branches(t) => configured(t);
    // async-process's `into_stdio` (crater): a `cfg_if!` whose branches await, use `?` and make
    // the function's value; the function is written once per branch.
    #[desugar]
    async fn configured(t: Trace) -> Result<u32, Bad> {
        let base = t.step("base", 1, 1).await;
        cfg_if! {
            if #[cfg(any())] {
                let extra = 100;
            } else if #[cfg(all())] {
                let extra = check(&t, t.step("extra", 1, 2).await)?;
            } else {
                let extra = 1000;
            }
        }
        cfg_if! {
            if #[cfg(all())] {
                Ok(base + extra + t.step("last", 1, 10).await)
            } else {
                Ok(base + extra)
            }
        }
    }
}

// Macros of another crate, as desugar sees them: each is defined twice here, neither empty,
// so that desugar does not expand it (it reads one definition of the crate's own macros).
/// As anyhow's and http-types' `ensure!`: returns early from the function it is used in.
#[cfg(not(miri))]
macro_rules! ensure {
    ($cond:expr, $msg:expr) => {
        if !$cond {
            return Err(Bad($msg));
        }
    };
}
/// As anyhow's and http-types' `ensure!`: returns early from the function it is used in.
#[cfg(miri)]
macro_rules! ensure {
    ($cond:expr, $msg:expr) => {
        if !$cond {
            return Err(Bad($msg));
        }
    };
}

/// As anyhow's `bail!`.
#[cfg(not(miri))]
macro_rules! bail {
    ($msg:expr) => {
        return Err(Bad($msg))
    };
}
/// As anyhow's `bail!`.
#[cfg(miri)]
macro_rules! bail {
    ($msg:expr) => {
        return Err(Bad($msg))
    };
}

/// As http-types' `ensure_status!` (async-h1's `decode`, crater): known by its name.
#[cfg(not(miri))]
macro_rules! ensure_status {
    ($cond:expr, $status:expr) => {
        if !$cond {
            return Err(Bad($status));
        }
    };
}
/// As http-types' `ensure_status!` (async-h1's `decode`, crater): known by its name.
#[cfg(miri)]
macro_rules! ensure_status {
    ($cond:expr, $status:expr) => {
        if !$cond {
            return Err(Bad($status));
        }
    };
}

/// A macro of unknown grammar whose arguments hold `?`.
#[cfg(not(miri))]
macro_rules! twice {
    ($e:expr) => {
        ($e) * 2
    };
}
/// A macro of unknown grammar whose arguments hold `?`.
#[cfg(miri)]
macro_rules! twice {
    ($e:expr) => {
        ($e) * 2
    };
}

case! {
    early_returns_inside_macros(t) => all(t);
    // async-h1's `decode` and moka's `notify` (crater, E0308): a `return` in a macro's expansion
    // or a `?` in its arguments leaves the function, not the machine's `poll`.
    #[desugar]
    async fn checked(t: Trace, n: u32) -> Result<u32, Bad> {
        let first = t.step("first", 1, n).await;
        ensure!(first < 10, first);
        let doubled = twice!(check(&t, first)?);
        // A macro of the body that returns.
        macro_rules! or_none {
            ($e:expr) => {
                match $e {
                    Some(v) => v,
                    None => bail!(1000),
                }
            };
        }
        let m = or_none!(maybe(&t, doubled));
        if m > 8 {
            bail!(m);
        }
        ensure_status!(m != 7, 400);
        Ok(t.step("last", 1, m + 1).await)
    }
    #[desugar]
    async fn optional(t: Trace, n: u32) -> Option<u32> {
        let v = t.step("v", 1, n).await;
        let w = twice!(maybe(&t, v)?);
        Some(w + t.step("w", 1, 1).await)
    }
    async fn all(t: Trace) -> Vec<String> {
        let mut out = Vec::new();
        for n in [1, 3, 4, 12] {
            out.push(format!("{:?}", checked(t.clone(), n).await));
        }
        for n in [1, 4] {
            out.push(format!("{:?}", optional(t.clone(), n).await));
        }
        out
    }
}

// From the fuzzer (seed 1137, reduced): `matches!(next, Some(ref x) if ..)` borrows `next`, as
// a `match` would; read as a move, `next` was dropped before the last `.await`.
case! {
    matches_scrutinee_is_borrowed(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let next = Some(t.val(8));
        let mut w = 0;
        while w < t.step("s41", 1, 1).await {
            w += 1;
            if matches!(next, Some(ref x) if x.get() > 3) {
                t.log("matched");
            }
        }
        t.step("s37", 1, w).await
    }
}

// The crate's own macros, expanded where their input awaits or their rules return (async-process's
// `cfg_wait!`, moka's `try_or_disable!`): left as written, the `.await` was in the machine's
// `poll` (E0728) and the `return` returned from it (E0308).
#[cfg(not(windows))]
macro_rules! on_unix {
    ($($tt:tt)*) => { $($tt)* };
}
#[cfg(windows)]
macro_rules! on_unix {
    ($($tt:tt)*) => {};
}

case! {
    crate_macros_that_await_or_return(t) => both(t);
    #[desugar]
    async fn local_rules(t: Trace, last: Option<u32>) -> u32 {
        macro_rules! try_or_log {
            ($e:expr) => {
                match $e {
                    Some(v) => v,
                    None => {
                        t.log("none");
                        return 0;
                    }
                }
            };
        }
        let a = try_or_log!(t.step("s1", 1, Some(3)).await);
        let b = try_or_log!(t.step("s2", 1, Some(a + 1)).await) + 1;
        try_or_log!(t.step("s3", 1, last).await);
        a + b
    }
    #[desugar]
    async fn configured(t: Trace, limit: u32) -> u32 {
        let mut n = 1;
        on_unix! {
            n += t.step("s1", 1, 2).await;
            if n > limit {
                return n;
            }
        }
        n + 10
    }
    async fn both(t: Trace) -> [u32; 4] {
        [
            local_rules(t.clone(), Some(1)).await,
            local_rules(t.clone(), None).await,
            configured(t.clone(), 2).await,
            configured(t.clone(), 5).await,
        ]
    }
}

// Crater, mini-redis's `subscribe_to_channel` (reduced): `stream! { loop { match rx.recv().await
// { .. } } }` moves `rx` into the macro's `async` block. The move inside its `loop` was taken for
// a move on some paths only, so `rx` got a slot (a drop flag) and the block a reference into it:
// not `'static` ("lifetime may not live long enough"). The block captures where it is made.
case! {
    macro_async_context_captures_where_it_is_made(t) => entry(t);
    #[desugar]
    async fn sub(t: Trace, name: String, subs: &mut Vec<std::pin::Pin<Box<dyn std::future::Future<Output = u32>>>>) -> u32 {
        let rx = t.val(name.len() as u32);
        let fut = Box::pin(deferred! {
            loop {
                match rx.wait(1).await {
                    0 => {}
                    n => break n,
                }
            }
        });
        subs.push(fut);
        t.step("a", 1, name.len() as u32).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut subs = Vec::new();
        let a = sub(t.clone(), "abc".to_string(), &mut subs).await;
        let mut total = a;
        for s in subs {
            total += s.await;
        }
        total
    }
}

// Helpers' ordinary programs: `warn!(attempt, ..)` in a loop that resumes in place, where
// `attempt` is a reference into the state (`(*attempt)`): a tracing field named after a local
// keeps its name (`attempt = (*attempt)`), or tracing took the expression for the message
// ("format argument must be a string literal").
case! {
    tracing_field_shorthand_in_a_loop(t) => retry(t);
    #[desugar]
    async fn retry(t: Trace) -> u32 {
        let mut attempt = 0u32;
        let limit = 3u32;
        loop {
            t.step("try", 1, ()).await;
            tracing::warn!(attempt, limit, "attempt {} of {limit}", attempt);
            tracing::info!(attempt);
            attempt += 1;
            if attempt == limit {
                break attempt;
            }
        }
    }
}

// Helpers' ordinary programs: `futures::poll!(&mut fut)` (E0728: its expansion awaits in the
// generated `poll`): written as the `.await` it expands to, on `__private::poll_once`.
// (futures' `poll!`, as futures writes it: the test crate does not depend on
// futures.)
pub struct NativePollOnce<F>(F);
impl<F: std::future::Future + Unpin> std::future::Future for NativePollOnce<F> {
    type Output = std::task::Poll<F::Output>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::task::Poll::Ready(std::pin::Pin::new(&mut self.0).poll(cx))
    }
}
macro_rules! poll {
    ($x:expr $(,)?) => {
        $crate::macros::NativePollOnce($x).await
    };
}
case! {
    futures_poll_macro(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> (bool, bool, u32) {
        let mut fut = Box::pin(t.step("slow", 2, 7u32));
        let first = poll!(&mut fut).is_pending();
        assert!(poll!(&mut fut).is_pending());
        let n = fut.await;
        let mut ready = Box::pin(t.step("ready", 0, 1u32));
        let second = matches!(poll!(&mut ready), std::task::Poll::Ready(1));
        (first, second, n)
    }
}

// Helpers' ordinary programs: a `select!` branch binding `r` in a loop, after a local `r`
// (E0614): the pattern binds its names for its handler only, which took `r` for the local.
case! {
    select_binding_shadows_a_local(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> Vec<u32> {
        let r = t.step("first", 1, 1).await;
        let mut got = vec![r];
        for i in 2..4 {
            tokio::select! {
                r = t.step("branch", 1, i) => got.push(r),
            }
        }
        got
    }
}

// Helpers' ordinary programs: `tokio::join!(bump(&mut stats))` and `select!` on
// `bump(&mut stats)`, `stats` not used after (silently dropped at the macro's end, not at the
// end of its scope): the macro is awaited in an `async` block without `move`, which borrows
// what the macro borrows.
case! {
    join_borrows_a_local_with_drop(t) => run(t);
    #[desugar]
    async fn bump(t: Trace, s: &mut [Noisy]) -> usize {
        t.step("bump", 1, s.len()).await
    }
    #[desugar]
    async fn run(t: Trace) -> usize {
        let mut stats = vec![t.noisy("stats")];
        let (b,) = tokio::join!(bump(t.clone(), &mut stats));
        t.log(format!("after join {b}"));
        let mut other = vec![t.noisy("other")];
        let c = tokio::select! {
            v = bump(t.clone(), &mut other) => v,
        };
        t.log(format!("after select {c}"));
        b + c
    }
}

// Helpers' ordinary programs: `anyhow!("no id for {key}")`, a reference parameter named only in
// the format string of a macro of unknown grammar, after an `.await` (E0373): a string literal
// such a macro is given is read for its inline captures.
macro_rules! message_of {
    ($($t:tt)*) => { format!($($t)*) };
}

case! {
    inline_capture_in_an_unknown_macro(t) => run(t);
    #[desugar]
    async fn checked(t: Trace, key: &str) -> String {
        t.step("s", 1, ()).await;
        message_of!("no id for {key}")
    }
    #[desugar]
    async fn run(t: Trace) -> String {
        checked(t, "zz").await
    }
}

// A helper's ordinary programs (E0728): the crate's own `macro_rules! log` (a name tracing's and
// log's macros have) is the crate's, expanded where its rules `.await`; and a macro whose rules
// `.await` only through another of the crate's macros (`shout!` writing `emit!(..)`) is
// expanded, and what it expands to.
macro_rules! log {
    ($t:expr, $msg:expr) => {
        let v = $t.step("log", 1, $msg).await;
        $t.log(format!("log: {v}"));
    };
}
macro_rules! emit {
    ($t:expr, $msg:expr) => {
        let v = $t.step("emit", 2, $msg).await;
        $t.log(format!("emit: {v}"));
    };
}
macro_rules! shout {
    ($t:expr, $msg:expr) => {
        emit!($t, $msg)
    };
}
case! {
    crate_macros_named_as_logging_or_awaiting_through_another(t) => work(t);
    #[desugar]
    async fn work(t: Trace) -> u32 {
        log!(t, "hello");
        shout!(t, "there");
        t.step("done", 1, 3).await
    }
}

// A helper's ordinary program (a test harness's `run_all!`, E0507): a macro's expansion gives
// its tokens one span, so the order of a statement's mentions of a local in a slot (`fails`,
// shadowed by the next repetition and kept) is their order in the source, not their spans':
// `fails.is_empty()` before `for m in fails`, which takes it out of its slot.
macro_rules! run_checks {
    ($t:expr; $($check:ident),*) => {
        $(
            let fails: Vec<String> = $check(&$t).await;
            if fails.is_empty() {
                $t.log(concat!(stringify!($check), " ok"));
            } else {
                for m in fails {
                    $t.log(format!("{} failed: {}", stringify!($check), m));
                }
            }
        )*
    };
}
case! {
    macro_statement_moving_a_local_in_a_slot(t) => run(t);
    async fn passing(t: &Trace) -> Vec<String> {
        t.step("passing", 1, Vec::new()).await
    }
    async fn failing(t: &Trace) -> Vec<String> {
        t.step("failing", 2, vec!["boom".to_string()]).await
    }
    #[desugar]
    async fn run(t: Trace) {
        run_checks!(t; passing, failing);
    }
}

// A helper's ordinary program (a test harness's `check!`; silent): a local in a slot written
// `(* c).n` in the input of a macro of unknown grammar, which printed it with `stringify!`. A
// field is read through the reference as written, `c.n`.
macro_rules! check_that {
    ($t:expr, $cond:expr) => {
        if !$cond {
            $t.log(format!("check failed: {}", stringify!($cond)));
        }
    };
}
pub struct Bumped {
    n: u32,
}
impl Bumped {
    async fn bump(&mut self, t: &Trace) -> u32 {
        self.n += t.step("bump", 1, 1).await;
        self.n
    }
}
case! {
    field_of_a_slot_local_printed_by_a_macro(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let mut c = Bumped { n: 0 };
        let r = &mut c;
        let first = r.bump(&t).await;
        check_that!(t, c.n == 2);
        first + c.n
    }
}

// Fuzz seed 15978 (a stack overflow in the macro): `matches!` whose value is a block holding an
// `async move` block that awaits. The `.await` was taken for the function's from the macro's
// tokens, and the lifting, finding nothing of the function's to lift, tried again without end.
// A known macro's arguments are read as expressions, where an `async` block is its own.
case! {
    async_block_inside_a_known_macro_argument(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let mut hits = 0;
        for n in 0..3u32 {
            let Some(k) = Some(matches!(
                {
                    let fut = async { t.step("inner", 1, n).await };
                    drop(fut);
                    n
                },
                1 | 2
            )) else {
                continue;
            };
            hits += u32::from(k);
        }
        hits + t.step("last", 1, 5).await
    }
}
