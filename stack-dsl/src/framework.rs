//! The web framework a service runs, where it changes what a platform must do for the service to
//! work: which requests it answers (Django's `ALLOWED_HOSTS`), which steps run before it serves
//! (migrations, static files). What each framework needs lives with the platform facts of the
//! emitters; the model only names the framework.

/// A web framework whose needs the emitters know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Framework {
    /// Django (<https://docs.djangoproject.com/>), with its settings read from the environment
    /// variables of the same names (`ALLOWED_HOSTS` comma-separated).
    Django,
}
