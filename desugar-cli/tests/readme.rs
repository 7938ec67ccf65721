//! The CLI output quoted in README.md is real: every ```text block that starts with a
//! `$ desugar ...` or `$ cd DIR && cargo desugar ...` line is run and compared with what the
//! command prints (an abridged block, one with a `⋮` line, must appear in order). Regenerate
//! the section with `python3 scripts/readme_usage.py`.

use std::path::Path;
use std::process::Command;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// What `command` (a README `$` line) prints, stdout then stderr, as the README shows it.
fn output_of(command: &str) -> String {
    let (dir, command) = match command.split_once(" && ") {
        Some((cd, rest)) => (
            workspace().join(cd.strip_prefix("cd ").expect("`cd DIR && ...`")),
            rest,
        ),
        None => (workspace().to_path_buf(), command),
    };
    let mut words = command.split_whitespace();
    let mut process = match words.next() {
        Some("desugar") => Command::new(env!("CARGO_BIN_EXE_desugar")),
        Some("cargo") => {
            assert_eq!(words.next(), Some("desugar"));
            let mut c = Command::new(env!("CARGO_BIN_EXE_cargo-desugar"));
            c.arg("desugar");
            c
        }
        other => panic!("not a desugar command: {other:?}"),
    };
    let out = process
        .args(words)
        .current_dir(dir)
        .env_remove("PAGER")
        .env_remove("DESUGAR_PAGER")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn the_readme_quotes_real_output() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = block.split("\n```").next().unwrap();
        let Some((first, shown)) = block.split_once('\n') else {
            continue;
        };
        let Some(command) = first.strip_prefix("$ ") else {
            continue;
        };
        if !(command.starts_with("desugar ") || command.contains("cargo desugar")) {
            continue;
        }
        let actual = output_of(command);
        if shown.lines().any(|l| l.trim() == "⋮") {
            let mut rest = actual.lines();
            for line in shown.lines().filter(|l| l.trim() != "⋮") {
                assert!(
                    rest.any(|a| a.trim_end() == line.trim_end()),
                    "`{command}`: README line not in the output (in order): {line}\n{actual}"
                );
            }
        } else {
            assert_eq!(shown.trim_end(), actual.trim_end(), "`{command}`");
        }
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} README blocks checked");
}
