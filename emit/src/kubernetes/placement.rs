//! Which services the cluster runs as workloads. An edge proxy that only terminates TLS and
//! forwards, and the job that renews its certificates, are replaced by the cluster's ingress
//! controller and cert-manager, as Render and Railway replace them with their own edge. An
//! agent that collects from the node itself (the image facts say it needs the host) cannot do
//! its job from one pod under Pod Security: it is left out with the vendor's way to install it.
//! A stock image whose command runs source bind-mounted from the repository would crash-loop
//! ([`super::host_source`]): it is left out too, saying how to run it.
//! <https://kubernetes.io/docs/concepts/services-networking/ingress/>

use stack_dsl::{Certificates, Cluster, Service};

use super::host_source::runs_from_host_directory;
use crate::facts::images::{self, NonRoot};

/// Why the cluster does not run `service` as a workload, or `None` when it does.
pub fn left_out(service: &Service) -> Option<String> {
    if service.role.is_platform_edge() {
        return Some(format!(
            "is not deployed: {}; in Kubernetes the ingress controller routes the Ingress",
            service.role.provided_because()
        ));
    }
    if let Some((host, target)) = runs_from_host_directory(service) {
        return Some(format!(
            "is not deployed: its command runs from {target}, the host directory {host} in Compose, which pods do not have, so its container would fail on every start; build an image holding it (Image::build) to run it on Kubernetes"
        ));
    }
    match images::non_root(service) {
        NonRoot::NeedsHost(install) => Some(format!(
            "is not deployed: its image collects from the node (host paths and namespaces), which one pod in a restricted namespace cannot reach; {install}"
        )),
        NonRoot::Yes => None,
    }
}

/// Where the Ingress of `cluster` gets the certificates a left-out edge proxy held: what
/// replaces its TLS, in the words of the report.
pub fn edge_certificates(cluster: &Cluster) -> String {
    match &cluster.certificates {
        Certificates::ClusterIssuer(issuer) => {
            format!("cert-manager issues and renews its certificates from the ClusterIssuer {issuer}")
        }
        Certificates::Secret(name) => format!(
            "its certificate is the TLS Secret {name}, which you create and renew (the kustomization header gives the command)"
        ),
    }
}

/// True when the cluster runs `service`: [`left_out`] without its message, asked by every
/// part of the emitter for every service.
pub fn runs(service: &Service) -> bool {
    !service.role.is_platform_edge()
        && runs_from_host_directory(service).is_none()
        && !matches!(images::non_root(service), NonRoot::NeedsHost(_))
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Port, Project, Service, Stack};

    use super::super::lower::lower;
    use super::*;
    use crate::error::Error;

    #[test]
    fn host_agents_are_left_out_pointing_at_the_vendor_installer() {
        let agent = Service::new("datadog", Image::new("datadog/agent:7"));
        let why = left_out(&agent).expect("left out");
        assert!(why.contains("Datadog Operator or Helm chart"), "{why}");
        assert!(runs(&Service::new("api", Image::new("shop-api:1"))));
    }

    /// A dev server running the bind-mounted source in a stock image gives no object and a
    /// warning; the same mount over a built image only loses live reloading, and it runs.
    #[test]
    fn a_stock_image_running_host_source_is_left_out() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("frontend", Image::new("node:20-alpine"))
                    .command(["sh", "-c", "cd /app && npm ci && npm run dev"])
                    .port(Port::http(5173))
                    .mount(stack_dsl::Mount::bind("./frontend", "/app"))
                    .user("node"),
            );
            stack.add_service(
                Service::new("api", Image::build("backend"))
                    .command(["uvicorn", "app.main:app", "--reload", "--app-dir", "/app"])
                    .port(Port::http(8000))
                    .mount(stack_dsl::Mount::bind("./backend", "/app")),
            );
            stack
        });
        let valid = project.validate().expect("valid");
        let lowered = lower(&valid.stacks()[0], valid.cluster()).expect("lowered");
        let names: Vec<String> = lowered
            .files
            .iter()
            .flat_map(|(_, objects)| objects)
            .filter_map(|o| match o {
                super::super::Object::Deployment(d) => d.metadata.name.clone(),
                super::super::Object::StatefulSet(s) => s.metadata.name.clone(),
                super::super::Object::Service(s) => s.metadata.name.clone(),
                _ => None,
            })
            .collect();
        assert!(!names.iter().any(|n| n == "frontend"), "{names:?}");
        assert!(names.iter().any(|n| n == "api"), "{names:?}");
        let warning = lowered.warnings.iter().find(|w| w.service == "frontend").expect("a warning");
        assert!(warning.message.contains("runs from /app, the host directory ./frontend"), "{}", warning.message);
    }

    #[test]
    fn nothing_may_wait_for_what_is_left_out() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let agent = stack.add_service(Service::new("datadog", Image::new("datadog/agent:7")).port(Port::tcp(8126)));
            stack.add_service(Service::new("api", Image::new("shop-api:1")).env("DD_AGENT_HOST", agent.host()));
            stack
        });
        let valid = project.validate().expect("valid");
        let Err(Error::Unsupported { service, reason, .. }) = lower(&valid.stacks()[0], valid.cluster()) else {
            panic!("no error")
        };
        assert_eq!(service, "api");
        assert!(reason.starts_with("it refers to datadog, which is not deployed"), "{reason}");
    }
}
