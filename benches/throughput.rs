//! Poll throughput: each workload is one async fn compiled twice, by rustc and through
//! `#[desugar]`, and driven the same way. `scripts/perf.py` turns the timings into the
//! desugared/native ratios of docs/PERFORMANCE.md.

mod common;

use std::future::Future;
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, Throughput, criterion_group};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The same async fns twice: `native::*` as rustc lowers them, `desugared::*` through the macro.
macro_rules! twins {
    ($($item:item)*) => {
        mod native {
            use super::*;
            $($item)*
        }
        mod desugared {
            use super::*;
            $(#[desugar::desugar] $item)*
        }
    };
}

twins! {
    /// (a) Awaits of futures that are always ready: the cost of entering and leaving a state.
    pub async fn ready_loop(n: u64) -> u64 {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(std::future::ready(black_box(i)).await);
        }
        acc
    }

    /// (b) Every await returns `Pending` once: the cost of a real suspension and resumption.
    pub async fn pending_loop(n: u64) -> u64 {
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(YieldOnce::new(i).await);
        }
        acc
    }

    /// (c) An echo server's connection handler, as in tokio's examples.
    pub async fn echo<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) -> std::io::Result<u64> {
        let mut buf = [0u8; 4096];
        let mut total = 0u64;
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            stream.write_all(&buf[..n]).await?;
            total += n as u64;
        }
        Ok(total)
    }

    /// (d) A 4 KiB buffer that the awaited future fills, read between awaits, each await
    /// suspending once: a state machine that moved its saved locals would copy it at every await.
    pub async fn buffer_loop(n: usize) -> u64 {
        let mut buf = [0u8; 4096];
        let mut sum = 0u64;
        for i in 0..n {
            Fill::new(&mut buf, i).await;
            sum = sum.wrapping_add(u64::from(buf[i % 4096]));
        }
        sum
    }
}

/// Returns `Pending` once (waking its task at once), then its value.
struct YieldOnce<T> {
    value: Option<T>,
    yielded: bool,
}

impl<T> YieldOnce<T> {
    fn new(value: T) -> Self {
        YieldOnce {
            value: Some(value),
            yielded: false,
        }
    }
}

impl<T> Unpin for YieldOnce<T> {}

impl<T> Future for YieldOnce<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(
            self.value
                .take()
                .expect("YieldOnce polled after completion"),
        )
    }
}

/// Writes one byte of the borrowed buffer after suspending once, like a read into a buffer.
struct Fill<'a> {
    buf: &'a mut [u8; 4096],
    round: usize,
    yielded: bool,
}

impl<'a> Fill<'a> {
    fn new(buf: &'a mut [u8; 4096], round: usize) -> Self {
        Fill {
            buf,
            round,
            yielded: false,
        }
    }
}

impl Future for Fill<'_> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let round = self.round;
        self.buf[round % 4096] = round as u8;
        Poll::Ready(())
    }
}

/// The minimal executor: polls with a no-op waker until the future is ready. It polls through
/// `dyn Future`, as a real executor polls its tasks, so that neither future's `poll` is inlined
/// into the loop that drives it: inlining would measure the optimizer's mood, not the futures.
fn block_on<F: Future>(future: F) -> F::Output {
    let future = pin!(future);
    let mut future: Pin<&mut dyn Future<Output = F::Output>> = future;
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = black_box(future.as_mut()).poll(&mut cx) {
            return output;
        }
    }
}

const READY_AWAITS: u64 = 1_000_000;
const PENDING_AWAITS: u64 = 100_000;
const BUFFER_AWAITS: usize = 100_000;
const ECHO_BYTES: usize = 64 << 20;
const CHUNK: usize = 4096;

/// One workload: the native and the desugared fn, each driven to completion by `run`.
fn twins<T: Copy>(
    c: &mut Criterion,
    group: &str,
    input: T,
    elements: u64,
    runs: [fn(T) -> u64; 2],
) {
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(elements));
    for (name, run) in ["native", "desugared"].into_iter().zip(runs) {
        group.bench_function(name, |b| b.iter(|| run(black_box(input))));
    }
    group.finish();
}

/// Each workload's twins, native first, as the benchmarks and the probe run them.
const READY: [fn(u64) -> u64; 2] = [
    |n| block_on(native::ready_loop(n)),
    |n| block_on(desugared::ready_loop(n)),
];
const PENDING: [fn(u64) -> u64; 2] = [
    |n| block_on(native::pending_loop(n)),
    |n| block_on(desugared::pending_loop(n)),
];
const ECHO: [fn(&tokio::runtime::Runtime) -> u64; 2] = [
    |runtime| runtime.block_on(echo_through(native::echo)),
    |runtime| runtime.block_on(echo_through(desugared::echo)),
];
const BUFFER: [fn(usize) -> u64; 2] = [
    |n| block_on(native::buffer_loop(n)),
    |n| block_on(desugared::buffer_loop(n)),
];

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn ready(c: &mut Criterion) {
    twins(c, "a_ready_loop", READY_AWAITS, READY_AWAITS, READY);
}

fn pending(c: &mut Criterion) {
    twins(c, "b_pending_loop", PENDING_AWAITS, PENDING_AWAITS, PENDING);
}

/// Sends `ECHO_BYTES` through the handler over an in-memory duplex pipe, in `CHUNK`-byte writes,
/// and reads the echo back, all on one current-thread runtime.
async fn echo_through<F, Fut>(handler: F) -> u64
where
    F: FnOnce(tokio::io::DuplexStream) -> Fut,
    Fut: Future<Output = std::io::Result<u64>>,
{
    let (client, server) = tokio::io::duplex(16 * CHUNK);
    let (mut from_server, mut to_server) = tokio::io::split(client);
    let send = async move {
        let chunk = [7u8; CHUNK];
        for _ in 0..ECHO_BYTES / CHUNK {
            to_server.write_all(&chunk).await.unwrap();
        }
        to_server.shutdown().await.unwrap();
    };
    let receive = async move {
        let mut buf = [0u8; CHUNK];
        let mut received = 0;
        while received < ECHO_BYTES {
            received += from_server.read(&mut buf).await.unwrap();
        }
        received
    };
    let (echoed, (), received) = tokio::join!(handler(server), send, receive);
    assert_eq!(received, ECHO_BYTES);
    echoed.unwrap()
}

fn echo(c: &mut Criterion) {
    let runtime = current_thread();
    let mut group = c.benchmark_group("c_duplex_echo");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(ECHO_BYTES as u64));
    for (name, run) in ["native", "desugared"].into_iter().zip(ECHO) {
        group.bench_function(name, |b| b.iter(|| run(&runtime)));
    }
    group.finish();
}

fn buffer(c: &mut Criterion) {
    twins(
        c,
        "d_buffer_loop",
        BUFFER_AWAITS,
        BUFFER_AWAITS as u64,
        BUFFER,
    );
}

/// Runs one workload once (`a`..`d`, `native` or `desugared`): for instruction counts under
/// callgrind (`scripts/perf.py`), which do not vary from run to run as times do.
fn probe(spec: &str) {
    let Some((workload, variant)) = spec.split_once('/') else {
        panic!("DESUGAR_PROBE is `workload/variant`, e.g. `a/native`");
    };
    let twin = match variant {
        "native" => 0,
        "desugared" => 1,
        other => panic!("unknown variant {other}"),
    };
    let result = match workload {
        "a" => READY[twin](READY_AWAITS),
        "b" => PENDING[twin](PENDING_AWAITS),
        "c" => ECHO[twin](&current_thread()),
        "d" => BUFFER[twin](BUFFER_AWAITS),
        other => panic!("unknown workload {other}"),
    };
    black_box(result);
}

criterion_group!(benches, ready, pending, echo, buffer);

fn main() {
    common::probe_or_bench(probe, benches);
}
