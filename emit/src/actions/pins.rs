//! Every action the workflows use, pinned to the full commit SHA behind a release tag: a tag can
//! be moved (trivy-action's were, in March 2026, CVE-2026-33634), a commit cannot. One table;
//! the YAML gets the version as a comment after each `uses:`.
//!
//! Each SHA was read from the action's repository (`git rev-parse <tag>^{commit}`). To update:
//! read the new tag's commit the same way, change one line here, regenerate.
//! Security hardening guide: <https://docs.github.com/en/actions/reference/security/secure-use#using-third-party-actions>

/// An action pinned to a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// `owner/repo`.
    pub repo: &'static str,
    /// The full 40-hex commit SHA.
    pub sha: &'static str,
    /// The release tag that commit carries, written beside the pin.
    pub version: &'static str,
}

impl Action {
    /// `owner/repo@<sha>`, what `uses:` takes.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.repo, self.sha)
    }
}

/// Check out the repository.
pub const CHECKOUT: Action =
    Action { repo: "actions/checkout", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" };

/// Set up Docker Buildx (BuildKit, with the GitHub Actions cache backend).
pub const SETUP_BUILDX: Action =
    Action { repo: "docker/setup-buildx-action", sha: "37fe631027851001ddb9b187196cc803df7f5f0e", version: "v4.3.0" };

/// Build (and load or push) an image with Buildx.
pub const BUILD_PUSH: Action =
    Action { repo: "docker/build-push-action", sha: "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a", version: "v7.3.0" };

/// Log in to a container registry.
pub const LOGIN: Action =
    Action { repo: "docker/login-action", sha: "4907a6ddec9925e35a0a9e82d7399ccc52663121", version: "v4.1.0" };

/// Scan an image for known vulnerabilities. v0.35.0 and later were released with immutable tags
/// after the March 2026 compromise; the Trivy binary it installs is pinned too ([`TRIVY_VERSION`]).
pub const TRIVY: Action =
    Action { repo: "aquasecurity/trivy-action", sha: "ed142fd0673e97e23eac54620cfb913e5ce36c25", version: "v0.36.0" };

/// The Trivy release trivy-action installs: the default of the pinned action, named explicitly
/// so that a change is a reviewed diff (v0.69.4 was the compromised release).
pub const TRIVY_VERSION: &str = "v0.70.0";

/// The Railway CLI's npm release, run at this exact version (npm has no commit pin; a version
/// bump is a reviewed diff here).
pub const RAILWAY_CLI: &str = "@railway/cli@5.63.1";

/// Every pinned action.
pub const ALL: [Action; 5] = [CHECKOUT, SETUP_BUILDX, BUILD_PUSH, LOGIN, TRIVY];

/// Write each pinned action's version as a comment after its `uses:` line, the form Dependabot
/// and Renovate keep up to date. Comments cannot travel through serde, so this runs on the text.
pub fn annotate(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 256);
    for line in yaml.lines() {
        out.push_str(line);
        let value = line.trim_start().trim_start_matches("- ").strip_prefix("uses: ");
        if let Some(action) = value.and_then(|v| ALL.iter().find(|a| a.reference() == v)) {
            out.push_str(&format!(" # {}", action.version));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_full_commit_shas() {
        for action in ALL {
            assert_eq!(action.sha.len(), 40, "{}", action.repo);
            assert!(action.sha.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{}", action.repo);
            assert!(action.version.starts_with('v'), "{}", action.repo);
        }
    }

    #[test]
    fn versions_follow_uses_lines() {
        let text = format!("steps:\n- uses: {}\n  with: {{}}\n", CHECKOUT.reference());
        assert_eq!(annotate(&text), format!("steps:\n- uses: {} # v7.0.1\n  with: {{}}\n", CHECKOUT.reference()));
    }
}
