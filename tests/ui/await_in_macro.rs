async fn one() -> u32 {
    1
}

macro_rules! twice {
    ($e:expr) => {
        ($e, $e)
    };
}

#[desugar::desugar]
async fn pair() -> (u32, u32) {
    twice!(one().await)
}

fn main() {}
