//! The name interner: every identifier the parser meets (type names, tags, fields,
//! symbols, keywords) is stored once and referred to by a [`NameId`].
//!
//! Names live in Rust-owned memory, never in Lua strings. The interner only grows; a
//! failed `cdef` may leave names behind, which is harmless because a name on its own
//! declares nothing.

use alloc::string::String;
use alloc::vec::Vec;
use core::hash::BuildHasher;
use hashbrown::HashTable;

/// A handle to an interned identifier. Two equal strings always get the same id.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct NameId(pub(crate) u32);

impl NameId {
    /// The raw index of this name in its interner.
    pub fn index(self) -> u32 {
        self.0
    }
}

/// A string interner with a single copy of each string.
#[derive(Clone)]
pub struct Names {
    /// All names, back to back (one allocation instead of one per name).
    buf: String,
    /// (start, end) of each name in `buf`.
    spans: Vec<(u32, u32)>,
    /// (hash, index): the stored hash makes growing the table cheap.
    table: HashTable<(u64, u32)>,
    hasher: hashbrown::DefaultHashBuilder,
    /// A direct-mapped cache in front of `table`, keyed by the first eight bytes and the
    /// length: identifiers repeat and are short, so most lookups end here.
    recent: alloc::boxed::Box<[(u64, u32, u32); RECENT]>,
}

impl Default for Names {
    fn default() -> Self {
        Names::new()
    }
}

/// Size of the recent-name cache.
const RECENT: usize = 1024;

/// The first eight bytes of `s` (zero-padded) as a word.
#[inline(always)]
fn head_word(s: &[u8]) -> u64 {
    if s.len() >= 8 {
        u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
    } else {
        let mut w = 0u64;
        for (i, &b) in s.iter().enumerate() {
            w |= (b as u64) << (8 * i);
        }
        w
    }
}

impl Names {
    /// An empty interner.
    pub fn new() -> Self {
        Names {
            buf: String::with_capacity(8 * 1024),
            spans: Vec::with_capacity(512),
            table: HashTable::with_capacity(512),
            hasher: Default::default(),
            recent: alloc::boxed::Box::new([(0, u32::MAX, 0); RECENT]),
        }
    }

    fn hash(&self, s: &[u8]) -> u64 {
        self.hasher.hash_one(s)
    }

    /// Interns `s` and returns its id.
    pub fn intern(&mut self, s: &str) -> NameId {
        self.intern_bytes(s.as_bytes())
    }

    /// Interns a byte string that the caller guarantees is UTF-8 (identifiers are ASCII,
    /// but any UTF-8 is accepted).
    pub(crate) fn intern_bytes(&mut self, s: &[u8]) -> NameId {
        let w = head_word(s);
        let slot =
            ((w ^ (s.len() as u64) << 59).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize;
        let (rw, rlen, rid) = self.recent[slot];
        if rw == w
            && rlen as usize == s.len()
            && (s.len() <= 8 || self.str(NameId(rid)).as_bytes() == s)
        {
            return NameId(rid);
        }
        let id = self.intern_slow(s);
        self.recent[slot] = (w, s.len() as u32, id.0);
        id
    }

    fn intern_slow(&mut self, s: &[u8]) -> NameId {
        let h = self.hash(s);
        let (buf, spans) = (&self.buf, &self.spans);
        let name = |i: u32| {
            let (a, b) = spans[i as usize];
            &buf.as_bytes()[a as usize..b as usize]
        };
        if let Some(&(_, i)) = self.table.find(h, |&(hh, i)| hh == h && name(i) == s) {
            return NameId(i);
        }
        let start = self.buf.len() as u32;
        if s.is_ascii() {
            // SAFETY: ASCII bytes are valid UTF-8.
            self.buf.push_str(unsafe { core::str::from_utf8_unchecked(s) });
        } else {
            match core::str::from_utf8(s) {
                Ok(v) => self.buf.push_str(v),
                Err(_) => self.buf.push_str(&String::from_utf8_lossy(s)),
            }
        }
        let id = self.spans.len() as u32;
        self.spans.push((start, self.buf.len() as u32));
        self.table.insert_unique(h, (h, id), |&(hh, _)| hh);
        NameId(id)
    }

    /// Looks `s` up without interning it.
    pub fn get(&self, s: &str) -> Option<NameId> {
        let h = self.hash(s.as_bytes());
        self.table.find(h, |&(hh, i)| hh == h && self.str(NameId(i)) == s).map(|&(_, i)| NameId(i))
    }

    /// Looks a byte string up without interning it.
    pub fn get_bytes(&self, s: &[u8]) -> Option<NameId> {
        let h = self.hash(s);
        self.table
            .find(h, |&(hh, i)| hh == h && self.str(NameId(i)).as_bytes() == s)
            .map(|&(_, i)| NameId(i))
    }

    /// The string of an id.
    pub fn str(&self, id: NameId) -> &str {
        let (a, b) = self.spans[id.0 as usize];
        &self.buf[a as usize..b as usize]
    }

    /// How many names are interned.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no name is interned.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// A map keyed by [`NameId`], stored as a vector indexed by the (dense) id: lookups
/// are an index, not a hash.
#[derive(Clone, Default)]
pub struct NameMap<V> {
    slots: Vec<Option<V>>,
    len: usize,
}

impl<V: Copy> NameMap<V> {
    /// An empty map with room for `n` names.
    pub fn with_capacity(n: usize) -> Self {
        NameMap { slots: Vec::with_capacity(n), len: 0 }
    }

    /// The value for `k`.
    #[inline]
    pub fn get(&self, k: &NameId) -> Option<&V> {
        self.slots.get(k.0 as usize).and_then(Option::as_ref)
    }

    /// Sets the value for `k`, returning the old one.
    pub fn insert(&mut self, k: NameId, v: V) -> Option<V> {
        let i = k.0 as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        let old = self.slots[i].replace(v);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Removes the value for `k`.
    pub fn remove(&mut self, k: &NameId) -> Option<V> {
        let old = self.slots.get_mut(k.0 as usize).and_then(Option::take);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// How many names have a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no name has a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NameId, &V)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, v)| v.as_ref().map(|v| (NameId(i as u32), v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_idempotent() {
        let mut n = Names::new();
        let a = n.intern("foo");
        let b = n.intern("bar");
        assert_ne!(a, b);
        assert_eq!(n.intern("foo"), a);
        assert_eq!(n.str(b), "bar");
        assert_eq!(n.get("bar"), Some(b));
        assert_eq!(n.get("baz"), None);
    }
}
