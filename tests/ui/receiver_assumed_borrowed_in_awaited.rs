//! A temporary that is the receiver of an awaited call (`Job(..)` here, lifted out of the
//! scrutinee because an argument awaits) is kept to the end of the `if let` if the method
//! borrows it, as rustc keeps it; desugar assumes that a method it does not know to consume
//! its receiver borrows it, and checks that where the future is made. `run` takes `self`: the
//! check says what was assumed, and how to say that it moves.

pub struct Job(String);

impl Job {
    pub async fn run(self, n: u32) -> usize {
        self.0.len() + n as usize
    }
}

async fn tick() -> u32 {
    1
}

#[desugar::desugar]
async fn go() -> usize {
    if let Some(n) = Some(Job(String::new()).run(tick().await).await) {
        n
    } else {
        0
    }
}

fn main() {
    let _ = go();
}
