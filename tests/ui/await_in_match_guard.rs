async fn ready(v: bool) -> bool {
    v
}

#[desugar::desugar]
async fn guarded(x: Option<u32>) -> u32 {
    match x {
        Some(n) if ready(n > 1).await => n,
        _ => 0,
    }
}

fn main() {}
