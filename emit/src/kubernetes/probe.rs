//! Health checks as readiness, liveness and startup probes:
//! <https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/>.
//!
//! The rule: readiness may depend on what the service calls (a failing database takes the pod
//! out of its Service until it recovers), liveness must not, since a failed liveness probe
//! restarts the container and an outage of a dependency would then restart every pod that
//! uses it ("incorrect implementation of liveness probes can lead to cascading failures",
//! <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>).
//! An HTTP health check of a service that uses other services may reach them (a server-rendered
//! page calls the API), so its liveness probe only checks that the process accepts connections
//! on the same port (`tcpSocket`), unless the stack gives `.liveness(..)`. A datastore's
//! liveness probe, whatever its engine, is a `tcpSocket` check of the engine's port: its full
//! check starts a client (`mongosh` is a Node process; MariaDB's `healthcheck.sh` logs in)
//! every period inside the database's own CPU limit, and a slow answer under load would get a
//! healthy database killed; the full check still decides readiness and startup. A startup probe
//! comes from a stated start period only.

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
    container.liveness_probe = match (&service.liveness, &service.healthcheck) {
        (Some(liveness), _) => Some(probe(liveness)),
        (None, Some(check)) => Some(liveness_of(service, check)),
        (None, None) => None,
    };
    container.startup_probe = service.healthcheck.as_ref().and_then(startup);
}

/// The health check as a liveness probe: an HTTP check of a service that uses others becomes
/// a TCP check of its port, so a dependency's outage does not restart it; a datastore's is a
/// TCP check of its port, so load does not.
fn liveness_of(service: &Service, check: &Probe) -> KubeProbe {
    if let Some(datastore) = &service.datastore {
        let port = service.ports.first().map_or(datastore.engine.default_port(), |p| p.number);
        return on_port(port, probe(check));
    }
    let uses_others =
        !service.depends_on.is_empty() || service.env.iter().any(|(_, value)| value.connects_to().is_some());
    match &check.check {
        Check::Http { port, .. } if uses_others => on_port(*port, probe(check)),
        _ => probe(check),
    }
}

/// `base`'s timing with a TCP connection to `port` as its check.
fn on_port(port: u16, base: KubeProbe) -> KubeProbe {
    KubeProbe {
        exec: None,
        http_get: None,
        tcp_socket: Some(TCPSocketAction { port: IntOrString::Int(port.into()), ..Default::default() }),
        ..base
    }
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

    /// Liveness, read from the lowered Deployments: an HTTP check of a service that uses another
    /// becomes a TCP check of the same port; one that uses nothing keeps its HTTP check.
    #[test]
    fn liveness_does_not_depend_on_dependencies() {
        use stack_dsl::{Env, Image, Port, Project, Ready, Route, Service, Stack};

        use super::super::Object;
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let api = stack.add_service(
                Service::new("api", Image::new("shop-api:1"))
                    .port(Port::http(3001))
                    .route(Route::new("api.shop.io").tls())
                    .healthcheck(Probe::http(3001, "/health")),
            );
            // A public origin is handed out, not connected to: the check stays the HTTP one.
            stack.add_service(
                Service::new("docs", Image::new("shop-docs:1"))
                    .port(Port::http(8080))
                    .healthcheck(Probe::http(8080, "/"))
                    .env("API_ORIGIN", api.public_url()),
            );
            stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .healthcheck(Probe::http(3000, "/"))
                    .env("API_URL", api.url())
                    .depends_on(&api, Ready::Healthy),
            );
            stack
        })
        .validate()
        .unwrap();
        let lowered = super::super::lower::lower(&project.stacks()[0], project.cluster()).unwrap();
        let container = |name: &str| {
            lowered
                .files
                .iter()
                .flat_map(|(_, objects)| objects)
                .find_map(|o| match o {
                    Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => d.spec.clone(),
                    _ => None,
                })
                .and_then(|spec| spec.template.spec)
                .map(|pod| pod.containers[0].clone())
                .unwrap_or_else(|| panic!("no Deployment {name}"))
        };
        let web = container("web");
        let liveness = web.liveness_probe.expect("liveness");
        assert!(liveness.http_get.is_none(), "{liveness:?}");
        assert_eq!(liveness.tcp_socket.map(|t| t.port), Some(IntOrString::Int(3000)));
        assert!(web.readiness_probe.and_then(|r| r.http_get).is_some_and(|g| g.path.as_deref() == Some("/")));
        let docs = container("docs");
        assert!(docs.liveness_probe.and_then(|l| l.http_get).is_some(), "a public origin is no dependency");
        let api = container("api");
        assert!(api.liveness_probe.and_then(|l| l.http_get).is_some_and(|g| g.path.as_deref() == Some("/health")));
    }

    /// Every engine's datastore, with the check `.datastore(..)` gives it: liveness connects to
    /// the engine's port; readiness and startup run the full check.
    #[test]
    fn a_datastores_liveness_only_connects_to_its_port() {
        use stack_dsl::{Datastore, Image, Port};
        for (image, port, datastore) in [
            ("postgres:16", 5432, Datastore::postgres(16).user("a").database("a")),
            ("redis:7", 6379, Datastore::redis(7)),
            ("mysql:8.4", 3306, Datastore::mysql(8).user("a").database("a")),
            ("mariadb:11", 3306, Datastore::mariadb(11).user("a").database("a")),
            ("mongo:7", 27017, Datastore::mongo(7).database("a")),
        ] {
            let service = Service::new("db", Image::new(image)).port(Port::tcp(port)).datastore(datastore);
            let mut container = Container::default();
            attach(&mut container, &service);
            let liveness = container.liveness_probe.expect("liveness");
            assert_eq!(liveness.tcp_socket.map(|t| t.port), Some(IntOrString::Int(port.into())), "{image}");
            assert!(liveness.exec.is_none() && liveness.http_get.is_none(), "{image}");
            assert!(container.readiness_probe.and_then(|p| p.exec).is_some(), "{image}: readiness");
            assert!(container.startup_probe.and_then(|p| p.exec).is_some(), "{image}: startup");
        }
    }

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
