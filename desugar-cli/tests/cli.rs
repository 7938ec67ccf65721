//! The `desugar` command, run as users run it.

use std::process::Command;

fn desugar(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_desugar"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("the desugar binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn expands_the_example() {
    let (code, out, _) = desugar(&["examples/fetch_data.rs", "--fn", "fetch_data"]);
    assert_eq!(code, 0);
    assert!(out.contains("enum __State<Get, Text"), "{out}");
    assert!(out.contains("// SAFETY:"), "{out}");
    assert!(!out.contains("__desugar_comment"), "{out}");
    assert!(!out.contains("async fn fetch_data"), "{out}");
}

#[test]
fn explains_the_states() {
    let (code, out, _) = desugar(&["examples/fetch_data.rs", "--explain"]);
    assert_eq!(code, 0);
    let get = out
        .lines()
        .find(|l| l.trim_start().starts_with("Get "))
        .expect("a Get row");
    assert!(
        get.contains("13:20") && get.contains("client.get(url).await?"),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("Text ")),
        "{out}"
    );
}

#[test]
fn reports_bad_input_with_exit_code_2() {
    let (code, _, err) = desugar(&["no/such/file.rs"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read no/such/file.rs"), "{err}");

    let (code, _, err) = desugar(&["examples/fetch_data.rs", "--fn", "fetch"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no function `fetch`") && err.contains("fetch_data"),
        "{err}"
    );
}

#[test]
fn reports_what_cannot_be_desugared() {
    let dir = std::env::temp_dir().join(format!("desugar-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.rs");
    std::fs::write(&file, "#[desugar]\nfn not_async() {}\n").unwrap();
    let (code, _, err) = desugar(&[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("bad.rs:2:1") && err.contains("not async"),
        "{err}"
    );
}
