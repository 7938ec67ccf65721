//! `--fn NAME` (and `cargo desugar ITEM`): narrowing a file to the functions a path names, and
//! close names when none matches.

use desugar_core::explain::type_name;
use syn::{ImplItem, Item};

/// A function's path as the user wrote it: `run`, `Server::run`, `net::Server::run`.
pub struct Query {
    pub text: String,
    segments: Vec<String>,
}

impl Query {
    pub fn new(text: &str) -> Self {
        let mut segments: Vec<String> = text.split("::").map(|s| s.trim().to_string()).collect();
        if matches!(segments.first().map(String::as_str), Some("crate" | "self")) {
            segments.remove(0);
        }
        Query {
            text: text.to_string(),
            segments,
        }
    }

    /// Whether `path` (module path, type for a method, name) ends with the query's segments.
    fn matches(&self, path: &[String]) -> bool {
        path.ends_with(&self.segments)
    }
}

/// Every function of `items` (free functions and methods, async or not), by full path.
pub fn names(items: &[Item], module: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    walk(items, module, &mut |path| out.push(path.join("::")));
    out
}

fn walk(items: &[Item], module: &[String], visit: &mut dyn FnMut(Vec<String>)) {
    let path = |extra: &[String]| [module, extra].concat();
    for item in items {
        match item {
            Item::Fn(f) => visit(path(&[f.sig.ident.to_string()])),
            Item::Impl(block) => {
                for member in &block.items {
                    if let ImplItem::Fn(m) = member {
                        visit(path(&[type_name(&block.self_ty), m.sig.ident.to_string()]));
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, content)) = &m.content {
                    walk(content, &path(&[m.ident.to_string()]), visit);
                }
            }
            _ => {}
        }
    }
}

/// Keeps only the functions `query` names, inside the modules and impl blocks around them, and
/// the `mod name;` declarations (whose files the caller handles). Returns whether a function
/// matched.
pub fn narrow(file: &mut syn::File, module: &[String], query: &Query) -> bool {
    file.shebang = None;
    file.attrs.clear();
    narrow_items(&mut file.items, module, query)
}

fn narrow_items(items: &mut Vec<Item>, module: &[String], query: &Query) -> bool {
    let mut matched = false;
    items.retain_mut(|item| match item {
        Item::Fn(f) => {
            let keep = query.matches(&[module, &[f.sig.ident.to_string()]].concat());
            matched |= keep;
            keep
        }
        Item::Impl(block) => {
            let ty = type_name(&block.self_ty);
            block.items.retain(|member| match member {
                ImplItem::Fn(m) => {
                    query.matches(&[module, &[ty.clone(), m.sig.ident.to_string()]].concat())
                }
                _ => false,
            });
            matched |= !block.items.is_empty();
            !block.items.is_empty()
        }
        Item::Mod(m) => match &mut m.content {
            Some((_, content)) => {
                let inner = [module, &[m.ident.to_string()]].concat();
                matched |= narrow_items(content, &inner, query);
                !content.is_empty()
            }
            None => true,
        },
        _ => false,
    });
    matched
}

/// Up to three of `known` that look like what `query` meant, the closest first.
pub fn suggest(query: &Query, known: &[String]) -> Vec<String> {
    let last = query.segments.last().map_or("", String::as_str);
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|name| {
            let name_last = name.rsplit("::").next().unwrap_or(name);
            let score = strsim::jaro_winkler(&query.text, name)
                .max(strsim::jaro_winkler(last, name_last))
                .max(if name_last.contains(last) { 0.9 } else { 0.0 });
            (score, name)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "
        use std::fmt;
        async fn run() {}
        struct Server;
        impl Server { async fn run(&self) {} fn stop(&self) {} const X: u8 = 1; }
        mod net { pub struct Conn<T>(T); impl<T> Conn<T> { async fn read(&mut self) {} } mod wire; }
    ";

    fn narrowed(query: &str) -> (bool, String) {
        let mut file = syn::parse_file(SOURCE).unwrap();
        let matched = narrow(&mut file, &[], &Query::new(query));
        (matched, prettyplease::unparse(&file))
    }

    #[test]
    fn a_name_selects_every_function_so_named() {
        let (matched, text) = narrowed("run");
        assert!(matched);
        assert!(text.contains("async fn run() {}"), "{text}");
        assert!(text.contains("async fn run(&self) {}"), "{text}");
        assert!(!text.contains("stop") && !text.contains("use std") && !text.contains("read"));
    }

    #[test]
    fn a_path_selects_one_and_keeps_its_modules() {
        let (matched, text) = narrowed("Server::run");
        assert!(
            matched && text.contains("async fn run(&self)") && !text.contains("async fn run()")
        );
        let (matched, text) = narrowed("crate::net::Conn::read");
        assert!(matched, "{text}");
        assert!(
            text.contains("mod net") && text.contains("impl<T> Conn<T>"),
            "{text}"
        );
        assert!(
            text.contains("mod wire;"),
            "declarations stay for the caller: {text}"
        );
        assert!(!narrowed("Conn::run").0);
    }

    #[test]
    fn close_names_are_suggested() {
        let file = syn::parse_file(SOURCE).unwrap();
        let known = names(&file.items, &[]);
        assert_eq!(
            known,
            ["run", "Server::run", "Server::stop", "net::Conn::read"]
        );
        assert_eq!(suggest(&Query::new("Server::rn"), &known)[0], "Server::run");
        assert_eq!(suggest(&Query::new("reed"), &known), ["net::Conn::read"]);
        assert!(suggest(&Query::new("completely_else"), &known).is_empty());
    }
}
