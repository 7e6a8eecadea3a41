//! The parts of a Render Blueprint (`render.yaml`) Stackwright writes, as typed serde structs.
//!
//! Spec: <https://render.com/docs/blueprint-spec>; JSON Schema: <https://render.com/schema/render.yaml.json>
//! (a copy is in `../shared/schemas/render.yaml.json`). Field names follow the spec's camelCase.

use serde::{Deserialize, Serialize};

/// A whole Blueprint: one project with its hosted environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blueprint {
    /// Pull-request previews of the Blueprint's resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previews: Option<Previews>,
    /// The projects; Stackwright writes one per stack.
    pub projects: Vec<Project>,
}

/// How Render makes preview environments: `generation` is `automatic`, `manual` or `off`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Previews {
    /// `automatic`: one per pull request; `off`: none (for a service, it is left out of them).
    pub generation: String,
    /// Days after which a preview that received no update is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_after_days: Option<u32>,
}

/// A project, grouping the environments of one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The stack's name.
    pub name: String,
    /// One per hosted environment, in promotion order.
    pub environments: Vec<Environment>,
}

/// The resources of one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// `staging`, `production`.
    pub name: String,
    /// Web services, private services, workers, cron jobs and Key Value instances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// PostgreSQL databases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<Database>,
    /// Values shared by several services.
    #[serde(default, rename = "envVarGroups", skip_serializing_if = "Vec::is_empty")]
    pub env_var_groups: Vec<EnvVarGroup>,
}

/// The `type` of a service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceType {
    /// Public HTTP.
    #[default]
    Web,
    /// Private HTTP or TCP.
    Pserv,
    /// Background process.
    Worker,
    /// Scheduled job.
    Cron,
    /// Render Key Value (Redis-compatible).
    Keyvalue,
}

/// How Render gets the service's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// Built from a Dockerfile in the repository.
    Docker,
    /// A prebuilt image.
    Image,
    /// A static site, built by Render and served from its CDN.
    Static,
}

/// A service of any type; fields a type does not allow stay `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The service type.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Unique within the Blueprint: `<stack>-<env>-<service>`.
    pub name: String,
    /// Docker build or prebuilt image (not for Key Value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// The instance type, chosen from the service's resource limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// A prebuilt image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The Dockerfile, relative to the repository root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dockerfile_path: Option<String>,
    /// The build context, relative to the repository root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_context: Option<String>,
    /// Replaces the image's command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_command: Option<String>,
    /// Cron schedule (cron jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// Runs before each deploy (migrations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_deploy_command: Option<String>,
    /// The path Render polls before routing traffic (web services).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check_path: Option<String>,
    /// A fixed number of instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_instances: Option<u32>,
    /// Autoscaling bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    /// Custom domains (web services).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// A persistent disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<Disk>,
    /// Key Value: who may connect from outside Render (empty: nobody).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_allow_list: Option<Vec<IpAllow>>,
    /// Key Value: the eviction policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxmemory_policy: Option<String>,
    /// Static site: the directory the build runs in, relative to the repository root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_dir: Option<String>,
    /// Static site: the command that builds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_command: Option<String>,
    /// Static site: the directory the build writes, relative to `rootDir`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub static_publish_path: Option<String>,
    /// Static site: rewrites, such as every path to `/index.html`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<StaticRoute>,
    /// When Render deploys a service built from the repository: `off` leaves it to the
    /// deploy workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_deploy_trigger: Option<String>,
    /// Environment variables (for a static site, available to its build only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_vars: Vec<EnvVar>,
    /// Whether pull-request previews copy this service (web, private, worker and static only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previews: Option<Previews>,
}

/// A static site's redirect or rewrite rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticRoute {
    /// `rewrite` or `redirect`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The requested path pattern, such as `/*`.
    pub source: String,
    /// What it serves or redirects to, such as `/index.html`.
    pub destination: String,
}

/// A prebuilt image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// The image reference.
    pub url: String,
    /// The workspace's credential for a private registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creds: Option<RegistryCredential>,
}

/// A registry credential stored in the Render workspace, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryCredential {
    /// The credential.
    #[serde(rename = "fromRegistryCreds")]
    pub from_registry_creds: CredentialName,
}

/// The name of a workspace registry credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialName {
    /// As entered under Workspace Settings › Registry Credentials.
    pub name: String,
}

/// Autoscaling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scaling {
    /// The fewest instances.
    pub min_instances: u32,
    /// The most instances.
    pub max_instances: u32,
    /// Average CPU use (percent) above which instances are added.
    #[serde(rename = "targetCPUPercent")]
    pub target_cpu_percent: u32,
}

/// A persistent disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disk {
    /// The volume's name.
    pub name: String,
    /// Where it is mounted.
    pub mount_path: String,
    /// Its size in GB.
    #[serde(rename = "sizeGB", skip_serializing_if = "Option::is_none")]
    pub size_gb: Option<u64>,
}

/// One entry of an IP allow list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpAllow {
    /// An address or CIDR block.
    pub source: String,
    /// Why it is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A PostgreSQL database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Database {
    /// Unique within the Blueprint: `<stack>-<env>-<service>`.
    pub name: String,
    /// The database name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_name: Option<String>,
    /// The user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The major version, as a string.
    pub postgres_major_version: String,
    /// The disk size in GB.
    #[serde(rename = "diskSizeGB", skip_serializing_if = "Option::is_none")]
    pub disk_size_gb: Option<u64>,
    /// Who may connect from outside Render (empty: nobody).
    pub ip_allow_list: Vec<IpAllow>,
}

/// A group of values shared by several services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVarGroup {
    /// Unique within the Blueprint.
    pub name: String,
    /// Its values: literals, or secrets asked for or generated once for the whole group.
    pub env_vars: Vec<EnvVar>,
}

/// One environment variable of a service or group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnvVar {
    /// All values of a group.
    Group {
        /// The group's name.
        #[serde(rename = "fromGroup")]
        from_group: String,
    },
    /// A property of a database.
    Database {
        /// The variable.
        key: String,
        /// The database and property.
        #[serde(rename = "fromDatabase")]
        from_database: FromDatabase,
    },
    /// A property of another service.
    Service {
        /// The variable.
        key: String,
        /// The service and property.
        #[serde(rename = "fromService")]
        from_service: FromService,
    },
    /// A random value Render generates once.
    Generated {
        /// The variable.
        key: String,
        /// Always true.
        #[serde(rename = "generateValue")]
        generate_value: bool,
    },
    /// A secret asked for in the dashboard, never stored in the file.
    Prompted {
        /// The variable.
        key: String,
        /// Always false.
        sync: bool,
    },
    /// A plain value.
    Value {
        /// The variable.
        key: String,
        /// The text.
        value: String,
    },
}

impl EnvVar {
    /// The variable's name (`None` for a group reference).
    pub fn key(&self) -> Option<&str> {
        match self {
            EnvVar::Group { .. } => None,
            EnvVar::Database { key, .. }
            | EnvVar::Service { key, .. }
            | EnvVar::Generated { key, .. }
            | EnvVar::Prompted { key, .. }
            | EnvVar::Value { key, .. } => Some(key),
        }
    }
}

/// A database property reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FromDatabase {
    /// The database's name.
    pub name: String,
    /// `connectionString`, `host`, `port`, `password`.
    pub property: String,
}

/// A service property reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FromService {
    /// The referenced service's type.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Its name.
    pub name: String,
    /// `host`, `port`, `hostport`; unset when the value is one of its variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// The name of one of its environment variables whose value this one takes.
    #[serde(rename = "envVarKey", default, skip_serializing_if = "Option::is_none")]
    pub env_var_key: Option<String>,
}
