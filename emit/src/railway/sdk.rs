//! The Railway SDK the program imports (`railway/iac`), as the npm package and lock file beside
//! it, `.railway/package.json` and `.railway/package-lock.json`: whoever applies the program
//! installs them with `npm ci` first, so the import resolves; the deploy workflow does
//! (`actions/railway_sdk.rs`). The lock file was made with `npm install --package-lock-only` for
//! the version in `actions::pins::RAILWAY_SDK`; to update, change the version in both files and
//! make the lock file again the same way. The CLI runs the program with the
//! project's own install of the SDK: <https://github.com/railwayapp/cli/pull/921>.

/// Where the package file goes in the output directory.
pub const PACKAGE_JSON_PATH: &str = ".railway/package.json";

/// Where the lock file goes in the output directory.
pub const PACKAGE_LOCK_PATH: &str = ".railway/package-lock.json";

/// The package file: the SDK at its pinned version.
pub const PACKAGE_JSON: &str = include_str!("sdk.package.json");

/// The lock file of [`PACKAGE_JSON`].
pub const PACKAGE_LOCK: &str = include_str!("sdk.package-lock.json");
