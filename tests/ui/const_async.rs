#[desugar::desugar]
const async fn konst() -> u32 {
    1
}

fn main() {}
