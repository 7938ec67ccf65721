//! The equivalence harness: the same async fn compiled twice, natively and through
//! `#[desugar]`, driven with identical inputs; everything observable must match.
//!
//! `case!` declares one case; `check` drives both versions:
//! - to completion on a deterministic executor: output, trace of side effects, number of polls;
//! - dropped after every possible number of polls (cancellation at each suspension point): the
//!   traces, which include every drop, must match;
//! - polled again after completion: the same panic;
//! - to completion under tokio, on a current-thread and on a multi-thread runtime.

#![allow(dead_code)]

pub mod fuzz;

use std::fmt::Debug;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, Once};
use std::task::{Context, Poll, Waker};

/// A log of side effects, shared by a case and its helpers.
#[derive(Clone, Default)]
pub struct Trace(Arc<Mutex<Vec<String>>>);

impl Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trace")
    }
}

impl Trace {
    pub fn log(&self, event: impl Into<String>) {
        self.0.lock().unwrap().push(event.into());
    }

    pub fn events(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// A future that logs each poll, is not ready for its first `pending` polls, then yields
    /// `value`; it logs its drop too, so that cancellation shows which futures were in flight.
    pub fn step<T>(&self, name: &'static str, pending: u32, value: T) -> Step<T> {
        Step {
            trace: self.clone(),
            name,
            pending,
            value: Some(value),
        }
    }

    /// A value that logs its drop.
    pub fn noisy(&self, name: &'static str) -> Noisy {
        self.log(format!("new {name}"));
        Noisy {
            trace: self.clone(),
            name,
        }
    }
}

pub struct Step<T> {
    trace: Trace,
    name: &'static str,
    pending: u32,
    value: Option<T>,
}

impl<T> Unpin for Step<T> {}

impl<T> Future for Step<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.trace.log(format!("poll {}", self.name));
        if self.pending > 0 {
            self.pending -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.value.take().expect("Step polled after completion"))
    }
}

impl<T> Drop for Step<T> {
    fn drop(&mut self) {
        self.trace.log(format!("drop future {}", self.name));
    }
}

/// Logs its drop.
#[derive(Debug)]
pub struct Noisy {
    trace: Trace,
    pub name: &'static str,
}

impl Noisy {
    pub fn touch(&self) -> &'static str {
        self.trace.log(format!("touch {}", self.name));
        self.name
    }
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.trace.log(format!("drop {}", self.name));
    }
}

/// What one run observed.
#[derive(Debug, PartialEq)]
pub struct Run {
    pub output: Option<String>,
    pub polls: usize,
    pub trace: Vec<String>,
}

/// Polls a future at most `max` times, then drops it.
pub fn run_deterministic<F: Future>(future: F, trace: &Trace, max: usize) -> Run
where
    F::Output: Debug,
{
    let mut output = None;
    let mut polls = 0;
    {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        while polls < max {
            polls += 1;
            trace.log(format!("-- poll {polls}"));
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                output = Some(format!("{out:?}"));
                break;
            }
        }
        trace.log("-- drop");
    }
    Run {
        output,
        polls,
        trace: trace.events(),
    }
}

/// The panic messages of polling a finished future twice more: the first panic must leave it
/// finished, not poisoned.
fn poll_after_completion<F: Future>(future: F) -> Vec<String> {
    quiet_expected_panics();
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    while future.as_mut().poll(&mut cx).is_pending() {}
    (0..2)
        .map(|_| {
            let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let _ = future.as_mut().poll(&mut cx);
            }))
            .expect_err("polling a finished future must panic");
            panic_message(&*panic)
        })
        .collect()
}

pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Keeps the panics the harness provokes on purpose out of the test output.
pub fn quiet_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("");
            if !message.starts_with("`async fn` resumed after") && !message.starts_with("boom") {
                default(info);
            }
        }));
    });
}

fn run_tokio<F: Future>(future: F, trace: &Trace, multi_thread: bool) -> (String, Vec<String>)
where
    F::Output: Debug,
{
    let rt = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
    .expect("a tokio runtime");
    let out = rt.block_on(future);
    (format!("{out:?}"), trace.events())
}

/// Checks that two versions of a case are indistinguishable.
pub fn check<A, B, FA, FB>(name: &str, native: A, desugared: B)
where
    A: Fn(Trace) -> FA,
    B: Fn(Trace) -> FB,
    FA: Future,
    FB: Future,
    FA::Output: Debug,
    FB::Output: Debug,
{
    // Enough for every case; a future that needs more is taken as hanging.
    const MAX_POLLS: usize = 10_000;
    let full = |make: &dyn Fn(Trace) -> Run| make(Trace::default());
    let native_run = full(&|t| run_deterministic(native(t.clone()), &t, MAX_POLLS));
    let desugared_run = full(&|t| run_deterministic(desugared(t.clone()), &t, MAX_POLLS));
    assert!(
        native_run.output.is_some(),
        "{name}: the native future never finished"
    );
    assert_eq!(
        native_run, desugared_run,
        "{name}: runs to completion differ"
    );

    // Dropped while suspended at each point, and before the first poll.
    for max in 0..native_run.polls {
        let n = full(&|t| run_deterministic(native(t.clone()), &t, max));
        let d = full(&|t| run_deterministic(desugared(t.clone()), &t, max));
        assert_eq!(n, d, "{name}: dropped after {max} polls, the runs differ");
    }

    assert_eq!(
        poll_after_completion(native(Trace::default())),
        poll_after_completion(desugared(Trace::default())),
        "{name}: polling after completion"
    );

    for multi_thread in [false, true] {
        let t = Trace::default();
        let n = run_tokio(native(t.clone()), &t, multi_thread);
        let t = Trace::default();
        let d = run_tokio(desugared(t.clone()), &t, multi_thread);
        assert_eq!(n, d, "{name}: under tokio (multi-thread: {multi_thread})");
    }

    let t = Trace::default();
    let sizes = (
        std::mem::size_of_val(&native(t.clone())),
        std::mem::size_of_val(&desugared(t)),
    );
    eprintln!("size {name}: native {} desugared {}", sizes.0, sizes.1);
}

/// Polls a future that may panic: each poll under `catch_unwind`, and once more after a panic.
pub fn run_panicking<F: Future>(future: F, trace: &Trace) -> Run
where
    F::Output: Debug,
{
    quiet_expected_panics();
    let mut output = None;
    let mut polls = 0;
    {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        let mut panics = 0;
        while polls < 1_000 && panics < 2 {
            polls += 1;
            trace.log(format!("-- poll {polls}"));
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                future.as_mut().poll(&mut cx)
            }));
            match r {
                Ok(Poll::Ready(out)) => {
                    output = Some(format!("{out:?}"));
                    break;
                }
                Ok(Poll::Pending) => {}
                Err(panic) => {
                    panics += 1;
                    trace.log(format!("-- panicked: {}", panic_message(&*panic)));
                }
            }
        }
        trace.log("-- drop");
    }
    Run {
        output,
        polls,
        trace: trace.events(),
    }
}

/// Checks that two versions of a case that panics while being polled are indistinguishable:
/// what is dropped during the unwind, and the panic of polling again.
pub fn check_panics<A, B, FA, FB>(name: &str, native: A, desugared: B)
where
    A: Fn(Trace) -> FA,
    B: Fn(Trace) -> FB,
    FA: Future,
    FB: Future,
    FA::Output: Debug,
    FB::Output: Debug,
{
    let t = Trace::default();
    let n = run_panicking(native(t.clone()), &t);
    let t = Trace::default();
    let d = run_panicking(desugared(t.clone()), &t);
    assert!(
        n.trace.iter().any(|e| e.contains("panicked")),
        "{name}: the native future did not panic"
    );
    assert_eq!(n, d, "{name}: panicking runs differ");
    // Dropped after every number of polls before the panic, too.
    for max in 0..n.polls {
        let n = run_panicking_at_most(&native, max);
        let d = run_panicking_at_most(&desugared, max);
        assert_eq!(n, d, "{name}: dropped after {max} polls, the runs differ");
    }
}

/// `run_panicking` stopped after `max` polls: the trace, with the drop.
fn run_panicking_at_most<F: std::future::Future>(
    make: &dyn Fn(Trace) -> F,
    max: usize,
) -> Vec<String>
where
    F::Output: std::fmt::Debug,
{
    use std::task::{Context, Poll, Waker};
    let trace = Trace::default();
    let future = make(trace.clone());
    {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        for poll in 1..=max {
            trace.log(format!("-- poll {poll}"));
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                future.as_mut().poll(&mut cx)
            }));
            match r {
                Ok(Poll::Ready(out)) => {
                    trace.log(format!("-- ready {out:?}"));
                    break;
                }
                Ok(Poll::Pending) => {}
                Err(panic) => {
                    trace.log(format!("-- panicked: {}", panic_message(&*panic)));
                    break;
                }
            }
        }
    }
    trace.log("-- drop");
    trace.events()
}

/// Declares an equivalence case: a name, how to call the function with a `Trace`, and the
/// function (plus any helper items it needs), compiled once natively and once desugared.
/// `#[panics]` before the name checks a case that panics while polled (`check_panics`).
#[macro_export]
macro_rules! case {
    (#[panics] $name:ident($t:ident) => $call:expr; $($item:tt)*) => {
        $crate::case!(@case check_panics $name($t) => $call; $($item)*);
    };
    ($name:ident($t:ident) => $call:expr; $($item:tt)*) => {
        $crate::case!(@case check $name($t) => $call; $($item)*);
    };
    (@case $check:ident $name:ident($t:ident) => $call:expr; $($item:tt)*) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            mod native {
                #[allow(unused_imports)]
                use super::*;
                $crate::case!(@items [] $($item)*);
                pub fn __call($t: $crate::common::Trace) -> impl ::std::future::Future<Output = impl ::std::fmt::Debug> {
                    $call
                }
            }
            mod desugared {
                #[allow(unused_imports)]
                use super::*;
                $crate::case!(@items [#[desugar::desugar]] $($item)*);
                pub fn __call($t: $crate::common::Trace) -> impl ::std::future::Future<Output = impl ::std::fmt::Debug> {
                    $call
                }
            }
            #[test]
            fn equivalent() {
                $crate::common::$check(stringify!($name), native::__call, desugared::__call);
            }
        }
    };
    // The async fns and impl blocks marked `#[desugar::desugar]` in the case get it only in the
    // desugared copy, where it was written (above or below another attribute).
    (@items [$($attr:tt)*] #[desugar] $item:item $($rest:tt)*) => {
        $($attr)* $item
        $crate::case!(@items [$($attr)*] $($rest)*);
    };
    // `#[desugar]` below another attribute macro (`#[async_trait] #[desugar] impl ..`).
    (@items [$($attr:tt)*] #[$outer:meta] #[desugar] $item:item $($rest:tt)*) => {
        #[$outer] $($attr)* $item
        $crate::case!(@items [$($attr)*] $($rest)*);
    };
    (@items [$($attr:tt)*] $item:item $($rest:tt)*) => {
        $item
        $crate::case!(@items [$($attr)*] $($rest)*);
    };
    (@items [$($attr:tt)*]) => {};
}
