//! `desugar FILE`: prints the file with its `#[desugar]` async fns expanded into the state
//! machines the attribute generates.

mod error;
mod opts;
mod print;

use clap::Parser;
use error::Error;
use std::io::{Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let opts = opts::Opts::parse();
    match run(&opts) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(opts: &opts::Opts) -> Result<String, Error> {
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
    let mut file = syn::parse_file(&source).map_err(|source| Error::Parse {
        path: path.clone(),
        source,
    })?;
    let errors = desugar_core::file::expand_file(
        &mut file,
        desugar_core::file::Options {
            all: opts.all,
            comments: true,
        },
    );
    if !errors.is_empty() {
        return Err(Error::Desugar { path, errors });
    }
    if let Some(name) = &opts.function {
        select(&mut file, name)?;
    }
    Ok(print::render(&file))
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
