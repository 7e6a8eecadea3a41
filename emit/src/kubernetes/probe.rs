//! Health checks as readiness, liveness and startup probes:
//! <https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/>.

use k8s_openapi::api::core::v1::{
    Container, ExecAction, HTTPGetAction, HTTPHeader, Probe as KubeProbe, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stack_dsl::{Check, Probe, Service};

/// Give `container` the service's probes: the health check decides readiness (and liveness,
/// unless the service has its own liveness check); a start period becomes a startup probe,
/// which holds the other two back until the service has started.
pub fn attach(container: &mut Container, service: &Service) {
    container.readiness_probe = service.healthcheck.as_ref().map(probe);
    container.liveness_probe = service.liveness.as_ref().or(service.healthcheck.as_ref()).map(probe);
    container.startup_probe = service.healthcheck.as_ref().and_then(startup);
}

fn probe(check: &Probe) -> KubeProbe {
    KubeProbe {
        period_seconds: Some(seconds(check.interval)),
        timeout_seconds: Some(seconds(check.timeout)),
        failure_threshold: Some(check.retries.try_into().unwrap_or(i32::MAX)),
        ..with_host(handler(&check.check), check.host.as_deref())
    }
}

/// An HTTP check sends the probe's `Host` header, since the kubelet otherwise sends the pod's IP.
fn with_host(mut probe: KubeProbe, host: Option<&str>) -> KubeProbe {
    if let (Some(get), Some(host)) = (probe.http_get.as_mut(), host) {
        get.http_headers = Some(vec![HTTPHeader { name: "Host".into(), value: host.into() }]);
    }
    probe
}

/// Compose ignores failures during the start period, then allows `retries`; the startup probe
/// allows as many failures as fit in the start period, plus the retries, so a pod gets at least
/// the stated start period (then `retries` intervals) before the kubelet kills it. Whatever a
/// start command does before serving (migrations run by the image's start script) must fit in
/// that start period: unlike Compose, which only marks the container unhealthy, Kubernetes
/// restarts it midway.
fn startup(check: &Probe) -> Option<KubeProbe> {
    let start = check.start_period?;
    let interval = check.interval.as_secs().max(1);
    let attempts = start.as_secs().div_ceil(interval) + u64::from(check.retries);
    Some(KubeProbe { failure_threshold: Some(attempts.try_into().unwrap_or(i32::MAX)), ..probe(check) })
}

fn handler(check: &Check) -> KubeProbe {
    match check {
        Check::Exec(argv) => KubeProbe { exec: Some(ExecAction { command: Some(argv.clone()) }), ..Default::default() },
        Check::Shell(line) => KubeProbe {
            exec: Some(ExecAction { command: Some(vec!["sh".into(), "-c".into(), line.clone()]) }),
            ..Default::default()
        },
        Check::Http { port, path } => KubeProbe {
            http_get: Some(HTTPGetAction {
                port: IntOrString::Int((*port).into()),
                path: Some(path.clone()),
                ..Default::default()
            }),
            ..Default::default()
        },
        Check::Tcp { port } => KubeProbe {
            tcp_socket: Some(TCPSocketAction { port: IntOrString::Int((*port).into()), ..Default::default() }),
            ..Default::default()
        },
    }
}

fn seconds(duration: std::time::Duration) -> i32 {
    duration.as_secs().try_into().unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use stack_dsl::Probe;

    use super::*;

    /// The time the startup probe allows (failures × period) is never below the start period.
    #[test]
    fn the_startup_budget_covers_the_start_period() {
        for (start, interval, retries) in [(30, 10, 3), (45, 20, 0), (5, 30, 1), (300, 7, 2), (1, 1, 0)] {
            let check = Probe::http(8000, "/health")
                .start_period(Duration::from_secs(start))
                .every(Duration::from_secs(interval))
                .retries(retries);
            let startup = startup(&check).expect("a startup probe");
            let budget = i64::from(startup.failure_threshold.unwrap()) * i64::from(startup.period_seconds.unwrap());
            let start = i64::try_from(start).unwrap();
            assert!(budget >= start, "{budget}s for a {start}s start period");
        }
    }
}
