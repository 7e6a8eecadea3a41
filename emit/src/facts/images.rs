//! What well-known images do at runtime: the user they run as (Alpine and Debian variants
//! differ), where they keep their data and how to move it, the paths they write, the ports
//! they bind, and whether they can run without root. Each entry cites the image's Dockerfile or
//! documentation. For other images the stack states the facts ([`stack_dsl::ImageFacts`]);
//! whatever neither says is an assumption the emitters report.

use std::time::Duration;

use stack_dsl::{Engine, Image, Service, User};

/// Which tags of a repository an entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Tags naming Alpine (`16-alpine`, `alpine3.21`).
    Alpine,
    /// Every other tag: the Debian-based default.
    Debian,
    /// Every tag: both variants share the fact.
    Any,
}

/// A user account of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Its name in the image's `/etc/passwd`.
    pub name: &'static str,
    /// Its uid.
    pub uid: u32,
    /// Its primary gid, which owns the image's data directory.
    pub gid: u32,
}

/// Where an image keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataDir {
    /// The default path.
    pub path: &'static str,
    /// The environment variable that moves it, if one does.
    pub moved_by: Option<&'static str>,
    /// True when the first start refuses a non-empty directory, such as a volume root holding
    /// `lost+found`, or the server takes its entries for data: the data must live in a
    /// subdirectory of the mount.
    pub needs_empty_dir: bool,
    /// How long the first start on an empty directory may take (initialising a database).
    pub first_start: Option<Duration>,
}

/// Whether an image can run without root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonRoot {
    /// As its own account (or any uid), once the paths it writes are writable.
    Yes,
    /// Only on a node's host namespaces and paths: it collects from the node itself.
    /// The text says what to install instead of one pod.
    NeedsHost(&'static str),
}

/// The facts about one image repository (and variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownImage {
    /// The repository as Docker Hub names it: `postgres`, `datadog/agent`.
    pub repository: &'static str,
    /// Which tags this entry describes.
    pub variant: Variant,
    /// The newest major version (the tag's leading number) the entry describes, when a later
    /// one changed the facts.
    pub max_major: Option<u32>,
    /// The account its process runs as; `None` when it runs as root and has no other.
    pub account: Option<Account>,
    /// Its data directory.
    pub data: Option<DataDir>,
    /// Paths outside the data directory its process writes at runtime.
    pub writes: &'static [&'static str],
    /// Ports its default configuration binds.
    pub listens: &'static [u16],
    /// Whether it can run without root.
    pub non_root: NonRoot,
    /// Where these facts come from.
    pub source: &'static str,
}

/// PostgreSQL's `initdb` plus the image's init scripts on a fresh volume: seconds on a fast
/// disk, more on network storage; two minutes is the allowance before the kubelet restarts it.
const INITDB: Duration = Duration::from_secs(120);

/// PostgreSQL keeps its data in `PGDATA`; on a mount point that holds `lost+found` (every fresh
/// ext4 volume) `initdb` fails unless `PGDATA` is a subdirectory of the mount.
/// <https://hub.docker.com/_/postgres> (section `PGDATA`); 18 and later moved it to
/// `/var/lib/postgresql/<major>/docker` (docker-library/postgres#1259), hence `max_major`.
const PGDATA: DataDir = DataDir {
    path: "/var/lib/postgresql/data",
    moved_by: Some("PGDATA"),
    needs_empty_dir: true,
    first_start: Some(INITDB),
};

/// Redis writes its snapshots and append-only files in its working directory, `/data`
/// (`WORKDIR /data` in the Dockerfile); it accepts a directory that holds other files.
const REDIS_DATA: DataDir = DataDir { path: "/data", moved_by: None, needs_empty_dir: false, first_start: None };

/// MySQL's first start (`mysqld --initialize-insecure` in the entrypoint) refuses a data
/// directory that holds anything but names starting with a period
/// (<https://dev.mysql.com/doc/refman/8.4/en/data-directory-initialization.html>: "If the data
/// directory exists but is not empty ... the server exits after producing an error message"), so
/// on a fresh volume with `lost+found` its data lives in a subdirectory. No variable moves it;
/// the mount does.
const MYSQL_DATA: DataDir =
    DataDir { path: "/var/lib/mysql", moved_by: None, needs_empty_dir: true, first_start: Some(INITDB) };

/// `mariadb-install-db` creates its system tables beside whatever the directory holds, but the
/// server then takes every subdirectory for a database: a volume root's `lost+found` becomes
/// the database `#mysql50#lost+found` and "Invalid (old?) table or database name 'lost+found'"
/// in the log every few seconds (<https://github.com/adfinis/openshift-mariadb-galera/issues/10>).
/// The images' maintainers advise a subdirectory of the volume for every database
/// (<https://github.com/docker-library/mysql/issues/186>), as for MySQL.
const MARIADB_DATA: DataDir =
    DataDir { path: "/var/lib/mysql", moved_by: None, needs_empty_dir: true, first_start: Some(INITDB) };

/// `VOLUME /data/db /data/configdb` in the Dockerfile; `mongod` keeps its files in `/data/db`.
const MONGO_DATA: DataDir = DataDir { path: "/data/db", moved_by: None, needs_empty_dir: false, first_start: None };

/// The table. Alpine entries come first so a tag naming Alpine finds its own.
pub const KNOWN_IMAGES: &[KnownImage] = &[
    // `addgroup -g 70 -S postgres; adduser -u 70 -S -D -G postgres … postgres`
    KnownImage {
        repository: "postgres",
        variant: Variant::Alpine,
        max_major: Some(17),
        account: Some(Account { name: "postgres", uid: 70, gid: 70 }),
        data: Some(PGDATA),
        // The socket directory is created mode 3777, writable by any uid.
        writes: &["/var/run/postgresql"],
        listens: &[5432],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/postgres/blob/master/17/alpine3.22/Dockerfile",
    },
    // `groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999 … postgres`
    KnownImage {
        repository: "postgres",
        variant: Variant::Debian,
        max_major: Some(17),
        account: Some(Account { name: "postgres", uid: 999, gid: 999 }),
        data: Some(PGDATA),
        writes: &["/var/run/postgresql"],
        listens: &[5432],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/postgres/blob/master/17/bookworm/Dockerfile",
    },
    // `addgroup -S -g 1000 redis && adduser -S -G redis -u 999 redis`
    KnownImage {
        repository: "redis",
        variant: Variant::Alpine,
        max_major: None,
        account: Some(Account { name: "redis", uid: 999, gid: 1000 }),
        data: Some(REDIS_DATA),
        writes: &[],
        listens: &[6379],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/redis/blob/master/7.4/alpine/Dockerfile",
    },
    // `groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis`
    KnownImage {
        repository: "redis",
        variant: Variant::Debian,
        max_major: None,
        account: Some(Account { name: "redis", uid: 999, gid: 999 }),
        data: Some(REDIS_DATA),
        writes: &[],
        listens: &[6379],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/redis/blob/master/7.4/debian/Dockerfile",
    },
    // `groupadd --system --gid 999 mysql; useradd --system --uid 999 --gid 999 … mysql`; the
    // socket directory `/var/run/mysqld` is created mode 1777, and `tmpdir` is `/tmp`.
    KnownImage {
        repository: "mysql",
        variant: Variant::Any,
        max_major: None,
        account: Some(Account { name: "mysql", uid: 999, gid: 999 }),
        data: Some(MYSQL_DATA),
        writes: &["/var/run/mysqld", "/tmp"],
        listens: &[3306, 33060],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/mysql/blob/master/8.4/Dockerfile.oracle",
    },
    // `groupadd --gid 999 -r mysql && useradd -r -g mysql mysql --home-dir /var/lib/mysql --uid 999`;
    // the socket directory `/run/mysqld` is created mode 1777.
    KnownImage {
        repository: "mariadb",
        variant: Variant::Any,
        max_major: None,
        account: Some(Account { name: "mysql", uid: 999, gid: 999 }),
        data: Some(MARIADB_DATA),
        writes: &["/run/mysqld", "/tmp"],
        listens: &[3306],
        non_root: NonRoot::Yes,
        source: "https://github.com/MariaDB/mariadb-docker/blob/master/11.4/Dockerfile",
    },
    // `groupadd --gid 999 --system mongodb; useradd --uid 999 --system --gid mongodb … mongodb`;
    // `mongod` puts its socket in `/tmp` and the entrypoint writes its configuration to
    // `/data/configdb`.
    KnownImage {
        repository: "mongo",
        variant: Variant::Any,
        max_major: None,
        account: Some(Account { name: "mongodb", uid: 999, gid: 999 }),
        data: Some(MONGO_DATA),
        writes: &["/data/configdb", "/tmp"],
        listens: &[27017],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/mongo/blob/master/7.0/Dockerfile",
    },
    // Both variants create `nginx` with uid and gid 101. Run as that user, nginx cannot create
    // its temporary directories under `/var/cache/nginx` nor its pid file `/var/run/nginx.pid`
    // (both root-owned), and binds port 80 ("Running nginx as a non-root user",
    // https://hub.docker.com/_/nginx).
    KnownImage {
        repository: "nginx",
        variant: Variant::Any,
        max_major: None,
        account: Some(Account { name: "nginx", uid: 101, gid: 101 }),
        data: None,
        writes: &["/var/cache/nginx", "/var/run"],
        listens: &[80],
        non_root: NonRoot::Yes,
        source: "https://github.com/nginx/docker-nginx/blob/master/stable/alpine-slim/Dockerfile",
    },
    // Listens on 8080, pid file and temporary paths under /tmp, runs as uid 101.
    KnownImage {
        repository: "nginxinc/nginx-unprivileged",
        variant: Variant::Any,
        max_major: None,
        account: Some(Account { name: "nginx", uid: 101, gid: 101 }),
        data: None,
        writes: &["/tmp"],
        listens: &[8080],
        non_root: NonRoot::Yes,
        source: "https://github.com/nginx/docker-nginx-unprivileged",
    },
    // `addgroup -g 1000 node && adduser -u 1000 -G node … node`; the image's user is root.
    KnownImage {
        repository: "node",
        variant: Variant::Any,
        max_major: None,
        account: Some(Account { name: "node", uid: 1000, gid: 1000 }),
        data: None,
        writes: &[],
        listens: &[],
        non_root: NonRoot::Yes,
        source: "https://github.com/nodejs/docker-node/blob/main/22/alpine3.22/Dockerfile",
    },
    // No user but root; the interpreter itself writes nothing outside the application's paths.
    KnownImage {
        repository: "python",
        variant: Variant::Any,
        max_major: None,
        account: None,
        data: None,
        writes: &[],
        listens: &[],
        non_root: NonRoot::Yes,
        source: "https://github.com/docker-library/python/blob/master/3.13/slim-bookworm/Dockerfile",
    },
    // Runs as root and binds its entry points (80 and 443 in the usual setup).
    KnownImage {
        repository: "traefik",
        variant: Variant::Any,
        max_major: None,
        account: None,
        data: None,
        writes: &[],
        listens: &[80, 443],
        non_root: NonRoot::Yes,
        source: "https://doc.traefik.io/traefik/getting-started/install-traefik/",
    },
    // Runs as root and writes its configuration, work and log directories.
    KnownImage {
        repository: "certbot/certbot",
        variant: Variant::Any,
        max_major: None,
        account: None,
        data: Some(DataDir { path: "/etc/letsencrypt", moved_by: None, needs_empty_dir: false, first_start: None }),
        writes: &["/var/lib/letsencrypt", "/var/log/letsencrypt"],
        listens: &[],
        non_root: NonRoot::Yes,
        source: "https://eff-certbot.readthedocs.io/en/stable/install.html#running-with-docker",
    },
    // The agent collects from the node: container runtime socket, /proc and cgroups, as a
    // DaemonSet with host paths; Datadog installs it with its Operator or Helm chart.
    KnownImage {
        repository: "datadog/agent",
        variant: Variant::Any,
        max_major: None,
        account: None,
        data: None,
        writes: &[],
        listens: &[8125, 8126],
        non_root: NonRoot::NeedsHost(
            "install the Datadog Agent with the Datadog Operator or Helm chart (https://docs.datadoghq.com/containers/kubernetes/installation/), which run it as a DaemonSet with the host access it needs",
        ),
        source: "https://docs.datadoghq.com/containers/kubernetes/installation/",
    },
];

/// An environment variable an image's entrypoint refuses to start without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredVariable {
    /// The repository as Docker Hub names it.
    pub repository: &'static str,
    /// The variable, which must be set and non-empty.
    pub variable: &'static str,
    /// Where this comes from.
    pub source: &'static str,
}

/// The table of variables images exit without.
pub const REQUIRED_VARIABLES: &[RequiredVariable] = &[
    // `/etc/cont-init.d/01-check-apikey.sh`: "You must set an DD_API_KEY environment variable to
    // run the Datadog Agent container", then exit 1.
    RequiredVariable {
        repository: "datadog/agent",
        variable: "DD_API_KEY",
        source: "https://github.com/DataDog/datadog-agent/issues/4497",
    },
];

/// The variables a database image's entrypoint reads to create its database, its user and that
/// user's password. It reads them only when the data directory is empty: an existing database
/// keeps its users and passwords whatever they say later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitVariables {
    /// The user to create.
    pub user: &'static str,
    /// That user's password.
    pub password: &'static str,
    /// The database to create.
    pub database: &'static str,
    /// The administrator's password, where it differs from the user's.
    pub root_password: Option<&'static str>,
    /// Older names the entrypoint also reads, in the order above (MariaDB's `MYSQL_*`).
    pub aliases: Option<&'static InitVariables>,
    /// The user's default when the variable is unset.
    pub default_user: Option<&'static str>,
    /// Where this comes from.
    pub source: &'static str,
}

const MYSQL_INIT: InitVariables = InitVariables {
    user: "MYSQL_USER",
    password: "MYSQL_PASSWORD",
    database: "MYSQL_DATABASE",
    root_password: Some("MYSQL_ROOT_PASSWORD"),
    aliases: None,
    default_user: None,
    source: "https://hub.docker.com/_/mysql (Environment Variables)",
};

/// The variables of each engine's official image; Redis has none (its password is a flag).
pub fn init_variables(engine: Engine) -> Option<&'static InitVariables> {
    const POSTGRES: InitVariables = InitVariables {
        user: "POSTGRES_USER",
        password: "POSTGRES_PASSWORD",
        database: "POSTGRES_DB",
        root_password: None,
        aliases: None,
        default_user: Some("postgres"),
        source: "https://hub.docker.com/_/postgres (Environment Variables)",
    };
    // "MARIADB_* … MYSQL_* equivalents are also accepted".
    const MARIADB: InitVariables = InitVariables {
        user: "MARIADB_USER",
        password: "MARIADB_PASSWORD",
        database: "MARIADB_DATABASE",
        root_password: Some("MARIADB_ROOT_PASSWORD"),
        aliases: Some(&MYSQL_INIT),
        default_user: None,
        source: "https://hub.docker.com/_/mariadb (Environment Variables)",
    };
    // The root user is created in the `admin` database, so clients authenticate against it.
    const MONGO: InitVariables = InitVariables {
        user: "MONGO_INITDB_ROOT_USERNAME",
        password: "MONGO_INITDB_ROOT_PASSWORD",
        database: "MONGO_INITDB_DATABASE",
        root_password: None,
        aliases: None,
        default_user: None,
        source: "https://hub.docker.com/_/mongo (Environment Variables)",
    };
    match engine {
        Engine::Postgres { .. } => Some(&POSTGRES),
        Engine::Mysql { .. } => Some(&MYSQL_INIT),
        Engine::Mariadb { .. } => Some(&MARIADB),
        Engine::Mongo { .. } => Some(&MONGO),
        Engine::Redis { .. } => None,
    }
}

/// The database MongoDB's image creates its root user in, which URLs name in `authSource`
/// (<https://hub.docker.com/_/mongo>: "This user is created in the admin authentication
/// database"; <https://www.mongodb.com/docs/manual/reference/connection-string-options/#mongodb-urioption-urioption.authSource>).
pub const MONGO_AUTH_SOURCE: &str = "admin";

/// How long a service's health check may fail after it starts before failures count: its own
/// start period, or the image's first start on an empty data directory when longer (a database
/// initialising, [`DataDir::first_start`]). Compose's `start_period` and Kubernetes' startup
/// probe both allow this much.
pub fn start_period(service: &Service) -> Option<Duration> {
    let stated = service.healthcheck.as_ref().and_then(|check| check.start_period);
    let first_start = Facts::of(service).data.and_then(|d| d.first_start);
    stated.max(first_start)
}

/// The variables the registry image `reference` exits without.
pub fn required_variables(reference: &str) -> impl Iterator<Item = &'static RequiredVariable> {
    let (repository, _) = repository_and_tag(reference);
    REQUIRED_VARIABLES.iter().filter(move |r| r.repository == repository)
}

/// Whether `service`'s image runs without root: what [`Facts::of`] says, without the rest.
pub fn non_root(service: &Service) -> NonRoot {
    match &service.image {
        Image::Registry(reference) => known(reference).map_or(NonRoot::Yes, |image| image.non_root),
        Image::Build(_) => NonRoot::Yes,
    }
}

/// The repository of an image reference, as Docker Hub names it, and its tag.
pub fn repository_and_tag(reference: &str) -> (&str, &str) {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let (name, tag) = match without_digest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (without_digest, "latest"),
    };
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    (name, tag)
}

fn leading_number(tag: &str) -> Option<u32> {
    let digits = tag.bytes().take_while(u8::is_ascii_digit).count();
    tag[..digits].parse().ok()
}

/// The facts about the registry image `reference`, if it is a well-known one.
pub fn known(reference: &str) -> Option<&'static KnownImage> {
    let (repository, tag) = repository_and_tag(reference);
    let alpine = tag.contains("alpine");
    KNOWN_IMAGES.iter().find(|image| {
        image.repository == repository
            && match image.variant {
                Variant::Alpine => alpine,
                Variant::Debian => !alpine,
                Variant::Any => true,
            }
            && match (image.max_major, leading_number(tag)) {
                (Some(max), Some(major)) => major <= max,
                // `latest` and other unnumbered tags follow the newest release.
                (Some(_), None) => false,
                (None, _) => true,
            }
    })
}

/// Where a service's image facts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The table above.
    Known(&'static KnownImage),
    /// The stack ([`Service::image_facts`]).
    Stated,
    /// Nowhere: the emitter assumes and reports.
    Unknown,
}

/// What a service's image does at runtime, from the table or the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Where the facts come from.
    pub origin: Origin,
    /// The uid and gid its process runs as and owns its files with.
    pub user: Option<(u32, u32)>,
    /// Its data directory.
    pub data: Option<DataDir>,
    /// Paths outside its mounts it writes at runtime.
    pub writes: Vec<String>,
    /// Ports its default configuration binds.
    pub listens: Vec<u16>,
    /// Whether it can run without root.
    pub non_root: NonRoot,
}

impl Facts {
    /// The facts about `service`'s image: the stack's own statement wins over the table.
    pub fn of(service: &Service) -> Facts {
        let known = match &service.image {
            Image::Registry(reference) => known(reference),
            Image::Build(_) => None,
        };
        let mut facts = match known {
            Some(image) => Facts {
                origin: Origin::Known(image),
                user: image.account.map(|a| (a.uid, a.gid)),
                data: image.data,
                writes: image.writes.iter().map(|p| p.to_string()).collect(),
                listens: image.listens.to_vec(),
                non_root: image.non_root,
            },
            None => Facts {
                origin: Origin::Unknown,
                user: None,
                data: None,
                writes: Vec::new(),
                listens: Vec::new(),
                non_root: NonRoot::Yes,
            },
        };
        // A statement of what the image must hold says nothing about its user or writes.
        if let Some(stated) = service.image_facts.as_ref().filter(|s| s.user.is_some() || !s.writes.is_empty()) {
            facts.origin = Origin::Stated;
            facts.user = stated.user.or(facts.user);
            facts.writes.extend(stated.writes.iter().cloned());
        }
        facts
    }

    /// The uid and gid of the user `name` in the image, if the table knows it.
    pub fn account_named(&self, name: &str) -> Option<(u32, u32)> {
        match self.origin {
            Origin::Known(image) => image.account.filter(|a| a.name == name).map(|a| (a.uid, a.gid)),
            _ => None,
        }
    }

    /// The user the service runs as: its numeric `.user(..)`, else the image's account it
    /// names, else the image's own account; `None` when none of these is known.
    pub fn effective_user(&self, service: &Service) -> Option<(u32, u32)> {
        match &service.user {
            Some(User::Id { uid, gid }) => Some((*uid, gid.unwrap_or(*uid))),
            Some(User::Named(name)) => self.account_named(name),
            None => self.user,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_have_their_own_ids() {
        let uid = |r: &str| known(r).and_then(|i| i.account).map(|a| (a.uid, a.gid));
        assert_eq!(uid("postgres:16-alpine"), Some((70, 70)));
        assert_eq!(uid("postgres:17"), Some((999, 999)));
        assert_eq!(uid("docker.io/library/postgres:15-alpine3.20"), Some((70, 70)));
        assert_eq!(uid("redis:7-alpine"), Some((999, 1000)));
        assert_eq!(uid("redis:7"), Some((999, 999)));
        assert_eq!(uid("nginx:1.27-alpine"), Some((101, 101)));
        assert_eq!(uid("nginx:alpine"), Some((101, 101)));
    }

    #[test]
    fn mysql_mariadb_and_mongo_run_as_999_and_keep_their_data_where_their_docs_say() {
        for (reference, name, data) in [
            ("mysql:8.4", "mysql", "/var/lib/mysql"),
            ("docker.io/library/mariadb:11", "mysql", "/var/lib/mysql"),
            ("mongo:7", "mongodb", "/data/db"),
        ] {
            let image = known(reference).expect(reference);
            assert_eq!(image.account, Some(Account { name, uid: 999, gid: 999 }), "{reference}");
            assert_eq!(image.data.map(|d| d.path), Some(data), "{reference}");
        }
        assert!(known("mysql:9").and_then(|i| i.data).is_some_and(|d| d.needs_empty_dir));
    }

    #[test]
    fn mariadb_reads_its_own_and_mysqls_variable_names() {
        let mariadb = init_variables(Engine::Mariadb { major: 11 }).expect("variables");
        assert_eq!((mariadb.user, mariadb.aliases.map(|a| a.user)), ("MARIADB_USER", Some("MYSQL_USER")));
        assert_eq!(init_variables(Engine::Mongo { major: 7 }).map(|v| v.password), Some("MONGO_INITDB_ROOT_PASSWORD"));
        assert_eq!(init_variables(Engine::Redis { major: 7 }), None);
    }

    #[test]
    fn later_postgres_majors_and_unknown_images_have_no_facts() {
        assert_eq!(known("postgres:18-alpine"), None);
        assert_eq!(known("postgres:latest"), None);
        assert_eq!(known("ghcr.io/team/app:1"), None);
        assert_eq!(known("mypostgres:16"), None);
    }

    #[test]
    fn the_datadog_agent_needs_its_key() {
        let names = |r: &str| required_variables(r).map(|v| v.variable).collect::<Vec<_>>();
        assert_eq!(names("datadog/agent:7"), ["DD_API_KEY"]);
        assert_eq!(names("docker.io/datadog/agent:latest"), ["DD_API_KEY"]);
        assert!(names("postgres:16").is_empty());
    }

    #[test]
    fn the_datadog_agent_needs_the_host() {
        assert!(matches!(known("datadog/agent:7").map(|i| i.non_root), Some(NonRoot::NeedsHost(_))));
    }
}
