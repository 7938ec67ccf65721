trait Service {
    #[desugar::desugar]
    async fn call(&self) -> u32;
}

fn main() {}
