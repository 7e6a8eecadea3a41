//! Networks that group services: who may talk to whom.

/// A network of the stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Network {
    /// The network's name.
    pub name: String,
    /// Members can reach each other but nothing outside (no route to the internet).
    #[serde(default)]
    pub internal: bool,
    /// The network exists outside the stack (e.g. shared with a reverse proxy in another stack).
    #[serde(default)]
    pub external: bool,
    /// A fixed IPv4 subnet (CIDR) for a network the stack creates, where something outside
    /// Docker must know the members' addresses (a firewall rule, `pg_hba.conf`); otherwise Docker
    /// picks one each time it creates the network.
    pub subnet: Option<String>,
}

impl Network {
    /// A network the stack creates.
    pub fn new(name: impl Into<String>) -> Self {
        Network { name: name.into(), internal: false, external: false, subnet: None }
    }

    /// A network created outside the stack, which the stack joins.
    pub fn external(name: impl Into<String>) -> Self {
        Network { name: name.into(), internal: false, external: true, subnet: None }
    }

    /// Cut the network off from the outside world: only its members talk, to each other.
    #[must_use]
    pub fn internal(mut self) -> Self {
        self.internal = true;
        self
    }

    /// Give the network the fixed IPv4 subnet `cidr` (such as `10.203.0.0/24`); pick one no other
    /// network on the host uses.
    #[must_use]
    pub fn subnet(mut self, cidr: impl Into<String>) -> Self {
        self.subnet = Some(cidr.into());
        self
    }
}

/// A reference to a network, returned by [`crate::Stack::add_network`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkRef(pub(crate) String);

impl NetworkRef {
    /// The network's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}
