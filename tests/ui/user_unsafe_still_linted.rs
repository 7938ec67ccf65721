#![deny(unsafe_code)]

async fn one() -> u32 {
    1
}

#[desugar::desugar]
async fn sneaky(p: *const u32) -> u32 {
    let a = one().await;
    a + unsafe { *p }
}

fn main() {}
