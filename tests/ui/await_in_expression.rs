async fn one() -> u32 {
    1
}

#[desugar::desugar]
async fn sum() -> u32 {
    let a = one().await + one().await;
    a
}

fn main() {}
