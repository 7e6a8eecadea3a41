//! What must exist before a target's first deploy, as data: each emitter states it once, and
//! the same entry becomes a line of its file's header and of the output directory's deploy
//! page (`deploy_page.rs`), so the two cannot drift.

/// What kind of thing must exist first; the deploy page groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// A secret value the platform must hold, with the way to set it.
    Secret,
    /// A DNS record for a route's host.
    Dns,
    /// Access to the registry the images are pulled from.
    Registry,
    /// A resource created outside the stack: a network, a volume, a file or a database on the
    /// host, a claim, an external service's alias.
    External,
    /// Setup of the platform itself: a controller, an issuer, a storage class, rights, a
    /// connected repository.
    Platform,
}

impl Need {
    /// The heading the deploy page lists it under.
    pub fn title(self) -> &'static str {
        match self {
            Need::Secret => "Secrets",
            Need::Dns => "DNS records",
            Need::Registry => "Registry access",
            Need::External => "Created outside the stack",
            Need::Platform => "Platform setup",
        }
    }
}

/// One thing that must exist before the first deploy of a target in an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prerequisite {
    /// The target, such as `kubernetes`.
    pub target: &'static str,
    /// The environment.
    pub env: String,
    /// What kind of thing.
    pub need: Need,
    /// What must exist, and the command or steps that create it.
    pub text: String,
}

/// The notes of one generated file's header, some of which are prerequisites: what the header
/// says, in order, and the prerequisites among them for the deploy page.
#[derive(Debug, Clone)]
pub struct HeaderNotes {
    target: &'static str,
    env: String,
    lines: Vec<String>,
    prerequisites: Vec<Prerequisite>,
}

impl HeaderNotes {
    /// No notes yet, for the file of `target` in `env`.
    pub fn new(target: &'static str, env: impl Into<String>) -> Self {
        HeaderNotes { target, env: env.into(), lines: Vec::new(), prerequisites: Vec::new() }
    }

    /// A note that is not a prerequisite (how to run, deploy or operate).
    pub fn push(&mut self, line: String) {
        self.lines.push(line);
    }

    /// A note saying what must exist before the first deploy.
    pub fn require(&mut self, need: Need, line: String) {
        self.prerequisites.push(Prerequisite { target: self.target, env: self.env.clone(), need, text: line.clone() });
        self.lines.push(line);
    }

    /// [`HeaderNotes::require`] for each of `lines`.
    pub fn require_all(&mut self, need: Need, lines: impl IntoIterator<Item = String>) {
        for line in lines {
            self.require(need, line);
        }
    }

    /// The header's lines, in order.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The prerequisites among them.
    pub fn into_prerequisites(self) -> Vec<Prerequisite> {
        self.prerequisites
    }
}

impl Extend<String> for HeaderNotes {
    fn extend<I: IntoIterator<Item = String>>(&mut self, lines: I) {
        self.lines.extend(lines);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_says_everything_and_the_page_gets_the_prerequisites() {
        let mut notes = HeaderNotes::new("kubernetes", "production");
        notes.push("Deploy a build: …".into());
        notes.require(Need::Secret, "Create the Secret: kubectl create secret …".into());
        notes.extend(["Then apply the rest".to_string()]);
        assert_eq!(
            notes.lines(),
            ["Deploy a build: …", "Create the Secret: kubectl create secret …", "Then apply the rest"]
        );
        let prerequisites = notes.into_prerequisites();
        assert_eq!(prerequisites.len(), 1);
        assert_eq!(
            (prerequisites[0].target, prerequisites[0].env.as_str(), prerequisites[0].need),
            ("kubernetes", "production", Need::Secret)
        );
    }
}
