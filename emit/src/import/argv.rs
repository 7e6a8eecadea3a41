//! A command written as one string, split into arguments the way Compose does (shell-like
//! words with quotes and backslashes, no expansion:
//! <https://docs.docker.com/reference/compose-file/services/#command>).

/// The words of `line`, or `None` when a quote is left open.
pub fn split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => word.push(other),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            escaped @ ('"' | '\\' | '$' | '`') => word.push(escaped),
                            other => {
                                word.push('\\');
                                word.push(other);
                            }
                        },
                        other => word.push(other),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn words_split_like_a_shell_without_expansion() {
        assert_eq!(
            split("celery -A app worker --loglevel=info").unwrap(),
            ["celery", "-A", "app", "worker", "--loglevel=info"]
        );
        assert_eq!(split(r#"sh -c "echo 'a b' \"$HOME\"""#).unwrap(), ["sh", "-c", "echo 'a b' \"$HOME\""]);
        assert_eq!(split("a ''").unwrap(), ["a", ""]);
        assert!(split("echo 'open").is_none());
    }
}
