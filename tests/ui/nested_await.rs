async fn inner() -> u32 {
    1
}

async fn outer() -> impl std::future::Future<Output = u32> {
    inner()
}

#[desugar::desugar]
async fn chained() -> u32 {
    outer().await.await
}

fn main() {}
