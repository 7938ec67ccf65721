//! Every parameter form: by value, `mut`, references with named and elided lifetimes, patterns,
//! `impl Trait`, generics with bounds and where-clauses, const generics.

use super::*;

case! {
    seed_fetch_data(t) => both(t);
    pub struct Client {
        trace: Trace,
        pages: Vec<(&'static str, &'static str)>,
    }
    #[derive(Debug)]
    pub struct Error(String);
    pub struct Response {
        trace: Trace,
        body: &'static str,
    }
    impl Client {
        fn get(&self, url: &str) -> common::Step<Result<Response, Error>> {
            let page = self.pages.iter().find(|(u, _)| *u == url);
            let result = match page {
                Some((_, body)) => Ok(Response { trace: self.trace.clone(), body }),
                None => Err(Error(format!("404 {url}"))),
            };
            self.trace.step("get", 2, result)
        }
    }
    impl Response {
        fn text(self) -> common::Step<Result<String, Error>> {
            self.trace.step("text", 1, Ok(self.body.to_string()))
        }
    }
    #[desugar]
    async fn fetch_data(client: &Client, url: &str) -> Result<String, Error> {
        let response = client.get(url).await?;
        response.text().await
    }
    async fn both(t: Trace) -> (Result<String, Error>, Result<String, Error>) {
        let client = Client { trace: t, pages: vec![("/", "hi")] };
        (fetch_data(&client, "/").await, fetch_data(&client, "/nope").await)
    }
}

case! {
    mut_params(t) => mut_params(t, 3, String::from("a"));
    #[desugar]
    async fn mut_params(t: Trace, mut n: u32, mut s: String) -> String {
        let d = t.step("n", 1, 1).await;
        n += d;
        s.push('b');
        t.step("pause", 1, ()).await;
        s.push_str(&n.to_string());
        s
    }
}

case! {
    pattern_params(t) => patterns(t.clone(), (1, 2), LeftRight { left: t.noisy("left"), right: 5 }, t.noisy("ignored"));
    pub struct LeftRight {
        left: Noisy,
        right: u32,
    }
    #[desugar]
    async fn patterns(t: Trace, (a, mut b): (u32, u32), LeftRight { left, right }: LeftRight, _: Noisy) -> u32 {
        let d = t.step("b", 1, 10).await;
        b += d;
        t.log(left.touch());
        a + b + right
    }
}

case! {
    elided_references(t) => refs(t, "hello", &[1, 2, 3]);
    #[desugar]
    async fn refs(t: Trace, s: &str, xs: &[u8]) -> String {
        let first = t.step("first", 1, xs[0]).await;
        let upper = s.to_uppercase();
        t.step("pause", 1, ()).await;
        format!("{upper}{first}{}", xs.len())
    }
}

case! {
    named_lifetimes(t) => longest(t, "long one", "short");
    #[desugar]
    async fn longest<'a, 'b: 'a>(t: Trace, x: &'a str, y: &'b str) -> &'a str {
        t.step("compare", 1, ()).await;
        if x.len() >= y.len() { x } else { y }
    }
}

case! {
    elided_output_lifetime(t) => first_line(t, "one\ntwo");
    #[desugar]
    async fn first_line(t: Trace, text: &str) -> &str {
        t.step("scan", 2, ()).await;
        text.lines().next().unwrap_or("")
    }
}

case! {
    impl_trait_params(t) => apply(t, "x", |n| n + 1);
    #[desugar]
    async fn apply(t: Trace, name: impl Into<String>, f: impl Fn(u32) -> u32) -> String {
        let n = t.step("n", 1, 41).await;
        let name: String = name.into();
        t.step("pause", 1, ()).await;
        format!("{name}={}", f(n))
    }
}

case! {
    generics_with_bounds(t) => describe(t, vec![3, 1, 2], 10u64);
    #[desugar]
    async fn describe<T, U: Copy + std::fmt::Debug>(t: Trace, mut items: Vec<T>, extra: U) -> String
    where
        T: Ord + std::fmt::Debug + Clone,
    {
        items.sort();
        let smallest = t.step("smallest", 1, items.first().cloned()).await;
        t.step("pause", 1, ()).await;
        format!("{items:?} {smallest:?} {extra:?}")
    }
}

case! {
    const_generics(t) => sum_array(t, [1, 2, 3, 4]);
    #[desugar]
    async fn sum_array<const N: usize>(t: Trace, values: [u32; N]) -> u32 {
        let mut sum = 0;
        for v in values {
            sum += v;
        }
        let bonus = t.step("bonus", 1, N as u32).await;
        sum + bonus
    }
}

case! {
    self_borrowing_read(t) => read_twice(t);
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    #[desugar]
    async fn read_some(t: Trace, mut reader: tokio::io::DuplexStream, n: usize) -> std::io::Result<Vec<u8>> {
        let _g = t.noisy("g");
        let mut buf = vec![0u8; n];
        let got = reader.read(&mut buf).await?;
        buf.truncate(got);
        let mut more = [0u8; 4];
        let extra = reader.read(&mut more).await?;
        buf.extend_from_slice(&more[..extra]);
        Ok(buf)
    }
    async fn read_twice(t: Trace) -> std::io::Result<Vec<u8>> {
        let (mut a, b) = tokio::io::duplex(64);
        a.write_all(b"hello").await?;
        let reading = read_some(t.clone(), b, 3);
        // The writer finishes after the reader's first read.
        let (out, _) = futures_join(reading, async move {
            t.step("writer waits", 3, ()).await;
            // The reader may be gone already: the pipe is then closed.
            let closed = a.write_all(b"!!").await.is_err();
            t.log(format!("writer done, closed: {closed}"));
            a
        })
        .await;
        out
    }
    /// Polls two futures until both are done (no extra dependency for a join).
    async fn futures_join<A: std::future::Future, B: std::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
        let mut a = std::pin::pin!(a);
        let mut b = std::pin::pin!(b);
        let (mut ra, mut rb) = (None, None);
        std::future::poll_fn(|cx| {
            if ra.is_none() {
                if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                    ra = Some(v);
                }
            }
            if rb.is_none() {
                if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                    rb = Some(v);
                }
            }
            if ra.is_some() && rb.is_some() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        (ra.unwrap(), rb.unwrap())
    }
}

case! {
    generic_reader(t) => run(t);
    use tokio::io::{AsyncRead, AsyncReadExt};
    #[desugar]
    async fn read_exactly<R: AsyncRead + Unpin>(t: Trace, mut reader: R, n: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; n];
        reader.read_exact(&mut buf).await?;
        t.log(format!("read {n}"));
        Ok(buf)
    }
    async fn run(t: Trace) -> std::io::Result<Vec<u8>> {
        read_exactly(t, &b"abcdef"[..], 4).await
    }
}

case! {
    impl_trait_nested_in_a_parameter(t) => entry(t);
    // moka's `Cache::get_or_insert_with_hash_and_fun` (crater, E0309): an `impl Trait` inside a
    // parameter's type is a type parameter the future holds: it outlives `'fut` too.
    #[desugar]
    async fn get(t: &Trace, v: &[u32], mut replace_if: Option<impl FnMut(&u32) -> bool + Send>) -> u32 {
        let n = t.step("s", 1, 2).await;
        if let Some(f) = replace_if.as_mut()
            && f(&v[0])
        {
            return n;
        }
        n + v.len() as u32
    }
    pub async fn entry(t: Trace) -> (u32, u32) {
        let v = vec![1u32, 2];
        (get(&t, &v, Some(|x: &u32| *x > 1)).await, get(&t, &v, None::<fn(&u32) -> bool>).await)
    }
}

case! {
    impl_trait_behind_a_reference(t) => entry(t);
    // moka's `get_or_insert_with_hash_and_fun` again (crater, "ambiguous `+` in a type"):
    // `Pin<&mut impl Future>` outliving `'fut` is `Pin<&mut (impl Future + 'fut)>`.
    #[desugar]
    async fn run(t: &Trace, init: std::pin::Pin<&mut impl Future<Output = u32>>, r: &impl Fn() -> u32) -> u32 {
        let v = init.await;
        t.step("after", 1, v + r()).await
    }
    pub async fn entry(t: Trace) -> u32 {
        let init = std::pin::pin!(t.step("init", 2, 5));
        run(&t, init, &|| 1).await
    }
}

case! {
    // Fresh fuzz seeds 1504, 1871: a parameter moved on one path only was dropped at the next
    // `.await` on the other, not at the end of the function.
    param_moved_on_some_paths(t) => both(t);
    fn consume(n: Noisy) -> usize {
        n.touch().len()
    }
    #[desugar]
    async fn moved_if(t: Trace, c: bool, kept: Noisy, p: Noisy) -> usize {
        let r = if c { 1 } else { consume(p) };
        t.step("pause", 1, ()).await;
        t.log(kept.touch());
        r
    }
    async fn both(t: Trace) -> (usize, usize) {
        let a = moved_if(t.clone(), true, t.noisy("kept1"), t.noisy("p1")).await;
        let b = moved_if(t.clone(), false, t.noisy("kept2"), t.noisy("p2")).await;
        (a, b)
    }
}

case! {
    // A binding of a parameter's pattern moved on some paths only was dropped at the next
    // `.await` on the others (the `prepare` fixture of the CLI's tests, with its receivers
    // bound by a pattern): it gets the drop flag a plain parameter gets.
    pattern_param_moved_on_some_paths(t) => both(t);
    fn consume(n: Noisy) -> usize {
        n.touch().len()
    }
    #[desugar]
    async fn moved_if(t: Trace, c: bool, (kept, p): (Noisy, Noisy)) -> usize {
        let r = if c { 1 } else { consume(p) };
        t.step("pause", 1, ()).await;
        t.log(kept.touch());
        r
    }
    async fn both(t: Trace) -> (usize, usize) {
        let a = moved_if(t.clone(), true, (t.noisy("kept1"), t.noisy("p1"))).await;
        let b = moved_if(t.clone(), false, (t.noisy("kept2"), t.noisy("p2"))).await;
        (a, b)
    }
}

case! {
    // Fuzz seeds 384, 669 (with parameters given slots): a local in a drop-flag slot read by
    // `matches!` with a `ref` binding, then moved on one path only: into a `for` loop, or
    // into a `move` closure that mutates it.
    slot_in_matches_for_and_move_closure(t) => all(t);
    #[desugar]
    async fn looped(t: Trace, go: bool) -> usize {
        let v = [t.noisy("a"), t.noisy("b")];
        let n = usize::from(matches!(v, [ref a, _] if a.touch() == "a"));
        if go {
            for x in v {
                t.log(x.touch());
            }
        }
        t.step("pause", 1, ()).await;
        n
    }
    #[desugar]
    async fn closed(t: Trace, go: bool) -> usize {
        let mut v = Some(vec![t.noisy("c")]);
        let mut n = usize::from(matches!(v, Some(ref x) if x.len() == 1));
        if go {
            let mut pop = move || v.take().map(|v| v.len());
            n += pop().unwrap_or(0);
        }
        t.step("pause", 1, ()).await;
        n
    }
    async fn all(t: Trace) -> [usize; 4] {
        [
            looped(t.clone(), true).await,
            looped(t.clone(), false).await,
            closed(t.clone(), true).await,
            closed(t.clone(), false).await,
        ]
    }
}

case! {
    // Fresh fuzz seed 3146, CI seed 77: a parameter whose field moves on one path only, into
    // a `let` whose local lives in a slot too: the parameter's slot gives up all of its value
    // there (rustc drops the rest at the end of the function; here it has nothing to drop),
    // and keeps it whole to the end on the other path.
    param_field_moved_on_some_paths(t) => both(t);
    pub struct NoisyPair {
        a: Noisy,
        #[allow(dead_code)]
        n: u32,
    }
    #[desugar]
    async fn partly(t: Trace, c: bool, p: NoisyPair) -> u32 {
        if c {
            let kept = p.a;
            let r = &kept;
            t.step("inner", 1, ()).await;
            t.log(r.touch());
        }
        t.step("outer", 1, ()).await;
        7
    }
    async fn both(t: Trace) -> [u32; 2] {
        [
            partly(t.clone(), true, NoisyPair { a: t.noisy("a1"), n: 1 }).await,
            partly(t.clone(), false, NoisyPair { a: t.noisy("a2"), n: 2 }).await,
        ]
    }
}

case! {
    // Fresh fuzz seed 10107: a field moved only on the path of a `break` (`break 'b
    // consume(p1.a)`) was taken as moved on the path that falls through too, so that a copy of
    // another field there (`p1.n`) read as a move of all of `p1`, which dropped at the `.await`
    // instead of at the end of the function.
    field_moved_before_a_break_leaves_the_rest(t) => entry(t);
    #[desugar]
    async fn f0(t: Trace, p0: Pair, p1: Pair) -> u32 {
        t.log(format!("at1 {}", 'b3: {
            if p0.n > 11 {
                break 'b3 consume(p1.a);
            }
            {
                let v = [p1.n, consume(p0.a)].iter().sum::<u32>();
                async { v }.await
            }
        }));
        0
    }
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        f0(t.clone(), Pair { a: t.val(0), n: 3 }, Pair { a: t.val(1), n: 17 }).await
            + f0(t.clone(), Pair { a: t.val(2), n: 30 }, Pair { a: t.val(3), n: 4 }).await
    }
}

case! {
    // Fresh fuzz seed 10107: a parameter moved on some paths gets a slot (its drop flag) only
    // if the slot's code can write all of its uses; a method borrowing a field inside an
    // `async` block without `move` was not counted as one, so the parameter was dropped at the
    // next `.await` on the path that had not moved it.
    field_borrowed_in_an_async_block_of_a_param_moved_on_some_paths(t) => both(t);
    #[desugar]
    async fn f0(t: Trace, c: bool, p: Pair) -> u32 {
        t.log(format!("at1 {}", 'b: {
            if c {
                break 'b consume(p.a);
            }
            async { t.step("s", 1, p.a.subscribe()).await.get() }.await
        }));
        t.step("after", 1, ()).await;
        t.log("end");
        0
    }
    #[desugar]
    async fn both(t: Trace) -> u32 {
        f0(t.clone(), false, Pair { a: t.val(1), n: 2 }).await
            + f0(t.clone(), true, Pair { a: t.val(3), n: 4 }).await
    }
}

case! {
    // Fresh fuzz seed 10094 (reduced): `self.a` moved in one branch and `self.n` copied in the
    // other. The comparison `self.n < 5` counted as a borrow that may last, so the move did
    // not take `self` out of its slot (E0507); and the copy in the other branch read as a
    // move too, which took `self` out there.
    field_moved_in_one_branch_copied_in_the_other(t) => entry(t);
    struct Ctx2 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx2 {
        async fn lock(self, t: Trace) -> Val {
            let m = if self.n < 5 {
                self.n
            } else {
                consume(self.a)
            };
            t.val(t.val(m).wait(1).await)
        }
    }
    #[desugar]
    async fn entry(t: Trace) -> Val {
        Ctx2 { a: t.val(5), n: 3 }.lock(t.clone()).await;
        Ctx2 { a: t.val(6), n: 8 }.lock(t.clone()).await
    }
}

case! {
    // Fresh fuzz seed 10094: a block whose value is a field copied out of a local in a slot
    // (`{ self.n }`) took the local out of its slot there, so that it dropped at once.
    copied_field_as_a_branch_value_leaves_the_slot(t) => entry(t);
    struct Ctx3 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx3 {
        async fn lock(self, t: Trace) -> Val {
            match if self.n < 5 {
                self.n
            } else {
                {
                    let _vs = vec![t.val(self.n), t.step("s5", 2, t.val(1)).await, self.a];
                }
                4
            } {
                0 => t.val(15),
                _ => t.val(t.val(2).wait(1).await),
            }
        }
    }
    #[desugar]
    async fn entry(t: Trace) -> Val {
        Ctx3 { a: t.val(5), n: 3 }.lock(t.clone()).await;
        Ctx3 { a: t.val(6), n: 8 }.lock(t.clone()).await
    }
}

case! {
    param_moved_on_some_paths_of_an_awaited_expression(t) => entry(t);
    // Fresh fuzz seed 5182: a parameter moved in one arm of a `match` inside the awaited
    // expression was taken as moved on every path and dropped at the `.await`; on the other
    // paths rustc keeps it to the end of the function.
    #[desugar]
    async fn pick(t: Trace, kept: Val, key: Val) -> u32 {
        let got = t
            .step(
                "pick",
                2,
                match key.get() {
                    1 | 2 => Some(kept),
                    _ => None,
                },
            )
            .await;
        t.step("after", 1, 5).await + got.map_or(0, |v| v.get())
    }
    pub async fn entry(t: Trace) -> u32 {
        pick(t.clone(), t.val(1), t.val(6)).await + pick(t.clone(), t.val(1), t.val(2)).await
    }
}

case! {
    // Fuzz seed 936: a field read once by value before an `.await` that keeps its struct, with
    // nothing in the function showing it a copy, was taken as a move: the rest of the struct
    // dropped at the `.await`. The crate declares the field `u32`, a copy (`defined`).
    copy_field_declared_by_the_crate(t) => entry(t);
    pub struct Tally {
        v: Noisy,
        n: u32,
    }
    #[desugar]
    async fn read_once(t: Trace, p: Tally) -> u32 {
        let k = p.n;
        t.step("pause", 1, ()).await;
        k + 1
    }
    pub async fn entry(t: Trace) -> u32 {
        let p = Tally { v: t.noisy("v"), n: 4 };
        t.log(p.v.touch());
        read_once(t.clone(), p).await
    }
}

// Crater (wiremock's `build_bare`, E0382 once `self`'s type was known): a field moved out of
// `self` (`if let Some(l) = self.listener`) and its other fields, `Copy` as the crate declares
// them, read after: nothing of `self` is left to drop, so it is not kept across the `.await`
// (a state cannot hold a partly moved value).
case! {
    field_moved_out_of_self_whose_rest_is_copy(t) => entry(t);
    pub struct Setup {
        listener: Option<Val>,
        record: bool,
        limit: u32,
    }
    #[desugar]
    impl Setup {
        async fn build_bare(self, t: Trace) -> u32 {
            let listener = if let Some(listener) = self.listener {
                listener
            } else {
                t.val(0)
            };
            let recording = if self.record { 1 } else { 2 };
            start(t, listener, self.limit + recording).await
        }
    }
    async fn start(t: Trace, listener: Val, n: u32) -> u32 {
        t.step("start", 1, listener.get() + n).await
    }
    pub async fn entry(t: Trace) -> [u32; 2] {
        [
            Setup { listener: Some(t.val(4)), record: true, limit: 3 }.build_bare(t.clone()).await,
            Setup { listener: None, record: false, limit: 5 }.build_bare(t.clone()).await,
        ]
    }
}

// Fresh fuzz seed 6782: a field taken by a consuming method on one path only, the struct's
// other fields `Copy` as the crate declares them and read on the other path. rustc keeps the
// value to the end of its scope on the path that did not move it: the local (a parameter
// too, `cfg::used_whole`) gets a slot with its drop flag, the consuming method takes all of
// it out (nothing else of it is left to drop), and the copies of `p.n` read it in the slot
// (`Analysis::field_copies`): they are not moves.
case! {
    field_consumed_on_some_paths(t) => entry(t);
    pub struct Parcel {
        a: Val,
        n: u32,
    }
    #[desugar]
    async fn param(t: Trace, p: Parcel) -> u32 {
        let total = if p.n % 2 == 0 { p.n } else { p.a.into_inner() };
        t.log("before");
        t.step("s", 1, 0).await;
        t.log("after");
        total
    }
    #[desugar]
    async fn local(t: Trace, n: u32) -> u32 {
        let p = Parcel { a: t.val(n), n };
        let total = if p.n % 2 == 0 { p.n } else { p.a.into_inner() };
        t.step("s", 1, 0).await;
        total
    }
    pub async fn entry(t: Trace) -> [u32; 4] {
        [
            param(t.clone(), Parcel { a: t.val(1), n: 2 }).await,
            param(t.clone(), Parcel { a: t.val(3), n: 3 }).await,
            local(t.clone(), 4).await,
            local(t.clone(), 5).await,
        ]
    }
}

// From the fuzzer (seed 7614, reduced): a parameter moved on one path only, by an assignment
// (`*r = p0`), is taken out of its slot there (the assigned value stayed in the slot: E0507).
case! {
    assigned_out_of_its_slot(t) => entry(t.clone(), t.val(3));
    #[desugar]
    async fn entry(t: Trace, p0: Val) -> u32 {
        let mut c = 0;
        loop {
            c += 1;
            if c > 1 {
                break 17;
            }
            let r = &mut t.val(p0.get());
            if p0.lock() < 10 {
                break match p0.get() {
                    3 => {
                        *r = p0;
                        r.lock()
                    }
                    _ => r.wait(1).await,
                };
            }
        }
    }
}

// From the fuzzer (seed 7554, reduced): a consuming method on a field of a parameter
// (`p1.a.send()`), whose struct's other fields the crate declares `Copy`: the whole value is
// taken there, nothing of it is left to drop, and no state keeps what remains of it (E0382).
// `p1.a` has the type the crate declares for the field, whose `send` consumes it.
case! {
    consuming_method_on_a_field_of_a_parameter(t) => entry(t);
    pub struct Parcel7554 {
        a: Val,
        n: u32,
    }
    #[desugar]
    async fn f1(t: Trace, p1: Parcel7554) -> u32 {
        let (count, k) = (
            (format!("{}-{}", p1.n, p1.a.send()).len() as u32),
            t.step("s", 1, 4).await,
        );
        t.step("s2", 1, count + k).await
    }
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), Parcel7554 { a: t.val(1), n: 2 }).await
    }
}

// A parameter in a slot moved out as the value of a `match` arm, where another arm awaits: it
// is taken out of its slot there (fuzz seeds 78, 979).
case! {
    moved_as_the_value_of_an_arm(t) => entry(t);
    #[desugar]
    async fn pick(t: Trace, p0: Pair, mut p1: Val, k: u32) -> Val {
        p1 = match k {
            0 => t.val(p1.get()),
            1 | 2 => t.val(t.step("s4", 0, p0.a.get()).await),
            _ => p0.a,
        };
        p1
    }
    pub async fn entry(t: Trace) -> Vec<Val> {
        let mut out = Vec::new();
        for k in 0..4 {
            out.push(pick(t.clone(), Pair { a: t.val(k), n: k }, t.val(10 + k), k).await);
        }
        out
    }
}

// Parameters after the first one that lives in a slot are bound again in order, so that a
// `return` before the first `.await` drops them in reverse order (fuzz seed 8962: `p0` in a
// slot was dropped before `p1`).
case! {
    parameters_after_a_slotted_one_drop_in_order(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, p0: Vec<Val>, p1: Val, early: bool) -> u32 {
        t.log("start");
        if early {
            return 1;
        }
        let n = p0[0].wait(1).await;
        n + p1.get()
    }
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), vec![t.val(0)], t.val(11), true).await
            + f1(t.clone(), vec![t.val(2)], t.val(12), false).await
    }
}

// Fresh fuzz seed 10608 (reduced): `self` moved on some paths, one of them a `move` closure
// using its field (`move || self.a.lock()`). Uses inside a `move` closure were not counted
// as ones a slot's code can write, so `self` had no drop flag (E0080 from the check of
// `__private::drops_nothing`; a silent early drop before it).
case! {
    self_moved_by_a_move_closure_on_one_path(t) => entry(t);
    struct Ctx7 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx7 {
        async fn get(self, t: Trace, p0: u32) -> Val {
            t.log(format!(
                "at9 {}",
                match p0 {
                    0 => t.spawn(move || self.a.lock()).await,
                    1 | 2 => self.a.into_inner(),
                    _ => self.a.get() + self.n,
                }
            ));
            t.val(t.step("s16", 1, t.val(p0)).await.wait(1).await)
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> [Val; 3] {
        [
            Ctx7 { a: t.val(4), n: 4 }.get(t.clone(), 0).await,
            Ctx7 { a: t.val(5), n: 5 }.get(t.clone(), 1).await,
            Ctx7 { a: t.val(6), n: 6 }.get(t.clone(), 5).await,
        ]
    }
}

// CI fuzz seed 497 (reduced), failing since `self_moved_by_a_move_closure_on_one_path` gave
// `p1` its drop flag: `vec![t.val(p1.n), p1.a]`, where the copy of `p1.n` before the move of
// `p1.a` read as a move of all of `p1` (a second move in the statement, so that neither took
// `p1` out of its slot, E0507). A copied field read before the move in the same code leaves
// the local whole.
case! {
    field_copied_before_a_move_in_the_same_code(t) => entry(t);
    #[desugar]
    async fn f2(t: Trace, p1: Pair, k: u32) -> u32 {
        let vs: Vec<Val> = match k {
            1 | 2 => vec![t.val(p1.n), p1.a],
            3 => {
                ({ let t = t.clone(); async move { vec![t.val(p1.n), t.val(p1.a.get())] } }).await
            }
            _ => vec![t.val(k)],
        };
        t.step("s", 1, vs.len() as u32).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f2(t.clone(), Pair { a: t.val(1), n: 2 }, 1).await
            + f2(t.clone(), Pair { a: t.val(3), n: 4 }, 3).await
            + f2(t.clone(), Pair { a: t.val(5), n: 6 }, 5).await
    }
}
// Fresh fuzz seed 11419 (reduced) and CI seeds 82, 627: a local in a slot (lent across an
// `.await`) moved out and assigned again (`p1 = t.step(.., p1.send()).await`). A local in a
// slot could only leave it at its last use, so the move went through the slot's reference
// (E0507). It now leaves its slot where it moves, and the assignment puts the new value back
// into the slot and binds the local to it again; a state that resumes before the assignment
// binds it there.
case! {
    assigned_after_moving_out_of_its_slot(t) => entry(t);
    #[desugar]
    async fn f0(t: Trace, mut p1: Val) -> u32 {
        if t.step("s1", 1, p1.get()).await < 10 && p1.lock() > 2 {
            t.log("both");
        }
        p1 = t.step("s3", 2, t.val(p1.send() + 1)).await;
        p1.lock()
    }
    #[desugar]
    async fn f1(t: Trace, n: u32) -> u32 {
        let mut buf = t.val(1);
        let mut total = 0;
        for i in 0..n {
            let r = &buf;
            t.step("a", 1, ()).await;
            total += r.get();
            buf = t.step("b", 1, t.val(buf.send() + i)).await;
            let k = consume(buf);
            buf = t.val(k + 9);
        }
        total + buf.get()
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f0(t.clone(), t.val(3)).await + f1(t.clone(), 3).await
    }
}

// The pattern of CI seed 517 (an E0080 since the fifteenth session): a local moved on one path
// before an `.await` and assigned again after it. Without a slot as its drop flag (an
// assignment would have written to the emptied slot) it could only be dropped at the `.await`;
// with the slot put back by the assignment (`Option::insert`, which drops what the slot still
// holds, as the assignment does), it keeps its drop flag.
case! {
    moved_on_one_path_then_assigned_keeps_its_drop_flag(t) => entry(t);
    #[desugar]
    async fn refill(t: Trace, c: bool) -> u32 {
        let mut buf = t.val(1);
        if c {
            consume(buf);
        }
        t.step("a", 1, ()).await;
        buf = t.val(2);
        t.step("b", 1, ()).await;
        buf.get()
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        refill(t.clone(), true).await + refill(t.clone(), false).await
    }
}

// Fresh fuzz seed 12175 (reduced): a parameter in a slot assigned after its last use (f0) was
// assigned through the function's own parameter, captured by the poll closure (E0594); a
// parameter in a slot moved out and assigned again before the first `.await` (f3) was bound
// without `mut` (E0384).
case! {
    assigned_after_its_last_use_goes_into_its_slot(t) => entry(t);
    #[desugar]
    #[allow(unused_assignments)]
    async fn f0(t: Trace, p0: Pair, mut p2: Val) -> u32 {
        {
            let _v = t.step("s1", 2, t.step("s2", 1, p2.subscribe()).await).await;
        }
        p2 = p0.a.subscribe();
        t.log("assigned");
        p0.n
    }
    #[desugar]
    async fn f1(t: Trace, mut p2: Val) -> u32 {
        let _v = t.step("s1", 1, p2.subscribe()).await;
        let n = t.step("s2", 1, p2.send()).await;
        p2 = t.val(n);
        t.step("s3", 1, 0).await;
        p2.get()
    }
    #[desugar]
    async fn f2(t: Trace, mut p2: Val) -> u32 {
        let r = &p2;
        t.step("s1", 1, 0).await;
        let a = r.get();
        let n = t.step("s2", 1, p2.send()).await;
        p2 = t.val(n + a);
        t.step("s3", 1, 0).await;
        p2.get()
    }
    #[desugar]
    async fn f3(t: Trace, mut p2: Val) -> u32 {
        let n = p2.send();
        p2 = t.val(n + 1);
        let r = &p2;
        t.step("s1", 1, 0).await;
        r.get()
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f0(t.clone(), Pair { a: t.val(1), n: 2 }, t.val(3)).await + f1(t.clone(), t.val(4)).await
            + f2(t.clone(), t.val(5)).await
            + f3(t.clone(), t.val(6)).await
    }
}

// Fresh fuzz seed 12138 and crater, reqwest's `connect_with_maybe_proxy` (reduced): a parameter
// moved out of in part, then kept across an `.await` (E0382, E0507): it is bound field by field.
case! {
    fields_of_a_parameter_move_apart(t) => entry(t);
    struct Ctx {
        a: Val,
        b: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx {
        async fn send(self, t: Trace, p0: Val) -> u32 {
            let r = match self.n {
                0 => self.a.get(),
                1 => {
                    let x = self.a;
                    t.step("s1", 1, x.get()).await
                }
                _ => (async { self.a.get() }).await,
            };
            t.step("s2", 1, 0).await;
            r + self.b.get() + p0.get()
        }
    }
    #[desugar]
    async fn consume(t: Trace, c: Ctx, p1: Val) -> u32 {
        match c.a {
            v if v.get() > 1 => {
                t.step("s3", 1, 0).await;
                v.get() + c.b.get() + p1.get()
            }
            _ => c.n,
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut total = 0;
        for n in 0..3 {
            let c = Ctx { a: t.val(1), b: t.val(2), n };
            total += c.send(t.clone(), t.val(3)).await;
        }
        total += consume(t.clone(), Ctx { a: t.val(4), b: t.val(5), n: 6 }, t.val(7)).await;
        total + consume(t.clone(), Ctx { a: t.val(0), b: t.val(5), n: 6 }, t.val(7)).await
    }
}

// Fresh fuzz seed 12261 (reduced; a silent difference): `maybe(&t, p.n)` with `p`'s type not
// known (`t.step(.., Pair { .. }).await`): the field read was taken as a move of all of `p`,
// which then dropped before the end of its scope. The crate's `maybe` takes `n: u32`: a field
// read passed where a crate's function or method takes a `Copy` type is a copy.
case! {
    field_read_passed_where_the_crate_takes_a_number(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, n: u32) -> u32 {
        let p = t.step("s18", 1, Pair { a: t.val(19), n }).await;
        let Some(k) = maybe(&t, p.n) else {
            t.step("s21", 1, ()).await;
            return 0;
        };
        t.log("at22");
        k
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), 3).await + f1(t.clone(), 4).await
    }
}

// Fuzz seed 12916 (reduced): a parameter split into its fields (`this.a` moves), whose `Copy`
// field `this.n` is read in a `loop` inside an awaited call's argument. A move there happens on
// some paths only as far as the analysis sees, and a `Copy` value needs no drop flag: it was
// kept at the next `.await` though moved into the first one's future (E0425). A `Copy` value not
// used after is not kept.
case! {
    copy_field_moved_in_a_loop_of_an_awaited_argument(t) => entry(t);
    struct Ctx12916 {
        a: Val,
        n: u32,
    }
    #[desugar]
    async fn send(this: Ctx12916, t: Trace) -> u32 {
        let items = t
            .step("s4", 1, {
                let mut c = 0;
                loop {
                    c += 1;
                    if c > 1 {
                        break vec![t.val(this.n), this.a];
                    }
                }
            })
            .await;
        t.step("x", 1, items.len() as u32).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        send(Ctx12916 { a: t.val(1), n: 2 }, t.clone()).await
    }
}

// From an ordinary program (a helper's axum handlers, `State(s): State<AppState>`): the
// bindings of a parameter's pattern, moved into the body by a `let`, may live in slots as any
// `let`'s do; a guard or a reference borrowing them across an `.await` was refused ("`'pinned`
// must outlive `'fut`", E0505).
case! {
    pattern_parameters_borrowed_across_an_await(t) => entry(t);
    pub struct State<T>(pub T);
    #[desugar]
    async fn get(t: Trace, State(m): State<tokio::sync::Mutex<Val>>) -> u32 {
        let n = m.lock().await.get();
        t.step("after", 1, n).await
    }
    #[desugar]
    async fn first(t: Trace, State(v): State<Vec<Val>>, (a, n): (Val, u32)) -> u32 {
        let r = &v;
        let s = &a;
        t.step("between", 1, ()).await;
        r[0].get() + s.get() + n
    }
    async fn entry(t: Trace) -> u32 {
        let v = t.val(5);
        let m = get(t.clone(), State(tokio::sync::Mutex::new(v))).await;
        m + first(t.clone(), State(vec![t.val(1)]), (t.val(2), 3)).await
    }
}

// Crater, async-openai's `try_from` (reduced): a field of a field moved into an awaited call,
// its sibling read after the `.await` (E0507: the field was kept in place for the future), and
// the same under `#[async_trait]`, which binds each parameter again (`let request = request;`,
// E0382/E0507). A field that is a struct of the crate is taken apart too, where it is bound
// again if it is.
case! {
    fields_of_a_field_move_apart(t) => entry(t);
    pub struct File {
        source: Vec<Noisy>,
        note: Noisy,
        tag: u32,
    }
    pub struct Req {
        file: File,
        name: String,
        mask: Option<File>,
        prompt: Option<String>,
    }
    async fn part(t: &Trace, v: Vec<Noisy>) -> Result<usize, String> {
        t.step("part", 1, ()).await;
        if v.is_empty() { Err("empty".into()) } else { Ok(v.len()) }
    }
    #[async_trait::async_trait]
    pub trait Convert: Sized {
        async fn convert(t: Trace, request: Req) -> Result<Self, String>;
    }
    #[async_trait::async_trait]
    #[desugar]
    impl Convert for (usize, String) {
        async fn convert(t: Trace, request: Req) -> Result<Self, String> {
            let mut n = part(&t, request.file.source).await?;
            let mut s = request.name;
            if let Some(mask) = request.mask {
                n += part(&t, mask.source).await?;
            }
            if let Some(p) = request.prompt {
                s.push_str(&p);
            }
            Ok((n, s))
        }
    }
    #[desugar]
    async fn handle(t: Trace, request: Req) -> Result<(usize, String, u32), String> {
        let n = part(&t, request.file.source).await?;
        let mut s = request.name;
        if let Some(p) = request.prompt {
            s.push_str(&p);
        }
        t.step("after", 1, ()).await;
        Ok((n, s, request.file.tag))
    }
    fn req(t: &Trace, mask: Vec<Noisy>) -> Req {
        let file = |source, tag| File { source, note: t.noisy("note"), tag };
        Req {
            file: file(vec![t.noisy("a"), t.noisy("b")], 1),
            name: "x".into(),
            mask: Some(file(mask, 2)),
            prompt: Some("p".into()),
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Result<(usize, String, u32), String>> {
        let mut out = Vec::new();
        for mask in [vec![t.noisy("m")], vec![]] {
            let r = <(usize, String)>::convert(t.clone(), req(&t, mask)).await;
            out.push(r.map(|(n, s)| (n, s, 0)));
        }
        out.push(handle(t.clone(), req(&t, vec![])).await);
        out
    }
}

// Found while reducing async-openai's `try_from` (a silent difference): a `let` local, or one
// an `if let` or a `match` arm binds, moved out of in part before an `.await`: what was left
// of it dropped at the `.await`, not at the end of its scope. A local whose type the function
// states or its value shows, a struct of the crate, is taken apart after its `let`.
pub struct Pr {
    a: Vec<Noisy>,
    b: Noisy,
    n: u32,
}
pub struct Outer {
    pr: Pr,
    tail: Noisy,
}
// (Outside the case: the crate's functions are read where they are items, not in a macro's
// input.)
fn make_pr(t: &Trace, n: u32) -> Option<Pr> {
    Some(Pr {
        a: vec![t.noisy("a")],
        b: t.noisy("b"),
        n,
    })
}
case! {
    fields_of_a_local_move_apart(t) => entry(t);
    async fn part(t: &Trace, v: Vec<Noisy>) -> usize {
        t.step("part", 1, ()).await;
        v.len()
    }
    #[desugar]
    async fn by_let(t: Trace) -> usize {
        let x = make_pr(&t, 1).unwrap();
        let n = part(&t, x.a).await;
        t.step("s", 1, ()).await;
        n + x.n as usize
    }
    #[desugar]
    async fn by_if_let(t: Trace) -> usize {
        let mut n = 0;
        if let Some(x) = make_pr(&t, 2) {
            n += part(&t, x.a).await;
            t.step("s", 1, ()).await;
        }
        n
    }
    #[desugar]
    async fn by_match(t: Trace, k: u32) -> usize {
        match make_pr(&t, k) {
            Some(x) if x.n > 5 => x.n as usize,
            Some(x) => {
                let v = x.a;
                t.step("s", 1, ()).await;
                v.len() + x.n as usize
            }
            None => 0,
        }
    }
    #[desugar]
    async fn nested(t: Trace) -> usize {
        let o = Outer { pr: make_pr(&t, 3).unwrap(), tail: t.noisy("tail") };
        let v = o.pr.a;
        t.step("s", 1, ()).await;
        v.len() + o.pr.n as usize
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<usize> {
        vec![
            by_let(t.clone()).await,
            by_if_let(t.clone()).await,
            by_match(t.clone(), 4).await,
            by_match(t.clone(), 9).await,
            nested(t.clone()).await,
        ]
    }
}

// Helpers' ordinary programs (a silent difference): `let Req { a, .. } = req;` left the other
// fields in `req`, which dropped at the next `.await`. A `let` of a struct pattern on a parameter or
// local taken apart binds each field from its local; the others stay where they are.
pub struct ReqParts {
    pub a: Noisy,
    pub b: Noisy,
    pub c: Noisy,
}
fn parts(t: &Trace) -> ReqParts {
    ReqParts {
        a: t.noisy("a"),
        b: t.noisy("b"),
        c: t.noisy("c"),
    }
}
case! {
    struct_let_leaves_fields_in_place(t) => run(t);
    #[desugar]
    async fn handle(t: Trace, req: ReqParts) -> &'static str {
        let ReqParts { a, .. } = req;
        t.step("s", 1, ()).await;
        a.name
    }
    #[desugar]
    async fn local(t: Trace) -> &'static str {
        let req = parts(&t);
        let ReqParts { a, b: _, c: ref keep } = req;
        t.step("s", 1, ()).await;
        let _ = keep.name;
        a.name
    }
    #[desugar]
    async fn run(t: Trace) -> (&'static str, &'static str) {
        (handle(t.clone(), parts(&t)).await, local(t.clone()).await)
    }
}

// Helpers' ordinary programs (a silent difference): `for job in jobs` with `jobs: Vec<Job>`, and
// `job.value.unwrap_or(0)` with `value: Option<u32>`: the read of a `Copy` field by a method that
// takes it was a move of `job`, whose other fields dropped at the `.await`. A `for` binding over a
// collection whose type is stated has its element's type; a method on a `Copy` field takes a copy.
pub struct QueuedJob {
    pub value: Option<u32>,
    pub payload: Noisy,
}
case! {
    copy_field_of_a_for_binding_over_a_typed_vec(t) => run(t);
    #[desugar]
    async fn process(t: Trace, jobs: Vec<QueuedJob>) -> u32 {
        let mut total = 0;
        for job in jobs {
            total += job.value.unwrap_or(0);
            t.step("s", 1, ()).await;
        }
        total
    }
    #[desugar]
    async fn borrowed(t: Trace, jobs: &[QueuedJob]) -> u32 {
        let mut total = 0;
        for job in jobs.iter() {
            total += job.value.unwrap_or(0);
            t.step("b", 1, ()).await;
        }
        total
    }
    #[desugar]
    async fn run(t: Trace) -> (u32, u32) {
        let make = |n| QueuedJob { value: Some(n), payload: t.noisy("payload") };
        let b = borrowed(t.clone(), &[make(5)]).await;
        (process(t.clone(), vec![make(1), make(2)]).await, b)
    }
}

// Helpers' ordinary programs (tests): `let s = *b;` out of a `Box` local or parameter, and
// `let Shutdown(pool) = *self;` in a method of `self: Box<Self>`, before an `.await` (E0382):
// the box is moved out of, not kept.
pub struct Shutdown(Vec<Noisy>);

case! {
    moved_out_of_a_box(t) => run(t);
    #[desugar]
    async fn finish(t: Trace, this: Box<Shutdown>) -> usize {
        let Shutdown(pool) = *this;
        t.step("s", 1, ()).await;
        pool.len()
    }
    #[desugar]
    async fn run(t: Trace) -> (usize, usize) {
        let b = Box::new(t.noisy("boxed"));
        let s = *b;
        t.step("s", 1, ()).await;
        Noisy::touch(&s);
        let n = finish(t.clone(), Box::new(Shutdown(vec![t.noisy("a"), t.noisy("b")]))).await;
        (n, 1)
    }
}

// Helpers' ordinary programs: `Some(s) => len(*s).await` on an `Option<Box<Label>>`, and
// `let v = *s;` in the `if let` (E0507, E0382): a binding `Some(s)` of an `Option` whose type
// is stated is of the type it holds, a box, which `*s` moves out of.
pub struct Label(String);

case! {
    box_bound_by_a_pattern_moved_out(t) => run(t);
    #[desugar]
    async fn len_of(t: Trace, s: Label) -> usize {
        t.step("len", 1, s.0.len()).await
    }
    #[desugar]
    async fn by_match(t: Trace, o: Option<Box<Label>>) -> usize {
        match o {
            Some(s) => len_of(t, *s).await,
            None => 0,
        }
    }
    #[desugar]
    async fn by_if_let(t: Trace, o: Option<Box<Label>>) -> usize {
        if let Some(s) = o {
            let v = *s;
            len_of(t, v).await
        } else {
            0
        }
    }
    #[desugar]
    async fn run(t: Trace) -> (usize, usize) {
        let a = by_match(t.clone(), Some(Box::new(Label("abc".to_string())))).await;
        let b = by_if_let(t, Some(Box::new(Label("ab".to_string())))).await;
        (a, b)
    }
}
