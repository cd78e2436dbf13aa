//! Struct and union layout: gcc's rules for x86-64 SysV and MSVC's (gcc `ms_struct`)
//! for Win64, with `packed`, `aligned(n)` and `#pragma pack(n)`.
//!
//! Bit positions are tracked in bits from the start of the aggregate. A bitfield's
//! container is reported as the naturally aligned unit of its declared type that holds
//! it (LuaJIT's `ffi.offsetof` convention); a packed bitfield that straddles units is
//! reported from the byte holding its first bit.

use crate::ctype::{ArrayLen, BitPos, CTypeId, Field, Kind};
use crate::error::{msg, Error};
use crate::names::NameId;
use crate::table::{CTypeTable, MAX_SIZE};
use crate::target::BitfieldRules;
use alloc::vec::Vec;

/// A member as parsed, before layout.
#[derive(Clone, Debug)]
pub(crate) struct PendingField {
    pub name: Option<NameId>,
    pub ty: CTypeId,
    /// Bitfield width.
    pub width: Option<u32>,
    /// The member's own `aligned(n)` (0: none).
    pub align: u32,
    /// The member's own `packed`.
    pub packed: bool,
}

pub(crate) struct Layout {
    pub fields: Vec<Field>,
    pub size: u64,
    pub align: u32,
    pub vla: bool,
}

/// Lays out an aggregate. `packed`/`align_attr` are the aggregate's attributes, `pack` the
/// `#pragma pack` value in force (0: none).
pub(crate) fn layout(
    t: &CTypeTable,
    is_union: bool,
    pending: &[PendingField],
    packed: bool,
    align_attr: u32,
    pack: u32,
) -> Result<Layout, Error> {
    let ms = t.target().bitfields == BitfieldRules::Msvc;
    let mut fields = Vec::with_capacity(pending.len());
    let mut bitpos: u64 = 0; // next free bit (struct) / 0 (union)
    let mut size_bits: u64 = 0; // union: largest member
    let mut struct_align: u32 = 1;
    let mut vla = false;
    // MSVC: the open bitfield unit (start bit, size in bits).
    let mut ms_unit: Option<(u64, u64)> = None;

    for f in pending {
        let ft = t.get(f.ty);
        // A reference member holds an address (LuaJIT), though `sizeof` of a reference
        // type is its referenced type's.
        let (tsize, talign) = match ft.kind {
            Kind::Ref(_) => (t.target().ptr_size as u64, t.target().ptr_size as u32),
            _ => (ft.size.unwrap_or(0), ft.align.max(1)),
        };
        // gcc marks a member packed when the struct is packed and the member is a bitfield
        // or of a more than byte-aligned type, or when the member itself says so.
        let is_packed = (packed && (talign > 1 || f.width.is_some())) || f.packed;
        // The member's alignment: natural (or 1 when packed, where only the member's own
        // aligned attribute survives), capped by #pragma pack.
        let mut a = if is_packed { f.align.max(1) } else { talign.max(f.align) };
        if pack != 0 {
            a = a.min(pack);
        }
        if matches!(ft.kind, Kind::Array(_, ArrayLen::Vla)) {
            vla = true;
        }
        match f.width {
            Some(w) if !ms => {
                let unit_bits = tsize * 8;
                let w = w as u64;
                let talign_bits = talign as u64 * 8;
                if w == 0 {
                    // An unnamed zero-width field pads to its type's alignment; neither
                    // packing nor #pragma pack applies to it, and it does not raise the
                    // struct's alignment.
                    if !is_union {
                        bitpos = round_up(bitpos, talign_bits);
                    }
                    continue;
                }
                // A bitfield's own alignment is only what an aligned attribute gives it.
                let mut desired = f.align;
                if pack != 0 && desired != 0 {
                    desired = desired.min(pack);
                }
                let start = if is_union {
                    0
                } else {
                    let mut s = round_up(bitpos, desired as u64 * 8);
                    // Without packing, a bitfield may not span more alignment units of its
                    // type than the type itself has.
                    if pack == 0 && !is_packed {
                        let off = s % talign_bits;
                        if (off + w).div_ceil(talign_bits) > unit_bits / talign_bits {
                            s = round_up(s, talign_bits);
                        }
                    }
                    s
                };
                fields.push(bitfield(f, start, w, tsize));
                if is_union {
                    size_bits = size_bits.max(w);
                } else {
                    bitpos = start + w;
                }
                if f.name.is_some() {
                    let type_align = if pack != 0 {
                        talign.min(pack)
                    } else if is_packed {
                        1
                    } else {
                        talign
                    };
                    struct_align = struct_align.max(desired.max(type_align));
                }
            }
            Some(w) => {
                // MSVC rules: consecutive bitfields share a unit while their declared types
                // have the same size and the unit has room.
                let w = w as u64;
                let unit_bits = tsize * 8;
                let ms_align = {
                    let x = talign.max(f.align);
                    if pack != 0 {
                        x.min(pack)
                    } else {
                        x
                    }
                };
                let prev_nonzero_bitfield =
                    fields.last().is_some_and(|l: &Field| l.bits.is_some_and(|b| b.width > 0));
                if w == 0 {
                    if let Some((us, ub)) = ms_unit.take() {
                        bitpos = us + ub;
                    }
                    // A zero-width field matters only right after a bitfield: it aligns the
                    // next member and the struct to its type.
                    if prev_nonzero_bitfield {
                        if !is_union {
                            bitpos = round_up(bitpos, a as u64 * 8);
                        }
                        struct_align = struct_align.max(ms_align);
                    }
                    fields.push(Field {
                        name: None,
                        ty: f.ty,
                        offset: bitpos / 8,
                        bits: Some(BitPos { shift: 0, width: 0 }),
                    });
                    continue;
                }
                let fits = match ms_unit {
                    Some((us, ub)) => ub == unit_bits && bitpos + w <= us + ub,
                    None => false,
                };
                let start = if is_union {
                    ms_unit = None;
                    0
                } else if fits {
                    bitpos
                } else {
                    if let Some((us, ub)) = ms_unit {
                        bitpos = us + ub;
                    }
                    let s = round_up(bitpos, a as u64 * 8);
                    ms_unit = Some((s, unit_bits));
                    s
                };
                fields.push(bitfield(f, start, w, tsize));
                if is_union {
                    size_bits = size_bits.max(w);
                } else {
                    bitpos = start + w;
                }
                if !is_packed {
                    struct_align = struct_align.max(ms_align);
                }
            }
            None => {
                if let Some((us, ub)) = ms_unit.take() {
                    bitpos = us + ub;
                }
                let off_bits = if is_union { 0 } else { round_up(bitpos, a as u64 * 8) };
                fields.push(Field { name: f.name, ty: f.ty, offset: off_bits / 8, bits: None });
                let end = off_bits + tsize * 8;
                if is_union {
                    size_bits = size_bits.max(tsize * 8);
                } else {
                    bitpos = end;
                }
                struct_align = struct_align.max(a);
            }
        }
    }
    if let Some((us, ub)) = ms_unit {
        bitpos = us + ub;
    }
    if align_attr != 0 {
        struct_align = struct_align.max(align_attr);
    }
    let bits = if is_union { size_bits } else { bitpos };
    let size = round_up(round_up(bits, 8) / 8, struct_align as u64);
    if size > MAX_SIZE {
        return Err(Error::new(msg::TOO_LARGE));
    }
    Ok(Layout { fields, size, align: struct_align, vla })
}

fn bitfield(f: &PendingField, start: u64, w: u64, tsize: u64) -> Field {
    let unit = tsize.max(1) * 8;
    let (offset, shift) = if (start % unit) + w <= unit {
        ((start / unit) * tsize, start % unit)
    } else {
        (start / 8, start % 8)
    };
    Field {
        name: f.name,
        ty: f.ty,
        offset,
        bits: Some(BitPos { shift: shift as u32, width: w as u32 }),
    }
}

fn round_up(v: u64, a: u64) -> u64 {
    if a <= 1 {
        v
    } else {
        v.div_ceil(a) * a
    }
}
