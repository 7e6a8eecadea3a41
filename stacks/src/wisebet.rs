//! WiseBet (seed 002, `../shared/seeds/STACKS.md`): a Django REST backend on Gunicorn behind
//! nginx 1.25, with certbot renewing certificates in production, and a PostgreSQL that lives
//! outside Docker (on the host, reached as `host.docker.internal`).

use crate::probes::{python_http_for_host, python_http_for_listed_host, wget_http};
use stack_dsl::{
    CiCheck, Cluster, Cpu, Datastore, DeployTarget, Env, EnvValue, External, Framework, Host, Image, ImageFacts,
    Memory, Mount, Network, Pipeline, Port, Probe, Project, Ready, Resources, Route, Secret, Service, Stack, Toolchain,
    Volume, secs,
};

/// The uid of the seed's `appuser` in the backend image.
const APPUSER_UID: u32 = 1000;

/// Minutes certbot waits before asking again for a certificate not yet issued.
pub const ISSUE_RETRY_MINUTES: u32 = 15;

/// Production's public host. The seed writes `dominio.com` ("domain" in Spanish) in
/// ALLOWED_HOSTS, CORS_ALLOWED_ORIGINS and its nginx/certbot setup: a placeholder for the team's
/// domain, not a host. Until the team names it, a reserved example name (RFC 2606) stands in,
/// which no target sends to a certificate authority: an order for a placeholder can only fail,
/// and failed validations count against Let's Encrypt's limits
/// (<https://letsencrypt.org/docs/rate-limits/#authorization-failures-per-hostname-per-account>).
/// The backend's production route is served on it; Django's ALLOWED_HOSTS and
/// CORS_ALLOWED_ORIGINS reference that route, so while it is a placeholder each target reads the
/// real host from its own setting (`PUBLIC_HOST_BACKEND` in Compose). Replace it with
/// `PublicHost::Real("…")` to issue certificates; nginx.conf reads the certificate from a path
/// that names no host ([`SERVED_CERTIFICATE`]), so it stays the same.
pub const PRODUCTION_HOST: PublicHost = PublicHost::Placeholder("wisebet.example.com");

/// The host production is served on: the one input every target reads it from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicHost {
    /// A stand-in until the team names its domain: each target reads the real host from its
    /// own setting (Compose certifies the host PUBLIC_HOST_BACKEND names, never this one).
    Placeholder(&'static str),
    /// The team's domain, certified by Let's Encrypt.
    Real(&'static str),
}

impl PublicHost {
    /// The host name.
    pub fn name(self) -> &'static str {
        match self {
            PublicHost::Placeholder(host) | PublicHost::Real(host) => host,
        }
    }
}

/// The WiseBet project in development and production (the seed names no staging).
pub fn project() -> Project {
    project_on(PRODUCTION_HOST)
}

/// The WiseBet project with production served on `host`.
pub fn project_on(host: PublicHost) -> Project {
    Project::new("wisebet", [Env::Dev, Env::Production], move |env| stack(env, host))
        // The seed deploys `docker-compose.prod.yml` on one host with `deploy.sh`; the pipeline
        // does the same over SSH. Not stated: a registry (GHCR here, owner assumed).
        .pipeline(Pipeline::new(DeployTarget::ComposeOverSsh))
        // On Kubernetes the Ingress replacing nginx serves the backend on the hosts Django
        // accepts (ALLOWED_HOSTS): production's public host, localhost in development.
        .cluster(Cluster::new().host(Env::Dev, "localhost").host(Env::Production, host.name()))
}

/// The WiseBet stack in `env`, with production served on `host`.
fn stack(env: Env, host: PublicHost) -> Stack {
    let mut stack = Stack::new("wisebet");
    // `wisebet_network` in the seed, a bridge network; renamed to a DNS-1123 label. Its subnet
    // is fixed, so the host PostgreSQL's pg_hba.conf and firewall rule stay true after the network
    // is recreated. Not stated: the subnet; one per environment, outside Docker's default pools
    // (172.17-31.x, 192.168.x), so a network Docker creates never takes it first. Change it if
    // the host's LAN uses it.
    let subnet = if env.is_production() { "10.213.2.0/24" } else { "10.213.1.0/24" };
    let network = stack.add_network(Network::new("wisebet-network").subnet(subnet));
    let secret_key = stack.add_secret(Secret::new("SECRET_KEY").describe("Django SECRET_KEY.").generated());
    let db_password =
        stack.add_secret(Secret::new("DB_PASSWORD").describe("Password of the wisebet_user PostgreSQL user."));
    // The seed's volume names, so a host moving onto these files keeps its data. Not stated: the
    // directory `docker-compose.prod.yml` ran from (the project name); `wisebet` is assumed.
    if env.is_production() {
        stack.compose_project("wisebet");
    }
    let static_files =
        stack.add_volume(Volume::persistent("static-volume").compose_name("static_volume").size(Memory::gib(1)));
    let media_files =
        stack.add_volume(Volume::persistent("media-volume").compose_name("media_volume").size(Memory::gib(10)));

    // PostgreSQL is not a container: the seed's first option, the same host. For a remote server
    // or RDS, replace the address with External::at(host, 5432). Not stated: how a Kubernetes
    // cluster, which has no Docker host, reaches it; a private DNS name per environment is
    // assumed, under `.internal`, which ICANN reserves for private networks
    // (ICANN Board resolution 2024.07.29.06, https://icannwiki.org/.internal),
    // that the operator's DNS resolves to the environment's database host.
    let postgres = stack.add_external(
        External::on_docker_host("postgres", 5432)
            .cluster_host(format!("postgres.{}.wisebet.internal", env.name()))
            .datastore(Datastore::postgres(16).user("wisebet_user").database("wisebet_db").password(&db_password)),
    );

    let domain = host.name();
    // Production serves the backend on its public host (through nginx in Compose): Django
    // accepts that host and that origin, by reference to the route, so a placeholder's real
    // host comes from each target's own setting.
    let backend_ref = stack.reference("backend");
    let (allowed_hosts, origins) = if env.is_production() {
        (backend_ref.public_host(), backend_ref.public_url())
    } else {
        (EnvValue::from("localhost"), EnvValue::from("http://localhost"))
    };

    // Gunicorn with 4 workers × 2 threads. Not stated: the WSGI module (`config.wsgi` here).
    // The seed sizes dev at ~0.5 CPU / 512 MB and production at 2–4 cores / 2–4 GB.
    // Not stated: the production host. The backend's upper bound (4 cores, 4 GB) and nginx's
    // (1 core, 256 MB) need at least 4 cores; 4 cores and 8 GB assumed, so Docker accepts the
    // limits (it refuses a container limited to more CPUs than the host has).
    if env.is_production() {
        stack.runs_on(Host::new(Cpu::cores(4), Memory::gib(8)));
    }
    let resources = if env.is_production() {
        Resources::new().limit(Cpu::cores(4), Memory::gib(4)).reserve(Cpu::cores(2), Memory::gib(2))
    } else {
        Resources::new().limit(Cpu::millis(500), Memory::mib(512))
    };
    let backend_image = Image::build(".").tag("wisebet-backend");
    // Django's settings, shared by the backend and its release steps.
    let django = |service: Service| {
        service
            .env("SECRET_KEY", &secret_key)
            .env("DEBUG", if env.is_production() { "False" } else { "True" })
            .env("ALLOWED_HOSTS", allowed_hosts.clone())
            .env("DB_HOST", postgres.host())
            .env("DB_PORT", postgres.port())
            // The names the database declares; platforms that choose their own pass theirs.
            .env("DB_NAME", postgres.database_name())
            .env("DB_USER", postgres.database_user())
            .env("DB_PASSWORD", &db_password)
            .env("CORS_ALLOWED_ORIGINS", origins.clone())
            .network(&network)
            // The seed's `appuser` (non-root), by uid, as Kubernetes runs containers by uid.
            // Not stated: its uid; 1000 assumed, which the Dockerfile must give it
            // (`useradd --uid 1000 appuser`, the first account Debian's useradd would create).
            .user(APPUSER_UID)
            .image_facts(ImageFacts::new().requires(format!(
                "create the user appuser with uid {APPUSER_UID} (useradd --uid {APPUSER_UID} appuser), owning /app"
            )))
    };
    // Not stated: how migrations and static files are prepared (the seed's deploy.sh). Each
    // deploy migrates before Gunicorn starts, and collects the image's static files into the
    // volume nginx serves: a named volume is filled from the image only when it is first created,
    // so it would otherwise keep the old files. Without `--clear`, which would delete the files
    // nginx is serving mid-deploy: changed files are replaced, and old ones stay for pages still
    // open (https://docs.djangoproject.com/en/5.2/ref/contrib/staticfiles/#collectstatic).
    let migrate = stack.add_service(django(Service::job("migrate", backend_image.clone())).command([
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]));
    let collectstatic = stack.add_service(
        django(Service::job("collectstatic", backend_image.clone()))
            .command(["python", "manage.py", "collectstatic", "--noinput"])
            .mount(Mount::volume(&static_files, "/app/staticfiles")),
    );
    let backend = django(Service::new("backend", backend_image))
        // Not stated: CI checks. Django's own `check` needs the dependencies; ruff lints without.
        .check(CiCheck::new("lint", "pipx run ruff check .").toolchain(Toolchain::Python("3.12".into())))
        .command(["gunicorn", "config.wsgi:application", "--workers", "4", "--threads", "2", "--bind", "0.0.0.0:8000"])
        .port(Port::http(8000))
        // Gunicorn lets workers finish their requests for 30 s after SIGTERM
        // (https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout).
        .stop_grace_period(secs(30))
        .mount(Mount::volume(&static_files, "/app/staticfiles"))
        .mount(Mount::volume(&media_files, "/app/mediafiles"))
        // Django answers only the hosts in ALLOWED_HOSTS (400 otherwise): the check names one.
        .framework(Framework::Django)
        .healthcheck(
            if env.is_production() {
                python_http_for_listed_host(8000, "/api/schema/", "ALLOWED_HOSTS", domain)
            } else {
                python_http_for_host(8000, "/api/schema/", "localhost")
            }
            .start_period(secs(20)),
        )
        .depends_on(&migrate, Ready::Completed)
        .depends_on(&collectstatic, Ready::Completed)
        .resources(resources);
    let backend = if env.is_production() { backend.route(Route::new(domain).tls()) } else { backend };
    let backend = stack.add_service(backend);

    // nginx: reverse proxy, TLS, static and media files read-only. The seed sizes it at ~0.1 CPU
    // / 50 MB in dev and 1 core / 256 MB in production.
    // The seed mounts one nginx.conf in both environments; production's serves TLS with
    // certificates development does not mount (nginx exits "cannot load certificate"), so
    // development reads its own plain-HTTP file (Not stated: its name). The health check asks
    // port 80 for /health/, which must answer there rather than redirect to HTTPS, and nginx
    // answers it itself: the check sends `Host: 127.0.0.1`, which Django, proxied to, refuses
    // with 400 (ALLOWED_HOSTS), so nginx would never become healthy.
    let health = "location = /health/ { return 200; }";
    let served = format!(
        "proxies / to http://backend:8000, serves /static/ from /app/staticfiles/ and /media/ from /app/mediafiles/, and answers {health} itself (the health check sends Host: 127.0.0.1, which Django refuses with 400 if /health/ is proxied to it)"
    );
    let config = if env.is_production() {
        Mount::config("./nginx.conf", "/etc/nginx/conf.d/default.conf").must_contain(format!(
            "a server on 80 serving location /.well-known/acme-challenge/ {{ root /var/www/certbot; }} and {health} without a redirect, redirecting the rest to HTTPS; a server on 443 ssl with ssl_certificate {SERVED_CERTIFICATE}/fullchain.pem and ssl_certificate_key {SERVED_CERTIFICATE}/privkey.pem that {served}"
        ))
    } else {
        Mount::config("./nginx.dev.conf", "/etc/nginx/conf.d/default.conf")
            .must_contain(format!("a server on 80 only, without TLS (no certificate is mounted), that {served}"))
    };
    let mut nginx = Service::new("nginx", Image::new("nginx:1.25-alpine"))
        .port(Port::http(80).published(80))
        .mount(config)
        .mount(Mount::volume(&static_files, "/app/staticfiles").read_only())
        .mount(Mount::volume(&media_files, "/app/mediafiles").read_only())
        .network(&network)
        .healthcheck(wget_http(80, "/health/"))
        .depends_on(&backend, Ready::Healthy)
        // The seed's nginx proxies to Gunicorn and terminates TLS; it also serves the static and
        // media volumes, which platforms without it must serve from the backend.
        .edge_proxy_for([&backend]);
    if env.is_production() {
        let acme = stack.add_volume(Volume::persistent("certbot-www").compose_name("certbot_www"));
        let certificates = stack.add_volume(Volume::persistent("certbot-conf").compose_name("certbot_conf"));
        let email = stack.add_secret(
            Secret::new("LETSENCRYPT_EMAIL").describe(format!(
                "Contact address certbot registers with the Let's Encrypt account. Let's Encrypt has sent no certificate expiry notices since 4 June 2025 (https://letsencrypt.org/2025/06/26/expiration-notification-service-has-ended/): watch the certbot service's health instead, which fails {EXPIRY_WARNING_DAYS} days before the served certificate expires (docker compose ps). certbot asks for the certificate of PUBLIC_HOST_BACKEND every {ISSUE_RETRY_MINUTES} minutes until it is issued (once its DNS points at this host); docker compose restart certbot asks at once."
            )),
        );
        // The certificate's host is read where the containers run, from DOMAIN: the backend's
        // public host, which Compose reads from PUBLIC_HOST_BACKEND while the stack's is a
        // placeholder, so Let's Encrypt is only ever asked for the host the deploy supplies.
        let public_host = backend.public_host();
        // TLS from an empty host, without a moment where nginx finds no certificate. nginx refuses
        // to start without one, and Let's Encrypt's HTTP challenge needs nginx running, so nginx
        // starts on a one-day self-signed pair for the host, replaced while it is served by a new
        // one for the current host before it expires. nginx.conf reads SERVED_CERTIFICATE, a
        // symlink to that pair until certbot has issued for the host, then to certbot's live
        // directory; it is swapped with rename(2), so a (re)start of nginx at any moment finds a
        // certificate there. The pair
        // stays outside `live/`: certbot writes `live/$DOMAIN` itself when it issues, and refuses
        // to when that directory exists and is not empty (`RenewableCert.new_lineage`, "live
        // directory exists for …", certbot/_internal/storage.py); its files are symlinks into
        // `archive/` that certbot moves on each renewal
        // (<https://eff-certbot.readthedocs.io/en/stable/using.html#where-are-my-certificates>).
        let placeholder = stack.add_service(
            Service::job("certbot-init", Image::new("certbot/certbot:v2.11.0"))
                .entrypoint(["/bin/sh", "-c", &serve_first_certificate()])
                .env("DOMAIN", public_host.clone())
                .mount(Mount::volume(&certificates, "/etc/letsencrypt"))
                .certificate_renewal(),
        );
        // nginx reloads whenever the certificate it reads changes (the swap to certbot's, every
        // renewal): it reads certificates only when it starts or reloads.
        let watch = format!(
            "c={SERVED_CERTIFICATE}/fullchain.pem; last=$(stat -L -c %Y $c); while :; do sleep 60; now=$(stat -L -c %Y $c 2>/dev/null); if [ -n \"$now\" ] && [ \"$now\" != \"$last\" ] && nginx -s reload; then last=$now; fi; done & exec nginx -g 'daemon off;'"
        );
        nginx = nginx
            .command(["/bin/sh", "-c", &watch])
            .port(Port::tcp(443).published(443))
            .mount(Mount::bind("./ssl", "/etc/nginx/ssl").read_only())
            // Not stated: who mounts `certbot_www`; nginx serves the ACME challenge from it and
            // reads the certificates certbot renews.
            .mount(Mount::volume(&acme, "/var/www/certbot").read_only())
            .mount(Mount::volume(&certificates, "/etc/letsencrypt").read_only())
            .depends_on(&placeholder, Ready::Completed)
            .resources(Resources::new().limit(Cpu::cores(1), Memory::mib(256)));
        let nginx_ref = stack.add_service(nginx);
        // Issuance while certbot holds no certificate for the host (no renewal configuration), then
        // renewal every 12 hours, production only, through the webroot nginx serves. A loop in a
        // long-running container keeps Compose, the seed's only target, renewing without a host
        // crontab. The seed writes `certbot/certbot:latest`; pinned so a deploy never changes it.
        // Until a first issuance succeeds (DNS not yet pointing at the host, say) it is asked
        // again every 15 minutes, not 12 hours: four failures an hour stay under Let's Encrypt's
        // five authorization failures per host name, account and hour
        // (<https://letsencrypt.org/docs/rate-limits/#authorization-failures-per-identifier-per-account>);
        // `docker compose restart certbot` asks at once. nginx keeps the self-signed pair (a new
        // one each half-day) until the issued certificate is in place, then the symlink is swapped
        // to it.
        let issue = format!(
            "trap exit TERM; while :; do if [ ! -f {RENEWAL} ]; then certbot certonly --webroot -w /var/www/certbot --cert-name $DOMAIN -d $DOMAIN --email \"$LETSENCRYPT_EMAIL\" --agree-tos --non-interactive; fi; {}; certbot renew --webroot -w /var/www/certbot; if [ -f {RENEWAL} ]; then next=12h; else next={ISSUE_RETRY_MINUTES}m; fi; sleep $next & wait $!; done",
            serve_certificate()
        );
        // Let's Encrypt no longer mails expiry notices, so certbot's health says when the served
        // certificate is near its end. The deploy's `up --wait` waits for it: the first check
        // after issuance passes (a first issuance takes seconds once DNS points at the host), and
        // failures during the start period do not count
        // (<https://docs.docker.com/reference/dockerfile/#healthcheck>). A host whose certificate
        // is not issued, or not renewed for over two weeks, fails the deploy there, as the
        // smoke test over HTTPS would.
        let expiry = Probe::exec(["python", "-c", &expiry_check()])
            .every(secs(60))
            .timeout(secs(10))
            .start_period(secs(300))
            .alerts(format!(
                "it fails when the certificate nginx serves expires within {EXPIRY_WARNING_DAYS} days (renewal failing for over two weeks, or no certificate issued yet); Let's Encrypt has mailed no expiry notices since 4 June 2025"
            ));
        stack.add_service(
            Service::new("certbot", Image::new("certbot/certbot:v2.11.0"))
                .entrypoint(["/bin/sh", "-c", &issue])
                .env("DOMAIN", public_host)
                .env("LETSENCRYPT_EMAIL", &email)
                .mount(Mount::volume(&acme, "/var/www/certbot"))
                .mount(Mount::volume(&certificates, "/etc/letsencrypt"))
                .network(&network)
                .depends_on(&nginx_ref, Ready::Healthy)
                .healthcheck(expiry)
                // The seed: certbot only renews the certificates nginx serves.
                .certificate_renewal(),
        );
    } else {
        stack.add_service(nginx.resources(Resources::new().limit(Cpu::millis(100), Memory::mib(64))));
    }
    stack
}

/// The directory nginx reads its certificate from (`fullchain.pem`, `privkey.pem`): a symlink in
/// the certificates volume, to the self-signed pair until certbot has issued, then to certbot's
/// live directory of the host. It names no host, so nginx.conf does not either.
pub const SERVED_CERTIFICATE: &str = "/etc/letsencrypt/stackwright/current";

/// Stackwright's directory in the certificates volume, outside the `live/` tree certbot owns.
const OWN: &str = "/etc/letsencrypt/stackwright";

/// certbot's live directory of the host: symlinks into `archive/`, moved on each renewal.
const LIVE: &str = "/etc/letsencrypt/live/$DOMAIN";

/// certbot's renewal configuration of the host, written when it first issues.
const RENEWAL: &str = "/etc/letsencrypt/renewal/$DOMAIN.conf";

/// certbot's archive of the host's certificate versions, which `live/$DOMAIN` links into.
const ARCHIVE: &str = "/etc/letsencrypt/archive/$DOMAIN";

/// Seconds after which a self-signed pair (valid one day) is replaced by a new one: half its
/// lifetime, so a pair is replaced well before it expires by the certbot loop, which passes
/// every [`ISSUE_RETRY_MINUTES`] minutes until certbot has issued.
const SELF_SIGNED_REFRESH_SECONDS: u32 = 12 * 3600;

/// Days before expiry from which certbot's health check fails: certbot renews 30 days before
/// expiry (`renew_before_expiry`,
/// <https://eff-certbot.readthedocs.io/en/stable/using.html#configuration-file>), so a served
/// certificate this close to its end means renewal has failed for over two weeks; a self-signed
/// pair (one day) fails it too, until certbot has issued.
pub const EXPIRY_WARNING_DAYS: u32 = 14;

/// Shell that points [`SERVED_CERTIFICATE`] at `target` (relative to [`OWN`]) in one step: a new
/// symlink renamed over the old one. `rename(2)` replaces the name atomically, so a reader finds
/// the old target or the new one, never neither
/// (<https://man7.org/linux/man-pages/man2/rename.2.html>); `mv -T` renames onto the symlink
/// itself rather than into the directory it points to (BusyBox's `mv`, the certbot image's,
/// has `-T`: <https://git.busybox.net/busybox/tree/coreutils/mv.c>). `next` is removed first:
/// `ln -sfn` onto a real directory (a volume copied with its symlinks followed) would link
/// inside it.
fn point_served_at(target: &str) -> String {
    format!("rm -rf {OWN}/next && ln -s {target} {OWN}/next && mv -T {OWN}/next {SERVED_CERTIFICATE}")
}

/// certbot-init's shell: before nginx starts, [`SERVED_CERTIFICATE`] holds a certificate for
/// `$DOMAIN` (see [`serve_certificate`]), or certbot-init fails. Repairs first what certbot or
/// the swap would stumble on:
/// - a `live/$DOMAIN` of plain files, where certbot's are symlinks (a self-signed pair an earlier
///   version left there, or a volume copied with its symlinks followed), is removed with the
///   host's `archive/` and `renewal/` entries: certbot renews only a lineage whose `live/` files
///   link into `archive/`, and refuses to issue anew while either directory exists ("live
///   directory exists", "archive directory exists", `RenewableCert.new_lineage`,
///   certbot/_internal/storage.py), so it issues again;
/// - a [`SERVED_CERTIFICATE`] that is a real directory (the same copy) is removed, since a
///   symlink cannot be renamed over a directory (`rename(2)`: EISDIR).
fn serve_first_certificate() -> String {
    format!(
        "[ -L {LIVE}/fullchain.pem ] || rm -rf {LIVE} {ARCHIVE} {RENEWAL}; [ -L {SERVED_CERTIFICATE} ] || rm -rf {SERVED_CERTIFICATE}; {}; test -f {SERVED_CERTIFICATE}/fullchain.pem",
        serve_certificate()
    )
}

/// Shell run by certbot-init and on every pass of the certbot loop: [`SERVED_CERTIFICATE`] points
/// at certbot's certificate for `$DOMAIN` once certbot holds one, else at a self-signed pair for
/// `$DOMAIN` written less than [`SELF_SIGNED_REFRESH_SECONDS`] ago. A pair for another host (the
/// public host changed) or an older one is replaced by a new pair in a new directory, then the
/// symlink is swapped to it, so nginx never reads a half-written pair; a file `for` beside the
/// pair records its host and when it was written. Pairs no longer served are removed. Should no
/// pair be written (no Python), the served path is left as it is.
fn serve_certificate() -> String {
    format!(
        "mkdir -p {OWN}; if [ -f {RENEWAL} ] && [ -f {LIVE}/fullchain.pem ]; then t=../live/$DOMAIN; else t=$(readlink {SERVED_CERTIFICATE}); f=; case \"$t\" in self-signed.*) f=$(cat {OWN}/$t/for 2>/dev/null);; esac; if [ \"${{f% *}}\" != \"$DOMAIN\" ] || [ $(( $(date +%s) - ${{f##* }} )) -ge {SELF_SIGNED_REFRESH_SECONDS} ]; then d=$(mktemp -d {OWN}/self-signed.XXXXXX) && python -c \"{SELF_SIGNED}\" \"$d\" && echo \"$DOMAIN $(date +%s)\" > \"$d/for\" && t=${{d##*/}}; fi; fi; if [ -n \"$t\" ] && ! {{ [ -f {SERVED_CERTIFICATE}/fullchain.pem ] && [ \"$(readlink {SERVED_CERTIFICATE})\" = \"$t\" ]; }}; then {}; fi; for p in {OWN}/self-signed*; do [ \"${{p##*/}}\" = \"$t\" ] || rm -rf \"$p\"; done",
        point_served_at("\"$t\"")
    )
}

/// certbot's health check: Python with the `cryptography` package the certbot image ships (it
/// has no `openssl` command) reads the certificate nginx serves and fails when it expires within
/// [`EXPIRY_WARNING_DAYS`] days, so `docker compose ps` shows certbot unhealthy.
/// `not_valid_after_utc` exists from cryptography 42; older releases have the naive
/// `not_valid_after`, in UTC (<https://cryptography.io/en/latest/x509/reference/#cryptography.x509.Certificate.not_valid_after_utc>).
fn expiry_check() -> String {
    format!(
        "import datetime as d, sys; from cryptography import x509; \
c = x509.load_pem_x509_certificate(open('{SERVED_CERTIFICATE}/fullchain.pem', 'rb').read()); \
e = getattr(c, 'not_valid_after_utc', None) or c.not_valid_after.replace(tzinfo=d.timezone.utc); \
left = e - d.datetime.now(d.timezone.utc); print('the served certificate expires', e.isoformat()); \
sys.exit(0 if left > d.timedelta(days={EXPIRY_WARNING_DAYS}) else 1)"
    )
}

/// Python (with the `cryptography` package certbot ships) writing a one-day self-signed
/// certificate for `$DOMAIN` into the directory given as its argument, so nginx can start before
/// the first issuance.
const SELF_SIGNED: &str = "import datetime as d, os, sys; \
from cryptography import x509; from cryptography.x509.oid import NameOID; \
from cryptography.hazmat.primitives import hashes, serialization; \
from cryptography.hazmat.primitives.asymmetric import ec; \
k = ec.generate_private_key(ec.SECP256R1()); \
n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, os.environ['DOMAIN'])]); \
t = d.datetime.now(d.timezone.utc); \
c = x509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(k.public_key()) \
.serial_number(x509.random_serial_number()).not_valid_before(t).not_valid_after(t + d.timedelta(days=1)) \
.sign(k, hashes.SHA256()); \
p = sys.argv[1]; os.makedirs(p, exist_ok=True); \
open(p + '/privkey.pem', 'wb').write(k.private_bytes(serialization.Encoding.PEM, \
serialization.PrivateFormat.PKCS8, serialization.NoEncryption())); \
open(p + '/fullchain.pem', 'wb').write(c.public_bytes(serialization.Encoding.PEM))";
