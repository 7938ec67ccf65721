async fn ready(v: bool) -> bool {
    v
}

// A chain that awaits becomes `if`s in a labeled block, where `break` needs a label.
#[desugar::desugar]
async fn chained(xs: Vec<Option<u32>>) -> u32 {
    let mut sum = 0;
    for x in xs {
        if let Some(n) = x && ready(n > 1).await {
            sum += n;
        } else {
            break;
        }
    }
    sum
}

fn main() {}
