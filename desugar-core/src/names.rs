//! Names in the expansion: the fixed generated identifiers (hygienic: user code cannot see or
//! shadow them) and the per-function names users read — one enum variant per suspension point,
//! named after what it awaits, and one field and type parameter per kept local.

use crate::analyze::{Analysis, Join, LocalId};
use proc_macro2::Span;
use std::collections::{HashMap, HashSet};
use syn::{Expr, Ident, Lifetime};

/// A generated identifier that user code cannot refer to.
pub fn hidden(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// A generated label.
pub fn label(name: &str) -> Lifetime {
    Lifetime::new(&format!("'{name}"), Span::mixed_site())
}

/// The path of the support module.
pub fn private() -> proc_macro2::TokenStream {
    quote::quote!(::desugar::__private)
}

pub struct Names {
    /// The state enum: named after the function (`FetchDataState`), unless the function
    /// mentions that name.
    pub state_enum: Ident,
    /// Per suspension point: its variant (and the type parameter of its awaited future).
    pub variants: Vec<Ident>,
    /// Per local: its field in the states that keep it.
    pub fields: Vec<Ident>,
    /// Per local: the type parameter standing for its type.
    pub local_params: Vec<Ident>,
}

/// Reserved state names.
const RESERVED: [&str; 4] = ["Start", "Done", "Panicked", "Self"];

/// `type_names`: capitalized identifiers the function mentions, which the type parameters of
/// locals must not look like.
pub fn assign(a: &Analysis, function: &Ident, type_names: &[String]) -> Names {
    let base: Vec<String> = a
        .points
        .iter()
        .map(|p| match p.join {
            Some(Join::After(kind)) => format!("After{}", camel_case(kind)),
            Some(Join::LoopHead) => "Iteration".to_string(),
            None => p.named.clone().unwrap_or_else(|| awaited_name(&p.operand)),
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for name in &base {
        *counts.entry(name).or_default() += 1;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let variants: Vec<Ident> = base
        .iter()
        .map(|name| {
            let clash = counts[name.as_str()] > 1 || RESERVED.contains(&name.as_str());
            let n = seen.entry(name).or_default();
            *n += 1;
            if clash {
                Ident::new(&format!("{name}{n}"), Span::call_site())
            } else {
                Ident::new(name, Span::call_site())
            }
        })
        .collect();

    let mut taken: HashSet<String> = variants.iter().map(Ident::to_string).collect();
    taken.extend(RESERVED.iter().map(|s| s.to_string()));
    taken.extend(type_names.iter().cloned());
    let function = function.to_string();
    let state_enum = unique(
        &format!("{}State", camel_case(function.trim_start_matches("r#"))),
        &taken,
        "",
    );
    taken.insert(state_enum.clone());
    let type_names: HashSet<&str> = type_names.iter().map(String::as_str).collect();
    let mut field_names: HashSet<String> = HashSet::new();
    let mut fields = Vec::new();
    let mut local_params = Vec::new();
    for (id, local) in a.locals.iter().enumerate() {
        let raw = local.ident.to_string();
        let raw = raw.trim_start_matches("r#");
        let field = unique(
            if raw == "self" { "__self" } else { raw },
            &field_names,
            "_",
        );
        field_names.insert(field.clone());
        fields.push(if raw == "self" {
            hidden("__self")
        } else if field == raw {
            local.ident.clone()
        } else {
            Ident::new(&field, local.ident.span())
        });
        let camel = if raw == "self" {
            "This".to_string()
        } else {
            camel_case(&field)
        };
        let camel = if type_names.contains(camel.as_str()) {
            format!("{camel}Ty")
        } else {
            camel
        };
        let param = unique(&camel, &taken, "");
        taken.insert(param.clone());
        local_params.push(Ident::new(&param, Span::call_site()));
        let _: LocalId = id;
    }
    Names {
        // Hygienic like `__state` would be, but local items are not: the name is one the
        // function does not mention.
        state_enum: Ident::new(&state_enum, Span::mixed_site()),
        variants,
        fields,
        local_params,
    }
}

fn unique(name: &str, taken: &HashSet<String>, sep: &str) -> String {
    if !taken.contains(name) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name}{sep}{n}"))
        .find(|c| !taken.contains(c))
        .expect("an unused name")
}

/// `read_to_end` -> `ReadToEnd`.
pub fn camel_case(name: &str) -> String {
    let out: String = name
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("L{out}")
    } else {
        out
    }
}

/// The name of the call an `.await` waits for: `client.get(url)` -> `Get`.
fn awaited_name(expr: &Expr) -> String {
    let ident = match expr {
        Expr::MethodCall(m) => Some(m.method.to_string()),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            other => return awaited_name(other),
        },
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => Some(i.to_string()),
            syn::Member::Unnamed(_) => None,
        },
        Expr::Paren(p) => return awaited_name(&p.expr),
        Expr::Reference(r) => return awaited_name(&r.expr),
        Expr::Group(g) => return awaited_name(&g.expr),
        _ => None,
    };
    match ident {
        Some(i) => camel_case(i.trim_start_matches("r#")),
        None => "Await".to_string(),
    }
}

impl Names {
    /// The state field and local holding the drop guard of a local in a slot.
    pub fn guard_field(&self, id: LocalId) -> Ident {
        hidden(&format!(
            "__drop_{}",
            self.fields[id].to_string().trim_start_matches("__")
        ))
    }

    /// The type parameter standing for that guard's type.
    pub fn guard_param(&self, id: LocalId) -> Ident {
        Ident::new(&format!("{}Drop", self.local_params[id]), Span::call_site())
    }

    /// The state before the first poll.
    pub fn start_variant(&self) -> Ident {
        Ident::new("Start", Span::call_site())
    }
}
