//! A rule's transcriber with what its matcher bound put in place of each `$name`.

use super::matcher::{Bindings, Bound};
use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};

/// Where the transcriber's own tokens resolve: where they are written (a macro of the body,
/// which sees its locals), or hygienically at the invocation, as rustc resolves the locals a
/// `macro_rules!` of another scope introduces (`Span::mixed_site`).
#[derive(Clone, Copy)]
pub enum Hygiene {
    AsWritten,
    MixedSite(Span),
}

/// The expansion, or none where the transcriber holds what this does not substitute (a
/// `$name` bound nowhere, as in a nested `macro_rules!`, or repetitions that disagree).
pub fn transcribe(tokens: TokenStream, bound: &Bindings, hygiene: Hygiene) -> Option<TokenStream> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < tokens.len() {
        match (&tokens[i], tokens.get(i + 1)) {
            (TokenTree::Punct(p), Some(TokenTree::Ident(name))) if p.as_char() == '$' => {
                if name == "crate" {
                    out.extend([TokenTree::Ident(Ident::new("crate", name.span()))]);
                } else {
                    let Bound::Tokens(value) = bound.get(&name.to_string())? else {
                        return None;
                    };
                    out.extend(value.clone());
                }
                i += 2;
            }
            (TokenTree::Punct(p), Some(TokenTree::Group(g)))
                if p.as_char() == '$' && g.delimiter() == Delimiter::Parenthesis =>
            {
                let op = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?'));
                let (sep, used) = if op(tokens.get(i + 2)) {
                    (None, 3)
                } else if op(tokens.get(i + 3)) {
                    (tokens.get(i + 2).cloned(), 4)
                } else {
                    return None;
                };
                out.extend(repeat(g.stream(), bound, sep, hygiene)?);
                i += used;
            }
            (TokenTree::Group(g), _) => {
                let mut group = Group::new(g.delimiter(), transcribe(g.stream(), bound, hygiene)?);
                group.set_span(respan(g.span(), hygiene));
                out.extend([TokenTree::Group(group)]);
                i += 1;
            }
            (other, _) => {
                let mut other = other.clone();
                other.set_span(respan(other.span(), hygiene));
                out.extend([other]);
                i += 1;
            }
        }
    }
    Some(out)
}

/// `$( .. ) sep op`: once per match of the repeated names it uses.
fn repeat(
    body: TokenStream,
    bound: &Bindings,
    sep: Option<TokenTree>,
    hygiene: Hygiene,
) -> Option<TokenStream> {
    let used: Vec<(&String, &Vec<Bound>)> = bound
        .iter()
        .filter_map(|(name, b)| match b {
            Bound::Each(each) if mentions(&body, name) => Some((name, each)),
            _ => None,
        })
        .collect();
    let count = used.first()?.1.len();
    if used.iter().any(|(_, each)| each.len() != count) {
        return None;
    }
    let mut out = TokenStream::new();
    for n in 0..count {
        if n > 0 {
            out.extend(sep.clone());
        }
        let mut one = bound.clone();
        for (name, each) in &used {
            one.insert((*name).clone(), each[n].clone());
        }
        out.extend(transcribe(body.clone(), &one, hygiene)?);
    }
    Some(out)
}

/// Whether `$name` occurs in `tokens`.
fn mentions(tokens: &TokenStream, name: &str) -> bool {
    let mut dollar = false;
    tokens.clone().into_iter().any(|tt| {
        let found = match &tt {
            TokenTree::Ident(i) => dollar && i == name,
            TokenTree::Group(g) => mentions(&g.stream(), name),
            TokenTree::Punct(_) | TokenTree::Literal(_) => false,
        };
        dollar = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '$');
        found
    })
}

fn respan(span: Span, hygiene: Hygiene) -> Span {
    match hygiene {
        Hygiene::AsWritten => span,
        Hygiene::MixedSite(at) => Span::mixed_site().located_at(at),
    }
}
