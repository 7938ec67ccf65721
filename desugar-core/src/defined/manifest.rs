//! The edition a package's `Cargo.toml` declares: closures and `async` blocks capture whole
//! locals before edition 2021, the places they name from it on.

use std::path::Path;

/// The edition of the package in `dir`, or of its workspace where it inherits it
/// (`edition.workspace = true`); 2015 where the manifest names none, as cargo's default.
pub(super) fn edition(dir: &Path) -> Option<u16> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    match value(&manifest, "package", "edition") {
        Some(Value::Year(year)) => Some(year),
        Some(Value::Inherited) => dir.ancestors().find_map(|dir| {
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
            match value(&manifest, "workspace.package", "edition")? {
                Value::Year(year) => Some(year),
                Value::Inherited => None,
            }
        }),
        None => Some(2015),
    }
}

#[derive(Debug, PartialEq)]
enum Value {
    Year(u16),
    Inherited,
}

/// `key`'s value in table `table` of a TOML manifest: a year (`edition = "2021"`) or the
/// workspace's (`edition.workspace = true`, `edition = { workspace = true }`).
fn value(manifest: &str, table: &str, key: &str) -> Option<Value> {
    let (name, rest) = entry(manifest, table, key)?;
    if name != key || rest.contains("workspace") {
        return Some(Value::Inherited);
    }
    rest.trim_matches(['"', '\'']).parse().ok().map(Value::Year)
}

/// The package's name as its manifest declares it (`[package] name = ".."`).
pub(super) fn package_name(manifest: &str) -> Option<String> {
    let (_, rest) = entry(manifest, "package", "name")?;
    Some(rest.trim_matches(['"', '\'']).to_string())
}

/// The file of the binary `bin` where a `[[bin]]` table gives it a `path`
/// (`name = "app"`, `path = "src/bin/server.rs"`).
pub(super) fn bin_path(manifest: &str, bin: &str) -> Option<String> {
    let unquote = |v: &str| v.trim().trim_matches(['"', '\'']).to_string();
    let (mut name, mut path) = (None, None);
    let mut in_bin = false;
    for line in manifest
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
    {
        if line.starts_with('[') {
            if in_bin && name.as_deref() == Some(bin) && path.is_some() {
                return path;
            }
            in_bin = line == "[[bin]]";
            (name, path) = (None, None);
        } else if in_bin && let Some((key, value)) = line.split_once('=') {
            match key.trim() {
                "name" => name = Some(unquote(value)),
                "path" => path = Some(unquote(value)),
                _ => {}
            }
        }
    }
    (in_bin && name.as_deref() == Some(bin))
        .then_some(path)
        .flatten()
}

/// The line of `key` (or `key.workspace`) in table `table`: its name and what follows `=`.
/// Cargo's manifests write these on one line; a full TOML parser would be a dependency for them.
fn entry<'a>(manifest: &'a str, table: &str, key: &str) -> Option<(&'a str, &'a str)> {
    let mut current = "";
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if let Some(header) = line.strip_prefix('[') {
            current = header.trim_end_matches(']').trim();
            continue;
        }
        if current != table {
            continue;
        }
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let (name, rest) = (name.trim(), rest.trim());
        if name == key || name == format!("{key}.workspace") {
            return Some((name, rest));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_binary_s_path() {
        let manifest = "[package]\nname = \"a\"\n[[bin]]\nname = \"app\"\npath = \"src/bin/server.rs\"\n\
                        [[bin]]\nname = \"cli\"\n[dependencies]\n";
        assert_eq!(
            bin_path(manifest, "app").as_deref(),
            Some("src/bin/server.rs")
        );
        assert_eq!(bin_path(manifest, "cli"), None);
        assert_eq!(bin_path(manifest, "server"), None);
        let last = "[[bin]]\npath = 'src/tool.rs' # the tool\nname = 'tool'\n";
        assert_eq!(bin_path(last, "tool").as_deref(), Some("src/tool.rs"));
    }

    #[test]
    fn reads_the_edition_or_its_inheritance() {
        let package = "[package]\nname = \"a\"\nedition = \"2018\" # old\n[dependencies]\n";
        assert_eq!(
            value(package, "package", "edition"),
            Some(Value::Year(2018))
        );
        let inherits = "[package]\nedition.workspace = true\n";
        assert_eq!(
            value(inherits, "package", "edition"),
            Some(Value::Inherited)
        );
        let table = "[package]\nedition = { workspace = true }\n";
        assert_eq!(value(table, "package", "edition"), Some(Value::Inherited));
        let workspace = "[workspace]\nmembers = []\n[workspace.package]\nedition = \"2024\"\n";
        assert_eq!(
            value(workspace, "workspace.package", "edition"),
            Some(Value::Year(2024))
        );
        assert_eq!(
            value("[dependencies]\nedition = \"2021\"\n", "package", "edition"),
            None
        );
    }
}
