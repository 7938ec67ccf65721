//! The `desugar` command as a library: reading a source file, expanding it through
//! `desugar-core` (the same code path as the attribute) and rendering it for people.

pub mod error;
pub mod opts;
pub mod print;

use error::Error;
use std::io::Read;

/// Reads, expands and renders the file named by `opts`.
pub fn run(opts: &opts::Opts) -> Result<String, Error> {
    let path = opts.file.clone();
    let source = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
        s
    } else {
        std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?
    };
    if opts.explain {
        return explain_source(&source, &path, opts.all, opts.function.as_deref());
    }
    expand_source(&source, &path, opts.all, opts.function.as_deref())
}

/// The `--explain` tables of the functions of `source`.
pub fn explain_source(
    source: &str,
    path: &std::path::Path,
    all: bool,
    function: Option<&str>,
) -> Result<String, Error> {
    let path = path.to_path_buf();
    let file = parse(source, &path)?;
    let (fns, errors) = desugar_core::explain::explain_file(&file, all);
    if !errors.is_empty() {
        return Err(Error::Desugar { path, errors });
    }
    let known: Vec<String> = fns.iter().map(|f| f.name.clone()).collect();
    let selected: Vec<_> = fns
        .iter()
        .filter(|f| match function {
            Some(name) => f.name == name || f.name.ends_with(&format!("::{name}")),
            None => true,
        })
        .collect();
    if let (Some(name), true) = (function, selected.is_empty()) {
        return Err(Error::NoSuchFn {
            name: name.to_string(),
            known,
        });
    }
    Ok(selected
        .iter()
        .map(|f| print::state_table(f))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Expands the `#[desugar]` items (or, with `all`, every async fn) of `source` and renders the
/// result; `function` keeps only that item.
pub fn expand_source(
    source: &str,
    path: &std::path::Path,
    all: bool,
    function: Option<&str>,
) -> Result<String, Error> {
    let path = path.to_path_buf();
    let mut file = parse(source, &path)?;
    let options = desugar_core::file::Options {
        all,
        comments: true,
    };
    let errors = desugar_core::file::expand_file(&mut file, options);
    if !errors.is_empty() {
        return Err(Error::Desugar { path, errors });
    }
    if let Some(name) = function {
        select(&mut file, name)?;
    }
    Ok(print::render(&file))
}

fn parse(source: &str, path: &std::path::Path) -> Result<syn::File, Error> {
    syn::parse_file(source).map_err(|source| Error::Parse {
        path: path.to_path_buf(),
        source,
    })
}

/// Keeps only the function `name` (or `Type::name`).
fn select(file: &mut syn::File, name: &str) -> Result<(), Error> {
    let (ty, func) = match name.rsplit_once("::") {
        Some((ty, func)) => (Some(ty), func),
        None => (None, name),
    };
    let mut known = Vec::new();
    let mut found = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Fn(f) => {
                known.push(f.sig.ident.to_string());
                if ty.is_none() && f.sig.ident == func {
                    found.push(item.clone());
                }
            }
            syn::Item::Impl(block) => {
                let self_ty = quote::ToTokens::to_token_stream(&block.self_ty).to_string();
                let mut kept = block.clone();
                kept.items.retain(|member| match member {
                    syn::ImplItem::Fn(m) => {
                        known.push(format!("{self_ty}::{}", m.sig.ident));
                        m.sig.ident == func && ty.is_none_or(|t| t == self_ty)
                    }
                    _ => false,
                });
                if !kept.items.is_empty() {
                    found.push(syn::Item::Impl(kept));
                }
            }
            _ => {}
        }
    }
    if found.is_empty() {
        return Err(Error::NoSuchFn {
            name: name.to_string(),
            known,
        });
    }
    file.items = found;
    file.shebang = None;
    file.attrs.clear();
    Ok(())
}
