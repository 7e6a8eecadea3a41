//! The one volume each deployed service keeps (the platforms attach one per service), what
//! the platform drops of its other mounts, and the instances a volume allows.

use stack_dsl::{Mount, MountSource, Service, Volume};

use super::Plan;
use crate::error::Error;

impl<'a> Plan<'a> {
    /// The service's largest named volume (the first of equal ones), with its mount.
    pub fn largest_volume(&self, service: &'a Service) -> Option<(&'a Volume, &'a Mount)> {
        let mut best: Option<(&Volume, &Mount)> = None;
        for mount in &service.mounts {
            let MountSource::Volume(reference) = &mount.source else { continue };
            let Some(volume) = self.stack.volume(reference.name()) else { continue };
            if best.is_none_or(|(b, _)| volume.size.map(|s| s.bytes()) > b.size.map(|s| s.bytes())) {
                best = Some((volume, mount));
            }
        }
        best
    }

    /// The volume a deployed service keeps, after reporting every mount the platform drops:
    /// host directories, repository files, scratch space and further volumes.
    pub fn storage(&mut self, service: &'a Service) -> Option<(&'a Volume, &'a Mount)> {
        let kept = self.largest_volume(service);
        let mut dropped = Vec::new();
        for mount in &service.mounts {
            let what = match &mount.source {
                MountSource::Volume(v) if kept.is_some_and(|(k, _)| k.name == v.name()) => continue,
                MountSource::Volume(v) => format!("volume {} at {} (one volume per service)", v.name(), mount.target),
                MountSource::Bind(path) => format!("host directory {path} at {} (no host to mount from)", mount.target),
                MountSource::Config(path) => format!("file {path} at {} (bake it into the image)", mount.target),
                MountSource::Tmpfs { .. } => format!("tmpfs at {} (the container's disk is writable)", mount.target),
            };
            dropped.push(what);
        }
        if !dropped.is_empty() {
            let message = format!("{} mounts no {}", self.platform, dropped.join(", "));
            self.warn(&service.name, message);
        }
        kept
    }

    /// Fail when a service that keeps a volume runs more than one instance: neither platform
    /// attaches a volume to several instances.
    pub fn check_volume_scaling(&self, service: &Service, volume: Option<(&Volume, &Mount)>) -> Result<(), Error> {
        let Some((volume, _)) = volume else { return Ok(()) };
        if service.replicas > 1 || service.autoscale.is_some() {
            return Err(self.unsupported(
                &service.name,
                format!(
                    "{} cannot run several instances of a service with a volume ({} is mounted, {} instances asked for)",
                    self.platform,
                    volume.name,
                    service.autoscale.map_or(service.replicas, |a| a.max)
                ),
                "Either run one instance, or move the data to a database or object storage and drop the volume".into(),
            ));
        }
        Ok(())
    }
}
