//! How a string is written as a YAML scalar: plain when every YAML 1.1 and 1.2 reader reads it
//! back as the same string, double-quoted otherwise, and a literal block (`|`) when it spans
//! lines. The rules are those serde-saphyr 2.1 writes by (its `ser/quoting.rs`), so output is
//! the same whichever of the two writes it; the tests in [`super::round_trip`] read every shape
//! back.
//!
//! YAML 1.2 §7.3.3 (plain scalars) and §8.1 (block scalars): <https://yaml.org/spec/1.2.2/>;
//! the YAML 1.1 types a reader may still apply (`yes`, `on`, `0o7`, `1:20`, timestamps):
//! <https://yaml.org/type/>.

/// A string that must be written in double quotes because a plain or block scalar cannot hold
/// it, or a reader would take it for another type.
pub(super) fn needs_quotes(s: &str) -> bool {
    !is_plain_value(s)
}

/// Whether `s` can be written plain in value position of a block collection.
fn is_plain_value(s: &str) -> bool {
    if let Some(plain) = plain_word(s) {
        return plain;
    }
    if is_ambiguous(s) || starts_with_document_marker(s) {
        return false;
    }
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_whitespace) || bytes.last().is_some_and(u8::is_ascii_whitespace) {
        return false;
    }
    match bytes {
        [b'-' | b'?', next, ..] if next.is_ascii_whitespace() => return false,
        [b'-' | b'?']
        | [
            b',' | b':' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%'
            | b'@' | b'`',
            ..,
        ] => return false,
        _ => {}
    }
    // `: ` would start a mapping; a trailing `:` too.
    if s.contains(": ") || s.trim().ends_with(':') {
        return false;
    }
    !s.chars().any(needs_escape) && !has_comment_start(s)
}

/// The quick answer for the common case, `None` for the rest. Most keys and values
/// (`apiVersion`, `apps/v1`, `app.kubernetes.io/name`) are a letter followed by letters, digits
/// and `_ . / -`: no indicator, number or timestamp starts with a letter, and none of those
/// characters is special, so only YAML's words for null, booleans and numbers need quotes.
fn plain_word(s: &str) -> Option<bool> {
    let word = s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'));
    word.then(|| !is_word(s))
}

/// Whether `s` can be written plain as a mapping key: stricter than a value (no `:` at all, and
/// none of the flow indicators, so the key reads the same in flow and block style).
pub(super) fn is_plain_key(s: &str) -> bool {
    if let Some(plain) = plain_word(s) {
        return plain;
    }
    is_plain_value(s) && s != "<<" && !s.contains([':', ',', '[', ']', '{', '}'])
}

/// The one-character strings written single-quoted (`'-'`), as serde-saphyr does.
pub(super) fn single_quoted_punctuation(s: &str) -> bool {
    matches!(s, "." | "#" | "-")
}

/// Whether a multi-line string can be a literal block: every character printable there (a
/// carriage return would be read back as a line feed, and a BOM or Unicode line separators are
/// kept only by escapes).
pub(super) fn fits_literal_block(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| match c {
            '\n' | '\t' => true,
            '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => false,
            c => matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x0010_FFFF),
        })
}

/// The spaces before the first non-empty line: a block whose text starts indented needs an
/// explicit indentation indicator, or a reader would take those spaces for indentation.
pub(super) fn first_line_indent(s: &str) -> usize {
    s.split('\n').find(|line| !line.is_empty()).map_or(0, |line| line.len() - line.trim_start_matches(' ').len())
}

/// Characters a plain or single-quoted scalar cannot carry.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `s` in double quotes, escaped (YAML 1.2 §5.7).
pub(super) fn push_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{FEFF}' => out.push_str("\\uFEFF"),
            '\u{0085}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) <= 0xFF && c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `#` after whitespace starts a comment in a plain scalar.
fn has_comment_start(s: &str) -> bool {
    s.match_indices('#').any(|(at, _)| s[..at].chars().next_back().is_some_and(char::is_whitespace))
}

fn starts_with_document_marker(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("---").or_else(|| s.strip_prefix("...")) else { return false };
    rest.is_empty() || rest.as_bytes().first().is_some_and(u8::is_ascii_whitespace)
}

/// Whether a reader could resolve `s` to something other than a string: null, a boolean (YAML
/// 1.1's `yes`/`on`/`y` included), a number in any YAML 1.1 or 1.2 spelling, a timestamp, or
/// the merge key.
fn is_ambiguous(s: &str) -> bool {
    s.is_empty()
        || s == "~"
        || is_word(s)
        || s.eq_ignore_ascii_case("+inf")
        || s.eq_ignore_ascii_case("-inf")
        || is_numeric(s)
        || is_timestamp(s)
        || matches!(s, "<<" | "=")
}

/// YAML 1.1's and 1.2's words for null, the booleans and the special numbers, in any case.
fn is_word(s: &str) -> bool {
    s.len() <= 5
        && ["null", "true", "false", "yes", "no", "y", "n", "on", "off", "nan", "inf"]
            .iter()
            .any(|word| s.eq_ignore_ascii_case(word))
}

/// Numeric syntax of YAML 1.1 and 1.2 (signs, `_` separators, radix prefixes, exponents,
/// base 60, `.inf`/`.nan`), without computing a value.
fn is_numeric(s: &str) -> bool {
    if !matches!(s.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'_')) {
        return false;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.eq_ignore_ascii_case(".inf") || unsigned.eq_ignore_ascii_case(".nan") || is_sexagesimal(s) {
        return true;
    }
    if let Some((radix, digits)) = radix_digits(unsigned)
        && is_digit_run(digits, radix, false)
    {
        return true;
    }
    // YAML 1.1 readers drop underscores before resolving a number.
    let normalized;
    let s = if s.contains('_') {
        normalized = s.replace('_', "");
        normalized.as_str()
    } else {
        s
    };
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if let Some((radix, digits)) = radix_digits(unsigned) {
        let digits = if s.starts_with("0b") || s.starts_with("0o") {
            digits.strip_prefix(['+', '-']).unwrap_or(digits)
        } else {
            digits
        };
        return is_digit_run(digits, radix, true);
    }
    let mantissa = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            if !is_digit_run(exponent.strip_prefix(['+', '-']).unwrap_or(exponent), 10, true) {
                return false;
            }
            mantissa
        }
        None => unsigned,
    };
    match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || is_digit_run(whole, 10, true))
                && fraction.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        }
        None => is_digit_run(mantissa, 10, true),
    }
}

fn radix_digits(s: &str) -> Option<(u32, &str)> {
    match s.as_bytes() {
        [b'0', b'b' | b'B', ..] => Some((2, &s[2..])),
        [b'0', b'o' | b'O', ..] => Some((8, &s[2..])),
        [b'0', b'x' | b'X', ..] => Some((16, &s[2..])),
        _ => None,
    }
}

/// Digits of `radix`; with `strict`, an underscore only between two digits.
fn is_digit_run(s: &str, radix: u32, strict: bool) -> bool {
    let digit = |b: u8| char::from(b).is_digit(radix);
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.iter().enumerate().all(|(i, &b)| {
            digit(b)
                || (b == b'_'
                    && (!strict || (i > 0 && digit(bytes[i - 1]) && bytes.get(i + 1).is_some_and(|&n| digit(n)))))
        })
}

/// YAML 1.1 base-60 numbers (`1:20`, `190:20:30.15`).
fn is_sexagesimal(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let Some((first, rest)) = integer.split_once(':') else { return false };
    let Some(lead) = first.as_bytes().first() else { return false };
    if !lead.is_ascii_digit()
        || (fraction.is_none() && *lead == b'0')
        || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return false;
    }
    rest.split(':').all(|part| match part.as_bytes() {
        [digit] => digit.is_ascii_digit(),
        [tens, units] => matches!(tens, b'0'..=b'5') && units.is_ascii_digit(),
        _ => false,
    }) && fraction.is_none_or(|part| part.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
}

/// YAML 1.1 timestamps (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`), by syntax alone.
fn is_timestamp(mut s: &str) -> bool {
    fn digits(s: &mut &str, min: usize, max: usize) -> bool {
        let len = s.bytes().take_while(u8::is_ascii_digit).count();
        let ok = (min..=max).contains(&len);
        if ok {
            *s = &s[len..];
        }
        ok
    }
    fn take(s: &mut &str, c: char) -> bool {
        s.strip_prefix(c).map(|rest| *s = rest).is_some()
    }
    if !(digits(&mut s, 4, 4) && take(&mut s, '-') && digits(&mut s, 1, 2) && take(&mut s, '-') && digits(&mut s, 1, 2))
    {
        return false;
    }
    if s.is_empty() {
        return true;
    }
    if let Some(rest) = s.strip_prefix(['T', 't']) {
        s = rest;
    } else {
        let rest = s.trim_start_matches([' ', '\t']);
        if rest.len() == s.len() {
            return false;
        }
        s = rest;
    }
    if !(digits(&mut s, 1, 2) && take(&mut s, ':') && digits(&mut s, 1, 2) && take(&mut s, ':') && digits(&mut s, 1, 2))
    {
        return false;
    }
    if take(&mut s, '.') || take(&mut s, ',') {
        digits(&mut s, 0, usize::MAX);
    }
    s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() || s == "Z" {
        return true;
    }
    if !((take(&mut s, '+') || take(&mut s, '-')) && digits(&mut s, 1, 2)) {
        return false;
    }
    if take(&mut s, ':') && !digits(&mut s, 2, 2) {
        return false;
    }
    s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_a_reader_would_retype_are_quoted() {
        for s in [
            "",
            "~",
            "null",
            "True",
            "yes",
            "ON",
            "n",
            "0",
            "-19",
            "0o7",
            "0x3A",
            "1_000",
            ".5",
            "1e3",
            ".inf",
            "1:20",
            "2001-12-14",
            "2001-12-14 21:59:43.10 -5",
            "<<",
            "=",
            "- a",
            "-",
            "?",
            "#x",
            "a #b",
            "key: v",
            "ends:",
            " lead",
            "trail ",
            "---",
            "... x",
            "@at",
            "`tick",
            "%pct",
            "*ref",
            "&anchor",
            "!tag",
            "|",
            ">",
            "'q",
            "\"q",
            "tab\there",
            "bom\u{FEFF}",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in ["postgres", "a b", "-a", "?query", "x#y", "http://a:1/b", "v1.2.3", "v1", "0.5Gi", "---x", "a,b"] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }

    #[test]
    fn keys_are_stricter_than_values() {
        assert!(is_plain_key("app.kubernetes.io/name"));
        for s in ["a:b", "a,b", "[x]", "<<", "yes"] {
            assert!(!is_plain_key(s), "{s:?}");
        }
    }

    #[test]
    fn literal_blocks_refuse_what_they_cannot_carry() {
        assert!(fits_literal_block("a\n\tb\n"));
        for s in ["", "a\r\nb", "a\u{2028}b", "\u{FEFF}a\nb", "a\u{7}\nb"] {
            assert!(!fits_literal_block(s), "{s:?}");
        }
        assert_eq!(first_line_indent("\n\n  x\ny"), 2);
    }
}
