//! What a stack becomes on a hosting platform with managed databases and its own edge (Render,
//! Railway): which services run and in what role, which databases the platform provides, and
//! what each environment value refers to. Both emitters share this meaning and only spell it.
//!
//! Render: <https://render.com/docs/blueprint-spec>. Railway:
//! <https://docs.railway.com/reference/variables#reference-variables>.
//!
//! The rules:
//! - A service with a [`Datastore`], an [`External::managed`] database, and a database on the
//!   Docker host (which does not exist on a platform) become the platform's own database, for
//!   the engines the platform manages (`Platform::managed_engines`). A datastore service of
//!   another engine (MySQL, MariaDB, MongoDB) runs its image as a private service with its
//!   volume, and an external one must be reachable at an address.
//! - Edge proxies and certificate renewal ([`stack_dsl::Role`]) are left out; the platform's edge
//!   serves their upstreams publicly.
//! - A one-shot job that a service of the same image waits for ([`Ready::Completed`]) runs as
//!   that service's pre-deploy command.
//! - A service is public when it has routes, sits behind a left-out edge proxy, or publishes an
//!   HTTP port; private when it listens on a port; a worker otherwise; cron when scheduled.
//! - A service keeps one volume (the platforms attach one per service): the largest.
//! - Services cannot share storage: a shared volume is an error, a shared host directory is
//!   reported to each service, with object storage as the alternative.
//! - A command, entrypoint or literal value that reaches a replaced database by its container's
//!   host name (`pg_dump -h postgres`) is an error: that host does not exist on the platform.

use indexmap::IndexMap;
use stack_dsl::{Service, ValidProject, ValidStack};

use crate::bundle::Warning;
use crate::error::Error;
use crate::facts::platforms::Platform;

mod databases;
mod domains;
mod limits;
mod placement;
mod storage;
mod unportable;
mod values;
mod variables;

pub use databases::{ProvidedDatabase, engine_name};
pub use placement::Placement;
pub use values::{Output, Value};

/// A stack laid out for a platform.
pub struct Plan<'a> {
    /// The project the stack belongs to.
    pub project: &'a ValidProject,
    /// The stack.
    pub stack: &'a ValidStack,
    /// Every service, in stack order, with its placement.
    pub placements: IndexMap<String, Placement>,
    /// The databases the platform provides, in stack order.
    pub databases: Vec<ProvidedDatabase>,
    /// The pre-deploy jobs each service runs, by host service.
    pub pre_deploy: IndexMap<String, Vec<&'a Service>>,
    /// What the plan left out or changed, to be reported by the emitter.
    pub warnings: Vec<Warning>,
    /// What the platform does at runtime.
    pub facts: &'static Platform,
    platform: &'static str,
}

impl<'a> Plan<'a> {
    /// Lay out `stack`, one environment of `project`, for the platform described by `facts`:
    /// which databases the platform provides, where each service runs, and what the platform
    /// cannot hold.
    pub fn new(project: &'a ValidProject, stack: &'a ValidStack, facts: &'static Platform) -> Result<Self, Error> {
        let mut plan = Plan {
            project,
            stack,
            placements: IndexMap::new(),
            databases: Vec::new(),
            pre_deploy: IndexMap::new(),
            warnings: Vec::new(),
            facts,
            platform: facts.name,
        };
        plan.provide_external_databases()?;
        plan.place_services()?;
        plan.check_limits()?;
        Ok(plan)
    }

    /// Report something on behalf of the emitter.
    pub fn warn(&mut self, service: &str, message: String) {
        self.warnings.push(Warning {
            kind: crate::WarningKind::Adapted,
            target: self.facts.target,
            env: self.stack.env().to_string(),
            service: service.to_string(),
            message,
        });
    }

    fn unsupported(&self, service: &str, reason: String, fix: String) -> Error {
        Error::Unsupported { target: self.facts.target, service: service.to_string(), reason, fix }
    }
}

/// A command line as one string, each argument quoted for a POSIX shell when it needs it.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| {
            let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
            if plain { arg.clone() } else { format!("'{}'", arg.replace('\'', r"'\''")) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
