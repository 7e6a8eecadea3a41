//! Warnings said once: a target usually reports the same thing in every environment, so the
//! command line and the deploy page show each distinct warning once, with the environments it
//! applies to, grouped by target in the order of [`crate::TARGETS`]. Messages that differ only
//! in the environment's name (a namespace `shop-staging`, a command's `--env production`) are
//! one warning, said with `<env>` in its place.

use std::borrow::Cow;
use std::hash::Hash;

use indexmap::IndexMap;
use indexmap::map::Entry;

use crate::bundle::{Warning, WarningKind};

/// One warning and every environment it was reported in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistinctWarning {
    /// The target, such as `kubernetes`.
    pub target: &'static str,
    /// The service concerned.
    pub service: String,
    /// Something left out or adapted, or a value the target applied.
    pub kind: WarningKind,
    /// What was not expressed, and what to do.
    pub message: String,
    /// The environments it applies to, in the order reported.
    pub environments: Vec<String>,
}

impl DistinctWarning {
    /// `service api (staging, production): message`.
    pub fn line(&self) -> String {
        let kind = self.kind.prefix();
        format!("service {} ({}): {kind}{}", self.service, self.environments.join(", "), self.message)
    }
}

/// `warnings` merged by target, service and message, grouped by target (in the order of
/// [`crate::TARGETS`], then any other), each group in the order first reported.
pub fn distinct<'a>(warnings: impl IntoIterator<Item = &'a Warning>) -> Vec<DistinctWarning> {
    let items =
        warnings.into_iter().map(|w| ((w.target, w.service.as_str(), w.kind), w.message.as_str(), w.env.as_str()));
    let mut merged: Vec<DistinctWarning> = by_environment(items)
        .into_iter()
        .map(|((target, service, kind), message, environments)| DistinctWarning {
            target,
            service: service.to_string(),
            kind,
            message,
            environments,
        })
        .collect();
    let rank = |target: &str| crate::TARGETS.iter().position(|t| *t == target).unwrap_or(crate::TARGETS.len());
    merged.sort_by_key(|d| rank(d.target));
    merged
}

/// Items `(key, message, environment)` merged when their keys are equal and their messages
/// differ only in the environment's name, in the order first found: each key and message once,
/// with `<env>` for the name when it applies to several environments, and its environments.
pub(crate) fn by_environment<'a, K: Hash + Eq>(
    items: impl IntoIterator<Item = (K, &'a str, &'a str)>,
) -> Vec<(K, String, Vec<String>)> {
    // Keyed by the key and the message as said with `<env>` for any environment; the value is
    // the message as said so far (in its first environment while it has one) and its environments.
    let mut merged: IndexMap<(K, Cow<'a, str>), (String, Vec<String>)> = IndexMap::new();
    for (key, message, env) in items {
        let general = with_placeholder(message, env);
        match merged.entry((key, general)) {
            Entry::Occupied(mut found) if !found.get().1.iter().any(|e| e == env) => {
                let general = found.key().1.to_string();
                let (said, envs) = found.get_mut();
                envs.push(env.to_string());
                *said = general;
            }
            Entry::Occupied(_) => {}
            Entry::Vacant(slot) => {
                slot.insert((message.to_string(), vec![env.to_string()]));
            }
        }
    }
    merged.into_iter().map(|((key, _), (said, envs))| (key, said, envs)).collect()
}

/// `message` with each whole-word occurrence of `env` (not inside a longer word: `shop-dev`
/// yes, `device` no) replaced by `<env>`; borrowed when `env` does not occur.
fn with_placeholder<'a>(message: &'a str, env: &str) -> Cow<'a, str> {
    if env.is_empty() || !message.contains(env) {
        return Cow::Borrowed(message);
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(env) {
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + env.len()..].chars().next();
        out.push_str(&rest[..at]);
        out.push_str(if word(before) || word(after) { env } else { "<env>" });
        rest = &rest[at + env.len()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(target: &'static str, env: &str, service: &str, message: &str) -> Warning {
        Warning {
            target,
            env: env.into(),
            service: service.into(),
            kind: WarningKind::Adapted,
            message: message.into(),
        }
    }

    #[test]
    fn each_warning_once_with_its_environments_grouped_by_target() {
        let warnings = [
            warning("render", "staging", "nginx", "not deployed"),
            warning("compose", "dev", "backup", "runs from cron"),
            warning("render", "production", "nginx", "not deployed"),
            warning("compose", "production", "backup", "runs from cron"),
            warning("compose", "production", "web", "other"),
            warning("kubernetes", "dev", "api", "kubectl port-forward -n shop-dev svc/api (a development device)"),
            warning(
                "kubernetes",
                "production",
                "api",
                "kubectl port-forward -n shop-production svc/api (a development device)",
            ),
            warning("kubernetes", "production", "web", "only in shop-production"),
        ];
        let lines: Vec<(&str, String)> = distinct(&warnings).iter().map(|d| (d.target, d.line())).collect();
        assert_eq!(
            lines,
            [
                ("compose", "service backup (dev, production): runs from cron".to_string()),
                ("compose", "service web (production): other".to_string()),
                (
                    "kubernetes",
                    "service api (dev, production): kubectl port-forward -n shop-<env> svc/api (a development device)"
                        .to_string()
                ),
                ("kubernetes", "service web (production): only in shop-production".to_string()),
                ("render", "service nginx (staging, production): not deployed".to_string()),
            ]
        );
    }
}
