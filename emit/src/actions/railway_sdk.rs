//! The Railway SDK the Railway program imports (`railway/iac`), as an npm package and lock file
//! beside the program: `.railway/package.json` and `.railway/package-lock.json`. The deploy
//! workflow installs them with `npm ci` (exact versions, integrity-checked), so the program's
//! import resolves from `.railway/node_modules` and the Railway CLI finds the SDK's runner there.
//! The lock file was made with `npm install --package-lock-only` for
//! [`super::pins::RAILWAY_SDK`];
//! to update, change the version in both files and make the lock file again the same way.
//!
//! The CLI runs the program with the project's own install of the SDK:
//! <https://github.com/railwayapp/cli/pull/921>; `npm ci`: <https://docs.npmjs.com/cli/commands/npm-ci>.

/// Where the package file goes in the output directory.
pub const PACKAGE_JSON_PATH: &str = ".railway/package.json";

/// Where the lock file goes in the output directory.
pub const PACKAGE_LOCK_PATH: &str = ".railway/package-lock.json";

/// The package file: the SDK at its pinned version.
pub const PACKAGE_JSON: &str = include_str!("railway-sdk.package.json");

/// The lock file of [`PACKAGE_JSON`].
pub const PACKAGE_LOCK: &str = include_str!("railway-sdk.package-lock.json");

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
