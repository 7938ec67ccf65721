//! desugar cannot see whether a method takes its receiver by value: where it matters (here
//! whether `sender` lives on across the `.await`), it assumes that a method it does not know
//! to consume its receiver borrows it, and checks it. `send` takes `self` here (a oneshot
//! sender; std's and tokio's mpsc senders borrow it): the check says what was assumed, and how
//! to say that it moves (`{ sender }.send(1)`).

pub struct Sender(String);

impl Sender {
    pub fn send(self, value: u32) -> usize {
        self.0.len() + value as usize
    }
}

async fn tick() {}

#[desugar::desugar]
async fn notify(sender: Sender) -> usize {
    let n = sender.send(1);
    tick().await;
    n
}

fn main() {
    let _ = notify(Sender(String::new()));
}
