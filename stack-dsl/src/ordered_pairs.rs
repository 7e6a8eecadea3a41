//! Lists of named values (a service's env, labels, edge paths) as maps in stack files:
//! `env: { LOG_LEVEL: { literal: info } }` rather than a list of pairs. The order written is kept,
//! and so is a name given twice, so validation still sees (and reports) it.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// For a `Vec<(String, V)>` field: `#[serde(default, with = "crate::ordered_pairs")]`.
pub(crate) fn serialize<V: Serialize, S: Serializer>(pairs: &[(String, V)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (name, value) in pairs {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// For a `Vec<(String, V)>` field: `#[serde(default, with = "crate::ordered_pairs")]`.
pub(crate) fn deserialize<'de, V: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, V)>, D::Error> {
    struct Pairs<V>(PhantomData<V>);

    impl<'de, V: Deserialize<'de>> Visitor<'de> for Pairs<V> {
        type Value = Vec<(String, V)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map from names to values")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(pair) = map.next_entry()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }

    deserializer.deserialize_map(Pairs(PhantomData))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Labels(#[serde(with = "super")] Vec<(String, String)>);

    #[test]
    fn order_and_repeated_names_survive_a_round_trip() {
        let labels = Labels(vec![("b".into(), "1".into()), ("a".into(), "2".into()), ("b".into(), "3".into())]);
        let json = serde_json::to_string(&labels).expect("serialises");
        assert_eq!(json, r#"{"b":"1","a":"2","b":"3"}"#);
        assert_eq!(serde_json::from_str::<Labels>(&json).expect("reads back"), labels);
    }
}
