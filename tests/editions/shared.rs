// Included by one small crate per edition: the same desugared fns must compile (warning-free)
// and behave as the native ones in edition 2018, 2021 and 2024, whose `impl Trait` lifetime
// capture rules differ.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future to completion with a waker that does nothing (the futures here wake
/// themselves by being polled again).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// Ready on the second poll.
pub struct Later<T>(Option<T>, bool);

impl<T: Unpin> Future for Later<T> {
    type Output = T;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.1 {
            self.1 = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.0.take().expect("polled after completion"))
    }
}

pub fn later<T>(value: T) -> Later<T> {
    Later(Some(value), false)
}

#[desugar::desugar]
pub async fn join_words(first: &str, second: &str) -> String {
    let a = later(first.to_uppercase()).await;
    let b = later(second).await;
    format!("{} {}", a, b)
}

#[desugar::desugar]
pub async fn pick<'a, T: Clone + Unpin>(items: &'a [T], index: usize) -> Option<T> {
    let i = later(index).await;
    let item = items.get(i)?;
    let item = later(item.clone()).await;
    Some(item)
}

#[desugar::desugar]
pub async fn sum_pair((a, b): (u32, u32), scale: impl Into<u32>) -> u32 {
    let a = later(a).await;
    (a + b) * scale.into()
}

pub struct Counter {
    pub count: u32,
}

#[desugar::desugar]
impl Counter {
    pub async fn add(&mut self, n: u32) -> u32 {
        let n = later(n).await;
        self.count += n;
        self.count
    }

    pub async fn name(&self) -> &str {
        later(()).await;
        "counter"
    }

    /// A closure and an `async` block that borrow `self` and a local kept in place, in awaited
    /// expressions and held across an `.await`. In edition 2018 a closure captures whole
    /// variables, not places: these capture as in 2021 (async-std's `File::sync_all`).
    pub async fn captured(&self, extra: String) -> usize {
        let n = std::future::poll_fn(|_| Poll::Ready(self.count as usize + extra.len())).await;
        let m = async { extra.len() + self.count as usize }.await;
        let len = || extra.len();
        later(()).await;
        n + m + len()
    }
}

pub trait Source {
    fn fetch(&self, key: u32) -> impl Future<Output = u32>;
}

#[desugar::desugar]
impl Source for Counter {
    async fn fetch(&self, key: u32) -> u32 {
        let k = later(key).await;
        k + self.count
    }
}

/// Loops, `match`, an array and a borrowed iterator across awaits, early `return`, `?` with a
/// conversion, a closure.
#[desugar::desugar]
pub async fn checksum(words: &[&str], limit: usize) -> Result<u32, String> {
    let mut table = [0u32; 8];
    let mut total = 0;
    for (i, word) in words.iter().enumerate() {
        let len = later(word.len()).await;
        if len > limit {
            return Err(format!("{} is too long", word));
        }
        table[i % 8] += len as u32;
        match later(len % 3).await {
            0 => total += 1,
            n => total += later(n as u32).await,
        }
    }
    let parsed: u32 = later("7").await.parse().map_err(|e| format!("{:?}", e))?;
    let weigh = |x: u32| x * 2;
    Ok(weigh(total) + table.iter().sum::<u32>() + parsed)
}

/// `while let` over a borrowed iterator, `loop` with `break` value, labels.
#[desugar::desugar]
pub async fn first_even(values: Vec<u32>) -> Option<u32> {
    let mut it = values.iter();
    let found = 'outer: loop {
        while let Some(v) = later(it.next()).await {
            if v % 2 == 0 {
                break 'outer Some(*v);
            }
        }
        break None;
    };
    later(()).await;
    found
}

/// Logs its drop.
pub struct Loud<'a>(&'a RefCell<Vec<&'static str>>, &'static str, Option<u32>);

impl Drop for Loud<'_> {
    fn drop(&mut self) {
        self.0.borrow_mut().push(self.1);
    }
}

impl Loud<'_> {
    pub fn get(&self) -> Option<u32> {
        self.2
    }

    pub async fn read(&self) -> u32 {
        later(self.2.unwrap_or(0)).await
    }
}

/// The temporaries of a `match` and an `if let` scrutinee around an `.await`: they live to the
/// end of the `match`; for the `if let`, to its end (edition 2021 and before) or only until the
/// `else` block (edition 2024). Written twice: as is, and desugared.
macro_rules! scrutinee_temporaries {
    ($name:ident $(, #[$attr:meta])?) => {
        $(#[$attr])?
        pub async fn $name(log: &RefCell<Vec<&'static str>>) -> u32 {
            let a = match Loud(log, "match temporary", Some(1)).get() {
                Some(n) => later(n).await,
                None => 0,
            };
            log.borrow_mut().push("after the match");
            let b = if let Some(n) = Loud(log, "if let temporary", None).get() {
                later(n).await
            } else {
                log.borrow_mut().push("else");
                later(2).await
            };
            log.borrow_mut().push("after the if let");
            let c = if let Some(n) = Loud(log, "if let temporary 2", None).get() {
                later(n).await
            } else {
                log.borrow_mut().push("else 2");
                3
            };
            // A value scrutinee built after a temporary that an `.await` borrowed: the value
            // is dropped first, at the end of the `match` (or before the `else` block).
            let d = match (Loud(log, "match value", None), Loud(log, "awaited temporary", Some(4)).read().await) {
                (_, n) => {
                    log.borrow_mut().push("arm");
                    n
                }
            };
            // Edition 2021 on, an `async move` block captures the places it names (a copy of
            // `p.1`); before, the whole local (`p` dropped with the block's future).
            let p = (Loud(log, "captured whole or not", None), 1);
            let g = async move { later(p.1).await };
            let g = g.await;
            log.borrow_mut().push("after the capture");
            let (f, _) = (Loud(log, "let temporary", Some(6)).read().await, Loud(log, "let value", None));
            let (Some(e), _, _) = (Some(5), Loud(log, "else value", None), Loud(log, "else temporary", Some(1)).read().await) else {
                log.borrow_mut().push("else 3");
                return 0;
            };
            log.borrow_mut().push("after the let else");
            let (None, _, _) = (Some(5), Loud(log, "else value 2", None), Loud(log, "else temporary 2", Some(1)).read().await) else {
                log.borrow_mut().push("else 4");
                return a + b + c + d + e + f + g;
            };
            a + b + c
        }
    };
}

scrutinee_temporaries!(native_scrutinee_temporaries);
scrutinee_temporaries!(desugared_scrutinee_temporaries, #[desugar::desugar]);

/// A method with `#[desugar]` of its own and no visibility may be a trait impl's: its signature
/// gains no lifetime, and captures its own in every edition.
pub struct Words {
    words: Vec<String>,
}

impl Words {
    #[desugar::desugar]
    async fn longest(&self, at_least: &usize) -> Option<&str> {
        later(()).await;
        let longest = self.words.iter().max_by_key(|w| w.len());
        longest.filter(|w| w.len() >= *at_least).map(|w| w.as_str())
    }

    pub fn longest_of(&self) -> impl Future<Output = Option<&str>> + '_ {
        self.longest(&2)
    }
}

impl Source for Words {
    #[desugar::desugar]
    async fn fetch(&self, key: u32) -> u32 {
        later(()).await;
        self.words.len() as u32 + key
    }
}

/// A plain `fn` returning an `async move` block: the block is desugared.
#[desugar::desugar]
pub fn doubled(n: u32) -> impl Future<Output = u32> {
    let twice = n * 2;
    async move { later(twice).await + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desugared_fns_work_in_this_edition() {
        assert_eq!(block_on(join_words("hello", "world")), "HELLO world");
        assert_eq!(block_on(pick(&[10, 20], 1)), Some(20));
        assert_eq!(block_on(pick(&[10, 20], 5)), None);
        assert_eq!(block_on(sum_pair((1, 2), 3u8)), 9);
        let mut c = Counter { count: 1 };
        assert_eq!(block_on(c.add(2)), 3);
        assert_eq!(block_on(c.name()), "counter");
        assert_eq!(block_on(c.captured("abc".to_string())), 6 + 6 + 3);
        assert_eq!(block_on(c.fetch(4)), 7);
        assert_eq!(block_on(checksum(&["ab", "abc", "abcd"], 5)), Ok(24));
        assert_eq!(
            block_on(checksum(&["ab", "abcdef"], 5)),
            Err("abcdef is too long".to_string())
        );
        assert_eq!(block_on(first_even(vec![3, 5, 8, 9])), Some(8));
        assert_eq!(block_on(first_even(vec![3, 5])), None);
        let w = Words {
            words: vec!["a".to_string(), "abc".to_string()],
        };
        assert_eq!(block_on(w.longest_of()), Some("abc"));
        assert_eq!(block_on(w.fetch(1)), 3);
        assert_eq!(block_on(doubled(4)), 9);
    }

    #[test]
    fn scrutinee_temporaries_drop_as_in_this_edition() {
        let native = RefCell::new(Vec::new());
        let desugared = RefCell::new(Vec::new());
        assert_eq!(block_on(native_scrutinee_temporaries(&native)), 22);
        assert_eq!(block_on(desugared_scrutinee_temporaries(&desugared)), 22);
        assert_eq!(native.into_inner(), desugared.into_inner());
    }
}
