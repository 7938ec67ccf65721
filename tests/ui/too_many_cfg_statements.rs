// Each `#[cfg]` statement that awaits doubles the expansion (written with and without it): more
// than three are refused, at the fourth.
#[desugar::desugar]
async fn configured(x: u32) -> u32 {
    #[cfg(any())]
    std::future::ready(1).await;
    #[cfg(any())]
    std::future::ready(2).await;
    #[cfg(any())]
    std::future::ready(3).await;
    #[cfg(any())]
    std::future::ready(4).await;
    x
}

fn main() {}
