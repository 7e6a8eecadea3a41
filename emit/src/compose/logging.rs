//! Log rotation for every container: Docker's default `json-file` driver keeps a container's
//! whole output unless `max-size` and `max-file` are set
//! (<https://docs.docker.com/engine/logging/drivers/json-file/>), so a long-running host
//! eventually fills its disk. `json-file` stays the driver, so `docker compose logs` still works.

use indexmap::IndexMap;
use stack_dsl::LogRotation;

use super::model::Logging;

/// The `logging:` section that applies `rotation`.
pub fn logging(rotation: LogRotation) -> Logging {
    let (n, unit) = rotation.max_size.in_binary_unit();
    // json-file reads sizes as a number and k, m or g, in powers of 1024.
    let size = format!("{n}{}", unit.to_ascii_lowercase());
    let options =
        IndexMap::from([("max-size".to_string(), size), ("max-file".to_string(), rotation.max_files.to_string())]);
    Logging { driver: "json-file".into(), options }
}
