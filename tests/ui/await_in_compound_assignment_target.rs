//! An `.await` in the target of a compound assignment whose value does something: rustc
//! evaluates the value first (for primitive types), and the target's `.await` would run before
//! it. With a literal or a path as the value, or in a plain assignment, the `.await` is lowered.

fn step() -> u32 {
    1
}

#[desugar::desugar]
async fn bump(hits: &tokio::sync::Mutex<u32>) {
    *hits.lock().await += step();
}

fn main() {
    let _ = bump;
}
