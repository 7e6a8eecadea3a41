//! The team stacks Stackwright renders, one file each, written from the deployment documents
//! summarised in `../shared/seeds/STACKS.md`. Comments in each file say where a document is
//! silent and which choice was made.

pub mod anb;
pub mod feature_models;
pub mod metabuilder;
pub mod neosale;
mod probes;
pub mod synthetic;
pub mod wisebet;

use stack_dsl::Project;

/// The uid (and gid) of the `node` user in the official node images, which the stacks' Node
/// images are built from: `addgroup -g 1000 node && adduser -u 1000 -G node … node`
/// (<https://github.com/nodejs/docker-node/blob/main/22/alpine3.22/Dockerfile>). Kubernetes runs
/// containers by uid, so the stacks give the number: the user name alone would leave the
/// Kubernetes pods on an arbitrary uid that owns none of the image's files.
pub(crate) const NODE_UID: u32 = 1000;

/// Every team stack, in name order.
pub fn all() -> Vec<Project> {
    vec![anb::project(), feature_models::project(), metabuilder::project(), neosale::project(), wisebet::project()]
}
