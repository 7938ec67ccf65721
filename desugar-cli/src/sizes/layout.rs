//! rustc's own layouts, as `-Zprint-type-sizes` prints them:
//!
//! ```text
//! print-type-size type: `{async fn body of fetch_data()}`: 184 bytes, alignment: 8 bytes
//! print-type-size     discriminant: 1 bytes
//! print-type-size     variant `Suspend0`: 183 bytes
//! print-type-size         upvar `.client`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
//! print-type-size         padding: 24 bytes
//! print-type-size         local `.big`: 100 bytes, alignment: 1 bytes
//! ```

/// One type's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeLayout {
    pub name: String,
    pub size: u64,
    /// An enum's (a future's states); a struct's fields are one unnamed variant.
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub size: u64,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub kind: PartKind,
    /// The field's name, without rustc's leading `.`; empty for padding.
    pub name: String,
    pub size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// An argument of an `async fn`, kept in every state.
    Upvar,
    /// A local kept across the `.await` (`__awaitee`: the awaited future).
    Local,
    Field,
    Padding,
}

const PREFIX: &str = "print-type-size";

/// Every type of rustc's output `text`; other lines are skipped.
pub fn parse(text: &str) -> Vec<TypeLayout> {
    let mut types: Vec<TypeLayout> = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(PREFIX) else {
            continue;
        };
        let item = rest.trim_start();
        if let Some(ty) = item.strip_prefix("type: `") {
            let Some((name, size)) = ty.rsplit_once("`: ") else {
                continue;
            };
            types.push(TypeLayout {
                name: name.to_string(),
                size: bytes(size),
                variants: Vec::new(),
            });
            continue;
        }
        let Some(ty) = types.last_mut() else { continue };
        if let Some(variant) = item.strip_prefix("variant `") {
            let Some((name, size)) = variant.split_once("`: ") else {
                continue;
            };
            ty.variants.push(Variant {
                name: name.to_string(),
                size: bytes(size),
                parts: Vec::new(),
            });
            continue;
        }
        let part = if let Some(padding) = item
            .strip_prefix("padding: ")
            .or_else(|| item.strip_prefix("end padding: "))
        {
            Part {
                kind: PartKind::Padding,
                name: String::new(),
                size: bytes(padding),
            }
        } else {
            let kinds = [
                ("upvar `", PartKind::Upvar),
                ("local `", PartKind::Local),
                ("field `", PartKind::Field),
            ];
            let Some((rest, kind)) = kinds
                .iter()
                .find_map(|(prefix, kind)| item.strip_prefix(prefix).map(|rest| (rest, *kind)))
            else {
                // The discriminant.
                continue;
            };
            let Some((name, size)) = rest.split_once("`: ") else {
                continue;
            };
            Part {
                kind,
                name: name.trim_start_matches('.').to_string(),
                size: bytes(size),
            }
        };
        // A struct's fields are indented less than a variant's: they belong to no variant.
        let in_variant = rest.starts_with("         ");
        match ty.variants.last_mut() {
            Some(variant) if in_variant => variant.parts.push(part),
            _ => {
                if ty.variants.first().is_none_or(|v| !v.name.is_empty()) {
                    ty.variants.insert(
                        0,
                        Variant {
                            name: String::new(),
                            size: ty.size,
                            parts: Vec::new(),
                        },
                    );
                }
                ty.variants[0].parts.push(part);
            }
        }
    }
    types
}

/// `184 bytes, alignment: 8 bytes` -> 184.
fn bytes(text: &str) -> u64 {
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `{async fn body of net::Server::<T>::run()}` -> `["net", "Server", "run"]`: the path of the
/// function a future type is the body of, without generic arguments; `None` for other types.
pub fn async_fn_path(type_name: &str) -> Option<Vec<String>> {
    let path = type_name
        .strip_prefix("{async fn body of ")?
        .strip_suffix("()}")?;
    Some(segments(path))
}

/// The segments of a path, generic arguments dropped and `<T as Trait>` read as `T`.
pub fn segments(path: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if plain.is_empty() => {
                // A qualified self type, `<T as Trait>::`: keep `T`.
                let mut inner = String::new();
                let mut level = 1;
                for c in chars.by_ref() {
                    match c {
                        '<' => level += 1,
                        '>' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    inner.push(c);
                }
                let ty = inner.split(" as ").next().unwrap_or(&inner);
                plain.push_str(&segments(ty).join("::"));
            }
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split("::")
        .filter(|s| !s.is_empty())
        .map(|s| s.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
print-type-size type: `{async fn body of fetch_data()}`: 184 bytes, alignment: 8 bytes
print-type-size     discriminant: 1 bytes
print-type-size     variant `Unresumed`: 24 bytes
print-type-size         upvar `.client`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size         upvar `.url`: 16 bytes
print-type-size     variant `Suspend0`: 183 bytes
print-type-size         upvar `.client`: 8 bytes, offset: 0 bytes, alignment: 8 bytes
print-type-size         padding: 24 bytes
print-type-size         local `.big`: 100 bytes, alignment: 1 bytes
print-type-size         local `.__awaitee`: 32 bytes, alignment: 8 bytes, type: {async fn body of Client::get()}
print-type-size type: `desugar::__private::Machine<f::FState<u8>, (), {closure@src/lib.rs:6:11: 6:13}>`: 152 bytes, alignment: 8 bytes
print-type-size     field `.state`: 48 bytes
print-type-size     end padding: 3 bytes
";

    #[test]
    fn reads_futures_and_structs() {
        let types = parse(OUTPUT);
        assert_eq!(types.len(), 2);
        let future = &types[0];
        assert_eq!(future.size, 184);
        assert_eq!(future.variants.len(), 2);
        let suspend = &future.variants[1];
        assert_eq!((suspend.name.as_str(), suspend.size), ("Suspend0", 183));
        let parts: Vec<(PartKind, &str, u64)> = suspend
            .parts
            .iter()
            .map(|p| (p.kind, p.name.as_str(), p.size))
            .collect();
        assert_eq!(
            parts,
            [
                (PartKind::Upvar, "client", 8),
                (PartKind::Padding, "", 24),
                (PartKind::Local, "big", 100),
                (PartKind::Local, "__awaitee", 32)
            ]
        );
        let machine = &types[1];
        assert_eq!(machine.variants.len(), 1);
        assert_eq!(machine.variants[0].parts.len(), 2);
    }

    #[test]
    fn paths_without_generics() {
        assert_eq!(
            async_fn_path("{async fn body of net::Server::<T>::run()}"),
            Some(vec!["net".into(), "Server".into(), "run".into()])
        );
        assert_eq!(
            async_fn_path("{async fn body of <S<u8> as Handler>::handle()}"),
            Some(vec!["S".into(), "handle".into()])
        );
        assert_eq!(async_fn_path("std::string::String"), None);
        assert_eq!(segments("f::FState<A, B<C>>"), ["f", "FState"]);
    }
}
