//! The one Secret an environment reads, which the emitter never writes: its name, the keys the
//! manifests reference, and the workloads whose pods read it. The deploy checks that every key
//! exists before it applies anything, and stamps a checksum of the Secret's data on those pod
//! templates, so a changed Secret rolls the pods that read it (environment variables from a
//! Secret are read once, at container start:
//! <https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables>).

use std::collections::BTreeSet;

use stack_dsl::{Cluster, ValidStack};

use super::lower::{Lowered, lower};
use crate::error::Error;

/// The pod-template annotation holding the checksum of the Secret's data.
pub const CHECKSUM_ANNOTATION: &str = "stackwright.dev/secret-checksum";

/// What a deploy needs to know about the environment's Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackSecret {
    /// The Secret's name.
    pub name: String,
    /// The keys the manifests read.
    pub keys: BTreeSet<String>,
    /// The keys pods cannot start without: all but those of a `Secret::optional`, which the
    /// manifests reference with `optional: true`.
    pub required: BTreeSet<String>,
    /// The workloads to roll when keys they read change.
    pub readers: Vec<Reader>,
}

/// A Deployment or StatefulSet whose pods read keys of the Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    /// `Deployment` or `StatefulSet`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// The keys a change of which takes a restart to reach it: those it reads, less those it
    /// reads only on its first start.
    pub keys: BTreeSet<String>,
}

/// The Secret of `stack`, if its manifests read one.
pub fn stack_secret(stack: &ValidStack, cluster: &Cluster) -> Result<Option<StackSecret>, Error> {
    let lowered = lower(stack, cluster)?;
    if lowered.secret_keys.is_empty() {
        return Ok(None);
    }
    let readers = readers(stack, &lowered);
    let required = lowered
        .secret_keys
        .iter()
        .filter(|key| !stack.secrets.iter().any(|s| &&s.name == key && s.optional))
        .cloned()
        .collect();
    Ok(Some(StackSecret { name: lowered.secret_name, keys: lowered.secret_keys, required, readers }))
}

/// The workloads of `lowered` that must restart to see a changed key of its Secret.
pub(super) fn readers(stack: &ValidStack, lowered: &Lowered) -> Vec<Reader> {
    lowered
        .long_running
        .iter()
        .filter_map(|workload| {
            let first_start: Vec<&str> = stack
                .service(&workload.name)
                .map(|s| crate::first_start::keys(s).into_iter().map(|key| key.secret).collect())
                .unwrap_or_default();
            let keys: BTreeSet<String> =
                workload.secret_keys.iter().filter(|key| !first_start.contains(&key.as_str())).cloned().collect();
            (!keys.is_empty()).then(|| Reader { kind: workload.kind, name: workload.name.clone(), keys })
        })
        .collect()
}
