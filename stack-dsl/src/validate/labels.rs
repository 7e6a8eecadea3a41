//! Labels: each key set once on a service.

use std::collections::HashSet;

use super::Checker;
use crate::service::Service;

impl Checker<'_> {
    pub(super) fn check_labels(&mut self, at: &str, service: &Service) {
        let mut labels = HashSet::new();
        for (key, _) in &service.labels {
            if !labels.insert(key.as_str()) {
                self.report(&[at, &format!("label {key}")], "the label is set twice", "Set each label once");
            }
        }
    }
}
