//! A serde `Serializer` that writes block-style YAML straight into a `String`: two spaces per
//! level, a sequence under a key at the key's column (`containers:` / `- name: api`), a
//! mapping in a sequence item starting on the dash's line, empty collections as `{}` and `[]`,
//! scalars quoted by [`super::scalar`]. Nothing is built in between, so writing costs one pass
//! over the typed objects.

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize};

use super::scalar;

/// Why a value cannot be written: a mapping key that is not a scalar, or the value's own error.
#[derive(Debug)]
pub struct WriteError(String);

impl Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: Display>(message: T) -> Self {
        WriteError(message.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, WriteError>;

/// Appends `value` to `out` as one YAML document body, ending in a newline.
pub(super) fn write<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result {
    value.serialize(Node { out, place: Place::Root })
}

/// Where the node about to be written starts.
#[derive(Clone, Copy)]
enum Place {
    /// At the start of the document.
    Root,
    /// Right after `key:` of a mapping whose keys are at this column.
    Value(usize),
    /// Right after `- ` of a sequence whose dashes are at this column.
    Item(usize),
}

impl Place {
    /// The column of a nested mapping's keys.
    fn keys_column(self) -> usize {
        match self {
            Place::Root => 0,
            Place::Value(column) | Place::Item(column) => column + 2,
        }
    }

    /// The column of a nested sequence's dashes: a sequence under a key sits at the key's column.
    fn dashes_column(self) -> usize {
        match self {
            Place::Root => 0,
            Place::Value(column) => column,
            Place::Item(column) => column + 2,
        }
    }

    /// The column of a literal block's lines.
    fn block_column(self) -> usize {
        match self {
            Place::Root => 2,
            Place::Value(column) | Place::Item(column) => column + 2,
        }
    }
}

/// Longest implicit key YAML allows (YAML 1.2 §7.4.2); a longer one is written `? key`.
const LONGEST_IMPLICIT_KEY: usize = 1024;

fn indent(out: &mut String, column: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = column;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
}

/// One node of the document, written where `place` says.
struct Node<'o> {
    out: &'o mut String,
    place: Place,
}

impl<'o> Node<'o> {
    /// A scalar already in its YAML spelling, on the current line.
    fn scalar(self, text: &str) -> Result {
        self.scalar_with(|out| out.push_str(text))
    }

    /// A scalar that `write` appends in its YAML spelling, on the current line.
    fn scalar_with(self, write: impl FnOnce(&mut String)) -> Result {
        if let Place::Value(_) = self.place {
            self.out.push(' ');
        }
        write(self.out);
        self.out.push('\n');
        Ok(())
    }

    /// A number, written with its `Display` spelling.
    fn number(self, v: impl Display) -> Result {
        self.scalar_with(|out| {
            use std::fmt::Write;
            let _ = write!(out, "{v}");
        })
    }

    fn string(self, s: &str) -> Result {
        if s.contains('\n') && scalar::fits_literal_block(s) {
            return self.literal_block(s);
        }
        self.scalar_with(|out| {
            if scalar::single_quoted_punctuation(s) {
                out.push('\'');
                out.push_str(s);
                out.push('\'');
            } else if scalar::needs_quotes(s) {
                scalar::push_double_quoted(out, s);
            } else {
                out.push_str(s);
            }
        })
    }

    /// `|` with its chomping indicator (`-` no final newline, none for one, `+` for more) and an
    /// indentation indicator when the text starts with spaces, then the lines.
    fn literal_block(self, s: &str) -> Result {
        let content = s.trim_end_matches('\n');
        let trailing = s.len() - content.len();
        let column = self.place.block_column();
        let out = self.out;
        if let Place::Value(_) = self.place {
            out.push(' ');
        }
        out.push('|');
        if scalar::first_line_indent(content) > 0 {
            out.push('2');
        }
        match trailing {
            0 => out.push('-'),
            1 if !content.is_empty() => {}
            _ => out.push('+'),
        }
        out.push('\n');
        if content.is_empty() {
            out.extend(std::iter::repeat_n('\n', trailing));
            return Ok(());
        }
        for line in content.split('\n') {
            if !line.is_empty() {
                indent(out, column);
                out.push_str(line);
            }
            out.push('\n');
        }
        out.extend(std::iter::repeat_n('\n', trailing.saturating_sub(1)));
        Ok(())
    }

    fn float(self, v: f64) -> Result {
        let text = if v.is_nan() {
            ".nan".to_string()
        } else if v.is_infinite() {
            if v > 0.0 { ".inf" } else { "-.inf" }.to_string()
        } else {
            let text = v.to_string();
            if text.contains('.') { text } else { format!("{text}.0") }
        };
        self.scalar(&text)
    }

    fn mapping(self) -> Mapping<'o> {
        Mapping { keys_column: self.place.keys_column(), out: self.out, place: self.place, entries: 0 }
    }

    fn sequence(self) -> Sequence<'o> {
        Sequence { dashes_column: self.place.dashes_column(), out: self.out, place: self.place, items: 0 }
    }

    /// `variant:` opened as a one-entry mapping (serde's external enum tagging), and the node of
    /// its value.
    fn variant(self, variant: &str) -> Node<'o> {
        let mut mapping = self.mapping();
        mapping.key(variant);
        Node { place: Place::Value(mapping.keys_column), out: mapping.out }
    }
}

impl<'o> ser::Serializer for Node<'o> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Sequence<'o>;
    type SerializeTuple = Sequence<'o>;
    type SerializeTupleStruct = Sequence<'o>;
    type SerializeTupleVariant = Sequence<'o>;
    type SerializeMap = Mapping<'o>;
    type SerializeStruct = Mapping<'o>;
    type SerializeStructVariant = Mapping<'o>;

    fn serialize_bool(self, v: bool) -> Result {
        self.scalar(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.number(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.number(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.number(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.number(v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.number(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.number(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.number(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.number(v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        // Through its shortest decimal spelling, so 0.1f32 is written 0.1, not 0.10000000149011612.
        self.float(v.to_string().parse().unwrap_or(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        ser::Serializer::collect_seq(self, v)
    }
    fn serialize_none(self) -> Result {
        self.scalar("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.scalar("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.scalar("null")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self.variant(variant))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Sequence<'o>> {
        Ok(self.sequence())
    }
    fn serialize_tuple(self, _: usize) -> Result<Sequence<'o>> {
        Ok(self.sequence())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Sequence<'o>> {
        Ok(self.sequence())
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Sequence<'o>> {
        Ok(self.variant(variant).sequence())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Mapping<'o>> {
        Ok(self.mapping())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Mapping<'o>> {
        Ok(self.mapping())
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Mapping<'o>> {
        Ok(self.variant(variant).mapping())
    }
}

/// A block mapping being written: its keys at `keys_column`, the first on the current line when
/// it is a sequence item.
pub(super) struct Mapping<'o> {
    out: &'o mut String,
    place: Place,
    keys_column: usize,
    entries: usize,
}

impl<'o> Mapping<'o> {
    /// Starts an entry for a string key, quoted when it must be.
    fn key(&mut self, key: &str) {
        if scalar::is_plain_key(key) {
            self.key_text(key);
        } else {
            self.key_text(&key_text(key));
        }
    }

    /// Starts an entry: the line break or indentation it needs, then `key:` (`text` is the
    /// key in its YAML spelling).
    fn key_text(&mut self, text: &str) {
        match (self.entries, self.place) {
            (0, Place::Item(_)) => {}
            (0, Place::Value(_)) => {
                self.out.push('\n');
                indent(self.out, self.keys_column);
            }
            _ => indent(self.out, self.keys_column),
        }
        self.entries += 1;
        if text.len() > LONGEST_IMPLICIT_KEY {
            self.out.push_str("? ");
            self.out.push_str(text);
            self.out.push('\n');
            indent(self.out, self.keys_column);
        } else {
            self.out.push_str(text);
        }
        self.out.push(':');
    }

    fn value_node(&mut self) -> Node<'_> {
        Node { out: self.out, place: Place::Value(self.keys_column) }
    }

    fn finish(self) -> Result {
        if self.entries == 0 {
            Node { out: self.out, place: self.place }.scalar("{}")?;
        }
        Ok(())
    }
}

impl ser::SerializeMap for Mapping<'_> {
    type Ok = ();
    type Error = WriteError;

    /// The key is written at once: its value follows it with nothing in between.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        key.serialize(Key(self))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(self.value_node())
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Mapping<'_> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key);
        value.serialize(self.value_node())
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Mapping<'_> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// A block sequence being written: its dashes at `dashes_column`, the first on the current line
/// when it is itself a sequence item (`- - a`).
pub(super) struct Sequence<'o> {
    out: &'o mut String,
    place: Place,
    dashes_column: usize,
    items: usize,
}

impl Sequence<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        match (self.items, self.place) {
            (0, Place::Item(_)) => {}
            (0, Place::Value(_)) => {
                self.out.push('\n');
                indent(self.out, self.dashes_column);
            }
            _ => indent(self.out, self.dashes_column),
        }
        self.items += 1;
        self.out.push_str("- ");
        value.serialize(Node { out: self.out, place: Place::Item(self.dashes_column) })
    }

    fn finish(self) -> Result {
        if self.items == 0 {
            Node { out: self.out, place: self.place }.scalar("[]")?;
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Sequence<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTuple for Sequence<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Sequence<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Sequence<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.finish()
    }
}

/// A string key as written: plain when [`scalar::is_plain_key`] allows, double-quoted otherwise.
fn key_text(key: &str) -> String {
    if scalar::is_plain_key(key) {
        key.to_string()
    } else {
        let mut quoted = String::with_capacity(key.len() + 2);
        scalar::push_double_quoted(&mut quoted, key);
        quoted
    }
}

/// Writes a mapping key into its mapping: scalars only.
struct Key<'m, 'o>(&'m mut Mapping<'o>);

fn not_a_scalar<T>() -> Result<T> {
    Err(ser::Error::custom("a mapping key must be a string, number, boolean or null"))
}

impl ser::Serializer for Key<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Impossible<(), WriteError>;
    type SerializeTuple = Impossible<(), WriteError>;
    type SerializeTupleStruct = Impossible<(), WriteError>;
    type SerializeTupleVariant = Impossible<(), WriteError>;
    type SerializeMap = Impossible<(), WriteError>;
    type SerializeStruct = Impossible<(), WriteError>;
    type SerializeStructVariant = Impossible<(), WriteError>;

    fn serialize_bool(self, v: bool) -> Result {
        self.number(v)
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.number(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.number(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.number(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.number(v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.number(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.number(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.number(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.number(v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(v.to_string().parse().unwrap_or(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result {
        let mut text = String::new();
        Node { out: &mut text, place: Place::Root }.float(v)?;
        self.0.key_text(text.trim_end());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.0.key(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.0.key(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        not_a_scalar()
    }
    fn serialize_none(self) -> Result {
        self.0.key_text("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.0.key_text("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.0.key_text("null");
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.0.key(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        not_a_scalar()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        not_a_scalar()
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        not_a_scalar()
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
        not_a_scalar()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        not_a_scalar()
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        not_a_scalar()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        not_a_scalar()
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        not_a_scalar()
    }
}

impl Key<'_, '_> {
    fn number(self, v: impl Display) -> Result {
        self.0.key_text(&v.to_string());
        Ok(())
    }
}
