//! Platform facts: what images and platforms do at runtime, as data with a source per fact.
//! Emitters ask these tables instead of matching image names or guessing.

pub mod images;
