//! Where a command line or a literal value names another container by its host name
//! (`pg_dump -h postgres`, `postgresql://u@postgres:5432/db`, `redis:6379`): such a name
//! resolves only where that container runs under that name, so a platform that replaces the
//! container with its own database cannot honour it.

/// True when `text` uses `host` as a network host name: after `-h`/`--host`, after `@` or
/// `//` in a URL, before `:port`, or as the whole value. A word such as a user name
/// (`-U postgres`) does not count.
pub fn names_host(text: &str, host: &str) -> bool {
    if text == host {
        return true;
    }
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == '\'' || c == '"').collect();
    for (i, word) in words.iter().enumerate() {
        let previous = if i > 0 { words[i - 1] } else { "" };
        if *word == host && matches!(previous, "-h" | "--host" | "--hostname") {
            return true;
        }
        if ["-h", "--host=", "--hostname="].iter().any(|flag| word.strip_prefix(flag) == Some(host)) {
            return true;
        }
        if occurrences(word, host).any(|(before, after)| {
            let in_url = before.ends_with('@') || before.ends_with("//");
            let starts = in_url || before.is_empty() || before.ends_with('=');
            let with_port = after.strip_prefix(':').is_some_and(|rest| {
                let port = rest.split('/').next().unwrap_or_default();
                !port.is_empty() && port.chars().all(|c| c.is_ascii_digit())
            });
            let ends = after.is_empty() || after.starts_with('/') || with_port;
            starts && ends && (in_url || with_port)
        }) {
            return true;
        }
    }
    false
}

/// Each place `host` occurs in `word`, as the text before and after it.
fn occurrences<'a>(word: &'a str, host: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
    word.match_indices(host).map(move |(at, _)| (&word[..at], &word[at + host.len()..]))
}

#[cfg(test)]
mod tests {
    use super::names_host;

    #[test]
    fn host_names_are_told_apart_from_other_words() {
        for text in [
            "pg_dump -h postgres -U neosale neosale",
            "pg_dump --host=postgres app",
            "postgresql://neosale:x@postgres:5432/neosale",
            "redis://:secret@postgres:6379/0",
            "postgres",
            "sh -c 'pg_isready -hpostgres'",
            "wait-for postgres:5432 -- start",
        ] {
            assert!(names_host(text, "postgres"), "{text}");
        }
        for text in ["pg_dump -U postgres app", "postgres-exporter", "postgres:16-alpine", "mypostgres:5432"] {
            assert!(!names_host(text, "postgres"), "{text}");
        }
    }
}
