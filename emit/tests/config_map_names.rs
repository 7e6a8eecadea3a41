//! Config files become ConfigMaps named after their paths, with case and punctuation folded
//! (<https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names>):
//! two files whose names meet are refused with the fix, never mounted from one map.
#![cfg(feature = "kubernetes")]

use stack_dsl::*;

#[test]
fn two_config_files_that_would_share_a_config_map_are_refused() {
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        stack.add_service(
            Service::new("web", Image::new("nginx:1.27-alpine"))
                .port(Port::http(80))
                .mount(Mount::config("nginx/site.conf", "/etc/nginx/conf.d/site.conf")),
        );
        stack.add_service(
            Service::new("admin", Image::new("nginx:1.27-alpine"))
                .port(Port::http(80))
                .mount(Mount::config("nginx_site.conf", "/etc/nginx/conf.d/site.conf")),
        );
        stack
    });
    let error = emit::kubernetes::render(&project.validate().unwrap(), &emit::Options::with_root(""))
        .expect_err("one ConfigMap name for two files")
        .to_string();
    assert!(error.contains("nginx/site.conf") && error.contains("nginx_site.conf"), "{error}");
    assert!(error.contains("ConfigMap nginx-site-conf") && error.contains("Rename one of the files"), "{error}");
}
