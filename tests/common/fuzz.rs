//! The types of the fuzzer's programs (`desugar-fuzz`): values and channels that log every use
//! and their drop, so that the trace shows what a program did and in which order. They are
//! part of the harness so that a reduced program pastes into an equivalence case as it is.
//!
//! Their method names collide with well-known std and tokio names on purpose, with the
//! receiver mode a macro would not guess: `Val::send(self)` consumes while tokio's
//! `Sender::send(&self)` borrows, `Chan::get(self)` and `Chan::take(self)` consume while
//! `Option::take` and `HashMap::get` borrow, `Chan::into_val(&self)` borrows despite `into_`.

use super::{Step, Trace};
use std::fmt;

/// A value that logs its creation, its uses and its drop.
pub struct Val {
    n: u32,
    t: Trace,
}

impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Val({})", self.n)
    }
}

impl Drop for Val {
    fn drop(&mut self) {
        self.t.log(format!("drop val {}", self.n));
    }
}

impl Trace {
    /// A new value.
    pub fn val(&self, n: u32) -> Val {
        self.log(format!("new val {n}"));
        Val {
            n: n % 1000,
            t: self.clone(),
        }
    }

    /// A new channel.
    pub fn chan(&self, n: u32) -> Chan {
        self.log(format!("new chan {n}"));
        Chan {
            n: n % 1000,
            t: self.clone(),
        }
    }

    /// Runs `f` (which must own what it uses, as with `tokio::task::spawn_blocking`) and
    /// returns its result through a future that is pending once.
    pub fn spawn<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> Step<R> {
        self.log("spawn");
        let r = f();
        self.step("spawned", 1, r)
    }
}

impl Val {
    /// `&self`.
    pub fn get(&self) -> u32 {
        self.t.log(format!("get {}", self.n));
        self.n
    }

    /// `&self`, named like `Mutex::lock`.
    pub fn lock(&self) -> u32 {
        self.t.log(format!("lock {}", self.n));
        (self.n + 1) % 1000
    }

    /// `&mut self`, named like `Option::take`.
    pub fn take(&mut self) -> u32 {
        self.t.log(format!("take {}", self.n));
        let old = self.n;
        self.n = (self.n + 1) % 1000;
        old
    }

    /// `&self`, named like `broadcast::Sender::subscribe`: a new value.
    pub fn subscribe(&self) -> Val {
        self.t.log(format!("subscribe {}", self.n));
        self.t.val(self.n + 100)
    }

    /// `self`, named like `mpsc::Sender::send` (which borrows).
    pub fn send(self) -> u32 {
        self.t.log(format!("send {}", self.n));
        self.n
    }

    /// `self`.
    pub fn into_inner(self) -> u32 {
        self.t.log(format!("into_inner {}", self.n));
        self.n
    }

    /// An async method borrowing `self` until it finishes.
    pub async fn wait(&self, pending: u32) -> u32 {
        self.t.step("wait", pending, ()).await;
        self.t.log(format!("waited {}", self.n));
        self.n
    }

    /// An async method borrowing `self` mutably until it finishes.
    pub async fn recv(&mut self) -> u32 {
        self.t.step("recv", 1, ()).await;
        self.n = (self.n + 7) % 1000;
        self.t.log(format!("recv {}", self.n));
        self.n
    }
}

/// A channel-like value whose methods take the receiver the way a guess would not.
pub struct Chan {
    n: u32,
    t: Trace,
}

impl fmt::Debug for Chan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Chan({})", self.n)
    }
}

impl Drop for Chan {
    fn drop(&mut self) {
        self.t.log(format!("drop chan {}", self.n));
    }
}

impl Chan {
    /// `&self`, async, consuming the value sent (tokio's `mpsc::Sender::send`).
    pub async fn send(&self, v: Val) -> u32 {
        self.t.step("send", 1, ()).await;
        self.t.log(format!("chan {} sent {}", self.n, v.n));
        (self.n + v.n) % 1000
    }

    /// `&self`, a new channel.
    pub fn subscribe(&self) -> Chan {
        self.t.log(format!("chan subscribe {}", self.n));
        self.t.chan(self.n + 1)
    }

    /// `self`, named like `HashMap::get` (which borrows).
    pub fn get(self) -> u32 {
        self.t.log(format!("chan get {}", self.n));
        self.n
    }

    /// `self`, named like `Option::take` (which borrows).
    pub fn take(self) -> Val {
        self.t.log(format!("chan take {}", self.n));
        self.t.val(self.n)
    }

    /// `&mut self`.
    pub fn lock(&mut self) -> u32 {
        self.t.log(format!("chan lock {}", self.n));
        self.n = (self.n + 3) % 1000;
        self.n
    }

    /// `&self`, despite its name.
    #[allow(clippy::wrong_self_convention)] // On purpose: a name a guess would take as consuming.
    pub fn into_val(&self) -> Val {
        self.t.log(format!("chan into_val {}", self.n));
        self.t.val(self.n)
    }
}

/// Two fields: a value and a number.
#[derive(Debug)]
pub struct Pair {
    pub a: Val,
    pub n: u32,
}

/// An error for `?`.
#[derive(Debug)]
pub struct Bad(pub u32);

/// A wider error, converted from `Bad` by `?`.
#[derive(Debug)]
pub struct Worse(pub u32);

impl From<Bad> for Worse {
    fn from(b: Bad) -> Self {
        Worse(b.0 + 1000)
    }
}

/// Moves a value into a call.
pub fn consume(v: Val) -> u32 {
    v.t.log(format!("consume {}", v.n));
    v.n
}

/// `Err` for every fourth number.
pub fn check(t: &Trace, n: u32) -> Result<u32, Bad> {
    t.log(format!("check {n}"));
    if n % 4 == 3 { Err(Bad(n)) } else { Ok(n) }
}

/// `None` for every fifth number.
pub fn maybe(t: &Trace, n: u32) -> Option<u32> {
    t.log(format!("maybe {n}"));
    if n % 5 == 4 { None } else { Some(n) }
}

/// A value for three numbers in four, else `None`.
pub fn maybe_val(t: &Trace, n: u32) -> Option<Val> {
    if n % 4 == 1 { None } else { Some(t.val(n)) }
}

/// How a program's two versions compared, for the fuzzer's runner.
#[derive(Debug)]
pub enum Mismatch {
    /// Both ran, and something observable differed: the harness's message.
    Differ(String),
    /// The desugared version panicked where the native one did not, or with another message.
    Panicked(String),
}

/// `check` (or `check_panics`, for a program whose native version panics), with a difference
/// or an unexpected panic returned instead of failing the test.
pub fn compare<A, B, FA, FB>(native: A, desugared: B) -> Result<(), Mismatch>
where
    A: Fn(Trace) -> FA + std::panic::RefUnwindSafe,
    B: Fn(Trace) -> FB + std::panic::RefUnwindSafe,
    FA: std::future::Future,
    FB: std::future::Future,
    FA::Output: fmt::Debug,
    FB::Output: fmt::Debug,
{
    super::quiet_expected_panics();
    let t = Trace::default();
    let probe = super::run_panicking(native(t.clone()), &t);
    let panics = probe.trace.iter().any(|e| e.starts_with("-- panicked"));
    let result = std::panic::catch_unwind(|| {
        if panics {
            super::check_panics("program", &native, &desugared);
        } else {
            super::check("program", &native, &desugared);
        }
    });
    match result {
        Ok(()) => Ok(()),
        Err(panic) => {
            let message = super::panic_message(&*panic);
            if message.contains("program: ") {
                Err(Mismatch::Differ(message))
            } else {
                Err(Mismatch::Panicked(message))
            }
        }
    }
}
