async fn one() -> u32 {
    1
}

macro_rules! twice {
    ($e:expr) => {
        ($e, $e)
    };
}

// A macro of unknown grammar is left as written (its `.await`s may belong to an `async`
// block it makes, as `stream!`'s do); one that puts an `.await` in the function itself fails
// to compile, where the `.await` is.
#[desugar::desugar]
async fn pair() -> (u32, u32) {
    twice!(one().await)
}

fn main() {}
