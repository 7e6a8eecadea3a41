//! MySQL, MariaDB and MongoDB datastores, read back from every target's generated files: the
//! official image with its volume at the data directory, a readiness check over TCP with the
//! client the image ships, the image's own user (uid 999), passwords as references only, and a
//! connection URL other services can use on each platform. The facts come from
//! `emit::facts::images`, which cites the images' docs.

use emit::compose::model::{ComposeFile, ServiceVolume};
use emit::render_blueprint::model::{Blueprint, EnvVar, Runtime, ServiceType};
use stack_dsl::*;

fn project() -> Project {
    Project::new("chat", [Env::Production], |_| {
        let mut stack = Stack::new("chat");
        let wp_password = stack.add_secret(Secret::new("WP_DB_PASSWORD"));
        let root_password = stack.add_secret(Secret::new("WP_DB_ROOT_PASSWORD"));
        let shop_password = stack.add_secret(Secret::new("SHOP_DB_PASSWORD"));
        let mongo_password = stack.add_secret(Secret::new("MONGO_PASSWORD"));
        let wp_data = stack.add_volume(Volume::persistent("wp-data"));
        let shop_data = stack.add_volume(Volume::persistent("shop-data"));
        let mongo_data = stack.add_volume(Volume::persistent("mongo-data"));
        let mariadb = stack.add_service(
            Service::new("mariadb", Image::new("mariadb:11.4"))
                .port(Port::tcp(3306))
                .env("MARIADB_DATABASE", "wordpress")
                .env("MARIADB_USER", "wordpress")
                .env("MARIADB_PASSWORD", &wp_password)
                .env("MARIADB_ROOT_PASSWORD", &root_password)
                .mount(Mount::volume(&wp_data, "/var/lib/mysql"))
                .datastore(Datastore::mariadb(11).user("wordpress").database("wordpress").password(&wp_password)),
        );
        let mysql = stack.add_service(
            Service::new("mysql", Image::new("docker.io/library/mysql:8.4"))
                .port(Port::tcp(3306))
                .env("MYSQL_DATABASE", "shop")
                .env("MYSQL_USER", "shop")
                .env("MYSQL_PASSWORD", &shop_password)
                .env("MYSQL_ROOT_PASSWORD", &root_password)
                .mount(Mount::volume(&shop_data, "/var/lib/mysql"))
                .datastore(Datastore::mysql(8).user("shop").database("shop").password(&shop_password)),
        );
        let mongo = stack.add_service(
            Service::new("mongo", Image::new("mongo:7"))
                .port(Port::tcp(27017))
                .env("MONGO_INITDB_ROOT_USERNAME", "chat")
                .env("MONGO_INITDB_ROOT_PASSWORD", &mongo_password)
                .mount(Mount::volume(&mongo_data, "/data/db"))
                .datastore(Datastore::mongo(7).user("chat").database("chat").password(&mongo_password)),
        );
        stack.add_service(
            Service::new("api", Image::new("ghcr.io/chat/api:1"))
                .port(Port::http(3000))
                .route(Route::new("chat.example.com").tls())
                .env("WORDPRESS_DB_URL", mariadb.database_url())
                .env("SHOP_DB_URL", mysql.database_url())
                .env("MONGO_URL", mongo.database_url())
                .env("MONGO_HOST", mongo.host())
                .depends_on(&mariadb, Ready::Healthy)
                .depends_on(&mysql, Ready::Healthy)
                .depends_on(&mongo, Ready::Healthy),
        );
        stack
    })
}

fn bundle() -> emit::Bundle {
    emit::render(&project().validate().expect("valid"), &emit::Options::with_root("")).expect("renders")
}

fn text<'a>(bundle: &'a emit::Bundle, path: &str) -> &'a str {
    &bundle.file(path).unwrap_or_else(|| panic!("no {path}")).contents
}

/// (service, data directory, the readiness program).
const DATABASES: [(&str, &str, &str); 3] = [
    ("mariadb", "/var/lib/mysql", "mariadb-admin"),
    ("mysql", "/var/lib/mysql", "mysqladmin"),
    ("mongo", "/data/db", "mongosh"),
];

/// Compose: the image's volume at its data directory, a TCP check, passwords from the env file,
/// and URLs built with the service's host name and the engine's port.
#[test]
fn compose_runs_each_image_with_its_volume_check_and_referenced_passwords() {
    let bundle = bundle();
    let file: ComposeFile =
        serde_saphyr::from_str(text(&bundle, &emit::layout::compose_file(Env::Production))).expect("parses");
    for (name, data, program) in DATABASES {
        let service = &file.services[name];
        let mounted =
            service.volumes.iter().any(|v| matches!(v, ServiceVolume::Short(s) if s.ends_with(&format!(":{data}"))));
        assert!(mounted, "{name}: no volume at {data}: {:?}", service.volumes);
        let check = service.healthcheck.as_ref().expect("a health check");
        let words: Vec<&str> = check.test[1..].iter().flat_map(|w| w.split_whitespace()).collect();
        assert_eq!(words[0], program, "{name}: {:?}", check.test);
        // Over TCP: MySQL's and MariaDB's init servers skip networking, so the loopback address
        // is closed until they are done; MongoDB's listens on it, so its own host name is asked.
        let host = if name == "mongo" { "\"$$(hostname)\"" } else { "127.0.0.1" };
        assert!(words.windows(2).any(|w| w[0].starts_with('-') && w[1] == host), "{name}: {:?}", check.test);
        assert!(check.start_period.is_some(), "{name}: the first start is not allowed for");
        // The same allowance for the first start as Kubernetes' startup probe, from one fact.
        if name != "mongo" {
            assert_eq!(check.start_period.as_deref(), Some("120s"), "{name}");
        }
        for (key, value) in &service.environment {
            if key.ends_with("PASSWORD") {
                assert!(value.starts_with("${") && value.ends_with('}'), "{name}: {key} is {value:?}, not a reference");
            }
        }
    }
    let api = &file.services["api"];
    let url = |key: &str| api.environment[key].clone();
    assert!(url("WORDPRESS_DB_URL").starts_with("mysql://wordpress:${WP_DB_PASSWORD"), "{}", url("WORDPRESS_DB_URL"));
    assert!(url("WORDPRESS_DB_URL").ends_with("}@mariadb:3306/wordpress"), "{}", url("WORDPRESS_DB_URL"));
    assert!(url("SHOP_DB_URL").ends_with("}@mysql:3306/shop"), "{}", url("SHOP_DB_URL"));
    assert!(url("MONGO_URL").starts_with("mongodb://chat:${MONGO_PASSWORD"), "{}", url("MONGO_URL"));
    assert!(url("MONGO_URL").ends_with("}@mongo:27017/chat?authSource=admin"), "{}", url("MONGO_URL"));
    for name in ["mariadb", "mysql", "mongo"] {
        assert_eq!(api.depends_on[name].condition, "service_healthy");
    }
}

/// Kubernetes: a StatefulSet per database running as the image's uid 999 with its volume group
/// owned by 999, MySQL's data in a subdirectory of its volume (its first start refuses
/// `lost+found`), a TCP readiness check, a startup allowance for the first start, and passwords
/// from the Secret, the client's URL spelled from them.
#[cfg(feature = "kubernetes")]
#[test]
fn kubernetes_runs_each_image_as_its_own_user_on_its_volume() {
    use emit::kubernetes::Object;
    let bundle = bundle();
    let dir = emit::layout::kubernetes_dir(Env::Production);
    let objects = |name: &str| -> Vec<Object> {
        text(&bundle, &format!("{dir}/{name}.yaml"))
            .split("\n---\n")
            .filter_map(|doc| serde_saphyr::from_str::<Object>(doc).ok())
            .collect()
    };
    for (name, data, program) in DATABASES {
        let set = objects(name)
            .into_iter()
            .find_map(|o| match o {
                Object::StatefulSet(s) => Some(s),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}: no StatefulSet"));
        let pod = set.spec.and_then(|s| s.template.spec).expect("a pod");
        let security = pod.security_context.as_ref().expect("a pod security context");
        assert_eq!((security.run_as_user, security.fs_group), (Some(999), Some(999)), "{name}");
        let container = &pod.containers[0];
        let mount = container
            .volume_mounts
            .iter()
            .flatten()
            .find(|m| m.mount_path == data)
            .unwrap_or_else(|| panic!("{name}: nothing mounted at {data}"));
        // MySQL refuses lost+found on its first start; MariaDB would list it as a database.
        let expected_sub_path = (name != "mongo").then(|| "data".to_string());
        assert_eq!(mount.sub_path, expected_sub_path, "{name}");
        let readiness =
            container.readiness_probe.as_ref().and_then(|p| p.exec.as_ref()).expect("an exec readiness check");
        let command = readiness.command.clone().unwrap_or_default().join(" ");
        assert!(command.contains(program), "{name}: {command}");
        let host = if name == "mongo" { "--host \"$(hostname)\"" } else { "-h 127.0.0.1" };
        assert!(command.contains(host), "{name}: {command}");
        let startup = container.startup_probe.as_ref().expect("a startup probe");
        let allowed = startup.period_seconds.unwrap_or(10) * startup.failure_threshold.unwrap_or(3);
        assert!(allowed >= 30, "{name}: {allowed}s for the first start");
        for var in container.env.iter().flatten().filter(|v| v.name.ends_with("PASSWORD")) {
            assert!(var.value.is_none(), "{name}: {} is written into the manifest", var.name);
            assert!(var.value_from.as_ref().and_then(|f| f.secret_key_ref.as_ref()).is_some(), "{name}: {}", var.name);
        }
    }
    let api = objects("api")
        .into_iter()
        .find_map(|o| match o {
            Object::Deployment(d) => d.spec.and_then(|s| s.template.spec),
            _ => None,
        })
        .expect("the api's Deployment");
    let env = api.containers[0].env.clone().unwrap_or_default();
    let position = |name: &str| env.iter().position(|v| v.name == name);
    let mongo_url = env.iter().find(|v| v.name == "MONGO_URL").and_then(|v| v.value.clone()).expect("MONGO_URL");
    assert_eq!(mongo_url, "mongodb://chat:$(MONGO_PASSWORD)@mongo:27017/chat?authSource=admin");
    // `$(NAME)` expands only a variable defined earlier in the list.
    assert!(position("MONGO_PASSWORD") < position("MONGO_URL"), "{env:?}");
    // The images read their password variables, the root's too, only on an empty data
    // directory: rotating them in the Secret restarts no database, and the header says so.
    let kustomization = text(&bundle, &format!("{dir}/kustomization.yaml"));
    for (key, service) in
        [("MONGO_PASSWORD", "mongo"), ("WP_DB_ROOT_PASSWORD", "mariadb"), ("WP_DB_ROOT_PASSWORD", "mysql")]
    {
        let note = format!("{key} sets the password of {service} only on its first start");
        assert!(kustomization.contains(&note), "{note}");
    }
    let deploy = text(&bundle, "DEPLOY.md");
    for name in ["mariadb", "mysql", "mongo"] {
        assert!(!deploy.contains(&format!("rollout restart statefulset/{name} ")), "{name} restarts:\n{deploy}");
    }
}

/// Render manages neither MySQL nor MongoDB: each runs its image as a private service with a
/// disk at its data directory, and a client's URL, which a Blueprint cannot build from the
/// private host name and password, is asked for in the dashboard with the shape reported.
#[test]
fn render_runs_the_images_as_private_services_with_a_disk() {
    let bundle = bundle();
    let blueprint: Blueprint = serde_saphyr::from_str(text(&bundle, emit::layout::RENDER_BLUEPRINT)).expect("parses");
    let environment = &blueprint.projects[0].environments[0];
    assert!(environment.databases.is_empty(), "{:?}", environment.databases);
    for (name, data, _) in DATABASES {
        let service = environment
            .services
            .iter()
            .find(|s| s.name == format!("chat-production-{name}"))
            .unwrap_or_else(|| panic!("{name}: not deployed"));
        assert_eq!((service.kind, service.runtime), (ServiceType::Pserv, Some(Runtime::Image)), "{name}");
        assert_eq!(service.disk.as_ref().map(|d| d.mount_path.as_str()), Some(data), "{name}");
        let reported = bundle
            .warnings()
            .iter()
            .find(|w| w.target == "render" && w.service == name && w.message.contains("no managed"))
            .unwrap_or_else(|| panic!("{name}: not reported"));
        // MySQL's first start refuses a volume root holding lost+found and MariaDB takes it for
        // a database; no subPath here.
        let moved = reported.message.contains("--datadir=/var/lib/mysql/data");
        assert_eq!(moved, name != "mongo", "{}", reported.message);
    }
    // The Blueprint's header says so, and what to enter for each URL.
    let header: Vec<&str> =
        text(&bundle, emit::layout::RENDER_BLUEPRINT).lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        header.iter().any(|l| l.contains(
            "Render manages no MySQL, MariaDB or MongoDB: mariadb (MariaDB), mysql (MySQL), mongo (MongoDB)"
        )),
        "{header:#?}"
    );
    // In the order the first deploy needs: Render asks while creating the Blueprint, before
    // the private service and its host name exist.
    let header_text = header.iter().map(|l| l.trim_start_matches('#').trim()).collect::<Vec<_>>().join(" ");
    let entered = "First deploy, api MONGO_URL: 1. when Render asks for it while creating the Blueprint, mongo does not exist yet: enter a placeholder";
    assert!(header_text.contains(entered), "{header:#?}");
    let then = "2. once mongo is live, copy its internal address from its Connect menu; 3. set MONGO_URL on api to mongodb://chat:<MONGO_PASSWORD>@<mongo host>:27017/chat?authSource=admin with that host, and redeploy api.";
    assert!(header_text.contains(then), "{header:#?}");
    let api = environment.services.iter().find(|s| s.name == "chat-production-api").expect("api");
    for key in ["WORDPRESS_DB_URL", "SHOP_DB_URL", "MONGO_URL"] {
        let var = api.env_vars.iter().find(|v| v.key() == Some(key)).unwrap_or_else(|| panic!("no {key}"));
        assert!(matches!(var, EnvVar::Prompted { sync: false, .. }), "{key}: {var:?}");
        let reported = bundle.warnings().iter().any(|w| w.service == "api" && w.message.contains(key));
        assert!(reported, "{key}: what to enter is not reported");
    }
    let host = api.env_vars.iter().find(|v| v.key() == Some("MONGO_HOST")).expect("MONGO_HOST");
    assert!(
        matches!(host, EnvVar::Service { from_service, .. } if from_service.name == "chat-production-mongo" && from_service.property.as_deref() == Some("host")),
        "{host:?}"
    );
}

/// Railway runs the images with a volume at their data directory; a client's URL names the
/// private host and takes the password from the database service's own variable.
#[test]
fn railway_runs_the_images_with_a_volume_and_builds_urls_from_their_variables() {
    let bundle = bundle();
    let program = text(&bundle, emit::layout::RAILWAY_PROGRAM);
    for (image, data) in
        [("mariadb:11.4", "/var/lib/mysql"), ("docker.io/library/mysql:8.4", "/var/lib/mysql"), ("mongo:7", "/data/db")]
    {
        assert!(program.contains(&format!("source: image(\"{image}\")")), "{image}:\n{program}");
        assert!(program.contains(&format!("\"{data}\": ")), "{data}:\n{program}");
    }
    assert!(!program.contains("mysql(") && !program.contains("mongo("), "{program}");
    for url in [
        "\"mysql://wordpress:${{mariadb.MARIADB_PASSWORD}}@${{mariadb.RAILWAY_PRIVATE_DOMAIN}}:3306/wordpress\"",
        "\"mysql://shop:${{mysql.MYSQL_PASSWORD}}@${{mysql.RAILWAY_PRIVATE_DOMAIN}}:3306/shop\"",
        "\"mongodb://chat:${{mongo.MONGO_INITDB_ROOT_PASSWORD}}@${{mongo.RAILWAY_PRIVATE_DOMAIN}}:27017/chat?authSource=admin\"",
    ] {
        assert!(program.contains(url), "{url}:\n{program}");
    }
}

/// A MySQL or MongoDB outside the stack that the platform would have to provide (on the Docker
/// host, or handed over as a managed URL) has no managed stand-in on Render or Railway: an
/// error naming it and what to do, never a PostgreSQL in its place.
#[test]
fn an_external_mysql_or_mongo_the_platform_would_provide_is_an_error() {
    for datastore in
        [Datastore::mysql(8).user("shop").database("shop"), Datastore::mongo(7).user("shop").database("shop")]
    {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            let legacy = stack.add_external(
                External::on_docker_host("legacy", 3306)
                    .cluster_host("legacy.example.internal")
                    .datastore(datastore.clone()),
            );
            stack.add_service(Service::new("app", Image::new("shop:1")).env("DATABASE_URL", legacy.database_url()));
            stack
        });
        let valid = project.validate().expect("valid");
        let options = emit::Options::with_root("");
        for result in [emit::render_blueprint::render(&valid, &options), emit::railway::render(&valid, &options)] {
            match result {
                Err(emit::Error::Unsupported { service, reason, fix, .. }) => {
                    assert_eq!(service, "legacy");
                    assert!(reason.contains("has no managed"), "{reason}");
                    assert!(fix.contains("External::at"), "{fix}");
                }
                other => panic!("{:?}", other.map(|b| b.files().len())),
            }
        }
    }
}

/// A MongoDB without a root user runs without authentication (<https://hub.docker.com/_/mongo>):
/// the datastore validates without a user and its URL carries no credentials and no
/// `authSource`.
#[test]
fn a_mongo_without_authentication_is_reached_without_credentials() {
    let project = Project::new("chat", [Env::Production], |_| {
        let mut stack = Stack::new("chat");
        let mongo = stack.add_service(
            Service::new("mongo", Image::new("mongo:7"))
                .port(Port::tcp(27017))
                .datastore(Datastore::mongo(7).database("chat")),
        );
        stack.add_service(
            Service::new("api", Image::new("ghcr.io/chat/api:1"))
                .port(Port::http(3000))
                .env("MONGO_URL", mongo.database_url()),
        );
        stack
    });
    let bundle = emit::render(&project.validate().expect("valid without a user"), &emit::Options::with_root(""))
        .expect("renders");
    let file: ComposeFile =
        serde_saphyr::from_str(text(&bundle, &emit::layout::compose_file(Env::Production))).expect("parses");
    assert_eq!(file.services["api"].environment["MONGO_URL"], "mongodb://mongo:27017/chat");
    assert!(!file.services["mongo"].environment.keys().any(|k| k.starts_with("MONGO_INITDB")));
}

/// A database's own check without a start period (an imported `mysqladmin ping`) still gets
/// the image's first start in Compose, as Kubernetes' startup probe does.
#[test]
fn compose_allows_the_first_start_even_for_a_check_without_start_period() {
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let password = stack.add_secret(Secret::new("SHOP_DB_PASSWORD"));
        stack.add_service(
            Service::new("mysql", Image::new("mysql:8.4"))
                .port(Port::tcp(3306))
                .env("MYSQL_PASSWORD", &password)
                .healthcheck(Probe::exec(["mysqladmin", "ping", "-h", "127.0.0.1"]))
                .datastore(Datastore::mysql(8).user("shop").database("shop").password(&password)),
        );
        stack
    });
    let bundle = emit::render(&project.validate().expect("valid"), &emit::Options::with_root("")).expect("renders");
    let file: ComposeFile =
        serde_saphyr::from_str(text(&bundle, &emit::layout::compose_file(Env::Production))).expect("parses");
    let check = file.services["mysql"].healthcheck.as_ref().expect("a check");
    assert_eq!(check.start_period.as_deref(), Some("120s"));
}

/// Every target says where its user sets a database's password that the image reads only on
/// its first start, with the statement that rotates it (both root accounts for MySQL's and
/// MariaDB's root); Railway adds that the variables go in one staged change before the first
/// deploy.
#[test]
fn every_target_says_the_passwords_are_read_only_on_the_first_start() {
    let bundle = bundle();
    let flat = |path: &str| {
        text(&bundle, path).lines().map(|l| l.trim_start_matches(['#', '/', ' '])).collect::<Vec<_>>().join(" ")
    };
    let kubernetes_page = bundle
        .files()
        .iter()
        .filter(|f| f.path.starts_with(&emit::layout::kubernetes_dir(Env::Production)))
        .map(|f| f.contents.replace("\n# ", " "))
        .collect::<String>();
    for (target, text, stored, name) in [
        (
            "compose",
            flat(&emit::layout::compose_env_example(Env::Production)),
            "then in production.env",
            "SHOP_DB_PASSWORD",
        ),
        ("kubernetes", kubernetes_page, "then in the Secret", "SHOP_DB_PASSWORD"),
        (
            "render",
            flat(emit::layout::RENDER_BLUEPRINT),
            "then in the service's Environment in the Render dashboard",
            "MYSQL_PASSWORD",
        ),
        (
            "railway",
            flat(emit::layout::RAILWAY_PROGRAM),
            "then in the service's Variables on Railway",
            "MYSQL_PASSWORD",
        ),
    ] {
        let said = format!(
            "{name} sets the password of mysql only on its first start, on an empty data directory: to rotate it, change it in the database first (ALTER USER 'shop'@'%' IDENTIFIED BY '...'), {stored}"
        );
        assert!(text.contains(&said), "{target} does not say:\n{said}\n{text}");
        let root = "ALTER USER 'root'@'localhost' IDENTIFIED BY '...'; ALTER USER 'root'@'%' IDENTIFIED BY '...'";
        assert!(text.contains(root), "{target}: the root rotation is not for both accounts");
    }
    let railway = flat(emit::layout::RAILWAY_PROGRAM);
    assert!(
        railway
            .contains("Before mysql's first deploy, set MYSQL_PASSWORD and MYSQL_ROOT_PASSWORD in one staged change"),
        "{railway}"
    );
}

/// A client passed the same secret as a self-hosted database (WordPress's
/// `WORDPRESS_DB_PASSWORD`, MariaDB's `MARIADB_PASSWORD`) takes it from the database service
/// (`fromService` `envVarKey`), so Render asks for it once.
#[test]
fn render_asks_once_for_a_password_the_database_and_its_client_share() {
    let project = Project::new("blog", [Env::Production], |_| {
        let mut stack = Stack::new("blog");
        let password = stack.add_secret(Secret::new("BLOG_DB_PASSWORD"));
        let data = stack.add_volume(Volume::persistent("blog-db"));
        let db = stack.add_service(
            Service::new("blog-db", Image::new("mariadb:11.4"))
                .port(Port::tcp(3306))
                .env("MARIADB_USER", "wordpress")
                .env("MARIADB_PASSWORD", &password)
                .mount(Mount::volume(&data, "/var/lib/mysql"))
                .datastore(Datastore::mariadb(11).user("wordpress").database("wordpress").password(&password)),
        );
        stack.add_service(
            Service::new("blog", Image::new("wordpress:6.6-php8.3-apache"))
                .port(Port::http(80))
                .env("WORDPRESS_DB_HOST", db.host())
                .env("WORDPRESS_DB_PASSWORD", &password),
        );
        stack
    });
    let bundle = emit::render(&project.validate().expect("valid"), &emit::Options::with_root("")).expect("renders");
    let blueprint: Blueprint = serde_saphyr::from_str(text(&bundle, emit::layout::RENDER_BLUEPRINT)).expect("parses");
    let services = &blueprint.projects[0].environments[0].services;
    let var = |service: &str, key: &str| {
        services
            .iter()
            .find(|s| s.name == format!("blog-production-{service}"))
            .and_then(|s| s.env_vars.iter().find(|v| v.key() == Some(key)))
            .cloned()
            .unwrap_or_else(|| panic!("{service} has no {key}"))
    };
    assert!(matches!(var("blog-db", "MARIADB_PASSWORD"), EnvVar::Prompted { sync: false, .. }));
    let client = var("blog", "WORDPRESS_DB_PASSWORD");
    assert!(
        matches!(&client, EnvVar::Service { from_service, .. }
            if from_service.name == "blog-production-blog-db" && from_service.env_var_key.as_deref() == Some("MARIADB_PASSWORD") && from_service.property.is_none()),
        "{client:?}"
    );
}
