//! Names and values a target would reject or clamp are validation problems.

use stack_dsl::*;

mod support;
use support::problems;

#[test]
fn names_targets_derive_from_and_names_starting_with_digits() {
    let long = "a".repeat(55);
    let mut stack = Stack::new("s".repeat(60));
    let dep = stack.add_service(Service::new(long.clone(), Image::new("redis:7-alpine")).port(Port::tcp(6379)));
    stack.add_service(Service::new("1api", Image::new("shop:1")).depends_on(&dep, Ready::Started));
    stack.add_service(Service::cron("b".repeat(53), Image::new("shop:1"), "0 2 * * *"));
    let found = problems(stack);
    let s60 = "s".repeat(60);
    assert_eq!(
        found,
        [
            format!(
                "stack {s60} (production) › service 1api: the name \"1api\" starts with a digit; Kubernetes Service names must start with a letter"
            ),
            format!(
                "stack {s60} (production) › service 1api › depends_on {long}: the init container that waits for it, \"wait-for-{long}\", would be longer than 63 characters"
            ),
            format!(
                "stack {s60} (production) › service {}: a cron job's name has at most 52 characters (Kubernetes CronJob), and \"{}\" has 53",
                "b".repeat(53),
                "b".repeat(53)
            ),
            format!(
                "stack {s60} (production): the Kubernetes namespace \"{s60}-production\" (stack name, '-', environment) is 71 characters long; at most 63 are allowed"
            ),
        ]
    );
}

#[test]
fn hosts_schedules_images_replicas_and_paths() {
    let mut stack = Stack::new("shop");
    stack.add_service(
        Service::new("web", Image::new("UPPER/Case:tag"))
            .port(Port::http(80))
            .route(Route::new("Shop.Example.com"))
            .route(Route::new("10.0.0.1"))
            .replicas(u32::MAX),
    );
    stack.add_service(Service::new("cache", Image::new("nginx:")));
    stack.add_service(Service::cron("tick", Image::new("shop:1"), "61 * * * *"));
    stack.add_service(
        Service::new("api", Image::build("../outside").dockerfile("/etc/Dockerfile"))
            .mount(Mount::config("../secrets/app.conf", "/etc/app.conf")),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service web › replicas: 4294967295 replicas is more than Kubernetes can hold (2147483647), so it would be clamped",
            "stack shop (production) › service web › route Shop.Example.com/: the host \"Shop.Example.com\" has uppercase letters, which an Ingress rejects",
            "stack shop (production) › service web › route 10.0.0.1/: the host \"10.0.0.1\" is an IP address; an Ingress, a certificate and the platforms need a DNS name",
            "stack shop (production) › service web › image: the image reference \"UPPER/Case:tag\" is invalid: the path component \"Case\" must be lowercase letters and digits, separated by '.', '_' or '-'",
            "stack shop (production) › service cache › image: the image reference \"nginx:\" is invalid: the tag \"\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
            "stack shop (production) › service tick › schedule: the cron schedule \"61 * * * *\" is out of range: the minute \"61\" is not a number from 0 to 59",
            "stack shop (production) › service api › image: the build context \"../outside\" climbs out with '..'; CI and the platforms see only the repository",
            "stack shop (production) › service api › image: the dockerfile \"/etc/Dockerfile\" is absolute; paths are relative to the repository root, and CI sees only the repository",
            "stack shop (production) › service api › mount /etc/app.conf: the config file \"../secrets/app.conf\" climbs out with '..'; CI and the platforms see only the repository",
        ]
    );
}
