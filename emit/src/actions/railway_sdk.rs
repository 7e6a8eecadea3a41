//! Installing the Railway SDK the Railway program imports (`railway/iac`) in the deploy job: the
//! Railway emitter writes its package and lock file beside the program (`railway::sdk`), and
//! `npm ci` installs them (exact versions, integrity-checked), so the program's import resolves
//! from `.railway/node_modules` and the Railway CLI finds the SDK's runner there.
//!
//! The CLI (5.63.1) evaluates the program with `node --experimental-strip-types`, so the runner
//! needs Node ≥ 22.6, and the program's `import "railway/iac"` resolves from
//! `.railway/node_modules`: <https://github.com/railwayapp/cli/pull/921>; `npm ci`:
//! <https://docs.npmjs.com/cli/commands/npm-ci>.

#[cfg(test)]
use crate::railway::sdk::{PACKAGE_JSON, PACKAGE_LOCK};

/// Install the SDK in `.railway/` (the step runs in the output directory) and put its programs
/// on the `PATH`.
pub const INSTALL: &str = "npm ci --prefix .railway --ignore-scripts --no-audit --no-fund\n\
                           PATH=\"$PWD/.railway/node_modules/.bin:$PATH\"\n";

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use serde::Deserialize;

    use super::super::pins;
    use super::*;

    #[derive(Deserialize)]
    struct Package {
        #[serde(default)]
        version: Option<String>,
        #[serde(default)]
        integrity: Option<String>,
        #[serde(default)]
        dependencies: IndexMap<String, String>,
    }

    #[derive(Deserialize)]
    struct Lock {
        packages: IndexMap<String, Package>,
    }

    #[test]
    fn package_and_lock_pin_the_sdk_the_emitter_writes_against() {
        let pinned = pins::RAILWAY_SDK.strip_prefix("railway@").expect("railway@<version>");
        let package: Package = serde_saphyr::from_str(PACKAGE_JSON).expect("package.json");
        assert_eq!(package.dependencies["railway"], pinned);
        let lock: Lock = serde_saphyr::from_str(PACKAGE_LOCK).expect("package-lock.json");
        assert_eq!(lock.packages[""].dependencies, package.dependencies, "the lock is of this package file");
        assert_eq!(lock.packages["node_modules/railway"].version.as_deref(), Some(pinned));
        for (path, entry) in lock.packages.iter().filter(|(path, _)| !path.is_empty()) {
            assert!(entry.integrity.as_deref().is_some_and(|i| i.starts_with("sha512-")), "{path}: no integrity");
        }
    }
}
