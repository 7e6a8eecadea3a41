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
//! so it needs no password. MariaDB's images from 11.0 ship `mariadb-admin` and no longer the
//! `mysql*` names (<https://mariadb.com/kb/en/mariadb-11-0-1-release-notes/#docker-official-images>,
//! <https://github.com/MariaDB/mariadb-docker/issues/512>); `mariadb-admin` exists since 10.4.6
//! (MDEV-17591), so only the end-of-life 10.3 and older lack it. MongoDB 6 and later ship `mongosh` in place of the legacy `mongo` shell
//! (<https://hub.docker.com/_/mongo>); `ping` needs no authentication
//! (<https://www.mongodb.com/docs/manual/reference/command/ping/>). MongoDB's entrypoint runs its
//! init on a temporary `mongod --bind_ip 127.0.0.1 --port 27017`
//! (<https://github.com/docker-library/mongo/blob/master/docker-entrypoint.sh>), so a check on the
//! loopback address passes during init: it asks the container's own host name instead, which
//! resolves (`/etc/hosts`) to the address other containers reach.

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
        if let Engine::Mongo { major } = self.engine {
            let shell = if major >= 6 { "mongosh" } else { "mongo" };
            let line =
                format!("{shell} --quiet --host \"$(hostname)\" --port {port} --eval \"db.adminCommand('ping')\"");
            return Probe::shell(line).start_period(self.engine.first_start());
        }
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
            // Checked above, on its own host name.
            Engine::Mongo { .. } => Vec::new(),
        };
        Probe::exec(argv).start_period(self.engine.first_start())
    }
}

/// The host a command line names (`-h X`, `-hX`, `--host X`, `--host=X`), if any.
fn named_host<'a>(words: &[&'a str]) -> Option<&'a str> {
    words.iter().enumerate().find_map(|(i, w)| match *w {
        "-h" | "--host" => Some(words.get(i + 1).copied().unwrap_or_default()),
        w if w.starts_with("--host=") => Some(&w["--host=".len()..]),
        w if w.starts_with("-h") && w.len() > 2 => Some(&w[2..]),
        _ => None,
    })
}

impl Engine {
    /// The client a health check of this engine asks only over the Unix socket with, when the
    /// command line (its words, program included) does: `pg_isready` without a host, or
    /// `mysqladmin`/`mariadb-admin` without a host or with `localhost` (which MySQL's clients
    /// read as the socket: <https://dev.mysql.com/doc/refman/8.4/en/connecting.html>) and no
    /// `--protocol=tcp`. The images' temporary init servers answer the socket while TCP is still
    /// closed, so such a check passes before clients can connect.
    pub fn socket_only_client(self, words: &[&str]) -> Option<&'static str> {
        let uses = |client: &str| words.iter().any(|w| w.rsplit('/').next() == Some(client));
        match self {
            Engine::Postgres { .. } => (uses("pg_isready") && named_host(words).is_none()).then_some("pg_isready"),
            Engine::Mysql { .. } | Engine::Mariadb { .. } => {
                let client = ["mysqladmin", "mariadb-admin"].into_iter().find(|c| uses(c))?;
                let tcp = words.windows(2).any(|w| w[0] == "--protocol" && w[1].eq_ignore_ascii_case("tcp"))
                    || words.iter().any(|w| w.eq_ignore_ascii_case("--protocol=tcp"));
                let host = named_host(words).map(|h| h.trim_matches(['"', '\'']));
                (!tcp && host.is_none_or(|h| h == "localhost")).then_some(client)
            }
            Engine::Redis { .. } | Engine::Mongo { .. } => None,
        }
    }
}

/// The problems of a datastore service's own health check; `at` is the service's location.
pub(crate) fn problems(at: &[String], service: &Service) -> Vec<Problem> {
    let Some(Datastore { engine, .. }) = &service.datastore else { return Vec::new() };
    let Some(probe) = &service.healthcheck else { return Vec::new() };
    let client = match &probe.check {
        Check::Exec(argv) => engine.socket_only_client(&argv.iter().map(String::as_str).collect::<Vec<_>>()),
        Check::Shell(line) => engine.socket_only_client(&line.split_whitespace().collect::<Vec<_>>()),
        Check::Http { .. } | Check::Tcp { .. } => None,
    };
    let Some(client) = client else { return Vec::new() };
    let mut path = at.to_vec();
    path.push("healthcheck".into());
    vec![Problem {
        path,
        message: format!(
            "{client} without a TCP host asks the Unix socket, which the image's temporary init server answers \
             while TCP is still closed, so dependents start before the database accepts them"
        ),
        fix: format!("Drop .healthcheck to use the datastore's own check, or pass -h 127.0.0.1 to {client}"),
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
        let line = |datastore: Datastore| match datastore.probe(27017).check {
            Check::Shell(line) => line,
            other => panic!("a shell check, not {other:?}"),
        };
        // Not the loopback address, where MongoDB's temporary init server answers.
        assert_eq!(
            line(Datastore::mongo(7)),
            "mongosh --quiet --host \"$(hostname)\" --port 27017 --eval \"db.adminCommand('ping')\""
        );
        assert!(line(Datastore::mongo(5)).starts_with("mongo --quiet"));
        assert_eq!(Datastore::mysql(8).probe(3306).start_period, Some(secs(60)));
    }

    #[test]
    fn a_mysqladmin_asking_localhost_is_a_problem_and_one_asking_tcp_is_not() {
        let at = ["stack s".to_string(), "service db".to_string()];
        let mysql = |probe: Probe| {
            Service::new("db", Image::new("mysql:8.4"))
                .healthcheck(probe)
                .datastore(Datastore::mysql(8).user("app").database("app"))
        };
        for probe in [
            Probe::exec(["mysqladmin", "ping", "-h", "localhost"]),
            Probe::shell("mysqladmin ping --silent"),
            Probe::exec(["/usr/bin/mariadb-admin", "ping"]),
        ] {
            assert_eq!(problems(&at, &mysql(probe.clone())).len(), 1, "{probe:?}");
        }
        for probe in [
            Probe::exec(["mysqladmin", "ping", "-h", "127.0.0.1"]),
            Probe::shell("mysqladmin ping -hdb --silent"),
            Probe::shell("mysqladmin ping -h localhost --protocol=tcp"),
            Probe::exec(["healthcheck.sh", "--connect", "--innodb_initialized"]),
        ] {
            assert!(problems(&at, &mysql(probe.clone())).is_empty(), "{probe:?}");
        }
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
