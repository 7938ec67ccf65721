//! Locals borrowed by other locals across suspension points: they live in slots of the future
//! and never move.

use super::*;

case! {
    slice_across_await(t) => slicing(t);
    #[desugar]
    async fn slicing(t: Trace) -> u32 {
        let data = vec![1u32, 2, 3, 4];
        let tail = &data[1..];
        t.step("pause", 1, ()).await;
        let extra = t.step("extra", 1, 10).await;
        tail.iter().sum::<u32>() + extra + data.len() as u32
    }
}

case! {
    iterator_across_await(t) => iterating(t);
    #[desugar]
    async fn iterating(t: Trace) -> Vec<String> {
        let items = vec![t.noisy("a"), t.noisy("b")];
        let mut it = items.iter();
        let mut out = Vec::new();
        while let Some(item) = it.next() {
            let name = t.step("name", 1, item.name).await;
            out.push(name.to_uppercase());
        }
        out
    }
}

case! {
    for_over_borrowed(t) => looping(t);
    #[desugar]
    async fn looping(t: Trace) -> u32 {
        let values = vec![3u32, 4, 5];
        let mut total = 0;
        for v in &values {
            total += t.step("value", 1, *v).await;
        }
        total + values.len() as u32
    }
}

case! {
    closure_borrowing_local(t) => recording(t);
    #[desugar]
    async fn recording(t: Trace) -> Vec<u32> {
        let mut seen = Vec::new();
        let mut record = |x: u32| seen.push(x * 10);
        record(1);
        let two = t.step("two", 1, 2).await;
        record(two);
        seen
    }
}

case! {
    async_block_borrowing_locals(t) => waiting(t);
    #[desugar]
    async fn waiting(t: Trace) -> (u32, Option<&'static str>) {
        let mut kind = 0;
        let mut note = None;
        let tr = t.clone();
        let work = async {
            kind = 1;
            let v = tr.step("inner", 2, 5).await;
            note = Some("waited");
            v
        };
        let v = work.await;
        (v + kind, note)
    }
}

case! {
    slot_moved_out_last(t) => handing(t);
    fn consume(t: &Trace, v: Vec<Noisy>, extra: &str) -> usize {
        t.log(format!("consumed {} {extra}", v.len()));
        v.len()
    }
    #[desugar]
    async fn handing(t: Trace) -> usize {
        let items = vec![t.noisy("x"), t.noisy("y")];
        let first = items.first();
        let name = t.step("name", 1, first.map(|n| n.name)).await;
        let label = String::from("done");
        consume(&t, items, &label) + name.map_or(0, str::len)
    }
}

case! {
    accessor_borrow_then_consume(t) => recycle(t);
    pub struct Unready {
        value: Option<u32>,
        guard: Noisy,
    }
    impl Unready {
        fn inner(&mut self) -> &mut u32 {
            self.value.as_mut().expect("a value")
        }
        fn ready(mut self) -> u32 {
            self.guard.touch();
            self.value.take().expect("a value")
        }
    }
    #[desugar]
    async fn recycle(t: Trace) -> Option<u32> {
        let mut unready = Unready { value: Some(1), guard: t.noisy("guard") };
        let inner = unready.inner();
        *inner += t.step("add", 1, 10).await;
        if *inner > 100 {
            return None;
        }
        *inner *= t.step("mul", 1, 2).await;
        Some({ unready }.ready()) // `ready` takes `self`: `{ unready }` says that it moves
    }
}

case! {
    split_halves_across_awaits(t) => echo(t.clone(), Stream { trace: t.clone(), data: vec![1, 2, 3], sent: Vec::new() });
    /// A stream whose `split` lends two halves, like `TcpStream::split`.
    pub struct Stream {
        trace: Trace,
        data: Vec<u8>,
        sent: Vec<u8>,
    }
    pub struct ReadHalf<'a>(&'a Trace, &'a [u8], usize);
    pub struct WriteHalf<'a>(&'a Trace, &'a mut Vec<u8>);
    impl Stream {
        fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
            (ReadHalf(&self.trace, &self.data, 0), WriteHalf(&self.trace, &mut self.sent))
        }
    }
    impl ReadHalf<'_> {
        fn read(&mut self) -> common::Step<Option<u8>> {
            let b = self.1.get(self.2).copied();
            self.2 += 1;
            self.0.step("read", 1, b)
        }
    }
    impl WriteHalf<'_> {
        fn write(&mut self, b: u8) -> common::Step<()> {
            self.1.push(b * 2);
            self.0.step("write", 1, ())
        }
    }
    #[desugar]
    async fn echo(t: Trace, mut stream: Stream) -> Vec<u8> {
        let (mut rd, mut wr) = stream.split();
        while let Some(b) = rd.read().await {
            wr.write(b).await;
        }
        t.log("echoed");
        stream.sent
    }
}

case! {
    mutex_guards(t) => both(t);
    // An `Arc`'d tokio mutex, its guard held across an await; a std guard dropped before one.
    #[desugar]
    async fn guarded(t: Trace, shared: std::sync::Arc<tokio::sync::Mutex<u32>>) -> u32 {
        let before = {
            let counter = std::sync::Mutex::new(10);
            let mut c = counter.lock().unwrap();
            *c += 1;
            *c
        };
        let mut guard = shared.lock().await;
        *guard += t.step("add while locked", 1, 5).await;
        let held = *guard;
        drop(guard);
        held + before
    }
    // A borrowed tokio mutex (`self.state.lock().await`-style).
    #[desugar]
    async fn borrowed(t: Trace, shared: &tokio::sync::Mutex<u32>) -> u32 {
        let mut guard = shared.lock().await;
        let add = t.step("add", 1, 7).await;
        *guard += add;
        *guard
    }
    async fn both(t: Trace) -> (u32, u32) {
        let m = tokio::sync::Mutex::new(1);
        (
            guarded(t.clone(), std::sync::Arc::new(tokio::sync::Mutex::new(1))).await,
            borrowed(t, &m).await,
        )
    }
}

case! {
    await_value_borrows_local(t) => echo(t);
    /// Ready on its second poll with the reference it holds.
    pub struct Echo<'a>(&'a String, bool);
    impl<'a> std::future::Future for Echo<'a> {
        type Output = &'a String;
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<&'a String> {
            if !self.1 {
                self.1 = true;
                cx.waker().wake_by_ref();
                return std::task::Poll::Pending;
            }
            std::task::Poll::Ready(self.0)
        }
    }
    #[desugar]
    async fn echo(t: Trace) -> usize {
        let text = String::from("kept");
        let borrowed = Echo(&text, false).await;
        let more = t.step("more", 1, 1).await;
        borrowed.len() + text.len() + more
    }
}

case! {
    arrays_in_slots(t) => arrays(t);
    #[desugar]
    async fn arrays(t: Trace) -> usize {
        let pair = [t.noisy("a"), t.noisy("b")];
        let mut buf = [0u8; 64];
        t.step("one", 1, ()).await;
        buf[3] = t.step("fill", 1, 7).await;
        let kept: [Noisy; 1] = [t.noisy("c")];
        t.step("two", 1, ()).await;
        drop(pair);
        t.step("three", 1, ()).await;
        buf[3] as usize + kept.len()
    }
}

case! {
    array_moved_after_await(t) => array_moved(t);
    #[desugar]
    async fn array_moved(t: Trace) -> Vec<Noisy> {
        let items = [t.noisy("x"), t.noisy("y")];
        t.step("one", 1, ()).await;
        let out = Vec::from(items);
        t.step("two", 1, ()).await;
        out
    }
}

case! {
    futures_lent_locals(t) => piping(t);
    async fn read_all(t: Trace, pipe: &mut Option<Vec<Noisy>>) -> usize {
        let n = t.step("read", 1, pipe.as_ref().map_or(0, Vec::len)).await;
        pipe.take();
        n
    }
    #[desugar]
    async fn piping(t: Trace) -> (usize, usize) {
        // Futures built ahead, lent locals by `&mut`, then awaited together
        // (`tokio::process::Child::wait_with_output`): the locals must not move meanwhile.
        let mut out = Some(vec![t.noisy("o1"), t.noisy("o2")]);
        let mut err = Some(vec![t.noisy("e1")]);
        let out_fut = read_all(t.clone(), &mut out);
        let err_fut = read_all(t.clone(), &mut err);
        let both = tokio::join!(out_fut, err_fut);
        t.step("after", 1, ()).await;
        drop((out, err));
        both
    }
}

case! {
    ref_binding_awaited(t) => busy(t);
    pub struct Holder {
        state: Option<common::Step<u32>>,
        _guard: Noisy,
    }
    #[desugar]
    async fn busy(t: Trace) -> u32 {
        // A `ref mut` binding into a local, awaited: the local must not move meanwhile.
        let mut holder = Holder { state: Some(t.step("busy", 2, 7)), _guard: t.noisy("holder") };
        let n = match holder.state {
            Some(ref mut fut) => fut.await,
            None => 0,
        };
        holder.state = None;
        n + t.step("after", 1, 1).await
    }
}

case! {
    ref_binding_into_awaited_value(t) => busy_after_lock(t);
    pub struct Locked {
        state: Option<common::Step<u32>>,
        _guard: Noisy,
    }
    #[desugar]
    async fn busy_after_lock(t: Trace) -> u32 {
        // The same, the local's value from an `.await` (tokio's `File::set_len`:
        // `let mut inner = self.inner.lock().await;`): its slot is filled when the value arrives.
        let mut inner = t
            .step("lock", 1, Locked { state: None, _guard: t.noisy("inner") })
            .await;
        inner.state = Some(t.step("busy", 2, 7));
        let n = match inner.state {
            Some(ref mut fut) => fut.await,
            None => 0,
        };
        inner.state = None;
        n + t.step("after", 1, 1).await
    }
}

case! {
    pattern_local_borrowed_across_await(t) => pattern_slots(t);
    #[desugar]
    async fn pattern_slots(t: Trace) -> u32 {
        // A local from a pattern, borrowed across an `.await`: it moves into a slot after the
        // `let`, and the bindings after it are declared again, so that `last` still drops
        // before `data` and `data` before `first`.
        let (first, data, mut last) = (
            t.noisy("first"),
            (t.noisy("data"), vec![1u32, 2, 3]),
            t.noisy("last"),
        );
        let tail = &data.1[1..];
        t.step("pause", 1, ()).await;
        last.name = "last, renamed";
        let n = tail.iter().sum::<u32>() + data.1.len() as u32;
        let _keep = &first;
        n + t.step("after", 1, 1).await
    }
}

case! {
    ref_binding_into_awaited_pattern(t) => busy_pair(t);
    pub struct BusyPair {
        state: Option<common::Step<u32>>,
        _guard: Noisy,
    }
    #[desugar]
    async fn busy_pair(t: Trace) -> u32 {
        // The same for a local bound by a pattern from an `.await`.
        let (before, mut inner, after) = t
            .step(
                "lock",
                1,
                (t.noisy("before"), BusyPair { state: None, _guard: t.noisy("inner") }, t.noisy("after")),
            )
            .await;
        inner.state = Some(t.step("busy", 2, 7));
        let n = match inner.state {
            Some(ref mut fut) => fut.await,
            None => 0,
        };
        inner.state = None;
        drop(before);
        let _keep = &after;
        n + t.step("after", 1, 1).await
    }
}

case! {
    pattern_local_in_slot_dropped_early(t) => early_return(t);
    #[desugar]
    async fn early_return(t: Trace) -> u32 {
        // The same, the function returning before the `.await`: the drops happen in the code
        // that declared the locals, so the order comes from the declarations written there.
        let (first, data, mut last) = (
            t.noisy("first"),
            (t.noisy("data"), vec![1u32, 2, 3]),
            t.noisy("last"),
        );
        let tail = &data.1[1..];
        if tail.len() == 2 {
            last.name = "last, renamed";
            let _keep = &first;
            return tail.iter().sum::<u32>();
        }
        t.step("pause", 1, ()).await;
        tail.len() as u32
    }
}

case! {
    if_let_binding_in_slot(t) => if_let_slot(t);
    #[desugar]
    async fn if_let_slot(t: Trace) -> u32 {
        // An `if let` binding borrowed across an `.await` moves into a slot at the top of the
        // body.
        if let Some(data) = Some((t.noisy("data"), vec![1u32, 2, 3])) {
            let tail = &data.1[1..];
            t.step("pause", 1, ()).await;
            tail.iter().sum::<u32>()
        } else {
            0
        }
    }
}

case! {
    match_bindings_in_slot(t) => arm_slots(t);
    #[desugar]
    async fn arm_slots(t: Trace) -> u32 {
        // The same in a match arm, one binding in a slot, the others declared again (`mut`
        // included) so that they drop in the same order.
        let a = match Some((t.noisy("a"), (t.noisy("data"), vec![1u32, 2, 3]), t.noisy("b"))) {
            Some((a, data, mut b)) => {
                let tail = &data.1[1..];
                t.step("pause", 1, ()).await;
                b.name = "b, renamed";
                let _keep = &a;
                tail.iter().sum::<u32>()
            }
            None => 0,
        };
        let b = match Some((t.noisy("c"), (t.noisy("data 2"), vec![4u32, 5]), t.noisy("d"))) {
            Some((c, data, d)) => {
                let tail = &data.1[1..];
                if tail.len() == 1 {
                    // Dropped before any `.await`: in the code that moved them.
                    let _keep = (&c, &d);
                    return a + tail[0];
                }
                t.step("never", 1, ()).await;
                0
            }
            None => 0,
        };
        a + b
    }
}

case! {
    while_let_mut_binding_kept(t) => while_let_mut(t);
    #[desugar]
    async fn while_let_mut(t: Trace) -> u32 {
        // A `mut` binding of a `while let` kept across an `.await`: mutated only in the next
        // state, declared again with its `mut` (no `unused_mut` in the expansion).
        let mut items = vec![t.noisy("x"), t.noisy("y")];
        let mut n = 0;
        while let Some(mut item) = items.pop() {
            t.step("tick", 1, ()).await;
            item.name = "seen";
            n += 1;
        }
        n
    }
}

case! {
    slot_moved_out_before_a_later_await(t) => moved_on(t);
    #[desugar]
    async fn moved_on(t: Trace) -> usize {
        // `v` lives in a slot (`first` borrows it across an `.await`); once it moved out of its
        // slot, the state of the next `.await` must not reach for it there (issue 16: this
        // panicked with "entered unreachable code").
        let mut v = vec![t.noisy("a")];
        {
            let first = &v[0];
            t.step("borrowed", 1, ()).await;
            t.log(format!("first {}", first.name));
        }
        v.push(t.noisy("b"));
        let moved = v;
        t.step("after the move", 1, ()).await;
        moved.len()
    }
}

case! {
    slot_local_returned_from_a_loop(t) => returned(t);
    #[desugar]
    async fn returned(t: Trace) -> Vec<Noisy> {
        // `items` lives in a slot (`first` borrows it across an `.await`) and is returned from
        // inside the loop: it moves out of its slot there, although the loop goes on using it
        // on its other path.
        let items = vec![t.noisy("a"), t.noisy("bb")];
        let mut seen = 0;
        loop {
            let first = items.first();
            t.step("tick", 1, ()).await;
            seen += first.map_or(0, |n| n.name.len());
            if seen > 2 {
                return items;
            }
        }
    }
}

case! {
    slot_borrowed_and_moved_in_one_statement(t) => entry(t);
    // From the fuzzer (seed 491, SIGSEGV): `t` lives in a slot (the awaited future borrows
    // it), and `t.val(..)` is its last use, by an unknown method; taking it out of its slot
    // there left `&t`, the argument before, pointing into the emptied slot. A statement that
    // also borrows the local keeps it where it is.
    #[desugar]
    pub async fn entry(t: Trace) -> Option<u32> {
        let c = maybe(&t, t.val(t.step("x", 1, 6).await).get());
        if let Some(n) = maybe(&t, t.val(t.step("y", 1, 2).await).get()) && n % 3 != 1 {
            return Some(n);
        }
        c
    }
}

case! {
    extended_temporary_across_await(t) => extended(t);
    // From the fuzzer (seed 1, E0716): `let r = &mut make();` keeps the temporary to the end
    // of the block; here it becomes a local declared before `r`, so that it drops where
    // rustc drops it, after the locals declared after it.
    #[desugar]
    pub async fn extended(t: Trace) -> u32 {
        let r = &mut t.val(3);
        let _kept = t.noisy("kept");
        let shared = &t.noisy("shared");
        let k = t.step("x", 1, 6).await;
        r.take() + k + shared.name.len() as u32
    }
}

case! {
    closure_inside_a_value(t) => entry(t);
    // From a reduction of async-lock's `initialize_or_wait` (crater): a closure borrowing a
    // local, kept inside another value (`Some(|| ..)`), across an `.await`.
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut closure = Some(|| t.step("init", 1, 3u32));
        let first = t.step("first", 1, 1).await;
        let init = closure.take().unwrap();
        first + init().await
    }
}

case! {
    arm_binding_shadows_a_slot_local(t) => entry(t);
    // From async-net's `UdpSocket::send_to` (crater, E0614): `addr` lives in a slot (an accessor
    // of it is awaited), and the arm's binding `addr` hides it in the arm.
    #[desugar]
    async fn send_to(t: &Trace, addr: Val) -> u32 {
        let addr = match t.step("resolve", 1, Some(addr.get())).await {
            Some(addr) => addr,
            None => return 0,
        };
        if let Some(addr) = Some(addr + 1) {
            t.log(format!("then {addr}"));
        }
        t.step("send", 1, addr).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let addr = t.val(3);
        send_to(&t, addr).await
    }
}

case! {
    extended_field_of_an_awaited_value(t) => verify(t);
    // wiremock's `BareMockServer::verify` (crater, E0507): `&lock().await.field` extends the
    // awaited value (the guard), not the field.
    #[desugar]
    pub async fn verify(t: Trace) -> u32 {
        let a = &t.step("read", 1, Pair { a: t.val(4), n: 2 }).await.a;
        let n = t.step("between", 1, 3).await;
        a.get() + n
    }
}

case! {
    for_over_copied_iterator_of_a_parameter(t) => entry(t);
    // An ordinary program (`for k in ks.iter().copied() { x.get(k).await }`): `.copied()` on an
    // iterator still borrows `ks`, which must stay in place (E0505); on an `Option` it owns.
    #[desugar]
    async fn sum(t: Trace, ks: Vec<u32>) -> u32 {
        let first = ks.first().copied();
        let mut total = 0;
        for k in ks.iter().copied() {
            total += t.step("k", 1, k).await;
        }
        total + first.unwrap_or(0)
    }
    pub async fn entry(t: Trace) -> u32 {
        sum(t, vec![1, 2, 3]).await
    }
}

case! {
    let_else_binding_lent_to_chunks(t) => entry(t);
    // An ordinary program: `let Some(data) = self.inner.take() else { .. }; for chunk in
    // data.chunks(2) { x.await }`. `chunks` lends `data` (E0505), which, bound by a `let ...
    // else`, can live in a slot.
    #[desugar]
    async fn drain(t: Trace, inner: Option<Vec<u8>>) -> usize {
        let Some(data) = inner else {
            return 0;
        };
        let mut n = 0;
        for chunk in data.chunks(2) {
            n += t.step("chunk", 1, chunk.len()).await;
        }
        n
    }
    pub async fn entry(t: Trace) -> (usize, usize) {
        (drain(t.clone(), Some(vec![1, 2, 3])).await, drain(t, None).await)
    }
}

case! {
    slot_local_moved_into_an_awaited_expression(t) => borrowed_then_moved(t);
    // moka's `borrowed_forms_of_key` (crater, E0507): `key` is lent across `.await`s, so it
    // lives in a slot; its last use moves it into an awaited expression, which takes it out.
    #[desugar]
    async fn borrowed_then_moved(t: Trace) -> u32 {
        let key = t.val(1);
        let key_v: &Val = &key;
        let a = t.step("get", 1, key_v.get()).await;
        let b = t.step("check", 1, key_v.get()).await;
        let c = t.step("insert", 1, key).await;
        t.log("after");
        a + b + c.get()
    }
}

// From the fuzzer (seed 1411, reduced): `_next` may borrow `t` (as far as the syntax shows) and
// is not used after the `.await`; `t` can have a slot, so `_next` is kept and dropped at the end
// of its scope (it was dropped at the `.await`).
case! {
    unused_local_that_may_borrow_a_slottable_one(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let _next = {
            let _fut = async { t.val(1) };
            Some(t.val(12))
        };
        t.step("s", 1, 2).await
    }
}

// From crater (moka's `verify_notification_vec`, E0716): `let v = &*guard().await;` keeps the
// awaited value to the end of the block, as a temporary `&` extends; it was dropped at the end
// of the `let`, while `v` borrowed it.
case! {
    extended_temporary_behind_a_deref(t) => entry(t);
    #[desugar]
    async fn held(t: Trace) -> u32 {
        let v = &*t.step("boxed", 1, Box::new(t.val(4))).await;
        t.step("between", 1, ()).await;
        let n = v.get();
        t.log("end of block");
        n
    }
    pub async fn entry(t: Trace) -> u32 {
        held(t).await
    }
}

// Fuzz seed 2051: `p.n` read three times is a copy (a moved field could not be read again), so
// `p` keeps its `Val` to the end of the function, past the second `.await`.
case! {
    field_copied_keeps_its_struct(t) => copying_fields(t);
    #[desugar]
    async fn copying_fields(t: Trace) -> Val {
        let p = t.step("s26", 0, Pair { a: t.val(0), n: 63 }).await;
        t.val(t.step("s27", 1, [p.n, p.n, p.n].iter().sum::<u32>() % 1000).await)
    }
}

// The other guesses: a number in arithmetic is a copy; a field read once in a value is taken
// as moved (the rest of the struct has nothing to drop here, so both agree with rustc).
case! {
    field_in_arithmetic_and_field_moved(t) => reading_fields(t);
    #[desugar]
    async fn reading_fields(t: Trace) -> u32 {
        let p = Pair { a: t.val(1), n: 2 };
        let doubled = p.n * 2;
        t.step("s1", 1, ()).await;
        let q = Pair { a: t.val(3), n: 4 };
        let moved = consume(q.a);
        t.step("s2", 1, doubled + moved).await
    }
}

// Fresh fuzz seeds 2667, 2685: a field read in a `move` closure, copied (read three times, or
// read again later on the path), left the struct dropped at the next `.await` instead of the
// end of its scope; and a `match` on a field read it as a move of the struct.
case! {
    field_in_move_closure_keeps_its_struct(t) => both(t);
    #[desugar]
    async fn closure_reads(t: Trace, p: Pair) -> u32 {
        let sum = t.spawn(move || [p.n, p.n, p.n].iter().sum::<u32>() % 1000).await;
        t.step("s1", 1, sum).await
    }
    #[desugar]
    async fn scrutinee_field(t: Trace, p: Pair, way: u32) -> u32 {
        let x = match p.n {
            0 => t.step("zero", 1, 0).await,
            n @ 1..=5 => n + way,
            _ => t.spawn(move || p.n).await,
        };
        t.step("after", 1, ()).await;
        x
    }
    async fn both(t: Trace) -> [u32; 4] {
        [
            closure_reads(t.clone(), Pair { a: t.val(0), n: 7 }).await,
            scrutinee_field(t.clone(), Pair { a: t.val(1), n: 0 }, 0).await,
            scrutinee_field(t.clone(), Pair { a: t.val(2), n: 3 }, 1).await,
            scrutinee_field(t.clone(), Pair { a: t.val(3), n: 9 }, 2).await,
        ]
    }
}

// A local moved in two branches of one statement and kept on its third path: each move takes
// it out of its slot (they never both run); it was given no slot and dropped at the `.await`.
case! {
    moved_in_two_branches_of_one_statement(t) => all(t);
    fn consume(v: Vec<Noisy>) -> usize {
        v.len()
    }
    #[desugar]
    async fn branches(t: Trace, way: u32) -> usize {
        let v = vec![t.noisy("a"), t.noisy("b")];
        let n = match way {
            0 => consume(v),
            1 => {
                drop(v);
                1
            }
            _ => 2,
        };
        t.step("pause", 1, ()).await;
        n
    }
    async fn all(t: Trace) -> [usize; 3] {
        [branches(t.clone(), 0).await, branches(t.clone(), 1).await, branches(t.clone(), 2).await]
    }
}

case! {
    literal_field_read_keeps_its_struct(t) => entry(t);
    // Fresh fuzz seed 3974: `p.n` read once, by value, in a call's arguments was taken for a
    // move, which leaves `p` partly moved: the rest of `p` was dropped at the next `.await`
    // instead of at the end of the function. The struct literal gives `n` a number: `Copy`.
    #[desugar]
    pub async fn plain(t: Trace) -> Result<u32, Bad> {
        let p = Pair {
            a: t.val(101),
            n: 5,
        };
        Ok(t.step("s13", 1, check(&t, p.n)?).await)
    }
    // (As the seed: the literal awaits.)
    #[desugar]
    pub async fn awaiting(t: Trace) -> Result<u32, Bad> {
        let p = Pair {
            a: t.step("a", 1, t.val(102)).await,
            n: 6,
        };
        Ok(t.step("s14", 1, check(&t, p.n)?).await)
    }
    pub async fn entry(t: Trace) -> Result<u32, Bad> {
        Ok(plain(t.clone()).await? + awaiting(t).await?)
    }
}

case! {
    match_binds_by_reference_in_one_arm_and_moves_in_another(t) => entry(t);
    // Fuzz seed 32: a `ref` binding held across an `.await` in one arm, a move out of the same
    // place in another: the place was taken out of its slot for the moving arms, and the `ref`
    // arm borrowed the `match`'s own temporary (E0716; E0507 for a local).
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut total = 0;
        for n in [0, 5, 9] {
            match (Pair { a: t.val(7), n }) {
                Pair { a: buf, n: 0 } => drop(buf),
                Pair { a: ref buf, n: k @ (1 | 4 | 5) } => {
                    t.step("s", 1, ()).await;
                    total += buf.get() + k;
                }
                Pair { a: buf, .. } => total += consume(buf),
            }
        }
        let p = Pair { a: t.val(3), n: 1 };
        match p {
            Pair { a: buf, n: 0 } => drop(buf),
            Pair { a: ref buf, .. } => {
                t.step("p", 1, ()).await;
                total += buf.get();
            }
        }
        total
    }
}

case! {
    match_binds_by_mutable_reference_in_one_arm_and_moves_in_another(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut o = maybe_val(&t, 3);
        let flag = o.as_ref().is_some_and(|v| v.get() == 3);
        match o {
            Some(ref mut v) if flag => {
                t.step("s", 1, ()).await;
                v.take();
            }
            Some(v) => drop(v),
            None => {}
        }
        t.step("after", 1, ()).await;
        3
    }
}

// Crater (async-process's `reap`, E0505 once its `cfg_wait!` was expanded): a scrutinee's
// tuple that holds a reference to a local (`(self, &lock)`), kept across the `.await` of the
// arm, borrows the local: it gets a slot, and is moved out of it later.
case! {
    tuple_scrutinee_borrows_a_local(t) => entry(t);
    #[desugar]
    pub async fn reap(t: Trace, n: u32, lock: Option<Val>) -> u32 {
        if let (1, None) = (n, &lock) {
            t.step("wait", 1, ()).await;
        }
        if let (2, Some(held)) = (n, lock) {
            return t.step("held", 1, held).await.get();
        }
        0
    }
    pub async fn entry(t: Trace) -> [u32; 3] {
        [
            reap(t.clone(), 1, None).await,
            reap(t.clone(), 2, Some(t.val(5))).await,
            reap(t.clone(), 1, Some(t.val(6))).await,
        ]
    }
}

// A type declared under the same name in two files of the crate, with methods that take their
// receivers differently: `Parcel7568::subscribe` borrows here and consumes in `methods.rs`
// (`consuming_method_on_a_lifted_literal`). Each file's functions read their own file's
// declaration (the two disagreeing, neither was read, and the case there failed with E0507).
case! {
    same_type_name_in_another_file(t) => entry(t);
    pub struct Parcel7568 {
        a: Val,
    }
    impl Parcel7568 {
        fn subscribe(&self) -> u32 {
            self.a.get()
        }
    }
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let p = Parcel7568 { a: t.val(5) };
        let n = p.subscribe();
        t.step("s", 1, n).await + p.subscribe()
    }
}

// From the fuzzer (seed 188, reduced): `std::mem::replace(&mut *r, (async { .. }).await)` with
// `r = &mut t.val(..)`: the lifted `&mut *r` is kept across the `.await`, so `r` gets a slot,
// and what `r` borrows (the extended temporary) gets one too; it was kept in the state, which
// moves it while `r` borrows it (E0505).
case! {
    slot_for_what_a_slotted_reference_borrows(t) => entry(t);
    struct Ctx188 {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx188 {
        async fn subscribe(self, t: Trace) -> Val {
            t.step("s11", 2, ()).await;
            let r = &mut t.val(self.n);
            std::mem::replace(
                &mut *r,
                (async {
                    t.step("s", 1, self.n).await;
                    self.a.subscribe()
                })
                .await,
            )
        }
    }
    pub async fn entry(t: Trace) -> Val {
        Ctx188 { a: t.val(1), n: 2 }.subscribe(t.clone()).await
    }
}

// Fresh fuzz seed 10448 (reduced): a `ref` binding of an `if let` is a reference, which
// drops nothing. In scope at an `.await` (here in a `let ... else`'s `else`) but not used
// after it, it was kept in the state beside the local it borrows, which moved there (E0505).
case! {
    #[panics]
    ref_binding_not_kept_beside_its_referent(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let next = maybe_val(&t, 3);
        if let Some(ref _v) = next {
            let first = &mut t.val(4);
            let Some(v) = maybe_val(&t, 5) else {
                first.recv().await;
                panic!("boom 5");
            };
            v.lock();
        }
        1
    }
}

// Fresh fuzz seed 10621 (reduced): `r = &mut *buf` kept across an `.await`, `buf` a `ref mut`
// binding of the parameter `p0`. A `ref` binding cannot have a slot, and the search for what a
// kept borrow needs in place stopped there; `p0` moved into the state while `r` borrowed it
// (E0505, E0716). A reference passes the borrow on: `p0` gets a slot.
case! {
    reborrow_of_a_ref_binding_keeps_the_scrutinee_in_place(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, mut p0: Option<Val>, p1: u32) -> u32 {
        match p0 {
            Some(ref mut buf) => {
                let r = &mut *buf;
                let _v = match p1 {
                    0 => t.val(r.get()),
                    _ => {
                        r.wait(2).await;
                        t.val(p1)
                    }
                };
            }
            None => t.log("none"),
        }
        p1
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), Some(t.val(1)), 0).await + f1(t.clone(), Some(t.val(2)), 3).await
    }
}

// Found reducing fresh fuzz seed 12138: a local in a slot read in a loop, then moved after the
// loop in the same plain code, was not taken out of its slot (a loop may run the read again
// only after a move inside it); and a field init shorthand `Pair { a, .. }` of it was printed
// unchanged (E0308, `&mut Val`): the rewritten value needs the colon.
case! {
    moved_after_a_loop_that_reads_it_in_field_shorthand(t) => entry(t);
    #[desugar]
    async fn f(t: Trace, n: u32) -> u32 {
        let a = t.val(1);
        let x = match n {
            0 => {
                for _j in 0..1 {
                    t.log(format!("at23 {}", a.get()));
                }
                Pair { a, n: 1 }
            }
            _ => Pair { a: t.val(2), n: (async { a.get() }).await },
        };
        x.n
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f(t.clone(), 0).await + f(t.clone(), 1).await
    }
}

// Crater, tokio-postgres's `prepare` (reduced): `let mut it = desc.parameters();` kept across
// `.await`s, where the crate's `parameters(&self) -> Params<'_>` says the iterator borrows
// `desc`. What a call returns was read as borrowing only by the method's name, so `desc` moved
// into the state while `it` borrowed it (E0505).
case! {
    iterator_borrowing_a_local_by_a_crate_method(t) => entry(t);
    pub struct Desc { v: Vec<u32> }
    pub struct Params<'a> { v: &'a [u32], i: usize }
    impl Desc {
        pub fn parameters(&self) -> Params<'_> { Params { v: &self.v, i: 0 } }
    }
    impl Params<'_> {
        pub fn next(&mut self) -> Result<Option<u32>, String> {
            self.i += 1;
            Ok(self.v.get(self.i - 1).copied())
        }
    }
    #[desugar]
    async fn prep(t: Trace, k: u32) -> Result<u32, String> {
        let desc = match t.step("a", 1, Some(Desc { v: vec![1u32, 2, 3, k] })).await {
            Some(v) => v,
            _ => return Err("none".into()),
        };
        let mut total = 0;
        let mut it = desc.parameters();
        while let Some(x) = it.next().map_err(|e| format!("parse: {e}"))? {
            total += t.step("b", 1, x).await;
        }
        Ok(total)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Result<u32, String> {
        prep(t.clone(), 4).await
    }
}

// Crater, tokio-postgres's `get_type` (reduced): `query(client, &[&oid]).await`, the
// postgres idiom. The array the future borrows is lifted into a local, where it was typed
// `[&u32; 1]` before its use could coerce it to `&[&(dyn ToSql + Sync)]` (E0308). Its
// references are written `&oid as &_`, which leaves the coercion to the use.
case! {
    borrowed_array_of_references_keeps_its_coercion(t) => entry(t);
    async fn query(t: &Trace, params: &[&(dyn std::fmt::Display + Sync)]) -> u32 {
        let n = params.iter().map(|p| p.to_string().len() as u32).sum::<u32>();
        t.step("q", 1, n).await
    }
    #[desugar]
    async fn get(t: Trace, oid: u32, name: String) -> u32 {
        let a = query(&t, &[&oid]).await;
        let b = query(&t, &[&oid, &name]).await;
        a + b
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        get(t.clone(), 1234, "abc".into()).await
    }
}

// Crater, tokio-postgres's `prepare` and `query_typed` (reduced): `let mut it =
// desc.parameters();` where nothing tells what `parameters` returns (another crate's method):
// it was taken to hold no borrow, `desc` moved into the state while `it` borrowed it (E0505).
// What a method that may borrow its receiver returns is taken to borrow it: the receiver stays
// where it is, which compiles either way.
case! {
    iterator_from_a_method_of_unknown_signature_borrows(t) => entry(t);
    #[desugar]
    async fn prep(t: Trace, k: u32) -> Option<u32> {
        let desc = match t.step("a", 1, Some(format!("ab{k}"))).await {
            Some(v) => v,
            _ => return None,
        };
        let mut total = 0;
        let mut it = desc.encode_utf16();
        while let Some(x) = it.next() {
            total += t.step("b", 1, x as u32).await;
        }
        drop(desc);
        Some(total)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Option<u32> {
        prep(t.clone(), 4).await
    }
}

// Crater, tiberius's `Client::query` (reduced): a stream reborrowing `&mut this.connection`,
// kept across an `.await` and returned with `this`'s lifetime. `this`, not used after, was still
// kept to the end of its scope, moved from state to state while reborrowed (E0505). A reference
// has nothing to drop: one not used after is not kept.
case! {
    mut_reference_reborrowed_for_its_lifetime(t) => entry(t);
    pub struct Conn(Vec<u32>, Trace);
    pub struct Stream<'a>(&'a mut Conn, u32);
    impl Stream<'_> {
        async fn forward(&mut self) -> Result<(), ()> {
            self.1 = self.0 .1.step("forward", 2, self.0 .0.len() as u32).await;
            Ok(())
        }
    }
    pub struct Client {
        connection: Conn,
    }
    impl Client {
        async fn flush(&mut self) -> Result<(), ()> {
            self.connection.1.step("flush", 1, ()).await;
            self.connection.0.push(1);
            Ok(())
        }
    }
    #[desugar]
    async fn query<'a>(this: &'a mut Client, n: u32) -> Result<Stream<'a>, ()> {
        this.flush().await?;
        let mut result = Stream(&mut this.connection, n);
        result.forward().await?;
        Ok(result)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut client = Client { connection: Conn(vec![], t.clone()) };
        let stream = query(&mut client, 3).await.unwrap();
        stream.1 + stream.0 .0.len() as u32
    }
}

// Crater, async_zip's `done` and `skip` (reduced): `reader.read(&mut [0; 1]).await`. A constant
// borrowed mutably is a temporary, not promoted to a `'static` as `&[0; 1]` would be: the
// future borrows it, so it lives in the state (E0716).
case! {
    mutably_borrowed_constant_in_an_awaited_call(t) => entry(t);
    pub struct Reader(Vec<u8>, Trace);
    impl Reader {
        async fn read(&mut self, buf: &mut [u8]) -> usize {
            self.1.step("read", 1, ()).await;
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            n
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> usize {
        let mut r = Reader(vec![1, 2, 3, 4, 5], t);
        let first = r.read(&mut [0; 1]).await;
        let mut total = first;
        while r.read(&mut [0; 2]).await != 0 {
            total += 1;
        }
        total
    }
}

// Crater, async_zip's `into_entry` (reduced): `let entry = this.file.entries.get(i).ok_or(())?;`
// kept across an `.await`, then `this.reader` moved. What `?` unwraps holds the borrow of
// `this.file`, which was moved from state to state while borrowed (E0716, E0505).
case! {
    borrow_through_the_question_mark(t) => entry(t);
    pub struct Entry(u32, Trace);
    impl Entry {
        async fn seek(&self, r: &mut Vec<u8>) -> Result<(), ()> {
            r.push(self.1.step("seek", 1, self.0 as u8).await);
            Ok(())
        }
    }
    pub struct File {
        entries: Vec<Entry>,
    }
    pub struct Reader {
        reader: Vec<u8>,
        file: File,
    }
    #[desugar]
    async fn into_entry(mut this: Reader, index: usize) -> Result<(Vec<u8>, u32), ()> {
        let stored = this.file.entries.get(index).ok_or(())?;
        stored.seek(&mut this.reader).await?;
        Ok((this.reader, stored.0))
    }
    type Opened = Result<(Vec<u8>, u32), ()>;
    #[desugar]
    pub async fn entry(t: Trace) -> (Opened, Opened) {
        let make = |t: &Trace| Reader { reader: vec![9], file: File { entries: vec![Entry(4, t.clone())] } };
        (into_entry(make(&t), 0).await, into_entry(make(&t), 1).await)
    }
}

// Crater, tiberius's `BulkLoadRequest::send` (reduced): `let mut cols = Cols::new(&mut
// this.buf, &this.columns);` used before an `.await` that borrows `this` again. `cols` was kept
// to the end of its scope in case it has a destructor, holding its `&mut` (E0499); the crate
// declares it with references only and no `Drop` impl: dropping it does nothing, and rustc's
// borrow ends at its last use.
case! {
    struct_of_references_dropped_at_its_last_use(t) => entry(t);
    pub struct Cols<'a> {
        bytes: &'a mut Vec<u8>,
        columns: &'a Vec<u32>,
    }
    impl<'a> Cols<'a> {
        pub fn new(bytes: &'a mut Vec<u8>, columns: &'a Vec<u32>) -> Self {
            Cols { bytes, columns }
        }
    }
    pub struct Row(u32);
    impl Row {
        fn encode(self, c: &mut Cols<'_>) -> Result<(), ()> {
            c.bytes.push(self.0 as u8 + c.columns.len() as u8);
            Ok(())
        }
    }
    pub struct Bulk {
        buf: Vec<u8>,
        columns: Vec<u32>,
        t: Trace,
    }
    impl Bulk {
        async fn write_packets(&mut self) -> Result<usize, ()> {
            self.t.step("write", 1, ()).await;
            let n = self.buf.len();
            self.buf.clear();
            Ok(n)
        }
    }
    #[desugar]
    async fn send(this: &mut Bulk, row: Row) -> Result<usize, ()> {
        let mut cols = Cols::new(&mut this.buf, &this.columns);
        row.encode(&mut cols)?;
        this.write_packets().await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Result<usize, ()> {
        let mut bulk = Bulk { buf: vec![1], columns: vec![2, 3], t };
        send(&mut bulk, Row(4)).await
    }
}

// Crater, kameo's `ActorPool::handle` (reduced): a tuple struct built from a borrow holds it
// (`Lent(&t, 2)`), so what it borrows stays put while it is kept; `t` moved from state to
// state while `lent` borrowed it (E0505).
case! {
    tuple_struct_holds_the_borrow_it_is_built_from(t) => entry(t);
    pub struct Lent<'a>(&'a Trace, u32);
    impl Lent<'_> {
        async fn ask(&self) -> u32 {
            self.0.step("ask", 1, self.1).await
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let lent = Lent(&t, 2);
        let n = lent.ask().await;
        consume(t.val(n))
    }
}

// Crater, tiberius's `Connection::login` (reduced): `message.user_name(auth.user())` leaves
// in `message` a borrow of `auth`, which then moved from state to state while the awaited
// future held `message` (E0505). A method that may keep what it is given (not known to take
// its receiver by value or by shared reference) makes its receiver borrow what the arguments
// borrow.
case! {
    receiver_keeps_what_its_method_is_given(t) => entry(t);
    pub enum AuthMethod {
        None,
        Sql(Creds),
    }
    pub struct Creds(Val);
    impl Creds {
        fn user(&self) -> &Val {
            &self.0
        }
    }
    pub struct Login<'a>(Option<&'a Val>);
    impl<'a> Login<'a> {
        fn user_name(&mut self, user: &'a Val) {
            self.0 = Some(user);
        }
    }
    async fn send(t: &Trace, login: Login<'_>) -> u32 {
        t.step("send", 1, login.0.map_or(0, |v| v.get())).await
    }
    #[desugar]
    async fn login(t: &Trace, auth: AuthMethod) -> u32 {
        let mut message = Login(None);
        match auth {
            AuthMethod::Sql(auth) => {
                message.user_name(auth.user());
                send(t, message).await
            }
            AuthMethod::None => send(t, message).await,
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        login(&t, AuthMethod::Sql(Creds(t.val(3)))).await + login(&t, AuthMethod::None).await
    }
}

// From crater (async-openai's tests, octocrab's `list`, E0716): `client.view()` returns a value,
// not a reference, that borrows `client`; `fetch`'s future borrows that temporary, which must
// live to the end of the statement, past the `.await`. It was not lifted, as a reference is not.
case! {
    temporary_value_holding_a_borrow(t) => viewed(t);
    struct Client {
        t: Trace,
        name: Val,
    }
    struct View<'c> {
        client: &'c Client,
        tag: Val,
    }
    impl Client {
        fn view(&self) -> View<'_> {
            View { client: self, tag: self.t.val(7) }
        }
    }
    impl View<'_> {
        async fn fetch(&self, n: u32) -> u32 {
            self.client.t.step("fetch", 2, n + self.tag.get()).await
        }
    }
    #[desugar]
    async fn viewed(t: Trace) -> u32 {
        let client = Client { t: t.clone(), name: t.val(1) };
        let n = client.view().fetch(3).await;
        t.log("after");
        n + client.name.get()
    }
}

// From crater (octocrab's `list` and `commits`, E0716): `Some(&self)` borrows the reference
// `self` itself, so it is kept in place; a reference a method is called through (`self.crab`)
// was taken to be copied into the call and left behind.
case! {
    reference_borrowed_by_the_awaited_future(t) => entry(t);
    struct Crab {
        t: Trace,
    }
    impl Crab {
        async fn get(&self, n: u32, builder: Option<&&Builder<'_>>) -> u32 {
            let n = self.t.step("get", 1, n).await;
            n + builder.map_or(0, |b| b.page)
        }
    }
    struct Builder<'c> {
        crab: &'c Crab,
        page: u32,
    }
    #[desugar]
    impl Builder<'_> {
        async fn list(&self) -> u32 {
            let n = self.crab.t.val(3).get();
            self.crab.get(n, Some(&self)).await
        }
    }
    async fn entry(t: Trace) -> u32 {
        let crab = Crab { t };
        Builder { crab: &crab, page: 2 }.list().await
    }
}

// From an ordinary program (a helper's p7, memory corruption): in an `async` block nothing
// checks that the value of an `.await` does not borrow a local kept in place (there is no
// `'fut` to name), and the value of `sink.push(1).await`, a `&mut Sink`, pointed into `sink`
// while it moved on. Without that check, a local the value may borrow gets a slot also where
// it moves later (taken out of the slot there), and so does the value itself when the next
// call of the chain reborrows it. (In an `async fn` the same body is still refused: "`'pinned`
// must outlive `'fut`", docs/SEMANTICS.md.)
case! {
    awaited_reference_chained_then_local_moved_in_an_async_block(t) => entry(t);
    struct Sink {
        t: Trace,
        parts: Vec<Val>,
    }
    impl Sink {
        async fn push(&mut self, n: u32) -> &mut Self {
            let v = self.t.step("push", 1, n).await;
            self.parts.push(self.t.val(v));
            self
        }
    }
    #[desugar]
    #[allow(clippy::manual_async_fn)]
    fn entry(t: Trace) -> impl std::future::Future<Output = u32> {
        async move {
            let mut sink = Sink { t: t.clone(), parts: Vec::new() };
            sink.push(1).await.push(2).await;
            let parts = sink.parts;
            t.log("moved");
            parts.iter().map(Val::get).sum()
        }
    }
}

// From an ordinary program (a helper's p8, `Session::new(&mut reader)`; E0505): what a function
// returns may hold what its `&` arguments borrow, so the borrowed local stays where it is.
case! {
    reference_returned_by_a_call_kept_across_an_await(t) => run(t);
    fn first(v: &[Val]) -> &Val {
        &v[0]
    }
    struct Session<'r> {
        reader: &'r mut Vec<Val>,
    }
    impl<'r> Session<'r> {
        fn new(reader: &'r mut Vec<Val>) -> Self {
            Session { reader }
        }
        async fn next(&mut self, t: &Trace) -> u32 {
            let v = self.reader.pop().map_or(0, |v| v.get());
            t.step("next", 1, v).await
        }
    }
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let v = vec![t.val(7)];
        let x = first(&v);
        t.step("between", 1, ()).await;
        let mut lines = vec![t.val(1), t.val(2)];
        let mut session = Session::new(&mut lines);
        let a = session.next(&t).await;
        let b = session.next(&t).await;
        x.get() + a + b
    }
}

// From crater (octocrab's `extra_headers`, E0505): `build().unwrap().repos(..).events().send()
// .await`, each link a value borrowing the one before. The lifted links lived in place and
// moved out of the state while the next one borrowed them: they may live in slots.
case! {
    chain_of_temporaries_holding_borrows(t) => entry(t);
    struct Crab {
        t: Trace,
        name: Val,
    }
    struct Repos<'c> {
        crab: &'c Crab,
        n: u32,
    }
    struct Events<'r, 'c> {
        repos: &'r Repos<'c>,
    }
    fn build(t: &Trace) -> Option<Crab> {
        Some(Crab { t: t.clone(), name: t.val(1) })
    }
    impl Crab {
        fn repos(&self, n: u32) -> Repos<'_> {
            Repos { crab: self, n }
        }
    }
    impl<'c> Repos<'c> {
        fn events(&self) -> Events<'_, 'c> {
            Events { repos: self }
        }
    }
    impl Events<'_, '_> {
        async fn send(&self) -> u32 {
            let crab = self.repos.crab;
            crab.t.step("send", 2, self.repos.n + crab.name.get()).await
        }
    }
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let n = build(&t).unwrap().repos(2).events().send().await;
        t.step("after", 1, n).await
    }
}

// Helpers' ordinary programs: `data.iter().max()`, `data.iter().collect::<Vec<&u8>>()` kept
// across an `.await` (E0505, "`'pinned` must outlive"): what `max`, `min` and `collect` make of
// an iterator's elements borrows what the iterator does, unless the chain maps them.
case! {
    iter_max_kept_across_await(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> (Option<u8>, Vec<u8>, usize) {
        let data = vec![1u8, 2, 3];
        let max = data.iter().max();
        let all: Vec<&u8> = data.iter().collect();
        let doubled: Vec<u8> = data.iter().map(|x| x * 2).collect();
        t.step("s", 1, ()).await;
        (max.copied(), doubled, all.len())
    }
}

// The same on a parameter's field after another field moved (a library's request handler).
pub struct Headers {
    headers: Vec<String>,
    body: Vec<u8>,
}
case! {
    field_iter_collected_after_partial_move(t) => run(t.clone(), Headers { headers: vec!["a".into()], body: vec![1] });
    #[desugar]
    async fn run(t: Trace, req: Headers) -> String {
        let body = req.body;
        let names: Vec<&String> = req.headers.iter().collect();
        t.step("s", 1, ()).await;
        format!("{names:?} {body:?}")
    }
}

// Helpers' ordinary programs: `let Env { ref user } = env;` (E0505) and `let (ref name, n) =
// (s, 1);` (E0716) with an `.await` after: a `ref` binding borrows the place the `let` matches,
// which stays where it is; a temporary it borrows is extended, so it becomes a local of its own.
pub struct EnvRef {
    pub user: Noisy,
    pub id: u32,
}
case! {
    ref_bindings_kept_across_await(t) => run(t.clone(), EnvRef { user: t.noisy("ann"), id: 4 });
    #[desugar]
    async fn run(t: Trace, env: EnvRef) -> (String, u32, String) {
        let EnvRef { ref user, id } = env;
        let (ref name, n) = (t.noisy("bob"), 1u32);
        t.step("s", 1, ()).await;
        (user.name.to_string(), id + n, name.name.to_string())
    }
}

// Helpers' ordinary programs: `mut input: &[u8]` read with `input.read_u8().await` (E0716): a
// method of a `mut` shared reference may borrow the reference itself (`&mut input`), which then
// stays in place, in a slot, rather than being copied into the call.
case! {
    mut_reference_parameter_read_in_place(t) => run(t);
    #[desugar]
    async fn first(t: Trace, mut input: &[u8]) -> (u8, u8, usize) {
        use tokio::io::AsyncReadExt;
        let a = input.read_u8().await.unwrap();
        t.step("s", 1, ()).await;
        let b = input.read_u8().await.unwrap();
        (a, b, input.len())
    }
    #[desugar]
    async fn run(t: Trace) -> (u8, u8, usize) {
        first(t, b"abc").await
    }
}

// Helpers' ordinary programs: `let Some(out) = self.outs[t].as_mut() else { continue };` then
// `step(out).await` in a loop (E0499): the borrow one iteration lends to the awaited future
// lives as long as the state, and held the slot reference the next iteration borrows again;
// the loop binds its slots again at every iteration now.
case! {
    let_else_borrow_of_self_in_a_loop(t) => run(t);
    pub struct Hub {
        outs: Vec<Option<String>>,
    }
    #[desugar]
    impl Hub {
        async fn send_to(&mut self, t: Trace, targets: Vec<usize>) {
            for i in targets {
                let Some(out) = self.outs[i].as_mut() else { continue };
                t.step("send", 1, ()).await;
                out.push('!');
            }
        }
    }
    #[desugar]
    async fn run(t: Trace) -> Vec<Option<String>> {
        let mut hub = Hub { outs: vec![Some("a".into()), None, Some("c".into())] };
        hub.send_to(t, vec![0, 1, 2, 2]).await;
        hub.outs
    }
}

// Helpers' ordinary programs (mini-redis's frame parsing): `Cursor::new(&buf[..])` used, then
// `buf` changed, before an `.await` (E0502): a `Cursor` of a reference drops nothing, so it is
// not kept to the end of its scope.
case! {
    cursor_over_a_buffer_then_changed(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> usize {
        let mut buf = b"hello".to_vec();
        let cur = std::io::Cursor::new(&buf[..]);
        let n = cur.get_ref().len();
        buf.clear();
        t.step("s", 1, ()).await;
        n + buf.len()
    }
}

// Helpers' ordinary programs: `self.inner.as_mut().next().await` on a `Pin<Box<dyn ..>>` field
// (E0716): `Pin::as_mut` makes a pin, a temporary the awaited future borrows (`&mut self`),
// which lives as long as the `.await` now; so does `Pin::new(&mut r)` before `read_u8`.
pub struct PinnedReader {
    inner: std::pin::Pin<Box<dyn tokio::io::AsyncRead>>,
}

case! {
    pinned_field_as_mut_awaited(t) => run(t);
    #[desugar]
    async fn byte(r: &mut PinnedReader, t: Trace) -> u8 {
        use tokio::io::AsyncReadExt;
        t.step("s", 1, ()).await;
        r.inner.as_mut().read_u8().await.unwrap()
    }
    #[desugar]
    async fn run(t: Trace) -> (u8, u8, u8) {
        use tokio::io::AsyncReadExt;
        let mut r = PinnedReader { inner: Box::pin(&b"abc"[..]) };
        let a = byte(&mut r, t.clone()).await;
        let mut rest = std::io::Cursor::new(vec![b'c']);
        let b = byte(&mut r, t).await;
        let c = std::pin::Pin::new(&mut rest).read_u8().await.unwrap();
        (a, b, c)
    }
}

// Helpers' ordinary programs: `while let Some(v) = { i += 1; get(i).await } { .. }` (an
// internal error): the `let .. else` it becomes needs the block in parentheses.
case! {
    while_let_block_condition_awaits(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let mut i = 0;
        let mut sum = 0;
        while let Some(v) = {
            i += 1;
            t.step("get", 1, if i < 3 { Some(i) } else { None }).await
        } {
            sum += v;
        }
        sum
    }
}

// Helpers' ordinary programs (tests): `let fut = c.get(&k); fut.await` (E0505, E0597): the
// future a method call makes borrows what its arguments lend, as a function call's does.
case! {
    method_future_borrows_its_arguments(t) => run(t);
    pub struct KeyClient {
        t: Trace,
    }
    impl KeyClient {
        async fn fetch(&self, key: &str) -> usize {
            self.t.step("fetch", 1, key.len()).await
        }
    }
    #[desugar]
    async fn run(t: Trace) -> (usize, usize) {
        let c = KeyClient { t };
        let k1 = String::from("ab");
        let k2 = String::from("abc");
        let a = c.fetch(&k1);
        let b = c.fetch(&k2);
        (a.await, b.await)
    }
}

// Helpers' ordinary programs: `match v.last() { Some(&top) => { v.pop(); ...await } }`, the
// same in `while let` and `if let` (E0502): what a `&x` pattern matches is a reference, which
// drops nothing: the scrutinee is not kept across the `.await`, and its borrow ends.
case! {
    reference_pattern_scrutinee_not_kept(t) => run(t);
    #[desugar]
    async fn take_top(t: Trace, v: &mut Vec<u32>) -> u32 {
        match v.last() {
            Some(&top) => {
                v.pop();
                t.step("pop", 1, ()).await;
                top
            }
            None => 0,
        }
    }
    #[desugar]
    async fn drain(t: Trace, v: &mut Vec<u32>) -> u32 {
        let mut sum = 0;
        while let Some(&top) = v.last() {
            v.pop();
            sum += t.step("top", 1, top).await;
        }
        v.push(7);
        if let Some(&first) = v.first() {
            v.clear();
            sum += t.step("first", 1, first).await;
        }
        sum
    }
    #[desugar]
    async fn run(t: Trace) -> (u32, u32) {
        let mut v = vec![1, 2, 3];
        let a = take_top(t.clone(), &mut v).await;
        let b = drain(t, &mut v).await;
        (a, b)
    }
}

// Helpers' ordinary programs: `let code = { s.as_str() };`, or a `match` whose arm borrows the
// matched place (`Some(ref c) => c.trim()`), kept across an `.await` (E0505, E0597): what the
// branch that runs borrows stays where it is.
pub struct Parcel {
    customs: Option<String>,
}

case! {
    block_initializer_borrows_a_local(t) => run(t);
    #[desugar]
    async fn fee(t: Trace, s: Parcel, c: bool) -> usize {
        let code = match s.customs {
            None => "",
            Some(ref c) => c.trim(),
        };
        let other = if c { "" } else { code };
        t.step("s", 1, ()).await;
        code.len() + other.len()
    }
    #[desugar]
    async fn run(t: Trace) -> (usize, usize) {
        let s = String::from("xyz");
        let code = { s.as_str() };
        t.step("s", 1, ()).await;
        let parcel = Parcel { customs: Some(" ab ".into()) };
        (code.len(), fee(t, parcel, false).await)
    }
}

// Helpers' ordinary programs: `let w = (0..2).zip(&b);` kept across an `.await`, and `for (_, y)
// in (0..2).zip(v.iter_mut())` around one (E0505, E0597): what an adapter that takes its
// receiver makes holds what its arguments borrow too.
case! {
    adapter_holds_what_its_arguments_borrow(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> usize {
        let b = vec![1, 2, 3];
        let w = (0..2).zip(&b);
        t.step("s", 1, ()).await;
        let mut v = vec![1, 2, 3];
        let mut n = 0;
        for (_, y) in (0..2).zip(v.iter_mut()) {
            t.step("y", 1, ()).await;
            *y += 1;
            n += *y;
        }
        w.count() + n
    }
}

// Helpers' ordinary programs: `let mut cur = &list.head;` assigned only after an `.await`
// (an `unused_mut` warning on the first binding): a local declared again by a later state has
// its `mut` there.
pub struct ListNode {
    v: i32,
    next: Option<Box<ListNode>>,
}

pub struct List {
    head: Option<Box<ListNode>>,
}

case! {
    mut_local_assigned_only_after_an_await(t) => run(t);
    #[desugar]
    async fn sum(t: Trace, list: &List) -> i32 {
        let mut total = 0;
        let mut cur = &list.head;
        while let Some(n) = cur {
            total += n.v;
            t.step("s", 1, ()).await;
            cur = &n.next;
        }
        total
    }
    #[desugar]
    async fn run(t: Trace) -> i32 {
        let second = ListNode { v: 2, next: None };
        let list = List { head: Some(Box::new(ListNode { v: 1, next: Some(Box::new(second)) })) };
        sum(t, &list).await
    }
}

// A helper's ordinary program (a tournament's pairings, E0505/E0499): a borrow made through a
// block's own local, `let a = { let slot = &mut items[i]; slot };`, or `split_at_mut` in an `if`
// whose branches give `(&mut l[i], &mut r[0])`. The value borrows what the block's locals do.
case! {
    borrow_through_a_block_local(t) => run(t);
    async fn show(t: &Trace, a: &mut String) {
        a.push('!');
        t.step("show", 1, ()).await;
    }
    async fn play(t: &Trace, a: &mut String, b: &mut String) {
        a.push('<');
        b.push('>');
        t.step("play", 1, ()).await;
    }
    #[desugar]
    #[allow(clippy::let_and_return)]
    async fn touch_first(t: &Trace, items: &mut Vec<String>) {
        let a = {
            let slot = &mut items[0];
            slot
        };
        show(t, a).await;
        items.push("new".into());
    }
    #[desugar]
    #[allow(clippy::let_and_return, clippy::needless_range_loop)]
    async fn touch_all(t: &Trace, items: &mut [String]) {
        for i in 0..items.len() {
            let a = {
                let slot = &mut items[i];
                slot
            };
            show(t, a).await;
        }
    }
    #[desugar]
    async fn pairs(t: &Trace, players: &mut Vec<String>) {
        for i in 0..players.len() {
            for j in 0..players.len() {
                if i == j {
                    continue;
                }
                let (a, b) = if i < j {
                    let (l, r) = players.split_at_mut(j);
                    (&mut l[i], &mut r[0])
                } else {
                    let (l, r) = players.split_at_mut(i);
                    (&mut r[0], &mut l[j])
                };
                play(t, a, b).await;
            }
        }
        players.push("end".into());
    }
    #[desugar]
    async fn run(t: Trace) -> Vec<String> {
        let mut v = vec!["a".to_string(), "b".to_string()];
        touch_first(&t, &mut v).await;
        touch_all(&t, &mut v).await;
        pairs(&t, &mut v).await;
        v
    }
}

// A helper's ordinary program (a job loader; silent): `let deps = &job.deps;` across an `.await`
// puts `job` in a slot; `let name = job.name;`, its last use, took all of `job` out of the slot
// and dropped its other fields there, before the end of its scope (and E0507 where a field is
// used after). `job` is bound field by field.
pub struct SplitJob {
    name: Noisy,
    logs: Noisy,
    deps: Vec<u32>,
}
case! {
    field_moved_out_of_a_local_in_a_slot(t) => run(t);
    #[desugar]
    async fn last_use(t: Trace) -> usize {
        let job = SplitJob { name: t.noisy("name"), logs: t.noisy("logs"), deps: vec![1, 2] };
        let deps = &job.deps;
        t.step("load", 1, ()).await;
        t.log(format!("deps {deps:?}"));
        let name = job.name;
        t.log(format!("moved {}", name.touch()));
        deps.len()
    }
    #[desugar]
    async fn run(t: Trace) -> usize {
        let n = last_use(t.clone()).await;
        let job = SplitJob { name: t.noisy("name"), logs: t.noisy("logs"), deps: vec![1, 2] };
        let deps = &job.deps;
        t.step("load", 1, ()).await;
        let n = n + deps.len();
        let name = job.name;
        t.log(format!("moved {}", name.touch()));
        t.log(format!("logs {}", job.logs.touch()));
        n
    }
}

// A helper's ordinary program (a tree walk, E0507): a local holding a reference to a struct of
// the crate (`let node: &Node`, a call returning `Option<&Node>`) whose fields are only read,
// formatted, compared or cloned was bound field by field, moving them out of the reference.
pub struct TreeNode {
    name: String,
    kids: Vec<u32>,
}
pub struct TreeStore {
    nodes: Vec<TreeNode>,
}
impl TreeStore {
    fn node(&self, i: usize) -> Option<&TreeNode> {
        self.nodes.get(i)
    }
}
case! {
    reference_to_a_crate_struct_not_taken_apart(t) => run(t);
    #[desugar]
    async fn walk(t: &Trace, store: &TreeStore) -> usize {
        let node: &TreeNode = &store.nodes[0];
        t.log(format!("node {}", node.name));
        let mut out = vec![node.name.clone()];
        if node.name == "root" {
            out.push("is root".into());
        }
        t.step("walk", 1, ()).await;
        if let Some(n) = store.node(1) {
            t.log(format!("kid {}", n.name));
            t.step("kid", 1, ()).await;
            out.push(n.name.clone());
        }
        out.len() + node.kids.len()
    }
    #[desugar]
    async fn run(t: Trace) -> usize {
        let kids = vec![1, 2];
        let store = TreeStore {
            nodes: vec![
                TreeNode { name: "root".into(), kids },
                TreeNode { name: "b".into(), kids: Vec::new() },
            ],
        };
        walk(&t, &store).await
    }
}

// A helper's ordinary program (requests built with `vec![Req { headers: vec![("If-None-Match",
// tag.as_str())] }]`, E0505): what a `vec!` holds borrows what its elements borrow, as an
// array's does.
case! {
    vec_of_borrows_kept_across_await(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> usize {
        let s = String::from("tag");
        let v = vec![s.as_str(), "x"];
        t.step("wait", 1, ()).await;
        t.log(format!("{v:?}"));
        v.len()
    }
}

// A helper's ordinary program (an HTTP request reader, E0502): `let mut parts =
// line.split_whitespace();` used up before the loop that does `line.clear()` and awaits the
// next line. The iterator, dead but in scope, was kept in the state, its borrow of `line` held
// across the mutation. A dead local whose source the code changes after it is not kept: the
// borrow ends at its last use, as rustc's does.
case! {
    dead_borrower_of_a_changed_local(t) => run(t);
    #[desugar]
    async fn parse(t: &Trace, mut line: String) -> usize {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("").to_string();
        line.clear();
        t.step("parse", 1, ()).await;
        first.len() + line.len()
    }
    #[desugar]
    async fn run(t: Trace) -> Vec<String> {
        let mut line = t.step("line", 1, String::from("GET / HTTP/1.1")).await;
        let mut parts = line.trim_end().split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let mut out = vec![method];
        for i in 0..3 {
            line.clear();
            line.push_str(&t.step("next", 1, format!("header {i}")).await);
            out.push(line.clone());
        }
        let n = parse(&t, line).await;
        out.push(n.to_string());
        out
    }
}

// Fuzz seed 98 (E0505, found by the CI range in this session): an `async` block borrowing
// `p.a`, never awaited, is dead but in scope while `p.n` is read after an `.await`. A field read
// does not change `p`: the block is kept, and `p` with it in its slot.
pub struct PairOf {
    a: Val,
    n: u32,
}
case! {
    dead_block_borrowing_a_field_of_a_local_read_later(t) => entry(t);
    #[desugar]
    #[allow(unused_variables)]
    async fn entry(t: Trace) -> u32 {
        let p = t.step("s16", 1, PairOf { a: t.val(18), n: 15 }).await;
        let task = async {
            p.a.wait(0).await;
            13
        };
        let m = t.step("s21", 1, (p.n * p.n) % 1000).await;
        m + p.n
    }
}
