#[desugar::desugar(boxed)]
async fn with_args() {}

fn main() {}
