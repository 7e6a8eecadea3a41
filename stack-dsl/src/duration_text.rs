//! Durations in stack files as text, the way Compose writes them (`10s`, `1m30s`, `500ms`):
//! <https://docs.docker.com/reference/compose-file/extension/#specifying-durations>. A number
//! followed by a unit (`h`, `m`, `s`, `ms`, `us`, `ns`), repeated; written with the largest units
//! first, so every duration reads back exactly.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

const UNITS: [(&str, u128); 6] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// `90 s` → `1m30s`; zero → `0s`.
pub(crate) fn format(duration: Duration) -> String {
    let mut left = duration.as_nanos();
    if left == 0 {
        return "0s".into();
    }
    let mut text = String::new();
    for (unit, nanos) in UNITS {
        if left >= nanos {
            text.push_str(&format!("{}{unit}", left / nanos));
            left %= nanos;
        }
    }
    text
}

/// `1m30s` → 90 s; `None` for anything else, including an empty string or an amount past
/// `Duration::MAX`.
pub(crate) fn parse(text: &str) -> Option<Duration> {
    let mut total: u128 = 0;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).filter(|&n| n > 0)?;
        let amount: u128 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        // `ms` before `m`: the longest unit that matches.
        let (unit, nanos) =
            UNITS.iter().filter(|(unit, _)| rest.starts_with(unit)).max_by_key(|(unit, _)| unit.len())?;
        total = total.checked_add(amount.checked_mul(*nanos)?)?;
        rest = &rest[unit.len()..];
    }
    let secs = u64::try_from(total / 1_000_000_000).ok()?;
    Some(Duration::new(secs, u32::try_from(total % 1_000_000_000).ok()?))
}

fn invalid<E: serde::de::Error>(text: &str) -> E {
    E::custom(format!(
        "{text:?} is not a duration: write a number and a unit (h, m, s, ms, us, ns), such as 10s or 1m30s"
    ))
}

/// For a `Duration` field: `#[serde(with = "crate::duration_text")]`.
pub(crate) fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*duration))
}

/// For a `Duration` field: `#[serde(with = "crate::duration_text")]`.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| invalid(&text))
}

/// For an `Option<Duration>` field: `#[serde(default, with = "crate::duration_text::optional")]`.
pub(crate) mod optional {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(duration: &Option<Duration>, serializer: S) -> Result<S::Ok, S::Error> {
        match duration {
            Some(duration) => serializer.serialize_some(&format(*duration)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => parse(&text).map(Some).ok_or_else(|| invalid(&text)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_with_the_largest_units_first() {
        assert_eq!(format(Duration::from_secs(10)), "10s");
        assert_eq!(format(Duration::from_secs(90)), "1m30s");
        assert_eq!(format(Duration::from_secs(7200)), "2h");
        assert_eq!(format(Duration::from_millis(1500)), "1s500ms");
        assert_eq!(format(Duration::ZERO), "0s");
    }

    #[test]
    fn every_written_duration_reads_back_exactly() {
        for duration in [
            Duration::ZERO,
            Duration::from_nanos(1),
            Duration::from_millis(1500),
            Duration::new(3_661, 1_001_001),
            Duration::from_secs(i32::MAX as u64),
            Duration::MAX,
        ] {
            assert_eq!(parse(&format(duration)), Some(duration), "{}", format(duration));
        }
    }

    #[test]
    fn compose_spellings_read_and_anything_else_does_not() {
        assert_eq!(parse("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse("1h5m"), Some(Duration::from_secs(3_900)));
        for bad in ["", "10", "s", "1.5s", "10 s", "-1s", "1d", "99999999999999999999999h"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
