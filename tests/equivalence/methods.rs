//! Methods: `&self`, `&mut self`, `self`, `self: Box<Self>`, an `impl` block marked as a whole,
//! and a trait impl.

use super::*;

case! {
    ref_self(t) => run(t);
    pub struct Counter {
        trace: Trace,
        count: u32,
    }
    #[desugar]
    impl Counter {
        pub async fn peek(&self, extra: u32) -> u32 {
            let n = self.trace.step("peek", 1, self.count).await;
            n + extra + self.count
        }
        pub async fn bump(&mut self) -> u32 {
            let once = self.trace.step("bump", 1, 1).await;
            self.count += once;
            let twice = self.trace.step("bump again", 1, 1).await;
            self.count += twice;
            self.count
        }
    }
    async fn run(t: Trace) -> (u32, u32, u32) {
        let mut c = Counter { trace: t, count: 5 };
        let a = c.peek(1).await;
        let b = c.bump().await;
        let d = c.peek(0).await;
        (a, b, d)
    }
}

case! {
    self_by_value(t) => run(t);
    pub struct Job {
        trace: Trace,
        name: String,
        guard: Noisy,
    }
    #[desugar]
    impl Job {
        pub async fn finish(mut self, suffix: &str) -> String {
            self.name.push_str(suffix);
            self.trace.step("finish", 2, ()).await;
            self.guard.touch();
            self.name
        }
        pub async fn boxed(self: Box<Self>) -> usize {
            let n = self.trace.step("boxed", 1, self.name.len()).await;
            n + 1
        }
    }
    async fn run(t: Trace) -> (String, usize) {
        let a = Job { trace: t.clone(), name: "a".into(), guard: t.noisy("ga") }.finish("!").await;
        let b = Box::new(Job { trace: t.clone(), name: "bb".into(), guard: t.noisy("gb") }).boxed().await;
        (a, b)
    }
}

case! {
    impl_block(t) => run(t);
    pub struct Store {
        trace: Trace,
        items: Vec<String>,
    }
    #[desugar]
    impl Store {
        pub fn new(trace: Trace) -> Self {
            Store { trace, items: Vec::new() }
        }
        pub async fn add(&mut self, item: &str) -> usize {
            let item = self.trace.step("normalize", 1, item.to_lowercase()).await;
            self.items.push(item);
            self.items.len()
        }
        pub async fn all<'s>(&'s self, sep: &str) -> String {
            self.trace.step("join", 1, ()).await;
            self.items.join(sep)
        }
    }
    async fn run(t: Trace) -> String {
        let mut s = Store::new(t);
        s.add("A").await;
        s.add("B").await;
        s.all(",").await
    }
}

case! {
    trait_impl(t) => run(t);
    pub trait Fetch {
        async fn fetch(&self, key: u32) -> String;
    }
    pub struct Source {
        trace: Trace,
        prefix: &'static str,
    }
    #[desugar]
    impl Fetch for Source {
        async fn fetch(&self, key: u32) -> String {
            let k = self.trace.step("fetch", 2, key).await;
            format!("{}{k}", self.prefix)
        }
    }
    async fn run(t: Trace) -> String {
        let s = Source { trace: t, prefix: "key-" };
        let a = s.fetch(1).await;
        let b = Fetch::fetch(&s, 2).await;
        a + &b
    }
}

case! {
    generic_impl(t) => run(t);
    pub struct Wrapper<'a, T> {
        trace: Trace,
        inner: &'a T,
    }
    #[desugar]
    impl<'a, T: std::fmt::Debug + Sync> Wrapper<'a, T> {
        pub async fn show(&self, label: &str) -> String {
            let l = self.trace.step("label", 1, label.to_string()).await;
            format!("{l}: {:?}", self.inner)
        }
    }
    async fn run(t: Trace) -> String {
        let v = vec![1, 2];
        let w = Wrapper { trace: t, inner: &v };
        w.show("v").await
    }
}

case! {
    awaited_method_consumes_a_local(t) => cancelling(t);
    /// Like async-task's `Task`: `cancel` takes it by value (async-std's `JoinHandle::cancel`).
    pub struct Task {
        trace: Trace,
        _guard: Noisy,
    }
    impl Task {
        pub async fn cancel(self) -> Option<u32> {
            self.trace.step("cancel", 1, Some(7)).await
        }
    }
    fn spawn(t: &Trace) -> Task {
        Task { trace: t.clone(), _guard: t.noisy("task") }
    }
    #[desugar]
    async fn cancelling(t: Trace) -> Option<u32> {
        let handle = spawn(&t);
        t.step("before", 1, ()).await;
        handle.cancel().await
    }
}

case! {
    future_of_self_held_in_a_local(t) => run(t);
    pub struct Gate {
        trace: Trace,
        _guard: Noisy,
    }
    impl Gate {
        /// Borrows the gate until it is ready, as a semaphore's `acquire` does.
        async fn acquire(&self, n: u32) -> u32 {
            self.trace.step("acquire", 1, n).await
        }
    }
    pub struct Permit {
        gate: std::sync::Arc<Gate>,
        n: u32,
    }
    #[desugar]
    impl Gate {
        // `self` by value lives in a slot: the future held in `inner` borrows it
        // (tokio's `Semaphore::acquire_owned`).
        pub async fn acquire_owned(self: std::sync::Arc<Self>) -> Permit {
            let inner = self.acquire(1);
            let n = inner.await;
            Permit { gate: self, n }
        }
    }
    async fn run(t: Trace) -> u32 {
        let gate = std::sync::Arc::new(Gate { trace: t.clone(), _guard: t.noisy("gate") });
        let permit = gate.acquire_owned().await;
        permit.gate.trace.log("permit");
        permit.n
    }
}

case! {
    mut_self_reborrowed(t) => run(t);
    pub struct Child {
        trace: Trace,
        child: Option<u32>,
        items: Vec<Noisy>,
    }
    #[desugar]
    impl Child {
        // The arm's binding borrows through `&mut self` across the `.await`: `self` must stay
        // in place (tokio's `process::Child::wait`).
        pub async fn wait(&mut self) -> u32 {
            match &mut self.child {
                Some(c) => {
                    let r = self_trace_step(&self.trace, *c).await;
                    *c += r;
                    *c
                }
                None => 0,
            }
        }
        // A guard-like borrow through `&mut self` held across an `.await`
        // (tokio's `watch::Receiver::wait_for`).
        pub async fn first(&mut self) -> usize {
            let first = self.items.first();
            self.trace.step("between", 1, ()).await;
            first.map_or(0, |n| n.name.len())
        }
    }
    fn self_trace_step(t: &Trace, n: u32) -> common::Step<u32> {
        t.step("wait", 1, n)
    }
    async fn run(t: Trace) -> (u32, usize) {
        let mut child = Child { trace: t.clone(), child: Some(2), items: vec![t.noisy("item")] };
        let a = child.wait().await;
        (a, child.first().await)
    }
}

case! {
    split_methods_borrow(t) => entry(t);
    // From the fuzzer (seed 70): std's `split*` methods borrow; `items` lives to the end.
    #[desugar]
    pub async fn entry(t: Trace) -> Val {
        let mut items = vec![t.val(18)];
        {
            let (first, _rest) = items.split_at_mut(1);
            first[0].take();
        }
        (async { t.val(19) }).await
    }
}

case! {
    receiver_of_an_unknown_method_kept(t) => subscribed(t);
    pub struct Sender {
        trace: Trace,
        _guard: Noisy,
    }
    pub struct Receiver(Noisy);
    impl Sender {
        /// Borrows its receiver, which desugar cannot see.
        pub fn subscribe(&self) -> Receiver {
            self.trace.log("subscribe");
            Receiver(self.trace.noisy("receiver"))
        }
    }
    #[desugar]
    async fn subscribed(t: Trace) -> usize {
        // `subscribe` is not a method desugar knows: it assumes that it borrows `tx`, which is
        // then kept to the end of its scope, as rustc does (issue 16: `tx` was taken as moved,
        // and dropped at the `.await`), and checks that it does not take it by value.
        let tx = Sender { trace: t.clone(), _guard: t.noisy("sender") };
        let rx = tx.subscribe();
        t.step("subscribed", 1, ()).await;
        drop(rx);
        t.step("dropped", 1, ()).await;
        1
    }
}

case! {
    receiver_taken_by_value_explicitly(t) => sent(t);
    /// A oneshot sender: `send` takes `self`, unlike std's and tokio's mpsc senders.
    pub struct Oneshot {
        trace: Trace,
        _guard: Noisy,
    }
    pub struct Wrapper(Noisy);
    impl Oneshot {
        pub fn send(self, value: u32) -> Result<(), u32> {
            self.trace.log(format!("send {value}"));
            Ok(())
        }
    }
    impl Wrapper {
        pub fn into_inner(self) -> Noisy {
            self.0
        }
    }
    #[desugar]
    async fn sent(t: Trace) -> usize {
        // desugar takes `send` to borrow its receiver (std's and tokio's `Sender::send` do):
        // written `sender.send(1)`, this does not compile, with a message saying so (issue 16:
        // E0382, pointing into the expansion); `{ sender }` says that it moves. A method known
        // to consume its receiver (`into_inner`) needs nothing: the expansion checks that it
        // does.
        let sender = Oneshot { trace: t.clone(), _guard: t.noisy("sender") };
        let wrapper = Wrapper(t.noisy("wrapped"));
        let value = t.step("value", 1, 1).await;
        let sent = { sender }.send(value).is_ok();
        let inner = wrapper.into_inner();
        t.step("sent", 1, ()).await;
        drop(inner);
        t.step("end", 1, ()).await;
        usize::from(sent)
    }
}

case! {
    mut_self_reborrowed_by_a_closure(t) => ticks(t);
    pub struct Ticker {
        trace: Trace,
        n: u32,
    }
    impl Ticker {
        fn poll_tick(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<u32> {
            self.n += 1;
            self.trace.log(format!("tick {}", self.n));
            std::task::Poll::Ready(self.n)
        }
    }
    #[desugar]
    impl Ticker {
        pub async fn tick(&mut self) -> u32 {
            // `self` (a `&mut` reference, nothing to drop) is reborrowed by the closure of the
            // awaited future: it is not kept, whatever `poll_tick` does with its receiver
            // (tokio's `Interval::tick`, `oneshot::Sender::closed`).
            let ticked = std::future::poll_fn(|cx| self.poll_tick(cx));
            ticked.await
        }
    }
    async fn ticks(t: Trace) -> u32 {
        let mut ticker = Ticker { trace: t.clone(), n: 0 };
        let a = ticker.tick().await;
        t.step("between", 1, ()).await;
        a + ticker.tick().await
    }
}

case! {
    owned_and_builder_methods_consume(t) => entry(t);
    // tokio-util's `make_acquire_future` and wiremock's `MockServerBuilder::start` (crater,
    // E0507): `*_owned` and `build*` methods take their receiver.
    pub struct Sender(Trace);
    impl Sender {
        pub async fn reserve_owned(self) -> u32 {
            self.0.step("reserve", 1, 7).await
        }
    }
    pub struct Builder(Trace);
    impl Builder {
        pub async fn build_bare(self) -> Noisy {
            self.0.step("build", 1, ()).await;
            self.0.noisy("server")
        }
    }
    #[desugar]
    pub async fn acquire(data: Option<Sender>) -> Result<u32, ()> {
        match data {
            Some(sender) => Ok(sender.reserve_owned().await),
            None => Err(()),
        }
    }
    #[desugar]
    pub async fn start(builder: Builder) -> &'static str {
        builder.build_bare().await.touch()
    }
    pub async fn entry(t: Trace) -> (Result<u32, ()>, &'static str) {
        (acquire(Some(Sender(t.clone()))).await, start(Builder(t)).await)
    }
}

case! {
    awaits_a_call_of_self(t) => run(t);
    // tide's `Middleware` for closures (dogfood, `--teach`): `(self)(..).await` named its state
    // `Self`, a keyword.
    pub trait Handler {
        fn handle(&self, n: u32) -> impl std::future::Future<Output = u32>;
    }
    #[desugar]
    impl<F: Fn(u32) -> crate::common::Step<u32>> Handler for F {
        async fn handle(&self, n: u32) -> u32 {
            (self)(n).await + 1
        }
    }
    pub async fn run(t: Trace) -> u32 {
        let step = move |n| t.step("call", 1, n);
        step.handle(3).await
    }
}

case! {
    receiver_check_with_mut_arguments(t) => run(t);
    // Fuzz seed 94: the check of the guess about `t.val(..)`'s receiver calls it again on
    // stand-ins, in code that never runs; the stand-in for `v` was not `mut`, so `v.take()` in
    // the argument did not compile (E0596).
    pub struct Ctx {
        a: Val,
    }
    #[desugar]
    impl Ctx {
        async fn subscribe(&self, t: Trace) -> Val {
            let mut v = self.a.subscribe();
            v = t.step("s3", 2, v).await;
            t.val(v.take())
        }
    }
    pub async fn run(t: Trace) -> u32 {
        Ctx { a: t.val(3) }.subscribe(t.clone()).await.get()
    }
}

case! {
    crate_method_named_like_std(t) => both(t);
    // A method of the crate's own type whose name reads as borrowing (`send`) takes `self`,
    // and one named like a conversion (`into_count`) borrows: the receiver's declared type
    // finds them in the crate's source (`defined`), where the names alone guessed wrong.
    pub struct Mailbox(Noisy);
    impl Mailbox {
        pub fn send(self, t: &Trace) -> usize {
            t.log("send");
            self.0.touch().len()
        }
        // (Named against the convention on purpose.)
        #[allow(clippy::wrong_self_convention)]
        pub fn into_count(&self) -> usize {
            self.0.touch().len()
        }
    }
    #[desugar]
    async fn deliver(t: Trace, m: Mailbox, go: bool) -> usize {
        let n = m.into_count();
        t.step("pause", 1, ()).await;
        let sent = if go { m.send(&t) } else { 0 };
        t.step("pause", 1, ()).await;
        n + sent
    }
    async fn both(t: Trace) -> [usize; 2] {
        [
            deliver(t.clone(), Mailbox(t.noisy("a")), true).await,
            deliver(t.clone(), Mailbox(t.noisy("b")), false).await,
        ]
    }
}

case! {
    crate_method_of_self_named_like_std(t) => run(t);
    // `self.send(..)` in a method of an `impl` block marked `#[desugar]`: `self` is the block's
    // type, whose `send` (in the crate's source) takes it by value.
    pub struct Worker(Noisy);
    impl Worker {
        pub fn send(self, t: &Trace) -> usize {
            t.log("send");
            self.0.touch().len()
        }
    }
    #[desugar]
    impl Worker {
        async fn finish(self, t: Trace) -> usize {
            t.step("before", 1, ()).await;
            let n = self.send(&t);
            t.step("after", 1, ()).await;
            n
        }
    }
    async fn run(t: Trace) -> usize {
        Worker(t.noisy("w")).finish(t.clone()).await
    }
}

// From the fuzzer (seeds 7515 and 6784, reduced): `let Some(item): Option<Val> = .. else`
// types `item` as a `Val`, whose `send` takes `self` (a `Chan`'s borrows it): the receiver mode
// is read from `Val`'s methods, not guessed by the name.
case! {
    typed_binding_inside_some(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let count = t.val(0).get();
        let Some(item): Option<Val> = Some(t.val(count)) else {
            return 15;
        };
        match count {
            0 => {
                let o: Option<Val> = 'b: {
                    if t.val(1).get() > 0 {
                        break 'b Some(t.val(item.send()));
                    }
                    maybe_val(&t, (async move { 0 }).await)
                };
                o.map_or(1, |v| v.get())
            }
            _ => 2,
        }
    }
}

// From the fuzzer (seed 7568, reduced): a struct literal receiver of a method the crate defines
// with `self`, lifted into a temporary because an argument borrows another (`&mut t.val(12)`).
// The temporary has the literal's type, so its method is read as consuming it; and the check of
// that guess makes its call without tying the result to the real one's type, which borrows the
// real temporary (it failed with E0507, then E0716).
case! {
    consuming_method_on_a_lifted_literal(t) => entry(t);
    pub struct Parcel7568 {
        a: Val,
    }
    impl Parcel7568 {
        async fn subscribe(self, t: Trace, p0: &mut Val) -> u32 {
            t.step("sub", 1, consume(self.a) + p0.get()).await
        }
    }
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let a = t.val(
            Parcel7568 { a: t.val(4) }
                .subscribe(t.clone(), &mut t.val(12))
                .await,
        );
        a.get()
    }
}

// From the fuzzer (seed 7569, reduced): `let (item, item2) = (t.val(12), t.val(9));` types
// each binding by its own value, so `item.send()` is read as `Val::send(self)` and takes `item`
// out of the slot it has for being moved on one path only (E0507 before).
case! {
    tuple_bindings_typed_by_their_values(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let (item, item2) = (t.val(12), t.val(9));
        let n: u32 = match (async { item2.lock() }).await {
            9 => t.step("s18", 1, item.send()).await,
            _ => item.lock(),
        };
        n
    }
}

// From the fuzzer (seed 738, reduced): `self.a.send()`, where `send` consumes `self.a` and the
// other field of `self` is a number: that takes all of `self`, which no state keeps (E0382).
// (In the seed the method is marked alone, and other types of the crate have methods of its
// name: `self` has the type of the file's own one, `Defined::owner`, tested in `defined`.)
case! {
    consuming_method_on_a_field_of_self(t) => entry(t);
    struct Ctx738 {
        a: Val,
        n: u32,
    }
    impl Ctx738 {
        fn subscribe(&self) -> u32 {
            self.n
        }
    }
    #[desugar]
    impl Ctx738 {
        async fn listen(self, t: Trace, p0: u32) -> u32 {
            let x = self.a.send() * t.step("s17", 1, p0).await;
            x + 1
        }
    }
    pub async fn entry(t: Trace) -> u32 {
        let c = Ctx738 { a: t.val(1), n: 2 };
        let n = c.subscribe();
        c.listen(t.clone(), n).await
    }
}

// A local used where an inner `if let` binds its name again has the type its own binding says
// (here `Val`, whose `send` takes `self`), not the inner binding's (fuzz seed 98).
case! {
    typed_binding_shadowed_in_an_inner_scope(t) => entry(t);
    #[desugar]
    async fn consume(t: Trace, other: Option<Val>) -> u32 {
        let v: Val = t.val(3);
        if let Some(v) = other {
            t.log(format!("inner {}", v.get()));
        }
        t.step("s", 1, v.send()).await
    }
    pub async fn entry(t: Trace) -> u32 {
        consume(t.clone(), Some(t.val(4))).await + consume(t.clone(), None).await
    }
}

// `self` moved out in part on one path, kept across an `.await` on another: a slot gives it a
// drop flag, as a `let` does for other parameters, and it drops when the method returns
// (fuzz seed 8417).
case! {
    self_moved_in_part_on_some_paths(t) => entry(t);
    struct Ctx8417 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx8417 {
        async fn get(self, t: Trace, p0: &mut Val) -> u32 {
            let rx = match self.n {
                0 => {
                    t.log(format!("took {}", self.a.into_inner()));
                    t.chan(0)
                }
                1 | 2 => (async { t.chan(self.n + 14) }).await,
                n @ 3..=9 if n % 2 == 0 => (async { t.chan(2) }).await,
                _ => t.chan(self.a.get()),
            };
            t.log(format!("chan {}", rx.get()));
            p0.get()
        }
    }
    pub async fn entry(t: Trace) -> u32 {
        let mut n = 0;
        for k in [0, 1, 4, 7] {
            n += Ctx8417 { a: t.val(7), n: k }.get(t.clone(), &mut t.val(11)).await;
        }
        n
    }
}

// A field of `self` read by `format!` in an `if` condition, then moved by the `break` that the
// `if` runs: the borrow ends with the macro, so the move takes `self` out of its slot (fuzz
// seed 439).
case! {
    moved_after_a_formatting_borrow(t) => entry(t);
    struct Ctx439 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx439 {
        async fn take(self, t: Trace) -> Val {
            let pair = 'b: {
                if format!("{}-{}", self.n, self.n).len() > 3 {
                    break 'b Pair { a: self.a, n: 10 };
                }
                let tx = t.chan(12);
                let (k, n) = (self.a.get() * self.a.lock(), tx.send(t.val(3)).await);
                Pair { a: t.val(n + k), n }
            };
            t.step("s", 1, pair.a).await
        }
    }
    pub async fn entry(t: Trace) -> Vec<Val> {
        vec![
            Ctx439 { a: t.val(1), n: 5 }.take(t.clone()).await,
            Ctx439 { a: t.val(2), n: 500 }.take(t.clone()).await,
        ]
    }
}

// A field of `self` copied before another field moves out on one path: the copy leaves `self`
// whole, so on the other paths it lives to the end of the method (fuzz seed 4286, a silent
// difference: `self` was dropped before the `let`'s binding).
case! {
    copied_field_before_a_move_on_one_path(t) => entry(t);
    struct Ctx4286 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx4286 {
        async fn pick(self, t: Trace) -> u32 {
            let Some(a): Option<Val> = Some(match self.n {
                0 => self.a,
                1 | 2 => t.step("x", 1, t.val(3)).await,
                n @ 3..=9 if n % 2 == 0 => t.val(self.a.lock()),
                _ => self.a.subscribe(),
            }) else {
                return 3;
            };
            a.get()
        }
    }
    pub async fn entry(t: Trace) -> u32 {
        let mut n = 0;
        for k in [0, 1, 6, 7] {
            n += Ctx4286 { a: t.val(7), n: k }.pick(t.clone()).await;
        }
        n
    }
}

// The bindings of an array pattern bound to an array literal have the types of its values:
// `v` is a `Val`, whose `send` takes `self` (fuzz seed 9634, E0277: guessed from the name).
case! {
    array_pattern_typed_element_wise(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Val {
        {
            let mut w20 = 6;
            while let Some(n) = maybe(&t, w20) {
                w20 += 1;
                {
                    let _next: Option<Val> = if n > 100 {
                        Some(t.val(n))
                    } else {
                        let [v, _v2] = [
                            t
                                .val({
                                    let mut c25 = 0;
                                    loop {
                                        c25 += 1;
                                        if c25 > 2 {
                                            break match n {
                                                0 => {
                                                    t.log("at27");
                                                    19
                                                }
                                                1 | 2 => 0,
                                                n @ 3..=9 if n % 2 == 0 => {
                                                    t.spawn(move || 16)
                                                        .await
                                                }
                                                _ => n % 1000,
                                            };
                                        }
                                        {}
                                    }
                                }),
                            t.val(matches!(n, 1 | 3..=9) as u32),
                        ];
                        maybe_val(&t, v.send())
                    };
                }
            }
        }
        t.val(6)
    }
}

// CI fuzz seed 500 (reduced): the receiver of an awaited call that consumes it
// (`Ctx::subscribe(self)`), a struct literal lifted into a temporary because an argument
// awaits, in the scrutinee of an `if let`. The scrutinee's temporaries are kept through the
// `else`; this one, which the call moves, was kept too, so that the future was made from the
// state's reference to it (E0507). A temporary moved by a method that consumes it is not one
// the scrutinee leaves.
case! {
    temporary_receiver_of_an_awaited_consuming_call_in_a_scrutinee(t) => entry(t);
    struct Ctx500 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx500 {
        async fn subscribe(self, t: Trace, n: u32) -> u32 {
            t.log(format!("n {}", self.n));
            self.a.send() + n
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let ctx = Ctx500 { a: t.val(3), n: 1 };
        if let Some(first) = maybe(&t, ctx.subscribe(t.clone(), 1).await) {
            t.log(format!("some {first}"));
        }
        if let Some(count) = maybe(
            &t,
            Ctx500 { a: t.val(4), n: 2 }
                .subscribe(t.clone(), t.step("a", 1, 2).await)
                .await,
        ) {
            count * 2
        } else {
            1
        }
    }
}

// Crater, mini-redis's `run` (reduced): `tx.send(..)` of a oneshot channel takes `tx` by value,
// which the name does not say. The receiver check fired: it took the `.await`s of the loop's next
// iteration for ones ahead of `tx`, which that iteration binds anew. Either guess compiles and
// behaves the same here: no check.
case! {
    oneshot_send_in_while_let(t) => entry(t);
    #[desugar]
    async fn run(t: Trace, mut rx: tokio::sync::mpsc::Receiver<(u32, tokio::sync::oneshot::Sender<u32>)>) {
        while let Some((cmd, tx)) = rx.recv().await {
            let response = match cmd {
                0 => t.step("a", 1, 5).await,
                n => t.step("b", 2, n).await,
            };
            let _ = tx.send(response);
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let mut total = 0;
        let mut outs = Vec::new();
        for n in 0..3 {
            let (otx, orx) = tokio::sync::oneshot::channel();
            tx.send((n, otx)).await.unwrap();
            outs.push(orx);
        }
        drop(tx);
        run(t.clone(), rx).await;
        for o in outs {
            total += o.await.unwrap();
        }
        total
    }
}

// Crater, tokio-postgres's `write_raw` (reduced): `a.zip(ys)` on a local kept across an `.await`
// was guessed to borrow it (the check failed, E0277). The adaptors `Iterator` and `StreamExt`
// agree take `self` are known by name to.
case! {
    iterator_adaptor_takes_a_kept_local(t) => entry(t);
    #[desugar]
    async fn pairs(t: Trace, xs: Vec<u32>, ys: Vec<Val>) -> u32 {
        let a = xs.into_iter();
        let mut total = t.step("a", 1, 0).await;
        for (x, y) in a.zip(ys) {
            total += t.step("z", 1, x * y.get()).await;
        }
        total
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        pairs(t.clone(), vec![1, 2, 3], vec![t.val(4), t.val(5)]).await
    }
}

// Crater, tokio-modbus's `handle_broken_pipe` (reduced): `client.call(5).await`, a method that
// happens to be named `call`, was read as a call of the local itself (`f(..)`, which takes a
// closure by value): the local moved into the future that borrows it (E0597).
case! {
    method_named_call_borrows_its_receiver(t) => entry(t);
    pub struct Client(Trace, u32);
    impl Client {
        async fn call(&mut self, r: u32) -> Result<u32, u32> {
            self.1 += self.0.step("call", 2, r).await;
            Err(self.1)
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut client = Client(t.clone(), 1);
        let res = client.call(5).await;
        let err = res.err().unwrap();
        err + t.step("after", 1, client.1).await
    }
}

// Crater, tokio-modbus's `disconnect` (reduced): `framed.into_inner().shutdown().await`, where
// `shutdown` borrows the temporary `into_inner` returns. A method that consumes its receiver
// returns a temporary that borrows no local, which must outlive the `.await` (E0716).
case! {
    temporary_from_a_consuming_method_borrowed_by_the_awaited_call(t) => entry(t);
    pub struct Io(Noisy, Trace);
    impl Io {
        async fn shutdown(&mut self) -> Result<u32, &'static str> {
            let n = self.1.step("shutdown", 2, 1).await;
            self.0.name = "closed";
            if n > 3 { Ok(n) } else { Err(self.0.touch()) }
        }
    }
    pub struct Framed(Io, Noisy);
    impl Framed {
        fn into_inner(self) -> Io {
            self.0
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let framed = Framed(Io(t.noisy("io"), t.clone()), t.noisy("codec"));
        framed
            .into_inner()
            .shutdown()
            .await
            .or_else(|e| if e.len() > 3 { Ok(9) } else { Err(e) })
            .unwrap()
    }
}

// Crater, async-imap's `parse_noop` and six more (reduced): `while let Some(x) =
// stream.take_while(|r| ..).next().await`, `stream` a `&mut` that `take_while` (by value, as
// `StreamExt`'s) reborrows. The adaptor is a temporary the awaited `next` borrows, built before
// the state and so written once, at the loop's head (two copies of the closure were two types,
// E0308), and it borrows `stream`, which stays in place (E0505).
case! {
    temporary_adaptor_of_a_mut_reference_in_a_while_let(t) => entry(t);
    pub struct Src(Vec<u32>, Trace);
    pub struct TakeWhile<S, F>(S, F, Noisy);
    pub trait Ext: Sized {
        fn take_while<F: FnMut(&u32) -> bool>(self, t: &Trace, f: F) -> TakeWhile<Self, F> {
            TakeWhile(self, f, t.noisy("adaptor"))
        }
    }
    impl Ext for &mut Src {}
    impl<F: FnMut(&u32) -> bool> TakeWhile<&mut Src, F> {
        async fn next(&mut self) -> Option<u32> {
            self.0 .1.step("next", 1, ()).await;
            let x = self.0 .0.pop()?;
            (self.1)(&x).then_some(x)
        }
    }
    fn differs(r: &u32, tag: &u32) -> bool {
        *r != *tag
    }
    #[desugar]
    async fn parse(t: &Trace, stream: &mut Src, tag: u32) -> u32 {
        let mut total = 0;
        while let Some(resp) = stream.take_while(t, |r| differs(r, &tag)).next().await {
            total += t.step("body", 1, resp).await;
        }
        total
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut src = Src(vec![1, 9, 2, 3], t.clone());
        let n = parse(&t, &mut src, 9).await;
        n * 10 + src.0.len() as u32
    }
}

// Crater, kameo's `handle_message` (reduced): `message.handle_dyn(..)` on a `Box<dyn
// DynMessage>`, the crate's trait method taking `self: Box<Self>`. The crate's answer was asked
// of `Box`, which defines nothing, and the call guessed to borrow (E0507). A smart pointer's
// method is its content's.
case! {
    boxed_trait_object_method_takes_the_box(t) => entry(t);
    pub trait DynMessage {
        fn handle_dyn(self: Box<Self>, t: Trace, state: &mut u32) -> common::Step<u32>;
    }
    impl DynMessage for Noisy {
        fn handle_dyn(self: Box<Self>, t: Trace, state: &mut u32) -> common::Step<u32> {
            *state += 1;
            self.touch();
            t.step("handle", 2, *state)
        }
    }
    #[desugar]
    async fn handle_message(t: Trace, state: &mut u32, buf: &mut Vec<Box<dyn DynMessage>>, message: Box<dyn DynMessage>, early: bool) -> Option<u32> {
        if early {
            buf.push(message);
            return None;
        }
        let res = message.handle_dyn(t.clone(), state).await;
        Some(res + t.step("after", 1, 1).await)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> (Option<u32>, Option<u32>, usize) {
        let (mut state, mut buf) = (0, Vec::new());
        let a = handle_message(t.clone(), &mut state, &mut buf, Box::new(t.noisy("a")), true).await;
        let b = handle_message(t.clone(), &mut state, &mut buf, Box::new(t.noisy("b")), false).await;
        (a, b, buf.len())
    }
}

// Crater, kameo's `run_actor_lifecycle` (reduced): `state.shutdown().await`, `state: S` with
// `S: ActorState`, whose `shutdown` the crate declares to take `self`. A type parameter's
// methods are its bounds': asked of a type named `S`, the crate had no answer, and the name
// `shutdown` (tokio's borrows) guessed a borrow (E0507).
case! {
    type_parameter_method_declared_by_its_bound(t) => entry(t);
    pub trait ActorState: Sized {
        fn shutdown(self, t: &Trace) -> impl std::future::Future<Output = u32>;
    }
    impl ActorState for Noisy {
        async fn shutdown(self, t: &Trace) -> u32 {
            t.step("shutdown", 1, self.touch().len() as u32).await
        }
    }
    #[desugar]
    async fn lifecycle<S>(state: S, t: &Trace) -> u32
    where
        S: ActorState,
    {
        let n = t.step("run", 2, 1).await;
        n + state.shutdown(t).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        lifecycle(t.noisy("state"), &t).await
    }
}

// Crater, kameo's `bounded_ask_requests_mailbox_timeout` (reduced): `assert_eq!(actor.tell(m)
// .timeout(t).send().await, ..)`, `timeout(self)` and `send(self)` the crate's. `send` named as
// tokio's (which borrows) kept the builder as a temporary for the future to borrow, and the
// crate's `send` moved it out of the state (E0507). A tuple struct's constructor types its local
// (`Actor(1)`), an inherent method's result types the value (kameo's `ActorRef::tell`, also a
// trait's), and a value the crate's method made has the crate's methods.
case! {
    builder_of_the_crate_sent_by_value(t) => entry(t);
    pub trait MessageSend {
        fn send(self) -> impl std::future::Future<Output = u32>;
    }
    pub struct Actor(u32);
    pub struct Tell(u32, Noisy, Trace);
    impl Actor {
        fn tell(&self, t: &Trace) -> Tell {
            Tell(self.0, t.noisy("request"), t.clone())
        }
    }
    impl Tell {
        fn timeout(self, n: u32) -> Tell {
            Tell(self.0 + n, self.1, self.2)
        }
    }
    impl MessageSend for Tell {
        async fn send(self) -> u32 {
            self.1.touch();
            self.2.step("send", 1, self.0).await
        }
    }
    // (A trait's `tell` on `Actor` too: the inherent one is called, and tells the type.)
    pub trait Subscriber {
        fn tell(&self, t: &Trace) -> u32;
    }
    impl Subscriber for Actor {
        fn tell(&self, _: &Trace) -> u32 {
            0
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let actor = Actor(1);
        assert_eq!(actor.tell(&t).timeout(2).send().await, 3);
        actor.tell(&t).timeout(4).send().await
    }
}

// Crater, kameo's `bounded_ask_requests_mailbox_timeout` again: its `TellRequest` implements
// `MessageSend::send(self)` in a `macro_rules!` body, which the crate's definitions cannot read,
// and another trait, implemented for other types only, declares `send(&self)`. A method of a
// known type with no definition seen is as the traits that may be implemented for it declare.
case! {
    method_of_a_trait_implemented_by_a_macro(t) => entry(t);
    pub trait MessageSend {
        fn send(self) -> impl std::future::Future<Output = u32>;
    }
    pub trait Mailbox {
        fn send(&self, n: u32) -> u32;
    }
    pub struct Bounded;
    impl Mailbox for Bounded {
        fn send(&self, n: u32) -> u32 {
            n
        }
    }
    pub struct Actor(u32);
    pub struct Tell(u32, Noisy, Trace);
    impl Actor {
        fn tell(&self, t: &Trace) -> Tell {
            Tell(self.0, t.noisy("request"), t.clone())
        }
    }
    impl Tell {
        fn timeout(self, n: u32) -> Tell {
            Tell(self.0 + n, self.1, self.2)
        }
    }
    macro_rules! message_send {
        ($ty:ty) => {
            impl MessageSend for $ty {
                async fn send(self) -> u32 {
                    self.1.touch();
                    self.2.step("send", 1, self.0).await
                }
            }
        };
    }
    message_send!(Tell);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let actor = Actor(1);
        let n = actor.tell(&t).timeout(2).send().await;
        n + actor.tell(&t).timeout(4).send().await + Bounded.send(1)
    }
}

// Crater, tiberius's `forward_to_metadata` and `columns` (reduced): `Pin::new(&mut
// self.stream).peek().await`, `peek(self: Pin<&mut Self>)`. `peek`, by its name, borrowed the
// pin, which was kept for the future and moved out of the state (E0507). A method called on a
// pin made for it takes the pin by value.
case! {
    method_on_a_pin_made_for_it(t) => entry(t);
    pub struct Peekable(Vec<u32>, Trace);
    impl Peekable {
        fn peek(self: std::pin::Pin<&mut Self>) -> common::Step<Option<u32>> {
            let v = self.0.last().copied();
            self.1.step("peek", 1, v)
        }
    }
    pub struct Stream {
        tokens: Peekable,
        seen: u32,
    }
    #[desugar]
    async fn forward(this: &mut Stream) -> Result<u32, ()> {
        loop {
            let item = std::pin::Pin::new(&mut this.tokens).peek().await.map(|r| r + 1);
            match item {
                Some(5) => break,
                Some(_) => {
                    this.tokens.0.pop();
                    this.seen += 1;
                }
                None => break,
            }
        }
        Ok(this.seen)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Result<u32, ()> {
        let mut s = Stream { tokens: Peekable(vec![1, 4, 7, 9], t), seen: 0 };
        forward(&mut s).await
    }
}

// Crater, async_zip's `read_bytes` (reduced): `reader.take(n).read_to_end(&mut buf).await`,
// tokio's `AsyncReadExt::take(self, limit)`. Named as `Option::take(&mut self)`, it was guessed
// to borrow (the check failed, E0277). `take` with a limit takes its receiver; what it makes
// holds what the receiver borrowed (`v.iter().take(2)`).
case! {
    take_with_a_limit_takes_its_receiver(t) => entry(t);
    #[desugar]
    async fn read_bytes<R>(t: &Trace, reader: R, n: usize) -> std::io::Result<Vec<u8>>
    where
        R: tokio::io::AsyncRead + Unpin,
    {
        use tokio::io::AsyncReadExt;
        let mut buffer = Vec::with_capacity(n);
        t.step("before", 1, ()).await;
        reader.take(n as u64).read_to_end(&mut buffer).await?;
        Ok(buffer)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> (Vec<u8>, u32) {
        let data = vec![1u8, 2, 3, 4];
        let bytes = read_bytes(&t, &data[..], 3).await.unwrap();
        let v = vec![t.val(1), t.val(2), t.val(3)];
        let mut it = v.iter().take(2);
        let a = t.step("mid", 1, 1).await;
        let s: u32 = it.by_ref().map(|x| x.get()).sum();
        (bytes, a + s)
    }
}

// Crater, async_zip's `close` (reduced): `self.hasher.finalize()` on crc32fast's `Hasher`,
// `finalize(self)`, was guessed to borrow (the check failed, E0277). Hashers' and digests'
// `finalize` take `self`. (The type is made by a macro, so that the crate's definitions do not
// show the method.)
case! {
    finalize_takes_the_hasher(t) => entry(t);
    macro_rules! hasher {
        ($name:ident) => {
            pub struct $name(u32, Noisy);
            impl $name {
                pub fn update(&mut self, n: u32) {
                    self.0 += n;
                }
                pub fn finalize(self) -> u32 {
                    self.1.touch();
                    self.0
                }
            }
        };
    }
    hasher!(Hasher);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut hasher = Hasher(1, t.noisy("hasher"));
        hasher.update(t.step("data", 1, 2).await);
        let crc = hasher.finalize();
        crc + t.step("close", 1, 3).await
    }
}

// Crater, tiberius's `create_tls_stream` (reduced): `builder = builder.use_sni(false);` in a
// `match` arm, then `builder.connect(stream).await` borrowing it. `use_sni`, of another crate
// (made by a macro here), was guessed to borrow, the builder was kept in a slot for the future
// to borrow, and the builder's methods moved it out of the slot (E0507). A method whose result
// is assigned back to its receiver is a builder's, taking it by value (a guess, checked).
case! {
    builder_reassigned_from_its_own_method(t) => entry(t);
    macro_rules! connector {
        ($name:ident) => {
            pub struct $name(Vec<&'static str>, Noisy);
            impl $name {
                pub fn use_sni(mut self, on: bool) -> Self {
                    self.0.push(if on { "sni" } else { "no sni" });
                    self
                }
                pub fn accept_invalid(mut self) -> Self {
                    self.0.push("invalid");
                    self
                }
                pub async fn connect(&self, t: &Trace, n: u32) -> Result<String, ()> {
                    t.step("connect", 1, ()).await;
                    self.1.touch();
                    Ok(format!("{n}: {}", self.0.join(", ")))
                }
            }
        };
    }
    connector!(Connector);
    #[desugar]
    #[allow(clippy::needless_question_mark)] // (the value of the `.await` used, as tiberius's)
    async fn connect(t: &Trace, trust: u8, n: u32) -> Result<String, ()> {
        let mut builder = Connector(Vec::new(), t.noisy("builder"));
        match trust {
            0 => {
                builder = builder.accept_invalid();
                builder = builder.use_sni(false);
            }
            _ => builder = builder.use_sni(true),
        }
        Ok(builder.connect(t, n).await?)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> (Result<String, ()>, Result<String, ()>) {
        (connect(&t, 0, 1).await, connect(&t, 1, 2).await)
    }
}

// Crater, tiberius's `Connection::close` (reduced): `this.transport.close().await`, the field a
// `Framed<..>` whose `close(&mut self)` is another crate's (made by a macro here), while the
// crate's own `close`s take `self`. The field's generic type went unnamed, so the crate's
// `close` answered for it: moved into the future that borrows it (E0716). A generic type is
// named by its path's last segment.
case! {
    method_of_a_field_of_generic_foreign_type(t) => entry(t);
    pub struct Framed<T>(T, Trace);
    pub struct Close<'a, T>(&'a mut Framed<T>, common::Step<()>);
    impl<T: Unpin> std::future::Future for Close<'_, T> {
        type Output = Result<(), ()>;
        fn poll(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), ()>> {
            std::pin::Pin::new(&mut self.1).poll(cx).map(Ok)
        }
    }
    macro_rules! sink {
        ($t:ident) => {
            pub trait $t<T> {
                fn close(&mut self) -> Close<'_, T>;
            }
            impl<T> $t<T> for Framed<T> {
                fn close(&mut self) -> Close<'_, T> {
                    let step = self.1.step("close", 1, ());
                    Close(self, step)
                }
            }
        };
    }
    sink!(SinkExt);
    pub struct Connection {
        transport: Framed<Noisy>,
    }
    impl Connection {
        pub async fn close(self) -> Result<(), ()> {
            close(self).await
        }
    }
    #[desugar]
    async fn close(mut this: Connection) -> Result<(), ()> {
        this.transport.close().await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Result<(), ()> {
        let c = Connection { transport: Framed(t.noisy("io"), t.clone()) };
        c.close().await
    }
}

// Crater, bollard's `test_build_image_with_error` (reduced): `Docker::connect_with_mock(..)
// .unwrap()` is a `Docker`, as the crate's signature says, so `docker.build_image(..)` is the
// crate's `&self` method; untyped, the name took it for a builder's, which takes `self`, and
// `docker` was dropped while the awaited future borrowed it (E0597). `.unwrap()` and
// `.expect(..)` type what they unwrap as `?` does.
case! {
    unwrapped_constructor_types_its_local(t) => entry(t);
    pub struct Docker(Trace, u32);
    impl Docker {
        pub fn connect_with_mock(t: &Trace, n: u32) -> Result<Docker, Bad> {
            check(t, n).map(|n| Docker(t.clone(), n))
        }
        async fn build_image(&self, tag: u32) -> u32 {
            self.0.step("build", 1, self.1 + tag).await
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let docker = Docker::connect_with_mock(&t, 5).unwrap();
        let result = &docker.build_image(2).await;
        *result
    }
}

// Crater, async-h1's `accept_one` (reduced): `fut.or(async { .. }).await`, futures-lite's
// `FutureExt::or(self, ..)`, as `Option::or` and `Result::or`: the name now says it takes its
// receiver, which was kept in place and moved out of its reference (E0507).
case! {
    or_takes_its_receiver(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Option<Val> {
        let first = maybe_val(&t, 1);
        let n = t.step("s1", 1, 3).await;
        t.step("s2", 1, first.or(Some(t.val(n)))).await
    }
}

// From crater (octocrab's `_post`, `_get_with_headers`.., E0277): `TryInto::try_into` takes
// `self`; it was guessed to borrow it, as a name not known is.
case! {
    try_into_takes_its_receiver(t) => entry(t);
    #[desugar]
    #[allow(clippy::unnecessary_fallible_conversions)]
    async fn converted(t: Trace, n: impl TryInto<u8>, s: String) -> u32 {
        t.step("before", 1, ()).await;
        let n: u8 = n.try_into().map_err(|_| ()).unwrap_or(0);
        let s: Box<str> = s.try_into().unwrap_or_default();
        t.step("after", 1, u32::from(n) + s.len() as u32).await
    }
    async fn entry(t: Trace) -> u32 {
        converted(t, 300u32, String::from("ab")).await
    }
}

// From crater (async-h1's `accept_one`, E0308: `fut.or(async { .. })`): the check of a receiver
// guess makes the call again, and a closure or `async` block written again is a type of its
// own; what the call returns may hold it (`Map<Range<u32>, {closure}>`), so the check's result
// is not given the real call's type.
case! {
    checked_call_with_a_closure_argument(t) => mapped(t);
    #[desugar]
    async fn mapped(t: Trace) -> u32 {
        let n = t.val(2).get();
        let range = n..5;
        let doubled = range.map(|x| x * n);
        t.step("between", 1, ()).await;
        doubled.sum::<u32>()
    }
}

// From crater (octocrab's `request_installation_auth_token`, E0507): `request.body(b)` of http's
// request builder takes `self`; a name not known was guessed to borrow, which kept `request` in
// place. A setter of a request builder has one argument more than a request's getter.
case! {
    request_builder_setter_takes_its_receiver(t) => entry(t);
    // (Defined by a macro, whose body the crate's definitions do not read: as a foreign type's.)
    macro_rules! builder {
        ($name:ident) => {
            pub struct $name {
                parts: Vec<Val>,
            }
            impl $name {
                fn header(mut self, _name: &str, value: Val) -> Self {
                    self.parts.push(value);
                    self
                }
                fn body(mut self, body: Val) -> Option<Vec<Val>> {
                    self.parts.push(body);
                    Some(self.parts)
                }
            }
        };
    }
    builder!(Builder);
    async fn send(t: &Trace, parts: Vec<Val>) -> u32 {
        t.step("send", 2, parts.iter().map(Val::get).sum()).await
    }
    #[desugar]
    async fn post(t: Trace) -> Option<u32> {
        let mut request = Builder { parts: vec![t.val(1)] };
        request = request.header("a", t.val(2));
        let sent = send(&t, request.body(t.val(3))?).await;
        t.step("after", 1, sent).await;
        Some(sent)
    }
    async fn entry(t: Trace) -> Option<u32> {
        post(t).await
    }
}

// From an ordinary program (a helper's axum handler, `req.body(body)`; E0530): the check of a
// receiver guess names a marker type after the method, which hid a local of that name from the
// call's arguments.
case! {
    argument_named_as_the_checked_method(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> usize {
        let v = vec![t.val(1).get() as u8, 2];
        let repeat = 2;
        let out = v.repeat(repeat);
        t.step("between", 1, ()).await;
        out.len()
    }
}

// From ordinary programs (a helper's p1 and p6, `r.unwrap_err()`; E0277): `Option`'s and
// `Result`'s consumers take their receiver, as `unwrap` does.
case! {
    option_and_result_consumers_take_their_receiver(t) => check(t);
    #[desugar]
    #[allow(clippy::unnecessary_literal_unwrap)]
    async fn check(t: Trace) -> u32 {
        let r: Result<u32, Val> = Err(t.val(4));
        let e = r.unwrap_err();
        let o = Some(t.val(2));
        let big = o.is_some_and(|v| v.get() > 1);
        let w: Option<Val> = None;
        let n = w.map_or(7, |v| v.get());
        t.step("between", 1, ()).await;
        e.get() + big as u32 + n
    }
}

// From an ordinary program (a helper's, `{ s }.chunks(2).collect().await`; E0277): the way the
// message of a wrong borrow guess says to move a receiver in, inside an awaited expression. The
// block was lifted into a temporary whose method was guessed to borrow it.
case! {
    block_moving_a_receiver_in_an_awaited_expression(t) => batches(t);
    // (Defined by a macro, whose body the crate's definitions do not read: as a foreign type's.)
    macro_rules! stream {
        ($name:ident, $chunks:ident) => {
            pub struct $name(Vec<Val>);
            impl $name {
                fn chunks(self, n: usize) -> $chunks {
                    $chunks(self.0, n)
                }
            }
            pub struct $chunks(Vec<Val>, usize);
            impl $chunks {
                async fn count(self, t: &Trace) -> usize {
                    t.step("count", 1, self.0.chunks(self.1).count()).await
                }
            }
        };
    }
    stream!(Items, Chunks);
    #[desugar]
    async fn batches(t: Trace) -> usize {
        let s = Items(vec![t.val(1), t.val(2), t.val(3)]);
        let n = { s }.chunks(2).count(&t).await;
        t.step("after", 1, n).await
    }
}

// Helpers' ordinary programs: `it.count()` on a range and `reader.lines()` on a `BufReader`
// (E0277: taken to borrow, as other types' `count` and `str::lines` do): where the local's
// type is a std iterator or a buffered reader, their consumers take it by value.
case! {
    iterator_and_stream_consumers(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> (usize, usize, usize, Option<String>) {
        use tokio::io::AsyncBufReadExt;
        let chunks = t.step("c", 1, 3usize).await;
        let it = 0..10u32;
        let n = it.count();
        let m = t.step("s", 1, (1..=4u32).count()).await;
        let reader = tokio::io::BufReader::new("a\nb\n".as_bytes());
        let mut lines = reader.lines();
        let first = lines.next_line().await.unwrap();
        t.step("s", 1, ()).await;
        (chunks, n, m, first)
    }
}

// Ordinary programs (the twentieth session's helpers): `tx.send(v)` on a oneshot sender from
// `oneshot::channel()` (E0277: taken to borrow, as mpsc's `send` does): a oneshot sender's `send`
// takes it.
pub struct OneshotJob {
    pub n: u32,
    pub reply: tokio::sync::oneshot::Sender<u32>,
}
case! {
    oneshot_sender_sends_by_value(t) => run(t);
    #[desugar]
    async fn serve(t: Trace, job: OneshotJob) -> bool {
        let n = t.step("work", 1, job.n * 2).await;
        let sent = job.reply.send(n).is_ok();
        t.step("after", 1, ()).await;
        sent
    }
    #[desugar]
    async fn run(t: Trace) -> (bool, bool, Option<u32>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let a = tx.send(t.step("first", 1, 1u32).await).is_ok();
        t.step("recv", 1, ()).await;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let b = serve(t.clone(), OneshotJob { n: 3, reply }).await;
        (a, b, answer.await.ok().or(rx.await.ok()))
    }
}

// Helpers' ordinary programs: `text.lines()`, `split_whitespace()`, `split(..)`, `bytes()` of a
// `String` kept across an `.await` (E0597: the check of the borrow guess gave the stand-in's call
// the real one's type, whose lifetime `str::Lines` holds invariantly), and `it.count()` in an
// awaited call on a local made by `chars()`, `step_by`, `map` (E0507: taken to borrow).
case! {
    str_accessors_kept_across_await(t) => count(t);
    #[desugar]
    async fn count(t: Trace) -> (usize, usize, usize, usize, usize) {
        let text = String::from("ab\ncd ef");
        let lines = text.lines();
        let words = text.split_whitespace();
        let parts = text.split('\n');
        let bytes = text.bytes();
        t.step("s", 1, ()).await;
        let mut n = 0;
        for (i, raw) in text.lines().enumerate() {
            n += t.step("line", 1, i + raw.len()).await;
        }
        (lines.count(), words.count(), parts.count(), bytes.count(), n)
    }
}

case! {
    iterator_consumed_in_an_awaited_call(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> (usize, usize, u32, Option<char>) {
        let it = "abc".chars();
        let a = t.step("a", 1, it.count()).await;
        let steps = (0..10u32).step_by(3);
        let b = t.step("b", 1, steps.count()).await;
        let v = vec![1u32, 2, 3];
        let doubled = v.iter().map(|x| x * 2);
        let c = t.step("c", 1, doubled.sum::<u32>()).await;
        let last = "xyz".chars();
        let d = t.step("d", 1, last.last()).await;
        (a, b, c, d)
    }
}

// Helpers' ordinary programs: a method of the crate returning what borrows its receiver
// invariantly (`SplitWhitespace<'_>`), and `str::rsplit` (E0597): the check of the borrow guess
// gave the stand-in's call the real one's type.
pub struct Doc {
    text: String,
}

impl Doc {
    fn words(&self) -> std::str::SplitWhitespace<'_> {
        self.text.split_whitespace()
    }
}

case! {
    borrowing_result_counted_before_await(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> (usize, usize) {
        let doc = Doc { text: "a b c".into() };
        let line = String::from("x;y");
        let w = doc.words().count();
        let n = line.rsplit(';').count();
        t.step("s", 1, ()).await;
        (w, n)
    }
}

// Helpers' ordinary programs: `let (h, _x) = make();` then `h.shutdown().await` where the crate's
// `shutdown` takes `self` (E0507): the binding's type comes from `make`'s tuple now, and with
// it the method's.
pub struct Closer(String);

impl Closer {
    async fn shutdown(self) -> usize {
        self.0.len()
    }
}

fn make_closer() -> (Closer, u8) {
    (Closer("abc".to_string()), 1)
}

case! {
    tuple_binding_of_a_crate_call(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> usize {
        let (h, _x) = make_closer();
        t.step("s", 1, ()).await;
        h.shutdown().await
    }
}

// Helpers' ordinary programs: `reader.lines()` on `R: AsyncBufRead` (E0277, desugar's own
// check): a type parameter bounded by a buffered reader's trait has its `lines`, by value.
case! {
    lines_of_a_generic_reader(t) => run(t);
    #[desugar]
    async fn scan<R: tokio::io::AsyncBufRead + Unpin>(t: Trace, reader: R) -> usize {
        use tokio::io::AsyncBufReadExt;
        let mut lines = reader.lines();
        let mut n = 0;
        while let Some(line) = lines.next_line().await.unwrap() {
            n += t.step("line", 1, line.len()).await;
        }
        n
    }
    #[desugar]
    async fn run(t: Trace) -> usize {
        scan(t, &b"ab\ncde\n"[..]).await
    }
}

// Helpers' ordinary programs: `let conn = db.acquire();` with `db: Arc<Db>`, then
// `conn.scan().await` (E0597): the method of an `Arc`'s pointee, `Db::acquire`, gives `conn` its
// type, and with it `scan`'s receiver (taken for `Iterator::scan`, by value); and `self.sem
// .close()` on an `Arc<Semaphore>` field in the crate's `async fn close(self)` (E0080, desugar's
// own check): tokio's `close`, not the crate's.
pub struct ArcStore(u32);
pub struct ArcLease<'a>(&'a ArcStore);

impl ArcStore {
    fn acquire(&self) -> ArcLease<'_> {
        ArcLease(self)
    }
}

impl ArcLease<'_> {
    async fn scan(&self) -> u32 {
        self.0.0 * 2
    }
}

pub struct ArcGate {
    sem: std::sync::Arc<tokio::sync::Semaphore>,
    held: tokio::sync::Mutex<Vec<u32>>,
}

impl ArcGate {
    async fn close(self) -> usize {
        self.held.lock().await.len()
    }
}

case! {
    methods_through_an_arc(t) => run(t);
    #[desugar]
    async fn scan_store(t: Trace, db: std::sync::Arc<ArcStore>) -> u32 {
        let conn = db.acquire();
        t.step("s", 1, ()).await;
        conn.scan().await
    }
    #[desugar]
    async fn shut(t: Trace, gate: ArcGate) -> (bool, usize) {
        gate.sem.close();
        let held = gate.held.lock().await;
        t.step("s", 1, ()).await;
        (gate.sem.is_closed(), held.len())
    }
    #[desugar]
    async fn run(t: Trace) -> (u32, (bool, usize), usize) {
        let a = scan_store(t.clone(), std::sync::Arc::new(ArcStore(21))).await;
        let gate = ArcGate {
            sem: std::sync::Arc::new(tokio::sync::Semaphore::new(2)),
            held: tokio::sync::Mutex::new(vec![1, 2]),
        };
        let b = shut(t.clone(), gate).await;
        let other = ArcGate {
            sem: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
            held: tokio::sync::Mutex::new(vec![3]),
        };
        (a, b, other.close().await)
    }
}

// Helpers' ordinary programs: `store.all().await` on a `Box<dyn Store>` whose trait method
// returns a future borrowing it (E0597): an awaited `all` of the crate's is not `StreamExt`'s,
// which would take the store.
pub trait Catalog {
    fn all(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = u32> + '_>>;
}

pub struct MemCatalog(u32);

impl Catalog for MemCatalog {
    fn all(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = u32> + '_>> {
        Box::pin(async move { self.0 })
    }
}

case! {
    trait_object_method_named_like_a_stream_consumer(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let store: Box<dyn Catalog> = Box::new(MemCatalog(6));
        let a = store.all().await;
        t.step("s", 1, ()).await;
        a + store.all().await
    }
}

// A helper's ordinary program (a scheduler's `tick(self: Arc<Self>)`, E0507): the receiver
// `sched.clone()` has the type of `sched`, an `Arc<ArcTicker>` whose `tick` takes it by value;
// unknown, it was taken to borrow its temporary receiver, kept in a slot.
pub struct ArcTicker {
    t: Trace,
}
impl ArcTicker {
    async fn tick(self: std::sync::Arc<Self>, n: u32) -> u32 {
        self.t.step("tick", 1, n).await
    }
}
case! {
    arc_self_method_on_a_clone(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let sched = std::sync::Arc::new(ArcTicker { t: t.clone() });
        let a = sched.clone().tick(1).await;
        let copy = sched.clone();
        a + copy.tick(2).await + sched.tick(3).await
    }
}
