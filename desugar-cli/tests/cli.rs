//! `desugar` and `cargo desugar`, run as users run them: every flag, the exit codes, and
//! snapshots of what they print (colors off, as when piped).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `program` in `dir` with `args`, `stdin` as its input, `env` added.
fn run_in(program: &str, dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("PAGER")
        .env_remove("DESUGAR_PAGER")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("COLORTERM")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `desugar ARGS` from the workspace root.
fn desugar(args: &[&str]) -> Run {
    run_in(env!("CARGO_BIN_EXE_desugar"), &workspace(), args, &[], "")
}

fn desugar_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_in(env!("CARGO_BIN_EXE_desugar"), &workspace(), args, env, "")
}

/// `cargo desugar ARGS` in `dir`, as cargo runs it.
fn cargo_desugar(dir: &Path, args: &[&str]) -> Run {
    let args = [&["desugar"], args].concat();
    run_in(env!("CARGO_BIN_EXE_cargo-desugar"), dir, &args, &[], "")
}

const EXAMPLE: &str = "examples/fetch_data.rs";
/// Where an expansion builds its future: one per state machine.
const MACHINE: &str = "::desugar::__private::machine(";
const CANNOT: &str = "desugar-cli/tests/fixtures/cannot.rs";
const PATHS: &str = "desugar-cli/tests/fixtures/paths.rs";

#[test]
fn expands_the_example() {
    let run = desugar(&[EXAMPLE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.contains("enum FetchDataState<Get, Text"));
    assert!(!run.stdout.contains("async fn fetch_data("));
    assert!(!run.stdout.contains("__desugar_comment"));
    // The rest of the file is printed too.
    assert!(run.stdout.contains("async fn fetch_data_native"));
    let only = desugar(&[EXAMPLE, "--fn", "fetch_data"]);
    assert_eq!(only.code, 0);
    insta::assert_snapshot!("example_fn", only.stdout);
}

#[test]
fn expands_a_trait_s_default_method() {
    let source = "trait Storage: Sized {\n    async fn get(&self) -> u8;\n    #[desugar]\n    \
                  async fn twice(&self) -> u8 {\n        self.get().await + self.get().await\n    }\n}\n";
    let run = run_in(
        env!("CARGO_BIN_EXE_desugar"),
        &workspace(),
        &["-"],
        &[],
        source,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("fn twice<'life0>(&'life0 self) -> impl ::core::future::Future<Output = u8>")
    );
    assert!(run.stdout.contains("enum TwiceState<"), "{}", run.stdout);
    assert!(run.stdout.contains("async fn get(&self) -> u8;"));
}

#[test]
fn reads_standard_input() {
    let source = std::fs::read_to_string(workspace().join(EXAMPLE)).unwrap();
    let from_stdin = run_in(
        env!("CARGO_BIN_EXE_desugar"),
        &workspace(),
        &["-", "--fn", "fetch_data"],
        &[],
        &source,
    );
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    assert_eq!(
        from_stdin.stdout,
        desugar(&[EXAMPLE, "--fn", "fetch_data"]).stdout
    );
    let broken = run_in(
        env!("CARGO_BIN_EXE_desugar"),
        &workspace(),
        &["-"],
        &[],
        "fn f( {",
    );
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("--> <stdin>:1:"),
        "{}",
        broken.stderr
    );
}

#[test]
fn all_expands_unmarked_async_fns() {
    let marked = desugar(&[PATHS]);
    assert_eq!(marked.code, 0);
    assert!(marked.stdout.contains("pub async fn run() -> u32"));
    assert!(
        marked.stderr.contains("nothing to desugar"),
        "{}",
        marked.stderr
    );
    assert!(marked.stderr.contains("--all"), "{}", marked.stderr);
    let all = desugar(&[PATHS, "--all"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(!all.stdout.contains("async fn run"), "{}", all.stdout);
    assert!(!all.stdout.contains("async fn read"), "{}", all.stdout);
    assert_eq!(all.stdout.matches(MACHINE).count(), 3);
    assert!(all.stdout.contains("pub fn stop(&self) {}"));
}

#[test]
fn fn_selects_by_name_or_path() {
    let by_name = desugar(&[PATHS, "--all", "--fn", "run"]);
    assert_eq!(by_name.code, 0);
    assert_eq!(by_name.stdout.matches(MACHINE).count(), 2);
    assert!(!by_name.stdout.contains("stop") && !by_name.stdout.contains("use std"));

    let method = desugar(&[PATHS, "--all", "--fn", "Server::run"]);
    assert_eq!(method.stdout.matches(MACHINE).count(), 1);
    assert!(method.stdout.contains("impl Server {"), "{}", method.stdout);

    let nested = desugar(&[PATHS, "--all", "--fn", "net::Conn::read"]);
    assert_eq!(nested.code, 0);
    insta::assert_snapshot!("fn_nested_path", nested.stdout);
}

#[test]
fn fn_desugars_what_it_names_or_says_it_is_not_async() {
    // Unmarked: asked for by name, it is desugared without `--all`.
    let unmarked = desugar(&[PATHS, "--fn", "run"]);
    assert_eq!(unmarked.code, 0, "{}", unmarked.stderr);
    assert_eq!(unmarked.stdout.matches(MACHINE).count(), 2);
    assert!(
        !unmarked.stderr.contains("nothing to desugar"),
        "{}",
        unmarked.stderr
    );
    let plain = desugar(&[PATHS, "--fn", "stop"]);
    assert_eq!(plain.code, 2);
    assert_eq!(plain.stdout, "");
    assert!(
        plain.stderr.contains("`stop` is not an `async fn`"),
        "{}",
        plain.stderr
    );
    assert!(
        plain
            .stderr
            .contains("the async functions: `run`, `Server::run`, `net::Conn::read`"),
        "{}",
        plain.stderr
    );
}

#[test]
fn explain_says_what_hidden_locals_hold() {
    let run = desugar(&["desugar-cli/tests/fixtures/hidden.rs", "--explain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("__tmp0 (a temporary of line 7)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("(the value of `ready(2).await`)"),
        "{}",
        run.stdout
    );
}

#[test]
fn unknown_fn_suggests_close_names() {
    let run = desugar(&[EXAMPLE, "--fn", "fetch"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("unknown_fn", run.stderr);
    let far = desugar(&[PATHS, "--fn", "zzz"]);
    assert_eq!(far.code, 2);
    assert!(
        far.stderr.contains("the functions: `run`, `Server::run`"),
        "{}",
        far.stderr
    );
}

#[test]
fn explains_the_states() {
    let run = desugar(&[EXAMPLE, "--explain"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("explain", run.stdout);
    let guesses = desugar(&[CANNOT, "--explain", "--fn", "fine"]);
    assert!(guesses.stdout.contains("Ready"), "{}", guesses.stdout);
}

#[test]
fn teaches_with_the_articles_picture() {
    let run = desugar(&[EXAMPLE, "--teach"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for drawn in [
        "enum FetchDataFuture<'a> {",
        "impl<'a> Future for FetchDataFuture<'a> {",
        "fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {",
        "Poll::Pending => return Poll::Pending,",
        "*self = Self::Text { fut: response.text() };",
        // The loop of `fetch_all` comes back to its state or leaves it for the join.
        "*self = Self::FetchData { client, pages, __iter0, fut: fetch_data(client, url) };",
        "*self = Self::AfterFor { pages };",
    ] {
        assert!(run.stdout.contains(drawn), "{drawn}\n{}", run.stdout);
    }
    // It is Rust a reader can paste into an editor: it parses.
    syn::parse_file(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));
    insta::assert_snapshot!("teach", run.stdout);
    let wrong = desugar(&[EXAMPLE, "--teach", "--explain"]);
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
}

#[test]
fn draws_the_state_diagram() {
    let dot = desugar(&[EXAMPLE, "--graph", "dot"]);
    assert_eq!(dot.code, 0, "{}", dot.stderr);
    for edge in [
        "f0_start -> f0_s0;",
        // `?` on the first `.await` returns early.
        "f0_s0 -> f0_done;",
        // The loop of `fetch_all` comes back to its `.await`, and leaves for the join.
        "f1_s0 -> f1_s0;",
        "f1_s0 -> f1_s1;",
    ] {
        assert!(dot.stdout.contains(edge), "{edge}\n{}", dot.stdout);
    }
    insta::assert_snapshot!("graph_dot", dot.stdout);
    let svg = desugar(&[EXAMPLE, "--graph", "svg"]);
    assert_eq!(svg.code, 0, "{}", svg.stderr);
    assert!(svg.stdout.contains("<svg"), "{}", svg.stdout);
    for label in [
        "Get",
        "Text",
        "FetchData",
        "AfterFor",
        "line 13: client.get(url).await?",
    ] {
        assert!(
            svg.stdout.contains(&format!(">{label}</tspan>")),
            "{label}\n{}",
            svg.stdout
        );
    }
}

/// `cargo desugar --sizes` on a crate whose layouts are known: the sizes are those
/// `size_of_val` gives, each state says what it holds, at which `.await`.
#[test]
fn sizes_match_size_of_val() {
    let dir = fixtures().join("sizes");
    // Shared by the runs of this test: the fixture's dependencies are built once.
    let target = workspace().join("target/fixtures");
    let target = target.to_str().unwrap();
    let env = [("CARGO_TARGET_DIR", target)];
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let measured = run_in(&cargo, &dir, &["run", "-q"], &env, "");
    assert_eq!(measured.code, 0, "{}", measured.stderr);
    let run = run_in(
        env!("CARGO_BIN_EXE_cargo-desugar"),
        &dir,
        &["desugar", "--sizes", "--format", "json"],
        &env,
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let function = |name: &str| {
        report["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {}", run.stdout))
            .clone()
    };
    for line in measured.stdout.lines() {
        let (name, size) = line.split_once(' ').unwrap();
        let f = function(name);
        let built = if f["desugared"].is_null() {
            &f["native"]
        } else {
            &f["desugared"]
        };
        assert_eq!(built["bytes"].to_string(), size, "{name}: {}", run.stdout);
    }
    let suspended = &function("holds_array")["native"]["states"][1];
    assert_eq!(suspended["awaits"], "tick().await", "{suspended}");
    assert_eq!(suspended["line"], 29);
    assert_eq!(suspended["holds"][0]["what"], "big");
    assert_eq!(suspended["holds"][0]["bytes"], 1000);
    let twice = &function("argument_twice")["native"]["states"][1]["stored_twice"];
    assert_eq!(twice[0], "label", "{twice}");
    let desugared = function("desugared");
    assert!(!desugared["native"].is_null() && !desugared["desugared"].is_null());
    let generic = function("generic");
    assert!(generic["native"].is_null() && generic["desugared"].is_null());
    let text = run_in(
        env!("CARGO_BIN_EXE_cargo-desugar"),
        &dir,
        &["desugar", "--sizes"],
        &env,
        "",
    );
    insta::assert_snapshot!("sizes", text.stdout);
    let limited = run_in(
        env!("CARGO_BIN_EXE_cargo-desugar"),
        &dir,
        &["desugar", "--sizes", "--max-size", "500"],
        &env,
        "",
    );
    assert_eq!(limited.code, 1, "{}", limited.stderr);
    assert!(
        limited.stderr.contains("holds_array") && limited.stderr.contains("big 1000"),
        "{}",
        limited.stderr
    );
}

/// `cargo desugar --check` builds the crate: a function the analysis accepts but whose
/// expansion rustc rejects is reported as that function's error, never as "all can be
/// desugared".
#[test]
fn cargo_check_reports_expansions_that_do_not_compile() {
    let dir = fixtures().join("builds");
    let run = cargo_desugar(&dir, &["--check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "`wrong_guess` (src/lib.rs:19) can be desugared, but its expansion does not compile"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error[E0507]"), "{}", run.stderr);
    assert!(!run.stderr.contains("`fine`"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`cargo check` found 1 error(s), in 1 desugared function(s)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// Fitted to a terminal of 80 columns (`COLUMNS`), the table and the side-by-side view cut
/// nothing: the states become lines of their own, the panes are stacked.
#[test]
fn fits_a_narrow_terminal() {
    let narrow = [("COLUMNS", "80")];
    let explain = desugar_env(&[EXAMPLE, "--explain"], &narrow);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    for line in explain.stdout.lines() {
        assert!(line.chars().count() <= 80, "{line}\n{}", explain.stdout);
    }
    for kept in [
        "client, pages, __iter0 (the iterator of the `for` at line 22)",
        "client, pages",
    ] {
        assert!(explain.stdout.contains(kept), "{kept}\n{}", explain.stdout);
    }
    let wide = desugar(&[EXAMPLE, "--side-by-side"]);
    assert!(wide.stdout.contains(" │ "));
    let stacked = desugar_env(&[EXAMPLE, "--side-by-side"], &narrow);
    assert!(!stacked.stdout.contains(" │ "), "{}", stacked.stdout);
    // Every line of both panes is there, whole.
    for line in wide.stdout.lines().filter_map(|l| l.split(" │ ").nth(1)) {
        assert!(stacked.stdout.contains(line.trim_end()), "{line}");
    }
}

#[test]
fn json_gives_the_same_data() {
    let run = desugar(&[EXAMPLE, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let f = &json["functions"][0];
    assert_eq!(f["name"], "fetch_data");
    assert_eq!(f["file"], EXAMPLE);
    let get = &f["states"][0];
    assert_eq!(get["name"], "Get");
    assert_eq!(get["awaits"], "client.get(url).await?");
    // (Where the `.await` is.)
    assert_eq!(
        (get["line"].as_u64(), get["column"].as_u64()),
        (Some(13), Some(35))
    );
    assert_eq!(f["states"][1]["name"], "Text");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));

    let failing = desugar(&[CANNOT, "--format", "json"]);
    assert_eq!(failing.code, 1);
    let json: serde_json::Value = serde_json::from_str(&failing.stdout).unwrap();
    assert_eq!(json["functions"][0]["name"], "fine");
    let messages = json["diagnostics"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0]["line"], 4);
    assert_eq!(messages[0]["severity"], "error");
}

#[test]
fn says_which_states_resume_in_place() {
    let path = fixtures().join("in_place.rs");
    let path = path.to_str().unwrap();
    let text = desugar(&[path, "--explain"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_eq!(
        text.stdout.matches("resumes in place").count(),
        1,
        "{}",
        text.stdout
    );
    let json = desugar(&[path, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let resumes = |f: usize| json["functions"][f]["states"][0]["resumes_in_place"].clone();
    assert_eq!(json["functions"][0]["name"], "sum");
    assert_eq!(resumes(0), true);
    assert_eq!(json["functions"][1]["name"], "lengths");
    assert_eq!(resumes(1), false);
}

#[test]
fn side_by_side_marks_the_suspension_points() {
    let run = desugar(&[EXAMPLE, "--side-by-side"]);
    assert_eq!(run.code, 0);
    let get = run
        .stdout
        .lines()
        .find(|l| l.contains("◀ Get"))
        .expect("a marked line");
    assert!(get.starts_with("13 "), "{get}");
    insta::assert_snapshot!("side_by_side", run.stdout);
    assert_eq!(desugar(&[EXAMPLE, "--diff"]).stdout, run.stdout);
}

#[test]
fn check_reports_what_cannot_be_desugared() {
    let ok = desugar(&[EXAMPLE, "--check"]);
    assert_eq!(ok.code, 0);
    assert_eq!(ok.stdout, "");
    assert_eq!(
        ok.stderr,
        "checked 2 function(s) in 1 file: all can be desugared\n"
    );

    let bad = desugar(&[CANNOT, "--check"]);
    assert_eq!(bad.code, 1);
    assert_eq!(bad.stdout, "");
    insta::assert_snapshot!("check_failures", bad.stderr);

    let selected = desugar(&[CANNOT, "--check", "--fn", "fine"]);
    assert_eq!(
        selected.code, 0,
        "only `fine` is checked: {}",
        selected.stderr
    );
}

#[test]
fn expansion_goes_on_past_a_function_it_cannot_desugar() {
    let run = desugar(&[CANNOT]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("enum FineState<Ready"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("async fn printed"), "left as it was");
    assert!(
        run.stderr
            .contains("--> desugar-cli/tests/fixtures/cannot.rs:4:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_input_exits_with_2() {
    let missing = desugar(&["no/such/file.rs"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read no/such/file.rs"),
        "{}",
        missing.stderr
    );

    let invalid = desugar(&["desugar-cli/tests/fixtures/invalid.rs"]);
    assert_eq!(invalid.code, 2);
    insta::assert_snapshot!("invalid_rust", invalid.stderr);

    let flag = desugar(&[EXAMPLE, "--color", "sometimes"]);
    assert_eq!(flag.code, 2);
    let conflict = desugar(&[EXAMPLE, "--check", "--explain"]);
    assert_eq!(conflict.code, 2);
}

#[test]
fn colors_follow_the_option() {
    let never = desugar(&[EXAMPLE, "--fn", "fetch_data", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
    let auto = desugar(&[EXAMPLE, "--fn", "fetch_data"]);
    assert!(!auto.stdout.contains('\x1b'), "piped: no colors");
    let always = desugar(&[EXAMPLE, "--fn", "fetch_data", "--color", "always"]);
    assert!(
        always.stdout.contains("\x1b[38;5;"),
        "256 colors: {}",
        always.stdout
    );
    let truecolor = [("COLORTERM", "truecolor")];
    let always = desugar_env(
        &[EXAMPLE, "--fn", "fetch_data", "--color", "always"],
        &truecolor,
    );
    assert!(
        always.stdout.contains("\x1b[38;2;"),
        "24-bit: {}",
        always.stdout
    );
    let light = desugar_env(
        &[
            EXAMPLE,
            "--fn",
            "fetch_data",
            "--color",
            "always",
            "--theme",
            "InspiredGitHub",
        ],
        &truecolor,
    );
    assert_eq!(light.code, 0);
    assert_ne!(light.stdout, always.stdout);
    let unknown = desugar(&[EXAMPLE, "--theme", "no-such-theme"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("unknown theme `no-such-theme`"));
    assert!(unknown.stderr.contains("InspiredGitHub"));
    // Diagnostics are colored on the same terms.
    let bad = desugar(&[CANNOT, "--check", "--color", "always"]);
    assert!(bad.stderr.contains('\x1b'), "{}", bad.stderr);
}

#[test]
fn pages_through_the_configured_pager() {
    let pager = [("DESUGAR_PAGER", "sed s/^/paged:/")];
    let paged = desugar_env(&[EXAMPLE, "--explain", "--paging", "always"], &pager);
    assert_eq!(paged.code, 0);
    assert!(!paged.stdout.is_empty());
    assert!(
        paged.stdout.lines().all(|l| l.starts_with("paged:")),
        "{}",
        paged.stdout
    );
    let piped = desugar_env(&[EXAMPLE, "--explain"], &pager);
    assert!(
        !piped.stdout.contains("paged:"),
        "auto: no pager when piped"
    );
    let missing = desugar_env(
        &[EXAMPLE, "--explain", "--paging", "always"],
        &[("DESUGAR_PAGER", "no-such-pager-program")],
    );
    assert_eq!(missing.stdout, piped.stdout, "falls back to printing");
}

#[test]
fn cargo_desugar_expands_a_whole_crate() {
    let ws = fixtures().join("workspace");
    let app = ws.join("app");
    let explain = cargo_desugar(&app, &["--explain"]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    insta::assert_snapshot!("cargo_explain", explain.stdout);

    let crate_text = cargo_desugar(&app, &[]);
    assert_eq!(crate_text.code, 0, "{}", crate_text.stderr);
    let file = syn::parse_file(&crate_text.stdout).expect("one file of Rust");
    assert!(crate_text.stdout.contains("pub mod net {"));
    assert!(crate_text.stdout.contains("mod wire {"));
    assert!(
        crate_text.stdout.contains("pub async fn read() -> u32"),
        "unmarked"
    );
    assert_eq!(crate_text.stdout.matches(MACHINE).count(), 2);
    assert!(!file.items.is_empty());

    let all = cargo_desugar(&app, &["--all", "--check"]);
    assert_eq!(all.code, 0);
    assert_eq!(
        all.stderr,
        "checked 3 function(s) in 3 files: all can be desugared; not built: `--all` desugars \
         functions the crate does not mark `#[desugar]`\n"
    );

    let item = cargo_desugar(&app, &["net::Server::run"]);
    assert_eq!(item.code, 0, "{}", item.stderr);
    insta::assert_snapshot!("cargo_item", item.stdout);

    let close = cargo_desugar(&app, &["wire::reed", "--all"]);
    assert_eq!(close.code, 2);
    assert!(
        close.stderr.contains("`net::wire::read`"),
        "{}",
        close.stderr
    );
}

#[test]
fn cargo_desugar_chooses_the_package() {
    let ws = fixtures().join("workspace");
    let several = cargo_desugar(&ws, &["--explain"]);
    assert_eq!(several.code, 2);
    assert!(
        several.stderr.contains("choose one with `-p`"),
        "{}",
        several.stderr
    );
    assert!(several.stderr.contains("app, tool"), "{}", several.stderr);

    let by_name = cargo_desugar(&ws, &["-p", "tool", "--explain"]);
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert!(
        by_name.stdout.starts_with("work (tool/src/main.rs:1)"),
        "{}",
        by_name.stdout
    );

    let manifest = cargo_desugar(
        &workspace(),
        &[
            "--manifest-path",
            "desugar-cli/tests/fixtures/workspace/tool/Cargo.toml",
            "--explain",
        ],
    );
    assert_eq!(manifest.code, 0, "{}", manifest.stderr);
    assert!(manifest.stdout.starts_with("work ("), "{}", manifest.stdout);

    let unknown = cargo_desugar(&ws, &["-p", "nope"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("no package `nope`"),
        "{}",
        unknown.stderr
    );
    let no_bin = cargo_desugar(&ws, &["-p", "tool", "--bin", "other"]);
    assert_eq!(no_bin.code, 2);
    assert!(
        no_bin.stderr.contains("its binaries: tool"),
        "{}",
        no_bin.stderr
    );
}

#[test]
fn says_which_macros_it_takes_to_declare_items() {
    const ITEMS: &str = "desugar-cli/tests/fixtures/items.rs";
    let guess = "`declare! { .. }` (line 8) is taken to declare items";
    let text = desugar(&[ITEMS, "--explain"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    // Under the table, not under a state: it is about the function.
    assert!(
        text.stdout.contains(&format!("\n  note: {guess}")),
        "{}",
        text.stdout
    );
    let json = desugar(&[ITEMS, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let note = json["functions"][0]["notes"][0]
        .as_str()
        .unwrap_or_default();
    assert!(note.starts_with(guess), "{json}");
    let expansion = desugar(&[ITEMS]);
    assert!(
        expansion.stdout.contains(&format!("// Guess: {guess}")),
        "{}",
        expansion.stdout
    );
}

#[test]
fn explains_the_async_blocks_of_plain_fns() {
    let path = fixtures().join("blocks.rs");
    let path = path.to_str().unwrap();
    let text = desugar(&[path, "--explain"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("fetch (the async block at line 7)"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("boxed (the async block at line 12)"),
        "{}",
        text.stdout
    );
    let check = desugar(&[path, "--check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let expansion = desugar(&[path]);
    assert_eq!(expansion.code, 0, "{}", expansion.stderr);
    assert!(
        !expansion.stdout.contains("async move"),
        "{}",
        expansion.stdout
    );
    let side = desugar(&[path, "--side-by-side"]);
    assert!(side.stdout.contains("◀ Ready"), "{}", side.stdout);
}

/// `cargo desugar --prepare` asks rustc how methods take their receivers: a crate whose
/// methods take them otherwise than their names suggest does not build desugared before (the
/// guess is checked), and builds and behaves as written after.
#[test]
fn prepare_records_what_rustc_says_about_receivers() {
    let dir = fixtures().join("prepare");
    let table = dir.join(".desugar");
    let _ = std::fs::remove_dir_all(&table);
    // (Cargo does not know the macro read the table: a build made with one is fresh without.)
    let main = std::fs::File::options()
        .append(true)
        .open(dir.join("src/main.rs"));
    main.and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .unwrap();
    let target = workspace().join("target/fixtures");
    let env = [("CARGO_TARGET_DIR", target.to_str().unwrap())];
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let guessed = run_in(&cargo, &dir, &["build", "-q"], &env, "");
    assert_ne!(guessed.code, 0);
    assert!(
        guessed
            .stderr
            .contains("desugar assumed that `send` borrows its receiver"),
        "{}",
        guessed.stderr
    );
    // The CLI prints what the macro emits: the guess, checked.
    let printed = cargo_desugar(&dir, &[]);
    assert!(
        printed.stdout.contains("assumed_borrowed"),
        "{}",
        printed.stdout
    );
    let prepare = run_in(
        env!("CARGO_BIN_EXE_cargo-desugar"),
        &dir,
        &["desugar", "--prepare"],
        &env,
        "",
    );
    assert_eq!(prepare.code, 0, "{}", prepare.stderr);
    assert!(
        prepare.stderr.contains("desugar: recorded how"),
        "{}",
        prepare.stderr
    );
    let recorded = std::fs::read_to_string(table.join("receivers")).unwrap();
    assert!(recorded.contains("file src/main.rs\n"), "{recorded}");
    assert!(recorded.contains(" send value #"), "{recorded}");
    assert!(recorded.contains(" into_len ref brief #"), "{recorded}");
    // No guess is left; what rustc said takes the receiver is still checked, in case the
    // method changed since.
    let printed = cargo_desugar(&dir, &[]);
    assert!(
        !printed.stdout.contains("assumed_borrowed"),
        "{}",
        printed.stdout
    );
    assert!(
        printed.stdout.contains("assumed_moved"),
        "{}",
        printed.stdout
    );
    // The program asserts that both copies log the same calls and drops.
    let run = run_in(&cargo, &dir, &["run", "-q"], &env, "");
    let _ = std::fs::remove_dir_all(&table);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "poll, poll, send a, drop a, poll, drop bb, -> 5\n\
         poll, poll, poll, drop bb, drop a, -> 4\n\
         poll, poll, send c, drop c, -> 1\n"
    );
}
