//! The deploy page (`DEPLOY.md`) of every team stack says what the rendered files need and
//! adapt: every prerequisite under its target, the same entry its file's header gives, every
//! distinct warning once, and every service in the services × targets table.

use std::path::Path;

use emit::distinct_warnings::distinct;
use emit::layout::part_of;

/// The page's section of `target`: from its `## target (` heading to the next `## `.
fn section<'a>(page: &'a str, target: &str) -> &'a str {
    let start = page.find(&format!("\n## {target} (")).unwrap_or_else(|| panic!("no section for {target}"));
    let rest = &page[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |at| at + 3);
    &rest[..end]
}

#[test]
fn the_page_lists_every_prerequisite_and_warning_once_under_its_target() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid");
        let options = emit::Options::for_output_dir(&Path::new("golden").join(project.name())).unwrap();
        let bundle = emit::render(&valid, &options).expect("renders");
        let page = &bundle.file("DEPLOY.md").expect("a deploy page").contents;
        let name = project.name();

        for prerequisite in bundle.prerequisites() {
            // The header of the target's file in that environment says the same words.
            let in_header = bundle.files().iter().any(|f| {
                part_of(&f.path).is_some_and(|p| {
                    p.target == prerequisite.target
                        && p.env.is_none_or(|env| prerequisite.env.split(", ").any(|e| e == env))
                }) && f.contents.contains(&prerequisite.text)
            });
            assert!(in_header, "{name}: no header of {} says {:?}", prerequisite.target, prerequisite.text);
            // The page says it in the target's section, with `<env>` where environments differ.
            let said = section(page, prerequisite.target).replace("&lt;", "<");
            let general = prerequisite.text.replace(&prerequisite.env, "<env>");
            assert!(
                said.contains(&prerequisite.text) || said.contains(&general),
                "{name}: DEPLOY.md's {} section does not list {:?}",
                prerequisite.target,
                prerequisite.text
            );
        }

        for warning in distinct(bundle.warnings()) {
            let line = format!("- {}\n", warning.line().replace('<', "&lt;"));
            assert_eq!(
                section(page, warning.target).matches(&line).count(),
                1,
                "{name}: DEPLOY.md does not list once under {}: {line}",
                warning.target
            );
        }

        let table = page.split("## Services × targets").nth(1).expect("a services × targets table");
        for stack in valid.stacks() {
            for service in stack.services() {
                assert!(
                    table.contains(&format!("\n| {} |", service.name)),
                    "{name}: {} not in the table",
                    service.name
                );
            }
        }
    }
}

/// A left-out service shows in the table on the target that leaves it out.
#[test]
fn the_table_says_where_a_service_is_left_out() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/neosale/DEPLOY.md")).unwrap();
    let row = page.lines().find(|l| l.starts_with("| nginx |")).expect("nginx's row");
    assert_eq!(row, "| nginx | runs | left out | left out | left out |");
    let row = page.lines().find(|l| l.starts_with("| postgres |")).expect("postgres's row");
    assert_eq!(row, "| postgres | runs | runs | managed database | managed database |");
}

/// The README's Kubernetes section links each team stack's prerequisites on its deploy page.
#[test]
fn the_readme_links_each_stacks_kubernetes_prerequisites() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    for project in stacks::all() {
        let environments: Vec<&str> = project.environments().iter().map(|e| e.name()).collect();
        // GitHub's anchor of the heading `## kubernetes (dev, production)`.
        let link = format!("golden/{}/DEPLOY.md#kubernetes-{}", project.name(), environments.join("-"));
        assert!(readme.contains(&format!("({link})")), "README.md does not link {link}");
    }
}

/// Railway pulls the images the pipeline pushes, which are private when first pushed: the page
/// says, under Railway's registry access, both ways of letting it read them.
#[test]
fn railway_lists_registry_access_for_the_pipelines_images() {
    let project = stacks::all().into_iter().find(|p| p.name() == "metabuilder").expect("metabuilder");
    let valid = project.validate().expect("valid");
    let options = emit::Options::for_output_dir(&Path::new("golden").join(project.name())).unwrap();
    let bundle = emit::render(&valid, &options).expect("renders");
    let page = &bundle.file("DEPLOY.md").expect("a deploy page").contents;
    let railway = section(page, "railway");
    let registry = railway.split("\nRegistry access:\n").nth(1).expect("a Registry access list under railway");
    let entry = registry.lines().next().expect("an entry");
    assert!(entry.contains("ghcr.io/metabuilder"), "{entry}");
    assert!(entry.contains("make each package public"), "{entry}");
    assert!(entry.contains("Registry Credentials") && entry.contains("read:packages"), "{entry}");
    assert!(entry.contains("Pro plan"), "{entry}");
}

/// Every host the committed Ingress serves has its DNS line under Kubernetes, read from the same
/// list the Ingress is built from: NEOSALE's cluster host, which replaces its nginx (nginx has
/// no route of its own), and a placeholder spelled as the repository variable the deploy routes
/// in its place (`PUBLIC_HOST_NGINX_<ENV>`, as the other DNS lines).
#[test]
fn the_kubernetes_dns_lines_name_every_host_the_ingress_serves() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/neosale");
    let page = std::fs::read_to_string(golden.join("DEPLOY.md")).unwrap().replace("&lt;", "<");
    let kubernetes = section(&page, "kubernetes");
    let dns = kubernetes.split("\nDNS records:\n").nth(1).expect("DNS records under kubernetes");
    let dns = &dns[..dns.find("\n\n").unwrap_or(dns.len())];
    let mut checked = 0;
    for env in [stack_dsl::Env::Dev, stack_dsl::Env::Staging, stack_dsl::Env::Production] {
        let path = golden.join(emit::layout::kubernetes_dir(env)).join("ingress.yaml");
        let ingress: k8s_openapi::api::networking::v1::Ingress =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).expect("an Ingress");
        for rule in ingress.spec.and_then(|s| s.rules).unwrap_or_default() {
            let host = rule.host.expect("a host");
            let line =
                format!("- ({}) {}: ", env.name(), emit::public_origin::host_for_people(true, env, "nginx", &host));
            if emit::facts::dns::resolves_locally(&host) {
                assert!(!dns.contains(&host), "{host} resolves locally, yet has a DNS line:\n{dns}");
                continue;
            }
            assert!(dns.lines().any(|l| l.starts_with(&line)), "no {line:?} among\n{dns}");
            if emit::facts::reserved_hosts::stands_in(env, &host) {
                assert!(
                    line.contains(&format!("<the host in PUBLIC_HOST_NGINX_{}>", env.name().to_uppercase())),
                    "{line}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "staging's and production's hosts");
}

/// The pipeline reports a service it cannot smoke-test only when its target runs that service:
/// an edge proxy the ingress controller or the platform's router replaces is not missed.
#[test]
fn only_services_the_pipeline_deploys_are_reported_as_not_smoke_tested() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid");
        let Some(pipeline) = valid.pipeline() else { continue };
        let column = emit::layout::target_of(pipeline.target);
        let options = emit::Options::for_output_dir(&Path::new("golden").join(project.name())).unwrap();
        let bundle = emit::render(&valid, &options).expect("renders");
        let page = &bundle.file("DEPLOY.md").expect("a deploy page").contents;
        // The services × targets table: `| service | compose | kubernetes | … |`.
        let header: Vec<&str> =
            page.lines().find(|l| l.starts_with("| service |")).expect("the table").split('|').map(str::trim).collect();
        let at = header.iter().position(|c| *c == column).expect("the pipeline's target in the table");
        for line in section(page, "actions").lines().filter(|l| l.contains("cannot smoke-test it")) {
            let service = line.trim_start_matches("- service ").split(' ').next().expect("a service");
            let row = page.lines().find(|l| l.starts_with(&format!("| {service} |"))).expect("the service's row");
            let role = row.split('|').map(str::trim).nth(at).expect("a cell");
            assert_ne!(role, "left out", "{}: {service} is not deployed on {column}: {line}", project.name());
            checked += 1;
        }
    }
    assert!(checked > 0, "no team stack reports a service it cannot smoke-test");
}
