//! Awaits nested in expressions, lifted in evaluation order.

use super::*;

fn note(t: &Trace, what: &'static str) -> u32 {
    t.log(format!("eval {what}"));
    what.len() as u32
}

case! {
    binary_operators(t) => arith(t);
    #[desugar]
    async fn arith(t: Trace) -> u32 {
        let a = t.step("a", 1, 2).await + t.step("b", 2, 3).await;
        let b = note(&t, "left") * t.step("c", 1, 4).await - note(&t, "right");
        a + b
    }
}

case! {
    call_arguments(t) => calls(t);
    fn combine(a: u32, b: u32, c: u32) -> u32 {
        a * 100 + b * 10 + c
    }
    #[desugar]
    async fn calls(t: Trace) -> u32 {
        combine(note(&t, "first"), t.step("middle", 1, 5).await, note(&t, "last"))
    }
}

case! {
    method_chains(t) => chains(t);
    #[desugar]
    async fn chains(t: Trace) -> usize {
        let len = t.step("text", 1, String::from("hello")).await.len();
        let twice = t.step("first", 1, t.clone()).await.step("second", 1, len * 2).await;
        twice + t.step("last", 0, vec![1, 2]).await.iter().sum::<usize>()
    }
}

case! {
    literals(t) => literals(t);
    #[derive(Debug)]
    pub struct Point {
        x: u32,
        y: u32,
    }
    #[desugar]
    async fn literals(t: Trace) -> (Point, (u32, u32), [u32; 3]) {
        let p = Point { x: t.step("x", 1, 1).await, y: note(&t, "y") };
        let pair = (note(&t, "pair0"), t.step("pair1", 1, 2).await);
        let arr = [t.step("a0", 1, 7).await, note(&t, "a1"), t.step("a2", 1, 9).await];
        (p, pair, arr)
    }
}

case! {
    index_ref_cast_range(t) => misc(t);
    #[desugar]
    async fn misc(t: Trace) -> (u32, usize, u8, Vec<u32>) {
        let v = vec![10, 20, 30];
        let picked = v[t.step("index", 1, 2).await];
        let len = str::len(&t.step("borrowed", 1, String::from("abc")).await);
        let small = t.step("cast", 1, 300u32).await as u8;
        let range: Vec<u32> = (t.step("start", 1, 1).await..t.step("end", 1, 4).await).collect();
        (picked, len, small, range)
    }
}

case! {
    await_on_awaited(t) => twice(t);
    #[desugar]
    async fn twice(t: Trace) -> u32 {
        t.step("outer", 1, t.step("inner", 2, 42)).await.await
    }
}

case! {
    match_scrutinee_temporary(t) => scrutinee(t);
    pub struct Guarded(Noisy, u32);
    impl Guarded {
        fn get(&self) -> u32 {
            self.1
        }
    }
    #[desugar]
    async fn scrutinee(t: Trace) -> u32 {
        let r = match t.step("guarded", 1, Guarded(t.noisy("temp"), 3)).await.get() {
            3 => {
                t.log("three");
                t.step("inside", 1, 30).await
            }
            other => other,
        };
        t.log("after match");
        r
    }
}

case! {
    condition_await(t) => cond(t);
    #[desugar]
    async fn cond(t: Trace) -> u32 {
        let mut n = 0;
        if t.step("check", 1, true).await && note(&t, "rhs") > 0 {
            n += 1;
        }
        if note(&t, "lhs") == 0 && t.step("never", 1, true).await {
            n += 10;
        }
        if note(&t, "lhs2") > 0 || t.step("skipped", 1, false).await {
            n += 100;
        }
        n
    }
}

case! {
    format_macros(t) => fmt(t);
    #[desugar]
    async fn fmt(t: Trace) -> String {
        let name = String::from("x");
        let s = format!("{name}={} {}", t.step("value", 1, 5).await, note(&t, "after"));
        assert_eq!(t.step("check", 1, 2).await, 2, "two");
        t.log(format!("{} {s}", t.step("log", 1, "logged").await));
        s
    }
}

case! {
    compound_assignment(t) => compound(t);
    #[desugar]
    async fn compound(t: Trace) -> u32 {
        let mut n = 1;
        n += t.step("add", 1, 2).await;
        n *= t.step("mul", 1, 3).await;
        let mut v = vec![1];
        v[0] = t.step("store", 1, 7).await;
        n + v[0]
    }
}

case! {
    return_and_break_values(t) => both(t);
    #[desugar]
    async fn values(t: Trace, early: bool) -> u32 {
        if early {
            return t.step("early", 1, 1).await + 1;
        }
        let mut k = 0;
        let x = loop {
            k += 1;
            if k == 2 {
                break t.step("break", 1, 5).await * 2;
            }
        };
        x + t.step("late", 1, 0).await
    }
    async fn both(t: Trace) -> (u32, u32) {
        (values(t.clone(), true).await, values(t, false).await)
    }
}

case! {
    borrowed_temporaries(t) => borrowing(t);
    pub struct Holder {
        trace: Trace,
    }
    /// Borrows the string until it is ready.
    pub struct Len<'a> {
        text: &'a String,
        trace: Trace,
        polled: bool,
    }
    impl std::future::Future for Len<'_> {
        type Output = usize;
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<usize> {
            self.trace.log(format!("poll len of {}", self.text));
            if !self.polled {
                self.polled = true;
                cx.waker().wake_by_ref();
                return std::task::Poll::Pending;
            }
            std::task::Poll::Ready(self.text.len())
        }
    }
    impl Holder {
        fn step_len<'a>(&self, s: &'a String) -> Len<'a> {
            Len { text: s, trace: self.trace.clone(), polled: false }
        }
    }
    fn text(t: &Trace, s: &str) -> String {
        t.log(format!("make {s}"));
        s.to_string()
    }
    #[desugar]
    async fn borrowing(t: Trace) -> usize {
        let h = Holder { trace: t.clone() };
        let a = h.step_len(&text(&t, "first")).await;
        let b = h.step_len(&text(&t, "second")).await * 10;
        let c = std::future::ready(&[1, 2, 3]).await.len();
        a + b + c
    }
}

case! {
    borrowed_temporary_receivers(t) => writing(t);
    /// Logs its drop, so that the suite sees when the temporary goes.
    pub struct Sink {
        trace: Trace,
        name: String,
    }
    impl Drop for Sink {
        fn drop(&mut self) {
            self.trace.log(format!("drop {}", self.name));
        }
    }
    impl Sink {
        /// The future borrows the sink, as `io::Write::write_fmt`'s futures do.
        fn write_all(&mut self, n: usize) -> impl std::future::Future<Output = usize> + '_ {
            let step = self.trace.step("write", 1, n);
            async move {
                let n = step.await;
                self.name.push('!');
                self.name.len() + n
            }
        }
        fn as_str(&self) -> &str {
            &self.name
        }
        /// A setter of a builder that lends it (`OpenOptions::read`).
        fn read(&mut self, suffix: &str) -> &mut Self {
            self.name.push_str(suffix);
            self
        }
        /// Known to borrow, not an accessor (`mpsc::Receiver::recv`).
        fn recv(&mut self) -> impl std::future::Future<Output = usize> + '_ {
            self.write_all(0)
        }
    }
    fn sink(t: &Trace, name: &str) -> Sink {
        t.log(format!("make {name}"));
        Sink { trace: t.clone(), name: name.to_string() }
    }
    async fn measure(t: Trace, s: &str) -> usize {
        t.step("measure", 1, s.len()).await
    }
    #[desugar]
    async fn writing(t: Trace) -> usize {
        // The receivers are temporaries that the futures borrow (async-std's
        // `stdout().write_fmt(args).await`): they must live until the `.await` is done.
        let a = sink(&t, "out").write_all(2).await;
        let b = measure(t.clone(), sink(&t, "name").as_str()).await;
        let c = sink(&t, "channel").recv().await;
        // The chain borrows its root all along (`OpenOptions::new().read(true).open(path)`).
        let d = sink(&t, "options").read("+r").write_all(1).await;
        t.log("after");
        a + b * 10 + c * 100 + d * 1000
    }
}

case! {
    scrutinee_temporaries_across_arms(t) => kept(t);
    pub struct Holder(Noisy, Option<&'static str>);
    impl Holder {
        fn get_name(&self) -> Option<&str> {
            self.1
        }
    }
    #[desugar]
    async fn kept(t: Trace) -> usize {
        // The temporaries of a scrutinee live to the end of the `match` (issue 16: they were
        // dropped at the `.await` of the arm), of the `if let` (edition 2024: until its `else`
        // block), of each iteration of a `while let`, and of a `for` loop; the bindings borrow
        // them across the `.await`s.
        let a = match Holder(t.noisy("match"), Some("x")).get_name() {
            Some(n) => {
                t.step("arm", 1, ()).await;
                n.len()
            }
            None => 0,
        };
        t.log("after the match");
        let b = if let Some(n) = Holder(t.noisy("then"), Some("yy")).get_name() {
            t.step("then", 1, ()).await;
            n.len()
        } else {
            0
        };
        t.log("after the if let");
        let c = if let Some(n) = Holder(t.noisy("else"), None).get_name() {
            n.len()
        } else {
            t.log("in the else block");
            t.step("else", 1, 3).await
        };
        t.log("after the if let else");
        let mut d = 0;
        let mut holders = vec![Holder(t.noisy("w2"), None), Holder(t.noisy("w1"), Some("z"))];
        while let Some(n) = holders.pop().unwrap().get_name() {
            t.step("while", 1, ()).await;
            d += n.len();
        }
        for n in Holder(t.noisy("for"), Some("abc")).get_name().iter() {
            t.step("for", 1, ()).await;
            d += n.len();
        }
        t.log("after the loops");
        a + b + c + d
    }
}

case! {
    scrutinee_values_across_arms(t) => values(t);
    #[desugar]
    async fn values(t: Trace) -> u32 {
        // A scrutinee that is a value (not a place) the pattern does not move out of lives to
        // the end of the `match` too.
        let a = match t.noisy("matched") {
            ref n if n.name == "matched" => t.step("ref arm", 1, 1).await,
            _ => 0,
        };
        let b = match (t.noisy("pair"), 2) {
            (_, 0) => 0,
            (_, n) => t.step("wild arm", 1, n).await,
        };
        t.log("after the matches");
        a + b
    }
}

// From the fuzzer (seeds 1169, 1230): the right operand of `&&` becomes a block's tail, and a
// `?` at its start becomes a `match`, which a statement would end after: `(match ..) > 2`.
case! {
    question_mark_leading_a_lowered_operand(t) => entry(t);
    #[desugar]
    async fn leading(t: Trace, n: u32) -> Result<u32, Bad> {
        let x = t.step("a", 1, n).await < 10 && check(&t, n)? > 2;
        Ok(u32::from(x))
    }
    pub async fn entry(t: Trace) -> (Result<u32, Bad>, Result<u32, Bad>) {
        (leading(t.clone(), 6).await, leading(t, 3).await)
    }
}

// From the fuzzer (seed 1608, reduced): the temporaries of a `match` scrutinee nested in an
// expression live to the end of the enclosing statement (here the `if let` scrutinee), not of
// the `match`: `t.val(n)`, which the awaited future borrows, was dropped when the `match` ended.
case! {
    nested_match_scrutinee_temporaries(t) => entry(t);
    async fn take_both(p0: &mut Val, p1: Val) -> u32 {
        p0.take() + p1.get()
    }
    #[desugar]
    async fn nested(t: Trace, n: u32) -> u32 {
        if let Some(m) = maybe(&t, t.val(match take_both(&mut t.val(n), t.val(19)).await {
            0 => {
                t.log("zero");
                3
            }
            k => k,
        })
        .get())
        {
            t.log("then");
            m
        } else {
            t.log("else");
            0
        }
    }
    pub async fn entry(t: Trace) -> (u32, u32) {
        (nested(t.clone(), 6).await, nested(t, 5).await)
    }
}

// An argument lifted out of an `if let` scrutinee (evaluated before the `.await` after it) is
// moved by the call it is passed to: the `else` block has no temporary of it to drop (it was
// handed to `else_scope` after the move: E0382).
case! {
    lifted_argument_of_an_if_let_scrutinee(t) => entry(t);
    fn pair(a: Val, b: u32) -> u32 {
        a.get() + b
    }
    #[desugar]
    async fn lifted(t: Trace, n: u32) -> u32 {
        if let Some(m) = maybe(&t, pair(t.val(n), t.step("s", 1, 2).await)) {
            t.log("then");
            m
        } else {
            t.log("else");
            t.step("e", 1, 4).await
        }
    }
    pub async fn entry(t: Trace) -> (u32, u32) {
        (lifted(t.clone(), 1).await, lifted(t, 2).await)
    }
}

// From the fuzzer (seeds 356, 441, 476, 681): parenthesized operands lifted before an `.await`
// keep no parentheses where they go (a `let`'s value, a block's value, a lifted scrutinee):
// `let __tmp0 = (x as u32);` and `match (__tmp0) {}` were linted (`unused_parens`, which
// `cargo clippy -- -D warnings` over this suite turns into an error).
case! {
    parenthesized_operands_lifted(t) => entry(t);
    #[desugar]
    async fn parens(t: Trace) -> u32 {
        let n = (t.val(2).get()) + t.step("a", 1, 3).await;
        let m = if ({ t.step("b", 1, 4).await } % 2 == 0) { n } else { 0 };
        match (Pair { a: t.val(m), n: t.step("c", 1, 5).await }) {
            Pair { a, n: 5 } => a.get() + n,
            _ => 0,
        }
    }
    pub async fn entry(t: Trace) -> u32 {
        parens(t).await
    }
}

// Fresh fuzz seed 1864: the temporaries of a `let` chain's scrutinee live through the block it
// guards (edition 2024), across its `.await`s; they were dropped before it.
case! {
    let_chain_scrutinee_temporaries(t) => both(t);
    pub struct Holder(Noisy, Option<u32>);
    impl Holder {
        fn get(&self) -> Option<u32> {
            self.1
        }
    }
    #[desugar]
    async fn chained(t: Trace, n: Option<u32>) -> u32 {
        let mut r = 0;
        if let Some(total) = Holder(t.noisy("then"), n).get() && total % 3 != 1 {
            r = t.step("then", 1, total).await;
        }
        t.log("after");
        let s = if let Some(total) = Holder(t.noisy("else"), n).get() && total > 1 {
            t.step("then2", 1, total).await
        } else {
            t.step("else", 1, 0).await
        };
        r + s
    }
    async fn both(t: Trace) -> (u32, u32) {
        (chained(t.clone(), Some(3)).await, chained(t.clone(), None).await)
    }
}

/// Takes values and references to temporaries, as a call with an `.await` among its arguments.
fn takes(_: Val, _: &Val, _: Val, _: &Val, _: u32) -> u32 {
    0
}

fn takes_two(_: Val, _: &Val, _: u32) -> u32 {
    0
}

case! {
    operands_dropped_before_temporaries(t) => entry(t);
    // Fuzz seeds 4291, 4468: dropped at the `.await`, a statement drops the operands it has
    // evaluated (inner calls' first) before the temporaries it references; `&t.val(2)` as an
    // argument of a call that is not awaited was lifted as a reference (E0716).
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let x = takes(t.val(1), &t.val(2), t.val(3), &t.val(4), t.step("s", 1, 5).await);
        let y = takes_two(
            t.val(10),
            &t.val(11),
            takes(t.val(1), &t.val(2), t.val(3), &t.val(4), t.step("s", 1, 5).await),
        );
        x + y
    }
}

case! {
    operands_of_a_tail_and_its_temporaries(t) => entry(t);
    // A block's value is one scope with the operands of its outermost call; an inner call's
    // operands are dropped first.
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        takes_two(
            t.val(10),
            &t.val(11),
            takes(t.val(1), &t.val(2), t.val(3), &t.val(4), t.step("s", 1, 5).await),
        )
    }
}

case! {
    awaited_values_as_operands_and_temporaries(t) => entry(t);
    // The value of an `.await` is an operand, unless a reference is taken of it.
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        takes(
            t.step("a", 1, t.val(1)).await,
            &t.val(2),
            t.val(3),
            &t.step("b", 1, t.val(4)).await,
            t.step("s", 1, 5).await,
        )
    }
}

struct Holder(Val);

impl Holder {
    fn step(&self, t: &Trace, v: &Val) -> common::Step<u32> {
        t.step("held", 1, self.0.get() + v.get())
    }
}

case! {
    receiver_temporary_is_not_an_operand(t) => entry(t);
    // Fuzz seed 862: the temporary a method is called on may be borrowed by it (`&self`): it
    // lives to the end of the statement with the others, after the operands.
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let (a, b) = (t.val(0), Holder(t.val(6)).step(&t, &t.val(1)).await);
        a.get() + b
    }
}

case! {
    operands_of_a_scrutinee_dropped_before_its_temporaries(t) => entry(t);
    // Fuzz seed 4468: a scrutinee's temporaries, like a statement's, outlive its operands.
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        if let Some(n) = maybe(
            &t,
            takes(t.val(1), &t.val(2), t.val(3), &t.val(4), t.step("s", 1, 5).await),
        ) {
            n + 1
        } else {
            0
        }
    }
}

// From the fuzzer (seed 6224, shrunk; dropped mid-way, behaved differently): in a block's
// value, `vec![a, f(&mut b()).await]`'s values are operands of the calls `vec!` makes, dropped
// before the temporary `b()` the awaited call borrows.
case! {
    vec_values_drop_before_borrowed_temporaries(t) => entry(t);
    #[desugar]
    async fn consume(t: Trace, _p: &mut Val, p: Pair) -> Val {
        t.step("consume", 1, p.a).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Val> {
        vec![
            t.val(8),
            consume(t.clone(), &mut t.val(17), Pair { a: t.val(0), n: 13 }).await,
        ]
    }
}

// A local moved into the expression before its `.await` (`a: a`) was moved into a temporary
// when the future suspended: dropped there, it drops before the locals declared after it
// (fuzz seed 9306, a silent difference: `rx` dropped first).
case! {
    operand_moved_before_the_await_drops_first(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let p = {
            let a = t.val(2);
            let rx = t.chan(4);
            Pair { a, n: rx.send(rx.into_val()).await }
        };
        p.n
    }
}

// A temporary in the middle of a chain that the awaited future borrows (`wait(&self)` on the
// `Val` that `t.val(2)` returns): rustc keeps it to the end of the statement, so it is lifted
// into a local that outlives the `.await` (found writing the case for seed 8817, E0716).
case! {
    temporary_in_a_chain_borrowed_by_the_future(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Val> {
        let n = t.val(3).wait(1).await;
        vec![t.val(t.val(n).wait(2).await), t.val(4)]
    }
}

// The operands of a call that is awaited (`f0(.., t.val(1), X.await).await`) are an inner
// construct's: dropped at `X.await`, they go before the statement's temporaries, here the
// receiver `Ctx { .. }` and `&mut t.val(2)` that `X` borrows (fuzz seed 9481, a silent
// difference).
case! {
    operands_of_an_awaited_call_drop_before_temporaries(t) => entry(t);
    struct Ctx {
        a: Val,
    }
    impl Ctx {
        async fn lock(&mut self, t: Trace, p0: &mut Val) -> Val {
            self.a.wait(2).await;
            t.val(p0.get())
        }
    }
    async fn f0(t: Trace, p0: Val, p1: Val) -> u32 {
        t.step("f0", 1, p0.get() + p1.get()).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f0(t.clone(), t.val(1), Ctx { a: t.val(2) }.lock(t.clone(), &mut t.val(3)).await).await
    }
}

// A local moved in place among operands that are lifted (`vec![v, t.val(..), x.await]`):
// dropped while the `.await` waits, it drops after the operands made after it and before
// those made before it (fuzz seed 3085, a silent difference).
case! {
    operand_moved_among_lifted_operands(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> usize {
        let v = t.val(15);
        let first = t.val(36);
        let vs = vec![t.val(1), v, t.val(first.lock()), t.step("s7", 1, t.val(4)).await];
        vs.len()
    }
}

// Crater, mini-redis's `write_decimal` (reduced): in `t.step(.., buf.get_ref()[..pos].len()
// ..).await`, the receiver of `len` was lifted whole into a local, `let __tmp0 =
// buf.get_ref()[..pos];`, a `[u8]` (E0277, unsized). An index is a place: what it indexes is
// the temporary.
case! {
    indexed_temporary_in_an_awaited_call_stays_a_place(t) => entry(t);
    #[desugar]
    async fn write_decimal(t: Trace, val: u64) -> std::io::Result<u32> {
        use std::io::Write;
        let mut buf = [0u8; 20];
        let mut buf = std::io::Cursor::new(&mut buf[..]);
        write!(&mut buf, "{}", val)?;
        let pos = buf.position() as usize;
        let n = t.step("w", 1, buf.get_ref()[..pos].len() as u32).await;
        t.step("x", 1, 0).await;
        Ok(n)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        write_decimal(t.clone(), 12345).await.unwrap()
    }
}

// Crater, mini-redis's `write_decimal` (reduced): `self.stream.write_all(&buf.get_ref()[..pos])
// .await` lifted what the reference is taken of whole, `let __tmp0 = buf.get_ref()[..pos];` (a
// `[u8]`, E0277): a field or an element is a place in the temporary, which is lifted alone.
case! {
    borrowed_element_of_a_temporary_in_an_awaited_call(t) => entry(t);
    #[desugar]
    async fn write_decimal(t: Trace, val: u64) -> std::io::Result<u32> {
        use std::io::Write;
        let mut buf = [0u8; 20];
        let mut buf = std::io::Cursor::new(&mut buf[..]);
        write!(&mut buf, "{}", val)?;
        let pos = buf.position() as usize;
        let n = sink(&t, &buf.get_ref()[..pos]).await;
        t.step("x", 1, 0).await;
        Ok(n)
    }
    async fn sink(t: &Trace, b: &[u8]) -> u32 {
        t.step("w", 1, b.len() as u32).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        write_decimal(t.clone(), 12345).await.unwrap()
    }
}

// From an ordinary program (a helper's p3, `*self.hits.lock().await += 1`; refused): an `.await`
// in an assignment's target is lifted, after the value where rustc evaluates the value first.
case! {
    awaited_assignment_target(t) => bump(t);
    #[desugar]
    async fn bump(t: Trace) -> u32 {
        let hits = tokio::sync::Mutex::new(t.val(1).get());
        *hits.lock().await += 1;
        let n = 3;
        *hits.lock().await *= n;
        let slots = tokio::sync::Mutex::new(vec![t.val(0)]);
        slots.lock().await[0] = t.val(4);
        let first = slots.lock().await[0].get();
        t.step("after", 1, *hits.lock().await + first).await
    }
}

// `String::from("t").as_str().len() + f().await` (E0505): an operand's chain lifted before the
// `.await`, its temporaries kept to the end of the statement, one borrowing the other, both
// moved into the state. A receiver lifted so can live in a slot. With a guard (`Ref`) of a
// temporary `RefCell`, both dropped after the `.await`, the guard first.
case! {
    operand_chain_borrowing_its_receiver(t) => run(t);
    #[desugar]
    #[allow(clippy::await_holding_refcell_ref)]
    async fn run(t: Trace) -> usize {
        let a = String::from("text").as_str().len() + t.step("a", 1, 1).await;
        let b = std::cell::RefCell::new(t.noisy("cell")).borrow().touch().len()
            + t.step("b", 2, 2).await;
        a + b
    }
}

// A helper's ordinary program (`run_stage(&mut Trim, input).await`, E0716): `&mut` of a unit
// struct (or a constant) is a temporary, not a place, and lives to the end of the statement.
pub struct UnitStage;
impl UnitStage {
    fn apply(&mut self, s: &str) -> String {
        s.trim().to_string()
    }
}
case! {
    mutable_borrow_of_a_unit_struct(t) => run(t);
    async fn stage(t: &Trace, u: &mut UnitStage, s: &str) -> String {
        t.step("stage", 1, ()).await;
        u.apply(s)
    }
    #[desugar]
    async fn run(t: Trace) -> String {
        let a = stage(&t, &mut UnitStage, " a ").await;
        a + &stage(&t, &mut UnitStage, " b").await
    }
}
