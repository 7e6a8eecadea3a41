//! The `kustomization.yaml` of an environment, so `kubectl apply -k` applies it as a whole:
//! <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/>.

use serde::{Deserialize, Serialize};

/// The fields of a Kustomization the emitter writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kustomization {
    /// `kustomize.config.k8s.io/v1beta1`.
    pub api_version: String,
    /// `Kustomization`.
    pub kind: String,
    /// The namespace every object goes to.
    pub namespace: String,
    /// The files, in apply order.
    pub resources: Vec<String>,
    /// Tags of the images built from the repository; the pipeline sets them with
    /// `kustomize edit set image`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageTag>,
}

/// The tag of one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTag {
    /// The image name used in the manifests.
    pub name: String,
    /// Its tag.
    pub new_tag: String,
}

impl Kustomization {
    /// A kustomization of `resources` in `namespace`.
    pub fn new(namespace: String, resources: Vec<String>, images: Vec<ImageTag>) -> Self {
        Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1".into(),
            kind: "Kustomization".into(),
            namespace,
            resources,
            images,
        }
    }
}
