//! A route on a wildcard host gets a TLS Secret whose name Kubernetes accepts (a DNS-1123
//! subdomain: <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names>).
#![cfg(feature = "kubernetes")]

use k8s_openapi::api::networking::v1::Ingress;
use stack_dsl::*;

#[test]
fn a_wildcard_hosts_certificate_secret_has_a_valid_name() {
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        stack.add_service(
            Service::new("web", Image::new("nginx:1.27-alpine"))
                .port(Port::http(80))
                .route(Route::new("*.shop.acme-shop.dev").tls()),
        );
        stack
    });
    let bundle = emit::render(&project.validate().unwrap(), &emit::Options::with_root("")).unwrap();
    let ingress: Ingress =
        serde_saphyr::from_str(&bundle.file("kubernetes/production/ingress.yaml").unwrap().contents).unwrap();
    let tls = ingress.spec.unwrap().tls.unwrap();
    assert_eq!(tls[0].hosts.as_deref(), Some(&["*.shop.acme-shop.dev".to_string()][..]));
    let secret = tls[0].secret_name.clone().unwrap();
    let valid =
        secret.len() <= 253 && secret.split('.').all(|label| stack_dsl::name::dns_label_problem(label).is_none());
    assert!(valid, "{secret:?} is not a DNS-1123 subdomain");
}
