//! The team stacks Stackwright renders, one file each, written from the deployment documents
//! summarised in `../shared/seeds/STACKS.md`. Comments in each file say where a document is
//! silent and which choice was made.

pub mod anb;
pub mod neosale;

use stack_dsl::Project;

/// Every team stack, in name order.
pub fn all() -> Vec<Project> {
    vec![anb::project(), neosale::project()]
}
