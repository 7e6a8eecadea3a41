//! What cert-manager runs in a stack's namespace while it proves a host with an ACME HTTP-01
//! challenge, so that the namespace's NetworkPolicies let the challenge through.
//! <https://cert-manager.io/docs/configuration/acme/http01/>

/// The label cert-manager puts on the solver pods (and their Service and Ingress) it creates in
/// the namespace of the Ingress being certified; the solver Ingress sends
/// `/.well-known/acme-challenge/<token>` through the ingress controller to them. As seen on
/// the objects cert-manager creates: `acme.cert-manager.io/http01-solver: "true"`
/// (<https://gist.github.com/archonic/f81d300601c85af8da825ec8614eb909>).
pub const HTTP01_SOLVER_LABEL: (&str, &str) = ("acme.cert-manager.io/http01-solver", "true");

/// The port the solver pod (`cert-manager-acmesolver`, started with `--listen-port=8089`,
/// `containerPort: 8089`) listens on; the solver Ingress's backend is `servicePort: 8089`
/// (same source).
pub const HTTP01_SOLVER_PORT: u16 = 8089;
