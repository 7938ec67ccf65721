//! The crate's own `macro_rules!`, expanded in the function where what they do matters to the
//! state machine: a `return`, `?`, `break`, `continue` or `.await` in their input
//! (`cfg_wait! { .. x.await .. }`) or in their rules (`try_or_disable!(..)`). Left as
//! they are, such a macro expands inside the machine's `poll`, where its `.await` is not
//! allowed (E0728) and its `return` is not the function's (E0308).
//!
//! The definition is the body's own (`macro_rules!` in the function, whose rules see its
//! locals), or else the crate's (read by `defined`: one definition of the name, or one under
//! `#[cfg(P)]` with the others empty, whose expansion then gets `#[cfg(P)]`). The rules are
//! matched as rustc's macro parser does (`matcher`) and the tokens of another scope's rules
//! resolve their locals hygienically (`transcribe`). A macro this cannot match is left as is.

mod matcher;
mod transcribe;

use crate::analyze::suspend::{awaiting_macro, macro_grammar};
use crate::parse::AsyncFn;
use proc_macro2::{TokenStream, TokenTree};
use std::collections::{HashMap, HashSet};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use transcribe::Hygiene;

/// A `macro_rules!` of the crate: its body, and the `#[cfg]` predicate it is defined under, as
/// text (read once per compilation, shared between threads, which tokens cannot be).
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub cfg: Option<String>,
    pub body: String,
}

/// Expands, in `f`'s body, the invocations of the crate's `macro_rules!` that need it.
pub fn expand(f: &mut AsyncFn) {
    let mut local = HashMap::new();
    collect_local(&f.block, &mut local);
    let mut expander = Expander {
        local,
        depth: 0,
        expanded: HashSet::new(),
    };
    expander.visit_block_mut(&mut f.block);
    // (A macro of the body whose every use is expanded is used no more: not linted.)
    if !expander.expanded.is_empty() {
        allow_unused(&mut f.block, &expander.expanded);
    }
}

fn allow_unused(block: &mut syn::Block, names: &HashSet<String>) {
    struct Allow<'a>(&'a HashSet<String>);
    impl VisitMut for Allow<'_> {
        fn visit_item_macro_mut(&mut self, m: &mut syn::ItemMacro) {
            if macro_rules_name(m).is_some_and(|n| self.0.contains(&n)) {
                m.attrs.push(syn::parse_quote!(#[allow(unused_macros)]));
            }
        }
    }
    Allow(names).visit_block_mut(block);
}

/// The `macro_rules!` the body defines, by name (a name defined twice: neither).
fn collect_local(block: &syn::Block, out: &mut HashMap<String, Option<TokenStream>>) {
    struct Collect<'a>(&'a mut HashMap<String, Option<TokenStream>>);
    impl<'ast> syn::visit::Visit<'ast> for Collect<'_> {
        fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
            if let Some(name) = macro_rules_name(m) {
                let body = Some(m.mac.tokens.clone());
                self.0.entry(name).and_modify(|b| *b = None).or_insert(body);
            }
        }
    }
    syn::visit::Visit::visit_block(&mut Collect(out), block);
}

/// The name a `macro_rules! name { .. }` item defines.
pub fn macro_rules_name(m: &syn::ItemMacro) -> Option<String> {
    let name = m.ident.as_ref()?;
    m.mac.path.is_ident("macro_rules").then(|| name.to_string())
}

struct Expander {
    local: HashMap<String, Option<TokenStream>>,
    /// Expansions inside expansions: a macro that recurses without end stops here.
    depth: usize,
    /// The macros of the body expanded.
    expanded: HashSet<String>,
}

/// An invocation's expansion: what rustc would parse in its place, and the `#[cfg]` of the
/// one definition that is not empty.
struct Expansion {
    tokens: TokenStream,
    cfg: Option<TokenStream>,
}

impl Expander {
    fn expansion(&mut self, mac: &syn::Macro) -> Option<Expansion> {
        let name = mac.path.get_ident()?.to_string();
        // (Macros desugar knows by name, `vec!`, `select!`, `cfg_if!`.., are read as it knows
        // them.)
        // (The function's own `macro_rules!` comes first: it hides any other of its name.)
        let known = macro_grammar(mac).is_some() || awaiting_macro(mac).is_some();
        if known && !self.local.contains_key(&name) || name == "cfg_if" {
            return None;
        }
        let (body, cfg, hygiene) = match self.local.get(&name) {
            Some(body) => (body.clone()?, None, Hygiene::AsWritten),
            None => {
                let (def, cfg) = crate_definition(&name)?;
                (def, cfg, Hygiene::MixedSite(mac.path.span()))
            }
        };
        let rules = matcher::rules(body)?;
        let (rule, bound) = matcher::first_match(&rules, &mac.tokens)?;
        let transcriber = &rules[rule].transcriber;
        if !leaves(mac.tokens.clone()) && !self.leaves_through(transcriber, 0) {
            return None;
        }
        let tokens = transcribe::transcribe(transcriber.clone(), &bound, hygiene)?;
        if matches!(hygiene, Hygiene::AsWritten) {
            if captures_input(&tokens, &mac.tokens) {
                return None;
            }
            self.expanded.insert(name);
        }
        Some(Expansion { tokens, cfg })
    }

    /// Whether a transcriber leaves (`leaves`), itself or through the body's or the crate's
    /// macros it invokes (`shout!` writing `emit!(..)`, whose rules `.await`).
    fn leaves_through(&self, tokens: &TokenStream, depth: usize) -> bool {
        if leaves(tokens.clone()) {
            return true;
        }
        let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
        (tokens.iter().enumerate()).any(|(i, tt)| match tt {
            TokenTree::Group(g) => self.leaves_through(&g.stream(), depth),
            TokenTree::Ident(name)
                if depth < 4
                    && matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!') =>
            {
                let name = name.to_string();
                let body = match self.local.get(&name) {
                    Some(body) => body.clone(),
                    None => crate_definition(&name).map(|(body, _)| body),
                };
                (body.and_then(matcher::rules).into_iter().flatten())
                    .any(|rule| self.leaves_through(&rule.transcriber, depth + 1))
            }
            _ => false,
        })
    }

    /// The statements `stmt` expands to, if it is an invocation to expand.
    fn stmts(&mut self, stmt: &syn::Stmt) -> Option<Vec<syn::Stmt>> {
        let syn::Stmt::Macro(m) = stmt else {
            return None;
        };
        if !m.attrs.is_empty() || self.depth > 16 {
            return None;
        }
        let expansion = self.expansion(&m.mac)?;
        let mut stmts =
            syn::parse::Parser::parse2(syn::Block::parse_within, expansion.tokens).ok()?;
        // (An invocation the expansion ends with is a statement too, expanded as one below.)
        if let Some(syn::Stmt::Expr(syn::Expr::Macro(m), semi)) = stmts.last()
            && m.attrs.is_empty()
        {
            let (mac, semi_token) = (m.mac.clone(), *semi);
            let last = stmts.len() - 1;
            stmts[last] = syn::Stmt::Macro(syn::StmtMacro {
                attrs: Vec::new(),
                mac,
                semi_token,
            });
        }
        // `m!(..);`: the expansion's last expression is a statement.
        if let (Some(semi), Some(syn::Stmt::Expr(_, last))) = (m.semi_token, stmts.last_mut())
            && last.is_none()
        {
            *last = Some(semi);
        }
        if let Some(cfg) = expansion.cfg {
            for stmt in &mut stmts {
                if let Some(attrs) = crate::syntax::stmt_attrs(stmt) {
                    attrs.push(syn::parse_quote!(#[cfg(#cfg)]));
                }
            }
        }
        self.depth += 1;
        let mut block = syn::Block {
            brace_token: Default::default(),
            stmts,
        };
        self.visit_block_mut(&mut block);
        self.depth -= 1;
        Some(block.stmts)
    }
}

impl VisitMut for Expander {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            match self.stmts(&stmt) {
                Some(expanded) => stmts.extend(expanded),
                None => {
                    self.visit_stmt_mut(&mut stmt);
                    stmts.push(stmt);
                }
            }
        }
        block.stmts = stmts;
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(m) = expr
            && m.attrs.is_empty()
            && self.depth <= 16
            && let Some(expansion) = self.expansion(&m.mac).filter(|e| e.cfg.is_none())
            && let Ok(mut expanded) = syn::parse2::<syn::Expr>(expansion.tokens)
        {
            self.depth += 1;
            self.visit_expr_mut(&mut expanded);
            self.depth -= 1;
            *expr = if matcher::atomic(&expanded) {
                expanded
            } else {
                syn::parse_quote!((#expanded))
            };
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    // Closures and `async` blocks are left as they are: their `.await` and `return` are theirs.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The crate's one definition of `name` that is not empty, and the `#[cfg]` it is under if
/// others are (an empty one where the predicate does not hold).
fn crate_definition(name: &str) -> Option<(TokenStream, Option<TokenStream>)> {
    let mut full: Vec<Definition> = Vec::new();
    let mut any_empty = false;
    for def in crate::defined::macro_definitions(name) {
        let empty = matcher::rules(def.body.parse().ok()?)
            .is_some_and(|rules| rules.iter().all(|r| r.transcriber.is_empty()));
        // (One definition written in two modules is one.)
        if empty {
            any_empty = true;
        } else if !full.contains(&def) {
            full.push(def);
        }
    }
    let [one] = &full[..] else {
        return None;
    };
    let cfg = match (&one.cfg, any_empty) {
        (_, false) => None,
        (Some(cfg), true) => Some(cfg.parse().ok()?),
        (None, true) => return None,
    };
    Some((one.body.parse().ok()?, cfg))
}

/// Whether a body's macro may bind a name its input uses (`{ let v = 1; $e + v }` with `v` in
/// `$e`): written out with the body's spans, the binding would capture the input's `v`, which
/// rustc's hygiene keeps apart. Any name the expansion binds and the input names counts.
fn captures_input(expansion: &TokenStream, input: &TokenStream) -> bool {
    struct Bound(HashSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Bound {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.insert(p.ident.to_string());
            syn::visit::visit_pat_ident(self, p);
        }
    }
    fn idents(tokens: TokenStream, out: &mut HashSet<String>) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => {
                    out.insert(i.to_string());
                }
                TokenTree::Group(g) => idents(g.stream(), out),
                _ => {}
            }
        }
    }
    let mut bound = Bound(HashSet::new());
    match syn::parse::Parser::parse2(syn::Block::parse_within, expansion.clone()) {
        Ok(stmts) => stmts
            .iter()
            .for_each(|s| syn::visit::Visit::visit_stmt(&mut bound, s)),
        // (Not statements: not expanded either.)
        Err(_) => return false,
    }
    let mut named = HashSet::new();
    idents(input.clone(), &mut named);
    !bound.0.is_disjoint(&named)
}

/// Whether a transcriber leaves the code it is in or suspends it: `return`, `?`, `break`,
/// `continue`, `.await` (a `$( .. )?` repetition is not a `?`).
fn leaves(tokens: TokenStream) -> bool {
    let mut previous: Option<TokenTree> = None;
    let mut before: Option<TokenTree> = None;
    for tt in tokens {
        let found = match &tt {
            TokenTree::Ident(i) => i == "return" || i == "break" || i == "continue" || i == "await",
            TokenTree::Punct(p) if p.as_char() == '?' => {
                // (`$( .. )?`: the group follows a `$`.)
                let repetition = matches!(&previous, Some(TokenTree::Group(_)))
                    && matches!(&before, Some(TokenTree::Punct(d)) if d.as_char() == '$');
                !repetition
            }
            TokenTree::Group(g) => leaves(g.stream()),
            _ => false,
        };
        if found {
            return true;
        }
        before = previous.replace(tt);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(body: &str, input: &str) -> Option<String> {
        let rules = matcher::rules(body.parse().ok()?)?;
        let (i, bound) = matcher::first_match(&rules, &input.parse().ok()?)?;
        let out = transcribe::transcribe(rules[i].transcriber.clone(), &bound, Hygiene::AsWritten);
        out.map(|o| o.to_string().replace(' ', ""))
    }

    #[test]
    fn matches_and_transcribes_rules() {
        let transparent = "($($tt:tt)*) => { $($tt)* };";
        assert_eq!(expand(transparent, "a.await;").as_deref(), Some("a.await;"));
        let rules =
            "() => { 0 }; ($e:expr) => { f($e) }; ($($e:expr),+ $(,)?) => { [$($e * 2),+] }";
        assert_eq!(expand(rules, "").as_deref(), Some("0"));
        assert_eq!(expand(rules, "a + b").as_deref(), Some("f((a+b))"));
        assert_eq!(
            expand(rules, "x, y.await,").as_deref(),
            Some("[x*2,y.await*2]")
        );
        assert_eq!(expand("(a $x:ident) => { $x }", "b c"), None);
        let input: TokenStream = "v.await".parse().unwrap();
        assert!(captures_input(
            &"{ let v = 1; (v.await) + v }".parse().unwrap(),
            &input
        ));
        let matched = "match t.get().await { Some(v) => v, None => return 0 }";
        assert!(!captures_input(
            &matched.parse().unwrap(),
            &"t.get().await".parse().unwrap()
        ));
        assert!(leaves("$(,)? x?".parse().unwrap()));
        assert!(!leaves("$(,)? x".parse().unwrap()));
    }
}
