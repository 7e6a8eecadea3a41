//! Platform facts: what images, frameworks and platforms do at run time, as data, each fact with
//! the source it comes from. Emitters ask these tables instead of guessing.

pub mod frameworks;
