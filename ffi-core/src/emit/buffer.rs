//! A `no_std` code buffer that the `dynasm!` macro can write into, with its own link
//! step.
//!
//! `dynasm!`'s x64 expansion is plain method calls on the buffer named in the macro
//! (`push`, `push_i32`, `extend`, `local_label`, `forward_reloc`, ...: the dynasm 5.1
//! method contract, pinned by `dynasm = "=5.1.0"`). [`CodeBuffer`] provides them over a
//! `Vec<u8>`, records labels and relocations, and [`link`](CodeBuffer::link) patches the
//! relocations once every label is known. Only what the emitter uses is supported: local
//! labels (`name:`, `<name`, `>name`) with relative relocations of 1 or 4 bytes; the
//! first unsupported request makes `link` fail.

use alloc::vec::Vec;

/// A relocation waiting for its label.
#[derive(Clone, Debug)]
struct Reloc {
    /// The label's name.
    name: &'static str,
    /// Forward (`>name`: the next definition) or backward (`<name`: the last one).
    forward: bool,
    /// Buffer offset when the relocation was recorded (just after its instruction).
    at: usize,
    /// Added to the label's offset.
    target_offset: isize,
    /// The field starts this many bytes before `at`.
    field_offset: u8,
    /// The value is relative to `at - ref_offset`.
    ref_offset: u8,
    /// dynasm's packed relocation kind (size in the low bits, kind in the top two).
    kind: u8,
    /// Number of definitions of `name` seen when the relocation was recorded.
    defs_before: usize,
}

/// Machine code being assembled (see the module docs).
#[derive(Default, Debug)]
pub struct CodeBuffer {
    bytes: Vec<u8>,
    labels: Vec<(&'static str, usize)>,
    relocs: Vec<Reloc>,
    unsupported: Option<&'static str>,
}

/// Why linking failed.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkError(pub &'static str);

impl CodeBuffer {
    /// An empty buffer.
    pub fn new() -> CodeBuffer {
        CodeBuffer::default()
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Resolves every relocation and returns the code (position-independent: only
    /// relative references inside the buffer are supported).
    ///
    /// # Errors
    /// An undefined label, a displacement that does not fit its field, or a directive the
    /// buffer does not support.
    pub fn link(mut self) -> Result<Vec<u8>, LinkError> {
        if let Some(what) = self.unsupported {
            return Err(LinkError(what));
        }
        for r in core::mem::take(&mut self.relocs) {
            let defs: Vec<usize> =
                self.labels.iter().filter(|l| l.0 == r.name).map(|l| l.1).collect();
            let target = if r.forward {
                defs.get(r.defs_before)
            } else {
                r.defs_before.checked_sub(1).and_then(|i| defs.get(i))
            };
            let target = *target.ok_or(LinkError("undefined label"))?;
            // Only plain relative relocations (kind 0) are emitted for local labels.
            if r.kind >> 6 != 0 {
                return Err(LinkError("unsupported relocation kind"));
            }
            let value =
                (target as isize + r.target_offset) - (r.at as isize - r.ref_offset as isize);
            let field = r.at - r.field_offset as usize;
            match r.kind & 0x3f {
                0 => {
                    let v =
                        i8::try_from(value).map_err(|_| LinkError("displacement out of range"))?;
                    self.bytes[field] = v as u8;
                }
                2 => {
                    let v =
                        i32::try_from(value).map_err(|_| LinkError("displacement out of range"))?;
                    self.bytes[field..field + 4].copy_from_slice(&v.to_le_bytes());
                }
                _ => return Err(LinkError("unsupported relocation size")),
            }
        }
        Ok(self.bytes)
    }

    // ---- the dynasm 5.1 method contract -------------------------------------------------

    /// Appends a byte.
    pub fn push(&mut self, b: u8) {
        self.bytes.push(b);
    }
    /// Appends an `i8`.
    pub fn push_i8(&mut self, v: i8) {
        self.bytes.push(v as u8);
    }
    /// Appends an `i16`.
    pub fn push_i16(&mut self, v: i16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Appends an `i32`.
    pub fn push_i32(&mut self, v: i32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Appends an `i64`.
    pub fn push_i64(&mut self, v: i64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Appends a `u16`.
    pub fn push_u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Appends a `u32`.
    pub fn push_u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Appends a `u64`.
    pub fn push_u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// Appends bytes.
    pub fn extend<I: IntoIterator>(&mut self, bytes: I)
    where
        I::Item: core::borrow::Borrow<u8>,
    {
        use core::borrow::Borrow;
        self.bytes.extend(bytes.into_iter().map(|b| *b.borrow()));
    }
    /// Pads with `with` up to a multiple of `alignment`.
    pub fn align(&mut self, alignment: usize, with: u8) {
        while self.bytes.len() % alignment != 0 {
            self.bytes.push(with);
        }
    }
    /// Defines local label `name` here.
    pub fn local_label(&mut self, name: &'static str) {
        self.labels.push((name, self.bytes.len()));
    }
    /// Global labels are not supported.
    pub fn global_label(&mut self, _name: &'static str) {
        self.unsupported = Some("global labels");
    }
    /// A reference to the next definition of `name`.
    pub fn forward_reloc(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        self.reloc(name, true, target_offset, field_offset, ref_offset, kind);
    }
    /// A reference to the last definition of `name`.
    pub fn backward_reloc(
        &mut self,
        name: &'static str,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        self.reloc(name, false, target_offset, field_offset, ref_offset, kind);
    }
    /// Global relocations are not supported.
    pub fn global_reloc(&mut self, _: &'static str, _: isize, _: u8, _: u8, _: u8) {
        self.unsupported = Some("global relocations");
    }
    /// Absolute value relocations are not supported (load addresses as immediates).
    pub fn value_reloc(&mut self, _: usize, _: u8, _: u8, _: u8) {
        self.unsupported = Some("value relocations");
    }

    fn reloc(
        &mut self,
        name: &'static str,
        forward: bool,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        let defs_before = self.labels.iter().filter(|l| l.0 == name).count();
        let at = self.bytes.len();
        self.relocs.push(Reloc {
            name,
            forward,
            at,
            target_offset,
            field_offset,
            ref_offset,
            kind,
            defs_before,
        });
    }
}
