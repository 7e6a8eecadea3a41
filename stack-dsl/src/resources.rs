//! CPU and memory a service may use (limits) and is guaranteed (reservations).

use crate::units::{Cpu, Memory};

/// Resource limits and reservations of one replica.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Resources {
    /// At most this much CPU.
    pub cpu_limit: Option<Cpu>,
    /// At most this much memory; the process is killed beyond it.
    pub memory_limit: Option<Memory>,
    /// At least this much CPU is set aside.
    pub cpu_reservation: Option<Cpu>,
    /// At least this much memory is set aside.
    pub memory_reservation: Option<Memory>,
}

impl Resources {
    /// No limits and no reservations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cap CPU and memory.
    #[must_use]
    pub fn limit(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_limit = Some(cpu);
        self.memory_limit = Some(memory);
        self
    }

    /// Cap memory only.
    #[must_use]
    pub fn limit_memory(mut self, memory: Memory) -> Self {
        self.memory_limit = Some(memory);
        self
    }

    /// Set memory aside only.
    #[must_use]
    pub fn reserve_memory(mut self, memory: Memory) -> Self {
        self.memory_reservation = Some(memory);
        self
    }

    /// Set CPU and memory aside.
    #[must_use]
    pub fn reserve(mut self, cpu: Cpu, memory: Memory) -> Self {
        self.cpu_reservation = Some(cpu);
        self.memory_reservation = Some(memory);
        self
    }

    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
