//! "Did you mean …?": the declared name closest to a name that does not resolve, by edit
//! distance (Levenshtein), as compilers and `cargo` suggest one.

/// The candidate closest to `name`, if one is close enough to be a likely typo: at most a third
/// of the name's length away (and at least one edit). Ties go to the alphabetically first.
pub(crate) fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `Did you mean `x`? Otherwise, <fix>` when a close candidate exists, else `fix`.
pub(crate) fn fix_with_suggestion<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fix: String,
) -> String {
    match closest(name, candidates) {
        Some(candidate) => {
            let mut rest = fix;
            if let Some(first) = rest.get(..1) {
                rest.replace_range(..1, &first.to_ascii_lowercase());
            }
            format!("Did you mean `{candidate}`? Otherwise, {rest}")
        }
        None => fix,
    }
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name_and_strangers_find_none() {
        assert_eq!(closest("postgress", ["redis", "postgres", "api"]), Some("postgres"));
        assert_eq!(closest("DB_PASWORD", ["DB_PASSWORD", "REDIS_URL"]), Some("DB_PASSWORD"));
        assert_eq!(closest("cache", ["postgres", "api"]), None);
        assert_eq!(closest("ab", ["ac", "ad"]), Some("ac"));
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
