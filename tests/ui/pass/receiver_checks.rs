//! The checks of receiver guesses compile when the guesses are right (and make the ui tests
//! compile to code, where the check of a guess that a method takes its receiver fails).

pub struct Sender(String);
pub struct Parts(String);

impl Sender {
    pub fn subscribe(&self) -> usize {
        self.0.len()
    }
    pub fn send(self, value: u32) -> usize {
        self.0.len() + value as usize
    }
}

impl Parts {
    pub fn into_parts(self) -> (String, usize) {
        let n = self.0.len();
        (self.0, n)
    }
}

async fn tick() {}

#[desugar::desugar]
async fn guesses(sender: Sender, other: Sender, parts: Parts) -> usize {
    let a = sender.subscribe();
    let b = { other }.send(2);
    let (s, c) = parts.into_parts();
    tick().await;
    a + b + c + s.len()
}

fn main() {
    let _ = guesses(Sender(String::new()), Sender(String::new()), Parts(String::new()));
}
