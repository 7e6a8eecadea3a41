//! What `docker compose --env-file <env>.env -f compose.<env>.yaml up -d` does on a real host,
//! read from the committed Compose files (parsed into the typed model, header comments read as
//! the operator reads them): datastores healthy only when they accept connections, health checks
//! a correctly configured service passes, mounts that fail loudly, and the rest of what a first
//! boot and every redeploy rely on. Each test cites the Docker or image documentation it encodes.

use std::path::Path;

use emit::compose::model::{ComposeFile, ServiceVolume};
use emit::kubernetes::Object;
use k8s_openapi::api::core::v1::PodSpec;
use stack_dsl::{Engine, MountSource, Service, User, ValidStack};

/// One environment's Compose file: its text (header included) and its parsed form.
struct Generated {
    text: String,
    file: ComposeFile,
}

fn golden_dir(stack: &ValidStack) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(&stack.name)
}

fn compose(stack: &ValidStack) -> Generated {
    let path = golden_dir(stack).join(emit::layout::compose_file(stack.env()));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    Generated { text, file }
}

/// The pod template of `service`'s Deployment or StatefulSet in the committed Kubernetes files.
fn pod(stack: &ValidStack, service: &Service) -> PodSpec {
    let path = golden_dir(stack).join(emit::layout::kubernetes_dir(stack.env())).join(format!("{}.yaml", service.name));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split("\n---\n")
        .filter_map(|doc| serde_saphyr::from_str::<Object>(doc).ok())
        .find_map(|object| match object {
            Object::StatefulSet(s) => s.spec.and_then(|s| s.template.spec),
            Object::Deployment(d) => d.spec.and_then(|s| s.template.spec),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{}: no Deployment or StatefulSet", path.display()))
}

/// Every environment of every team stack.
fn every_stack() -> Vec<ValidStack> {
    stacks::all().iter().flat_map(|p| p.validate().expect("valid stack").stacks().to_vec()).collect()
}

/// Seconds of a Compose duration such as `60s` or `1m30s`.
fn seconds(duration: &str) -> u64 {
    let (mut total, mut number) = (0, 0);
    for c in duration.chars() {
        match c {
            '0'..='9' => number = number * 10 + u64::from(c.to_digit(10).unwrap()),
            'h' => (total, number) = (total + number * 3600, 0),
            'm' => (total, number) = (total + number * 60, 0),
            's' => (total, number) = (total + number, 0),
            other => panic!("unexpected {other:?} in duration {duration}"),
        }
    }
    total
}

fn is_postgres(service: &Service) -> bool {
    matches!(service.datastore.as_ref().map(|d| d.engine), Some(Engine::Postgres { .. }))
}

/// The `pg_isready` in a health check asks over TCP: the official image's first start runs its
/// init scripts on a server listening only on the Unix socket (`listen_addresses=''`), which a
/// `pg_isready` without `-h` reports as ready
/// (<https://github.com/docker-library/postgres/issues/880>).
fn asks_over_tcp(argv: &[String]) -> bool {
    let at = argv.iter().position(|w| w == "pg_isready").expect("pg_isready");
    argv[at..].windows(2).any(|w| w[0] == "-h" && w[1] == "127.0.0.1")
}

/// Compose: dependents waiting with `service_healthy` start only once PostgreSQL accepts TCP
/// connections, and failures during the first initialisation do not count (`start_period`,
/// <https://docs.docker.com/reference/compose-file/services/#healthcheck>).
#[test]
fn postgres_is_healthy_only_when_it_accepts_tcp_connections() {
    let mut checked = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        for service in stack.services().filter(|s| is_postgres(s)) {
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let check = generated.file.services[&service.name].healthcheck.as_ref().expect("a health check");
            assert_eq!(check.test[0], "CMD", "{at}: {:?}", check.test);
            assert!(asks_over_tcp(&check.test), "{at}: {:?} asks the Unix socket", check.test);
            let start = check.start_period.as_deref().map(seconds).unwrap_or(0);
            assert!(start >= 60, "{at}: start_period {start}s does not cover initdb and the init scripts");
            checked += 1;
        }
    }
    assert!(checked >= 5, "every PostgreSQL container checked, found {checked}");
}

/// Kubernetes: the same check gates readiness, and the start period becomes a startup probe
/// (<https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/>).
#[test]
fn postgres_pods_are_ready_only_when_they_accept_tcp_connections() {
    let mut checked = 0;
    for stack in every_stack() {
        for service in stack.services().filter(|s| is_postgres(s)) {
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let pod = pod(&stack, service);
            let container = &pod.containers[0];
            for (kind, probe) in [("readiness", &container.readiness_probe), ("startup", &container.startup_probe)] {
                let probe = probe.as_ref().unwrap_or_else(|| panic!("{at}: no {kind} probe"));
                let argv = probe.exec.as_ref().and_then(|e| e.command.clone()).expect("an exec probe");
                assert!(asks_over_tcp(&argv), "{at}: {kind} probe {argv:?} asks the Unix socket");
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "every PostgreSQL pod checked, found {checked}");
}

/// The `Host` header an HTTP check command sends: `curl -H 'Host: x'`, `wget --header 'Host: x'`,
/// or Python's `Request(url, headers={'Host': 'x'})`.
fn sent_host(argv: &[String]) -> Option<String> {
    argv.iter().find_map(|word| {
        let rest = word.split_once("Host: ").or_else(|| word.split_once("'Host': '"))?.1;
        Some(rest.split(['\'', '"', ' ']).next().unwrap_or_default().to_string())
    })
}

/// Whether a comma-separated allowlist admits `host` (Django's rules: exact, `*`, `.domain`;
/// <https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts>).
fn admitted(allowlist: &str, host: &str) -> bool {
    allowlist.split(',').map(str::trim).any(|entry| {
        entry == "*" || entry == host || entry.strip_prefix('.').is_some_and(|d| host == d || host.ends_with(entry))
    })
}

/// A framework that answers only the hosts it serves (Django: 400 for any other `Host`) passes
/// its health check only when the check sends one of them: the Compose check command and the
/// Kubernetes probe's `httpHeaders` both name a host the generated `ALLOWED_HOSTS` admits.
#[test]
fn http_checks_send_a_host_the_framework_serves() {
    let mut checked = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        for service in stack.services() {
            let Some(allowlist) = service.framework.and_then(emit::facts::frameworks::host_allowlist) else {
                continue;
            };
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let out = &generated.file.services[&service.name];
            let allowed = &out.environment[allowlist.variable];
            let check = out.healthcheck.as_ref().expect("a health check");
            // A check may send the list's first host, read where it runs (the real host behind a
            // placeholder comes from the environment): admitted by construction.
            let reads_list =
                check.test.iter().any(|w| w.contains(&format!("os.environ['{}'].split(',')[0]", allowlist.variable)));
            if !reads_list {
                let host = sent_host(&check.test).unwrap_or_else(|| panic!("{at}: {:?} sends no Host", check.test));
                assert!(admitted(allowed, &host), "{at}: Host {host} is not in {} = {allowed}", allowlist.variable);
            }

            let container = pod(&stack, service).containers[0].clone();
            let get = container.readiness_probe.and_then(|p| p.http_get).expect("an httpGet readiness probe");
            let header = get.http_headers.unwrap_or_default().into_iter().find(|h| h.name == "Host");
            let host = header.map(|h| h.value).unwrap_or_else(|| panic!("{at}: the kubelet would send the pod IP"));
            // Kubernetes spells a public host as the Ingress's, the same as the probe's.
            let in_pod = container.env.unwrap_or_default().into_iter().find(|e| e.name == allowlist.variable);
            let allowed = in_pod.and_then(|e| e.value).unwrap_or_else(|| allowed.clone());
            assert!(admitted(&allowed, &host), "{at}: probe Host {host} is not in {allowed}");
            checked += 1;
        }
    }
    assert!(checked >= 2, "WiseBet's backend in both environments, found {checked}");
}

/// The header's comment lines, without the `# `.
fn header(text: &str) -> Vec<&str> {
    text.lines().map_while(|l| l.strip_prefix('#')).map(str::trim).collect()
}

/// Host paths are long-form bind mounts with `create_host_path: false`: the short form creates a
/// missing source as an empty root-owned directory
/// (<https://docs.docker.com/reference/compose-file/services/#volumes>). Each source, resolved
/// from the Compose file's folder as Compose resolves it, is the model's path in the repository,
/// and the header lists every configuration file the host must hold.
#[test]
fn host_paths_fail_loudly_and_resolve_from_the_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().canonicalize().unwrap();
    let mut checked = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        let folder = golden_dir(&stack).join(emit::layout::compose_file(stack.env())).parent().unwrap().to_path_buf();
        let lines = header(&generated.text);
        for service in stack.services() {
            let out = &generated.file.services[&service.name];
            for mount in &service.mounts {
                let (MountSource::Bind(path) | MountSource::Config(path)) = &mount.source else { continue };
                let at = format!("{} ({}) {} {path}", stack.name, stack.env(), service.name);
                let bind = out
                    .volumes
                    .iter()
                    .find_map(|v| match v {
                        ServiceVolume::Bind(b) if b.target == mount.target => Some(b),
                        _ => None,
                    })
                    .unwrap_or_else(|| panic!("{at}: not a long-form bind mount"));
                assert!(!bind.bind.create_host_path, "{at}: a missing source would become an empty directory");
                let resolved =
                    if path.starts_with('/') { Path::new(path).to_path_buf() } else { folder.join(&bind.source) };
                let expected = if path.starts_with('/') { Path::new(path).to_path_buf() } else { root.join(path) };
                assert_eq!(normalise(&resolved), normalise(&expected), "{at}: {} resolves elsewhere", bind.source);
                if matches!(mount.source, MountSource::Config(_)) {
                    assert!(
                        lines.iter().any(|l| l.starts_with("Files mounted from the host") && l.contains(&bind.source)),
                        "{at}: the header does not list {}",
                        bind.source
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "every host path checked, found {checked}");
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalise(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A host directory a non-root container writes into must already be owned by that uid: Docker
/// does not change a bind mount's owner (<https://docs.docker.com/engine/storage/bind-mounts/>).
/// The header says how to create each such directory with the container's uid and gid.
#[test]
fn data_directories_are_prepared_for_the_user_that_writes_them() {
    let mut checked = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        let lines = header(&generated.text);
        for service in stack.services() {
            let Some(User::Id { uid, gid }) = &service.user else { continue };
            for mount in service.mounts.iter().filter(|m| !m.read_only) {
                let MountSource::Bind(_) = &mount.source else { continue };
                let out = &generated.file.services[&service.name];
                let source = out
                    .volumes
                    .iter()
                    .find_map(|v| match v {
                        ServiceVolume::Bind(b) if b.target == mount.target => Some(b.source.clone()),
                        _ => None,
                    })
                    .expect("a bind mount");
                let command = format!("install -d -o {uid} -g {} {source}", gid.unwrap_or(*uid));
                assert!(
                    lines.iter().any(|l| l.ends_with(&command)),
                    "{} ({}) {}: the header does not say `{command}`",
                    stack.name,
                    stack.env(),
                    service.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "ANB's API and worker directories in both environments, found {checked}");
}

/// The image that runs is the one meant: a built image's tag has no default (`${IMAGE_TAG:?…}`,
/// so Compose refuses to start without one and never falls back to `latest`;
/// <https://docs.docker.com/reference/compose-file/interpolation/>), the env example suggests no
/// tag, and the header's run command either builds the checkout (`up` alone reuses an existing
/// image of that tag) or, where the pipeline deploys the file, never builds
/// (<https://docs.docker.com/reference/cli/docker/compose/up/>).
#[test]
fn the_image_that_runs_is_the_one_meant() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let deployed_by_pipeline =
            valid.pipeline().is_some_and(|p| p.target == stack_dsl::DeployTarget::ComposeOverSsh);
        for stack in valid.stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            let generated = compose(stack);
            let built: Vec<&str> =
                generated.file.services.values().filter(|s| s.build.is_some()).map(|s| s.image.as_str()).collect();
            if built.is_empty() {
                continue;
            }
            for image in &built {
                let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or_default();
                assert!(
                    image.ends_with("${IMAGE_TAG:?IMAGE_TAG is required: the tag of the image to run}"),
                    "{at}: {image}"
                );
                assert!(!tag.contains(":-") && !image.contains("latest"), "{at}: {image} has a default tag");
            }
            let example_path = golden_dir(stack).join(format!("compose/{}.env.example", stack.env()));
            let example = std::fs::read_to_string(&example_path).unwrap();
            assert!(example.lines().any(|l| l == "IMAGE_TAG="), "{at}: the env example suggests a tag");
            let lines = header(&generated.text);
            let run = lines.iter().find(|l| l.starts_with("Run")).unwrap_or_else(|| panic!("{at}: no run command"));
            assert!(run.contains("IMAGE_TAG="), "{at}: {run}");
            if deployed_by_pipeline && stack.env().is_hosted() {
                assert!(run.contains("up -d --no-build"), "{at}: the host must run the deployed image: {run}");
            } else {
                assert!(run.contains("up -d --build"), "{at}: up alone keeps a stale image of the tag: {run}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "every environment that builds images, found {checked}");
}

/// The Docker volumes a Compose file uses: `<project>_<key>` for its own, the `name:` of
/// external ones (<https://docs.docker.com/reference/compose-file/volumes/>).
fn docker_volumes(file: &ComposeFile) -> Vec<String> {
    file.volumes
        .iter()
        .map(|(key, v)| if v.external { v.name.clone().unwrap_or(key.clone()) } else { format!("{}_{key}", file.name) })
        .collect()
}

/// A host that ran a seed's own file keeps its data when it moves onto the generated one: the
/// production files use the seeds' volume names (`postgres_data`, `static_volume`, …) in the
/// project the seed ran as, so Docker finds the same volumes, and the header names them.
#[test]
fn moving_a_seed_host_keeps_its_volumes() {
    // The volumes each seed's production host holds (../shared/seeds/STACKS.md; the project name
    // is not stated, the stack's name assumed).
    let seeds: [(&str, &[&str]); 3] = [
        ("anb", &["anb_postgres_data", "anb_redis_data"]),
        ("wisebet", &["wisebet_static_volume", "wisebet_media_volume", "wisebet_certbot_www"]),
        ("feature-models", &["featuremodels-db-data"]),
    ];
    for (name, expected) in seeds {
        let stack =
            every_stack().into_iter().find(|s| s.name == name && s.env().is_production()).expect("a production stack");
        let generated = compose(&stack);
        let volumes = docker_volumes(&generated.file);
        let lines = header(&generated.text);
        for volume in expected {
            assert!(volumes.contains(&volume.to_string()), "{name}: {volume} not among {volumes:?}");
            let external = generated.file.volumes.values().any(|v| v.name.as_deref() == Some(volume));
            if !external {
                assert!(lines.iter().any(|l| l.starts_with("Data lives") && l.contains(volume)), "{name}: {volume}");
            }
        }
    }
}

/// Nothing is published that should not be: Docker's published ports bypass ufw
/// (<https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw>), so
/// only an edge proxy's ports listen on every address; every other published port is bound to
/// `127.0.0.1` (<https://docs.docker.com/reference/compose-file/services/#ports>). A stack whose
/// routes no proxy serves says so, and how to reach them, in the header.
#[test]
fn only_the_edge_proxy_is_published_to_the_network() {
    let mut loopback = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        for service in stack.services() {
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let edge = matches!(service.role, stack_dsl::Role::EdgeProxy { .. });
            for entry in &generated.file.services[&service.name].ports {
                let parts: Vec<&str> = entry.split(':').collect();
                if edge {
                    assert_eq!(parts.len(), 2, "{at}: the proxy's {entry} is a public route");
                } else {
                    assert_eq!(parts.first(), Some(&"127.0.0.1"), "{at}: {entry} is published to every address");
                    assert_eq!(parts.len(), 3, "{at}: {entry}");
                    loopback += 1;
                }
            }
        }
        if stack.edge.is_none() && !stack.services().any(|s| matches!(s.role, stack_dsl::Role::EdgeProxy { .. })) {
            let lines = header(&generated.text);
            for route in stack.services().flat_map(|s| &s.routes) {
                assert!(
                    lines.iter().any(|l| l.starts_with("Not reachable from outside") && l.contains(&route.host)),
                    "{} ({}): the header does not say how {} is reached",
                    stack.name,
                    stack.env(),
                    route.host
                );
            }
        }
    }
    assert!(loopback >= 8, "ANB's and MetaBuilder's dev ports and Flower, found {loopback}");
}

/// Limits the daemon accepts, and nothing Compose ignores: Docker refuses a container limited to
/// more CPUs than the host has (<https://docs.docker.com/engine/containers/resource_constraints/#cpu>),
/// so the header states the host the file needs (or the one the stack runs on, whose size every
/// limit fits); `docker compose up` does not apply reservations outside Swarm
/// (<https://github.com/docker/compose/issues/9902>), so none is written and each one left out
/// is a warning naming the service.
#[test]
fn limits_fit_the_host_and_nothing_ignored_is_written() {
    let cores = |text: &str| -> f64 { text.parse().unwrap_or_else(|_| panic!("{text} is not a number of CPUs")) };
    let mut warned = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        for stack in valid.stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            let generated = compose(stack);
            let lines = header(&generated.text);
            let host = lines.iter().find_map(|l| {
                let rest = l.strip_prefix("Sized for a host of ").or_else(|| l.strip_prefix("Needs a host with "))?;
                Some(cores(rest.split(' ').next().unwrap()))
            });
            for (name, service) in &generated.file.services {
                let Some(resources) = service.deploy.as_ref().and_then(|d| d.resources.as_ref()) else { continue };
                assert!(resources.reservations.is_none(), "{at} {name}: reservations are ignored outside Swarm");
                if let Some(cpus) = resources.limits.as_ref().and_then(|l| l.cpus.as_deref()) {
                    let host = host.unwrap_or_else(|| panic!("{at}: the header does not size the host"));
                    assert!(cores(cpus) <= host, "{at} {name}: {cpus} CPUs on a host of {host}");
                }
            }
            for service in stack.services() {
                let r = &service.resources;
                if r.cpu_reservation.is_none() && r.memory_reservation.is_none() {
                    continue;
                }
                let said = bundle.warnings().iter().any(|w| {
                    w.target == "compose"
                        && w.env == stack.env().to_string()
                        && w.service == service.name
                        && w.message.contains("reservation")
                });
                assert!(said, "{at} {}: the reservation left out is not reported", service.name);
                warned += 1;
            }
        }
    }
    assert!(warned >= 5, "ANB's and WiseBet's reservations, found {warned}");
}

/// Operations that do not degrade: every container's log rotates (`json-file` keeps everything
/// otherwise; <https://docs.docker.com/engine/logging/drivers/json-file/>), a service's grace
/// period reaches Compose (Docker kills after 10 s by default), and an edge proxy is restarted
/// when Compose recreates an upstream (`depends_on.restart`;
/// <https://docs.docker.com/reference/compose-file/services/#depends_on>), since it resolved the
/// upstream's address when it started.
#[test]
fn operations_do_not_degrade() {
    let mut graced = 0;
    let mut proxies = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        for service in stack.services() {
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let out = &generated.file.services[&service.name];
            let logging = out.logging.as_ref().unwrap_or_else(|| panic!("{at}: logs grow without bound"));
            assert_eq!(logging.driver, "json-file", "{at}");
            let size = &logging.options["max-size"];
            assert!(size.ends_with(['k', 'm', 'g']) && size[..size.len() - 1].parse::<u64>().is_ok(), "{at}: {size}");
            assert!(logging.options["max-file"].parse::<u32>().is_ok_and(|n| n >= 1), "{at}");
            if let Some(grace) = service.stop_grace_period {
                let written = out.stop_grace_period.as_deref().map(seconds);
                assert_eq!(written, Some(grace.as_secs()), "{at}: stop_grace_period");
                graced += 1;
            }
            if let stack_dsl::Role::EdgeProxy { upstreams } = &service.role {
                for upstream in upstreams {
                    let dependency = out.depends_on.get(upstream.name());
                    assert!(
                        dependency.is_some_and(|d| d.restart),
                        "{at}: not restarted when {} is recreated",
                        upstream.name()
                    );
                }
                proxies += 1;
            }
        }
    }
    assert!(graced >= 6, "the Celery workers and Gunicorn, found {graced}");
    assert!(proxies >= 7, "every nginx, found {proxies}");
}

/// A database on the host, reached through `host-gateway`, sees connections from the containers'
/// network. It listens on all addresses: an address on docker0 does not exist when it starts at
/// boot, before Docker (<https://www.postgresql.org/docs/current/runtime-config-connection.html>);
/// `pg_hba.conf` (<https://www.postgresql.org/docs/current/auth-pg-hba-conf.html>) and the
/// firewall admit only the clients' subnet, which the file fixes (`ipam`,
/// <https://docs.docker.com/reference/compose-file/networks/#ipam>), since Docker picks a new one
/// whenever it recreates the network.
#[test]
fn a_database_on_the_host_is_a_stated_prerequisite() {
    let mut checked = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        let lines = header(&generated.text);
        for (name, service) in &generated.file.services {
            if !service.extra_hosts.iter().any(|h| h.ends_with(":host-gateway")) {
                continue;
            }
            let at = format!("{} ({}) {name}", stack.name, stack.env());
            for network in &service.networks {
                let ipam = generated.file.networks[network].ipam.as_ref();
                let subnet = ipam.and_then(|i| i.config.first()).map(|c| c.subnet.as_str());
                let subnet = subnet.unwrap_or_else(|| panic!("{at}: {network} has no fixed subnet"));
                let firewall = format!("accept port 5432 only from {subnet}");
                assert!(
                    lines.iter().any(|l| l.contains("must listen on all addresses") && l.contains(&firewall)),
                    "{at}: the header does not say the host's server must accept {subnet}"
                );
                for external in &stack.externals {
                    let Some(store) = &external.datastore else { continue };
                    let rule = format!(
                        "host {} {} {subnet} scram-sha-256",
                        store.database.as_deref().unwrap_or("all"),
                        store.user.as_deref().unwrap_or("all")
                    );
                    let stated = lines.iter().any(|l| l.contains("listen_addresses = '*'") && l.contains(&rule));
                    assert!(stated, "{at}: no `{rule}` with listen_addresses = '*'");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "WiseBet's backend in both environments, found {checked}");
}

/// An optional secret (NEOSALE's Datadog key) is `${NAME:-}`, so Compose starts without it,
/// while a required one is `${NAME:?…}` (<https://docs.docker.com/reference/compose-file/interpolation/>);
/// a scheduled service's header line is the crontab entry that runs it (Compose cannot
/// schedule); external networks and volumes, which Compose never creates, are listed with the
/// commands that create them.
#[test]
fn optional_secrets_cron_lines_and_external_resources() {
    let (mut optional, mut crons, mut externals) = (0, 0, 0);
    for stack in every_stack() {
        let at = format!("{} ({})", stack.name, stack.env());
        let generated = compose(&stack);
        let lines = header(&generated.text);
        for service in stack.services() {
            let out = &generated.file.services[&service.name];
            for (name, value) in &service.env {
                let stack_dsl::EnvValue::Secret(secret) = value else { continue };
                let declared = stack.secrets.iter().find(|s| s.name == secret.name()).expect("declared");
                let expected = if declared.optional {
                    optional += 1;
                    format!("${{{}:-}}", secret.name())
                } else {
                    format!("${{{0}:?{0} is required}}", secret.name())
                };
                assert_eq!(out.environment[name], expected, "{at} {}: {name}", service.name);
            }
            if let stack_dsl::Run::OnSchedule(schedule) = &service.run {
                let run = format!(
                    "{schedule} cd <this directory> && IMAGE_TAG=$(git rev-parse --short HEAD) docker compose --env-file {env}.env -f compose.{env}.yaml run --rm {}",
                    service.name,
                    env = stack.env()
                );
                let line = lines.iter().find(|l| l.starts_with(&format!("Cron: {}", service.name)));
                let line = line.unwrap_or_else(|| panic!("{at}: no crontab line for {}", service.name));
                assert!(line.ends_with(&run), "{at}: {line}");
                assert!(!run.contains('%'), "cron reads % as a newline");
                crons += 1;
            }
        }
        let networks =
            stack.networks.iter().filter(|n| n.external).map(|n| format!("docker network create {}", n.name));
        let volumes = stack
            .volumes
            .iter()
            .filter(|v| v.kind == stack_dsl::VolumeKind::External)
            .map(|v| format!("docker volume create {}", v.name));
        for command in networks.chain(volumes) {
            assert!(
                lines.iter().any(|l| l.starts_with("Create before the first up") && l.contains(&command)),
                "{at}: {command}"
            );
            externals += 1;
        }
    }
    assert!(
        optional >= 1 && crons >= 2 && externals >= 4,
        "{optional} optional secrets, {crons} crons, {externals} externals"
    );
}

/// The one-shot services a service waits for to complete, by name.
fn completed_first<'a>(
    file: &'a ComposeFile,
    service: &str,
) -> Vec<(&'a String, &'a emit::compose::model::ComposeService)> {
    file.services[service]
        .depends_on
        .iter()
        .filter(|(_, d)| d.condition == "service_completed_successfully")
        .map(|(name, _)| (name, &file.services[name]))
        .collect()
}

/// A Django service starts only after one-shot jobs ran each release command its framework needs
/// (`manage.py migrate`, `manage.py collectstatic`; emit's framework facts), and the static files
/// are collected into the volume nginx serves on every deploy: Docker fills a named volume from
/// the image only when it creates it
/// (<https://docs.docker.com/engine/storage/volumes/#populate-a-volume-using-a-container>).
/// Never with `--clear`, which deletes the files nginx is serving before copying the new ones
/// (<https://docs.djangoproject.com/en/5.2/ref/contrib/staticfiles/#collectstatic>): collecting
/// over them replaces changed files and leaves old ones, which pages still open may ask for.
#[test]
fn django_migrates_and_collects_static_files_before_it_serves() {
    let mut checked = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        let file = &generated.file;
        for service in stack.services() {
            let Some(framework) = service.framework else { continue };
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let jobs = completed_first(file, &service.name);
            for command in emit::facts::frameworks::release_commands(framework) {
                let (name, job) = jobs
                    .iter()
                    .find(|(_, job)| job.command.as_ref().is_some_and(|argv| argv.iter().any(|a| a == command)))
                    .unwrap_or_else(|| panic!("{at}: starts before manage.py {command} ran"));
                assert_eq!(job.restart, "no", "{at}: {name} must run once per deploy");
                if *command == "collectstatic" {
                    let argv = job.command.as_ref().unwrap();
                    assert!(!argv.iter().any(|a| a == "--clear"), "{at}: {name} empties the live static files first");
                    let volume = |s: &emit::compose::model::ComposeService| -> Option<String> {
                        s.volumes.iter().find_map(|v| match v {
                            ServiceVolume::Short(m) if m.split(':').nth(1) == Some("/app/staticfiles") => {
                                Some(m.split(':').next().unwrap().to_string())
                            }
                            _ => None,
                        })
                    };
                    let served = volume(&file.services["nginx"]).expect("nginx serves the static files");
                    assert_eq!(volume(job), Some(served), "{at}: {name} fills another volume than nginx serves");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "WiseBet's backend in both environments, found {checked}");
}

/// TLS from an empty host: nginx, which refuses to start without its certificate, waits for a
/// one-shot job that puts one in place only when none exists; the certbot service issues the
/// real certificate through the webroot once nginx is healthy and renews it; and nginx reloads
/// when the certificate changes, since it reads certificates only at start and reload
/// (<https://nginx.org/en/docs/beginners_guide.html#control>).
/// Checked on production served on a real host (`PublicHost::Real`); the committed files, on
/// the seed's placeholder, never ask Let's Encrypt (below).
#[test]
fn tls_works_from_an_empty_host_and_after_every_renewal() {
    let host = "wisebet.es";
    let file = wisebet_production_on(host);
    let nginx = &file.services["nginx"];
    let letsencrypt = |s: &emit::compose::model::ComposeService| {
        s.volumes.iter().find_map(|v| match v {
            ServiceVolume::Short(m) if m.split(':').nth(1) == Some("/etc/letsencrypt") => {
                Some((m.split(':').next().unwrap().to_string(), !m.ends_with(":ro")))
            }
            _ => None,
        })
    };
    let (certificates, _) = letsencrypt(nginx).expect("nginx reads the certificates");
    let script = |s: &emit::compose::model::ComposeService| {
        s.entrypoint.iter().chain(s.command.iter()).flatten().cloned().collect::<Vec<_>>().join(" ")
    };

    let (init_name, init) = completed_first(&file, "nginx")
        .into_iter()
        .find(|(_, job)| letsencrypt(job) == Some((certificates.clone(), true)))
        .expect("nginx waits for a job that writes the certificate volume");
    // The certificate steps name the host they read from DOMAIN, the backend's public host;
    // nginx reads a path that names none.
    assert_eq!(init.environment.get("DOMAIN").map(String::as_str), Some(host), "{init_name}");
    let init_script = script(init);
    let served = stacks::wisebet::SERVED_CERTIFICATE;
    // `$$` is Compose's literal `$`: the shell reads DOMAIN when the container runs.
    assert!(init_script.contains("/etc/letsencrypt/renewal/$$DOMAIN.conf"), "{init_name}: {init_script}");
    assert!(init_script.contains(&format!("[ -f {served}/fullchain.pem ]")), "{init_name}: {init_script}");

    let nginx_script = script(nginx);
    assert!(nginx_script.contains("nginx -s reload"), "{nginx_script}");
    assert!(nginx_script.contains(&format!("{served}/fullchain.pem")), "{nginx_script}");
    assert!(!nginx_script.contains("DOMAIN"), "nginx reads a path that names the host: {nginx_script}");
    assert!(nginx_script.contains("exec nginx -g 'daemon off;'"), "nginx must stay the main process");

    let (name, certbot) = file
        .services
        .iter()
        .find(|(_, s)| s.restart != "no" && letsencrypt(s) == Some((certificates.clone(), true)))
        .expect("a long-running certbot writes the certificates");
    let certbot_script = script(certbot);
    assert!(
        certbot_script.contains("certbot certonly --webroot -w /var/www/certbot --cert-name $$DOMAIN -d $$DOMAIN"),
        "{name}"
    );
    assert_eq!(certbot.environment.get("DOMAIN").map(String::as_str), Some(host), "{name}");
    assert!(certbot_script.contains("certbot renew --webroot -w /var/www/certbot"), "{name}");
    assert_eq!(certbot.depends_on["nginx"].condition, "service_healthy", "{name}: the challenge needs nginx serving");
    assert!(!certbot.image.ends_with(":latest"), "{name}: {} changes under a redeploy", certbot.image);
}

/// A Django service whose check Django would answer with 400 does not render to Compose: the
/// error names the service and the host to send; without its release jobs it renders with a
/// warning naming the missing `manage.py` commands.
/// The seed's `dominio.com` is a placeholder: the committed WiseBet files put a reserved example
/// name in its place, and never send it to a certificate authority: Compose's Django settings
/// and certbot read the real host from PUBLIC_HOST_BACKEND, and the Kubernetes Ingress serves
/// the placeholder without a TLS entry or cert-manager annotation.
#[test]
fn wisebet_never_asks_for_a_certificate_for_its_placeholder_host() {
    let stacks::wisebet::PublicHost::Placeholder(host) = stacks::wisebet::PRODUCTION_HOST else {
        return; // the team's real domain: certified, as the test above checks
    };
    assert!(emit::facts::reserved_hosts::is_reserved(host), "{host} is not a reserved example name");
    let stack = every_stack().into_iter().find(|s| s.name == "wisebet" && s.env().is_production()).unwrap();
    let Generated { text, file } = compose(&stack);
    assert!(!text.contains("dominio.com"), "the seed's placeholder is written as a host");
    assert!(!text.contains(&format!("-d {host}")) && !text.contains(&format!("live/{host}")), "{host} is certified");
    for name in ["certbot-init", "certbot"] {
        let domain = file.services[name].environment.get("DOMAIN").map(String::as_str).unwrap_or_default();
        assert!(domain.starts_with("${PUBLIC_HOST_BACKEND:?"), "{name} certifies {domain}");
    }
    // Django accepts the host nginx serves: the real one, read from the environment the deploy
    // fills in, never the placeholder.
    let backend = &file.services["backend"];
    let allowed = backend.environment.get("ALLOWED_HOSTS").map(String::as_str).unwrap_or_default();
    assert!(allowed.starts_with("${PUBLIC_HOST_BACKEND:?"), "Django accepts {allowed}, not the served host");
    assert!(!text.lines().any(|l| l.contains("ORIGINS") && l.contains(host)), "{host} is sent as an origin");
    let ingress_path = golden_dir(&stack).join(emit::layout::kubernetes_dir(stack.env())).join("ingress.yaml");
    let ingress: k8s_openapi::api::networking::v1::Ingress =
        serde_saphyr::from_str(&std::fs::read_to_string(ingress_path).expect("ingress.yaml")).expect("an Ingress");
    let spec = ingress.spec.expect("spec");
    assert!(spec.rules.iter().flatten().any(|r| r.host.as_deref() == Some(host)), "the Ingress does not serve {host}");
    assert!(spec.tls.is_none(), "a certificate is asked for {host}");
    assert!(ingress.metadata.annotations.is_none_or(|a| !a.contains_key("cert-manager.io/cluster-issuer")));
}

#[test]
fn compose_refuses_a_check_django_rejects_and_reports_missing_release_steps() {
    use stack_dsl::{Env, Framework, Image, Port, Probe, Project, Stack};
    let project = |probe: Probe| {
        Project::new("shop", [Env::Dev], move |_env| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("web", Image::build("."))
                    .framework(Framework::Django)
                    .env("ALLOWED_HOSTS", "shop.example.com")
                    .port(Port::http(8000))
                    .healthcheck(probe.clone()),
            );
            stack
        })
    };
    let options = emit::Options::with_root("");
    let rejected = project(Probe::http(8000, "/health/")).validate().expect("valid");
    let error = emit::compose::render(&rejected, &options).expect_err("a check Django rejects").to_string();
    assert!(error.contains("web") && error.contains("shop.example.com"), "{error}");

    let accepted = project(Probe::http(8000, "/health/").host("shop.example.com")).validate().expect("valid");
    let bundle = emit::compose::render(&accepted, &options).expect("renders");
    let file: ComposeFile = serde_saphyr::from_str(&bundle.file("compose/compose.dev.yaml").unwrap().contents).unwrap();
    let test = &file.services["web"].healthcheck.as_ref().unwrap().test;
    assert_eq!(sent_host(test).as_deref(), Some("shop.example.com"), "{test:?}");
    let warning = bundle.warnings().iter().find(|w| w.service == "web").expect("a warning");
    assert!(warning.message.contains("migrate") && warning.message.contains("collectstatic"), "{}", warning.message);
}

/// Kubernetes spells an optional secret as an optional `secretKeyRef`, so the pod starts while
/// the key is absent from the Secret
/// (<https://kubernetes.io/docs/concepts/configuration/secret/#optional-secrets>).
#[test]
fn optional_secrets_are_optional_in_kubernetes_too() {
    // The team stacks' one optional secret (NEOSALE's Datadog key) belongs to an agent the
    // cluster does not run, so a stack of its own carries the rule into the manifests.
    let project = stack_dsl::Project::new("shop", [stack_dsl::Env::Production], |_env| {
        let mut stack = stack_dsl::Stack::new("shop");
        let key = stack.add_secret(stack_dsl::Secret::new("APM_KEY").optional());
        let token = stack.add_secret(stack_dsl::Secret::new("API_TOKEN"));
        stack.add_service(
            Service::new("web", stack_dsl::Image::new("nginx:1.27-alpine"))
                .port(stack_dsl::Port::http(80))
                .env("APM_KEY", &key)
                .env("API_TOKEN", &token),
        );
        stack
    });
    let valid = project.validate().expect("a valid stack");
    let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
    let file = bundle.file("kubernetes/production/web.yaml").expect("the web manifest");
    let web = file
        .contents
        .split("\n---\n")
        .filter_map(|doc| serde_saphyr::from_str::<Object>(doc).ok())
        .find_map(|object| match object {
            Object::Deployment(d) => d.spec.and_then(|s| s.template.spec),
            _ => None,
        })
        .expect("a Deployment");
    let optional = |name: &str| {
        let var = web.containers[0].env.iter().flatten().find(|v| v.name == name).expect("the variable");
        var.value_from.as_ref().and_then(|f| f.secret_key_ref.as_ref()).expect("a secretKeyRef").optional
    };
    assert_eq!((optional("APM_KEY"), optional("API_TOKEN")), (Some(true), Some(false)));

    // Every continuously running pod of the team stacks agrees with its secrets' declarations.
    for stack in every_stack() {
        let deployed = stack
            .services()
            .filter(|s| s.run == stack_dsl::Run::Continuously && emit::kubernetes::left_out(s).is_none());
        for service in deployed {
            for (name, value) in &service.env {
                let stack_dsl::EnvValue::Secret(secret) = value else { continue };
                let optional = stack.secrets.iter().any(|s| s.name == secret.name() && s.optional);
                let pod = pod(&stack, service);
                let var = pod.containers[0].env.iter().flatten().find(|v| &v.name == name).expect("the variable");
                let reference =
                    var.value_from.as_ref().and_then(|f| f.secret_key_ref.as_ref()).expect("a secretKeyRef");
                assert_eq!(
                    reference.optional,
                    Some(optional),
                    "{} ({}) {}: {name}",
                    stack.name,
                    stack.env(),
                    service.name
                );
            }
        }
    }
}

/// A Prisma migration job can write where the CLI writes: `prisma migrate deploy` creates
/// temporary files in its working directory, which fails with EROFS on a read-only root
/// (<https://github.com/prisma/prisma/issues/20768>). Jobs on an internal network have no
/// internet, so the CLI's update check is off (`CHECKPOINT_DISABLE=1`,
/// <https://www.prisma.io/docs/orm/tools/prisma-cli#telemetry>) and the header says the CLI and
/// its engines must be in the image, since nothing can download them.
#[test]
fn prisma_migrations_run_offline_on_a_writable_root() {
    let mut checked = 0;
    for_each_compose_service(|at, lines, name, service| {
        let argv = service.command.clone().unwrap_or_default();
        if !argv.windows(2).any(|w| w[0] == "prisma" && w[1] == "migrate") {
            return;
        }
        assert!(!service.read_only, "{at} {name}: Prisma writes temporary files in its working directory");
        assert_eq!(service.environment.get("CHECKPOINT_DISABLE").map(String::as_str), Some("1"), "{at} {name}");
        let requirement = format!("The image {name} runs must hold the Prisma CLI");
        assert!(lines.iter().any(|l| l.starts_with(&requirement)), "{at}: no line {requirement:?}");
        checked += 1;
    });
    assert!(checked >= 3, "{checked} Prisma migration jobs");
}

/// Calls `check` with each service of every committed Compose file, where it is (stack and
/// environment) and the file's header lines.
fn for_each_compose_service(mut check: impl FnMut(&str, &[&str], &str, &emit::compose::model::ComposeService)) {
    for stack in every_stack() {
        let at = format!("{} ({})", stack.name, stack.env());
        let generated = compose(&stack);
        let lines = header(&generated.text);
        for (name, service) in &generated.file.services {
            check(&at, &lines, name, service);
        }
    }
}

/// The full-stack-fastapi-template's settings, which feature-models' backend image loads in the
/// API, the prestart job and the worker, have no default for these and read the rest from a
/// `../.env` the image does not hold: without them in the environment every process using the
/// settings exits at import
/// (<https://github.com/fastapi/full-stack-fastapi-template/blob/master/backend/app/core/config.py>).
const FASTAPI_TEMPLATE_REQUIRED: [&str; 5] =
    ["PROJECT_NAME", "FIRST_SUPERUSER", "FIRST_SUPERUSER_PASSWORD", "POSTGRES_SERVER", "POSTGRES_USER"];

#[test]
fn the_fastapi_settings_find_every_variable_without_a_default() {
    let mut checked = 0;
    for stack in every_stack().into_iter().filter(|s| s.name == "feature-models") {
        let generated = compose(&stack);
        for (name, service) in &generated.file.services {
            if !service.image.starts_with("feature-models-backend:") {
                continue;
            }
            for variable in FASTAPI_TEMPLATE_REQUIRED {
                let value = service.environment.get(variable).map(String::as_str).unwrap_or_default();
                assert!(!value.is_empty(), "{} ({}) {name}: {variable} unset", stack.name, stack.env());
            }
            let password = &service.environment["FIRST_SUPERUSER_PASSWORD"];
            assert!(password.starts_with("${FIRST_SUPERUSER_PASSWORD:?"), "{name}: a required secret, {password}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6, "backend, prestart and celeryworker in dev and production");
}

/// The bind mounts of a service that read a configuration file (`read_only`, source a file the
/// header lists), by target.
fn config_files<'a>(
    service: &'a emit::compose::model::ComposeService,
    listed: &[&str],
) -> Vec<&'a emit::compose::model::BindMount> {
    service
        .volumes
        .iter()
        .filter_map(|v| match v {
            ServiceVolume::Bind(bind) if listed.contains(&bind.source.as_str()) => Some(bind),
            _ => None,
        })
        .collect()
}

/// The header's list of files mounted from the host.
fn listed_files(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            l.strip_prefix("Files mounted from the host, relative to this file; up fails while one is missing: ")
        })
        .flat_map(|l| l.split(", ").map(str::to_string))
        .collect()
}

/// An environment reading a configuration file: its name, the service's other mount targets and
/// its ports published to the network.
type Reader = (String, Vec<String>, Vec<String>);

/// A configuration file names what its service has: nginx exits at start when a server block
/// reads a certificate that is not mounted ("cannot load certificate",
/// <https://nginx.org/en/docs/http/ngx_http_ssl_module.html#ssl_certificate>), and serves
/// nothing on a published port no server block listens on. So environments of a stack that
/// mount one file into a service mount the same other paths and publish the same ports to the
/// network, or read files of their own; and the header says what each edge proxy's file must
/// contain.
#[test]
fn each_configuration_file_fits_every_environment_that_reads_it() {
    // (stack, service, file) → (environment, other mount targets, published ports)
    let mut readers: std::collections::BTreeMap<(String, String, String), Vec<Reader>> = Default::default();
    let mut described = 0;
    for stack in every_stack() {
        let generated = compose(&stack);
        let lines = header(&generated.text);
        let files = listed_files(&lines);
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        for (name, service) in &generated.file.services {
            let configs = config_files(service, &files);
            // Ports published only on the loopback are a developer's shortcut, not the service's.
            let public_ports: Vec<String> =
                service.ports.iter().filter(|p| !p.starts_with("127.0.0.1:")).cloned().collect();
            for config in &configs {
                let others = service
                    .volumes
                    .iter()
                    .map(|v| match v {
                        ServiceVolume::Bind(b) => b.target.clone(),
                        ServiceVolume::Tmpfs(t) => t.target.clone(),
                        ServiceVolume::Short(s) => s.split(':').nth(1).unwrap_or_default().to_string(),
                    })
                    .filter(|target| *target != config.target)
                    .collect();
                readers.entry((stack.name.clone(), name.clone(), config.source.clone())).or_default().push((
                    stack.env().to_string(),
                    others,
                    public_ports.clone(),
                ));
                if service.ports.iter().any(|p| p.ends_with(":80")) {
                    let line = format!("{} must contain: ", config.source);
                    let said = lines.iter().any(|l| l.starts_with(&line));
                    assert!(said, "{} ({}) {name}: no line {line:?}", stack.name, stack.env());
                    described += 1;
                }
            }
        }
    }
    for ((stack, service, file), environments) in &readers {
        let (first_env, first_mounts, first_ports) = &environments[0];
        for (env, mounts, ports) in &environments[1..] {
            assert!(
                mounts == first_mounts && ports == first_ports,
                "{stack} {service}: {file} is read in {first_env} (mounts {first_mounts:?}, ports {first_ports:?}) and in {env} (mounts {mounts:?}, ports {ports:?})"
            );
        }
    }
    assert!(described >= 8, "{described} edge proxy configuration files described");
}

/// An image that exits without a variable (the Datadog agent without `DD_API_KEY`,
/// <https://github.com/DataDog/datadog-agent/issues/4497>) bound to an optional secret
/// (`${NAME:-}`) would restart forever under `unless-stopped`: it sits behind a profile, which a
/// plain `up` leaves out (<https://docs.docker.com/compose/how-tos/profiles/>), and the header
/// says how to start it. A service mounting the Docker socket is named as root-equivalent in the
/// header, since `:ro` does not limit the API
/// (<https://docs.docker.com/engine/security/#docker-daemon-attack-surface>); the agent reads
/// the host's /proc and cgroups read-only for host metrics
/// (<https://docs.datadoghq.com/containers/docker/>).
#[test]
fn an_optional_agent_waits_for_its_key_and_its_host_access_is_stated() {
    let (mut opt_in, mut sockets) = (0, 0);
    for stack in every_stack() {
        let at = format!("{} ({})", stack.name, stack.env());
        let generated = compose(&stack);
        let lines = header(&generated.text);
        for (name, service) in &generated.file.services {
            for required in emit::facts::images::required_variables(&service.image) {
                let value = service.environment.get(required.variable).cloned().unwrap_or_default();
                if value.ends_with(":-}") {
                    assert_eq!(
                        service.profiles,
                        std::slice::from_ref(name),
                        "{at} {name}: {} may be empty",
                        required.variable
                    );
                    let start = format!("{name} starts only with --profile {name}");
                    assert!(lines.iter().any(|l| l.starts_with(&start)), "{at}: no line {start:?}");
                    opt_in += 1;
                }
            }
            let binds: Vec<_> = service
                .volumes
                .iter()
                .filter_map(|v| match v {
                    ServiceVolume::Bind(b) => Some(b),
                    _ => None,
                })
                .collect();
            if binds.iter().any(|b| b.source == "/var/run/docker.sock") {
                let line = lines.iter().find(|l| l.starts_with(&format!("Host access of {name}: ")));
                let line = line.unwrap_or_else(|| panic!("{at}: {name} mounts the Docker socket unannounced"));
                assert!(line.contains("root-equivalent"), "{at}: {line}");
                sockets += 1;
            }
            if service.image.starts_with("datadog/agent:") {
                for (host, target) in [("/proc/", "/host/proc/"), ("/sys/fs/cgroup/", "/host/sys/fs/cgroup")] {
                    let mounted = binds.iter().any(|b| b.source == host && b.target == target && b.read_only);
                    assert!(mounted, "{at} {name}: {host} read-only at {target}");
                }
            }
        }
    }
    assert!(opt_in >= 1 && sockets >= 1, "{opt_in} opt-in services, {sockets} Docker socket mounts");
}

/// A non-root service of a built image that writes a named volume needs the image to hold the
/// mount point owned by its user: Docker gives a new volume the owner of the image's directory,
/// and creates a missing one owned by root, where the user cannot write
/// (<https://docs.docker.com/engine/storage/volumes/#populate-a-volume-using-a-container>).
/// The header says so for each such mount point.
#[test]
fn volumes_a_non_root_process_writes_have_their_owner_stated() {
    let mut checked = 0;
    for_each_compose_service(|at, lines, name, service| {
        let Some(user) = service.user.as_deref().filter(|u| *u != "root" && *u != "0") else { return };
        if service.build.is_none() {
            return;
        }
        let image = service.image.split(':').next().unwrap_or_default();
        for volume in &service.volumes {
            let ServiceVolume::Short(short) = volume else { continue };
            let mut parts = short.split(':');
            let (Some(_), Some(path), None) = (parts.next(), parts.next(), parts.next()) else { continue };
            let owner = format!("must hold {path} owned by {user}:");
            let stated = lines.iter().any(|l| l.starts_with(&format!("The image {image} (")) && l.contains(&owner));
            assert!(stated, "{at} {name}: nothing says the image must hold {path} owned by {user}");
            checked += 1;
        }
    });
    assert!(checked >= 6, "{checked} volume mount points written without root");
}

/// Where the pipeline deploys a file, the images it runs are local tags the deploy makes from the
/// pushed ones (`docker pull <registry>/<name>:<sha>`, `docker tag … <name>:<sha>`); a host
/// reached by hand has no such tag, and `up --no-build` then fails with "pull access denied"
/// for `<name>` (<https://docs.docker.com/reference/cli/docker/compose/up/>). The header's run
/// command pulls and tags every image the file builds before `up`.
#[test]
fn a_manual_run_of_a_pipeline_file_has_its_images() {
    let mut checked = 0;
    for stack in every_stack() {
        let at = format!("{} ({})", stack.name, stack.env());
        let generated = compose(&stack);
        let lines = header(&generated.text);
        let Some(run) = lines.iter().find(|l| l.starts_with("Run:") && l.contains("--no-build")) else { continue };
        let (pulls, up) = run.split_once("docker compose").expect("the run command runs compose");
        let listed: Vec<&str> = pulls
            .split_once("for image in ")
            .and_then(|(_, rest)| rest.split_once("; do"))
            .map(|(images, _)| images.split(' ').collect())
            .unwrap_or_default();
        assert!(pulls.contains("docker pull") && pulls.contains("docker tag"), "{at}: {run}");
        assert!(pulls.contains("$image:$IMAGE_TAG; done"), "{at}: the local tag is not made: {run}");
        assert!(up.contains("--no-build"), "{at}: {run}");
        for (name, service) in &generated.file.services {
            if service.build.is_none() {
                continue;
            }
            let local = service.image.split(':').next().unwrap_or_default();
            assert!(listed.contains(&local), "{at} {name}: {local} is neither pulled nor tagged by: {run}");
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked} built services run from pipeline images");
}

/// Commands that bring a database schema up to date: Alembic
/// (<https://alembic.sqlalchemy.org/en/latest/tutorial.html#running-our-first-migration>), Prisma
/// (<https://www.prisma.io/docs/orm/prisma-client/deployment/deploy-database-changes-with-prisma-migrate>)
/// and Django (<https://docs.djangoproject.com/en/5.2/ref/django-admin/#migrate>).
const MIGRATIONS: [&[&str]; 3] =
    [&["alembic", "upgrade", "head"], &["prisma", "migrate", "deploy"], &["manage.py", "migrate"]];

fn migrates(argv: &[String]) -> bool {
    MIGRATIONS.iter().any(|m| argv.windows(m.len()).any(|w| w.iter().zip(m.iter()).all(|(a, b)| a == b)))
}

/// An image whose schema is migrated before it serves in one environment is migrated in every
/// environment (a fresh development database has no tables otherwise); and the directories the
/// project builds images from are the checkout's code, never a directory the header asks to
/// create.
#[test]
fn every_environment_migrates_and_the_checkout_is_not_created() {
    let mut checked = 0;
    for project in stacks::all() {
        let stacks = project.validate().expect("valid stack").stacks().to_vec();
        let files: Vec<(String, Generated)> = stacks.iter().map(|s| (s.env().to_string(), compose(s))).collect();
        let image_of = |image: &str| image.split(':').next().unwrap_or_default().to_string();
        let migrated: Vec<String> = files
            .iter()
            .flat_map(|(_, g)| g.file.services.values())
            .filter(|s| s.restart == "no" && migrates(s.command.as_deref().unwrap_or_default()))
            .map(|s| image_of(&s.image))
            .collect();
        let contexts: Vec<String> = files
            .iter()
            .flat_map(|(_, g)| g.file.services.values())
            .filter_map(|s| s.build.as_ref().map(|b| b.context.clone()))
            .collect();
        for (env, generated) in &files {
            let at = format!("{} ({env})", project.name());
            for (name, service) in &generated.file.services {
                if service.restart == "no" || !migrated.contains(&image_of(&service.image)) {
                    continue;
                }
                let waits = completed_first(&generated.file, name)
                    .iter()
                    .any(|(_, job)| migrates(job.command.as_deref().unwrap_or_default()));
                assert!(waits, "{at} {name}: starts without the migrations its image gets elsewhere");
                checked += 1;
            }
            for line in header(&generated.text) {
                for context in &contexts {
                    assert!(
                        !line.contains(&format!("mkdir -p {context}"))
                            && !line.starts_with(&format!("Create {context} ")),
                        "{at}: the header asks to create the build context {context}: {line}"
                    );
                }
            }
        }
    }
    assert!(checked >= 8, "{checked} services waiting for migrations");
}

/// Environments of a stack never share an external volume: Compose does not namespace it by
/// project (<https://docs.docker.com/reference/compose-file/volumes/#external>), so on one host
/// two PostgreSQL servers would open one data directory. And each external network's header line
/// names the services that answer there, since Docker's DNS resolves a service name for every
/// container on the network, whichever project it belongs to
/// (<https://docs.docker.com/engine/network/#dns-services>).
#[test]
fn environments_keep_their_own_data_and_shared_networks_are_announced() {
    let mut networks = 0;
    for project in stacks::all() {
        let mut owners: std::collections::BTreeMap<String, String> = Default::default();
        for stack in project.validate().expect("valid stack").stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            let generated = compose(stack);
            for (key, volume) in generated.file.volumes.iter().filter(|(_, v)| v.external) {
                let name = volume.name.clone().unwrap_or_else(|| key.clone());
                if let Some(other) = owners.insert(name.clone(), stack.env().to_string()) {
                    panic!("{at}: the external volume {name} is also {other}'s");
                }
            }
            let lines = header(&generated.text);
            for (key, network) in generated.file.networks.iter().filter(|(_, n)| n.external) {
                let name = network.name.clone().unwrap_or_else(|| key.clone());
                let members: Vec<&String> =
                    generated.file.services.iter().filter(|(_, s)| s.networks.contains(key)).map(|(n, _)| n).collect();
                let line =
                    lines.iter().find(|l| l.starts_with(&format!("{name} is shared with whatever else joins it")));
                let line = line.unwrap_or_else(|| panic!("{at}: nothing says {name} is shared"));
                assert!(members.iter().all(|m| line.contains(m.as_str())), "{at}: {line} misses one of {members:?}");
                networks += 1;
            }
        }
    }
    assert!(networks >= 3, "{networks} external networks");
}

/// Traefik routers only serve through entrypoints and certificate resolvers its own static
/// configuration defines (<https://doc.traefik.io/traefik/routing/entrypoints/>,
/// <https://doc.traefik.io/traefik/https/acme/>): every name the labels use is in the header,
/// with the network its Docker provider must watch.
#[test]
fn the_names_traefik_must_define_are_stated() {
    let mut checked = 0;
    for_each_compose_service(|at, lines, name, service| {
        let named: Vec<String> = service
            .labels
            .iter()
            .filter_map(|(key, value)| {
                if key.ends_with(".entrypoints") {
                    Some(format!("the entrypoint {value} "))
                } else if key.ends_with(".tls.certresolver") {
                    Some(format!("the certificate resolver {value} "))
                } else if key == "traefik.docker.network" {
                    Some(format!("on the network {value}:"))
                } else {
                    None
                }
            })
            .collect();
        if named.is_empty() {
            return;
        }
        let line = lines.iter().find(|l| l.starts_with("The Traefik this stack joins must define"));
        let line = line.unwrap_or_else(|| panic!("{at} {name}: its Traefik labels' names are nowhere in the header"));
        for what in named {
            assert!(line.contains(&what), "{at} {name}: {line} does not name {what:?}");
            checked += 1;
        }
    });
    assert!(checked >= 10, "{checked} names used by Traefik labels");
}

/// The env file a Compose file reads holds its secrets in plain text, so the header says to make
/// it readable by its owner only; and optional monitoring (Sentry, whose SDK sends nothing
/// without a DSN,
/// <https://docs.sentry.io/platforms/javascript/guides/node/configuration/options/#dsn>) never
/// stops a deploy: its DSN is `${SENTRY_DSN:-}`
/// (<https://docs.docker.com/reference/compose-file/interpolation/>).
#[test]
fn env_files_are_private_and_monitoring_is_optional() {
    let (mut private, mut sentry) = (0, 0);
    for stack in every_stack() {
        let at = format!("{} ({})", stack.name, stack.env());
        let generated = compose(&stack);
        let secret = generated.file.services.values().flat_map(|s| s.environment.values()).any(|v| v.contains(":?"));
        if secret {
            let chmod = format!("chmod 600 {}.env", stack.env());
            assert!(header(&generated.text).iter().any(|l| l.contains(&chmod)), "{at}: nothing says {chmod}");
            private += 1;
        }
        for (name, service) in &generated.file.services {
            if let Some(dsn) = service.environment.get("SENTRY_DSN") {
                assert_eq!(dsn, "${SENTRY_DSN:-}", "{at} {name}: Sentry is optional monitoring");
                sentry += 1;
            }
        }
    }
    assert!(private >= 10 && sentry >= 2, "{private} files with secrets, {sentry} Sentry DSNs");
}

/// WiseBet's production Compose file, served on `host`.
fn wisebet_production_on(host: &'static str) -> ComposeFile {
    let project = stacks::wisebet::project_on(stacks::wisebet::PublicHost::Real(host)).validate().expect("valid");
    let bundle = emit::compose::render(&project, &emit::Options::with_root("")).expect("renders");
    let production = emit::layout::compose_file(stack_dsl::Env::Production);
    serde_saphyr::from_str(&bundle.file(&production).expect("production").contents).expect("parses")
}

/// certbot's loop, run with stand-ins for certbot and sleep: while no certificate has been issued
/// it asks again after a few minutes, and once one has, it renews every 12 hours.
#[test]
fn certbot_asks_again_soon_until_the_first_certificate_is_issued() {
    let host = "wisebet.es";
    let file = wisebet_production_on(host);
    let certbot = &file.services["certbot"];
    let line: Vec<String> = certbot.entrypoint.iter().flatten().cloned().collect();
    let script = line.last().expect("a script").replace("$$", "$");
    let dir = std::env::temp_dir().join(format!("stackwright-certbot-{}", std::process::id()));
    let run = |issued: bool| -> String {
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("letsencrypt");
        std::fs::create_dir_all(root.join(format!("live/{host}"))).unwrap();
        std::fs::create_dir_all(root.join("renewal")).unwrap();
        if issued {
            std::fs::write(root.join(format!("renewal/{host}.conf")), "").unwrap();
        }
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        // certbot fails (DNS not there yet); sleep records how long and ends the loop.
        std::fs::write(bin.join("certbot"), "#!/bin/sh\nexit 1\n").unwrap();
        std::fs::write(bin.join("sleep"), "#!/bin/sh\necho \"$1\" > \"$RECORD\"\nkill -TERM $PPID\n").unwrap();
        for tool in ["certbot", "sleep"] {
            std::process::Command::new("chmod").arg("+x").arg(bin.join(tool)).status().unwrap();
        }
        let status = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(script.replace("/etc/letsencrypt", &root.display().to_string()))
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("DOMAIN", host)
            .env("RECORD", dir.join("record"))
            .status()
            .unwrap();
        assert!(status.success() || status.code().is_some(), "{status:?}");
        std::fs::read_to_string(dir.join("record")).expect("sleep ran").trim().to_string()
    };
    assert_eq!(run(false), format!("{}m", stacks::wisebet::ISSUE_RETRY_MINUTES));
    assert_eq!(run(true), "12h");
    let _ = std::fs::remove_dir_all(&dir);
}

/// nginx always finds a certificate where nginx.conf reads it, from an empty host through a
/// failed first order, the issuance and a renewal, and across redeploys: the committed file's
/// certbot-init and certbot shells run here, with the certificates volume in a temporary
/// directory and these stand-ins first on the `PATH`, each checking the served path before and
/// after it acts (an nginx restart could happen at any of those moments):
/// - `python` stands for the certbot image's Python writing the one-day self-signed pair for
///   `$DOMAIN` into the directory it is given;
/// - `date` tells the time the test sets (`NOW`), so a pair can age past its refresh;
/// - `certbot` stands for certbot ordering from Let's Encrypt: the first order fails (DNS not yet
///   pointing at the host), the second writes a lineage as certbot does (`archive/` files,
///   `live/$DOMAIN` symlinks to them, `renewal/$DOMAIN.conf`), refusing a `live/$DOMAIN` that
///   exists and is not empty, or an `archive/$DOMAIN`, as certbot does ("live directory exists",
///   "archive directory exists", certbot's `RenewableCert.new_lineage`); `renew` writes the next version and moves the symlinks when the
///   certificate is due;
/// - `sleep` stands for the time between passes: after the second wait the certificate is due,
///   and the third ends the loop.
#[test]
fn nginx_finds_a_certificate_at_every_step_of_issuance_and_renewal() {
    let stack = every_stack().into_iter().find(|s| s.name == "wisebet" && s.env().is_production()).unwrap();
    let Generated { file, .. } = compose(&stack);
    let dir = std::env::temp_dir().join(format!("stackwright-certificate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (root, state, bin) = (dir.join("letsencrypt"), dir.join("state"), dir.join("bin"));
    for d in [&root, &state, &bin] {
        std::fs::create_dir_all(d).unwrap();
    }
    // `$$` is Compose's literal `$`; the volume's mount point becomes the temporary directory.
    let shell = |service: &str| {
        let line: Vec<String> = file.services[service].entrypoint.iter().flatten().cloned().collect();
        line.last().expect("a script").replace("$$", "$").replace("/etc/letsencrypt", &root.display().to_string())
    };
    // nginx.conf names the served path, and nginx's watch reads the same one.
    let path = stacks::wisebet::SERVED_CERTIFICATE;
    let nginx: Vec<String> = file.services["nginx"].command.iter().flatten().cloned().collect();
    assert!(nginx.join(" ").contains(&format!("c={path}/fullchain.pem")), "nginx reloads on another file: {nginx:?}");
    let served = root.join(path.trim_start_matches("/etc/letsencrypt/"));
    let check = format!(
        "check() {{ if [ -f {s}/fullchain.pem ] && [ -f {s}/privkey.pem ]; then echo \"ok $1: $(cat {s}/fullchain.pem)\"; else echo \"MISSING $1\"; fi >> {log}; }}\n",
        s = served.display(),
        log = state.join("log").display()
    );
    let stand_ins = [
        // Before the first certbot-init nothing is served yet: nginx waits for it.
        ("python", "echo python >> \"$LOG\"\nmkdir -p \"$3\" && echo self-signed for $DOMAIN > \"$3/fullchain.pem\" && echo self-signed for $DOMAIN > \"$3/privkey.pem\"\n".to_string()),
        ("date", "case \"$1\" in +%s) echo \"$NOW\";; *) exec /bin/date \"$@\";; esac\n".to_string()),
        (
            "certbot",
            format!(
                "r={root}; check \"before certbot $1\"\n\
                 case \"$1\" in\n\
                 certonly)\n\
                   case \" $* \" in *\" --cert-name $DOMAIN \"*) ;; *) echo \"certbot names the lineage otherwise: $*\" >&2; exit 2;; esac\n\
                   echo order >> {state}/orders\n\
                   if [ \"$(wc -l < {state}/orders)\" -eq 1 ]; then check \"after a failed order\"; exit 1; fi\n\
                   if [ -n \"$(ls -A $r/live/$DOMAIN 2>/dev/null)\" ]; then echo \"live directory exists for $DOMAIN\" >&2; exit 1; fi\n\
                   if [ -e $r/archive/$DOMAIN ]; then echo \"archive directory exists for $DOMAIN\" >&2; exit 1; fi\n\
                   mkdir -p $r/archive/$DOMAIN $r/live/$DOMAIN $r/renewal\n\
                   for f in fullchain privkey; do echo issued-1 > $r/archive/$DOMAIN/${{f}}1.pem; ln -s ../../archive/$DOMAIN/${{f}}1.pem $r/live/$DOMAIN/$f.pem; done\n\
                   echo '[renewalparams]' > $r/renewal/$DOMAIN.conf;;\n\
                 renew)\n\
                   if [ -f {state}/due ]; then rm {state}/due\n\
                     for f in fullchain privkey; do echo issued-2 > $r/archive/$DOMAIN/${{f}}2.pem; ln -sfn ../../archive/$DOMAIN/${{f}}2.pem $r/live/$DOMAIN/$f.pem; done\n\
                   fi;;\n\
                 esac\n\
                 check \"after certbot $1\"\n",
                root = root.display(),
                state = state.display()
            ),
        ),
        (
            "sleep",
            format!(
                "check \"sleep $1\"\necho \"$1\" >> {state}/slept\nn=$(wc -l < {state}/slept)\n\
                 if [ $n -eq 2 ]; then touch {state}/due; fi\nif [ $n -ge 3 ]; then kill -TERM $PPID; fi\n",
                state = state.display()
            ),
        ),
    ];
    for (name, script) in &stand_ins {
        std::fs::write(bin.join(name), format!("#!/bin/sh\n{check}{script}")).unwrap();
        std::process::Command::new("chmod").arg("+x").arg(bin.join(name)).status().unwrap();
    }
    let host = "wisebet.es";
    // Seconds since the epoch as the stand-in `date` tells them.
    let start: u64 = 1_800_000_000;
    let run_at = |service: &str, host: &str, now: u64| {
        let output = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(shell(service))
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("DOMAIN", host)
            .env("NOW", now.to_string())
            .env("LETSENCRYPT_EMAIL", "ops@wisebet.es")
            .env("LOG", state.join("log"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(service == "certbot" || output.status.success(), "{service} failed: {stderr}");
        assert!(!stderr.contains("directory exists") && !stderr.contains("names the lineage"), "{stderr}");
    };
    let run = |service: &str| run_at(service, host, start);
    let pairs_written = || {
        let log = std::fs::read_to_string(state.join("log")).unwrap();
        log.lines().filter(|l| *l == "python").count()
    };
    let self_signed = format!("self-signed for {host}");
    let serving = || std::fs::read_to_string(served.join("fullchain.pem")).map(|s| s.trim().to_string());

    // An empty host: nginx starts on the self-signed pair; a redeploy keeps it, writing none.
    run("certbot-init");
    assert_eq!(serving().ok(), Some(self_signed.clone()));
    run("certbot-init");
    assert_eq!(pairs_written(), 1, "the pair is written again");
    // Half a day later (the pair lasts one), a new pair replaces it before it expires.
    run_at("certbot-init", host, start + 13 * 3600);
    assert_eq!((pairs_written(), serving().ok()), (2, Some(self_signed.clone())), "an expiring pair is served");

    // The loop: a failed order, the issuance, then a renewal; nginx finds a certificate all along.
    run("certbot");
    let slept = std::fs::read_to_string(state.join("slept")).unwrap();
    let retry = format!("{}m", stacks::wisebet::ISSUE_RETRY_MINUTES);
    assert_eq!(slept.lines().collect::<Vec<_>>(), [retry.as_str(), "12h", "12h"]);
    assert_eq!(serving().ok().as_deref(), Some("issued-2"), "the renewed certificate is not served");
    // A redeploy after issuance keeps serving certbot's certificate.
    run("certbot-init");
    assert_eq!(serving().ok().as_deref(), Some("issued-2"));
    let log = std::fs::read_to_string(state.join("log")).unwrap();
    let steps: Vec<&str> = log.lines().filter(|l| *l != "python").collect();
    assert!(steps.iter().all(|l| l.starts_with("ok ")), "nginx would find no certificate:\n{log}");
    for expected in [
        &format!("ok after a failed order: {self_signed}"),
        &format!("ok after certbot certonly: {self_signed}"),
        "ok sleep 12h: issued-1",
        "ok after certbot renew: issued-2",
    ] {
        assert!(steps.contains(&expected), "{expected:?} not in\n{log}");
    }

    // The public host changes: certbot holds no certificate for the new one yet, so nginx serves
    // a new self-signed pair for it (not the old host's pair, long expired), then certbot issues.
    let moved = "apuestas.wisebet.es";
    run_at("certbot-init", moved, start + 30 * 86400);
    assert_eq!(
        serving().ok().as_deref(),
        Some(format!("self-signed for {moved}").as_str()),
        "the old host's pair is served"
    );

    // A host that ran the earlier file holds its self-signed pair in certbot's `live/$DOMAIN`, as
    // plain files: certbot-init clears it, so certbot can issue there.
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::create_dir_all(root.join(format!("live/{host}"))).unwrap();
    std::fs::write(root.join(format!("live/{host}/fullchain.pem")), "earlier").unwrap();
    run("certbot-init");
    assert!(!root.join(format!("live/{host}")).exists(), "certbot would refuse live/{host}");
    assert_eq!(serving().ok(), Some(self_signed.clone()));

    // A certificates volume copied with its symlinks followed (`cp -rL`, a backup restored):
    // certbot's `live/` files and the served path are plain files and directories, beside the
    // renewal configuration and archive. certbot-init clears the lineage, so certbot issues
    // anew rather than renewing a broken one, and replaces the served directory with the symlink.
    std::fs::remove_dir_all(&root).unwrap();
    for d in [format!("live/{host}"), format!("archive/{host}"), "renewal".into(), "stackwright/current".into()] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    for f in [
        format!("live/{host}/fullchain.pem"),
        format!("archive/{host}/fullchain1.pem"),
        "stackwright/current/fullchain.pem".into(),
    ] {
        std::fs::write(root.join(f), "copied").unwrap();
    }
    std::fs::write(root.join(format!("renewal/{host}.conf")), "[renewalparams]").unwrap();
    run("certbot-init");
    for gone in [format!("live/{host}"), format!("archive/{host}"), format!("renewal/{host}.conf")] {
        assert!(!root.join(&gone).exists(), "{gone} is left: certbot would neither renew nor issue");
    }
    assert!(served.is_symlink(), "the served path stays a copied directory");
    assert_eq!(serving().ok(), Some(self_signed.clone()));
    run("certbot");
    assert_eq!(serving().ok().as_deref(), Some("issued-1"), "certbot does not issue again");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Let's Encrypt has sent no expiry notices since 4 June 2025
/// (<https://letsencrypt.org/2025/06/26/expiration-notification-service-has-ended/>), so nothing
/// may promise them, and certbot's health check is what warns: run here with this machine's
/// Python and `cryptography` (the certbot image ships both) on certificates written for the test,
/// it passes on one valid for 60 days and fails on one expiring within the warning period, and
/// the header says to watch it with a command that needs no variables.
#[test]
fn certbot_is_unhealthy_when_the_served_certificate_nears_its_end() {
    let file = wisebet_production_on("wisebet.es");
    let stack = every_stack().into_iter().find(|s| s.name == "wisebet" && s.env().is_production()).unwrap();
    let Generated { text, .. } = compose(&stack);
    let example =
        std::fs::read_to_string(golden_dir(&stack).join(emit::layout::compose_env_example(stack.env()))).unwrap();
    assert!(!example.contains("sends certificate expiry notices"), "the env example promises expiry emails");
    let watch = header(&text).into_iter().find(|l| l.starts_with("Monitoring should watch the health of certbot"));
    let watch = watch.expect("the header says to watch certbot's health");
    assert!(watch.contains("--filter label=com.docker.compose.service=certbot"), "{watch}");

    let check = file.services["certbot"].healthcheck.as_ref().expect("certbot has a health check");
    assert!(check.start_period.is_some(), "the first issuance would count as a failure");
    let [cmd, python, dash_c, code] = check.test.as_slice() else { panic!("{:?}", check.test) };
    assert_eq!((cmd.as_str(), python.as_str(), dash_c.as_str()), ("CMD", "python", "-c"));
    if std::process::Command::new("python3").args(["-c", "import cryptography"]).status().map_or(true, |s| !s.success())
    {
        eprintln!("skipped: python3 with cryptography is not installed here");
        return;
    }
    let dir = std::env::temp_dir().join(format!("stackwright-expiry-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let healthy = |days: u32| {
        let write = format!(
            "import datetime as d; from cryptography import x509; from cryptography.x509.oid import NameOID; \
             from cryptography.hazmat.primitives import hashes, serialization; from cryptography.hazmat.primitives.asymmetric import ec; \
             k = ec.generate_private_key(ec.SECP256R1()); n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'wisebet.es')]); \
             t = d.datetime.now(d.timezone.utc); c = x509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(k.public_key()) \
             .serial_number(1).not_valid_before(t).not_valid_after(t + d.timedelta(days={days})).sign(k, hashes.SHA256()); \
             open('{}/fullchain.pem', 'wb').write(c.public_bytes(serialization.Encoding.PEM))",
            dir.display()
        );
        assert!(std::process::Command::new("python3").args(["-c", &write]).status().unwrap().success());
        let code = code.replace(stacks::wisebet::SERVED_CERTIFICATE, &dir.display().to_string());
        std::process::Command::new("python3").args(["-c", &code]).output().unwrap().status.success()
    };
    let warning = stacks::wisebet::EXPIRY_WARNING_DAYS;
    assert!(healthy(60), "a certificate valid for 60 days counts as failing");
    assert!(!healthy(warning - 1), "a certificate expiring within {warning} days counts as healthy");
    assert!(!healthy(1), "the one-day self-signed pair counts as healthy");
    let _ = std::fs::remove_dir_all(&dir);
}

/// nginx's health check asks `http://127.0.0.1/health/`, so it sends `Host: 127.0.0.1`; Django,
/// were the path proxied to it, answers 400 for a host outside ALLOWED_HOSTS
/// (<https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts>) and nginx would never
/// be healthy. Every nginx configuration the header asks for says that nginx answers the
/// checked path itself.
#[test]
fn nginx_answers_its_own_health_check() {
    let mut checked = 0;
    for stack in every_stack().into_iter().filter(|s| s.name == "wisebet") {
        let generated = compose(&stack);
        let nginx = &generated.file.services["nginx"];
        let test = nginx.healthcheck.as_ref().expect("nginx has a health check").test.join(" ");
        let path =
            test.split("http://127.0.0.1").nth(1).expect("a check of 127.0.0.1").split_whitespace().next().unwrap();
        let required = format!("location = {path} {{ return 200; }}");
        let lines = header(&generated.text);
        let contents: Vec<&&str> = lines.iter().filter(|l| l.contains(" must contain: ")).collect();
        assert!(!contents.is_empty(), "{}: no configuration is described", stack.env());
        for line in contents {
            assert!(line.contains(&required), "{}: {line} does not say {required}", stack.env());
            checked += 1;
        }
    }
    assert_eq!(checked, 2);
}
