//! Pull-request previews on Render: `previews.generation: automatic` at the Blueprint's root
//! makes a preview environment per pull request from the resources the Blueprint declares
//! (<https://render.com/docs/preview-environments>; fields: the Blueprint JSON Schema's
//! `rootPreviews` and `servicePreviews`). The Blueprint holds every hosted environment, so the
//! services of the others are left out with their own `previews.generation: off`. Cron jobs,
//! Key Value instances and databases have no such field: Render copies them too, which is
//! reported.

use stack_dsl::Previews;

use super::model::{Environment, Previews as RenderPreviews, ServiceType};
use crate::bundle::Warning;

/// Turn previews on for `environments` of stack `stack`, copying `previews.from`; what Render
/// copies although it belongs to another environment.
pub fn apply(stack: &str, environments: &mut [Environment], previews: &Previews) -> (RenderPreviews, Vec<Warning>) {
    let mut warnings = Vec::new();
    for environment in environments.iter_mut().filter(|e| e.name != previews.from.name()) {
        let service_name = |resource: &str| {
            let prefix = format!("{stack}-{}-", environment.name);
            resource.strip_prefix(&prefix).unwrap_or(resource).to_string()
        };
        let mut copied = Vec::new();
        for service in &mut environment.services {
            // Static sites are web services too.
            if matches!(service.kind, ServiceType::Web | ServiceType::Pserv | ServiceType::Worker) {
                service.previews = Some(RenderPreviews { generation: "off".into(), expire_after_days: None });
            } else {
                copied.push(service_name(&service.name));
            }
        }
        copied.extend(environment.databases.iter().map(|database| service_name(&database.name)));
        warnings.extend(copied.into_iter().map(|service| Warning {
            target: "render",
            env: environment.name.clone(),
            service,
            kind: crate::WarningKind::Adapted,
            message: format!(
                "pull-request previews copy {} but also this resource: Render cannot leave a cron job, Key Value \
                 instance or database out of previews, so each preview runs a copy of it",
                previews.from
            ),
        }));
    }
    let root = RenderPreviews { generation: "automatic".into(), expire_after_days: previews.expire_after_days };
    (root, warnings)
}
