//! A user named on an image built from the repository. Kubernetes runs a container by uid
//! (`runAsUser`; `runAsNonRoot` can only be checked for a numeric user:
//! <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1>),
//! and nothing outside the team's Dockerfile says which uid the name has, so the Kubernetes
//! emitter would fall back to an arbitrary uid that owns none of the image's files (a
//! `prisma migrate deploy` that cannot write its working directory). The stack gives the uid.

use crate::image::Image;
use crate::problem::Problem;
use crate::service::{Service, User};

/// The problem of `service` naming a user of a built image whose uid nothing states.
pub(crate) fn problems(at: &[String], service: &Service) -> Vec<Problem> {
    let (Image::Build(_), Some(User::Named(name))) = (&service.image, &service.user) else { return Vec::new() };
    if service.image_facts.as_ref().is_some_and(|facts| facts.user.is_some()) {
        return Vec::new();
    }
    let mut path = at.to_vec();
    path.push("user".into());
    vec![Problem {
        path,
        message: format!(
            "the user {name:?} of an image built from the repository has no known uid, and Kubernetes runs containers by uid: it would run as an arbitrary uid that owns none of the image's files"
        ),
        fix: format!(
            "Give .user(uid) the uid {name} has in the image (1000 for node in the official node images), or state it with .image_facts(ImageFacts::new().runs_as(uid, gid))"
        ),
    }]
}

#[cfg(test)]
mod tests {
    use crate::{Env, Image, Project, Service, Stack};

    fn validate(service: Service) -> Result<(), String> {
        Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(service.clone());
            stack
        })
        .validate()
        .map(|_| ())
        .map_err(|problems| problems.to_string())
    }

    #[test]
    fn a_named_user_of_a_built_image_asks_for_its_uid() {
        let error = validate(Service::new("api", Image::build("backend")).user("node")).expect_err("refused");
        assert!(error.contains("service api › user") && error.contains(".user(uid)"), "{error}");
        assert!(validate(Service::new("api", Image::build("backend")).user(1000)).is_ok());
        assert!(validate(Service::new("api", Image::new("node:22-alpine")).user("node")).is_ok());
    }
}
