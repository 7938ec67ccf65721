//! Reading the source: one file, standard input, or a crate's module tree (the root file and
//! every `mod name;` it declares, found as rustc finds them).

use crate::diagnostic::{Diagnostic, Location};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use syn::Item;

/// Where the source comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// One file, or `-` for standard input; `mod name;` declarations are left as they are.
    File(PathBuf),
    /// A crate root (`src/lib.rs`): the file and its module files.
    Crate(PathBuf),
}

/// One source file, parsed.
pub struct Unit {
    /// As messages name it: the path as given or found, or `<stdin>`.
    pub path: String,
    pub source: Rc<str>,
    pub file: syn::File,
    /// The file's module path in its crate: empty for the root or a lone file.
    pub module: Vec<String>,
}

/// The units of `input`, the root first; warnings for module files not found. Errors (exit
/// code 2) for a file that cannot be read or is not valid Rust.
pub fn load(input: &Input) -> Result<(Vec<Unit>, Vec<Diagnostic>), Diagnostic> {
    match input {
        Input::File(path) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Diagnostic::error(format!("cannot read standard input: {e}")))?;
            Ok((
                vec![parse("<stdin>".into(), text.into(), Vec::new())?],
                Vec::new(),
            ))
        }
        Input::File(path) => Ok((vec![read(path, Vec::new())?], Vec::new())),
        Input::Crate(root) => {
            let mut units = Vec::new();
            let mut warnings = Vec::new();
            let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
            load_tree(root, Vec::new(), dir, &mut units, &mut warnings)?;
            Ok((units, warnings))
        }
    }
}

fn read(path: &Path, module: Vec<String>) -> Result<Unit, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", path.display())))?;
    parse(path.display().to_string(), text.into(), module)
}

/// The unit of `source`, the text of `path`, module `module` of its crate.
pub fn parse(path: String, source: Rc<str>, module: Vec<String>) -> Result<Unit, Diagnostic> {
    match syn::parse_file(&source) {
        Ok(file) => Ok(Unit {
            path,
            source,
            file,
            module,
        }),
        Err(e) => {
            let span = e.span();
            let location = Location::new(&path, &source, span.start(), span.end());
            Err(Diagnostic::error(format!("not valid Rust: {e}")).at(location))
        }
    }
}

/// Loads `path` (module `module`, whose `mod name;` files live in `dir`) and its module files.
fn load_tree(
    path: &Path,
    module: Vec<String>,
    dir: PathBuf,
    units: &mut Vec<Unit>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    // A `#[path]` can name a file already loaded (even an ancestor): load it once.
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if units
        .iter()
        .any(|u| std::fs::canonicalize(&u.path).is_ok_and(|p| p == canonical))
    {
        warnings.push(Diagnostic::warning(format!(
            "{} is declared as module `{}` but already loaded; left as a declaration",
            path.display(),
            module.join("::")
        )));
        return Ok(());
    }
    let unit = read(path, module.clone())?;
    let file_dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut children = Vec::new();
    declared_files(
        &unit.file.items,
        &module,
        &dir,
        &file_dir,
        true,
        &mut children,
    );
    let (unit_path, source) = (unit.path.clone(), unit.source.clone());
    for (name, span) in modules_in_macros(&unit.file.items) {
        warnings.push(
            Diagnostic::warning(format!(
                "modules declared inside `{name}!` are not followed: only rustc expands macros"
            ))
            .at(Location::new(&unit_path, &source, span.start(), span.end())),
        );
    }
    units.push(unit);
    for child in children {
        match child.candidates.iter().find(|p| p.is_file()) {
            Some(found) => {
                let dir = match found.file_name().and_then(|n| n.to_str()) {
                    // `a/mod.rs` and `#[path]` files declare theirs beside them; `a.rs` in `a/`.
                    Some("mod.rs") => found.parent().unwrap_or(Path::new("")).to_path_buf(),
                    _ if child.by_path_attribute => {
                        found.parent().unwrap_or(Path::new("")).to_path_buf()
                    }
                    _ => found.with_extension(""),
                };
                load_tree(found, child.module, dir, units, warnings)?;
            }
            None => {
                let looked: Vec<String> = child
                    .candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                let span = child.span;
                warnings.push(
                    Diagnostic::warning(format!(
                        "file of module `{}` not found (looked for {}); left as a declaration",
                        child.module.join("::"),
                        looked.join(", ")
                    ))
                    .at(Location::new(
                        &unit_path,
                        &source,
                        span.start(),
                        span.end(),
                    )),
                );
            }
        }
    }
    Ok(())
}

/// A `mod name;` declaration: where its file may be.
struct Declared {
    module: Vec<String>,
    candidates: Vec<PathBuf>,
    by_path_attribute: bool,
    span: proc_macro2::Span,
}

fn declared_files(
    items: &[Item],
    module: &[String],
    dir: &Path,
    file_dir: &Path,
    top_level: bool,
    out: &mut Vec<Declared>,
) {
    for item in items {
        let Item::Mod(m) = item else { continue };
        let name = m.ident.to_string();
        let mut path = module.to_vec();
        path.push(name.clone());
        let attribute = desugar_core::file::path_attribute(&m.attrs);
        match &m.content {
            Some((_, items)) => {
                let inner = match &attribute {
                    Some(p) => dir.join(p),
                    None => dir.join(&name),
                };
                declared_files(items, &path, &inner, file_dir, false, out);
            }
            None => {
                let (candidates, by_path_attribute) = match attribute {
                    // Outside inline modules, `#[path]` is relative to the declaring file.
                    Some(p) if top_level => (vec![file_dir.join(p)], true),
                    Some(p) => (vec![dir.join(p)], true),
                    None => (
                        vec![
                            dir.join(format!("{name}.rs")),
                            dir.join(&name).join("mod.rs"),
                        ],
                        false,
                    ),
                };
                out.push(Declared {
                    module: path,
                    candidates,
                    by_path_attribute,
                    span: m.ident.span(),
                });
            }
        }
    }
}

/// Item macros (`cfg_io! { mod io; }`) whose bodies declare module files.
fn modules_in_macros(items: &[Item]) -> Vec<(String, proc_macro2::Span)> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Macro(m) => {
                let declares = syn::parse2::<syn::File>(m.mac.tokens.clone()).is_ok_and(|f| {
                    f.items
                        .iter()
                        .any(|i| matches!(i, Item::Mod(m) if m.content.is_none()))
                });
                if declares {
                    let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
                    let span = syn::spanned::Spanned::span(&m.mac.path);
                    out.push((name.unwrap_or_default(), span));
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    out.extend(modules_in_macros(items));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("desugar-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn finds_module_files_as_rustc_does() {
        let dir = scratch(
            "tree",
            &[
                (
                    "src/lib.rs",
                    "mod a; mod b; mod inline { mod c; } #[path = \"other.rs\"] mod d; mod gone; \
                     #[path = \"lib.rs\"] mod again; m! { mod hidden; }",
                ),
                ("src/a.rs", "mod nested;"),
                ("src/a/nested.rs", "fn n() {}"),
                ("src/b/mod.rs", "mod e;"),
                ("src/b/e.rs", ""),
                ("src/inline/c.rs", ""),
                ("src/other.rs", ""),
            ],
        );
        let (units, warnings) = load(&Input::Crate(dir.join("src/lib.rs"))).unwrap();
        let modules: Vec<String> = units.iter().map(|u| u.module.join("::")).collect();
        assert_eq!(
            modules,
            ["", "a", "a::nested", "b", "b::e", "inline::c", "d"]
        );
        let warnings: Vec<String> = warnings.iter().map(Diagnostic::short).collect();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("inside `m!` are not followed"));
        assert!(warnings[2].contains("module `again` but already loaded"));
        let warning = &warnings[1];
        assert!(
            warning.contains("lib.rs:1:") && warning.contains("`gone`"),
            "{warning}"
        );
    }

    #[test]
    fn invalid_rust_points_at_the_error() {
        let dir = scratch("invalid", &[("bad.rs", "fn f() {\n    let x = ;\n}\n")]);
        let Err(e) = load(&Input::File(dir.join("bad.rs"))) else {
            panic!("invalid Rust was accepted");
        };
        assert!(
            e.short().contains("bad.rs:2:13: not valid Rust"),
            "{}",
            e.short()
        );
    }
}
