//! The cache file's bytes: a header, then length-prefixed entries, each summary encoded
//! with `postcard` (serde, compact varints). Reading checks every length against the bytes
//! left and allocates nothing a length asks for before the bytes are there.
//!
//! ```text
//! MAGIC (8) | build length u32 | build | count u32 | entries
//! entry:  name length u32 | name (UTF-8) | settings u64 | text u64 | check u64
//!         | length u32 | summary
//! ```
//! Integers are little-endian. `check` is a hash of the summary's bytes: a file damaged
//! after it was written (a bit flipped on the disk, a careless edit) misses, where the
//! bytes could otherwise decode to another summary.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Entry, Key, MAGIC};
use crate::analysis::known_paths::{LOCKS, Lock};
use crate::analysis::summary::FileSummary;
use crate::rules::Rule;

/// The entries of a cache file made by this `build`; `None` for any other file (another
/// build's, a truncated or a hostile one).
pub(super) fn read_index(bytes: &[u8], build: &[u8]) -> Option<HashMap<String, Entry>> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let length = reader.u32()?;
    if reader.take(length)? != build {
        return None;
    }
    let count = reader.u32()?;
    // Each entry takes at least 36 bytes: never reserve more than the file can hold.
    let mut index = HashMap::with_capacity(count.min(reader.left() / 36));
    for _ in 0..count {
        let length = reader.u32()?;
        let name = std::str::from_utf8(reader.take(length)?).ok()?;
        let key = Key {
            settings: reader.u64()?,
            text: reader.u64()?,
        };
        let check = reader.u64()?;
        let length = reader.u32()?;
        let start = reader.at;
        if checksum(reader.take(length)?) != check {
            return None;
        }
        let entry = Entry {
            key,
            bytes: start..reader.at,
        };
        index.insert(name.to_string(), entry);
    }
    (reader.left() == 0).then_some(index)
}

/// The file for `build` holding `entries` (name, key, encoded summary).
pub(super) fn write_file(build: &[u8], entries: &[(&str, Key, &[u8])]) -> Vec<u8> {
    let size: usize = entries
        .iter()
        .map(|(name, _, bytes)| 36 + name.len() + bytes.len())
        .sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + build.len() + size);
    out.extend_from_slice(MAGIC);
    push_bytes(&mut out, build);
    push_u32(&mut out, entries.len());
    for (name, key, bytes) in entries {
        push_bytes(&mut out, name.as_bytes());
        out.extend_from_slice(&key.settings.to_le_bytes());
        out.extend_from_slice(&key.text.to_le_bytes());
        out.extend_from_slice(&checksum(bytes).to_le_bytes());
        push_bytes(&mut out, bytes);
    }
    out
}

fn push_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    push_u32(out, bytes.len());
    out.extend_from_slice(bytes);
}

/// A summary's bytes; `None` when it cannot be encoded (or is too large to be an entry).
pub(super) fn encode(summary: &FileSummary) -> Option<Vec<u8>> {
    postcard::to_allocvec(summary)
        .ok()
        .filter(|bytes| u32::try_from(bytes.len()).is_ok())
}

/// The summary in `bytes`, all of them; `None` for anything else.
pub(super) fn decode(bytes: &[u8]) -> Option<FileSummary> {
    match postcard::take_from_bytes::<FileSummary>(bytes) {
        Ok((summary, [])) => Some(summary),
        _ => None,
    }
}

fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x7375_6d6d_6172_7921).hash_one(bytes)
}

/// Bytes read front to back; every read checks what is left.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.left() {
            return None;
        }
        let taken = &self.bytes[self.at..self.at + n];
        self.at += n;
        Some(taken)
    }

    fn u32(&mut self) -> Option<usize> {
        let bytes = self.take(4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(bytes)).ok()
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// A rule by its name: a cache written before a rule was renamed does not decode.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rule, D::Error> {
        let name = <&str>::deserialize(deserializer)?;
        Rule::from_name(name).ok_or_else(|| serde::de::Error::custom("unknown rule"))
    }
}

/// A lock of the catalogue by its place in it (every `&'static Lock` is one of `LOCKS`).
impl Serialize for Lock {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let at = LOCKS
            .iter()
            .position(|lock| std::ptr::eq(lock, self))
            .ok_or_else(|| serde::ser::Error::custom("a lock outside the catalogue"))?;
        serializer.serialize_u32(u32::try_from(at).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for &'static Lock {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<&'static Lock, D::Error> {
        let at = u32::deserialize(deserializer)?;
        usize::try_from(at)
            .ok()
            .and_then(|at| LOCKS.get(at))
            .ok_or_else(|| serde::de::Error::custom("no such lock"))
    }
}
