//! A local moved on one path only (here into an `async move` block in an `else`) keeps a drop
//! flag: its slot, which the move takes it out of. In a statement that also borrows it (here
//! `token.id()` in the scrutinee, whose result may hold the borrow for all a macro can see), the
//! move cannot take it out of the slot, which the borrow may point into: the expansion does not
//! compile, rather than drop `token` at the next `.await` on the other path, where rustc drops
//! it at the end of the function.

struct Token(String);

impl Token {
    fn id(&self) -> Option<&str> {
        Some(&self.0)
    }
}

#[desugar::desugar]
async fn hand_over(token: Token) -> usize {
    std::future::ready(()).await;
    if let Some(_id) = token.id().filter(|id| !id.is_empty()) {
    } else {
        let _task = async move { token };
    }
    std::future::ready(1).await
}

fn main() {}
