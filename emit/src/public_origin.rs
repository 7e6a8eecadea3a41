//! The public origin of a service (`ServiceRef::public_url` / `public_host`), independent of any
//! target: the host of its first route and the scheme it is served with. The route's host is the
//! one input; in a hosted environment a host reserved for examples
//! ([`crate::facts::reserved_hosts::stands_in`]) is a stand-in for the team's real host, which
//! each target then reads from its own setting (`PUBLIC_HOST_<SERVICE>` in Compose, the
//! platform's own domain on Railway, a dashboard value on Render), so no browser is ever told
//! to send it as an `Origin` and no router answers it.

use stack_dsl::{ServiceRef, ValidProject, ValidStack};

use crate::facts::reserved_hosts;

/// The public origin of one service in one environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicOrigin<'a> {
    /// The service served there.
    pub service: &'a str,
    /// The host of its first route, as the stack gives it.
    pub host: &'a str,
    /// `https` when the route has TLS, else `http`.
    pub scheme: &'static str,
    /// True when the host stands in for one the team has not named.
    pub placeholder: bool,
}

impl PublicOrigin<'_> {
    /// `scheme://<host>`, the host spelled by `host` when it is a placeholder.
    pub fn url(&self, host: impl FnOnce(&str) -> String) -> String {
        format!("{}://{}", self.scheme, self.host_spelled(host))
    }

    /// The host, spelled by `host` when it is a placeholder.
    pub fn host_spelled(&self, host: impl FnOnce(&str) -> String) -> String {
        if self.placeholder { host(self.service) } else { self.host.to_string() }
    }
}

/// The public origin of `target` in `stack`; `None` when it has no route (validation rules
/// that out for a reference).
pub fn of<'a>(stack: &'a ValidStack, target: &ServiceRef) -> Option<PublicOrigin<'a>> {
    let service = stack.resolve(target)?;
    let route = service.routes.first()?;
    Some(PublicOrigin {
        service: &service.name,
        host: &route.host,
        scheme: if route.tls { "https" } else { "http" },
        placeholder: reserved_hosts::stands_in(stack.env(), &route.host),
    })
}

/// The name of the setting that holds the real public host of `service`: `PUBLIC_HOST_API` for
/// `api`, `PUBLIC_HOST_CELERY_WORKER` for `celery-worker`.
pub fn variable(service: &str) -> String {
    format!("PUBLIC_HOST_{}", service.to_ascii_uppercase().replace('-', "_"))
}

/// The repository variable of a pipeline that holds the real public host of `service` in `env`:
/// `PUBLIC_HOST_API_STAGING`.
pub fn variable_in(service: &str, env: &str) -> String {
    format!("{}_{}", variable(service), env.to_ascii_uppercase().replace('-', "_"))
}

/// True when `project`'s pipeline deploys `target` (a name of [`crate::TARGETS`]), and so reads
/// the real host behind each placeholder from a repository variable.
pub fn piped(project: &ValidProject, target: &str) -> bool {
    project.pipeline().is_some_and(|pipeline| crate::layout::target_of(pipeline.target) == target)
}

/// `host`, routed to `service` in `env`, as a page for people spells it: a placeholder is
/// `<the host in PUBLIC_HOST_API_STAGING>`, the repository variable a deploy pipeline
/// (`piped`: see [`piped`]) reads the team's real one from, else `<the real host of api>`.
pub fn host_for_people(piped: bool, env: stack_dsl::Env, service: &str, host: &str) -> String {
    if !reserved_hosts::stands_in(env, host) {
        host.to_string()
    } else if piped {
        format!("<the host in {}>", variable_in(service, env.name()))
    } else {
        format!("<the real host of {service}>")
    }
}

/// The placeholder route hosts of `stack`, (host, service), longest first, so `api.example.com`
/// is never half-replaced by a route of `example.com`.
pub fn placeholder_routes(stack: &ValidStack) -> Vec<(&str, &str)> {
    let mut routes: Vec<(&str, &str)> = stack
        .services()
        .flat_map(|s| s.routes.iter().map(move |r| (r.host.as_str(), s.name.as_str())))
        .filter(|(host, _)| reserved_hosts::stands_in(stack.env(), host))
        .collect();
    routes.sort_by_key(|(host, _)| std::cmp::Reverse(host.len()));
    routes
}

/// `text` (a URL baked into a build argument, say) with every host of `routes` (host, service)
/// that stands whole after `//` replaced by `spell(service)`, and the services replaced.
pub fn spell_hosts<'a>(
    text: &str,
    routes: &[(&str, &'a str)],
    spell: impl Fn(&str) -> String,
) -> (String, Vec<&'a str>) {
    let mut text = text.to_string();
    let mut read = Vec::new();
    for (host, service) in routes {
        let replaced = replace_host(&text, host, &spell(service));
        if replaced != text {
            text = replaced;
            read.push(*service);
        }
    }
    (text, read)
}

/// `text` with `host` replaced where it stands as a whole host name (after `//` and before
/// `/`, `:`, a quote, a line end or the end), so `api.example.com` does not match inside
/// `staging.api.example.com`.
fn replace_host(text: &str, host: &str, by: &str) -> String {
    let from = format!("//{host}");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&from) {
        let after = &rest[at + from.len()..];
        let whole = after.is_empty() || after.starts_with(['/', ':', '\n', '"', '\'', ',']);
        out.push_str(&rest[..at + 2]);
        out.push_str(if whole { by } else { host });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use stack_dsl::{Env, Image, Port, Project, Route, Service, Stack};

    fn origin_in(env: Env, host: &'static str) -> (String, bool) {
        let project = Project::new("shop", [env], move |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("web-app", Image::new("web:1")).port(Port::http(3000)).route(Route::new(host).tls()),
            );
            stack
        });
        let valid = project.validate().expect("valid");
        let stack = &valid.stacks()[0];
        let origin = of(stack, &stack.reference("web-app")).expect("routed");
        (origin.url(|s| format!("${{{}}}", variable(s))), origin.placeholder)
    }

    #[test]
    fn a_reserved_host_is_a_stand_in_only_where_the_stack_is_hosted() {
        assert_eq!(origin_in(Env::Production, "shop.example.com"), ("https://${PUBLIC_HOST_WEB_APP}".into(), true));
        assert_eq!(origin_in(Env::Production, "shop.example.io"), ("https://shop.example.io".into(), false));
        // Development runs locally, where `*.localhost` resolves to the machine itself.
        assert_eq!(origin_in(Env::Dev, "shop.localhost"), ("https://shop.localhost".into(), false));
    }

    #[test]
    fn placeholder_hosts_are_replaced_where_they_stand_whole() {
        let routes = [("api.example.com", "api"), ("example.com", "web")];
        let (text, read) =
            spell_hosts("URL=https://api.example.com/v1\nWEB=https://example.com", &routes, |s| format!("<{s}>"));
        assert_eq!(text, "URL=https://<api>/v1\nWEB=https://<web>");
        assert_eq!(read, ["api", "web"]);
        let (kept, none) = spell_hosts("https://staging.api.example.com", &routes[..1], |s| s.to_string());
        assert_eq!((kept.as_str(), none.len()), ("https://staging.api.example.com", 0));
    }

    /// DNS lines and domain commands name the setting holding the team's host, not the
    /// placeholder no one can point a record at.
    #[test]
    fn a_placeholder_is_named_for_people_by_its_setting() {
        assert_eq!(
            host_for_people(true, Env::Staging, "web-app", "shop.example.com"),
            "<the host in PUBLIC_HOST_WEB_APP_STAGING>"
        );
        assert_eq!(host_for_people(false, Env::Staging, "web-app", "shop.example.com"), "<the real host of web-app>");
        assert_eq!(host_for_people(true, Env::Staging, "web-app", "shop.acme.io"), "shop.acme.io");
        assert_eq!(host_for_people(true, Env::Dev, "web-app", "shop.localhost"), "shop.localhost");
    }
}
