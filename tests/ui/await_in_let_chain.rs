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

// So do its conditions (fuzz seed 12817): the `break` in the scrutinee too.
#[desugar::desugar]
async fn in_the_condition(xs: Vec<u32>) -> u32 {
    let mut sum = 0;
    for x in xs {
        if let Some(n) = Some(match x {
            0 => break,
            x => x,
        }) && ready(n > 1).await
        {
            sum += n;
        } else {
            sum += 1;
        }
    }
    sum
}

fn main() {}
