//! Autoscaling: how many replicas a service may grow to under load.

/// Run between `min` and `max` replicas, adding replicas while the average CPU use of the
/// running ones stays above `target_cpu_percent` of their reservation.
///
/// ```
/// use stack_dsl::{Autoscale, Image, Service};
///
/// let api = Service::new("api", Image::new("shop-api:1")).autoscale(Autoscale::between(2, 6).target_cpu(70));
/// assert_eq!(api.replicas, 2); // targets that cannot autoscale run the minimum
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Autoscale {
    /// The fewest replicas; also what targets without autoscaling run.
    pub min: u32,
    /// The most replicas.
    pub max: u32,
    /// Average CPU use, in percent of the CPU reservation, above which replicas are added
    /// (70 by default).
    pub target_cpu_percent: u32,
}

impl Autoscale {
    /// Scale between `min` and `max` replicas.
    pub fn between(min: u32, max: u32) -> Self {
        Autoscale { min, max, target_cpu_percent: 70 }
    }

    /// Add replicas above this average CPU use, in percent.
    #[must_use]
    pub fn target_cpu(mut self, percent: u32) -> Self {
        self.target_cpu_percent = percent;
        self
    }
}
