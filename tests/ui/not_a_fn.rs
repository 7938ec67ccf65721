#[desugar::desugar]
struct Future {
    state: u8,
}

fn main() {}
