//! What Render and Railway do with a service at runtime: the port their edge and health checks
//! reach, which variables reach a Docker build, what one resource may own. One value per fact,
//! each with the platform documentation it comes from; the Render and Railway emitters (through
//! `managed_platform.rs`) read them here and nowhere else.

/// The runtime behaviour of a hosting platform with its own edge and managed databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// The target name warnings and errors carry: `render`, `railway`.
    pub target: &'static str,
    /// The name users know: `Render`, `Railway`.
    pub name: &'static str,
    /// The variable the platform injects with the port it sends traffic and health checks to,
    /// and which a service may set itself to choose that port.
    pub port_variable: &'static str,
    /// Health checks go to the port in [`Platform::port_variable`], whatever port a domain targets.
    pub health_checks_port_variable: bool,
    /// A custom domain may name the service port it reaches (a target port).
    pub domain_target_port: bool,
    /// Every service variable reaches a Docker build as a build argument (`ARG NAME` reads it).
    pub variables_are_build_args: bool,
    /// A custom domain belongs to one service; the edge routes a whole host, never a path.
    pub routes_whole_hosts: bool,
    /// A disk is attached to one service only; services cannot share one.
    pub disk_per_service: bool,
    /// The platform builds and serves a static site itself, without a container.
    pub static_hosting: bool,
    /// The `Host` header of the platform's HTTP health checks, when it names one of its own.
    pub health_check_host: Option<&'static str>,
    /// A pre-deploy command sees the service's volume (false: it runs in a container of its own).
    pub pre_deploy_mounts_volumes: bool,
    /// The domain under which every public service also gets a host of the platform's own
    /// (`.onrender.com`), as a host allowlist entry admitting its subdomains.
    pub own_public_domain: Option<&'static str>,
    /// The database engines the platform runs itself ([`stack_dsl::Engine::product`]); a
    /// datastore of another engine runs its image as a private service with a volume.
    pub managed_engines: &'static [&'static str],
    /// The major version each managed engine runs whatever the stack asks for, by
    /// [`stack_dsl::Engine::product`]; an engine not listed runs the stack's major.
    pub managed_majors: &'static [(&'static str, u16)],
    /// The account plan the platform's autoscaling needs, when it needs one beyond the plan that
    /// runs the service.
    pub autoscaling_plan: Option<&'static str>,
    /// The variable another service's value can reference for a service's public host, when
    /// the platform has one (Railway's `${{<service>.RAILWAY_PUBLIC_DOMAIN}}`).
    pub public_domain_variable: Option<&'static str>,
}

impl Platform {
    /// The major version the platform's managed `engine` runs, when the stack cannot choose it.
    pub fn managed_major(&self, engine: stack_dsl::Engine) -> Option<u16> {
        self.managed_majors.iter().find(|(product, _)| *product == engine.product()).map(|(_, major)| *major)
    }

    /// True when the platform runs `engine` as a managed database.
    pub fn manages(&self, engine: stack_dsl::Engine) -> bool {
        self.managed_engines.contains(&engine.product())
    }

    /// True when `service` is a datastore the platform does not manage, so it runs its image
    /// (and reads the image's variables) on the platform.
    pub fn runs_datastore_image(&self, service: &stack_dsl::Service) -> bool {
        service.datastore.as_ref().is_some_and(|d| !self.manages(d.engine))
    }
}

/// Render.
pub const RENDER: Platform = Platform {
    target: "render",
    name: "Render",
    // Render detects the port a web service binds and routes to it; PORT (10000 by default)
    // only decides between several open ports: <https://render.com/docs/web-services#port-binding>.
    port_variable: "PORT",
    // Render polls healthCheckPath on the port it routes to, the one the service binds:
    // <https://render.com/docs/health-checks>.
    health_checks_port_variable: false,
    // Custom domains take a host name only: <https://render.com/docs/blueprint-spec#domains>.
    domain_target_port: false,
    // "Render passes your service's environment variables to docker build as build arguments":
    // <https://render.com/docs/docker#environment-variables-and-secrets>.
    variables_are_build_args: true,
    // A custom domain is added to one service: <https://render.com/docs/custom-domains>.
    routes_whole_hosts: true,
    // "A persistent disk is attached to a single service and accessible only to it; disks
    // cannot be shared between services": <https://render.com/docs/disks>.
    disk_per_service: true,
    // Static Sites (`runtime: static`, `buildCommand`, `staticPublishPath`), served from
    // Render's CDN: <https://render.com/docs/static-sites>.
    static_hosting: true,
    // No source found for the Host header Render's health checks send: not encoded.
    health_check_host: None,
    // The pre-deploy command runs on a separate instance before the new version goes live
    // (<https://render.com/docs/deploys#pre-deploy-command>), and a disk is "accessible only to"
    // its service's running instances (<https://render.com/docs/disks>); Render's tasks outside
    // them have no disk: "A one-off job cannot access its base service's persistent disk"
    // (<https://render.com/docs/one-off-jobs>). Taken as: no disk in the pre-deploy command.
    pre_deploy_mounts_volumes: false,
    // "Web services and static sites are always available at their onrender.com subdomain":
    // <https://render.com/docs/custom-domains>.
    own_public_domain: Some(".onrender.com"),
    // Render Postgres and Render Key Value (Redis-compatible): <https://render.com/docs/databases>,
    // <https://render.com/docs/key-value>. MySQL and MongoDB run as private services with a
    // disk: <https://render.com/docs/deploy-mysql>, <https://render.com/docs/deploy-mongodb>.
    managed_engines: &["PostgreSQL", "Redis"],
    // `postgresMajorVersion` chooses the PostgreSQL major (<https://render.com/docs/blueprint-spec>),
    // and the stack's is written there; Key Value's version cannot be chosen and is not encoded.
    managed_majors: &[],
    // "Autoscaling is available only for team accounts" (<https://render.com/docs/scaling>), now
    // "Professional and higher workspaces" (Render's own `render-oss/skills`, `render-scaling`:
    // "Available on Professional and higher workspaces only").
    autoscaling_plan: Some("a Professional (or higher) workspace plan"),
    // `fromService` gives a service's `host`, `port`, `hostport` and variables, and
    // RENDER_EXTERNAL_HOSTNAME is the service's own `onrender.com` host, never a custom domain
    // (<https://render.com/docs/environment-variables>, <https://render.com/docs/blueprint-spec>).
    public_domain_variable: None,
};

/// Railway.
pub const RAILWAY: Platform = Platform {
    target: "railway",
    name: "Railway",
    // "As long as you have not defined a PORT variable, Railway will provide one; if your domain
    // does not have a target port set, Railway directs incoming traffic to the port in PORT":
    // <https://docs.railway.com/guides/public-networking#port-variable>.
    port_variable: "PORT",
    // "This variable's value is also used when performing health checks; if your application
    // doesn't listen on PORT (target ports), set a PORT variable":
    // <https://docs.railway.com/reference/healthchecks#configure-the-healthcheck-port>.
    health_checks_port_variable: true,
    // `domains: [{ domain, port }]` in `railway/iac` (npm `railway` 3.11, `IntentServiceConfig`);
    // <https://docs.railway.com/guides/public-networking#target-ports>.
    domain_target_port: true,
    // "Railway injects the variables you define at build time; declare them with ARG":
    // <https://docs.railway.com/builds/dockerfiles#using-variables-at-build-time>.
    variables_are_build_args: true,
    // A custom domain is attached to one service and environment:
    // <https://docs.railway.com/guides/public-networking#custom-domains>.
    routes_whole_hosts: true,
    // "Each service can only have a single volume" and a volume belongs to one service:
    // <https://docs.railway.com/reference/volumes#caveats>.
    disk_per_service: true,
    // A static site runs as a service with a web server (Caddy, nginx) serving the build:
    // <https://docs.railway.com/guides/spa-routing-configuration>.
    static_hosting: false,
    // "Railway uses the hostname healthcheck.railway.app when performing health checks on your
    // service": <https://docs.railway.com/guides/healthchecks#healthcheck-hostname>.
    health_check_host: Some("healthcheck.railway.app"),
    // "Pre-deploy commands execute in a separate container from your application. Changes to
    // the filesystem are not persisted and volumes are not mounted":
    // <https://docs.railway.com/deployments/pre-deploy-command>.
    pre_deploy_mounts_volumes: false,
    // Railway generates a domain only when asked (`guides/public-networking`); not encoded.
    own_public_domain: None,
    // `postgres()` and `redis()` in `railway/iac` (npm `railway` 3.11). It also has `mysql()` and
    // `mongo()` templates, whose versions the program cannot choose; MySQL, MariaDB and MongoDB
    // run the stack's own image with a volume instead, as they do on every other target.
    managed_engines: &["PostgreSQL", "Redis"],
    // `postgres()` deploys the template's `ghcr.io/railwayapp-templates/postgres-ssl:18` and
    // `redis()` `redis:8` (npm `railway` 3.11, `dist/index.js`); the program cannot choose.
    managed_majors: &[("PostgreSQL", 18), ("Redis", 8)],
    // Railway has no autoscaling the program can set; the emitter reports it as unportable.
    autoscaling_plan: None,
    // "RAILWAY_PUBLIC_DOMAIN: the public service or customer domain", referenced from another
    // service as `${{NAMESPACE.VAR}}`, text around it included:
    // <https://docs.railway.com/reference/variables>.
    public_domain_variable: Some("RAILWAY_PUBLIC_DOMAIN"),
};

impl Platform {
    /// How a value references `service`'s public host, when the platform has a reference for
    /// it: `${{web.RAILWAY_PUBLIC_DOMAIN}}` on Railway.
    pub fn public_domain_of(&self, service: &str) -> Option<String> {
        self.public_domain_variable.map(|variable| format!("${{{{{service}.{variable}}}}}"))
    }
}
