async fn one() -> u32 {
    1
}

// `dbg!` prints its argument as written, `assert!` evaluates its message only when it fails:
// an `.await` lifted out of them would change what runs or what is printed.
#[desugar::desugar]
async fn printed() -> u32 {
    dbg!(one().await)
}

#[desugar::desugar]
async fn checked() {
    assert!(true, "{}", one().await);
}

fn main() {}
