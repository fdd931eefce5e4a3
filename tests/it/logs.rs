//! What gleaner writes on stderr: one JSON object per line with `--log-format json`
//! (the run's counts last), plain text when stderr is a pipe, colour only on a terminal
//! whose user has not asked for none (NO_COLOR).

use crate::crawl::{article, Crawl};
use crate::helpers::{gleaner, output, s, tmp};
use crate::site::{Reply, Site};
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn json_logs_are_objects_one_per_line_ending_with_the_run_counts() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/broken", "/a"])))
        .route("/broken", Reply::status(500))
        .route("/a", Reply::html(article(1, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "max_attempts = 1\n");
    let args = ["--log-format", "json", "run", "--config", s(&crawl.config)];
    let (code, out, err) = output(gleaner().args(args).output().expect("gleaner runs"));
    assert_eq!(code, 0, "{out}{err}");
    let lines: Vec<&str> = err.lines().collect();
    let events: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect();
    assert!(
        events.iter().all(serde_json::Value::is_object),
        "only objects: {err}"
    );
    let warned = events
        .iter()
        .any(|e| e["level"] == "WARN" && e.to_string().contains(&site.url("/broken")));
    assert!(warned, "the failed page is a warning event: {err}");
    let last = events.last().expect("some events");
    assert_eq!(last["fields"]["message"], "run finished", "{err}");
    let counts = last["fields"]["counts"].as_str().expect("counts");
    let counts: serde_json::Value = serde_json::from_str(counts).expect("counts are JSON");
    assert_eq!(counts["fetched"], 2, "{counts}");
    assert_eq!(counts["failed"], 1, "{counts}");
    let record = crawl.last_run();
    assert_eq!(
        serde_json::to_value(&record.counts).unwrap(),
        counts,
        "the log's counts are the run record's"
    );
    assert_eq!(last["fields"]["run"], record.id, "{err}");
}

/// `gleaner clean` on an empty file, which it skips with a warning.
fn warning_command(dir: &std::path::Path) -> Command {
    let empty = dir.join("empty.html");
    std::fs::write(&empty, "").unwrap();
    let mut c = gleaner();
    c.args(["clean", s(&empty), "--out-dir", s(&dir.join("out"))])
        .stdout(Stdio::null())
        .env_remove("NO_COLOR");
    c
}

#[test]
fn text_logs_on_a_pipe_have_no_colour() {
    let dir = tmp();
    let (code, _, err) = output(warning_command(dir.path()).output().expect("runs"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("WARN") && err.contains("empty.html"), "{err}");
    assert!(!err.contains("\x1b["), "an escape on a pipe: {err:?}");
}

#[test]
fn text_logs_on_a_terminal_have_colour_unless_no_color() {
    let dir = tmp();
    let coloured = on_terminal(warning_command(dir.path()));
    let warning = coloured
        .lines()
        .find(|l| l.contains("WARN"))
        .unwrap_or_else(|| panic!("no warning: {coloured:?}"));
    assert!(warning.contains("empty.html"), "{coloured:?}");
    assert!(
        warning.contains("\x1b["),
        "no colour on a terminal: {warning:?}"
    );

    let mut plain = warning_command(dir.path());
    plain.env("NO_COLOR", "1");
    let plain = on_terminal(plain);
    assert!(plain.contains("WARN"), "{plain:?}");
    assert!(
        !plain.contains("\x1b["),
        "colour despite NO_COLOR: {plain:?}"
    );
}

/// Runs `cmd` with its stderr on a new pseudo-terminal; returns what it wrote there.
fn on_terminal(mut cmd: Command) -> String {
    let (mut master, mut slave) = (-1, -1);
    use std::ptr::{null, null_mut};
    // SAFETY: two live out-pointers; no name buffer, terminal settings or size given.
    let r = unsafe { libc::openpty(&mut master, &mut slave, null_mut(), null(), null()) };
    assert_eq!(r, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty just opened both; each is owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = cmd.stderr(Stdio::from(slave)).spawn().expect("spawns");
    // The command holds the parent's copy of the terminal's end: closed with it, so
    // that reading sees the end once the child is gone.
    drop(cmd);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut master = std::fs::File::from(master);
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // EIO once no process holds the terminal any more.
        while let Ok(n @ 1..) = master.read(&mut buf) {
            out.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(out);
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not finish in 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the terminal's output");
    String::from_utf8_lossy(&out).into_owned()
}
