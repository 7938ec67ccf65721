//! What can go wrong, with the exit code each gets.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Parse {
        path: PathBuf,
        source: syn::Error,
    },
    Desugar {
        path: PathBuf,
        errors: Vec<syn::Error>,
    },
    NoSuchFn {
        name: String,
        known: Vec<String>,
    },
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Desugar { .. } => 1,
            _ => 2,
        }
    }
}

fn location(path: &std::path::Path, e: &syn::Error) -> String {
    let start = e.span().start();
    format!("{}:{}:{}", path.display(), start.line, start.column + 1)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read { path, .. } => write!(f, "cannot read {}", path.display()),
            Error::Parse { path, source } => {
                write!(f, "{}: not valid Rust: {source}", location(path, source))
            }
            Error::Desugar { path, errors } => {
                let lines: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {e}", location(path, e)))
                    .collect();
                write!(f, "{}", lines.join("\n"))
            }
            Error::NoSuchFn { name, known } => {
                write!(f, "no function `{name}` in the file")?;
                if !known.is_empty() {
                    write!(f, "; it has: {}", known.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}
