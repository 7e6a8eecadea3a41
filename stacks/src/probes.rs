//! Health checks shared by the team stacks.

use stack_dsl::Probe;

/// An HTTP check run with the image's own Python, for `python:3.x-slim` images, which ship
/// neither curl nor wget.
pub fn python_http(port: u16, path: &str) -> Probe {
    let url = format!("http://127.0.0.1:{port}{path}");
    Probe::http(port, path).command([
        "python",
        "-c",
        &format!("import urllib.request; urllib.request.urlopen('{url}', timeout=4)"),
    ])
}

/// [`python_http`] sending `host` as the `Host` header, for servers that answer only the hosts
/// they serve (Django's `ALLOWED_HOSTS`). urllib keeps a `Host` header set on the request
/// (<https://docs.python.org/3/library/urllib.request.html#urllib.request.Request>).
pub fn python_http_for_host(port: u16, path: &str, host: &str) -> Probe {
    let url = format!("http://127.0.0.1:{port}{path}");
    let request = format!("urllib.request.Request('{url}', headers={{'Host': '{host}'}})");
    Probe::http(port, path).host(host).command([
        "python",
        "-c",
        &format!("import urllib.request; urllib.request.urlopen({request}, timeout=4)"),
    ])
}

/// An HTTP check with Python's standard library that sends the first host of the service's
/// `variable` (a host allowlist such as Django's ALLOWED_HOSTS), read when the check runs: the
/// real host is known only where the service runs. `host` is the one the stack gives, for
/// checks the platform makes itself (a Kubernetes `httpGet`).
pub fn python_http_for_listed_host(port: u16, path: &str, variable: &str, host: &str) -> Probe {
    let url = format!("http://127.0.0.1:{port}{path}");
    let request =
        format!("urllib.request.Request('{url}', headers={{'Host': os.environ['{variable}'].split(',')[0].strip()}})");
    Probe::http(port, path).host(host).command([
        "python",
        "-c",
        &format!("import os, urllib.request; urllib.request.urlopen({request}, timeout=4)"),
    ])
}

/// An HTTP check with busybox `wget`, for Alpine-based images (nginx, node).
pub fn wget_http(port: u16, path: &str) -> Probe {
    let host = if port == 80 { "127.0.0.1".to_string() } else { format!("127.0.0.1:{port}") };
    Probe::http(port, path).command(["wget", "-q", "--spider", &format!("http://{host}{path}")])
}
