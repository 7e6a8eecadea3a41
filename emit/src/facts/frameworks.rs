//! What web frameworks need from the platform that runs them, one entry per framework, each
//! with its source.

use stack_dsl::{Check, EnvValue, Framework, Probe, Ready, Run, Service, ValidStack};

/// A framework that answers only requests whose `Host` header names a host it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostAllowlist {
    /// The setting listing the host names, read from the environment variable of that name.
    pub variable: &'static str,
    /// What a request for another host gets.
    pub rejection: &'static str,
}

/// Django compares each request's host (without the port) with `ALLOWED_HOSTS` and answers any
/// other host `400 Bad Request`; `*` allows any host, `.example.com` the domain and its
/// subdomains. <https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts>
const DJANGO_HOSTS: HostAllowlist = HostAllowlist { variable: "ALLOWED_HOSTS", rejection: "400 Bad Request" };

/// The host allowlist `framework` enforces, if any.
pub fn host_allowlist(framework: Framework) -> Option<HostAllowlist> {
    match framework {
        Framework::Django => Some(DJANGO_HOSTS),
        _ => None,
    }
}

/// The `manage.py` commands a Django deploy runs before the new code serves: `migrate` brings the
/// schema up to date (<https://docs.djangoproject.com/en/stable/topics/migrations/>), and
/// `collectstatic` copies the static files into `STATIC_ROOT`, which the web server serves
/// (<https://docs.djangoproject.com/en/stable/howto/static-files/deployment/>).
const DJANGO_RELEASE: &[&str] = &["migrate", "collectstatic"];

/// The commands that must complete before `framework` serves a new release, if any.
pub fn release_commands(framework: Framework) -> &'static [&'static str] {
    match framework {
        Framework::Django => DJANGO_RELEASE,
        _ => &[],
    }
}

/// The release commands `service` starts without: those no one-shot job it waits for runs.
pub fn missing_release_steps(stack: &ValidStack, service: &Service) -> Vec<&'static str> {
    let Some(framework) = service.framework else { return Vec::new() };
    release_commands(framework)
        .iter()
        .copied()
        .filter(|command| {
            !service.depends_on.iter().any(|d| {
                d.ready == Ready::Completed
                    && stack.resolve(&d.service).is_some_and(|job| {
                        job.run == Run::Once
                            && job.command.as_ref().is_some_and(|argv| argv.iter().any(|a| a == command))
                    })
            })
        })
        .collect()
}

/// Whether a comma-separated allowlist admits `host`, by Django's rules.
pub fn list_admits(list: &str, host: &str) -> bool {
    list.split(',').map(str::trim).any(|entry| admits(entry, host))
}

/// Whether one allowlist entry admits `host`, by Django's rules.
fn admits(entry: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let entry = entry.to_ascii_lowercase();
    entry == "*"
        || entry == host
        || entry.strip_prefix('.').is_some_and(|domain| host == domain || host.ends_with(&entry))
}

/// Why the framework of `service` would reject its HTTP health checks, and how to fix it:
/// a check must send a `Host` the allowlist admits, since platforms otherwise send the address
/// they connect to (`127.0.0.1`, the pod's IP).
pub fn rejected_health_check(service: &Service) -> Option<(String, String)> {
    let allowlist = host_allowlist(service.framework?)?;
    let entries: Vec<&str> = match service.env.iter().find(|(name, _)| name == allowlist.variable) {
        Some((_, EnvValue::Literal(list))) => list.split(',').map(str::trim).filter(|e| !e.is_empty()).collect(),
        // A list held in a secret cannot be read here; the check's own host is trusted.
        Some(_) => return None,
        None => Vec::new(),
    };
    let probes: [(&str, Option<&Probe>); 2] =
        [("health check", service.healthcheck.as_ref()), ("liveness check", service.liveness.as_ref())];
    for (kind, probe) in probes {
        let Some(probe) = probe.filter(|p| matches!(p.check, Check::Http { .. })) else { continue };
        let admitted = match &probe.host {
            Some(host) => entries.iter().any(|e| admits(e, host)),
            None => entries.contains(&"*"),
        };
        if !admitted {
            let sent = probe.host.as_deref().unwrap_or("the address the platform connects to");
            let suggestion = entries.first().copied().unwrap_or("example.com");
            return Some((
                format!(
                    "its {kind} sends Host {sent}, which {} = {:?} does not admit, so it gets {} and never passes",
                    allowlist.variable,
                    entries.join(","),
                    allowlist.rejection
                ),
                format!(
                    "Send a host the service serves with .host(\"{suggestion}\") on the check (and in its command), or add the host to {}",
                    allowlist.variable
                ),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use stack_dsl::Image;

    fn django(allowed: &str, probe: Probe) -> Service {
        Service::new("web", Image::new("app"))
            .framework(Framework::Django)
            .env("ALLOWED_HOSTS", allowed)
            .healthcheck(probe)
    }

    #[test]
    fn django_rejects_checks_for_hosts_it_does_not_serve() {
        assert!(rejected_health_check(&django("example.com", Probe::http(8000, "/"))).is_some());
        assert!(rejected_health_check(&django("example.com", Probe::http(8000, "/").host("127.0.0.1"))).is_some());
        assert!(rejected_health_check(&django("example.com", Probe::http(8000, "/").host("example.com"))).is_none());
        assert!(
            rejected_health_check(&django(".example.com", Probe::http(8000, "/").host("api.example.com"))).is_none()
        );
        assert!(rejected_health_check(&django("*", Probe::http(8000, "/"))).is_none());
        assert!(rejected_health_check(&django("example.com", Probe::exec(["true"]))).is_none());
    }

    #[test]
    fn a_list_admits_a_host_one_of_its_entries_admits() {
        assert!(list_admits("a.example.com, .example.org", "api.example.org"));
        assert!(!list_admits("example.com", "healthcheck.railway.app"));
    }
}
