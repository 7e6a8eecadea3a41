//! Secrets: named references to sensitive values that live outside the stack.
//!
//! A stack never holds a secret's value. Each target spells the reference its own way
//! (`${NAME:?…}` in Compose, a `secretKeyRef` in Kubernetes, `sync: false` in Render).

/// A secret the stack needs at run time.
///
/// ```
/// use stack_dsl::{EnvValue, Image, Secret, Service, Stack};
///
/// let mut stack = Stack::new("shop");
/// let jwt = stack.add_secret(Secret::new("JWT_KEY").describe("Signs session tokens").generated());
/// let api = Service::new("api", Image::new("ghcr.io/shop/api:1.4")).env("JWT_KEY", &jwt);
/// // The service holds a reference; each target spells where the value comes from.
/// assert!(matches!(api.env[0].1, EnvValue::Secret(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Secret {
    /// The secret's name, in `UPPER_SNAKE_CASE`; also the variable a user sets to supply it.
    pub name: String,
    /// A short sentence saying what the value is and where to get it.
    pub description: Option<String>,
    /// The value may be any random string (a signing key): platforms that can generate one do.
    #[serde(default)]
    pub generated: bool,
    /// The services run without it (an optional integration's key): targets do not refuse to
    /// start while it is unset.
    #[serde(default)]
    pub optional: bool,
}

impl Secret {
    /// A secret named `name`, such as `DB_PASSWORD`.
    pub fn new(name: impl Into<String>) -> Self {
        Secret { name: name.into(), description: None, generated: false, optional: false }
    }

    /// Say what the value is and where it comes from; shown to whoever must supply it.
    #[must_use]
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Let the services start without a value, such as an optional monitoring agent's key.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Allow platforms to generate a random value instead of asking for one.
    #[must_use]
    pub fn generated(mut self) -> Self {
        self.generated = true;
        self
    }
}

/// A reference to a secret, returned by [`crate::Stack::add_secret`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SecretRef(pub(crate) String);

impl SecretRef {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}
