//! Control flow around suspension points: `if`, `match`, loops, labeled `break`/`continue`,
//! `break` with a value, early `return`, `let ... else`, `if let` chains.

use super::*;

case! {
    if_else(t) => both(t);
    #[desugar]
    async fn branch(t: Trace, flag: bool) -> u32 {
        let keep = t.noisy("keep");
        let base = if t.step("cond", 1, flag).await {
            let inner = t.noisy("inner");
            let v = t.step("then", 2, 10).await;
            Noisy::touch(&inner);
            v
        } else {
            t.step("else", 1, 20).await
        };
        Noisy::touch(&keep);
        if base > 15 {
            t.log("big");
        }
        base + 1
    }
    async fn both(t: Trace) -> (u32, u32) {
        (branch(t.clone(), true).await, branch(t, false).await)
    }
}

case! {
    if_let(t) => both(t);
    #[desugar]
    async fn lookup(t: Trace, key: Option<u32>) -> String {
        if let Some(k) = t.step("key", 1, key).await {
            let name = t.step("name", 1, format!("#{k}")).await;
            format!("{name} ({k})")
        } else {
            String::from("none")
        }
    }
    async fn both(t: Trace) -> (String, String) {
        (lookup(t.clone(), Some(3)).await, lookup(t, None).await)
    }
}

case! {
    match_arms(t) => all(t);
    #[desugar]
    async fn classify(t: Trace, n: i32) -> String {
        let guard = t.noisy("guard");
        let out = match t.step("scrutinee", 1, n).await {
            0 => String::from("zero"),
            k if k < 0 => {
                let abs = t.step("abs", 1, -k).await;
                format!("minus {abs} (was {k})")
            }
            k => t.step("big", 2, format!("plus {k}")).await,
        };
        Noisy::touch(&guard);
        out
    }
    async fn all(t: Trace) -> Vec<String> {
        vec![
            classify(t.clone(), 0).await,
            classify(t.clone(), -4).await,
            classify(t, 7).await,
        ]
    }
}

case! {
    loop_break_value(t) => looping(t);
    #[desugar]
    async fn looping(t: Trace) -> u32 {
        let mut i = 0;
        let found = loop {
            let v = t.step("next", 1, i * 3).await;
            i += 1;
            if v > 5 {
                break v * 2;
            }
            t.log(format!("not yet: {v}"));
        };
        found + i
    }
}

case! {
    while_loop(t) => summing(t);
    #[desugar]
    async fn summing(t: Trace) -> u32 {
        let mut acc = 0;
        let mut i = 0;
        while i < 3 {
            let item = t.noisy("item");
            let v = t.step("value", 1, i + 1).await;
            acc += v;
            Noisy::touch(&item);
            i += 1;
        }
        acc
    }
}

case! {
    while_await_condition(t) => counting(t);
    #[desugar]
    async fn counting(t: Trace) -> u32 {
        let mut i = 0;
        while t.step("more?", 1, i < 3).await {
            i += 1;
        }
        i
    }
}

case! {
    while_let_await(t) => draining(t);
    #[desugar]
    async fn draining(t: Trace) -> Vec<u32> {
        let mut stack = vec![1, 2, 3];
        let mut seen = Vec::new();
        while let Some(top) = t.step("pop", 1, stack.pop()).await {
            seen.push(top * 10);
        }
        seen
    }
}

case! {
    for_loop(t) => iterate(t);
    #[desugar]
    async fn iterate(t: Trace) -> usize {
        let items = vec![t.noisy("a"), t.noisy("b"), t.noisy("c")];
        let mut total = 0;
        for item in items {
            let n = t.step("len", 1, item.name.len()).await;
            total += n;
            Noisy::touch(&item);
        }
        total
    }
}

case! {
    labeled_break_continue(t) => nested(t);
    #[desugar]
    async fn nested(t: Trace) -> Vec<(u32, u32)> {
        let mut hits = Vec::new();
        'outer: for i in 0..4 {
            for j in 0..3 {
                if j == 1 && i == 0 {
                    continue 'outer;
                }
                let v = t.step("cell", 1, (i, j)).await;
                if i == 2 && j == 1 {
                    break 'outer;
                }
                if j == 2 {
                    continue;
                }
                hits.push(v);
            }
            t.log(format!("row {i} done"));
        }
        hits
    }
}

case! {
    early_return(t) => both(t);
    #[desugar]
    async fn find(t: Trace, target: u32) -> Option<u32> {
        let _g = t.noisy("guard");
        for i in 0..5 {
            let v = t.step("probe", 1, i * 2).await;
            if v == target {
                let _inner = t.noisy("inner");
                return Some(i);
            }
        }
        t.log("not found");
        None
    }
    async fn both(t: Trace) -> (Option<u32>, Option<u32>) {
        (find(t.clone(), 4).await, find(t, 5).await)
    }
}

case! {
    let_else_in_loop(t) => parse_all(t);
    #[desugar]
    async fn parse_all(t: Trace) -> u32 {
        let mut sum = 0;
        for text in ["1", "x", "3"] {
            let Ok(n) = t.step("parse", 1, text.parse::<u32>()).await else {
                t.log("skip");
                continue;
            };
            sum += n;
        }
        sum
    }
}

case! {
    if_let_chain(t) => both(t);
    #[desugar]
    async fn chained(t: Trace, v: Option<u32>) -> u32 {
        if let Some(x) = v && x > 1 {
            let y = t.step("chained", 1, x * 2).await;
            y + x
        } else {
            t.step("fallback", 1, 0).await
        }
    }
    async fn both(t: Trace) -> (u32, u32) {
        (chained(t.clone(), Some(3)).await, chained(t, Some(1)).await)
    }
}

case! {
    nested_loops_with_state(t) => grid(t);
    #[desugar]
    async fn grid(t: Trace) -> String {
        let mut out = String::new();
        let mut row = 0;
        loop {
            if row == 2 {
                break;
            }
            let mut col = 0;
            while col < 2 {
                let cell = t.step("cell", (row + col) % 2, format!("{row}{col} ")).await;
                out.push_str(&cell);
                col += 1;
            }
            row += 1;
        }
        out
    }
}

case! {
    backoff_loop(t) => retry(t);
    #[desugar]
    async fn retry(t: Trace) -> Result<u32, String> {
        let mut delay = 1;
        let mut attempts = 0;
        loop {
            let outcome = t.step("connect", 1, attempts).await;
            match outcome {
                3 => return Ok(delay),
                n => {
                    if n > 5 {
                        return Err(String::from("gave up"));
                    } else {
                        delay = std::cmp::max(2, delay);
                        delay = std::cmp::min(100, delay * 2);
                        t.step("sleep", 1, delay).await;
                        attempts += 1;
                    }
                }
            }
        }
    }
}

case! {
    cfg_statements(t) => configured(t);
    #[desugar]
    async fn configured(t: Trace) -> u32 {
        let mut n = t.step("first", 1, 1).await;
        // Never compiled in: a macro cannot tell, so the function is written with and without
        // each such statement, under `#[cfg]`s rustc settles.
        #[cfg(any())]
        {
            n += not_even_defined().await;
        }
        match n {
            #[cfg(all())]
            1 => n += t.step("arm", 1, 10).await,
            _ => n += 1,
        }
        // An attribute that is not `#[cfg]` on a block that awaits.
        #[allow(unused_mut)]
        {
            let mut m = t.step("block", 1, 100).await;
            n += m;
        }
        n
    }
}

case! {
    reassigned_from_its_own_await(t) => refill(t);
    async fn consume(t: Trace, mut buf: Vec<Noisy>) -> Vec<Noisy> {
        t.step("consume", 1, ()).await;
        let name = if buf.is_empty() { "first" } else { "more" };
        buf.push(t.noisy(name));
        buf
    }
    #[desugar]
    async fn refill(t: Trace) -> usize {
        // `buf` moves into the awaited future and gets its value back from it (issue 16: E0507,
        // and in a loop an error pointing into the machine); `late` gets its first value after
        // an `.await`. Both are declared again, without a value, where they were declared, so
        // that they drop in the same order.
        let _guard = t.noisy("guard");
        let mut buf = Vec::new();
        let late;
        buf = consume(t.clone(), buf).await;
        let other = t.noisy("other");
        buf = consume(t.clone(), buf).await;
        late = t.noisy("late");
        for _ in 0..2 {
            buf = consume(t.clone(), buf).await;
        }
        t.log(format!("{} {}", other.name, late.name));
        buf.len()
    }
}

case! {
    let_else_block_awaits(t) => all_kinds(t);
    #[desugar]
    async fn value_form(t: Trace, n: u32) -> u32 {
        // The temporary and the value are dropped before the `else` block runs.
        let Some(v) = t.noisy("temp").touch().len().checked_sub(n as usize) else {
            let why = t.step("why", 1, n).await;
            return why + 100;
        };
        v as u32
    }
    #[desugar]
    async fn place_form(t: Trace, o: Option<Noisy>) -> &'static str {
        // Not matched: `o` stays, dropped when the function returns, after the `else` block.
        let Some(kept) = o else {
            t.step("none", 2, ()).await;
            return "none";
        };
        kept.touch()
    }
    #[desugar]
    async fn in_a_loop(t: Trace) -> Vec<u32> {
        let mut out = Vec::new();
        for i in 0..4u32 {
            let (Some(mut a), b) = (i.checked_sub(1), t.noisy("b")) else {
                t.step("skip", 1, ()).await;
                continue;
            };
            a += t.step("a", 1, 10).await;
            out.push(a + b.name.len() as u32);
        }
        out
    }
    async fn all_kinds(t: Trace) -> (u32, u32, &'static str, &'static str, Vec<u32>) {
        (
            value_form(t.clone(), 1).await,
            value_form(t.clone(), 9).await,
            place_form(t.clone(), Some(t.noisy("o"))).await,
            place_form(t.clone(), None).await,
            in_a_loop(t).await,
        )
    }
}

case! {
    let_chains_that_await(t) => all_chains(t);
    #[desugar]
    async fn with_else(t: Trace, v: Option<u32>) -> u32 {
        let _kept = t.noisy("kept");
        if let Some(x) = v && t.step("check", 1, x > 1).await && let Some(y) = x.checked_sub(2) {
            t.step("then", 1, x + y).await
        } else {
            t.step("else", 1, 0).await
        }
    }
    #[desugar]
    async fn without_else(t: Trace, v: Option<u32>) -> u32 {
        let mut total = 1;
        if let Some(x) = v && t.step("check", 2, x).await > 3 {
            total += x;
        }
        total
    }
    #[desugar]
    async fn while_chain(t: Trace) -> Vec<u32> {
        let mut it = vec![1u32, 2, 3, 9].into_iter();
        let mut out = Vec::new();
        'outer: while let Some(x) = it.next() && t.step("more", 1, x < 5).await {
            if x == 2 {
                continue 'outer;
            }
            out.push(x);
        }
        out
    }
    async fn all_chains(t: Trace) -> (u32, u32, u32, u32, u32, Vec<u32>) {
        (
            with_else(t.clone(), Some(5)).await,
            with_else(t.clone(), Some(1)).await,
            with_else(t.clone(), None).await,
            without_else(t.clone(), Some(4)).await,
            without_else(t.clone(), Some(2)).await,
            while_chain(t).await,
        )
    }
}

case! {
    guards_that_await(t) => all_guards(t);
    #[desugar]
    async fn on_a_place(t: Trace, o: Option<Noisy>) -> &'static str {
        // A guard that fails goes on to the next arm; the binding moves only in the arm taken.
        match o {
            Some(v) if t.step("first", 1, v.name.len()).await > 3 => v.touch(),
            Some(ref v) if v.name == "ok" => "ok",
            Some(v) => {
                t.step("moved", 1, ()).await;
                v.name
            }
            None => "none",
        }
    }
    #[desugar]
    async fn on_a_value(t: Trace, n: u32) -> u32 {
        // Not a place: evaluated once, into a binding that lives to the end of the `match`, as
        // the scrutinee's temporary does.
        match t.noisy("temp").touch().len() as u32 + t.step("value", 1, n).await {
            0 => 100,
            k if t.step("odd", 1, k % 2 == 1).await => k * 10,
            k @ 1..=6 if t.step("small", 2, k).await > 4 => k + 1,
            k => k,
        }
    }
    async fn all_guards(t: Trace) -> Vec<String> {
        vec![
            on_a_place(t.clone(), Some(t.noisy("long"))).await.to_string(),
            on_a_place(t.clone(), Some(t.noisy("ok"))).await.to_string(),
            on_a_place(t.clone(), Some(t.noisy("no"))).await.to_string(),
            on_a_place(t.clone(), None).await.to_string(),
            on_a_value(t.clone(), 0).await.to_string(),
            on_a_value(t.clone(), 1).await.to_string(),
            on_a_value(t.clone(), 2).await.to_string(),
        ]
    }
}

case! {
    scrutinee_loop_awaits_in_its_condition(t) => entry(t);
    // From the fuzzer (seed 639: the macro overflowed its stack): a `match` on a block whose
    // `while` awaits in its condition, which becomes `if !(..)`, a value and not a place.
    struct Ctx {
        a: Val,
        n: u32,
    }
    #[desugar]
    impl Ctx {
        async fn into_inner(self, t: Trace) -> u32 {
            let c = &mut 0;
            match loop {
                *c += 1;
                if *c > 2 {
                    break self.n;
                }
                let mut w = 0;
                while w < t.step("w", 1, 2).await {
                    w += 1;
                }
            } {
                0 => self.a.wait(1).await,
                n @ 3..=9 if n % 2 == 0 => self.a.get(),
                n => n + self.a.lock(),
            }
        }
    }
    async fn entry(t: Trace) -> (u32, u32) {
        let a = Ctx { a: t.val(1), n: 0 }.into_inner(t.clone()).await;
        let b = Ctx { a: t.val(2), n: 5 }.into_inner(t.clone()).await;
        (a, b)
    }
}

case! {
    labeled_break_of_a_checked_call(t) => entry(t);
    // From the fuzzer (seed 239): `break 'b value` whose value became a call through a receiver
    // check (`::desugar::..`), which after `break 'b` reads as a labeled block.
    #[desugar]
    pub async fn entry(t: Trace) -> Val {
        let item = t.val(3);
        t.step("s", 1, t.val('b: {
            if t.step("c", 1, 2).await > 1 {
                break 'b item.get();
            }
            item.wait(1).await;
            4
        })).await
    }
}

case! {
    loop_followed_by_items(t) => entry(t);
    // From async-lock's `OnceCell::initialize_or_wait` (crater, E0308): a `loop` that only
    // leaves by `return`, followed by items (which are hoisted): nothing runs after the loop.
    #[desugar]
    pub async fn entry(t: Trace) -> Result<(), u32> {
        let mut n = 0;
        loop {
            n += 1;
            let _guard = Guard(t.clone());
            match n {
                3 => return Ok(()),
                _ => {
                    t.step("x", 1, ()).await;
                }
            }
        }
        struct Guard(Trace);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.log("guard dropped");
            }
        }
    }
}

case! {
    let_else_drops_the_awaited_value_first(t) => entry(t);
    // From the fuzzer (seed 633, behaved differently): the value that does not match is
    // dropped before the `else` block runs, also when it is the output of an `.await`.
    #[desugar]
    pub async fn entry(t: Trace) -> Option<u32> {
        let Pair { a: v, n: 1..=6 } = t.step("s30", 1, Pair { a: t.val(17), n: 18 }).await else {
            return Some(maybe(&t, 5)? + 1);
        };
        Some(v.get())
    }
}

// From the fuzzer (seed 217, shrunk): a local moved on one path only is still alive on the
// other, where rustc drops it at the end of its scope, after the last `.await`.
case! {
    conditionally_moved_local_drops_at_scope_end(t) => maybe_dropped(t);
    #[desugar]
    async fn maybe_dropped(t: Trace) -> Val {
        let items: Vec<Val> = vec![t.val(0)];
        if t.step("c", 1, false).await {
            drop(items);
        }
        t.step("s4", 2, t.val(42)).await
    }
}

// From the fuzzer (seed 594, shrunk): no path meets after a `return` whose value branches
// around an `.await`, so the code after it gets no state of its own (it named `n`, which only
// that state lacked: E0425).
case! {
    code_after_a_branching_return(t) => after_return(t);
    #[desugar]
    #[allow(unreachable_code)]
    async fn after_return(t: Trace) -> Val {
        let n = t.step("a", 1, 3).await;
        return t.val('b: {
            if n > 2 {
                break 'b t.step("c", 1, 1).await;
            }
            t.step("b", 1, n).await
        });
        t.val(n)
    }
}

// Nor after a `break` whose value branches, nor after a `loop` that only returns.
case! {
    code_after_a_branching_break_and_an_endless_loop(t) => after_break(t);
    #[desugar]
    #[allow(unreachable_code, clippy::never_loop)]
    async fn after_break(t: Trace) -> u32 {
        let n = t.step("a", 1, 3).await;
        let v = loop {
            break if n > 2 { t.step("c", 1, 1).await } else { 2 };
            t.log("dead");
        };
        loop {
            t.step("x", 2, ()).await;
            if v > 0 {
                return v;
            }
        }
        t.log("dead too");
        n
    }
}

// From the fuzzer (seed 288, shrunk): the awaited scrutinee of a `match` whose guard awaits
// is a hidden local the guard's bindings borrow across that `.await`: it gets a slot.
case! {
    awaited_scrutinee_of_an_awaiting_guard(t) => awaited_scrutinee(t);
    #[desugar]
    async fn awaited_scrutinee(t: Trace) -> u32 {
        match t.step("y", 1, t.val(2)).await {
            v if v.get() == 0 => 0,
            v if t.step("g", 1, v.get()).await % 2 == 0 => v.get() * 10,
            v => v.get(),
        }
    }
}

// From the fuzzer (seed 219, reduced), and the everyday `let v = v.clone()` in a loop: a local
// a state keeps where a later local of its name hides it lives in a slot, which the state
// reaches without its name (it was dropped early, and the next iteration failed with E0425).
case! {
    shadowed_in_an_inner_block_across_iterations(t) => shadowed_in_loop(t);
    #[desugar]
    async fn shadowed_in_loop(t: Trace) -> u32 {
        let v = t.val(1);
        let mut total = 0;
        for i in 0..3 {
            let v = t.val(v.get() + i);
            total += v.wait(1).await;
            let v = t.val(if i % 2 == 0 { v.get() } else { t.step("s", 1, 7).await });
            if i == 1 {
                continue;
            }
            t.log(format!("inner {}", v.get()));
        }
        total + v.get()
    }
}

// From the fuzzer (seed 520, reduced): the same with a `Copy` local of a `let ... else`, used by
// value in awaited expressions (a copy out of its slot).
case! {
    shadowed_copy_used_in_awaited_expressions(t) => shadowed_copy(t);
    #[desugar]
    async fn shadowed_copy(t: Trace) -> u32 {
        let Some(total) = maybe(&t, 3) else { return 0 };
        let mut w = 1;
        let mut sum = t.step("a", 1, total).await;
        while let Some(total) = maybe(&t, w) {
            w += 1;
            if w > 3 {
                break;
            }
            sum += t.step("b", 1, total).await;
        }
        sum + t.step("c", 1, total).await
    }
}

// From the fuzzer (seed 135, shrunk; behaved differently): a condition's temporaries, the
// value of an `.await` inside it among them, are dropped before the branch runs.
case! {
    condition_temporaries_drop_before_the_branch(t) => condition(t);
    #[desugar]
    async fn condition(t: Trace) -> u32 {
        if t.step("s22", 2, t.val(8)).await.wait(2).await % 2 == 0 {
            t.log("at23");
        }
        5
    }
}

// The fuzzer's seed 217 as it was first found: the conditional move is into an awaited
// expression, which takes the local out of the slot that is its drop flag.
case! {
    conditionally_moved_into_an_awaited_expression(t) => entry(t);
    #[desugar]
    async fn maybe_sent(t: Trace, send: bool) -> Val {
        let items: Vec<Val> = vec![t.val(0)];
        if t.step("c", 1, send).await {
            t.step("send", 1, items).await;
        }
        t.step("s4", 2, t.val(42)).await
    }
    pub async fn entry(t: Trace) -> (Val, Val) {
        (maybe_sent(t.clone(), false).await, maybe_sent(t, true).await)
    }
}

// From the fuzzer (seeds 27, 587, 951, 990): a future awaited on one path only (`if c {
// task.await }`) lives in a slot, its drop flag, and the `.await` takes it out.
case! {
    future_awaited_on_one_path(t) => entry(t);
    #[desugar]
    async fn maybe_awaited(t: Trace, c: bool) -> u32 {
        let task = t.step("task", 1, 16);
        let x = if c { task.await } else { 2 };
        t.step("after", 2, x).await
    }
    pub async fn entry(t: Trace) -> (u32, u32) {
        (maybe_awaited(t.clone(), true).await, maybe_awaited(t, false).await)
    }
}

// From the fuzzer (seed 31): the last move of a local with a drop flag inside `vec![..]`, which
// moves its elements, takes it out of its slot.
case! {
    drop_flagged_local_moved_into_vec(t) => entry(t);
    #[desugar]
    async fn into_vec(t: Trace, c: bool) -> Vec<Val> {
        let item = t.val(1);
        if t.step("c", 1, c).await {
            return vec![item, t.val(2)];
        }
        t.step("after", 1, vec![t.val(3)]).await
    }
    pub async fn entry(t: Trace) -> (Vec<Val>, Vec<Val>) {
        (into_vec(t.clone(), true).await, into_vec(t, false).await)
    }
}

// From the fuzzer (seed 1445, reduced): a local moved in a branch of code without an `.await`
// (one node of the graph) is moved on some paths only: its drop flag is kept across the next
// `.await` (it was taken as moved on every path, and dropped before the `.await`).
case! {
    moved_in_a_branch_before_an_await(t) => entry(t);
    #[desugar]
    async fn maybe_moved(t: Trace, n: u32) -> u32 {
        let v = t.val(13);
        let w = t.val(14);
        if n == 2 {
            drop(v);
        }
        for i in 0..n {
            if i == 3 {
                consume(w);
                break;
            }
        }
        t.step("s", 1, n).await;
        t.log("end");
        1
    }
    pub async fn entry(t: Trace) -> (u32, u32) {
        (maybe_moved(t.clone(), 2).await, maybe_moved(t, 5).await)
    }
}

// From the fuzzer (seed 168, reduced): code that always jumps (`break;`, `return x`) does not fall
// through to what follows it. A local moved into an `.await` followed by `break` was taken as live
// on the next iteration and kept in place, which the move out of it then failed (E0507).
case! {
    moved_into_an_await_then_break(t) => entry(t);
    #[desugar]
    async fn last_round(t: Trace, p0: Val) -> u32 {
        let mut round = 0;
        let got = loop {
            round += 1;
            if round > 2 {
                let v = (async move { p0.get() }).await;
                t.log("break");
                break v;
            }
            t.step("round", 1, ()).await;
        };
        t.step("after", 1, got + round).await
    }
    pub async fn entry(t: Trace) -> u32 {
        last_round(t.clone(), t.val(7)).await
    }
}

case! {
    awaits_after_a_return(t) => after_return(t);
    // Fuzz seed 747: code after a `return` still has its states; what one of them keeps (the
    // first operand, lifted) was left out, as if the code could not be reached from there either.
    #[allow(unreachable_code)]
    #[desugar]
    async fn after_return(t: Trace) -> u32 {
        return t.step("first", 1, 3).await;
        t.step("s8", 0, 5).await + t.step("s9", 1, 19).await
    }
}

case! {
    move_after_a_labeled_break(t) => entry(t);
    // Fuzz seed 4444: a move in a labeled block after a `break` out of it happens on some paths
    // only; the local was taken as moved, dropped before the `.await` rather than at its end.
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let o = maybe_val(&t, 15);
        let got = 'b: {
            if o.is_some() {
                break 'b t.val(2);
            }
            o.unwrap_or_else(|| t.val(1))
        };
        t.step("s", 1, got.get()).await
    }
}

case! {
    moved_in_one_arm_of_a_loop(t) => entry(t);
    // Fuzz seed 4305: moved after an `.await` in one arm only, in a loop: at the join after the
    // `match` the local was taken as dropped there, and the next round of the analysis as gone
    // everywhere; it was dropped at the end of the `match` instead of at the end of its scope.
    #[allow(clippy::never_loop)]
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let item = t.val(48);
        loop {
            match check(&t, item.get()) {
                Ok(_) => {}
                Err(Bad(e)) => {
                    t.step("s6", 0, e).await;
                    drop(item);
                }
            }
            t.log("after");
            break;
        }
        3
    }
}

case! {
    borrowed_in_one_branch_moved_in_the_other(t) => entry(t);
    // Fuzz seed 187, a panic at run time (`entered unreachable code`): a statement moving a
    // local in a slot in one branch took it out of its slot at every method call on it, and the
    // other branch's `a.lock()` emptied the slot that `a.subscribe()` then read.
    #[desugar]
    pub async fn entry(t: Trace) -> Vec<Val> {
        let x = 'b: {
            let a = t.step("s", 1, t.val(0)).await;
            if t.val(6).get() < 5 {
                drop(a);
            } else {
                if a.lock() > 5 {
                    break 'b t.val(29);
                }
                return vec![a.subscribe()];
            }
            t.step("after", 0, t.val(17)).await
        };
        vec![x]
    }
}

case! {
    // Fuzz seeds 1, 163 (E0308): a loop whose code before its first `.await` builds an `async`
    // block or a closure was written twice, where the loop is entered and where an iteration
    // ends: two types for one local of the state. A join at the top of the body (`Iteration`)
    // writes it once.
    closure_built_at_the_top_of_a_loop(t) => entry(t);
    #[desugar]
    async fn looped(t: Trace) -> u32 {
        let mut s = 0;
        for i in 0..3u32 {
            let x = match i {
                0 => 1,
                _ => {
                    let fut = async { t.val(i) };
                    fut.await.get()
                }
            };
            s += t.step("for", 1, x).await;
        }
        let mut w = 0;
        while let Some(n) = (w < 2).then_some(w) {
            w += 1;
            let double = move |k: u32| k * 2;
            s += t.step("while", 1, double(n)).await;
        }
        s
    }
    pub async fn entry(t: Trace) -> u32 {
        looped(t).await
    }
}

case! {
    let_else_drops_the_value_before_lifted_temporaries(t) => entry(t);
    // From the fuzzer (seed 5824, shrunk; behaved differently): the value that does not match
    // is dropped before the temporaries its initializer made (the receiver `lock` borrows), as
    // the unbound part of a value a `let` destructures is.
    struct Locker {
        a: Val,
        n: u32,
    }
    impl Locker {
        async fn lock(&mut self, t: Trace) -> Val {
            t.step("lock", 1, t.val(self.n)).await
        }
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let (n, _) = (Locker { a: t.val(1), n: 2 }.lock(t.clone()).await.get(), t.val(3));
        let Pair { a: _a, n: 1..=6 } = (Pair {
            a: Locker { a: t.val(5), n: 3 }.lock(t.clone()).await,
            n: 11,
        }) else {
            t.log("else");
            return n;
        };
        7
    }
}

// CI fuzz seeds 88, 398 (E0282): an `.await` after a plain `return`. The state it enters is never
// entered; the code entering it is written anyway, dead as natively, so that rustc can infer
// the types that state holds (here `p`'s).
case! {
    plain_return_before_awaits(t) => entry(t);
    #[desugar]
    #[allow(unreachable_code)]
    async fn early(t: Trace, p: &mut Val) -> u32 {
        t.log("before");
        return p.get();
        t.step("after", 1, 2).await + p.get()
    }
    pub async fn entry(t: Trace) -> u32 {
        let mut v = t.val(3);
        early(t.clone(), &mut v).await
    }
}

// Fresh fuzz seed 6486 (differ): a local moved in the value of a `break` out of a labeled
// block, borrowed by an awaited block on the path that goes on. The move happens on the path
// to the `break`'s target only: on the other, the local holds its value to the end of its
// scope, across the next `.await` (it was taken for moved there, and dropped early).
case! {
    moved_only_on_the_path_of_a_break(t) => entry(t);
    #[desugar]
    async fn kept_past(t: Trace, c: bool, p: Val) -> u32 {
        let v = 'b: {
            if c {
                break 'b vec![p];
            }
            t.log(format!("got {}", async { p.get() }.await));
            t.step("s2", 1, 0).await;
            Vec::<Val>::new()
        };
        v.len() as u32
    }
    pub async fn entry(t: Trace) -> [u32; 2] {
        [
            kept_past(t.clone(), true, t.val(1)).await,
            kept_past(t.clone(), false, t.val(2)).await,
        ]
    }
}

// CI fuzz seed 90 (E0507 once the case above was fixed): a local in a slot (moved on some
// paths after the labeled block) moved inside the value of a `break`, in a statement of a
// block: taken out of its slot there, as a jump's value is.
case! {
    moved_inside_the_value_of_a_break(t) => entry(t);
    #[desugar]
    async fn inside_break(t: Trace, c: bool, p: Val) -> u32 {
        let v = 'b: {
            if c {
                break 'b ({
                    drop(p);
                    t.val(7)
                });
            }
            let n = if p.get() > 5 {
                t.step("s", 1, 0).await;
                p.get()
            } else {
                consume(p)
            };
            t.val(n)
        };
        v.get()
    }
    pub async fn entry(t: Trace) -> [u32; 3] {
        [
            inside_break(t.clone(), true, t.val(1)).await,
            inside_break(t.clone(), false, t.val(2)).await,
            inside_break(t.clone(), false, t.val(9)).await,
        ]
    }
}

// From the fuzzer (seed 7281, reduced): a local kept, unused, to the end of its scope, that a
// `let` in a loop body hides at the second `.await` of the body. It goes to a slot where it is
// hidden; the analysis of what each local holds took it for dropped there, so that on the next
// iteration (and, through the loop head, on the first) it was no longer kept and dropped early.
case! {
    #[panics]
    hidden_in_a_loop_body_kept_to_its_scope_end(t) => entry(t);
    #[desugar]
    async fn entry(t: Trace) -> u32 {
        let Pair { a: item, n: 1..=6 } = ({
            let r = &mut t.val(8);
            let Some(_v): Option<Val> = Some(t.val(0)) else {
                return 3;
            };
            let mut c = 0;
            loop {
                c += 1;
                if c > 1 {
                    break;
                }
                let (_v, _item) = (t.val(1), (async { t.val(2) }).await);
                let _pair = (async { t.val(3) }).await;
            }
            t.chan(r.lock());
            Pair {
                a: t.val(r.get()),
                n: r.get(),
            }
        }) else {
            panic!("boom 8");
        };
        (consume(item) + 7) % 1000
    }
}

// From the fuzzer (seed 487, reduced): a consuming method in a `break`'s value, and the same
// local used after the `if` that breaks, in the same statement. The code after `if c { break
// .. }` is that `if`'s other branch: the two uses never both run, so the move takes the local
// out of the slot it has for being moved on one path only (E0507 before).
case! {
    moved_in_a_break_used_after_its_if(t) => entry(t);
    #[desugar]
    async fn moved_or_not(t: Trace, p0: Val, c: u32) -> u32 {
        let rx = t.chan('b: {
            if t.val(c).get() > 10 {
                break 'b p0.send();
            }
            if p0.lock() < 10 {
                break 'b 0;
            }
            15
        });
        (async { rx.get() }).await
    }
    // (The same where the other `break`'s value awaits: the checked call in the first is bound
    // to a local before its `break`, and still takes `p0` out of its slot.)
    #[desugar]
    async fn awaited_or_not(t: Trace, p0: Val, c: u32) -> u32 {
        let rx = t.chan('b: {
            if t.val(c).get() > 10 {
                break 'b p0.send();
            }
            if p0.lock() < 10 {
                break 'b t.step("s", 1, 5).await;
            }
            15
        });
        (async { rx.get() }).await
    }
    pub async fn entry(t: Trace) -> [u32; 4] {
        [
            moved_or_not(t.clone(), t.val(3), 1).await,
            moved_or_not(t.clone(), t.val(4), 11).await,
            awaited_or_not(t.clone(), t.val(3), 1).await,
            awaited_or_not(t.clone(), t.val(4), 11).await,
        ]
    }
}

// From the fuzzer (seed 773, reduced): `let Parcel773 { a: item, .. } = ..` types `item` as
// the crate declares `Parcel773::a`, a `Val`, whose `get` lends nothing: the condition before the
// `break` that moves `item` does not keep it in its slot (E0507 before).
case! {
    struct_pattern_binding_typed_by_its_field(t) => entry(t);
    pub struct Parcel773 {
        a: Val,
        n: u32,
    }
    #[desugar]
    async fn moved_or_not(t: Trace, c: u32) -> Option<u32> {
        let Parcel773 { a: item, n: 1..=6 } = (Parcel773 { a: t.val(4), n: 2 }) else {
            panic!("boom 0");
        };
        let n = t
            .step("s6", 1, 'b: {
                if c < 10 && item.get() > 2 {
                    break 'b consume(item);
                }
                item.lock() + t.step("s11", 1, item.get()).await
            })
            .await;
        Some(n)
    }
    pub async fn entry(t: Trace) -> (Option<u32>, Option<u32>) {
        (moved_or_not(t.clone(), 1).await, moved_or_not(t.clone(), 11).await)
    }
}

// From the fuzzer (seed 127, reduced): an arm that moves `buf`, gives it a new value, then
// returns. The code after its `return` is written (dead) and its states get layouts, but what
// `buf` holds there reached the live `match`'s join too, so that `buf` was dropped there,
// before the function's last expression (a silent difference). (The seed gave `buf` its new
// value on one path only; a local moved on some paths and assigned later has no drop flag,
// which `tests/ui/maybe_moved_then_assigned.rs` shows.)
case! {
    dead_code_after_a_return_does_not_reach_the_join(t) => all(t);
    #[desugar]
    async fn refill(t: Trace, n: u32) -> Val {
        let mut buf = t.val(n);
        let count = match maybe(&t, buf.take()) {
            Some(c) => c,
            None => {
                buf = if consume(buf) == 0 {
                    t.step("s", 1, t.val(4)).await
                } else {
                    t.val(5)
                };
                t.log(format!("got {}", buf.get()));
                return t.val(1);
            }
        };
        t.val(count)
    }
    async fn all(t: Trace) -> [Val; 3] {
        [refill(t.clone(), 0).await, refill(t.clone(), 999).await, refill(t.clone(), 4).await]
    }
}

// A `match` arm's binding hides a local in a slot of its name (`n`, kept in a slot at the
// arm's `.await`, where the arm's `n` hides it) in the code that resumes in the arm (fuzz seed
// 9760, E0614: the arm's `u32` was reached as the slot's `(*n)`).
case! {
    arm_binding_hides_a_slotted_local(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let k = t.step("k", 1, 4).await;
        let n = k;
        let [a, a2] = [
            t.val(match (k * n) % 1000 {
                n @ 3..=9 if n % 2 == 0 => {
                    let b = t.step("s", 1, n).await;
                    (b + n) % 1000
                }
                _ => 18,
            }),
            t.val((n + 8) % 1000),
        ];
        a.get() + a2.get()
    }
}

// Fresh fuzz seed 10300 (reduced): a `panic!` ends the `else` of a `let ... else` that awaits.
// The graph let the panic fall through to the code after the `let`, so that `p0`, partly moved
// in the `else`, was live there and kept in the state of the `else`'s `.await` (E0382). A
// panic unwinds: nothing after it runs.
case! {
    panic_after_an_await_does_not_fall_through(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, p0: Pair) -> u32 {
        let Some(n) = maybe(&t, 6) else {
            {
                let _buf = p0.a;
                t.step("s5", 1, ()).await;
            }
            panic!("boom 0");
        };
        t.step("s6", 1, ()).await;
        p0.a.get() + n
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), Pair { a: t.val(1), n: 2 }).await
    }
}

// Found while reducing CI fuzz seed 469: a local in a slot (`v`, lent across an `.await`) moved
// in a block that ends in a `return`. The move was taken out of the slot only inside the
// `return`'s value, so `consume(v)` moved out of the slot's reference (E0507). The move is
// taken out where it is, at that mention: the code's other path keeps `v`.
case! {
    moved_before_a_return_leaves_its_slot(t) => entry(t);
    #[desugar]
    async fn f1(t: Trace, c: bool) -> u32 {
        let v = t.val(1);
        let r = &v;
        t.step("a", 1, 1).await;
        let _ = r.get();
        if c {
            consume(v);
            return 1;
        }
        t.step("b", 1, 1).await;
        v.get()
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), true).await + f1(t.clone(), false).await
    }
}
// Fresh fuzz seed 11417 (reduced): dead code after a `return`, in the value of a `let`, that
// may suspend. The first state's code, which stops at the `return`, dropped the binding whose
// value it never computes, and left `mem::replace(..)`'s value unused: a warning
// (`unused_must_use`) the original has not.
case! {
    dead_value_of_a_let_after_a_return(t) => entry(t, 1);
    #[desugar]
    #[allow(unreachable_code, unused_variables, unused_mut)]
    pub async fn entry(t: Trace, k: u32) -> u32 {
        let item: Val = {
            let mut buf = t.val(1);
            return buf.get();
            std::mem::replace(&mut buf, 'b: {
                if k > 0 {
                    break 'b t.val(match k {
                        0 => t.step("a", 1, 2).await,
                        _ => 5,
                    });
                }
                t.val(6)
            })
        };
        item.lock() + resumed(t.clone(), k).await
    }
    // (The same in the code that resumes after an `.await` in the branch.)
    #[desugar]
    #[allow(unreachable_code, unused_variables, unused_mut)]
    async fn resumed(t: Trace, k: u32) -> u32 {
        let item: Val = if k > 0 {
            let mut buf = t.val(1);
            t.step("b", 1, ()).await;
            return buf.get();
            std::mem::replace(&mut buf, 'b: {
                if k > 0 {
                    break 'b t.val(match k {
                        0 => t.step("a", 1, 2).await,
                        _ => 5,
                    });
                }
                t.val(6)
            })
        } else {
            t.val(2)
        };
        item.lock()
    }
}

// Fresh fuzz seed 11352 (reduced): a consuming method call on a local in a slot, in a block
// that is the value of a `return` (`return { buf.into_inner() }`). Only a plain move there was
// taken out of the slot: the call moved out of the slot's reference (E0507).
case! {
    consumed_in_a_block_returned_leaves_its_slot(t) => entry(t);
    #[desugar]
    #[allow(unused_braces)]
    async fn f1(t: Trace, k: u32) -> u32 {
        let mut buf = t.val(1);
        let v = maybe(&t, if k > 0 {
            let Some(count) = maybe(&t, t.step("a", 1, k).await) else {
                return { buf.into_inner() };
            };
            let _task = {
                let t = t.clone();
                async move { std::mem::replace(&mut buf, t.val(count)) }
            };
            15
        } else {
            buf.take()
        });
        v.unwrap_or(7)
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        f1(t.clone(), 1).await + f1(t.clone(), 4).await + f1(t.clone(), 0).await
    }
}

// Fresh fuzz seed 12152 (reduced): resuming inside a block that declares a local of the name of
// an outer one in a slot (`k` here) hid the outer one for the rest of the function: the `else`
// after the block read `k` as the slot's reference (E0369).
case! {
    block_shadowing_a_slotted_local_hides_it_only_inside(t) => entry(t);
    #[desugar]
    pub async fn entry(t: Trace) -> Val {
        let Some(k) = maybe(&t, t.val(3).wait(0).await) else {
            return t.val(0);
        };
        let Pair { a: buf, n: 1..=6 } = ({
            let Some(k) = maybe(&t, t.spawn(move || 8).await) else {
                panic!("boom");
            };
            t.step("s10", 0, Pair { a: t.val(1), n: k }).await
        }) else {
            return t.val(k * 2);
        };
        buf
    }
}

// Fresh fuzz seed 12014 (reduced): a method called on a local in a slot in an `if` condition
// counted as a borrow that might outlive the condition, so the move in the branch after it was
// not taken out of the slot (E0507). What a condition without `let`, blocks, closures or
// assignments borrows ends with it.
case! {
    moved_in_a_branch_after_a_method_call_in_its_condition(t) => entry(t);
    #[desugar]
    async fn f1(_t: Trace, p1: Vec<Val>) -> u32 {
        p1[0].get()
    }
    #[desugar]
    async fn send(t: Trace, p0: u32) -> u32 {
        let item = t.step("s11", 1, t.val(p0)).await;
        let x = 'b12: {
            if item.get() < 4 {
                break 'b12 Some(item);
            }
            let _y = t.spawn(move || 1).await + match p0 % 3 {
                0 => item.get(),
                _ => f1(t.clone(), vec![item]).await,
            };
            None
        };
        x.map_or(0, |v| v.get())
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        send(t.clone(), 3).await + send(t.clone(), 6).await + send(t.clone(), 7).await
    }
}

// Fresh fuzz seed 12162 (reduced): a labeled block after a `return` that awaits. The code that
// enters its join state (after the `if`) is dead and not written, so nothing gave the type of
// that state's `ready(())` future (E0282). A join's future is named in the enum now.
case! {
    join_state_after_a_return_has_a_known_future(t) => entry(t);
    #[desugar]
    #[allow(unreachable_code)]
    pub async fn entry(t: Trace) -> Val {
        return t.step("s6", 0, t.val(5)).await;
        'b7: {
            if (matches!(7, 1 | 3..=9) as u32) % 2 == 0 {
                break 'b7 (async {
                    let first = &mut t.val(0);
                    t.val((first.lock() + first.take()) % 1000)
                })
                    .await;
            }
            t.val([17, 26, 12].iter().sum::<u32>())
        }
    }
}

// Crater, kameo's `ActorPool::handle` (reduced): a local moved by an awaited call and by a
// `match` arm, assigned again before a `continue` or in a one-arm `match`. The assignments were
// taken for reads, so both locals seemed live after the `.await`: one was kept in place (and the
// call moved out of its reference, E0507), the other got a slot the `match` could not move out
// of (E0507). An assignment every path to the jump runs now gives the value there.
case! {
    assigned_again_before_continue(t) => entry(t);
    macro_rules! context {
        ($name:ident) => {
            pub struct $name(Option<Val>);
            impl $name {
                fn reply_sender(&mut self) -> (u32, Option<Val>) {
                    (0, self.0.take())
                }
            }
        };
    }
    context!(Context);
    async fn forward(t: &Trace, msg: Val, tx: Val) -> Result<u32, (Val, Val)> {
        let n = msg.get() + tx.get();
        t.step("forward", 1, if n < 7 { Err((msg, tx)) } else { Ok(n) }).await
    }
    #[desugar]
    #[allow(clippy::match_single_binding)]
    pub async fn entry(t: Trace) -> u32 {
        let mut ctx = Context(Some(t.val(1)));
        let (_, mut reply) = ctx.reply_sender();
        let mut msg = t.val(2);
        for i in 0..4 {
            match reply {
                Some(tx) => {
                    if let Err(err) = forward(&t, msg, tx).await {
                        match err {
                            (m, tx) => {
                                msg = m;
                                reply = Some(t.val(tx.get() + i + 3));
                            }
                        }
                        continue;
                    }
                    return 1;
                }
                None => return consume(msg),
            }
        }
        consume(msg)
    }
}

// The same with `let r = f(..).await;` and the assignments in an `if let` block that ends in
// `continue`.
case! {
    assigned_again_in_a_block_ending_in_continue(t) => entry(t);
    async fn forward(t: &Trace, msg: Val, tx: Val) -> Result<u32, (Val, Val)> {
        let n = msg.get() + tx.get();
        t.step("forward", 1, if n < 7 { Err((msg, tx)) } else { Ok(n) }).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut reply = Some(t.val(1));
        let mut msg = t.val(2);
        for i in 0..4 {
            match reply {
                Some(tx) => {
                    let r = forward(&t, msg, tx).await;
                    if let Err((m, tx)) = r {
                        msg = m;
                        reply = if i > 1 { None } else { Some(t.val(tx.get() + 3)) };
                        continue;
                    }
                    return 1;
                }
                None => return consume(msg),
            }
        }
        consume(msg)
    }
}

// The same as kameo has it: the other arm of the `match` that assigns is `unreachable!()`, so
// every path that goes on to the `continue` assigns.
case! {
    assigned_again_in_the_one_arm_that_completes(t) => entry(t);
    pub enum SendError {
        NotRunning((Val, Val)),
        Closed,
    }
    async fn forward(t: &Trace, msg: Val, tx: Val) -> Result<u32, SendError> {
        let n = msg.get() + tx.get();
        let r = if n < 7 { Err(SendError::NotRunning((msg, tx))) } else if n > 90 { Err(SendError::Closed) } else { Ok(n) };
        t.step("forward", 1, r).await
    }
    #[desugar]
    pub async fn entry(t: Trace) -> u32 {
        let mut reply = Some(t.val(1));
        let mut msg = t.val(2);
        for i in 0..4 {
            match reply {
                Some(tx) => {
                    if let Err(err) = forward(&t, msg, tx).await {
                        match err {
                            SendError::NotRunning((m, tx)) => {
                                msg = m;
                                reply = Some(t.val(tx.get() + i + 3));
                            }
                            _ => unreachable!("only a stopped actor"),
                        }
                        continue;
                    }
                    return 1;
                }
                None => return consume(msg),
            }
        }
        consume(msg)
    }
}

// Crater, moka's `invalidate_entries` (reduced): `let has_next;` assigned at the end of a block,
// then read as the right operand of `&&`. That read was taken for a move on some paths only, so
// the local seemed moved or not at the `.await`, and the check that it drops nothing was written
// where it has no value yet (E0381). An operand of `&&` or `||` is a `bool`: copied.
case! {
    declared_then_assigned_read_in_a_condition(t) => entry(t, 2);
    #[desugar]
    pub async fn entry(t: Trace, batch: u32) -> u32 {
        let mut len = 0;
        let has_next;
        {
            let mut items = vec![t.val(1), t.val(2), t.val(3)].into_iter().peekable();
            while len < batch {
                match items.next() {
                    Some(item) => len += item.get(),
                    None => break,
                }
            }
            has_next = items.peek().is_some();
        }
        if len == 0 {
            return 0;
        }
        let truncated = len >= batch && has_next;
        t.step("scan", 1, len + u32::from(truncated)).await
    }
}

// Fuzz seed 143 with the nineteenth session's generator (reduced): `let buf: Val;` given its
// value after a block whose `let` binds another `buf` around a join. The state there does not
// keep the outer `buf` (it has no value yet) and the code after it assigns it, so it is declared
// again; a later local of its name had ruled that out, though it hides it in its own block only
// (E0425).
case! {
    declared_local_assigned_after_an_inner_local_of_its_name(t) => entry(t, 1);
    #[desugar]
    #[allow(clippy::needless_late_init)]
    pub async fn entry(t: Trace, c: u32) -> u32 {
        let buf: Val;
        if c > 0 {
            buf = {
                let Pair { a: buf, .. } = Pair { a: if c > 0 { let r = &t.val(t.step("s", 1, 4).await); t.val(r.get()) } else { t.val(2) }, n: 3 };
                buf.subscribe()
            };
        } else {
            buf = t.val(5);
        }
        buf.wait(1).await
    }
}

// Helpers' ordinary programs (a protocol's state machine): `match (phase, cmd)` whose awaiting
// arms move what drops out of the tuple and leave unit variants (`Phase::Greeting`) or `Copy`
// elements under `_` (E0382: the tuple, kept to the end of the `match`, was moved out of in part).
// What such an arm leaves drops nothing: the tuple is not kept.
pub enum TuplePhase {
    Greeting,
    Ready { user: Noisy, n: u32 },
}
pub enum TupleCmd {
    Hello(Noisy),
    Sum,
    Quit,
}
case! {
    tuple_scrutinee_moved_in_part_across_await(t) => run(t);
    #[desugar]
    #[allow(clippy::match_single_binding)]
    async fn step(t: Trace, a: u8, s: String) -> String {
        match (a, s) {
            (_, s) => {
                t.step("s", 1, ()).await;
                s
            }
        }
    }
    #[desugar]
    async fn serve(t: Trace, phase: TuplePhase, cmd: TupleCmd) -> (TuplePhase, u32) {
        match (phase, cmd) {
            (TuplePhase::Greeting, TupleCmd::Hello(user)) => {
                t.step("hello", 1, ()).await;
                (TuplePhase::Ready { user, n: 0 }, 1)
            }
            (TuplePhase::Ready { user, n }, TupleCmd::Sum) => {
                let n = t.step("sum", 1, n + 1).await;
                (TuplePhase::Ready { user, n }, n)
            }
            (phase, TupleCmd::Quit) => (phase, 9),
            (_, TupleCmd::Sum) => {
                t.step("early sum", 1, ()).await;
                (TuplePhase::Greeting, 0)
            }
            (phase, _) => (phase, 0),
        }
    }
    #[desugar]
    async fn run(t: Trace) -> (String, Vec<u32>) {
        let s = step(t.clone(), 1, "x".into()).await;
        let mut out = Vec::new();
        let (p, n) = serve(t.clone(), TuplePhase::Greeting, TupleCmd::Hello(t.noisy("ann"))).await;
        out.push(n);
        let (p, n) = serve(t.clone(), p, TupleCmd::Sum).await;
        out.push(n);
        let (p, n) = serve(t.clone(), p, TupleCmd::Hello(t.noisy("bob"))).await;
        out.push(n);
        let (_p, n) = serve(t.clone(), p, TupleCmd::Quit).await;
        out.push(n);
        let (_p, n) = serve(t.clone(), TuplePhase::Greeting, TupleCmd::Sum).await;
        out.push(n);
        (s, out)
    }
}

// `match (m, n) { (Some(s), _) => { ..await; s } }` (E0382): the arm moves `s` out of the
// tuple and leaves `n` under `_`, to drop at the end of the `match`; the state kept the tuple,
// partly moved out of. What the arm leaves is moved into a tuple of its own before it binds.
case! {
    tuple_scrutinee_left_in_part_across_await(t) => run(t);
    #[desugar]
    async fn pick(t: Trace, m: Option<Noisy>, n: Option<Noisy>, k: u8) -> u32 {
        match (m, n, k) {
            (Some(s), _, 1) => {
                t.step("first", 1, ()).await;
                t.log(format!("got {}", s.touch()));
                1
            }
            (None, Some(x), _) => {
                t.step("second", 2, ()).await;
                t.log(format!("then {}", x.touch()));
                2
            }
            (m, None, _) => {
                t.step("third", 1, ()).await;
                u32::from(m.is_some()) + 3
            }
            _ => 0,
        }
    }
    #[desugar]
    async fn run(t: Trace) -> Vec<u32> {
        let mut out = Vec::new();
        out.push(pick(t.clone(), Some(t.noisy("a")), Some(t.noisy("b")), 1).await);
        out.push(pick(t.clone(), None, Some(t.noisy("c")), 1).await);
        out.push(pick(t.clone(), Some(t.noisy("d")), None, 2).await);
        out.push(pick(t.clone(), Some(t.noisy("e")), Some(t.noisy("f")), 2).await);
        out
    }
}

// Helpers' ordinary programs: a `while let` whose condition awaits, in an arm that resumes in
// place, entering another state (E0614): the awaited expression built after leaving the state
// kept in place read its locals as references still (`(*s).n`).
pub struct Tally {
    n: u64,
    items: Vec<u64>,
}

case! {
    awaiting_condition_then_another_state(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u64 {
        let mut s = Tally { n: 1, items: vec![2, 3] };
        while let Some(x) = std::future::ready(s.items.pop()).await {
            let n = std::future::ready(s.n).await;
            t.log(format!("n {n}"));
            s.n += x;
        }
        s.n
    }
}

// Helpers' ordinary programs: `Err(e @ Kind::A(_))` in an arm that awaits (E0382): the `@`
// binding moves all of the payload, leaving nothing of the scrutinee to keep.
pub enum Kind {
    A(u32),
    B,
}

case! {
    at_binding_arm_awaits(t) => run(t);
    #[desugar]
    async fn classify(t: Trace, r: Result<u32, Kind>) -> u32 {
        match r {
            Ok(v) => v,
            Err(e @ Kind::A(_)) => {
                t.step("a", 1, ()).await;
                match e {
                    Kind::A(n) => n,
                    Kind::B => 0,
                }
            }
            Err(_) => 99,
        }
    }
    #[desugar]
    async fn run(t: Trace) -> (u32, u32, u32) {
        let a = classify(t.clone(), Ok(1)).await;
        let b = classify(t.clone(), Err(Kind::A(2))).await;
        let c = classify(t, Err(Kind::B)).await;
        (a, b, c)
    }
}

// Helpers' ordinary programs (drop order): `let _ = make().await;` and `let (a, _) = ..` left
// what the pattern does not bind in the local the poll stored the value in, dropped at the next
// `.await` instead of at the end of the statement (silently).
case! {
    wildcard_let_of_an_awaited_value(t) => run(t);
    #[desugar]
    async fn run(t: Trace) {
        let _ = t.step("a", 1, t.noisy("a")).await;
        t.log("after a");
        let (_b, _) = t.step("pair", 1, (t.noisy("b"), t.noisy("second"))).await;
        t.log("after pair");
        let Some(_) = t.step("c", 1, Some(t.noisy("c"))).await else {
            return;
        };
        t.log("after c");
        t.step("end", 1, ()).await;
    }
}

// Helpers' ordinary programs: `for n in make().await.iter()` (E0716), and an awaited value whose
// method makes the iterable, dropped before the loop instead of after it (silently).
case! {
    iterable_of_an_awaited_temporary(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let mut sum = 0;
        for n in t.step("v", 1, vec![1u32, 2, 3]).await.iter() {
            sum += n;
        }
        for s in t.step("g", 1, t.noisy("g")).await.touch().chars() {
            t.log(format!("char {s}"));
        }
        sum
    }
}

// The fuzzer's fresh seed 15087: `if let Some(count) = .. && count % 3 != 1` in a loop whose
// arm resumes in place, with an outer `count` kept there (E0614): a `let` of a chain hides the
// local it shadows in the operands after it, not only in the body.
case! {
    let_chain_binding_shadows_a_kept_local(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let count = t.step("c", 1, 3u32).await;
        let mut w = 0;
        let mut hits = 0;
        while w < t.step("w", 1, 3).await {
            w += 1;
            if let Some(count) = Some(w + 10)
                && count % 3 != 1
            {
                hits += count;
            }
        }
        hits + count
    }
}

// A helper's ordinary programs (macros declaring `const KEY`; silent, and E0428): items of an
// inner block that awaits are hoisted with the body's; an inner `const LIMIT` then hid the
// file's `LIMIT` from the rest of the function, and two blocks' `KEY`s clashed. Renamed there.
pub const SCOPED_LIMIT: usize = 100;
case! {
    inner_block_items_keep_their_scope(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> (bool, bool, usize) {
        let n = 5;
        let small = {
            const SCOPED_LIMIT: usize = 3;
            t.step("small", 1, n < SCOPED_LIMIT).await
        };
        let a = {
            const KEY: &str = "port";
            t.step("a", 1, KEY.len()).await
        };
        let b = {
            const KEY: &str = "hostname";
            t.step("b", 1, KEY.len()).await
        };
        (small, n < SCOPED_LIMIT, a + b)
    }
}

// A helper's ordinary program (`if notifier.notify(u, &format!(..)).await { ok += 1 }` in a
// `for`, E0308): the condition's temporary, borrowed by the awaited future, is made anew by
// each iteration; its state resumed in place, kept the first one, and did not declare it where
// the loop ends. (Its block was not in the tree: the loop did not see it declared inside.)
case! {
    awaiting_condition_borrowing_a_temporary_in_a_loop(t) => run(t);
    async fn greet(t: &Trace, name: &str, msg: &str) -> bool {
        t.log(format!("{name}: {msg}"));
        t.step("greet", 1, name.len() > 1).await
    }
    #[desugar]
    async fn run(t: Trace) -> usize {
        let names = ["al", "b", "cy"];
        let mut ok = 0;
        for n in &names {
            if greet(&t, n, &format!("hi {n}")).await {
                ok += 1;
            }
        }
        let mut i = 0;
        while greet(&t, names[i], &format!("bye {i}")).await {
            i += 1;
        }
        ok + i
    }
}

// Helpers' ordinary programs (warning only: "value assigned to `seen` is never read", which
// `-D warnings` makes an error): a state resuming in place moves what it kept back out after
// the loop, into locals the code after it may not read. (The test crate is linted in CI.)
case! {
    kept_local_not_read_after_the_loop(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> u32 {
        let mut seen = Vec::new();
        for i in 0..3 {
            t.step("tick", 1, ()).await;
            seen.push(i);
        }
        let mut w = vec![1];
        loop {
            w.push(t.step("push", 1, 2).await);
            if w.len() > 2 {
                break;
            }
        }
        7
    }
}

// A helper's ordinary program (a line protocol client, E0502): `let cmd = buf.trim();`, kept by
// a later state, then `continue` on an empty line, in a loop that does `buf.clear()` and
// awaits. The rest of the iteration reached the loop again holding its borrow of `buf`'s slot
// for the future's lifetime; the slot is bound again before the loop.
case! {
    continue_past_a_borrow_of_a_slot(t) => run(t);
    #[desugar]
    async fn run(t: Trace) -> usize {
        let mut buf = String::new();
        let mut total = 0;
        for w in [" a ", "", "bb"] {
            buf.clear();
            t.step("read", 1, ()).await;
            buf.push_str(w);
            let cmd = buf.trim();
            if cmd.is_empty() {
                continue;
            }
            t.step("send", 1, ()).await;
            total += cmd.len();
        }
        total
    }
}

// A helper's ordinary program (`for i in 0..3 { let tx = tx.clone(); spawn(async move { .. });
// sleep(..).await; }`, E0507/E0369): a parameter shadowed in a loop that awaits is kept across
// the `.await`, hidden by its shadow, and read again by the next iteration. It gets a slot, as a
// shadowed `let` local does.
case! {
    parameter_shadowed_in_a_loop(t) => run(t);
    #[desugar]
    async fn fan_out(t: Trace, name: String, step: u64) -> (Vec<String>, u64) {
        let mut out = Vec::new();
        let mut total = 0;
        for i in 0..3 {
            let name = format!("{name}#{i}");
            let step = step + 1;
            t.step("wait", 1, ()).await;
            out.push(name);
            total += step;
        }
        (out, total)
    }
    #[desugar]
    async fn run(t: Trace) -> (Vec<String>, u64) {
        fan_out(t.clone(), "job".to_string(), 2).await
    }
}
