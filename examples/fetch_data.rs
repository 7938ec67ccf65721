//! The seed example: the `fetch_data` of the article, desugared, driven by hand so that every
//! poll is visible.
//!
//! `cargo run --example fetch_data` shows each poll and what it returns;
//! `cargo run -p desugar-cli -- examples/fetch_data.rs` prints the state machine itself.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

#[desugar::desugar]
async fn fetch_data(client: &Client, url: &str) -> Result<String, Error> {
    let response = client.get(url).await?;
    response.text().await
}

/// Fetches the pages one after the other: its future keeps `pages` and the loop's iterator
/// alive while it waits for each page (`desugar --explain` shows them).
#[desugar::desugar]
async fn fetch_all(client: &Client, urls: &[&str]) -> Result<Vec<String>, Error> {
    let mut pages = Vec::new();
    for url in urls {
        pages.push(fetch_data(client, url).await?);
    }
    Ok(pages)
}

/// The same function, left to rustc, for comparison.
async fn fetch_data_native(client: &Client, url: &str) -> Result<String, Error> {
    let response = client.get(url).await?;
    response.text().await
}

/// A pretend HTTP client serving pages from memory; each request takes a couple of polls, as a
/// real one waits for the network.
pub struct Client {
    pages: Vec<(&'static str, &'static str)>,
}

#[derive(Debug)]
pub struct Error(pub String);

pub struct Response {
    body: &'static str,
}

impl Client {
    pub fn get(&self, url: &str) -> Delayed<Result<Response, Error>> {
        let page = self.pages.iter().find(|(u, _)| *u == url);
        let result = match page {
            Some((_, body)) => Ok(Response { body }),
            None => Err(Error(format!("404 Not Found: {url}"))),
        };
        Delayed::new("client.get(url)", "Get", 2, result)
    }
}

impl Response {
    /// Takes the response by value, like reqwest's `Response::text`.
    pub fn text(self) -> Delayed<Result<String, Error>> {
        Delayed::new("response.text()", "Text", 1, Ok(self.body.to_string()))
    }
}

/// A future that is not ready for its first `pending` polls.
pub struct Delayed<T> {
    what: &'static str,
    /// The state `fetch_data` is in while it awaits this future.
    state: &'static str,
    pending: u32,
    value: Option<T>,
}

impl<T> Delayed<T> {
    fn new(what: &'static str, state: &'static str, pending: u32, value: T) -> Self {
        Delayed {
            what,
            state,
            pending,
            value: Some(value),
        }
    }
}

impl<T: Unpin> Future for Delayed<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.pending > 0 {
            self.pending -= 1;
            println!(
                "    state `{}`: `{}.await` polls it: not ready",
                self.state, self.what
            );
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        println!(
            "    state `{}`: `{}.await` polls it: ready",
            self.state, self.what
        );
        Poll::Ready(self.value.take().expect("polled after completion"))
    }
}

/// Polls `future` until it is ready, printing each poll.
fn drive<F: Future>(future: F) -> F::Output
where
    F::Output: std::fmt::Debug,
{
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for n in 1.. {
        let from = if n == 1 {
            " (it starts in state `Start`)"
        } else {
            ""
        };
        println!("poll #{n}{from}");
        match future.as_mut().poll(&mut cx) {
            Poll::Pending => println!("  -> Poll::Pending: suspended, the state stays as it is"),
            Poll::Ready(output) => {
                println!("  -> Poll::Ready({output:?})");
                return output;
            }
        }
    }
    unreachable!()
}

fn main() {
    let client = Client {
        pages: vec![("https://example.org/", "<h1>Hello</h1>")],
    };
    let future = fetch_data(&client, "https://example.org/");
    println!(
        "fetch_data's future is an enum state machine of {} bytes (rustc's own: {} bytes); \
         nothing runs until it is polled.\n",
        std::mem::size_of_val(&future),
        std::mem::size_of_val(&fetch_data_native(&client, "https://example.org/")),
    );
    let page = drive(future);
    assert_eq!(page.expect("the page exists"), "<h1>Hello</h1>");

    println!("\nAn unknown page: `?` returns the error at the first await.");
    let missing = drive(fetch_data(&client, "https://example.org/missing"));
    assert!(missing.is_err());

    println!(
        "\nfetch_all over two pages: each poll goes through fetch_all's state to fetch_data's."
    );
    let urls = ["https://example.org/", "https://example.org/"];
    let pages = drive(fetch_all(&client, &urls));
    assert_eq!(pages.expect("both pages exist").len(), 2);
}
