//! The values a target applies where the stack states none: CPU and memory a service is
//! guaranteed and may use, and the size of a volume. They live here, once, so every target that
//! must write such a value writes the same one, every emitter reports the ones it applied (as a
//! "default applied" warning), and a team changes them for a whole stack or project in one line.

use crate::project::Project;
use crate::stack::Stack;
use crate::units::{Cpu, Memory};

/// Requests, limits and volume size for services and volumes that state none.
///
/// ```
/// use stack_dsl::{Cpu, Defaults, Env, Image, Memory, Project, Service, Stack};
///
/// let project = Project::new("shop", [Env::Production], |_| {
///     let mut stack = Stack::new("shop");
///     stack.add_service(Service::new("worker", Image::new("shop-worker:1")));
///     stack
/// })
/// // The worker runs 25 threads: a service that states no limit gets 2 GiB, not 512 MiB.
/// .defaults(Defaults::new().limits(Cpu::cores(1), Memory::gib(2)));
/// let valid = project.validate().unwrap();
/// assert_eq!(valid.stacks()[0].applied_defaults().memory_limit, Memory::gib(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Defaults {
    /// CPU set aside for a service that reserves none (a Kubernetes request).
    pub cpu_request: Cpu,
    /// Memory set aside for a service that reserves none (a Kubernetes request).
    pub memory_request: Memory,
    /// The CPU cap of a service that sets none.
    pub cpu_limit: Cpu,
    /// The memory cap of a service that sets none; the process is killed beyond it.
    pub memory_limit: Memory,
    /// The size of a persistent volume that declares none.
    pub volume_size: Memory,
}

impl Defaults {
    /// The built-in values: 100m CPU and 128 MiB requested; capped at half a core and 512 MiB,
    /// which is Render's smallest paid instance type (starter, <https://render.com/pricing#compute>),
    /// so a service without limits gets the same CPU and memory on every target; 1 GiB volumes.
    pub const BUILT_IN: Defaults = Defaults {
        cpu_request: Cpu::millis(100),
        memory_request: Memory::mib(128),
        cpu_limit: Cpu::millis(500),
        memory_limit: Memory::mib(512),
        volume_size: Memory::gib(1),
    };

    /// The built-in values ([`Defaults::BUILT_IN`]), to adjust with the setters.
    pub const fn new() -> Self {
        Self::BUILT_IN
    }

    /// Set aside `cpu` and `memory` for services that reserve none.
    #[must_use]
    pub fn requests(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_request = cpu;
        self.memory_request = memory;
        self
    }

    /// Cap services that set no limit at `cpu` and `memory`.
    #[must_use]
    pub fn limits(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_limit = cpu;
        self.memory_limit = memory;
        self
    }

    /// Give volumes that declare no size `size`.
    #[must_use]
    pub fn volume_size(mut self, size: Memory) -> Self {
        self.volume_size = size;
        self
    }
}

impl Default for Defaults {
    fn default() -> Self {
        Self::BUILT_IN
    }
}

impl Stack {
    /// Apply `defaults` where this stack states no value; they take precedence over the
    /// project's ([`Project::defaults`]), so one environment can differ.
    pub fn set_defaults(&mut self, defaults: Defaults) {
        self.defaults = Some(defaults);
    }

    /// The defaults targets apply to this stack: its own, else the project's, else
    /// [`Defaults::BUILT_IN`].
    pub fn applied_defaults(&self) -> Defaults {
        self.defaults.unwrap_or(Defaults::BUILT_IN)
    }
}

impl Project {
    /// Apply `defaults` in every environment whose stack sets none of its own
    /// ([`Stack::set_defaults`]).
    #[must_use]
    pub fn defaults(mut self, defaults: Defaults) -> Self {
        self.defaults = Some(defaults);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::image::Image;
    use crate::service::Service;

    fn project() -> Project {
        Project::new("shop", [Env::Staging, Env::Production], |env| {
            let mut stack = Stack::new("shop");
            stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")));
            if env.is_production() {
                stack.set_defaults(Defaults::new().volume_size(Memory::gib(50)));
            }
            stack
        })
    }

    #[test]
    fn a_stack_overrides_its_project() {
        let valid = project().defaults(Defaults::new().limits(Cpu::cores(2), Memory::gib(4))).validate().unwrap();
        let [staging, production] = valid.stacks() else { panic!("two environments") };
        assert_eq!(staging.applied_defaults().memory_limit, Memory::gib(4));
        assert_eq!(production.applied_defaults().memory_limit, Memory::mib(512));
        assert_eq!(production.applied_defaults().volume_size, Memory::gib(50));
    }

    #[test]
    fn without_any_the_built_in_values_apply() {
        let valid = project().validate().unwrap();
        assert_eq!(valid.stacks()[0].applied_defaults(), Defaults::BUILT_IN);
    }
}
