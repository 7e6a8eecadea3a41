//! The health check each datastore engine passes only when clients can connect, so that
//! services waiting for a healthy database (`Ready::Healthy`) start when it accepts them.
//!
//! PostgreSQL: on first start the official image's entrypoint runs `initdb` and the
//! `/docker-entrypoint-initdb.d` scripts on a temporary server that listens only on the Unix
//! socket (`-c listen_addresses=''`), then restarts it on TCP. `pg_isready` without `-h` asks
//! that socket and reports "accepting connections" while TCP is still closed; the image's
//! maintainers advise checking with `--host 127.0.0.1`
//! (<https://github.com/docker-library/postgres/issues/880>, `docker_temp_server_start` in
//! <https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh>).
//!
//! MySQL and MariaDB: the images' entrypoints initialise on a temporary server started with
//! `--skip-networking` (`docker_temp_server_start` in
//! <https://github.com/docker-library/mysql/blob/master/8.4/docker-entrypoint.sh> and
//! <https://github.com/MariaDB/mariadb-docker/blob/master/11.4/docker-entrypoint.sh>), so the
//! check asks over TCP too. `mysqladmin ping` exits 0 whenever the server answers, "even in case
//! of an error such as Access denied" (<https://dev.mysql.com/doc/refman/8.4/en/mysqladmin.html>),
//! so it needs no password. MariaDB 11 images ship `mariadb-admin` and no longer the `mysql*`
//! names (<https://hub.docker.com/_/mariadb>, "MariaDB 11 … no longer includes mysql named
//! symlinks"). MongoDB 6 and later ship `mongosh` in place of the legacy `mongo` shell
//! (<https://hub.docker.com/_/mongo>); `ping` needs no authentication
//! (<https://www.mongodb.com/docs/manual/reference/command/ping/>).

use std::time::Duration;

use crate::datastore::{Datastore, Engine};
use crate::probe::{Check, Probe};
use crate::problem::Problem;
use crate::service::Service;
use crate::units::secs;

impl Engine {
    /// How long the first start may take before failed checks count: PostgreSQL runs `initdb`,
    /// MySQL and MariaDB initialise their system tables, each runs the init scripts; Redis
    /// replays its append-only file, MongoDB creates its root user.
    pub fn first_start(self) -> Duration {
        match self {
            Engine::Postgres { .. } | Engine::Mysql { .. } | Engine::Mariadb { .. } => secs(60),
            Engine::Redis { .. } | Engine::Mongo { .. } => secs(30),
        }
    }
}

impl Datastore {
    /// The check that passes once clients can connect over TCP on `port`, with a start period
    /// covering the first initialisation.
    pub fn probe(&self, port: u16) -> Probe {
        let loopback = "127.0.0.1".to_string();
        let argv = match self.engine {
            Engine::Postgres { .. } => {
                let mut argv = vec!["pg_isready".into(), "-h".into(), loopback, "-p".into(), port.to_string()];
                if let Some(user) = &self.user {
                    argv.extend(["-U".into(), user.clone()]);
                }
                if let Some(database) = &self.database {
                    argv.extend(["-d".into(), database.clone()]);
                }
                argv
            }
            Engine::Redis { .. } => {
                vec!["redis-cli".into(), "-h".into(), loopback, "-p".into(), port.to_string(), "ping".into()]
            }
            Engine::Mysql { .. } | Engine::Mariadb { .. } => {
                let program = if matches!(self.engine, Engine::Mysql { .. }) { "mysqladmin" } else { "mariadb-admin" };
                vec![program.into(), "ping".into(), "-h".into(), loopback, "-P".into(), port.to_string()]
            }
            Engine::Mongo { major } => {
                let shell = if major >= 6 { "mongosh" } else { "mongo" };
                let mut argv = vec![shell.into(), "--quiet".into(), "--host".into(), loopback, "--port".into()];
                argv.extend([port.to_string(), "--eval".into(), "db.adminCommand('ping')".into()]);
                argv
            }
        };
        Probe::exec(argv).start_period(self.engine.first_start())
    }
}

/// True when a `pg_isready` command line names a host (`-h`, `--host`, `--host=`).
fn names_a_host<'a>(mut words: impl Iterator<Item = &'a str>) -> bool {
    words.any(|w| w == "-h" || w == "--host" || w.starts_with("--host=") || (w.starts_with("-h") && w.len() > 2))
}

/// The problems of a PostgreSQL service's own health check; `at` is the service's location.
pub(crate) fn problems(at: &[String], service: &Service) -> Vec<Problem> {
    let Some(Datastore { engine: Engine::Postgres { .. }, .. }) = &service.datastore else { return Vec::new() };
    let Some(probe) = &service.healthcheck else { return Vec::new() };
    let socket_only = match &probe.check {
        Check::Exec(argv) => {
            argv.first().is_some_and(|p| p.ends_with("pg_isready")) && !names_a_host(argv.iter().map(String::as_str))
        }
        Check::Shell(line) => line.contains("pg_isready") && !names_a_host(line.split_whitespace()),
        Check::Http { .. } | Check::Tcp { .. } => false,
    };
    if !socket_only {
        return Vec::new();
    }
    let mut path = at.to_vec();
    path.push("healthcheck".into());
    vec![Problem {
        path,
        message: "pg_isready without a host asks the Unix socket, which the image's temporary init server answers \
                  while TCP is still closed, so dependents start before the database accepts them"
            .into(),
        fix: "Drop .healthcheck to use the datastore's own check, or pass -h 127.0.0.1 to pg_isready".into(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Image;

    fn postgres(probe: Option<Probe>) -> Service {
        let service = Service::new("db", Image::new("postgres:16"));
        let service = match probe {
            Some(p) => service.healthcheck(p),
            None => service,
        };
        service.datastore(Datastore::postgres(16).user("app").database("app"))
    }

    #[test]
    fn a_postgres_service_without_a_check_gets_the_tcp_one() {
        let service = postgres(None);
        let probe = service.healthcheck.expect("the datastore's check");
        let Check::Exec(argv) = &probe.check else { panic!("an exec check") };
        assert_eq!(&argv[..3], ["pg_isready", "-h", "127.0.0.1"]);
        assert_eq!(probe.start_period, Some(secs(60)));
    }

    #[test]
    fn mysql_mariadb_and_mongo_are_checked_over_tcp_with_the_client_their_image_ships() {
        let argv = |datastore: Datastore| match datastore.probe(datastore.engine.default_port()).check {
            Check::Exec(argv) => argv,
            other => panic!("an exec check, not {other:?}"),
        };
        assert_eq!(argv(Datastore::mysql(8)), ["mysqladmin", "ping", "-h", "127.0.0.1", "-P", "3306"]);
        assert_eq!(argv(Datastore::mariadb(11)), ["mariadb-admin", "ping", "-h", "127.0.0.1", "-P", "3306"]);
        let mongo = argv(Datastore::mongo(7));
        assert_eq!(&mongo[..6], ["mongosh", "--quiet", "--host", "127.0.0.1", "--port", "27017"]);
        assert_eq!(argv(Datastore::mongo(5))[0], "mongo");
        assert_eq!(Datastore::mysql(8).probe(3306).start_period, Some(secs(60)));
    }

    #[test]
    fn a_socket_only_pg_isready_is_a_problem() {
        let at = ["stack s".to_string(), "service db".to_string()];
        for probe in [Probe::exec(["pg_isready", "-U", "app"]), Probe::shell("pg_isready -U \"$POSTGRES_USER\"")] {
            assert_eq!(problems(&at, &postgres(Some(probe))).len(), 1);
        }
        for probe in [Probe::exec(["pg_isready", "-h", "127.0.0.1"]), Probe::shell("pg_isready --host=localhost")] {
            assert!(problems(&at, &postgres(Some(probe))).is_empty());
        }
    }
}
