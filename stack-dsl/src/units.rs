//! Typed quantities: CPU, memory and durations, so that `"512M"` versus `"512Mi"` is never a question.

use std::fmt;
use std::time::Duration;

/// A duration of `n` seconds; reads well in stack definitions: `.every(secs(10))`.
pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A duration of `n` minutes. An amount too large to count in seconds saturates (and
/// validation reports it) rather than overflow.
pub fn mins(n: u64) -> Duration {
    Duration::from_secs(n.saturating_mul(60))
}

/// An amount of CPU, stored in thousandths of a core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Cpu(u32);

impl Cpu {
    /// `n` thousandths of a core: `Cpu::millis(500)` is half a core.
    pub const fn millis(n: u32) -> Self {
        Cpu(n)
    }

    /// `n` whole cores. More than `u32::MAX` thousandths saturates (and validation reports it)
    /// rather than overflow.
    pub const fn cores(n: u32) -> Self {
        Cpu(n.saturating_mul(1000))
    }

    /// The amount in thousandths of a core.
    pub const fn as_millis(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Cpu {
    /// Cores as a decimal without trailing zeros: `0.5`, `2`, `0.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 1000, self.0 % 1000);
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// An amount of memory or storage, stored in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Memory(u64);

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

impl Memory {
    /// `n` bytes.
    pub const fn from_bytes(n: u64) -> Self {
        Memory(n)
    }

    /// `n` mebibytes. Amounts past `u64::MAX` bytes saturate (and validation reports them)
    /// rather than overflow.
    pub const fn mib(n: u64) -> Self {
        Memory(n.saturating_mul(MIB))
    }

    /// `n` gibibytes, saturating like [`Memory::mib`].
    pub const fn gib(n: u64) -> Self {
        Memory(n.saturating_mul(GIB))
    }

    /// The amount in bytes.
    pub const fn bytes(self) -> u64 {
        self.0
    }

    /// The amount in whole mebibytes, rounded up.
    pub const fn as_mib(self) -> u64 {
        self.0.div_ceil(MIB)
    }

    /// The largest binary unit that divides the amount exactly: `(4, "G")`, `(512, "M")`.
    /// Emitters append their own suffix style (`G` for Compose, `Gi` for Kubernetes).
    pub fn in_binary_unit(self) -> (u64, &'static str) {
        if self.0 != 0 && self.0.is_multiple_of(GIB) {
            (self.0 / GIB, "G")
        } else if self.0.is_multiple_of(MIB) {
            (self.0 / MIB, "M")
        } else if self.0.is_multiple_of(1024) {
            (self.0 / 1024, "K")
        } else {
            (self.0, "")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_prints_as_decimal_cores() {
        assert_eq!(Cpu::millis(500).to_string(), "0.5");
        assert_eq!(Cpu::millis(250).to_string(), "0.25");
        assert_eq!(Cpu::cores(4).to_string(), "4");
        assert_eq!(Cpu::millis(1100).to_string(), "1.1");
    }

    #[test]
    fn huge_amounts_saturate_instead_of_overflowing() {
        assert_eq!(Cpu::cores(u32::MAX), Cpu::millis(u32::MAX));
        assert_eq!(Memory::gib(u64::MAX).bytes(), u64::MAX);
        assert_eq!(mins(u64::MAX), Duration::from_secs(u64::MAX));
    }

    #[test]
    fn memory_picks_the_largest_exact_unit() {
        assert_eq!(Memory::gib(4).in_binary_unit(), (4, "G"));
        assert_eq!(Memory::mib(512).in_binary_unit(), (512, "M"));
        assert_eq!(Memory::mib(1536).in_binary_unit(), (1536, "M"));
    }
}
