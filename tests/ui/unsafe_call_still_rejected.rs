unsafe fn dangerous() -> u32 {
    1
}

async fn one() -> u32 {
    1
}

#[desugar::desugar]
async fn careless() -> u32 {
    let a = one().await;
    a + dangerous()
}

fn main() {}
