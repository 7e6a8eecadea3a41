//! What changed between two versions of a stack, said the way a reviewer thinks about it
//! ("api replicas 2 → 3", "new secret JWT_KEY"), computed from the model rather than from the text
//! of generated files.
//!
//! The comparison walks the serialised model, so a field added to the model later is reported
//! ("api healthcheck changed") without this file knowing about it. Secrets are references: only
//! their names are ever shown, and env values are never shown at all, only their names.

use std::fmt;

use serde_json::{Map, Value};

use crate::image::Image;
use crate::stack::Stack;

/// One change between two versions of a stack in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelChange {
    /// A service, volume, network, secret or external dependency is new.
    Added {
        /// What it is.
        kind: Kind,
        /// Its name.
        name: String,
    },
    /// A service, volume, network, secret or external dependency is gone.
    Removed {
        /// What it was.
        kind: Kind,
        /// Its name.
        name: String,
    },
    /// A volume, network, secret or external dependency kept its name but not its settings.
    Changed {
        /// What it is.
        kind: Kind,
        /// Its name.
        name: String,
    },
    /// A service runs another image.
    Image {
        /// The service.
        service: String,
        /// The image before.
        from: String,
        /// The image now.
        to: String,
    },
    /// A service runs another number of copies.
    Replicas {
        /// The service.
        service: String,
        /// Copies before.
        from: u32,
        /// Copies now.
        to: u32,
    },
    /// A service's environment variable is new, gone or has another value (never shown).
    Env {
        /// The service.
        service: String,
        /// The variable's name.
        variable: String,
        /// Whether it was added, removed or changed.
        change: Presence,
    },
    /// Any other setting of a service, by the model's field name (`healthcheck`, `routes`, …).
    ServiceField {
        /// The service.
        service: String,
        /// The field.
        field: String,
    },
    /// A setting of the stack itself (`edge`, `host`, …).
    StackField {
        /// The field.
        field: String,
    },
}

/// The named parts of a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A service.
    Service,
    /// A named volume.
    Volume,
    /// A network.
    Network,
    /// A secret (its name; the model never holds a value).
    Secret,
    /// A dependency outside the stack.
    External,
}

/// Whether a keyed item was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is there in both, with another value.
    Changed,
}

impl Kind {
    /// The stack's field that lists this kind, and the kind's name in prose.
    const FIELDS: [(&'static str, Kind); 5] = [
        ("services", Kind::Service),
        ("volumes", Kind::Volume),
        ("networks", Kind::Network),
        ("secrets", Kind::Secret),
        ("externals", Kind::External),
    ];

    fn noun(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Volume => "volume",
            Kind::Network => "network",
            Kind::Secret => "secret",
            Kind::External => "external",
        }
    }
}

impl fmt::Display for ModelChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelChange::Added { kind, name } => write!(f, "new {} {name}", kind.noun()),
            ModelChange::Removed { kind, name } => write!(f, "{} {name} removed", kind.noun()),
            ModelChange::Changed { kind, name } => write!(f, "{} {name} changed", kind.noun()),
            ModelChange::Image { service, from, to } => write!(f, "{service} image {from} → {}", shortened(from, to)),
            ModelChange::Replicas { service, from, to } => write!(f, "{service} replicas {from} → {to}"),
            ModelChange::Env { service, variable, change } => match change {
                Presence::Added => write!(f, "{service} new env {variable}"),
                Presence::Removed => write!(f, "{service} env {variable} removed"),
                Presence::Changed => write!(f, "{service} env {variable} changed"),
            },
            ModelChange::ServiceField { service, field } => write!(f, "{service} {field} changed"),
            ModelChange::StackField { field } => write!(f, "{field} changed"),
        }
    }
}

/// The new image without the repository both share: `ghcr.io/x/web:1.4 → 1.5`.
fn shortened<'a>(from: &str, to: &'a str) -> &'a str {
    match (repository_and_tag(from), repository_and_tag(to)) {
        (Some((old, _)), Some((new, tag))) if old == new => tag,
        _ => to,
    }
}

/// `registry:5000/web:1.4` → (`registry:5000/web`, `1.4`); `None` without a tag or with a digest.
fn repository_and_tag(image: &str) -> Option<(&str, &str)> {
    image.rsplit_once(':').filter(|(repository, tag)| !tag.contains('/') && !repository.contains('@'))
}

/// How an image reads in a summary: the reference, or the build context.
fn image_name(image: &Value) -> String {
    match serde_json::from_value::<Image>(image.clone()) {
        Ok(Image::Registry(reference)) => reference,
        Ok(Image::Build(build)) => match build.tag {
            Some(tag) => format!("build of {} tagged {tag}", build.context),
            None => format!("build of {}", build.context),
        },
        Err(_) => "an image".into(),
    }
}

/// Every change from `old` to `new`, stack settings first, then each kind of named part in the
/// model's order (services, volumes, networks, secrets, externals), items in the new order.
pub fn model_changes(old: &Stack, new: &Stack) -> Vec<ModelChange> {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) = (serde_json::to_value(old), serde_json::to_value(new))
    else {
        // Unreachable for the model's types (string keys only); said rather than hidden.
        return vec![ModelChange::StackField { field: "model".into() }];
    };
    let mut changes = Vec::new();
    for (field, value) in &new {
        if Kind::FIELDS.iter().all(|(list, _)| list != field) && old.get(field) != Some(value) {
            changes.push(ModelChange::StackField { field: field.clone() });
        }
    }
    for (field, kind) in Kind::FIELDS {
        let (old_items, new_items) = (named(old.get(field)), named(new.get(field)));
        for (name, item) in &new_items {
            match old_items.iter().find(|(old_name, _)| old_name == name) {
                None => changes.push(ModelChange::Added { kind, name: name.clone() }),
                Some((_, before)) if before == item => {}
                Some((_, before)) if kind == Kind::Service => service_changes(name, before, item, &mut changes),
                Some(_) => changes.push(ModelChange::Changed { kind, name: name.clone() }),
            }
        }
        for (name, _) in &old_items {
            if new_items.iter().all(|(new_name, _)| new_name != name) {
                changes.push(ModelChange::Removed { kind, name: name.clone() });
            }
        }
    }
    changes
}

/// The items of a list of named parts, by name.
fn named(list: Option<&Value>) -> Vec<(String, &Map<String, Value>)> {
    let items = list.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(|item| {
            let item = item.as_object()?;
            Some((item.get("name")?.as_str()?.to_string(), item))
        })
        .collect()
}

fn service_changes(service: &str, old: &Map<String, Value>, new: &Map<String, Value>, changes: &mut Vec<ModelChange>) {
    let service = service.to_string();
    // What a reviewer reads first, then the rest in the serialised model's (stable) order.
    let first = ["image", "replicas"];
    let fields = first.into_iter().chain(new.keys().map(String::as_str).filter(|field| !first.contains(field)));
    for field in fields {
        let Some(value) = new.get(field) else { continue };
        if old.get(field) == Some(value) {
            continue;
        }
        let field = field.to_string();
        match field.as_str() {
            "image" => changes.push(ModelChange::Image {
                service: service.clone(),
                from: old.get(&field).map(image_name).unwrap_or_default(),
                to: image_name(value),
            }),
            "replicas" => match (old.get(&field).and_then(Value::as_u64), value.as_u64()) {
                (Some(from), Some(to)) => changes.push(ModelChange::Replicas {
                    service: service.clone(),
                    from: u32::try_from(from).unwrap_or(u32::MAX),
                    to: u32::try_from(to).unwrap_or(u32::MAX),
                }),
                _ => changes.push(ModelChange::ServiceField { service: service.clone(), field }),
            },
            "env" => env_changes(&service, old.get(&field), value, changes),
            _ => changes.push(ModelChange::ServiceField { service: service.clone(), field }),
        }
    }
}

/// The env of a service is a map from names to values; compared by name.
fn env_changes(service: &str, old: Option<&Value>, new: &Value, changes: &mut Vec<ModelChange>) {
    let pairs = |map: Option<&Value>| -> Vec<(String, Value)> {
        let map = map.and_then(Value::as_object);
        map.into_iter().flatten().map(|(name, value)| (name.clone(), value.clone())).collect()
    };
    let (old, new) = (pairs(old), pairs(Some(new)));
    let mut push = |variable: &str, change| {
        changes.push(ModelChange::Env { service: service.to_string(), variable: variable.to_string(), change });
    };
    for (name, value) in &new {
        match old.iter().find(|(old_name, _)| old_name == name) {
            None => push(name, Presence::Added),
            Some((_, before)) if before != value => push(name, Presence::Changed),
            Some(_) => {}
        }
    }
    for (name, _) in &old {
        if new.iter().all(|(new_name, _)| new_name != name) {
            push(name, Presence::Removed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Image, Probe, Secret, Service, Volume};

    /// A shop whose API runs `replicas` copies of `api_image`, with or without a JWT secret.
    fn shop(replicas: u32, api_image: &str, jwt: bool) -> Stack {
        let mut stack = Stack::new("shop");
        let mut api = Service::new("api", Image::new(api_image)).replicas(replicas).env("LOG_LEVEL", "info");
        if jwt {
            let key = stack.add_secret(Secret::new("JWT_KEY"));
            api = api.env("JWT", &key);
        }
        stack.add_service(api);
        stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")));
        stack
    }

    fn summary(old: &Stack, new: &Stack) -> String {
        model_changes(old, new).iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn the_same_stack_has_no_changes() {
        assert_eq!(model_changes(&shop(2, "ghcr.io/x/api:1.4", true), &shop(2, "ghcr.io/x/api:1.4", true)), []);
    }

    #[test]
    fn replicas_images_and_secrets_read_as_a_reviewer_says_them() {
        let (old, new) = (shop(2, "ghcr.io/x/api:1.4", false), shop(3, "ghcr.io/x/api:1.5", true));
        assert_eq!(
            model_changes(&old, &new),
            [
                ModelChange::Image {
                    service: "api".into(),
                    from: "ghcr.io/x/api:1.4".into(),
                    to: "ghcr.io/x/api:1.5".into()
                },
                ModelChange::Replicas { service: "api".into(), from: 2, to: 3 },
                ModelChange::Env { service: "api".into(), variable: "JWT".into(), change: Presence::Added },
                ModelChange::Added { kind: Kind::Secret, name: "JWT_KEY".into() },
            ]
        );
        assert_eq!(
            summary(&old, &new),
            "api image ghcr.io/x/api:1.4 → 1.5; api replicas 2 → 3; api new env JWT; new secret JWT_KEY"
        );
        assert_eq!(
            summary(&new, &old),
            "api image ghcr.io/x/api:1.5 → 1.4; api replicas 3 → 2; api env JWT removed; secret JWT_KEY removed"
        );
    }

    #[test]
    fn another_repository_or_a_registry_port_is_shown_whole() {
        assert_eq!(shortened("ghcr.io/x/api:1.4", "ghcr.io/y/api:1.4"), "ghcr.io/y/api:1.4");
        assert_eq!(shortened("registry:5000/api", "registry:5000/api:2"), "registry:5000/api:2");
        assert_eq!(shortened("api@sha256:aa", "api@sha256:bb"), "api@sha256:bb");
    }

    #[test]
    fn env_values_are_never_shown_only_their_names() {
        let old = shop(1, "api:1", false);
        let mut new = old.clone();
        new.services[0].env[0].1 = "hunter2-debug".into();
        let said = summary(&old, &new);
        assert_eq!(said, "api env LOG_LEVEL changed");
        assert!(!said.contains("hunter2") && !said.contains("info"));
    }

    #[test]
    fn fields_this_file_does_not_name_are_still_reported() {
        let old = shop(1, "api:1", false);
        let mut new = old.clone();
        new.services[1] = new.services[1].clone().healthcheck(Probe::http(80, "/"));
        new.add_volume(Volume::persistent("uploads"));
        new.services.remove(0);
        new.host = Some(crate::Host::new(crate::Cpu::cores(2), crate::Memory::mib(4096)));
        assert_eq!(
            summary(&old, &new),
            "host changed; web healthcheck changed; service api removed; new volume uploads"
        );
    }
}
