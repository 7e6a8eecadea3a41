//! The `kustomization.yaml` of an environment, so `kubectl apply -k` applies it as a whole:
//! <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/>. Config files whose
//! text the stack carries become generated ConfigMaps: kustomize appends a hash of their content
//! to the name and rewrites every pod's reference, so applying a changed file rolls the pods
//! (<https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/configmapgenerator/>).
//! Their copies live in the directory, as kustomize loads no file outside it by default.

use std::collections::BTreeMap;

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
    /// ConfigMaps generated from files, named with a hash of their content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_map_generator: Vec<ConfigMapGenerator>,
}

/// A ConfigMap made from files: `key=path` entries, relative to the kustomization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigMapGenerator {
    /// The name before the hash, as pods refer to it.
    pub name: String,
    /// `key=path` entries.
    pub files: Vec<String>,
    /// Labels of the generated object.
    pub options: GeneratorOptions,
}

/// Options of a generated object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorOptions {
    /// The stack's labels, so a deploy's prune scoped by them removes superseded ConfigMaps.
    pub labels: BTreeMap<String, String>,
    /// The name stays as written, for an object a later deploy reads back by name:
    /// <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/configmapgenerator/>.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_name_suffix_hash: bool,
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
            config_map_generator: Vec::new(),
        }
    }
}
