//! An `async` block without `move` in a plain `fn` captures a local by reference or by value
//! depending on types the macro cannot see: it asks for `async move`.

#[desugar::desugar]
fn count(items: Vec<u32>) -> usize {
    let total = items.len();
    let fut = async { items.len() + total };
    drop(fut);
    total
}

fn main() {}
