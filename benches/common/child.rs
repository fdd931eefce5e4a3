//! A child process waited for with its peak RSS: shared by the benchmarks.

use std::process::Child;
use std::time::{Duration, Instant};

/// Waits for the child (killing it after `timeout`); returns its exit code and peak RSS.
/// wait4 reports the peak of that very process, unlike polling /proc, which can miss a
/// late spike, or RUSAGE_CHILDREN, which keeps the largest child seen so far.
#[cfg(target_os = "linux")]
pub fn wait_with_peak_rss(mut child: Child, timeout: Duration) -> (Option<i32>, Option<f64>) {
    let pid = child.id() as libc::pid_t;
    let end = Instant::now() + timeout;
    let mut status: libc::c_int = 0;
    // SAFETY: struct rusage is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: our own unreaped child; both out-pointers are live and of their types.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
            // ru_maxrss is in KiB on Linux.
            return (code, Some(usage.ru_maxrss as f64 / 1024.0));
        }
        if r < 0 {
            return (None, None);
        }
        if Instant::now() > end {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(not(target_os = "linux"))]
pub fn wait_with_peak_rss(mut child: Child, _timeout: Duration) -> (Option<i32>, Option<f64>) {
    (child.wait().ok().and_then(|s| s.code()), None)
}
