async fn one() -> u32 {
    1
}

#[desugar::desugar]
async fn listed() -> Vec<u32> {
    vec![one().await, 2]
}

fn main() {}
