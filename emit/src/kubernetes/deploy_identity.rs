//! The rights of the identity that deploys an environment (the pipeline's kubeconfig), as
//! Kubernetes RBAC: <https://kubernetes.io/docs/reference/access-authn-authz/rbac/>.
//!
//! - The namespace is cluster-scoped: applying `namespace.yaml` needs `get` and `patch` on
//!   that Namespace, which a ClusterRole can limit with `resourceNames`, and `create` for the
//!   first deploy, which it cannot ("you cannot restrict `create` or `deletecollection`
//!   requests by their resource name", #referring-to-resources). So the cluster's
//!   administrator either grants `create` on namespaces or creates the namespace once.
//! - Inside the namespace the deploy applies, prunes and rolls back every kind the
//!   kustomization holds (Roles and RoleBindings included, which earlier versions wrote), reads
//!   the stack Secret's keys (`get` on Secrets), waits for Jobs, reads their pods' logs and
//!   deletes pods of a failed StatefulSet revision: the built-in ClusterRole `admin`, bound by a
//!   RoleBinding in the namespace, grants all of that and nothing outside it; `edit` cannot
//!   read Roles (#user-facing-roles).

/// The rights the deploy identity of `namespace` needs, and how to grant them: the pipeline's
/// when it deploys the environment (`by_pipeline`), otherwise the operator's who applies by hand.
pub fn rights(namespace: &str, by_pipeline: bool) -> String {
    let (identity, does) = match by_pipeline {
        true => (
            "The deploy identity (the kubeconfig the pipeline uses)",
            "it reads the Secret's keys, applies, prunes and rolls back",
        ),
        false => (
            "The identity you apply with (your kubeconfig: no pipeline deploys this environment to Kubernetes)",
            "you apply, wait for Jobs, read their logs and roll back",
        ),
    };
    format!(
        "{identity} needs, in {namespace}, the ClusterRole admin bound by a RoleBinding (kubectl create rolebinding deploy -n {namespace} --clusterrole=admin --user=<its user> or --serviceaccount=<namespace>:<name>; {does}); and on the cluster-scoped Namespace {namespace}: get and patch (a ClusterRole rule with resourceNames: [{namespace}]) and create, which resourceNames cannot limit: grant it, or create the namespace once yourself (kubectl apply -f namespace.yaml as a cluster administrator)"
    )
}

/// The same, in a sentence for the pipeline's prerequisite table.
pub const SUMMARY: &str = "a kubeconfig whose identity holds the ClusterRole admin through a RoleBinding in the environment's namespace, and get, patch and create on that Namespace (or the namespace created beforehand); the kustomization header gives the commands";

#[cfg(test)]
mod tests {
    use stack_dsl::{DeployTarget, Env, Image, Pipeline, Port, Project, Secret, Service, Stack};

    use crate::options::Options;

    /// The header the deploy's operator reads states the cluster-scoped namespace rights and
    /// the Secret read the deploy performs, next to the namespace the manifests create.
    #[test]
    fn the_header_states_the_deploy_identitys_rights() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let token = stack.add_secret(Secret::new("API_TOKEN"));
            stack.add_service(Service::new("api", Image::new("shop:1")).port(Port::http(8000)).env("TOKEN", token));
            stack
        })
        .pipeline(Pipeline::new(DeployTarget::Kubernetes));
        let bundle = super::super::render(&project.validate().unwrap(), &Options::with_root("")).unwrap();
        let namespace_file = bundle.file("kubernetes/production/namespace.yaml").expect("namespace.yaml");
        let namespace: super::super::Object = serde_saphyr::from_str(&namespace_file.contents).expect("a Namespace");
        let super::super::Object::Namespace(namespace) = namespace else { panic!("not a Namespace") };
        let name = namespace.metadata.name.expect("named");
        let header = &bundle.file("kubernetes/production/kustomization.yaml").expect("kustomization").contents;
        let note = header.lines().find(|l| l.contains("deploy identity")).unwrap_or_else(|| panic!("{header}"));
        for right in [
            format!("in {name}, the ClusterRole admin bound by a RoleBinding"),
            format!("cluster-scoped Namespace {name}: get and patch"),
            "create, which resourceNames cannot limit".to_string(),
            "reads the Secret's keys".to_string(),
        ] {
            assert!(note.contains(&right), "{right:?} not in {note}");
        }
    }
}
