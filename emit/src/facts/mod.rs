//! Platform facts: what images, frameworks and platforms do at run time, as data, each fact with
//! the source it comes from. Emitters ask these tables instead of matching image names or guessing.

pub mod cert_manager;
pub mod dns;
pub mod frameworks;
pub mod images;
pub mod kubelet;
pub mod platforms;
pub mod reserved_hosts;
pub mod rollouts;
