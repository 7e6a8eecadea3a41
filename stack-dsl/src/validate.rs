//! Validation: a [`Stack`] becomes a [`ValidStack`] only when it breaks none of the model's rules.
//! Every problem is collected in one pass, each with its location and a fix-it sentence, so a
//! user fixes them all in one go. Emitters accept only a `ValidStack` and so never meet a dangling
//! reference or a start-order cycle.
//!
//! This file holds the walk (which rules run, in which order); each concern's rules live in a
//! module of their own under `validate/` (names, images, ports, routes, references, …). Rules
//! that stand alone over a service or a stack live in their own file of the crate (such as
//! `secret_rule.rs`) and are called from here.

mod datastores;
mod externals;
mod images;
mod labels;
mod mounts;
mod names;
mod networks;
mod ports;
mod probes;
mod references;
mod routes;
pub(crate) use routes::host_name_problem;
mod run;
mod secrets;
mod start_order;

use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use crate::env::Env;
use crate::external::External;
use crate::name::{dns_label_problem, suggest_dns_label};
use crate::problem::{Error, Problem, Problems};
use crate::reference::ServiceRef;
use crate::service::Service;
use crate::stack::Stack;

/// A stack that passed validation, for one environment.
#[derive(Debug, Clone)]
pub struct ValidStack {
    stack: Stack,
    env: Env,
    /// Lookups by name ([`crate::name_index`]).
    pub(crate) index: crate::name_index::NameIndex,
}

impl ValidStack {
    /// The environment this stack was built for.
    pub fn env(&self) -> Env {
        self.env
    }

    /// The services, in the order added.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.stack.services.iter()
    }

    /// The service a reference points to. Validation guarantees every reference inside the
    /// stack resolves; `None` only for a reference taken from another stack.
    pub fn resolve(&self, reference: &ServiceRef) -> Option<&Service> {
        self.service(reference.name())
    }
}

impl Deref for ValidStack {
    type Target = Stack;

    fn deref(&self) -> &Stack {
        &self.stack
    }
}

impl Stack {
    /// Check every rule of the model for environment `env`; all problems are reported at once.
    pub fn validate(self, env: Env) -> Result<ValidStack, Error> {
        let mut problems = Checker::new(&self, env).run();
        problems.extend(crate::target_rules::stack_problems(
            &[crate::problem::stack_location(&self.name, env)],
            &self,
            env,
        ));
        problems.extend(crate::env_group::problems(&crate::problem::stack_location(&self.name, env), &self));
        if problems.is_empty() {
            Ok(ValidStack { index: crate::name_index::NameIndex::of(&self), stack: self, env })
        } else {
            Err(Error::Invalid(Problems(problems)))
        }
    }
}

struct Checker<'a> {
    stack: &'a Stack,
    root: String,
    problems: Vec<Problem>,
    services: HashMap<&'a str, &'a Service>,
    externals: HashMap<&'a str, &'a External>,
    volumes: HashSet<&'a str>,
    networks: HashMap<&'a str, bool>,
    secrets: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    fn new(stack: &'a Stack, env: Env) -> Self {
        Checker {
            stack,
            root: crate::problem::stack_location(&stack.name, env),
            problems: Vec::new(),
            services: stack.services.iter().map(|s| (s.name.as_str(), s)).collect(),
            externals: stack.externals.iter().map(|e| (e.name.as_str(), e)).collect(),
            volumes: stack.volumes.iter().map(|v| v.name.as_str()).collect(),
            networks: stack.networks.iter().map(|n| (n.name.as_str(), n.internal)).collect(),
            secrets: stack.secrets.iter().map(|s| s.name.as_str()).collect(),
        }
    }

    fn report(&mut self, path: &[&str], message: impl Into<String>, fix: impl Into<String>) {
        let mut full = vec![self.root.clone()];
        full.extend(path.iter().map(|p| p.to_string()));
        self.problems.push(Problem { path: full, message: message.into(), fix: fix.into() });
    }

    fn run(mut self) -> Vec<Problem> {
        self.check_stack();
        for service in &self.stack.services {
            self.check_service(service);
        }
        self.check_published_ports();
        self.check_routes_are_unique();
        self.check_shared_builds();
        self.check_cycles();
        self.problems.extend(crate::quantity_limits::volume_problems(&[self.root.clone()], self.stack));
        self.problems.extend(crate::injection::stack_problems(&[self.root.clone()], self.stack));
        self.problems
    }

    fn check_stack(&mut self) {
        if let Some(why) = dns_label_problem(&self.stack.name) {
            let fix =
                format!("Name the stack with a DNS-1123 label, such as {:?}", suggest_dns_label(&self.stack.name));
            self.report(&[], format!("the stack name {:?} is invalid: {why}", self.stack.name), fix);
        }
        if self.stack.services.is_empty() {
            self.report(&[], "the stack has no services", "Add at least one service with Stack::add_service");
        }
        self.check_resource_names();
        self.check_externals();
        self.check_edge();
        self.problems.extend(crate::compose_names::problems(&self.root, self.stack));
        self.problems.extend(crate::host::problems(&self.root, self.stack));
        self.check_network_declarations();
        self.check_secret_names();
    }

    fn check_service(&mut self, service: &'a Service) {
        let at = format!("service {}", service.name);
        self.check_image(&at, &service.image);
        self.check_argv(&at, service);
        self.check_run(&at, service);
        self.check_ports(&at, service);
        self.check_routes(&at, service);
        self.check_env(&at, service);
        self.check_mounts(&at, service);
        self.check_networks(&at, service);
        self.check_probes(&at, service);
        self.check_depends_on(&at, service);
        if let crate::role::Role::EdgeProxy { upstreams } = &service.role {
            for upstream in upstreams {
                let path = format!("edge_proxy_for {}", upstream.name());
                self.resolve(&at, &path, upstream);
            }
        }
        self.check_resources(&at, service);
        let location = [self.root.clone(), at.clone()];
        self.problems.extend(crate::built_image_user::problems(&location, service));
        self.problems.extend(crate::ci_check::problems(&location, service));
        self.problems.extend(crate::datastore_probe::problems(&location, service));
        self.problems.extend(crate::static_site::problems(&location, service));
        self.problems.extend(crate::quantity_limits::service_problems(&location, service));
        let declared = |name: &str| self.secrets.contains(name);
        self.problems.extend(crate::secret_rule::problems(&location, service, &declared));
        self.problems.extend(crate::injection::service_problems(&location, service));
        self.problems.extend(crate::target_rules::service_problems(&location, service));
        self.check_labels(&at, service);
        self.check_datastore(&at, service);
    }
}
