//! The settings of a deployed service that the platform cannot apply, reported in one line.

use stack_dsl::Service;

use super::Plan;

impl Plan<'_> {
    /// Report the settings of a deployed service that the platform cannot apply, in one line.
    pub fn report_unportable(&mut self, service: &Service, platform_specific: Vec<String>) {
        let mut unportable = Vec::new();
        if let Some(user) = &service.user {
            let who = match user {
                stack_dsl::User::Named(name) => name.clone(),
                stack_dsl::User::Id { uid, .. } => uid.to_string(),
            };
            unportable.push(format!("the user {who} (set USER in the Dockerfile)"));
        }
        if service.read_only_root {
            unportable.push("a read-only root filesystem".into());
        }
        if service.entrypoint.is_some() {
            unportable.push("the entrypoint (set ENTRYPOINT in the Dockerfile)".into());
        }
        unportable.extend(platform_specific);
        if !unportable.is_empty() {
            let message = format!("{} cannot set {}", self.platform, unportable.join(", "));
            self.warn(&service.name, message);
        }
    }
}
