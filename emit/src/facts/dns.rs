//! How a route's host is pointed at each target, for the deploy page's DNS records. One sentence
//! per target, each from the platform's documentation:
//! - Compose: the edge proxy publishes ports 80 and 443 on the Docker host, so the host name
//!   resolves to that machine's public address.
//! - Kubernetes: an Ingress is served by the ingress controller's own Service; its external
//!   address is the one the host name must resolve to
//!   (<https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-controllers>).
//! - Render: a subdomain is a CNAME to the service's `onrender.com` host; an apex domain an
//!   ALIAS/ANAME or A record (<https://render.com/docs/custom-domains>).
//! - Railway: adding a custom domain returns a CNAME record that routes traffic and a TXT record
//!   that proves ownership; both are required (<https://docs.railway.com/cli/domain>).
//!
//! `localhost` and names under `.localhost` resolve to the loopback address without DNS
//! (RFC 6761, section 6.3: <https://www.rfc-editor.org/rfc/rfc6761#section-6.3>).

/// True when `host` needs no DNS record: `localhost` or a name under it.
pub fn resolves_locally(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost")
}

/// The record `target` needs for `host`, routed to `service`, or `None` when the host needs none
/// or the target routes no hosts. `ingress_namespace` is where a cluster's ingress controller runs.
pub fn record(target: &str, host: &str, service: &str, ingress_namespace: &str) -> Option<String> {
    if resolves_locally(host) {
        return None;
    }
    Some(match target {
        "compose" => format!("{host}: an A (and AAAA) record to the public address of the Docker host"),
        "kubernetes" => format!(
            "{host}: an A record to the external IP of the ingress controller's Service (kubectl get service -n {ingress_namespace}), or a CNAME to its load balancer's host name"
        ),
        "render" => format!(
            "{host}: a CNAME to the onrender.com host of {service} (its Settings › Custom Domains shows it; an apex domain takes an ALIAS/ANAME or A record)"
        ),
        "railway" => format!(
            "{host}: the CNAME and TXT records Railway shows when the domain is added to {service} (railway domain {host} --service {service}); the TXT record proves ownership"
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_need_no_record_and_each_platform_says_its_own() {
        assert_eq!(record("compose", "shop.localhost", "web", "traefik"), None);
        assert_eq!(record("actions", "shop.example.com", "web", "traefik"), None);
        assert!(record("kubernetes", "shop.example.com", "web", "ingress-nginx").unwrap().contains("-n ingress-nginx"));
        assert!(
            record("render", "shop.example.com", "web", "").unwrap().contains("CNAME to the onrender.com host of web")
        );
        assert!(record("railway", "shop.example.com", "web", "").unwrap().contains("--service web"));
    }
}
