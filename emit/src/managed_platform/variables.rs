//! The variables the platform needs set beyond the stack's own: the port its edge and health
//! checks reach, build arguments, and the hosts a framework's allowlist must admit.

use stack_dsl::{EnvValue, Image, Protocol, Service};

use super::{Placement, Plan};
use crate::pushed_image::{PushedImage, pushed_image, unnamed_registry};

impl<'a> Plan<'a> {
    /// The port variable the platform needs set so that its edge and health checks reach the
    /// port the service listens on: the HTTP health check's port, else the port of the first
    /// route, else the first HTTP port. `None` when nothing is routed or checked, or when the
    /// service sets the variable itself (reported when it names another port).
    pub fn port_variable(&mut self, service: &Service, placement: &Placement) -> Option<(String, String)> {
        if !self.facts.health_checks_port_variable {
            return None;
        }
        let checked = match service.healthcheck.as_ref().map(|p| &p.check) {
            Some(stack_dsl::Check::Http { port, .. }) => Some(*port),
            _ => None,
        };
        let routed = match placement {
            Placement::Public => service
                .routes
                .first()
                .and_then(|r| service.route_port(r))
                .or_else(|| service.ports.iter().find(|p| p.protocol == Protocol::Http).map(|p| p.number)),
            _ => None,
        };
        let port = checked.or(routed)?;
        let name = self.facts.port_variable;
        match service.env.iter().find(|(key, _)| key == name) {
            Some((_, EnvValue::Literal(value))) if *value == port.to_string() => None,
            Some((_, value)) => {
                let message = format!(
                    "{} sends health checks to the port in {name}, which the service sets to {value:?} while it is checked on port {port}",
                    self.platform
                );
                self.warn(&service.name, message);
                None
            }
            None => Some((name.to_string(), port.to_string())),
        }
    }

    /// The image the project's pipeline pushed for `service`, which the platform runs instead
    /// of building the repository itself.
    pub fn pushed_image(&self, service: &Service) -> Option<PushedImage> {
        pushed_image(self.project, self.stack, service)
    }

    /// The build arguments of a service the platform builds from the repository, to be set as
    /// service variables: the platform hands a service's variables to its Docker build as
    /// build arguments. A variable of the same name with another value wins, and is reported.
    pub fn build_variables(&mut self, service: &'a Service) -> Vec<(&'a str, &'a str)> {
        let Image::Build(build) = &service.image else { return Vec::new() };
        if self.pushed_image(service).is_some() {
            // The pipeline built the image with its arguments.
            return Vec::new();
        }
        if service.static_site().is_none()
            && let Some(message) = unnamed_registry(self.project, self.platform)
        {
            self.warn(&service.name, message);
        }
        if !self.facts.variables_are_build_args {
            if !build.args.is_empty() {
                let message = format!("{} passes no build arguments to a Docker build", self.platform);
                self.warn(&service.name, message);
            }
            return Vec::new();
        }
        let mut variables = Vec::new();
        for (key, value) in &build.args {
            match service.env.iter().find(|(name, _)| name == key) {
                Some((_, EnvValue::Literal(same))) if same == value => {}
                // The variable is the reference the argument spells as the stack gives it (a
                // public origin): the platform hands the variable over, which is what it means.
                Some((_, reference))
                    if matches!(crate::endpoint::resolve(self.stack, reference), crate::endpoint::Resolved::Text(t) if t == *value) => {}
                Some(_) => self.warn(
                    &service.name,
                    format!(
                        "{} passes variables to the Docker build as build arguments; build argument {key} differs from the variable of the same name, which wins",
                        self.platform
                    ),
                ),
                None => variables.push((key.as_str(), value.as_str())),
            }
        }
        variables
    }

    /// The host allowlist variable of a service whose framework answers only the hosts it lists
    /// ([`crate::facts::frameworks::host_allowlist`]), with the hosts the platform itself sends
    /// added: its health-check host when it has one (Railway's `healthcheck.railway.app`), and
    /// for a public service its own domain (Render's `.onrender.com`). Otherwise checks and
    /// requests are rejected and no deploy goes live. `None` when nothing needs adding; a list
    /// held in a secret is reported, since only its value can admit them.
    pub fn allowlist_with_platform_hosts(
        &mut self,
        service: &Service,
        placement: &Placement,
        checked: bool,
    ) -> Option<(String, String)> {
        use crate::facts::frameworks::{host_allowlist, list_admits};
        let allowlist = host_allowlist(service.framework?)?;
        let public = (*placement == Placement::Public).then_some(self.facts.own_public_domain).flatten();
        let check = checked.then_some(self.facts.health_check_host).flatten();
        let hosts: Vec<&str> = [check, public].into_iter().flatten().collect();
        let (key, value) = service.env.iter().find(|(key, _)| key == allowlist.variable)?;
        // The service's own public host, by the platform's reference to it, with the
        // platform's hosts beside it.
        if let EnvValue::PublicHost(target) = value
            && let Some(origin) = crate::public_origin::of(self.stack, target).filter(|o| o.placeholder)
            && let Some(reference) = self.facts.public_domain_of(origin.service)
        {
            return Some((key.clone(), [reference.as_str()].into_iter().chain(hosts).collect::<Vec<_>>().join(",")));
        }
        let EnvValue::Literal(list) = value else {
            if !hosts.is_empty() {
                let message = format!(
                    "{} reaches the service as {}: {key} must admit it, or the framework answers {}",
                    self.platform,
                    hosts.join(" and "),
                    allowlist.rejection
                );
                self.warn(&service.name, message);
            }
            return None;
        };
        let missing: Vec<&str> =
            hosts.into_iter().filter(|host| !list_admits(list, host.trim_start_matches('.'))).collect();
        if missing.is_empty() {
            return None;
        }
        let entries: Vec<&str> = list.split(',').map(str::trim).filter(|e| !e.is_empty()).chain(missing).collect();
        Some((key.clone(), entries.join(",")))
    }
}
