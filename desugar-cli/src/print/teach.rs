//! `--teach`: the picture of the article the project grew from ("your async fn becomes an enum
//! with a `poll` method"), drawn for a real function from the same analysis as its expansion: a
//! state enum named after the function with a variant per `.await` holding what that state
//! keeps, and a `poll` whose `match` has an arm per state saying what runs, where it returns
//! `Pending` and which state comes next. Pinning, slots' plumbing, lints and lifetimes the
//! expansion needs are left out; types the source does not write are `_`.

use desugar_core::explain::{FnInfo, Held, Next, StateInfo};
use std::fmt::Write;
use syn::visit_mut::VisitMut;

/// What heads the output: what this is, and where the real code is.
pub fn header(path: &str) -> String {
    let text = format!(
        "A simplified picture of the future each async fn returns, drawn from the same analysis \
         as its expansion: its states and what each keeps. Pinning and the expansion's plumbing \
         are left out; `_` is a type the source does not write. What really runs: `desugar \
         {path}` (the expansion), `desugar --explain {path}` (a table)."
    );
    super::wrap(&text, 97)
        .into_iter()
        .map(|line| format!("// {line}\n"))
        .collect()
}

/// The picture of one function; `source` is the text of its file, for the lines each step runs.
pub fn picture(f: &FnInfo, path: &str, source: &str) -> String {
    let names = Names::new(f);
    let mut out = String::new();
    let _ = writeln!(out, "\n// {} ({path}:{})", f.name, f.line);
    let whose = match f.async_block {
        Some(line) => {
            let captures: Vec<String> = f
                .sig
                .inputs
                .iter()
                .enumerate()
                .map(|(i, input)| argument_name(i, input))
                .collect();
            let _ = writeln!(
                out,
                "// the `async` block at line {line}, capturing {}",
                if captures.is_empty() {
                    "nothing".to_string()
                } else {
                    quoted(&captures)
                }
            );
            format!("The `async` block at line {line}, as a future")
        }
        None => {
            let _ = writeln!(out, "// {}", signature(f));
            format!("The future `{}` returns", f.sig.ident)
        }
    };
    let doc = format!("{whose}: one state per `.await`, each holding what lives across it.");
    for line in super::wrap(&doc, 96) {
        let _ = writeln!(out, "/// {line}");
    }
    if !f.slots.is_empty() {
        let _ = writeln!(
            out,
            "/// Beside it, in slots that never move while borrowed: {}.",
            quoted(&f.slots)
        );
    }
    let _ = writeln!(out, "enum {}{} {{", names.future, names.params);
    let _ = writeln!(
        out,
        "    /// Created, not polled yet: holds {}.",
        match f.async_block {
            Some(_) => "what the block captures",
            None => "the arguments",
        }
    );
    variant(&mut out, "Start", &names.arguments);
    for state in &f.states {
        let doc = if state.join {
            format!(
                "Not an `.await`: {}; the expansion gives the join a state of its own.",
                state.awaited
            )
        } else {
            format!("Suspended at line {}: `{}`.", state.line, state.awaited)
        };
        for line in super::wrap(&doc, 92) {
            let _ = writeln!(out, "    /// {line}");
        }
        let mut fields: Vec<(String, Option<String>)> = state
            .held
            .iter()
            .map(|held| {
                let field = format!("{}: {}", field_name(held), names.ty(held.ty.as_ref()));
                (field, note(held))
            })
            .collect();
        if !state.join {
            fields.push((format!("{}: impl Future<Output = _>", names.fut), None));
        }
        variant(&mut out, &state.name, &fields);
    }
    let _ = writeln!(
        out,
        "    /// Returned `Poll::Ready`: polling again panics.\n    Done,"
    );
    let _ = writeln!(
        out,
        "    /// A poll panicked: polling again panics.\n    Panicked,\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl{} Future for {}{} {{",
        names.params, names.future, names.args
    );
    let _ = writeln!(out, "    type Output = {};\n", names.output);
    let _ = writeln!(
        out,
        "    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {{"
    );
    let _ = writeln!(out, "        loop {{");
    let _ = writeln!(out, "            match *self {{");
    let start_pattern = f
        .sig
        .inputs
        .iter()
        .enumerate()
        .map(|(index, input)| argument_name(index, input))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "                Self::Start {{ {start_pattern} }} => {{"
    );
    runs(&mut out, &f.start_lines, source, None);
    transitions(&mut out, f, &f.start_next, &names);
    let _ = writeln!(out, "                }}");
    for state in &f.states {
        arm(&mut out, f, state, source, &names);
    }
    let _ = writeln!(
        out,
        "                Self::Done | Self::Panicked => panic!(\"`async fn` resumed after \
         completion\"),"
    );
    let _ = writeln!(out, "            }}\n        }}\n    }}\n}}");
    out
}

/// The arm of a state: poll what it awaits (a join state awaits nothing), then run on.
fn arm(out: &mut String, f: &FnInfo, state: &StateInfo, source: &str, names: &Names) {
    let mut pattern: Vec<String> = state
        .held
        .iter()
        .map(|h| field_name(h).to_string())
        .collect();
    if !state.join {
        pattern.push(names.fut.clone());
    }
    let _ = writeln!(
        out,
        "                Self::{} {{ {} }} => {{",
        state.name,
        pattern.join(", ")
    );
    let value = if state.join {
        None
    } else {
        let _ = writeln!(
            out,
            "                    let output = match {}.poll(cx) {{\n\
             \x20                       Poll::Ready(output) => output,\n\
             \x20                       // Not ready: suspended in `{}`, polled again when woken.\n\
             \x20                       Poll::Pending => return Poll::Pending,\n\
             \x20                   }};",
            names.fut, state.name
        );
        Some(state.awaited.trim_end_matches('?'))
    };
    runs(out, &state.lines, source, value);
    transitions(out, f, &state.next, names);
    let _ = writeln!(out, "                }}");
}

/// Where control goes next: the state it enters, building the future that state awaits, or
/// `Done` with the body's value; several, by the path taken.
fn transitions(out: &mut String, f: &FnInfo, next: &[Next], names: &Names) {
    let indent = if next.len() > 1 {
        "                        "
    } else {
        "                    "
    };
    for (i, step) in next.iter().enumerate() {
        if next.len() > 1 {
            let branch = if i == 0 { "if" } else { "} else if" };
            let to = match step {
                Next::State(p) => format!("reaches_line({})", f.states[*p].line),
                Next::Done => "returns".to_string(),
            };
            if i + 1 == next.len() {
                let _ = writeln!(out, "                    }} else {{ // {to}");
            } else {
                let _ = writeln!(out, "                    {branch} {to} {{");
            }
        }
        match step {
            Next::State(p) => {
                let state = &f.states[*p];
                let mut fields: Vec<String> = state
                    .held
                    .iter()
                    .map(|h| field_name(h).to_string())
                    .collect();
                if !state.join {
                    fields.push(format!("{}: {}", names.fut, expression(&state.operand)));
                }
                let _ = writeln!(
                    out,
                    "{indent}*self = Self::{} {{ {} }};",
                    state.name,
                    fields.join(", ")
                );
            }
            Next::Done => {
                let _ = writeln!(
                    out,
                    "{indent}*self = Self::Done;\n\
                     {indent}return Poll::Ready(/* the body's value: its end, a `return` or a \
                     `?` */);"
                );
            }
        }
    }
    if next.len() > 1 {
        let _ = writeln!(out, "                    }}");
    }
}

/// The source lines a step runs, quoted; `value`: the `.await` whose output it resumes with.
fn runs(out: &mut String, lines: &[usize], source: &str, value: Option<&str>) {
    const MOST: usize = 12;
    let text: Vec<&str> = source.lines().collect();
    let shown: Vec<usize> = lines
        .iter()
        .copied()
        .filter(|&l| l >= 1 && l <= text.len())
        .collect();
    if shown.is_empty() {
        return;
    }
    match value {
        Some(awaited) => {
            let _ = writeln!(
                out,
                "                    // Runs on, with `output` as the value of `{awaited}`:"
            );
        }
        None => {
            let _ = writeln!(out, "                    // Runs:");
        }
    }
    let width = shown.last().map_or(1, |l| l.to_string().len());
    let mut previous = None;
    for (i, &l) in shown.iter().enumerate() {
        if i == MOST - 1 && shown.len() > MOST {
            let _ = writeln!(
                out,
                "                    //   ... {} more lines, to line {}",
                shown.len() - i,
                shown[shown.len() - 1]
            );
            break;
        }
        if previous.is_some_and(|p| p + 1 != l) {
            let _ = writeln!(out, "                    //   {:width$} |", "");
        }
        let _ = writeln!(
            out,
            "                    //   {l:>width$} | {}",
            text[l - 1].trim_end()
        );
        previous = Some(l);
    }
}

/// `Name { a: A, b: B },` on one line if it fits and no field has a note, else one per line.
fn variant(out: &mut String, name: &str, fields: &[(String, Option<String>)]) {
    let line: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    let line = format!("    {name} {{ {} }},", line.join(", "));
    if line.len() <= 100 && fields.iter().all(|(_, note)| note.is_none()) {
        let _ = writeln!(out, "{line}");
        return;
    }
    let _ = writeln!(out, "    {name} {{");
    for (field, note) in fields {
        if let Some(note) = note {
            for line in super::wrap(note, 88) {
                let _ = writeln!(out, "        /// {line}");
            }
        }
        let _ = writeln!(out, "        {field},");
    }
    let _ = writeln!(out, "    }},");
}

/// What a field's comment says: that the awaited future borrows it, or what a hidden local is.
fn note(held: &Held) -> Option<String> {
    if let Some(why) = held.in_slot {
        return Some(format!(
            "In a slot beside the enum, which the state owns, as {why}."
        ));
    }
    if held.field != held.ident && held.ident != "self" {
        return Some(format!(
            "The `{}` declared at line {} (the function has another `{}`).",
            held.ident, held.line, held.ident
        ));
    }
    match (&held.what, held.in_place) {
        (Some(what), true) => Some(format!("{}; the awaited future borrows it.", upper(what))),
        (Some(what), false) => Some(format!("{}.", upper(what))),
        (None, true) => Some("Kept in place: the awaited future borrows it.".to_string()),
        (None, false) => None,
    }
}

/// The names and types the picture writes, with elided lifetimes named `'a`.
struct Names {
    future: String,
    /// `<'a, T: Display>` or empty.
    params: String,
    /// `<'a, T>` or empty.
    args: String,
    /// `Start`'s fields, with what a pattern argument destructures to.
    arguments: Vec<(String, Option<String>)>,
    output: String,
    /// The awaited future's field: `fut`, unless a local has that name.
    fut: String,
    self_type: Option<String>,
}

impl Names {
    fn new(f: &FnInfo) -> Self {
        let self_type = f
            .name
            .rsplit_once("::")
            .map(|(ty, _)| ty.rsplit("::").next().unwrap_or(ty).to_string())
            // (`impl dyn Trait + Send` keeps `Self`.)
            .filter(|ty| f.async_block.is_none() && syn::parse_str::<syn::Ident>(ty).is_ok());
        let future = match f.async_block {
            Some(line) => format!("AsyncBlockAtLine{line}Future"),
            None => format!("{}Future", camel(&f.sig.ident.to_string())),
        };
        let mut names = Names {
            future,
            params: String::new(),
            args: String::new(),
            arguments: Vec::new(),
            output: String::new(),
            fut: "fut".to_string(),
            self_type,
        };
        let mut elided = false;
        for (index, input) in f.sig.inputs.iter().enumerate() {
            let (ty, note) = match input {
                syn::FnArg::Receiver(r) => ((*r.ty).clone(), None),
                syn::FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(_) => ((*t.ty).clone(), None),
                    pat => {
                        let pat = quote::ToTokens::to_token_stream(pat).to_string();
                        let note = format!("The argument `{pat}`, destructured when first polled.");
                        ((*t.ty).clone(), Some(note))
                    }
                },
            };
            let (ty, e) = names.named(ty);
            elided |= e;
            let field = format!("{}: {ty}", argument_name(index, input));
            names.arguments.push((field, note));
        }
        names.output = match &f.sig.output {
            syn::ReturnType::Default => "()".to_string(),
            syn::ReturnType::Type(_, ty) => {
                let (ty, e) = names.named((**ty).clone());
                elided |= e;
                ty
            }
        };
        for state in &f.states {
            for held in &state.held {
                if let Some(ty) = &held.ty {
                    elided |= names.named(ty.clone()).1;
                }
                if held.ident == names.fut {
                    names.fut = "__fut".to_string();
                }
            }
        }
        let mut params: Vec<String> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if elided {
            params.push("'a".into());
            args.push("'a".into());
        }
        for param in &f.sig.generics.params {
            params.push(quote::ToTokens::to_token_stream(param).to_string());
            args.push(match param {
                syn::GenericParam::Lifetime(l) => l.lifetime.to_string(),
                syn::GenericParam::Type(t) => t.ident.to_string(),
                syn::GenericParam::Const(c) => c.ident.to_string(),
            });
        }
        if !params.is_empty() {
            names.params = format!("<{}>", params.join(", "));
            names.args = format!("<{}>", args.join(", "));
        }
        names
    }

    /// A kept local's type, or `_`.
    fn ty(&self, ty: Option<&syn::Type>) -> String {
        ty.map_or_else(|| "_".to_string(), |ty| self.named(ty.clone()).0)
    }

    /// `ty` as the picture writes it: elided lifetimes named `'a` (and whether there were any),
    /// `Self` replaced by the impl's type.
    fn named(&self, mut ty: syn::Type) -> (String, bool) {
        let mut namer = Lifetimes {
            elided: false,
            self_type: self.self_type.as_deref(),
        };
        namer.visit_type_mut(&mut ty);
        (type_text(&ty), namer.elided)
    }
}

/// Names elided lifetimes `'a` and `Self` the impl's type.
struct Lifetimes<'n> {
    elided: bool,
    self_type: Option<&'n str>,
}

impl VisitMut for Lifetimes<'_> {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(syn::parse_quote!('a));
            self.elided = true;
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }

    fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
        if l.ident == "_" {
            *l = syn::parse_quote!('a);
            self.elided = true;
        }
    }

    fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
        if let (Some(ty), true) = (self.self_type, p.qself.is_none() && p.path.is_ident("Self")) {
            p.path = syn::Ident::new(ty, proc_macro2::Span::call_site()).into();
        }
        syn::visit_mut::visit_type_path_mut(self, p);
    }
}

/// What the picture calls `self` where it is a field (a keyword cannot be one).
const SELF: &str = "self_";

/// A kept local's name as a field.
fn field_name(held: &Held) -> &str {
    match held.field.as_str() {
        "__self" => SELF,
        name => name,
    }
}

/// `self_`, the parameter's name, or for a pattern the name the expansion gives it.
fn argument_name(index: usize, input: &syn::FnArg) -> String {
    match input {
        syn::FnArg::Receiver(_) => SELF.to_string(),
        syn::FnArg::Typed(t) => match &*t.pat {
            syn::Pat::Ident(p) => p.ident.to_string(),
            _ => desugar_core::explain::arg_ident(index).to_string(),
        },
    }
}

/// `async fn name(params) -> T` as written, on one line.
fn signature(f: &FnInfo) -> String {
    let mut sig = f.sig.clone();
    sig.asyncness = Some(Default::default());
    let item: syn::ItemFn = syn::parse_quote!(#sig {});
    let text = prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![syn::Item::Fn(item)],
    });
    one_line(&text)
        .trim_end_matches('}')
        .trim_end()
        .trim_end_matches('{')
        .trim_end()
        .to_string()
}

/// Code prettyplease broke over lines, on one (string literals left as they are).
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut space) = (false, false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        // No space after an opening bracket, before a closing one, a trailing comma the line
        // breaks left (`(x,)` on one line is a tuple), or a method call.
        let after_open = out.ends_with(['(', '[']);
        if space && matches!(c, ')' | ']') && out.ends_with(',') {
            out.pop();
        }
        if space && !out.is_empty() && !after_open && !matches!(c, ')' | ']' | '.' | '?') {
            out.push(' ');
        }
        space = false;
        in_string = c == '"' && !out.ends_with('\'');
        out.push(c);
    }
    out
}

fn type_text(ty: &syn::Type) -> String {
    item_text(syn::parse_quote!(type T = #ty;), "type T = ")
}

/// What prettyplease writes of `item` on one line, `prefix` and the `;` taken off.
fn item_text(item: syn::Item, prefix: &str) -> String {
    let text = prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    });
    one_line(&text)
        .trim_start_matches(prefix)
        .trim_end_matches(';')
        .to_string()
}

/// An expression as prettyplease writes it, on one line, `self` as the picture names it.
fn expression(e: &syn::Expr) -> String {
    struct Receiver;
    impl VisitMut for Receiver {
        fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
            if p.qself.is_none() && p.path.is_ident("self") {
                p.path = syn::Ident::new(SELF, proc_macro2::Span::call_site()).into();
            }
        }
        fn visit_macro_mut(&mut self, _: &mut syn::Macro) {}
    }
    let mut e = e.clone();
    Receiver.visit_expr_mut(&mut e);
    item_text(syn::parse_quote!(const C: () = #e;), "const C: () = ")
}

/// `fetch_data` -> `FetchData`.
fn camel(name: &str) -> String {
    name.trim_start_matches("r#")
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn upper(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
