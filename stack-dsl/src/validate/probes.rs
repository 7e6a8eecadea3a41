//! Health checks and liveness probes: a program or a declared port to probe, and sane timings.

use std::time::Duration;

use super::Checker;
use crate::probe::{Check, Probe};
use crate::service::Service;

impl<'a> Checker<'a> {
    pub(super) fn check_probes(&mut self, at: &str, service: &Service) {
        for (field, probe) in [("healthcheck", &service.healthcheck), ("liveness", &service.liveness)] {
            if let Some(probe) = probe {
                self.check_probe(&[at, field], service, probe);
            }
        }
    }

    pub(super) fn check_probe(&mut self, path: &[&str], service: &Service, probe: &Probe) {
        match &probe.check {
            Check::Exec(argv) if argv.is_empty() => self.report(
                path,
                "the check runs no program",
                "Give the program and its arguments, such as [\"pg_isready\"]",
            ),
            Check::Shell(line) if line.trim().is_empty() => {
                self.report(path, "the check's command line is empty", "Give a command line to run")
            }
            Check::Http { port, path: p } => {
                if !p.starts_with('/') {
                    self.report(
                        path,
                        format!("the HTTP path {p:?} does not start with '/'"),
                        format!("Write it as \"/{p}\""),
                    );
                }
                self.check_probe_port(path, service, *port);
            }
            Check::Tcp { port } => self.check_probe_port(path, service, *port),
            _ => {}
        }
        if probe.retries == 0 {
            self.report(
                path,
                "0 retries would mark the service unhealthy on its first failed check",
                "Allow at least 1 retry",
            );
        }
        if probe.interval == Duration::ZERO || probe.timeout == Duration::ZERO {
            self.report(
                path,
                "the interval and timeout must be longer than zero",
                "Set them with .every(secs(N)) and .timeout(secs(N))",
            );
        } else if probe.timeout > probe.interval {
            self.report(
                path,
                format!(
                    "the timeout ({}s) is longer than the interval ({}s)",
                    probe.timeout.as_secs(),
                    probe.interval.as_secs()
                ),
                "Make the timeout at most the interval",
            );
        }
        if [probe.interval, probe.timeout].iter().chain(&probe.start_period).any(|d| d.subsec_nanos() != 0) {
            self.report(path, "timings must be whole seconds", "Use secs(N) or mins(N)");
        }
    }

    pub(super) fn check_probe_port(&mut self, path: &[&str], service: &Service, port: u16) {
        if !service.ports.iter().any(|p| p.number == port) {
            self.report(
                path,
                format!("the check probes port {port}, which the service does not declare"),
                format!("Declare it with .port(Port::http({port}))"),
            );
        }
    }
}
