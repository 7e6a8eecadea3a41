//! Names and values that some target would reject or silently change, refused before
//! rendering with the rule, the limit and the fix.
//!
//! - Kubernetes Service names are RFC 1035 labels (start with a letter); namespaces and
//!   container names are DNS-1123 labels of at most 63 characters:
//!   <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>.
//! - CronJob names have at most 52 characters:
//!   <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#writing-a-cronjob-spec>.
//! - Ingress hosts are lowercase DNS names, not IP addresses:
//!   <https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressSpec>.
//! - Cron fields and their ranges: <https://man7.org/linux/man-pages/man5/crontab.5.html>.
//! - Image references: <https://github.com/distribution/reference/blob/main/regexp.go>.
//! - Replica counts are `int32` in Kubernetes, which would clamp larger ones.
//! - A config file becomes a ConfigMap key named after the file: letters, digits, `-`, `_`, `.`
//!   (<https://kubernetes.io/docs/concepts/configuration/configmap/#configmap-object>).

use crate::env::Env;
use crate::image::Image;
use crate::problem::Problem;
use crate::service::{Run, Service};
use crate::stack::Stack;
use crate::volume::MountSource;

/// Longest CronJob name Kubernetes accepts (it appends 11 characters to name its Jobs).
pub const MAX_CRONJOB_NAME: usize = 52;

/// Prefix of the init container that waits for a dependency (the Kubernetes emitter's name).
const WAIT_PREFIX: &str = "wait-for-";

/// The problems of the stack as a whole in `env`; `at` is its location.
pub(crate) fn stack_problems(at: &[String], stack: &Stack, env: Env) -> Vec<Problem> {
    let namespace = format!("{}-{env}", stack.name);
    if namespace.len() <= 63 {
        return Vec::new();
    }
    vec![Problem {
        path: at.to_vec(),
        message: format!(
            "the Kubernetes namespace {namespace:?} (stack name, '-', environment) is {} characters long; at most 63 are allowed",
            namespace.len()
        ),
        fix: format!("Shorten the stack name to at most {} characters", 63 - 1 - env.name().len()),
    }]
}

/// The problems of one service; `at` is its location.
pub(crate) fn service_problems(at: &[String], service: &Service) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut report = |field: &str, message: String, fix: String| {
        let mut path = at.to_vec();
        if !field.is_empty() {
            path.push(field.into());
        }
        found.push(Problem { path, message, fix });
    };
    if service.name.starts_with(|c: char| c.is_ascii_digit()) {
        report(
            "",
            format!(
                "the name {:?} starts with a digit; Kubernetes Service names must start with a letter",
                service.name
            ),
            format!("Start the name with a letter, such as \"svc-{}\"", service.name),
        );
    }
    if let Run::OnSchedule(_) = service.run
        && service.name.len() > MAX_CRONJOB_NAME
    {
        report(
            "",
            format!(
                "a cron job's name has at most {MAX_CRONJOB_NAME} characters (Kubernetes CronJob), and {:?} has {}",
                service.name,
                service.name.len()
            ),
            format!("Shorten the name to at most {MAX_CRONJOB_NAME} characters"),
        );
    }
    for dependency in &service.depends_on {
        let waiter = format!("{WAIT_PREFIX}{}", dependency.service.name());
        if waiter.len() > 63 {
            report(
                &format!("depends_on {}", dependency.service.name()),
                format!("the init container that waits for it, {waiter:?}, would be longer than 63 characters"),
                format!(
                    "Shorten the name of {} to at most {} characters",
                    dependency.service.name(),
                    63 - WAIT_PREFIX.len()
                ),
            );
        }
    }
    let most = service.autoscale.map_or(service.replicas, |scale| scale.max.max(service.replicas));
    if most > i32::MAX as u32 {
        report(
            "replicas",
            format!("{most} replicas is more than Kubernetes can hold ({}), so it would be clamped", i32::MAX),
            "Run a realistic number of replicas".into(),
        );
    }
    for route in &service.routes {
        if let Some(why) = ingress_host_problem(&route.host) {
            report(
                &format!("route {}{}", route.host, route.path),
                why,
                format!("Write the host as {:?}", route.host.to_ascii_lowercase()),
            );
        }
    }
    if let Run::OnSchedule(schedule) = &service.run
        && let Some(why) = cron_range_problem(schedule)
    {
        report(
            "schedule",
            format!("the cron schedule {schedule:?} is out of range: {why}"),
            "Keep minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7".into(),
        );
    }
    match &service.image {
        Image::Registry(reference) => {
            if let Some(why) = image_reference_problem(reference) {
                report(
                    "image",
                    format!("the image reference {reference:?} is invalid: {why}"),
                    "Write it as [registry/]name[:tag][@sha256:digest] with a lowercase name, such as \"ghcr.io/acme/api:1.4\"".into(),
                );
            }
        }
        Image::Build(build) => {
            let paths = [("build context", Some(&build.context)), ("dockerfile", build.dockerfile.as_ref())];
            for (what, path) in paths.into_iter().filter_map(|(w, p)| Some((w, p?))) {
                if let Some(why) = repository_path_problem(path) {
                    report(
                        "image",
                        format!("the {what} {path:?} {why}"),
                        "Give a path inside the repository, relative to its root, such as \"backend\"".into(),
                    );
                }
            }
        }
    }
    for mount in &service.mounts {
        let MountSource::Config(path) = &mount.source else { continue };
        if let Some(why) = repository_path_problem(path) {
            report(
                &format!("mount {}", mount.target),
                format!("the config file {path:?} {why}"),
                "Keep the file in the repository and give its path from the root, such as \"./nginx/nginx.conf\""
                    .into(),
            );
        }
        let file = path.rsplit('/').next().unwrap_or(path);
        let key_character = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if !file.is_empty() && (!file.chars().all(key_character) || !file.chars().any(|c| c.is_ascii_alphanumeric())) {
            report(
                &format!("mount {}", mount.target),
                format!(
                    "the config file's name {file:?} cannot be a ConfigMap key (letters, digits, '-', '_' and '.' only)"
                ),
                "Rename the file, such as \"nginx.conf\"".into(),
            );
        }
    }
    found
}

/// Why a path from the repository root leaves it, or `None`.
fn repository_path_problem(path: &str) -> Option<&'static str> {
    if path.starts_with('/') {
        Some("is absolute; paths are relative to the repository root, and CI sees only the repository")
    } else if path.split(['/', '\\']).any(|part| part == "..") {
        Some("climbs out with '..'; CI and the platforms see only the repository")
    } else {
        None
    }
}

/// What the Kubernetes Ingress rejects in a host that the shared host-name rule lets through.
fn ingress_host_problem(host: &str) -> Option<String> {
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        return Some(format!("the host {host:?} has uppercase letters, which an Ingress rejects"));
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() == 4 && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit())) {
        return Some(format!(
            "the host {host:?} is an IP address; an Ingress, a certificate and the platforms need a DNS name"
        ));
    }
    None
}

/// Why a five-field cron schedule has a value out of range, or `None`. Characters are checked
/// by validation's own cron rule; this checks numbers, ranges and steps.
pub(crate) fn cron_range_problem(schedule: &str) -> Option<String> {
    const FIELDS: [(&str, u32, u32); 5] =
        [("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7)];
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    let cron_characters = |c: char| c.is_ascii_alphanumeric() || matches!(c, '*' | '/' | ',' | '-');
    if fields.len() != 5 || !schedule.chars().all(|c| c.is_whitespace() || cron_characters(c)) {
        return None; // validation's own cron rule reports it
    }
    for (field, (what, low, high)) in fields.iter().zip(FIELDS) {
        for item in field.split(',') {
            let (range, step) = item.split_once('/').map_or((item, None), |(r, s)| (r, Some(s)));
            if let Some(step) = step
                && !step.parse::<u32>().is_ok_and(|s| s >= 1 && s <= high)
            {
                return Some(format!("the {what} step {step:?} is not a number from 1 to {high}"));
            }
            let named = !range.is_empty() && range.chars().all(|c| c.is_ascii_alphabetic());
            if range == "*" || (named && (what == "month" || what == "day of week")) {
                continue;
            }
            let (first, last) = range.split_once('-').unwrap_or((range, range));
            for value in [first, last] {
                if !value.parse::<u32>().is_ok_and(|v| (low..=high).contains(&v)) {
                    return Some(format!("the {what} {value:?} is not a number from {low} to {high}"));
                }
            }
        }
    }
    None
}

/// Why `reference` is not an image reference the registries accept, or `None`.
pub(crate) fn image_reference_problem(reference: &str) -> Option<String> {
    if reference.is_empty() || reference.chars().any(char::is_whitespace) {
        return None; // reported by validation's own image rule
    }
    let (rest, digest) = reference.split_once('@').map_or((reference, None), |(r, d)| (r, Some(d)));
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        });
        if !valid {
            return Some(format!("the digest {digest:?} is not algorithm:hex, such as sha256:<64 hex digits>"));
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let mut chars = tag.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !first_ok || tag.len() > 128 || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            return Some(format!(
                "the tag {tag:?} must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
            ));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    let first = components[0];
    if components.len() > 1
        && (first.contains(['.', ':']) || first == "localhost" || first.chars().any(|c| c.is_ascii_uppercase()))
    {
        components.remove(0); // a registry host, which may have uppercase letters and a port
    }
    for component in components {
        let separators_ok = !component.is_empty()
            && component.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && component.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        let chars_ok =
            component.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !separators_ok || !chars_ok {
            return Some(format!(
                "the path component {component:?} must be lowercase letters and digits, separated by '.', '_' or '-'"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        for ok in [
            "nginx",
            "nginx:1.27-alpine",
            "ghcr.io/acme/api:sha-1",
            "localhost:5000/x",
            "My.Registry.io/a/b",
            "redis@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(image_reference_problem(ok), None, "{ok}");
        }
        for bad in ["UPPER/Case:tag", "nginx:", "nginx:-x", "Nginx", "a//b", "nginx@md5", "x/-y"] {
            assert!(image_reference_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn cron_ranges() {
        for ok in ["0 2 * * *", "*/15 * * * 1-5", "0 0 1 JAN SUN", "5,35 0-23/2 * * 7"] {
            assert_eq!(cron_range_problem(ok), None, "{ok}");
        }
        for bad in ["61 * * * *", "0 24 * * *", "0 0 0 * *", "0 0 * 13 *", "0 0 * * 8", "*/0 * * * *", "1-99 * * * *"] {
            assert!(cron_range_problem(bad).is_some(), "{bad}");
        }
    }
}
