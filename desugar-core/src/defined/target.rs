//! Which of a package's files belong to the crate being compiled. A package holds several
//! crates (its library, binaries, tests, examples, benches), each compiled on its own: the
//! definitions of `src/bin/other.rs` or of a test say nothing of the library's methods, and
//! read with it they make answers depend on which sibling files exist (a `run(&mut self)` in
//! another binary against this one's `run(self)`).

use std::path::{Component, Path};

/// The crate cargo is compiling, as its environment tells (`CARGO_BIN_NAME` for a binary or an
/// example, `CARGO_TARGET_TMPDIR` for an integration test or a bench, `CARGO_CRATE_NAME`), or
/// `All` where it does not (the CLI reading a file).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Lib,
    /// A binary, named as its file under `src/bin` is (or its directory there).
    Bin(String),
    /// An integration test, bench or example: a file (or directory) named after the crate.
    Aside(String),
    All,
}

impl Target {
    /// The target of the compilation under way, for the package in `dir`.
    pub fn current(dir: &Path) -> Target {
        if let Ok(bin) = std::env::var("CARGO_BIN_NAME") {
            // (A `[[bin]]` may give it a file named otherwise: `src/bin/server.rs` for `app`.)
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
            let file = super::manifest::bin_path(&manifest, &bin).and_then(|path| {
                let path = Path::new(&path);
                let file = match path.file_name()?.to_str()? {
                    "main.rs" => path.parent()?.file_name()?,
                    _ => path.file_stem()?,
                };
                Some(file.to_string_lossy().into_owned())
            });
            return Target::Bin(file.unwrap_or(bin));
        }
        let Ok(name) = std::env::var("CARGO_CRATE_NAME") else {
            return Target::All;
        };
        let aside = ["tests", "benches", "examples"].iter().any(|kind| {
            named(&name).iter().any(|n| {
                dir.join(kind).join(format!("{n}.rs")).is_file()
                    || dir.join(kind).join(n).join("main.rs").is_file()
            })
        });
        if aside && (std::env::var_os("CARGO_TARGET_TMPDIR").is_some() || !is_lib(dir, &name)) {
            Target::Aside(name)
        } else {
            Target::Lib
        }
    }

    /// Whether the file at `relative` (to the package's directory) may hold definitions of
    /// this crate: not those of the package's other binaries, tests, examples and benches.
    pub fn includes(&self, relative: &Path) -> bool {
        let parts: Vec<String> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let stem = |part: &str| part.trim_end_matches(".rs").to_string();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match (self, &parts[..]) {
            (Target::All, _) => true,
            (Target::Bin(bin), ["src", "bin", file, ..]) => named(bin).contains(&stem(file)),
            // (Cargo names an example being compiled in `CARGO_BIN_NAME` too.)
            (Target::Bin(bin), ["examples", file, ..]) => named(bin).contains(&stem(file)),
            (_, ["src", "bin", ..]) => false,
            (Target::Aside(name), [kind, file, ..])
                if matches!(*kind, "tests" | "benches" | "examples") =>
            {
                // (`tests/common/mod.rs` is reached through the test's `mod common;`.)
                named(name).contains(&stem(file))
            }
            (_, [kind, ..]) if matches!(*kind, "tests" | "benches" | "examples") => false,
            // (`src/main.rs` is the binary named after the package.)
            (Target::Lib | Target::Aside(_), ["src", "main.rs"]) => false,
            _ => true,
        }
    }
}

/// A crate's name as files spell it: `CARGO_CRATE_NAME` has `_` where the file may have `-`.
fn named(name: &str) -> Vec<String> {
    vec![name.to_string(), name.replace('_', "-")]
}

/// Whether `name` is the library's crate name (the package's name, `-` as `_`).
fn is_lib(dir: &Path, name: &str) -> bool {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let package = super::manifest::package_name(&manifest).unwrap_or_default();
    dir.join("src").join("lib.rs").is_file() && package.replace('-', "_") == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_reads_its_own_files_only() {
        let bin = Target::Bin("server".into());
        assert!(bin.includes(Path::new("src/bin/server.rs")));
        assert!(bin.includes(Path::new("src/bin/server/conn.rs")));
        assert!(!bin.includes(Path::new("src/bin/client.rs")));
        assert!(bin.includes(Path::new("src/lib.rs")));
        assert!(!bin.includes(Path::new("tests/it.rs")));
        assert!(bin.includes(Path::new("examples/server.rs")));
        assert!(!bin.includes(Path::new("examples/client.rs")));
        let lib = Target::Lib;
        assert!(lib.includes(Path::new("src/net/mod.rs")));
        assert!(!lib.includes(Path::new("src/main.rs")));
        assert!(!lib.includes(Path::new("examples/demo.rs")));
        let test = Target::Aside("it".into());
        assert!(test.includes(Path::new("tests/it.rs")));
        assert!(!test.includes(Path::new("tests/other.rs")));
        assert!(test.includes(Path::new("src/lib.rs")));
        assert!(Target::All.includes(Path::new("src/bin/client.rs")));
    }
}
