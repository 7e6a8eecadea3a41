//! Stackwright's typed model of an application stack.
//!
//! A team writes its stack once, as a Rust function of the [`Env`]ironment: [`Service`]s from an
//! [`Image`], with [`Port`]s and public [`Route`]s, env values that are literals, [`Secret`]
//! references or references to other services ([`ServiceRef::database_url`]), [`Mount`]s of
//! [`Volume`]s, [`Network`]s, [`Probe`]s, start order ([`Ready`]), [`Resources`] and [`Autoscale`], one-shot jobs
//! and cron jobs. [`Stack::validate`] reports every problem at once or returns a [`ValidStack`],
//! the only thing emitters accept. A [`Project`] ties the function to its environments.
//!
//! The crate does no I/O and knows nothing about any deployment target; the `stackwright-emit`
//! crate turns a validated project into files.
//!
//! # A stack, step by step
//!
//! **1. A function of the environment.** Differences between environments are ordinary `if`s
//! on the environment's properties, so one definition serves all of them.
//!
//! **2. Secrets and volumes first.** [`Stack::add_secret`] and [`Stack::add_volume`] return
//! typed references; a service uses the reference, never a value, so no generated file can
//! hold a password.
//!
//! **3. Services, and what they provide.** A database declares it is one
//! ([`Service::datastore`]): it then brings its own health check and gives other services its
//! URL ([`ServiceRef::database_url`]), which each target spells its own way.
//!
//! **4. Start order.** [`Service::depends_on`] says what to wait for: a healthy database, a
//! completed migration job ([`Service::job`]).
//!
//! **5. The outside world.** Ports are internal until routed: a [`Route`] gives a service a
//! public host, over TLS with [`Route::tls`].
//!
//! **6. Environments.** [`Project::new`] lists the environments; [`Env::hosted`] and
//! [`Env::production`] declare more than the ready-made [`Env::Dev`], [`Env::Staging`] and
//! [`Env::Production`].
//!
//! **7. Validation.** [`Project::validate`] builds the stack of each environment and reports
//! every problem of all of them at once, each with where it is and how to fix it.
//!
//! ```
//! use stack_dsl::*;
//!
//! // 1. A function of the environment.
//! fn shop(env: Env) -> Stack {
//!     let mut stack = Stack::new("shop");
//!     // 2. Secrets and volumes: typed references.
//!     let password = stack.add_secret(Secret::new("DB_PASSWORD").describe("PostgreSQL password"));
//!     let data = stack.add_volume(Volume::persistent("pgdata").size(Memory::gib(10)));
//!     // 3. A database, declared as one.
//!     let db = stack.add_service(
//!         Service::new("postgres", Image::new("postgres:16-alpine"))
//!             .port(Port::tcp(5432))
//!             .env("POSTGRES_PASSWORD", &password)
//!             .mount(Mount::volume(&data, "/var/lib/postgresql/data"))
//!             .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
//!     );
//!     // 4. A migration job the API waits for.
//!     let migrate = stack.add_service(
//!         Service::job("migrate", Image::build("backend").tag("shop-api"))
//!             .command(["npx", "prisma", "migrate", "deploy"])
//!             .env("DATABASE_URL", db.database_url())
//!             .depends_on(&db, Ready::Healthy),
//!     );
//!     // 5. A public route, per environment.
//!     let host = if env.is_production() { "shop.example.com".to_string() } else { format!("{env}.shop.example.com") };
//!     stack.add_service(
//!         Service::new("api", Image::build("backend").tag("shop-api"))
//!             .port(Port::http(3001))
//!             .route(Route::new(host).tls())
//!             .healthcheck(Probe::http(3001, "/health"))
//!             .env("DATABASE_URL", db.database_url())
//!             .depends_on(&migrate, Ready::Completed)
//!             .replicas(if env.is_production() { 3 } else { 1 }),
//!     );
//!     stack
//! }
//!
//! // 6. The environments, including one the project declares itself.
//! let project = Project::new("shop", [Env::Dev, Env::hosted("qa"), Env::Production], shop);
//! // 7. Every environment validated at once.
//! let valid = project.validate().expect("valid in every environment");
//! assert_eq!(valid.stacks().len(), 3);
//!
//! // A mistake is reported with its place and a fix.
//! let broken = Project::new("shop", [Env::Dev], |_env| {
//!     let mut stack = Stack::new("shop");
//!     stack.add_service(Service::new("api", Image::new("shop:1")).depends_on(&stack.reference("cache"), Ready::Started));
//!     stack
//! });
//! let error = broken.validate().unwrap_err();
//! assert!(error.to_string().contains("stack shop (dev) › service api › depends_on cache"));
//! ```

#![deny(missing_docs)]

mod built_image_user;
mod ci_check;
mod cluster;
mod cluster_address;
mod compose_names;
mod database_field;
mod datastore;
mod datastore_probe;
mod defaults;
mod duration_text;
mod edge;
mod env;
mod env_group;
mod env_names;
mod env_text;
mod external;
mod framework;
mod host;
mod hosts;
mod image;
mod image_facts;
mod injection;
mod logs;
mod model_changes;
pub mod name;
mod name_index;
mod network;
mod ordered_pairs;
mod pipeline;
mod port;
mod previews;
mod probe;
mod problem;
mod project;
mod project_data;
mod public_host;
mod quantity_limits;
mod reference;
mod resources;
mod role;
mod scaling;
#[cfg(feature = "schema")]
mod schema;
mod secret;
mod secret_rule;
mod service;
mod stack;
mod start_order_cycles;
mod static_site;
mod suggest;
mod target_rules;
mod units;
mod url_password;
mod validate;
mod volume;

pub use ci_check::{CiCheck, Toolchain};
pub use cluster::{Certificates, Cluster, DEFAULT_INGRESS};
pub use database_field::DatabaseField;
pub use datastore::{Datastore, Engine};
pub use defaults::Defaults;
pub use edge::{Edge, Traefik};
pub use env::Env;
pub use env_group::{EnvGroup, EnvGroupRef};
pub use external::{DOCKER_HOST, External, Reach};
pub use framework::Framework;
pub use host::Host;
pub use image::{Build, Image};
pub use image_facts::ImageFacts;
pub use logs::LogRotation;
pub use model_changes::{Kind, ModelChange, Presence, model_changes};
pub use network::{Network, NetworkRef};
pub use pipeline::{DeployTarget, Pipeline, Registry};
pub use port::{Port, Protocol, Route};
pub use previews::Previews;
pub use probe::{Check, Probe};
pub use problem::{Error, Problem, Problems};
pub use project::{Project, ValidProject};
pub use project_data::{ProjectData, to_json};
pub use reference::{EnvValue, ServiceRef, ServiceUrl};
pub use resources::Resources;
pub use role::Role;
pub use scaling::Autoscale;
#[cfg(feature = "schema")]
pub use schema::json_schema;
pub use secret::{Secret, SecretRef};
pub use secret_rule::looks_secret;
pub use service::{Dependency, Ready, Restart, Run, Service, User};
pub use stack::Stack;
pub use static_site::StaticSite;
pub use units::{Cpu, Memory, mins, secs};
pub use url_password::{URL_SAFE_PASSWORD, secrets_inside_urls};
pub use validate::ValidStack;
pub use volume::{Mount, MountSource, Volume, VolumeKind, VolumeRef};
