//! `#[desugar]` with other attribute macros, where the `case!` harness cannot put it (it marks
//! whole items): on a method of an `#[async_trait]` impl and of a trait whose methods are
//! `async fn`s; with `#[tokio::main]` and `#[tokio::test]`, in either order; and with
//! `#[tracing::instrument]`, in either order, checked with a subscriber that records every span
//! entered and exited: the span must be entered at each poll, as for the native `async fn`.
//! Each function is written twice by hand, natively and desugared.

#[path = "common/mod.rs"]
#[macro_use]
#[allow(unused_macros)]
mod common;

use common::Trace;
use std::future::Future;
use std::sync::{Arc, Mutex};

// ---- a method of an `#[async_trait]` impl, and of a trait with `async fn`s ----

#[async_trait::async_trait]
pub trait Store {
    async fn load(&self, key: u32) -> u32;
    async fn save(&mut self, (key, value): (u32, String)) -> Result<usize, String>;
}

#[async_trait::async_trait]
pub trait Service {
    async fn call(&self, n: u32) -> Result<u32, String>;
}

/// `async fn` in a trait (Rust 1.75): the impl's method must declare no more lifetimes (E0195).
#[allow(async_fn_in_trait)]
pub trait Listener {
    async fn accept(&mut self) -> u32;
    async fn peek(&self, buf: &mut [u8]) -> usize;
    async fn open(trace: Trace, n: u32) -> Self
    where
        Self: Sized;
}

mod native {
    use super::{Listener, Service, Store, Trace};

    pub struct Api(pub Trace);

    #[async_trait::async_trait]
    impl Service for Api {
        #[tracing::instrument(skip(self), err)]
        async fn call(&self, n: u32) -> Result<u32, String> {
            let m = self.0.step("call", 1, n).await;
            if m == 0 { Err("zero".into()) } else { Ok(m) }
        }
    }

    pub struct Memory {
        pub trace: Trace,
        pub saved: usize,
    }

    #[async_trait::async_trait]
    impl Store for Memory {
        async fn load(&self, key: u32) -> u32 {
            self.trace.step("load", 2, key * 10).await + 1
        }
        async fn save(&mut self, (key, value): (u32, String)) -> Result<usize, String> {
            if key == 0 {
                return Err("no key".into());
            }
            self.saved += self.trace.step("save", 1, value.len()).await;
            Ok(self.saved)
        }
    }

    pub struct Socket {
        pub trace: Trace,
        pub accepted: u32,
    }

    impl Listener for Socket {
        async fn accept(&mut self) -> u32 {
            self.accepted += self.trace.step("accept", 1, 1).await;
            self.accepted
        }
        async fn peek(&self, buf: &mut [u8]) -> usize {
            let n = self.trace.step("peek", 2, buf.len()).await;
            buf[0] = n as u8;
            n + self.accepted as usize
        }
        async fn open(trace: Trace, n: u32) -> Self {
            let accepted = trace.step("open", 1, n).await;
            Socket { trace, accepted }
        }
    }

    #[tracing::instrument(skip(t), fields(extra = n * 2), err, ret)]
    pub async fn handle(t: Trace, n: u32) -> Result<u32, String> {
        tracing::debug!(request = ?n, "handling");
        let m = t.step("handle", 2, n + 1).await;
        if m > 10 {
            return Err(format!("too big: {m}"));
        }
        Ok(m)
    }

    #[tracing::instrument(skip_all)]
    pub async fn quiet(t: Trace) -> u32 {
        t.step("quiet", 1, 7).await
    }
}

mod desugared {
    use super::{Listener, Service, Store, Trace};

    pub struct Api(pub Trace);

    // The `impl`'s attribute runs before the method's `#[instrument]`: the method gets its own
    // `#[desugar]`, below it.
    #[desugar::desugar]
    #[async_trait::async_trait]
    impl Service for Api {
        #[tracing::instrument(skip(self), err)]
        async fn call(&self, n: u32) -> Result<u32, String> {
            let m = self.0.step("call", 1, n).await;
            if m == 0 { Err("zero".into()) } else { Ok(m) }
        }
    }

    pub struct Memory {
        pub trace: Trace,
        pub saved: usize,
    }

    #[async_trait::async_trait]
    impl Store for Memory {
        #[desugar::desugar]
        async fn load(&self, key: u32) -> u32 {
            self.trace.step("load", 2, key * 10).await + 1
        }
        #[desugar::desugar]
        async fn save(&mut self, (key, value): (u32, String)) -> Result<usize, String> {
            if key == 0 {
                return Err("no key".into());
            }
            self.saved += self.trace.step("save", 1, value.len()).await;
            Ok(self.saved)
        }
    }

    pub struct Socket {
        pub trace: Trace,
        pub accepted: u32,
    }

    impl Listener for Socket {
        #[desugar::desugar]
        async fn accept(&mut self) -> u32 {
            self.accepted += self.trace.step("accept", 1, 1).await;
            self.accepted
        }
        #[desugar::desugar]
        async fn peek(&self, buf: &mut [u8]) -> usize {
            let n = self.trace.step("peek", 2, buf.len()).await;
            buf[0] = n as u8;
            n + self.accepted as usize
        }
        #[desugar::desugar]
        async fn open(trace: Trace, n: u32) -> Self {
            let accepted = trace.step("open", 1, n).await;
            Socket { trace, accepted }
        }
    }

    #[tracing::instrument(skip(t), fields(extra = n * 2), err, ret)]
    #[desugar::desugar]
    pub async fn handle(t: Trace, n: u32) -> Result<u32, String> {
        tracing::debug!(request = ?n, "handling");
        let m = t.step("handle", 2, n + 1).await;
        if m > 10 {
            return Err(format!("too big: {m}"));
        }
        Ok(m)
    }

    #[desugar::desugar]
    #[tracing::instrument(skip_all)]
    pub async fn quiet(t: Trace) -> u32 {
        t.step("quiet", 1, 7).await
    }
}

fn is_send<T: Send>(t: T) -> T {
    t
}

#[test]
fn method_of_an_async_trait_impl() {
    async fn run_native(t: Trace) -> (u32, Result<usize, String>, Result<usize, String>) {
        let mut m = native::Memory { trace: t, saved: 0 };
        let a = is_send(m.load(4)).await;
        let b = m.save((0, "x".into())).await;
        let c = m.save((1, "abc".into())).await;
        (a, b, c)
    }
    async fn run_desugared(t: Trace) -> (u32, Result<usize, String>, Result<usize, String>) {
        let mut m = desugared::Memory { trace: t, saved: 0 };
        let a = is_send(m.load(4)).await;
        let b = m.save((0, "x".into())).await;
        let c = m.save((1, "abc".into())).await;
        (a, b, c)
    }
    common::check("async_trait method", run_native, run_desugared);
}

#[test]
fn method_of_a_trait_with_async_fns() {
    async fn run_native(t: Trace) -> (u32, usize, u8) {
        let mut s = native::Socket::open(t, 2).await;
        let a = is_send(s.accept()).await;
        let mut buf = [0u8; 3];
        let b = s.peek(&mut buf).await;
        (a, b, buf[0])
    }
    async fn run_desugared(t: Trace) -> (u32, usize, u8) {
        let mut s = desugared::Socket::open(t, 2).await;
        let a = is_send(s.accept()).await;
        let mut buf = [0u8; 3];
        let b = s.peek(&mut buf).await;
        (a, b, buf[0])
    }
    common::check("trait method", run_native, run_desugared);
}

// ---- `#[tokio::main]` and `#[tokio::test]`, in either order ----

async fn ready_sum(a: u32, b: u32) -> u32 {
    tokio::task::yield_now().await;
    a + b
}

#[tokio::main(flavor = "current_thread")]
#[desugar::desugar]
async fn main_below() -> u32 {
    ready_sum(1, 2).await * 2
}

#[desugar::desugar]
#[tokio::main]
async fn main_above() -> Result<u32, String> {
    let n = ready_sum(3, 4).await;
    if n > 100 {
        return Err("too big".into());
    }
    Ok(n)
}

/// As anyhow's `bail!`: returns early from the function it is in. (Used in desugared functions
/// only, which expand it: rustc sees no use, docs/SEMANTICS.md.)
#[allow(unused_macros)]
macro_rules! bail_with {
    ($e:expr) => {
        return Err($e)
    };
}

#[derive(Debug, Default)]
struct Settings {
    n: u32,
}

impl Settings {
    fn n(mut self, n: u32) -> Self {
        self.n = n;
        self
    }
}

async fn read_n(settings: &Settings) -> u32 {
    tokio::task::yield_now().await;
    settings.n
}

// Helpers' ordinary programs (E0308, E0507): `#[tokio::main]` runs the body, an `async` block,
// with `block_on(body)`; the block's output is the function's return type, which a macro's
// `return Err(..)` needs (`bail!`). A builder reassigned (`cfg = cfg.n(3)`) and then borrowed
// by a future whose value may keep the borrow lives in a slot: it is taken out and put back.
#[tokio::main(flavor = "current_thread")]
#[desugar::desugar]
async fn main_bails() -> Result<u32, String> {
    let flags = vec!["--dry-run", "-x"];
    let mut settings = Settings::default();
    settings = settings.n(3);
    for flag in &flags {
        match *flag {
            "--dry-run" => settings.n += read_n(&settings).await,
            other => bail_with!(format!("unknown flag {other}")),
        }
    }
    let n = read_n(&settings).await;
    Ok(n)
}

#[tokio::main(flavor = "current_thread")]
#[desugar::desugar]
async fn main_builds() -> Result<u32, String> {
    let mut settings = Settings::default();
    settings = settings.n(3);
    let n = read_n(&settings).await;
    if n > 10 {
        bail_with!("too big".to_string());
    }
    Ok(n)
}

#[test]
fn tokio_main_either_order() {
    assert_eq!(main_below(), 6);
    assert_eq!(main_above(), Ok(7));
    assert_eq!(main_bails(), Err("unknown flag -x".to_string()));
    assert_eq!(main_builds(), Ok(3));
}

#[tokio::test]
#[desugar::desugar]
async fn tokio_test_below() {
    let n = ready_sum(1, 1).await;
    assert_eq!(n, 2);
}

#[desugar::desugar]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_test_above() -> Result<(), String> {
    let n = tokio::spawn(ready_sum(2, 2))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(n, 4);
    Ok(())
}

// ---- `#[instrument]`: the span is entered at every poll ----

/// Records what a subscriber sees: spans created (with their fields), entered, exited, closed,
/// and events (with their fields).
#[derive(Clone, Default)]
struct Recorder {
    log: Arc<Mutex<Vec<String>>>,
    next: Arc<Mutex<u64>>,
}

impl Recorder {
    fn push(&self, s: String) {
        self.log.lock().unwrap().push(s);
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut next = self.next.lock().unwrap();
        *next += 1;
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        self.push(format!(
            "new {} #{}{}",
            span.metadata().name(),
            *next,
            fields.0
        ));
        tracing::span::Id::from_u64(*next)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.push(format!("record #{}{}", id.into_u64(), fields.0));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.push(format!("event {}{}", event.metadata().level(), fields.0));
    }
    fn enter(&self, id: &tracing::span::Id) {
        self.push(format!("enter #{}", id.into_u64()));
    }
    fn exit(&self, id: &tracing::span::Id) {
        self.push(format!("exit #{}", id.into_u64()));
    }
    fn try_close(&self, id: tracing::span::Id) -> bool {
        self.push(format!("close #{}", id.into_u64()));
        true
    }
}

/// Polls `future` to completion under a recording subscriber, noting each poll.
fn traced<F: Future>(future: F) -> Vec<String>
where
    F::Output: std::fmt::Debug,
{
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            recorder.push("-- poll".into());
            if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                recorder.push(format!("-- ready {out:?}"));
                break;
            }
        }
    });
    recorder.log.lock().unwrap().clone()
}

#[test]
fn instrumented_span_entered_at_every_poll() {
    for n in [1, 20] {
        let native = traced(native::handle(Trace::default(), n));
        let desugared = traced(desugared::handle(Trace::default(), n));
        assert_eq!(native, desugared, "handle({n})");
        // Entered at each of the three polls (two `Pending`, one `Ready`), and once more while
        // the future is dropped (`Instrumented` drops what it wraps inside the span).
        let polls = native.iter().filter(|l| *l == "-- poll").count();
        let enters = native.iter().filter(|l| l.starts_with("enter")).count();
        assert_eq!((polls, enters), (3, 4), "{native:#?}");
    }
    for n in [0, 2] {
        let native = traced(native::Api(Trace::default()).call(n));
        let desugared = traced(desugared::Api(Trace::default()).call(n));
        assert_eq!(native, desugared, "Api::call({n})");
    }
    let native = traced(native::quiet(Trace::default()));
    let desugared = traced(desugared::quiet(Trace::default()));
    assert_eq!(native, desugared);
    // The futures are the same without a subscriber too (the span is disabled).
    common::check(
        "instrument",
        |t| native::handle(t, 3),
        |t| desugared::handle(t, 3),
    );
}

/// What `#[instrument]` writes for an `async fn` (tracing-attributes 0.1, with `err` and `ret`),
/// given to `#[desugar]`: no `async` block is left, the function's code is in state machines.
#[test]
fn instrumented_output_has_no_async_block_left() {
    let instrumented = quote::quote! {
        async fn handle(t: Trace, n: u32) -> Result<u32, String> {
            let __tracing_attr_span = tracing::span!(tracing::Level::INFO, "handle", n);
            let __tracing_instrument_future = async move {
                let __match_scrutinee = async move {
                    {
                        let m = t.step("handle", 2, n + 1).await;
                        Ok(m)
                    }
                }
                .await;
                match __match_scrutinee {
                    Ok(x) => {
                        tracing::event!(tracing::Level::INFO, return = ?x);
                        Ok(x)
                    }
                    Err(e) => {
                        tracing::event!(tracing::Level::ERROR, error = %e);
                        Err(e)
                    }
                }
            };
            if !__tracing_attr_span.is_disabled() {
                tracing::Instrument::instrument(__tracing_instrument_future, __tracing_attr_span).await
            } else {
                __tracing_instrument_future.await
            }
        }
    };
    let expanded = desugar_core::expand(Default::default(), instrumented)
        .unwrap()
        .to_string();
    assert!(!expanded.contains("async move"), "{expanded}");
    assert!(expanded.contains("__instrumented_body.await"), "{expanded}");
    // Three machines: the function's, the `ret`/`err` wrapper's and the body's.
    assert_eq!(expanded.matches("Panicked ,").count(), 3, "{expanded}");
}
