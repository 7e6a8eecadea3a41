//! Who can reach whom, derived twice from the committed files of every team stack and
//! environment: once from the Compose file (services sharing a network reach each other; a
//! service on a network that is not `internal` reaches the internet) and once from the
//! Kubernetes NetworkPolicies (a pod reaches a port when an ingress rule of every policy
//! isolating the target admits it and, if the source's egress is isolated, an egress rule lets
//! it out). The two relations must be the same: a worker cut off from the internet in Compose
//! is cut off on Kubernetes too.
//!
//! NetworkPolicy semantics: <https://kubernetes.io/docs/concepts/services-networking/network-policies/>.
//! Compose networks: <https://docs.docker.com/reference/compose-file/networks/#internal>.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use emit::compose::model::ComposeFile;
use emit::kubernetes::{Kustomization, Object};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stack_dsl::ValidStack;

/// A port that is only for name resolution, not a way out to the internet.
const DNS_PORT: i32 = 53;

/// Which service connects to which, and which reach the internet.
#[derive(Debug, PartialEq, Eq)]
struct Reach {
    pairs: BTreeSet<(String, String)>,
    internet: BTreeSet<String>,
}

/// Reads a generated file by its path in the stack's output directory.
type Files<'a> = &'a dyn Fn(&str) -> Option<String>;

fn golden(stack: &ValidStack) -> impl Fn(&str) -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(&stack.name);
    move |path| std::fs::read_to_string(dir.join(path)).ok()
}

/// The services that listen on a port in the model, with their ports: what can be reached.
fn listeners(stack: &ValidStack) -> BTreeMap<String, Vec<i32>> {
    stack
        .services()
        .filter(|s| !s.ports.is_empty())
        .map(|s| (s.name.clone(), s.ports.iter().map(|p| i32::from(p.number)).collect()))
        .collect()
}

fn compose_reach(stack: &ValidStack, files: Files) -> Reach {
    let path = emit::layout::compose_file(stack.env());
    let text = files(&path).unwrap_or_else(|| panic!("{path} missing"));
    let file: ComposeFile = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let networks = |service: &str| -> BTreeSet<String> {
        let joined = &file.services[service].networks;
        if joined.is_empty() { BTreeSet::from(["default".to_string()]) } else { joined.iter().cloned().collect() }
    };
    let internal = |network: &str| file.networks.get(network).is_some_and(|n| n.internal);
    let listening = listeners(stack);
    let mut reach = Reach { pairs: BTreeSet::new(), internet: BTreeSet::new() };
    for from in file.services.keys() {
        if networks(from).iter().any(|n| !internal(n)) {
            reach.internet.insert(from.clone());
        }
        for to in file.services.keys().filter(|to| *to != from && listening.contains_key(*to)) {
            if !networks(from).is_disjoint(&networks(to)) {
                reach.pairs.insert((from.clone(), to.clone()));
            }
        }
    }
    reach
}

fn selects(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    let Some(selector) = selector else { return true };
    assert!(selector.match_expressions.is_none(), "match expressions are not derived here");
    selector.match_labels.iter().flatten().all(|(k, v)| labels.get(k) == Some(v))
}

/// True when `peer` admits a pod with `labels` in the stack's own namespace.
fn peer_admits(peer: &NetworkPolicyPeer, labels: &BTreeMap<String, String>) -> bool {
    // An ipBlock or a namespaceSelector alone names addresses or namespaces outside the stack.
    peer.ip_block.is_none() && peer.namespace_selector.is_none() && selects(peer.pod_selector.as_ref(), labels)
}

fn port_admits(ports: Option<&Vec<NetworkPolicyPort>>, port: i32) -> bool {
    ports.is_none_or(|ports| {
        ports.iter().any(|p| match &p.port {
            None => true,
            Some(IntOrString::Int(n)) => *n == port || p.end_port.is_some_and(|end| (*n..=end).contains(&port)),
            Some(IntOrString::String(_)) => panic!("named ports are not derived here"),
        })
    })
}

fn isolates(policy: &NetworkPolicy, kind: &str, labels: &BTreeMap<String, String>) -> bool {
    let spec = policy.spec.as_ref().expect("policy spec");
    spec.policy_types.iter().flatten().any(|t| t == kind) && selects(spec.pod_selector.as_ref(), labels)
}

fn kubernetes_reach(stack: &ValidStack, files: Files) -> Reach {
    let dir = emit::layout::kubernetes_dir(stack.env());
    let read = |file: &str| files(&format!("{dir}/{file}")).unwrap_or_else(|| panic!("{dir}/{file} missing"));
    let kustomization: Kustomization = serde_saphyr::from_str(&read("kustomization.yaml")).expect("a Kustomization");
    let mut pods: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut policies = Vec::new();
    for file in &kustomization.resources {
        for document in read(file).split("\n---\n") {
            let object: Object = serde_saphyr::from_str(document).expect("an object");
            let (name, template) = match object {
                Object::NetworkPolicy(p) => {
                    policies.push(*p);
                    continue;
                }
                Object::Deployment(d) => (d.metadata.name, d.spec.map(|s| s.template)),
                Object::StatefulSet(s) => (s.metadata.name, s.spec.map(|s| s.template)),
                Object::Job(j) => (j.metadata.name, j.spec.map(|s| s.template)),
                Object::CronJob(c) => (c.metadata.name, c.spec.and_then(|s| s.job_template.spec).map(|s| s.template)),
                _ => continue,
            };
            let labels = template.and_then(|t| t.metadata).and_then(|m| m.labels).unwrap_or_default();
            pods.insert(name.expect("a name"), labels);
        }
    }
    let listening = listeners(stack);
    let egress_allows = |from: &BTreeMap<String, String>, to: Option<&BTreeMap<String, String>>, port: i32| {
        let isolating: Vec<&NetworkPolicy> = policies.iter().filter(|p| isolates(p, "Egress", from)).collect();
        isolating.is_empty()
            || isolating.iter().flat_map(|p| p.spec.iter().flat_map(|s| s.egress.iter().flatten())).any(|rule| {
                let peers = match (&rule.to, to) {
                    (None, _) => true,
                    (Some(peers), Some(to)) => peers.iter().any(|peer| peer_admits(peer, to)),
                    // The internet: a peer naming addresses (an ipBlock) lets it out.
                    (Some(peers), None) => peers.iter().any(|peer| peer.ip_block.is_some()),
                };
                peers && port_admits(rule.ports.as_ref(), port)
            })
    };
    let mut reach = Reach { pairs: BTreeSet::new(), internet: BTreeSet::new() };
    for (from, from_labels) in &pods {
        // Any port but DNS's, to an address outside the cluster.
        if egress_allows(from_labels, None, 443) {
            reach.internet.insert(from.clone());
        }
        for (to, to_labels) in pods.iter().filter(|(to, _)| *to != from) {
            let Some(ports) = listening.get(to) else { continue };
            let reachable = ports.iter().filter(|p| **p != DNS_PORT).any(|&port| {
                let isolating: Vec<&NetworkPolicy> =
                    policies.iter().filter(|p| isolates(p, "Ingress", to_labels)).collect();
                let ingress = isolating.is_empty()
                    || isolating.iter().flat_map(|p| p.spec.iter().flat_map(|s| s.ingress.iter().flatten())).any(
                        |rule| {
                            let from_ok = rule
                                .from
                                .as_ref()
                                .is_none_or(|peers| peers.iter().any(|p| peer_admits(p, from_labels)));
                            from_ok && port_admits(rule.ports.as_ref(), port)
                        },
                    );
                ingress && egress_allows(from_labels, Some(to_labels), port)
            });
            if reachable {
                reach.pairs.insert((from.clone(), to.clone()));
            }
        }
    }
    reach
}

/// Asserts that Compose and Kubernetes give `stack` the same reach; false when a target is missing.
fn agree(stack: &ValidStack, files: Files) -> bool {
    if files(&format!("{}/kustomization.yaml", emit::layout::kubernetes_dir(stack.env()))).is_none()
        || files(&emit::layout::compose_file(stack.env())).is_none()
    {
        return false;
    }
    // Services the cluster does not run (an edge proxy the ingress controller replaces, an
    // agent that needs the node) are compared only where both targets run them.
    let left_out: BTreeSet<String> =
        stack.services().filter(|s| emit::kubernetes::left_out(s).is_some()).map(|s| s.name.clone()).collect();
    let both = |mut reach: Reach| {
        reach.pairs.retain(|(from, to)| !left_out.contains(from) && !left_out.contains(to));
        reach.internet.retain(|service| !left_out.contains(service));
        reach
    };
    let (compose, kubernetes) = (both(compose_reach(stack, files)), both(kubernetes_reach(stack, files)));
    let at = format!("{} ({})", stack.name, stack.env());
    let only = |a: &BTreeSet<(String, String)>, b: &BTreeSet<(String, String)>| {
        a.difference(b).map(|(f, t)| format!("{f} → {t}")).collect::<Vec<_>>()
    };
    assert!(
        compose.pairs == kubernetes.pairs,
        "{at}: only in Compose: {:?}; only on Kubernetes: {:?}",
        only(&compose.pairs, &kubernetes.pairs),
        only(&kubernetes.pairs, &compose.pairs)
    );
    assert_eq!(compose.internet, kubernetes.internet, "{at}: who reaches the internet");
    true
}

#[test]
fn compose_and_kubernetes_agree_on_who_reaches_whom() {
    let mut compared = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            compared += usize::from(agree(stack, &golden(stack)));
        }
    }
    assert!(compared >= 5, "compared only {compared} environments");
}

/// A worker on an internal network only that waits for a migration: the case where waiting
/// for a Job once opened the internet on 443 to the pod.
#[test]
fn an_internal_worker_waiting_for_a_migration_stays_off_the_internet() {
    use stack_dsl::{Env, Image, Network, Port, Probe, Project, Ready, Service, Stack};
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let public = stack.add_network(Network::new("public"));
        let data = stack.add_network(Network::new("data").internal());
        let db = stack.add_service(
            Service::new("db", Image::new("postgres:16.4"))
                .port(Port::tcp(5432))
                .network(&data)
                .healthcheck(Probe::tcp(5432)),
        );
        let migrate = stack.add_service(
            Service::job("migrate", Image::new("shop:1"))
                .command(["migrate"])
                .network(&data)
                .depends_on(&db, Ready::Healthy),
        );
        stack.add_service(
            Service::new("worker", Image::new("shop:1")).network(&data).depends_on(&migrate, Ready::Completed),
        );
        stack.add_service(
            Service::new("api", Image::new("shop:1")).port(Port::http(8000)).network(&public).network(&data),
        );
        stack
    });
    let valid = project.validate().expect("valid");
    let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
    let files = |path: &str| bundle.file(path).map(|f| f.contents.clone());
    assert!(agree(&valid.stacks()[0], &files));
    assert!(!compose_reach(&valid.stacks()[0], &files).internet.contains("worker"));
}
