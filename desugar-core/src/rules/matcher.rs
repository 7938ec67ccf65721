//! A `macro_rules!` definition read as rules, and an invocation's tokens matched against them:
//! what each `$name` bound, as a tree for the repetitions it is inside.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::HashMap;
use syn::ext::IdentExt;
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};

/// One rule: `(matcher) => { transcriber }`.
pub struct Rule {
    matcher: Vec<Piece>,
    pub transcriber: TokenStream,
}

enum Piece {
    Token(String),
    Group(Delimiter, Vec<Piece>),
    /// `$name:kind`.
    Fragment(String, String),
    /// `$( .. ) sep op`.
    Repeat(Vec<Piece>, Option<String>, char),
}

/// What one `$name` matched: tokens, or one match per repetition.
#[derive(Clone, Debug)]
pub enum Bound {
    Tokens(TokenStream),
    Each(Vec<Bound>),
}

pub type Bindings = HashMap<String, Bound>;

/// The rules of a `macro_rules!` body, if it reads as rules.
pub fn rules(body: TokenStream) -> Option<Vec<Rule>> {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut out = Vec::new();
    let mut rest = tokens.as_slice();
    while !rest.is_empty() {
        let [
            TokenTree::Group(matcher),
            TokenTree::Punct(eq),
            TokenTree::Punct(gt),
            TokenTree::Group(transcriber),
            tail @ ..,
        ] = rest
        else {
            return None;
        };
        if eq.as_char() != '=' || gt.as_char() != '>' {
            return None;
        }
        out.push(Rule {
            matcher: pieces(matcher.stream())?,
            transcriber: transcriber.stream(),
        });
        rest = match tail {
            [TokenTree::Punct(semi), tail @ ..] if semi.as_char() == ';' => tail,
            tail => tail,
        };
    }
    Some(out)
}

fn pieces(tokens: TokenStream) -> Option<Vec<Piece>> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '$' => match tokens.get(i + 1)? {
                TokenTree::Ident(name) => {
                    let (TokenTree::Punct(colon), TokenTree::Ident(kind)) =
                        (tokens.get(i + 2)?, tokens.get(i + 3)?)
                    else {
                        return None;
                    };
                    if colon.as_char() != ':' {
                        return None;
                    }
                    out.push(Piece::Fragment(name.to_string(), kind.to_string()));
                    i += 4;
                }
                TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => {
                    let inner = pieces(g.stream())?;
                    let op = |t: &TokenTree| match t {
                        TokenTree::Punct(p) if matches!(p.as_char(), '*' | '+' | '?') => {
                            Some(p.as_char())
                        }
                        _ => None,
                    };
                    let (sep, op, used) = match op(tokens.get(i + 2)?) {
                        Some(op) => (None, op, 3),
                        None => (Some(tokens[i + 2].to_string()), op(tokens.get(i + 3)?)?, 4),
                    };
                    out.push(Piece::Repeat(inner, sep, op));
                    i += used;
                }
                _ => return None,
            },
            TokenTree::Group(g) => {
                out.push(Piece::Group(g.delimiter(), pieces(g.stream())?));
                i += 1;
            }
            other => {
                out.push(Piece::Token(other.to_string()));
                i += 1;
            }
        }
    }
    Some(out)
}

/// The first rule `input` matches whole, and what it bound.
pub fn first_match(rules: &[Rule], input: &TokenStream) -> Option<(usize, Bindings)> {
    rules.iter().enumerate().find_map(|(i, rule)| {
        let parser = |stream: ParseStream| {
            let mut bound = Bindings::new();
            matches_all(stream, &rule.matcher, &mut bound)?;
            Ok(bound)
        };
        parser.parse2(input.clone()).ok().map(|bound| (i, bound))
    })
}

fn matches(input: ParseStream, pieces: &[Piece], bound: &mut Bindings) -> syn::Result<()> {
    for piece in pieces {
        match piece {
            Piece::Token(expected) => input.step(|cursor| match cursor.token_tree() {
                Some((tt, next)) if tt.to_string() == *expected => Ok(((), next)),
                _ => Err(cursor.error("a different token")),
            })?,
            Piece::Group(delimiter, inner) => {
                let stream = input.step(|cursor| match cursor.token_tree() {
                    Some((TokenTree::Group(g), next)) if g.delimiter() == *delimiter => {
                        Ok((g.stream(), next))
                    }
                    _ => Err(cursor.error("a different group")),
                })?;
                let parser = |inner_input: ParseStream| matches_all(inner_input, inner, bound);
                parser.parse2(stream)?;
            }
            Piece::Fragment(name, kind) => {
                let tokens = fragment(input, kind)?;
                bound.insert(name.clone(), Bound::Tokens(tokens));
            }
            Piece::Repeat(inner, sep, op) => {
                let mut each: Vec<Bindings> = Vec::new();
                loop {
                    if each.len() == 1 && *op == '?' {
                        break;
                    }
                    let fork = input.fork();
                    if !each.is_empty()
                        && let Some(sep) = sep
                    {
                        let separated = fork.step(|cursor| match cursor.token_tree() {
                            Some((tt, next)) if tt.to_string() == *sep => Ok(((), next)),
                            _ => Err(cursor.error("no separator")),
                        });
                        if separated.is_err() {
                            break;
                        }
                    }
                    let mut one = Bindings::new();
                    if fork.is_empty() || matches(&fork, inner, &mut one).is_err() {
                        break;
                    }
                    input.advance_to(&fork);
                    each.push(one);
                }
                if *op == '+' && each.is_empty() {
                    return Err(input.error("a repetition matched nothing"));
                }
                for name in names(inner) {
                    let all = each
                        .iter_mut()
                        .map(|b| b.remove(&name).unwrap_or(Bound::Each(Vec::new())))
                        .collect();
                    bound.insert(name, Bound::Each(all));
                }
            }
        }
    }
    Ok(())
}

/// `pieces` matching all of `input`.
fn matches_all(input: ParseStream, pieces: &[Piece], bound: &mut Bindings) -> syn::Result<()> {
    matches(input, pieces, bound)?;
    if input.is_empty() {
        Ok(())
    } else {
        Err(input.error("tokens left"))
    }
}

/// The `$name`s a matcher binds.
fn names(pieces: &[Piece]) -> Vec<String> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Fragment(name, _) => out.push(name.clone()),
            Piece::Group(_, inner) | Piece::Repeat(inner, ..) => out.extend(names(inner)),
            Piece::Token(_) => {}
        }
    }
    out
}

/// Parses one fragment of `kind` (`expr`, `ident`, `tt`..), as rustc's macro parser does.
/// An expression is handed on as one: in parentheses, unless it is one already.
fn fragment(input: ParseStream, kind: &str) -> syn::Result<TokenStream> {
    Ok(match kind {
        "expr" => {
            let expr: syn::Expr = input.parse()?;
            if atomic(&expr) {
                expr.into_token_stream()
            } else {
                let group =
                    proc_macro2::Group::new(Delimiter::Parenthesis, expr.into_token_stream());
                TokenTree::Group(group).into()
            }
        }
        "ident" => input.call(syn::Ident::parse_any)?.into_token_stream(),
        "tt" => input.parse::<TokenTree>()?.into(),
        "ty" => input.parse::<syn::Type>()?.into_token_stream(),
        "pat" => syn::Pat::parse_multi_with_leading_vert(input)?.into_token_stream(),
        "pat_param" => syn::Pat::parse_single(input)?.into_token_stream(),
        "path" => input.parse::<syn::Path>()?.into_token_stream(),
        "literal" => input.parse::<syn::Lit>()?.into_token_stream(),
        "block" => input.parse::<syn::Block>()?.into_token_stream(),
        "stmt" => input.parse::<syn::Stmt>()?.into_token_stream(),
        "lifetime" => input.parse::<syn::Lifetime>()?.into_token_stream(),
        "vis" => input.parse::<syn::Visibility>()?.into_token_stream(),
        "item" => input.parse::<syn::Item>()?.into_token_stream(),
        "meta" => input.parse::<syn::Meta>()?.into_token_stream(),
        _ => return Err(input.error("an unknown fragment")),
    })
}

/// An expression that needs no parentheses as an operand.
pub fn atomic(expr: &syn::Expr) -> bool {
    matches!(
        expr,
        syn::Expr::Path(_)
            | syn::Expr::Lit(_)
            | syn::Expr::Call(_)
            | syn::Expr::MethodCall(_)
            | syn::Expr::Field(_)
            | syn::Expr::Index(_)
            | syn::Expr::Paren(_)
            | syn::Expr::Macro(_)
            | syn::Expr::Await(_)
            | syn::Expr::Try(_)
            | syn::Expr::Tuple(_)
            | syn::Expr::Array(_)
            | syn::Expr::Struct(_)
            | syn::Expr::Block(_)
    )
}
