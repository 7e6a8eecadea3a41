//! Pulling the project's own images: the pipeline pushes them to a registry that is private by
//! default (GHCR: <https://docs.github.com/en/packages/learn-github-packages/configuring-a-packages-access-control-and-visibility>),
//! so pods running them name the project's docker-registry Secret in `imagePullSecrets`, and the
//! kustomization header gives the command that creates it:
//! <https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/>.

use k8s_openapi::api::core::v1::LocalObjectReference;
use stack_dsl::{Cluster, Image, Pipeline, Service};

/// The pull secrets of `service`'s pod: the project's, when it runs an image built from the
/// repository.
pub fn image_pull_secrets(service: &Service, cluster: &Cluster) -> Option<Vec<LocalObjectReference>> {
    matches!(service.image, Image::Build(_)).then(|| vec![LocalObjectReference { name: cluster.pull_secret.clone() }])
}

/// The command that creates the pull secret in `namespace`, for the registry the pipeline
/// pushes to (its host, such as `ghcr.io`).
pub fn create_command(cluster: &Cluster, pipeline: Option<&Pipeline>, namespace: &str) -> String {
    let server = pipeline.map_or("<registry host>", |p| p.registry.host());
    let password = if server == "ghcr.io" {
        "<a token with the read:packages scope>"
    } else {
        "<a token that can pull the images>"
    };
    format!(
        "kubectl create secret docker-registry {} -n {namespace} --docker-server={server} --docker-username=<user> --docker-password={password}",
        cluster.pull_secret
    )
}
