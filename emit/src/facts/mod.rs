//! Platform and image facts as data, each with its source, so emitters ask instead of guessing.

pub mod platforms;
