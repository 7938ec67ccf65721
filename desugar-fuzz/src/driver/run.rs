//! Runs the batch's binary under a watchdog: a program that hangs is killed and reported, one
//! that aborts the process (a panic while panicking, a crash) is reported, and the runner is
//! started again for the programs not run yet.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How one program ran: `ok`, `differ MESSAGE`, `panic MESSAGE`, `hang`, `crash MESSAGE`.
pub type Verdicts = BTreeMap<String, String>;

/// Runs `binary` until every unit of `ids` has a verdict.
pub fn run(binary: &Path, ids: &[String], timeout: Duration) -> std::io::Result<Verdicts> {
    let mut verdicts = Verdicts::new();
    while verdicts.len() < ids.len() {
        let skip: Vec<&String> = verdicts.keys().collect();
        let mut child = Command::new(binary)
            .args(skip)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // The last lines of stderr say why a process aborted.
        let tail = std::thread::spawn(move || {
            let mut last = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                last.push(line);
                if last.len() > 20 {
                    last.remove(0);
                }
            }
            last.join(" | ")
        });
        let mut current: Option<String> = None;
        loop {
            match rx.recv_timeout(timeout) {
                Ok(line) => {
                    if let Some(id) = line.strip_prefix("start ") {
                        current = Some(id.to_string());
                    } else if let Some(rest) = line.strip_prefix("end ") {
                        let (id, verdict) = rest.split_once(' ').unwrap_or((rest, ""));
                        verdicts.insert(id.to_string(), verdict.to_string());
                        current = None;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    if let Some(id) = current.take() {
                        verdicts.insert(id, "hang".to_string());
                    }
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait()?;
                    let why = tail.join().unwrap_or_default();
                    if let Some(id) = current.take() {
                        verdicts.insert(id, format!("crash {status}: {why}"));
                    } else if verdicts.len() < ids.len() {
                        // Ended between programs: nothing more will run.
                        for id in ids {
                            verdicts
                                .entry(id.clone())
                                .or_insert_with(|| format!("crash {status}: {why}"));
                        }
                    }
                    break;
                }
            }
        }
    }
    Ok(verdicts)
}
