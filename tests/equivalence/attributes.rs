//! Other attribute macros around `#[desugar]`, in either order: `#[async_trait]`,
//! `#[tracing::instrument]`; `#[desugar]` on a plain `fn` (its `async` blocks); and what the
//! signature of an `async fn` may hold: `-> !`, `#[cfg]` on a parameter.

use super::*;
pub use async_trait::async_trait;
pub use tracing::instrument;

case! {
    async_trait_desugar_above(t) => run(t);
    #[async_trait]
    pub trait Store {
        async fn load(&self, key: u32) -> u32;
        async fn save(&mut self, key: u32, value: &str) -> Result<usize, String>;
    }
    pub struct Memory {
        trace: Trace,
        saved: usize,
    }
    #[desugar]
    #[async_trait]
    impl Store for Memory {
        async fn load(&self, key: u32) -> u32 {
            let guard = self.trace.noisy("load guard");
            let n = self.trace.step("load", 2, key * 10).await;
            guard.touch();
            n + 1
        }
        async fn save(&mut self, key: u32, value: &str) -> Result<usize, String> {
            if key == 0 {
                return Err("no key".to_string());
            }
            let n = self.trace.step("save", 1, value.len()).await;
            self.saved += n;
            Ok(self.saved)
        }
    }
    fn is_send<T: Send>(t: T) -> T {
        t
    }
    async fn run(t: Trace) -> (u32, Result<usize, String>, Result<usize, String>) {
        let mut m = Memory { trace: t, saved: 0 };
        let a = is_send(m.load(4)).await;
        let b = m.save(0, "x").await;
        let c = m.save(1, "abc").await;
        (a, b, c)
    }
}

case! {
    async_trait_desugar_below(t) => run(t);
    #[async_trait]
    pub trait Source {
        async fn pair(&mut self, (a, b): (u32, u32), label: &str) -> Result<String, std::num::ParseIntError>;
        async fn consume(self) -> usize where Self: Sized;
    }
    pub struct Reader {
        trace: Trace,
        total: u32,
    }
    #[async_trait]
    #[desugar]
    impl Source for Reader {
        async fn pair(&mut self, (a, b): (u32, u32), label: &str) -> Result<String, std::num::ParseIntError> {
            let x = self.trace.step("first", 1, a).await;
            let parsed: u32 = label.parse()?;
            let y = self.trace.step("second", 2, b).await;
            self.total += x + y + parsed;
            Ok(format!("{label}={}", self.total))
        }
        async fn consume(self) -> usize {
            let noisy = self.trace.noisy("consumed");
            self.trace.step("consume", 1, ()).await;
            drop(noisy);
            self.total as usize
        }
    }
    async fn run(t: Trace) -> (Result<String, std::num::ParseIntError>, Result<String, std::num::ParseIntError>, usize) {
        let mut r = Reader { trace: t, total: 0 };
        let a = r.pair((1, 2), "7").await;
        let b = r.pair((1, 2), "x").await;
        let c = r.consume().await;
        (a, b, c)
    }
}

case! {
    async_trait_not_send(t) => run(t);
    #[async_trait(?Send)]
    pub trait Local {
        async fn shared(&self) -> usize;
    }
    pub struct Counted {
        trace: Trace,
        count: std::rc::Rc<std::cell::Cell<usize>>,
    }
    #[desugar]
    #[async_trait(?Send)]
    impl Local for Counted {
        async fn shared(&self) -> usize {
            let kept = std::rc::Rc::clone(&self.count);
            self.trace.step("shared", 1, ()).await;
            kept.set(kept.get() + 1);
            kept.get()
        }
    }
    async fn run(t: Trace) -> usize {
        let c = Counted { trace: t, count: Default::default() };
        c.shared().await + c.shared().await
    }
}

case! {
    instrumented_desugar_above(t) => run(t);
    #[derive(Debug)]
    pub struct Frame(u32);
    #[desugar]
    #[instrument(skip(t), fields(extra = 1), err, ret)]
    async fn handle(t: Trace, n: u32) -> Result<u32, String> {
        let frame = Frame(n);
        tracing::debug!(request = ?frame, "handling");
        let m = t.step("handle", 2, n + 1).await;
        if m > 10 {
            return Err(format!("too big: {m}"));
        }
        Ok(m + frame.0)
    }
    async fn run(t: Trace) -> (Result<u32, String>, Result<u32, String>) {
        (handle(t.clone(), 3).await, handle(t, 30).await)
    }
}

case! {
    instrumented_desugar_below(t) => run(t);
    #[instrument(level = "debug", skip_all, fields(n = n), ret)]
    #[desugar]
    async fn handle(t: Trace, n: u32) -> u32 {
        let guard = t.noisy("guard");
        let m = t.step("handle", 1, n).await;
        tracing::info!(m, "stepped");
        guard.touch();
        m * 2
    }
    #[instrument(err)]
    #[desugar]
    async fn checked(n: u32) -> Result<u32, String> {
        std::future::ready(()).await;
        if n == 0 { Err("zero".into()) } else { Ok(n) }
    }
    #[instrument]
    #[desugar]
    async fn plain(t: Trace) {
        t.step("plain", 1, ()).await;
    }
    async fn run(t: Trace) -> (u32, Result<u32, String>, Result<u32, String>) {
        plain(t.clone()).await;
        (handle(t, 2).await, checked(0).await, checked(1).await)
    }
}

case! {
    async_block_in_plain_fn(t) => fetch(t, 4);
    #[desugar]
    fn fetch(t: Trace, n: u32) -> impl std::future::Future<Output = u32> {
        let doubled = n * 2;
        let guard = t.noisy("captured guard");
        async move {
            let got = t.step("fetch", 2, doubled).await;
            guard.touch();
            got + n
        }
    }
}

case! {
    boxed_async_block_in_plain_fn(t) => run(t);
    #[desugar]
    fn boxed(t: Trace, label: String) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>> {
        Box::pin(async move {
            let n = t.step("boxed", 1, label.len()).await;
            format!("{label}:{n}")
        })
    }
    #[desugar]
    fn closures(t: Trace) -> Vec<std::pin::Pin<Box<dyn std::future::Future<Output = u32>>>> {
        (1..3u32)
            .map(|i| -> std::pin::Pin<Box<dyn std::future::Future<Output = u32>>> {
                let t = t.clone();
                Box::pin(async move { t.step("in closure", i, i).await * 10 })
            })
            .collect()
    }
    async fn run(t: Trace) -> (String, u32) {
        let a = boxed(t.clone(), "ab".into()).await;
        let mut sum = 0;
        for f in closures(t) {
            sum += f.await;
        }
        (a, sum)
    }
}

case! {
    #[panics]
    never_returns(t) => run(t);
    #[desugar]
    async fn forever(t: Trace) -> ! {
        let guard = t.noisy("guard");
        t.step("once", 1, ()).await;
        guard.touch();
        panic!("boom: a fn returning `!`")
    }
    async fn run(t: Trace) -> u32 {
        forever(t).await
    }
}

case! {
    cfg_parameters(t) => run(t);
    #[desugar]
    async fn pick(
        t: Trace,
        #[cfg(any())] absent: u32,
        #[cfg(all())] present: u32,
        last: u32,
    ) -> u32 {
        let n = t.step("pick", 1, present).await;
        #[cfg(any())]
        let n = n + absent;
        n + last
    }
    async fn run(t: Trace) -> u32 {
        pick(t, 2, 3).await
    }
}

case! {
    cfg_lets_of_one_name(t) => run(t);
    // `#[cfg(a)] let k = ..; #[cfg(not(a))] let k = ..;`, the usual way to give a local a value
    // per configuration: the second `let` was taken to shadow the first, which then went to a
    // slot whose declaration lost its `#[cfg]`: `second` ran `first`'s initializer, compiled out
    // (a silent difference; E0369 where `k` was read). Such a `#[cfg]` changes the states as one
    // on a statement that awaits does: the function is written once with and once without it.
    #[desugar]
    async fn first(t: Trace, n: u32) -> u32 {
        #[cfg(all())]
        let k = t.noisy("first");
        #[cfg(any())]
        let k = t.noisy("second");
        let m = t.step("first", 1, n).await;
        k.touch();
        m + 1
    }
    #[desugar]
    async fn second(t: Trace, n: u32) -> u32 {
        #[cfg(any())]
        let k = t.noisy("first");
        #[cfg(all())]
        let k = t.noisy("second");
        let m = t.step("second", 1, n).await;
        k.touch();
        m + 2
    }
    // A `#[cfg]` `let` in scope at an `.await` (`#[cfg(feature = "x")] let _timer = ..;`): kept
    // in the states, so a configuration without it did not compile (E0425).
    #[desugar]
    async fn absent(t: Trace, n: u32) -> u32 {
        #[cfg(any())]
        let timer = t.noisy("never");
        #[cfg(any())]
        let kept = [t.noisy("never either")];
        let v = t.noisy("v");
        let r = &v;
        let m = t.step("absent", 1, n).await;
        r.touch();
        m
    }
    // A `#[cfg]` statement that moves a local before an `.await`: without it the local lives to
    // the end of the function, but the states took it for moved and dropped it at the `.await`.
    #[desugar]
    async fn dropped(t: Trace, n: u32) -> u32 {
        let _v = t.noisy("v");
        #[cfg(any())]
        drop(_v);
        t.step("dropped", 1, n).await
    }
    async fn run(t: Trace) -> u32 {
        let (a, b) = (first(t.clone(), 2).await, second(t.clone(), 3).await);
        a + b + absent(t.clone(), 4).await + dropped(t, 5).await
    }
}

case! {
    recursion_through_box_pin(t) => run(t);
    #[desugar]
    async fn fib(t: Trace, n: u64) -> u64 {
        if n < 2 {
            return t.step("leaf", 1, n).await;
        }
        let a = Box::pin(fib(t.clone(), n - 1)).await;
        let b = Box::pin(fib(t, n - 2)).await;
        a + b
    }
    pub struct Node {
        trace: Trace,
        value: u32,
        children: Vec<Node>,
    }
    #[desugar]
    impl Node {
        pub async fn sum(&self) -> u32 {
            let mut total = self.trace.step("visit", 1, self.value).await;
            for child in &self.children {
                total += Box::pin(child.sum()).await;
            }
            total
        }
        pub async fn bump(&mut self, by: u32) -> u32 {
            self.value += self.trace.step("bump", 1, by).await;
            for child in self.children.iter_mut() {
                Box::pin(child.bump(by + 1)).await;
            }
            let again = Box::pin(self.depth()).await;
            self.value + again
        }
        pub async fn depth(&self) -> u32 {
            std::future::ready(()).await;
            match self.children.first() {
                Some(c) => 1 + Box::pin(c.depth()).await,
                None => 0,
            }
        }
    }
    fn is_send<T: Send>(t: T) -> T {
        t
    }
    async fn run(t: Trace) -> (u64, u32, u32) {
        let leaf = |v| Node { trace: t.clone(), value: v, children: Vec::new() };
        let mut tree = Node { trace: t.clone(), value: 1, children: vec![leaf(2), leaf(3)] };
        let f = is_send(fib(t.clone(), 5)).await;
        let s = tree.sum().await;
        let b = tree.bump(10).await;
        (f, s, b)
    }
}

case! {
    async_blocks_not_at_the_tail(t) => run(t);
    pub struct Client {
        trace: Trace,
        base: u32,
    }
    #[desugar]
    impl Client {
        pub fn get(&self, n: u32) -> impl std::future::Future<Output = Result<u32, String>> + '_ {
            let first = async move {
                let v = self.trace.step("first", 1, n).await;
                let parsed: u32 = format!("{v}").parse().map_err(|e| format!("{e:?}"))?;
                Ok::<u32, String>(parsed + self.base)
            };
            async move {
                let a = first.await?;
                if a > 100 {
                    return Err("too big".to_string());
                }
                let b = self.trace.step("second", 2, a).await;
                Ok(b * 2)
            }
        }
    }
    async fn run(t: Trace) -> (Result<u32, String>, Result<u32, String>) {
        let c = Client { trace: t, base: 1 };
        (c.get(2).await, c.get(200).await)
    }
}

case! {
    async_block_capture_order(t) => fetch(t);
    #[desugar]
    fn fetch(t: Trace) -> impl std::future::Future<Output = usize> {
        let first = t.noisy("first");
        let second = t.noisy("second");
        let third = t.noisy("third");
        async move {
            let n = third.touch().len();
            t.step("wait", 1, ()).await;
            n + second.touch().len() + first.touch().len() + third.touch().len()
        }
    }
}

case! {
    async_fn_declared_in_a_plain_fn(t) => outer(t);
    // As `#[async_std::main]` writes a function: the body as an `async fn` inside it.
    #[desugar]
    fn outer(t: Trace) -> impl std::future::Future<Output = u32> {
        async fn inner(t: Trace, n: u32) -> u32 {
            let guard = t.noisy("inner guard");
            let m = t.step("inner", 2, n).await;
            guard.touch();
            m + 1
        }
        inner(t, 4)
    }
}

// Crater (ractor's `processing_loop`): an instrumented function with a parameter moved on some
// paths; its body is an `async` block, whose parameters are its captures and keep their names.
case! {
    instrumented_param_moved_on_some_paths(t) => run(t);
    fn consume(n: common::Noisy) -> usize {
        n.touch().len()
    }
    #[desugar]
    #[instrument(skip_all)]
    async fn handle(t: Trace, c: bool, p: common::Noisy) -> usize {
        let r = if c { 1 } else { consume(p) };
        t.step("pause", 1, ()).await;
        r
    }
    async fn run(t: Trace) -> (usize, usize) {
        (handle(t.clone(), true, t.noisy("a")).await, handle(t.clone(), false, t.noisy("b")).await)
    }
}

// Crater, ractor's `spawn` (reduced): two `#[cfg]` blocks end the function, one per platform.
// rustc removes the one that does not apply and the other is the function's value; the first
// was read as a statement, whose value must be `()` (E0308). They become one labeled block that
// each breaks out of with its value.
case! {
    conditional_blocks_at_the_end_are_the_value(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Result<u32, Bad> {
        let n = t.step("recv", 1, 3).await;
        let r = check(&t, n);
        #[cfg(unix)]
        {
            r.map(|v| v + 1)
        }
        #[cfg(not(unix))]
        {
            r.map(|v| v + 2)
        }
    }
}

// Helpers' ordinary programs: a `&mut` parameter passed on to the recursive call, then used
// again (E0507: bound to the block's argument, it moved): the call reborrows it, as a call of a
// function whose parameter is `&mut` does.
case! {
    recursion_reborrows_a_mut_reference(t) => run(t);
    #[desugar]
    async fn collect(t: Trace, depth: u32, out: &mut Vec<u32>) {
        if depth > 0 {
            Box::pin(collect(t.clone(), depth - 1, out)).await;
            Box::pin(collect(t.clone(), depth - 1, &mut *out)).await;
        }
        out.push(t.step("push", 1, depth).await);
    }
    #[desugar]
    async fn run(t: Trace) -> Vec<u32> {
        let mut out = Vec::new();
        collect(t, 2, &mut out).await;
        out
    }
}
