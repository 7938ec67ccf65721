async fn ready(v: bool) -> bool {
    v
}

#[desugar::desugar]
async fn chained(x: Option<u32>) -> u32 {
    if let Some(n) = x && ready(n > 1).await {
        n
    } else {
        0
    }
}

fn main() {}
