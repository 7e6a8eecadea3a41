//! Name rules shared by every resource: DNS-1123 labels (Kubernetes, Compose, Render and Railway
//! all accept them) and environment-variable names.
//!
//! Spec: <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names>

/// Why `name` is not a DNS-1123 label, or `None` when it is one.
pub fn dns_label_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    if name.len() > 63 {
        return Some(format!("the name is {} characters long; at most 63 are allowed", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Some(format!("it contains {c:?}; only lowercase letters, digits and '-' are allowed"));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("it starts or ends with '-'".into());
    }
    None
}

/// True when `name` is a portable environment-variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A valid DNS-1123 label made from `name`: lowercased, other characters turned into `-`.
/// Used in fix-it sentences to suggest a name that would pass.
pub fn suggest_dns_label(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    out.truncate(63);
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() { "service".into() } else { trimmed.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert_eq!(dns_label_problem("api"), None);
        assert_eq!(dns_label_problem("anb-api2"), None);
        assert!(dns_label_problem("Api").is_some());
        assert!(dns_label_problem("anb_api").is_some());
        assert!(dns_label_problem("-api").is_some());
        assert!(dns_label_problem(&"a".repeat(64)).is_some());
        assert_eq!(suggest_dns_label("anb_API"), "anb-api");
    }

    #[test]
    fn env_names() {
        assert!(is_env_name("DATABASE_URL"));
        assert!(is_env_name("_x1"));
        assert!(!is_env_name("1X"));
        assert!(!is_env_name("A-B"));
        assert!(!is_env_name(""));
    }
}
