async fn fallback() -> u32 {
    0
}

#[desugar::desugar]
async fn first(x: Option<u32>) -> u32 {
    let Some(n) = x else {
        return fallback().await;
    };
    n
}

fn main() {}
