//! Files a replaced edge proxy served itself. An nginx in front of the application often also
//! serves files the application writes (Django's collected static files and uploads, processed
//! videos) from a volume or host directory they share. The Ingress that replaces the proxy
//! routes requests and serves no files, and Django with `DEBUG=False` serves none either
//! (<https://docs.djangoproject.com/en/5.2/howto/static-files/deployment/>), so those URLs
//! would answer 404 on Kubernetes: each is a prerequisite the header and DEPLOY.md state.

use stack_dsl::{Framework, MountSource, Run, Service, ValidStack};

use super::placement::runs;

/// One sentence per data directory a replaced edge proxy shares with a service the cluster runs.
pub fn unserved(stack: &ValidStack) -> Vec<String> {
    let mut found = Vec::new();
    for proxy in stack.services().filter(|s| s.role.is_platform_edge()) {
        for mount in &proxy.mounts {
            let same = |source: &MountSource| match (source, &mount.source) {
                (MountSource::Volume(a), MountSource::Volume(b)) => a.name() == b.name(),
                (MountSource::Bind(a), MountSource::Bind(b)) => a == b,
                _ => false,
            };
            let (what, source) = match &mount.source {
                MountSource::Volume(v) => ("volume", v.name().to_string()),
                MountSource::Bind(path) => ("host directory", path.clone()),
                _ => continue,
            };
            let sharing: Vec<&Service> = stack
                .services()
                .filter(|s| runs(s) && s.run == Run::Continuously && s.mounts.iter().any(|m| same(&m.source)))
                .collect();
            if sharing.is_empty() {
                continue; // the proxy's own state (certificates, challenge files)
            }
            let how = if sharing.iter().any(|s| s.framework == Some(Framework::Django)) {
                "with WhiteNoise for static files (Django with DEBUG=False serves none) and object storage or a view for uploads"
            } else {
                "with a route of its own for them"
            };
            let names: Vec<&str> = sharing.iter().map(|s| s.name.as_str()).collect();
            found.push(format!(
                "{proxy} served the files of the {what} {source} (its {target}) itself; the Ingress that replaces it serves no files, so their URLs answer 404 on Kubernetes until {names} serves them {how}, or a static file server (nginx-unprivileged) mounting the same claim gets an Ingress path",
                proxy = proxy.name,
                target = mount.target,
                names = names.join(" or "),
            ));
        }
    }
    found
}
