//! Mounts: absolute container paths, one per path, from declared volumes or non-empty host paths.

use std::collections::HashSet;

use super::Checker;
use crate::service::Service;
use crate::volume::MountSource;

impl<'a> Checker<'a> {
    pub(super) fn check_mounts(&mut self, at: &str, service: &Service) {
        let mut targets = HashSet::new();
        for mount in &service.mounts {
            let path = format!("mount {}", mount.target);
            if !mount.target.starts_with('/') {
                self.report(
                    &[at, &path],
                    "the mount target is not an absolute path",
                    format!("Write the container path in full, such as \"/{}\"", mount.target.trim_start_matches("./")),
                );
            }
            if !targets.insert(mount.target.as_str()) {
                self.report(&[at, &path], "two mounts share this target", "Mount one thing per container path");
            }
            match &mount.source {
                MountSource::Volume(volume) if !self.volumes.contains(volume.name()) => {
                    self.report(
                        &[at, &path],
                        format!("volume {} is not declared in the stack", volume.name()),
                        crate::suggest::fix_with_suggestion(
                            volume.name(),
                            self.stack.volumes.iter().map(|v| v.name.as_str()),
                            format!("Declare it with stack.add_volume(Volume::persistent({:?}))", volume.name()),
                        ),
                    );
                }
                MountSource::Bind(source) | MountSource::Config(source) if source.trim().is_empty() => {
                    self.report(
                        &[at, &path],
                        "the host path is empty",
                        "Give the file or directory to mount, such as \"./nginx/nginx.conf\"",
                    );
                }
                _ => {}
            }
        }
    }
}
