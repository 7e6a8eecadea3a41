//! What a team sets up once on GitHub before its deploy workflow can run: the secrets and
//! variables the deploy jobs read. Platform credentials are read inside a job that runs in a
//! GitHub environment (`staging`, `production`), so each environment holds its own value and a
//! token of one environment never reaches the other. Public host names are repository
//! variables named per environment, because the image build (which runs in no environment)
//! bakes them into front ends too. The steps take their `${{ }}` references from here and the
//! workflow's header lists the same entries, so the two cannot disagree.
//!
//! Environment secrets and variables:
//! <https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment#environment-secrets>

use super::model::{expr, secret};

/// Where a value lives on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An encrypted secret, masked in logs.
    Secret,
    /// A plain configuration variable (`vars`).
    Variable,
}

/// Where on GitHub a value is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In each deploy environment (Settings › Environments), one value per environment.
    Environment,
    /// Once for the repository (Settings › Secrets and variables › Actions).
    Repository,
}

/// One secret or variable the deploy reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prerequisite {
    /// Secret or variable.
    pub kind: Kind,
    /// Where it is set.
    pub scope: Scope,
    /// Its name, such as `RAILWAY_TOKEN`.
    pub name: String,
    /// What it holds, for the person who sets it.
    pub purpose: String,
    /// It holds a host name, which the settings check requires to look like one.
    pub host_name: bool,
}

impl Prerequisite {
    /// A secret called `name` holding `purpose`.
    pub fn secret(name: impl Into<String>, purpose: impl Into<String>) -> Self {
        Prerequisite {
            kind: Kind::Secret,
            scope: Scope::Environment,
            name: name.into(),
            purpose: purpose.into(),
            host_name: false,
        }
    }

    /// A variable of each environment called `name` holding `purpose`.
    pub fn variable(name: impl Into<String>, purpose: impl Into<String>) -> Self {
        Prerequisite {
            kind: Kind::Variable,
            scope: Scope::Environment,
            name: name.into(),
            purpose: purpose.into(),
            host_name: false,
        }
    }

    /// A repository variable called `name` holding `purpose`.
    pub fn repository_variable(name: impl Into<String>, purpose: impl Into<String>) -> Self {
        Prerequisite {
            kind: Kind::Variable,
            scope: Scope::Repository,
            name: name.into(),
            purpose: purpose.into(),
            host_name: false,
        }
    }

    /// The same, holding a host name (`shop.acme.io`: no scheme, port or path).
    pub fn holding_a_host_name(self) -> Self {
        Prerequisite { host_name: true, ..self }
    }

    /// How a workflow reads it: `${{ secrets.NAME }}` or `${{ vars.NAME }}`.
    pub fn reference(&self) -> String {
        match self.kind {
            Kind::Secret => secret(&self.name),
            Kind::Variable => expr(&format!("vars.{}", self.name)),
        }
    }

    /// `secret` or `variable`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Secret => "secret",
            Kind::Variable => "variable",
        }
    }

    /// One line of the workflow's header.
    pub fn line(&self) -> String {
        format!("  {} {}: {}", self.kind_name(), self.name, self.purpose)
    }
}

/// The header lines that list `prerequisites` for `environments`, once each, in order: those
/// of each environment, then the repository's.
pub fn header_lines(prerequisites: &[Prerequisite], environments: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    let sections = [
        (
            Scope::Environment,
            format!(
                "Set up once on GitHub, Settings › Environments, in each of {} (each holds its own value):",
                environments.join(", ")
            ),
        ),
        (Scope::Repository, "Set up once on GitHub, Settings › Secrets and variables › Actions › Variables:".into()),
    ];
    for (scope, title) in sections {
        let mut seen: Vec<&str> = Vec::new();
        for prerequisite in prerequisites.iter().filter(|p| p.scope == scope) {
            if seen.is_empty() {
                lines.push(title.clone());
            }
            if !seen.contains(&prerequisite.name.as_str()) {
                seen.push(&prerequisite.name);
                lines.push(prerequisite.line());
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_lines() {
        let token = Prerequisite::secret("RAILWAY_TOKEN", "a project token");
        assert_eq!(token.reference(), "${{ secrets.RAILWAY_TOKEN }}");
        let host = Prerequisite::variable("DEPLOY_HOST", "the host");
        assert_eq!(host.reference(), "${{ vars.DEPLOY_HOST }}");
        let public = Prerequisite::repository_variable("PUBLIC_HOST_API_STAGING", "the host");
        let lines = header_lines(&[token.clone(), public, host, token], &["staging", "production"]);
        assert_eq!(lines.len(), 5, "each entry once, by scope: {lines:?}");
        assert_eq!(lines[1], "  secret RAILWAY_TOKEN: a project token");
        assert_eq!(lines[4], "  variable PUBLIC_HOST_API_STAGING: the host");
    }
}
