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

/// Every team stack, in name order.
pub fn all() -> Vec<Project> {
    vec![anb::project(), feature_models::project(), metabuilder::project(), neosale::project(), wisebet::project()]
}
