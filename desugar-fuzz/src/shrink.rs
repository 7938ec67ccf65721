//! Delta debugging on the generator's tree: each round compiles every one-step reduction of
//! the current program (a list entry or a chunk of entries removed, a node replaced by one of
//! the simpler forms the generator recorded) as one batch, and keeps the smallest that fails
//! the same way. It ends when no reduction keeps the failure.

use crate::driver::{self, Class, Unit, build::Workspace};
use crate::generate::{self, format_rust};
use crate::tree::Node;

/// Candidates compiled per build.
const BATCH: usize = 150;

/// The reduced program of `seed` as an equivalence case, or `None` if it does not fail.
pub fn shrink(ws: &Workspace, seed: u64) -> std::io::Result<Option<String>> {
    let program = generate::generate(seed);
    let first = driver::check(ws, &[unit("0", &program.items)])?;
    let Some(class) = first.into_iter().next().and_then(|o| o.class) else {
        return Ok(None);
    };
    if let Class::Generator(_) = class {
        return Err(std::io::Error::other(format!(
            "seed {seed}: the native program does not compile ({class}): a bug of the generator"
        )));
    }
    eprintln!("seed {seed}: {class}, {} words", program.items.size());
    let mut current = program.items;
    let mut detail = String::new();
    loop {
        let mut candidates = current.reductions();
        candidates.sort_by_key(Node::size);
        let mut seen = std::collections::HashSet::new();
        // (The harness calls `entry`: a program without it fails for that reason alone.)
        candidates.retain(|c| {
            let code = c.render(true);
            code.contains("fn entry(") && seen.insert(code)
        });
        let mut next = None;
        for chunk in candidates.chunks(BATCH) {
            let units: Vec<Unit> = chunk
                .iter()
                .enumerate()
                .map(|(i, c)| unit(&i.to_string(), c))
                .collect();
            let outcomes = driver::check(ws, &units)?;
            // The smallest candidate that still fails the same way.
            let best = outcomes
                .into_iter()
                .filter(|o| o.class.as_ref() == Some(&class))
                .filter_map(|o| Some((o.id.parse::<usize>().ok()?, o.detail)))
                .min_by_key(|(i, _)| chunk[*i].size());
            if let Some((i, d)) = best {
                next = Some(chunk[i].clone());
                detail = d;
                break;
            }
        }
        match next {
            Some(smaller) => {
                eprintln!("  {} words", smaller.size());
                current = smaller;
            }
            None => break,
        }
    }
    Ok(Some(as_case(seed, &class, &detail, &current)))
}

fn unit(id: &str, items: &Node) -> Unit {
    Unit {
        id: id.to_string(),
        native: format_rust(&items.render(false)),
        desugared: format_rust(&items.render(true)),
    }
}

/// The program as a `case!` of `tests/equivalence` (the fuzzer's types are in
/// `tests/common/fuzz.rs`).
fn as_case(seed: u64, class: &Class, detail: &str, items: &Node) -> String {
    let code =
        format_rust(&items.settled().render(true)).replace("#[desugar::desugar]", "#[desugar]");
    let body: String = code.lines().map(|l| format!("    {l}\n")).collect();
    let detail: String = detail.chars().take(400).collect();
    format!(
        "// desugar-fuzz seed {seed}: {class}: {detail}\n\
         // (add `#[panics]` before the name if the native version panics)\n\
         case! {{\n    fuzz_{seed}(t) => entry(t);\n{body}}}"
    )
}
