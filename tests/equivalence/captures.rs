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

case! {
    closures_from_tokio(t) => shapes(t);
    // Shapes from tokio's sources that did not compile desugared.
    pub struct Lines {
        trace: Trace,
        n: u32,
    }
    #[desugar]
    impl Lines {
        fn poll_line(self: std::pin::Pin<&mut Self>) -> std::task::Poll<u32> {
            self.trace.log(format!("poll line {}", self.n));
            std::task::Poll::Ready(self.n)
        }
        /// `self` kept in place, reborrowed in a closure (`io::Lines::next_line`).
        pub async fn next_line(&mut self) -> u32 {
            self.n += self.trace.step("before", 1, 1).await;
            std::future::poll_fn(|_| std::pin::Pin::new(&mut *self).poll_line()).await
        }
    }
    #[desugar]
    // A `mut` local moved into a `move` closure that assigns to it (`coop::consume_budget`).
    async fn budget(t: Trace) -> u32 {
        let mut status = std::task::Poll::Pending;
        t.step("before", 1, ()).await;
        std::future::poll_fn(move |cx| {
            if status.is_ready() {
                return status;
            }
            status = std::task::Poll::Ready(3);
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        })
        .await
    }
    #[desugar]
    // A closure's own `let` shadowing a local kept in place (`copy_bidirectional`).
    async fn shadowed(t: Trace) -> u64 {
        let mut count: u64 = t.step("count", 1, 5).await;
        std::future::poll_fn(|_| {
            count += 1;
            let count = std::task::Poll::Ready(count * 2);
            let doubled = std::task::ready!(count);
            std::task::Poll::Ready(doubled)
        })
        .await
    }
    #[desugar]
    // A closure called once in the awaited expression (`OnceCell::get_or_init`).
    async fn call_once<F, Fut>(t: Trace, f: F) -> u32
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = u32>,
    {
        t.step("before", 1, ()).await;
        let value = f().await;
        value + 1
    }
    async fn shapes(t: Trace) -> (u32, u32, u64, u32) {
        let mut lines = Lines { trace: t.clone(), n: 1 };
        let line = lines.next_line().await;
        let guard = t.noisy("captured");
        let t2 = t.clone();
        let once = call_once(t.clone(), move || {
            let _guard = guard;
            t2.step("once", 1, 40)
        });
        (line, budget(t.clone()).await, shadowed(t.clone()).await, once.await)
    }
}

case! {
    move_closure_for_a_static_api(t) => squares(t);
    pub struct Blocking<F>(Option<F>);
    impl<F> Unpin for Blocking<F> {}
    impl<R, F: FnOnce() -> R> std::future::Future for Blocking<F> {
        type Output = R;
        fn poll(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<R> {
            std::task::Poll::Ready((self.0.take().expect("polled after completion"))())
        }
    }
    /// Like tokio's `spawn_blocking`: what it runs must be `'static`.
    pub fn blocking<R, F: FnOnce() -> R + Send + 'static>(f: F) -> Blocking<F> {
        Blocking(Some(f))
    }
    /// Like `tokio::spawn`: the future must be `'static`.
    pub fn detached<F: std::future::Future + Send + 'static>(f: F) -> F {
        f
    }
    #[desugar]
    async fn squares(t: Trace) -> u64 {
        // A `move` closure and an `async move` block take `id` by value (a copy: it is used
        // again after), not a reference into the future (issue 16: not `'static`, E0521).
        let id = t.step("id", 1, 7u64).await;
        let square = blocking(move || id * id).await;
        let tr = t.clone();
        let cube = blocking(move || {
            tr.log("cube");
            id * id * id
        })
        .await;
        let doubled = detached(async move { id * 2 }).await;
        t.step("after", 1, ()).await;
        square + cube + doubled + id
    }
}

// From the fuzzer (seed 440 and about 20 more, "`n` does not live long enough"): a binding that
// matched a range or a literal (`n @ 3..=9`) is a number, a `char` or a `bool`, so `Copy`: a
// closure without `move` captures it by reference, and a closure kept across `.await`s needs it
// at one address, in a slot (it was taken as moved into the closure, and `n @ ..` could not
// have a slot).
case! {
    range_binding_borrowed_by_a_kept_closure(t) => entry(t);
    #[desugar]
    async fn arm(t: Trace, k: u32) -> u32 {
        match k {
            n @ 3..=9 => {
                let f = |k: u32| n + k;
                let a = t.step("a", 1, n).await;
                let b = t.step("b", 1, f(a)).await;
                f(b)
            }
            c @ (1 | 2) => t.step("small", 1, c).await,
            _ => 0,
        }
    }
    pub async fn entry(t: Trace) -> (u32, u32, u32) {
        (arm(t.clone(), 4).await, arm(t.clone(), 1).await, arm(t, 12).await)
    }
}

// A `move` closure captures the places it names: `p.n`, not `p`, whose other field stays where
// it is to the end of its scope (the reads inside `format!` and `matches!` too; fuzz seed 698).
case! {
    move_closure_captures_the_field_a_macro_reads(t) => f(t.clone(), Pair { a: t.val(4), n: 3 });
    #[desugar]
    async fn f(t: Trace, p: Pair) -> u32 {
        let n = t.spawn(move || format!("{}-{}", p.n, p.n).len() as u32).await;
        let m = t.spawn(move || matches!(p.n, 1 | 3) as u32 + p.n).await;
        t.step("s", 1, n + m).await
    }
}

// From the fuzzer (seed 5941, shrunk; behaved differently): from edition 2021 on, an `async
// move` block captures the places it names, as a `move` closure does: `pair.n` is copied and
// `pair` stays whole to the end of its scope (it was dropped at the first `.await`).
case! {
    async_move_block_copies_the_field_it_reads(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Val> {
        let pair = Pair { a: t.val(23), n: 4 };
        let o: Option<Val> = ({
            let t = t.clone();
            async move { Some(t.val(format!("{}-{}", pair.n, pair.n).len() as u32)) }
        })
        .await;
        let tuple = (t.val(5), 1);
        let n = ({
            let t = t.clone();
            async move { t.step("s", 1, tuple.1).await }
        })
        .await;
        vec![t.val(n), o.unwrap()]
    }
}

// From the fuzzer (seed 453, shrunk; E0507 after captures followed the edition): an `async
// move` block that calls methods on `p.a` twice captures `p.a` once, by value: naming it twice
// by reference shows no copy (a `p.n` named twice by value does).
case! {
    field_borrowed_twice_in_async_move_block(t) => entry(t);
    pub struct Duo {
        a: Val,
        n: u32,
    }
    #[desugar]
    async fn f0(t: Trace, p1: Duo, p2: u32) -> Val {
        t.val(
            ({
                let t = t.clone();
                async move {
                    if [p2, p1.n, p2].iter().sum::<u32>() % 1000 > 10 {
                        return format!("{}-{}", p1.a.lock(), p1.a.get()).len() as u32;
                    }
                    t.step("s5", 1, p2).await
                }
            })
            .await,
        )
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Val> {
        vec![
            f0(t.clone(), Duo { a: t.val(1), n: 20 }, 3).await,
            f0(t.clone(), Duo { a: t.val(2), n: 1 }, 4).await,
        ]
    }
}

// From the fuzzer (seed 565, shrunk; E0507): an `async move` block captures `p.a` when it is
// made, also where it names it in a branch: the capture is no conditional move of `p`, which
// would give `p` a drop flag and a slot (and the block's field copy a move out of it).
case! {
    move_block_naming_a_field_in_a_branch(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, p0: Pair, go: bool) -> u32 {
        let fut = {
            let t = t.clone();
            async move {
                if go {
                    t.step("s8", 1, p0.a).await.get()
                } else {
                    16
                }
            }
        };
        let n = t.step("s1", 1, 2).await;
        n + fut.await
    }
    pub async fn entry(t: Trace) -> [u32; 2] {
        [
            f1(t.clone(), Pair { a: t.val(1), n: 2 }, true).await,
            f1(t.clone(), Pair { a: t.val(3), n: 4 }, false).await,
        ]
    }
}

// Fresh fuzz seed 6911 (E0597): an `async` block without `move` borrows a `Copy` local it uses
// by value. Where the syntax does not show the type, what the function states does: `n` of
// `while let Some(n) = maybe(..)`, the crate's `maybe` returning `Option<u32>`, also where
// another `n` is a `Val` (`defined::copy_binding`), and `let m = w + 1;` with `w` a number
// (`Builder::copy_value`). Both stay in place for the awaited block to borrow, rather than be
// taken for moved into it.
case! {
    block_borrows_a_copy_local_its_type_shows(t) => entry(t);
    #[desugar]
    async fn bound(t: Trace) -> u32 {
        let mut w = 2;
        let n = t.val(1);
        let mut sum = n.get();
        while let Some(n) = maybe(&t, w) {
            w += 1;
            sum += (async { t.val(n) }).await.get();
            let m = w + 1;
            sum += (async { t.val(m) }).await.get();
        }
        sum
    }
    // (Seed 495: a binding inside a macro's argument.)
    #[desugar]
    async fn in_macro(t: Trace) -> String {
        format!("{}", {
            let k = t.val(4).get();
            (async { k + 1 }).await
        })
    }
    pub async fn entry(t: Trace) -> (u32, String) {
        (bound(t.clone()).await, in_macro(t).await)
    }
}

// From the fuzzer (seed 7505, reduced): an `async move` block inside an `async` block without
// `move`. What the inner block takes by value, the outer one captures, by reference as `total`
// is `Copy`: the state keeps `total` in place for the awaited block to borrow (it was taken for
// moved into it, E0597).
case! {
    move_block_inside_a_borrowing_block(t) => entry(t.clone(), t.chan(3));
    #[desugar]
    async fn entry(t: Trace, p1: Chan) -> u32 {
        let total: u32 = p1.get() % 1000;
        (async {
            let n = {
                let t = t.clone();
                async move { t.step("s26", 0, t.val(total)).await.get() }
            }
            .await;
            total + n
        })
        .await
    }
}

// A binding of a `match` arm has the type the scrutinee's shows (`Ok(count)` of the crate's
// `check`, which returns `Result<u32, Bad>`): `count` is `Copy`, so the `async` block without
// `move` borrows it (fuzz seed 8263, E0597).
case! {
    arm_binding_typed_by_the_scrutinee(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        match check(&t, 3) {
            Ok(count) => (async { t.val(count).get() }).await,
            Err(Bad(e)) => e,
        }
    }
}

// A local of a method's result called through a shared reference (`first` is `&Val`, whose
// `lock` returns `u32`): `n` is `Copy`, so the unawaited `async` block borrows it across the
// `.await` (fuzz seed 8817, E0597).
case! {
    method_result_through_a_reference(t) => entry(t);
    struct Ctx {
        a: Val,
    }
    impl Ctx {
        async fn send(&mut self, t: Trace, p1: Val) -> Val {
            t.log(format!("send {}", self.a.get()));
            p1
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Val> {
        let first = &t.val(t.step("s16", 2, t.val(19)).await.wait(1).await);
        let n = first.lock();
        #[allow(unused_variables)]
        let fut = async { t.val([n, n].iter().sum::<u32>()) };
        vec![Ctx { a: t.val(1) }.send(t.clone(), t.val(n)).await]
    }
}

// A binding of a struct pattern has the type the crate declares for its field, a primitive
// too (`n: u32`): the `async` block borrows it (fuzz seed 8771, E0597).
case! {
    primitive_field_bound_by_a_pattern(t) => entry(t);
    struct Counted {
        a: Val,
        n: u32,
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let Counted { mut a, n } = Counted { a: t.val(1), n: t.step("s", 1, 4).await };
        (async {
            let p = Pair { a: t.val(0), n: n + 1 };
            a.take() + p.n
        })
        .await
    }
}

// The elements of a tuple pattern bound to a tuple: `k` binds a literal, so it is `Copy`, and
// the `async` block borrows it (fuzz seed 8934, E0597).
case! {
    literal_bound_by_a_tuple_pattern(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Option<u32> {
        let (n, k) = (maybe(&t, 16)?, 3);
        let n: u32 = (async {
            t.log(format!("at36 {} {n}", k));
            t.step("s31", 1, k).await + n
        })
        .await;
        maybe(&t, n)
    }
}

// The binding of `Err(Bad(e))` has the type of `Bad`'s field, from the `E` of the
// `Result<u32, Bad>` that `check` returns: `e` is `Copy`, and the `async` block borrows it
// (fuzz seeds 9143 and 9472, E0597).
case! {
    error_binding_typed_by_the_scrutinee(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        match check(&t, 7) {
            Ok(n) => n,
            Err(Bad(e)) => (async { t.val(e).get() + [e, e].iter().sum::<u32>() }).await,
        }
    }
}

// A sum typed by its turbofish, and arithmetic on it: `count` is a `u32`, and the `async`
// block borrows it (fuzz seed 9422, E0597).
case! {
    turbofish_sum_is_copy(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Val {
        let count = [10, 4, 14].iter().sum::<u32>() % 1000;
        (async {
            let p = Pair { a: t.val(0), n: (12 + count) % 1000 };
            t.val(p.n)
        })
        .await
    }
}

// Fresh fuzz seed 10328 (reduced): an `async move` block that uses a field of `self` (`self.a`),
// in the arm where `self` is used for the last time, while `self` lives in a slot: the block
// copied the field out of the slot (E0507, `Val` is not `Copy`). It is the local's last move:
// `self` is taken out of its slot, and the block captures its field.
case! {
    field_of_a_slotted_local_moved_into_an_async_move_block(t) => entry(t);
    struct Ctx6 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx6 {
        async fn get(self, t: Trace, p0: &mut Val) -> u32 {
            t.log(format!(
                "at1 {}",
                match [self.n, self.n].iter().sum::<u32>() % 1000 {
                    0 => {
                        let fut = {
                            let t = t.clone();
                            async move { t.chan(self.a.get()).take() }
                        };
                        p0.take() + fut.await.get()
                    }
                    1 | 2 => self.a.get(),
                    _ => p0.wait(1).await,
                }
            ));
            7
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut v = t.val(3);
        Ctx6 { a: t.val(0), n: 0 }.get(t.clone(), &mut v).await
            + Ctx6 { a: t.val(1), n: 1 }.get(t.clone(), &mut v).await
            + Ctx6 { a: t.val(2), n: 5 }.get(t.clone(), &mut v).await
    }
}

// CI fuzz seed 469 (reduced): an `async move` block in the `else` of a `let ... else` captures
// `p1`, which lives in a slot (a later block borrows it across an `.await`). The `else` block
// was rewritten without taking `p1` out of its slot (E0507): a capture moves where the block is
// made, so it is followed by the `return` that ends the `else`, and the `else` block's moves
// are now found like any statement's.
case! {
    let_else_moves_a_slotted_local_into_an_async_move_block(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, p0: &mut Val, p1: Val) -> u32 {
        let Some(n) = maybe(&t, p0.take()) else {
            {
                let _fut = async move {
                    let a = p1.subscribe();
                    a.get()
                };
            }
            return 3;
        };
        let _task = async { p1.lock() + n };
        p0.wait(1).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut a = t.val(1);
        let x = f1(t.clone(), &mut a, t.val(2)).await;
        let mut b = t.val(4);
        x + f1(t.clone(), &mut b, t.val(3)).await
    }
}

// Crater, moka's `get_or_insert_with_hash` (reduced): `let value = init();` in an arm after
// an `.await`, `init: impl FnOnce() -> V`. A call of a local was taken to borrow it, so `init`
// was kept to the end of its scope after the call moved it (E0382). A call of an `impl FnOnce`
// (or of a type parameter bounded by `FnOnce`) takes it.
case! {
    fn_once_parameter_called_in_an_arm(t) => entry(t);
    pub struct Cache(Trace);
    impl Cache {
        async fn get(&self, k: u32) -> Option<u32> {
            self.0.step("get", 1, ()).await;
            (k > 1).then_some(k)
        }
        async fn insert(&self, k: u32, v: u32) {
            self.0.step("insert", 1, (k, v)).await;
        }
    }
    #[desugar]
    async fn get_or_insert(c: &Cache, key: u32, init: impl FnOnce() -> u32) -> u32 {
        match c.get(key).await {
            Some(entry) => entry,
            None => {
                let value = init();
                c.insert(key, value).await;
                value
            }
        }
    }
    #[desugar]
    async fn generic<F>(c: &Cache, key: u32, init: F) -> u32
    where
        F: FnOnce() -> u32,
    {
        let value = match c.get(key).await {
            Some(entry) => entry,
            None => init(),
        };
        c.insert(key, value).await;
        value
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let c = Cache(t.clone());
        let (a, b) = (t.noisy("a"), t.noisy("b"));
        let x = get_or_insert(&c, 1, move || a.touch().len() as u32).await;
        let y = get_or_insert(&c, 5, || 0).await;
        x + y + generic(&c, 0, move || b.touch().len() as u32).await
    }
}

// Crater, async-h1's `accept_one` (reduced): `if let Some(d) = opts.timeout` with `timeout:
// Option<u32>` or `Option<Duration>`, `d` used by value in an `async` block without `move`, which
// borrows it as it is `Copy` (E0597: taken to be moved in). An `Option` of a `Copy` type is `Copy`,
// and so are std's `Duration`, `Instant`, addresses.
pub struct TimeoutOpts {
    pub timeout: Option<u32>,
    pub wait: Option<std::time::Duration>,
}
async fn both_of<A: std::future::Future<Output = u32>, B: std::future::Future<Output = u32>>(
    a: A,
    b: B,
) -> u32 {
    a.await + b.await
}
case! {
    copy_binding_captured_by_a_block(t) => run(t.clone(), TimeoutOpts { timeout: Some(5), wait: Some(std::time::Duration::from_millis(2)) });
    #[desugar]
    async fn run(t: Trace, opts: TimeoutOpts) -> u32 {
        let fut = t.step("a", 1, 1u32);
        let mut total = if let Some(d) = opts.timeout {
            both_of(fut, async { t.step("b", 1, d).await }).await
        } else {
            0
        };
        if let Some(w) = opts.wait {
            total += both_of(t.step("c", 1, 1u32), async { t.step("d", 1, w.as_millis() as u32).await }).await;
        }
        total
    }
}

// Helpers' ordinary programs: `let fut = async { s.into_bytes().len() }; fut.await` (E0507): an
// `async` block without `move` takes what a method it calls consumes.
case! {
    async_block_consumes_by_method(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> usize {
        let s = String::from("hi");
        let fut = async { s.into_bytes().len() };
        t.step("s", 1, ()).await;
        fut.await
    }
}

// Helpers' ordinary programs: `let d = n.signum();` captured by a closure without `move` in an
// awaited call (E0597): std's arithmetic on a number of a known type gives a number of that type,
// `Copy`, which the closure borrows.
case! {
    closure_borrows_a_copy_local_made_by_a_method(t) => run(t, 3);
    #[desugar]
    async fn apply_to(t: Trace, x: &mut i32, f: impl FnOnce(&mut i32)) {
        f(x);
        t.step("s", 1, ()).await;
    }
    #[desugar]
    async fn run(t: Trace, n: i32) -> (i32, usize) {
        let mut x = 0;
        let d = n.signum();
        let words = vec!["a", "b"];
        let len = words.len();
        apply_to(t.clone(), &mut x, |v| *v += d + len as i32).await;
        (x, len)
    }
}

// Helpers' ordinary programs: `let take = || coins;` after `coins` was borrowed across an
// `.await`, so that it lives in a slot (E0507): a closure without `move` that moves a local
// out of its slot for the last time takes it out where it is made.
case! {
    closure_without_move_takes_a_slot_local(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> Vec<u8> {
        let coins = vec![1u8, 2];
        let first = coins.first();
        t.step("s", 1, ()).await;
        t.log(format!("first = {first:?}"));
        let take = || coins;
        take()
    }
}

// Helpers' ordinary programs: `for (label, slow) in [("a", 1), ..] { async { slow + 1 }.await }`
// (E0597): the items of an array of literals, and of tuples of them, are `Copy`, which an
// `async` block without `move` borrows.
case! {
    async_block_borrows_copy_loop_items(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let mut total = 0;
        for slow in [1u32, 2] {
            total += async { slow + 1 }.await;
        }
        for (label, slow) in [("a", 1u32), ("bb", 2)] {
            let r = async { slow + label.len() as u32 }.await;
            total += t.step("r", 1, r).await;
        }
        total
    }
}

// Helpers' ordinary programs: `ready(k).map(|v| v + k).await`, and `|_| (Instant::now() -
// start)` with `start = Instant::now()` (E0597): a `Copy` local that a closure without `move`
// in the awaited expression uses is borrowed by the future, whatever else the expression
// copies of it; `Instant::now()` makes an `Instant`, which is `Copy`.
case! {
    closure_in_awaited_call_borrows_a_copy_local(t) => run(t, 5);
    #[desugar]
    async fn then_apply(t: Trace, v: u32, f: impl FnOnce(u32) -> u32) -> u32 {
        f(t.step("v", 1, v).await)
    }
    #[desugar]
    async fn run(t: Trace, x: u32) -> (u32, u32) {
        let k = x;
        let a = then_apply(t.clone(), k, |v| v + k).await;
        let start = std::time::Instant::now();
        let b = then_apply(t, 1, |v| v + (std::time::Instant::now() - start).as_secs() as u32).await;
        (a, b)
    }
}

// A helper's ordinary program (a fetcher's `.map(|n| process(n, settings.clone()))
// .buffered(settings.parallel)`, E0597): a closure without `move` in the awaited expression
// calls a borrowing method of a local (`s.clone()`): it borrows the local, which stays in place,
// whatever else the expression reads of it (`s.factor`).
pub struct Factor {
    factor: u32,
}
case! {
    closure_borrowing_a_local_read_beside(t) => run(t);
    #[allow(clippy::manual_async_fn)]
    fn then_map<F: std::future::Future<Output = u32>>(
        f: F,
        g: impl FnOnce(u32) -> u32,
    ) -> impl std::future::Future<Output = u32> {
        async move { g(f.await) }
    }
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let s = std::sync::Arc::new(Factor { factor: 2 });
        t.step("made", 1, ()).await;
        then_map(t.step("v", 2, s.factor), |x| x * s.clone().factor).await
    }
}
