//! Stackwright's typed model of an application stack.
//!
//! A team writes its stack once, as a Rust function of the [`Env`]ironment: [`Service`]s from an
//! [`Image`], with [`Port`]s and public [`Route`]s, env values that are literals, [`Secret`]
//! references or references to other services ([`ServiceRef::database_url`]), [`Mount`]s of
//! [`Volume`]s, [`Network`]s, [`Probe`]s, start order ([`Ready`]), [`Resources`] and [`Autoscale`], one-shot jobs
//! and cron jobs. [`Stack::validate`] reports every problem at once or returns a [`ValidStack`],
//! the only thing emitters accept. A [`Project`] ties the function to its environments.
//!
//! The crate does no I/O and knows nothing about any deployment target.

mod ci_check;
mod cluster;
mod compose_names;
mod database_field;
mod datastore;
mod datastore_probe;
mod edge;
mod env;
mod external;
mod framework;
mod host;
mod hosts;
mod image;
mod image_facts;
mod injection;
mod logs;
pub mod name;
mod name_index;
mod network;
mod pipeline;
mod port;
mod probe;
mod problem;
mod project;
mod quantity_limits;
mod reference;
mod resources;
mod role;
mod scaling;
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
pub use edge::{Edge, Traefik};
pub use env::Env;
pub use external::{DOCKER_HOST, External, Reach};
pub use framework::Framework;
pub use host::Host;
pub use image::{Build, Image};
pub use image_facts::ImageFacts;
pub use logs::LogRotation;
pub use network::{Network, NetworkRef};
pub use pipeline::{DeployTarget, Pipeline, Registry};
pub use port::{Port, Protocol, Route};
pub use probe::{Check, Probe};
pub use problem::{Error, Problem, Problems};
pub use project::{Project, ValidProject};
pub use reference::{EnvValue, ServiceRef, ServiceUrl};
pub use resources::Resources;
pub use role::Role;
pub use scaling::Autoscale;
pub use secret::{Secret, SecretRef};
pub use secret_rule::looks_secret;
pub use service::{Dependency, Ready, Restart, Run, Service, User};
pub use stack::Stack;
pub use static_site::StaticSite;
pub use units::{Cpu, Memory, mins, secs};
pub use url_password::{URL_SAFE_PASSWORD, secrets_inside_urls};
pub use validate::ValidStack;
pub use volume::{Mount, MountSource, Volume, VolumeKind, VolumeRef};
