//! `#[desugar]` on a plain `fn` desugars its `async` blocks, not `async` closures: their futures
//! may borrow the closure itself.

#[desugar::desugar]
fn make() -> impl Fn(u32) -> std::pin::Pin<Box<dyn std::future::Future<Output = u32>>> {
    let f = async move |x: u32| x + 1;
    move |x| Box::pin(f(x))
}

fn main() {}
