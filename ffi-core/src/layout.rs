//! Struct and union layout: gcc's rules for x86-64 SysV and MSVC's (gcc `ms_struct`)
//! for Win64, with `packed`, `aligned(n)` and `#pragma pack(n)`.
//!
//! Bit positions are tracked in bits from the start of the aggregate. A bitfield's
//! container is reported as the naturally aligned unit of its declared type that holds
//! it (LuaJIT's `ffi.offsetof` convention); a packed bitfield that straddles units is
//! reported from the byte holding its first bit.

use crate::ctype::*;
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
        let tsize = ft.size.unwrap_or(0);
        let talign = ft.align.max(1);
        let is_packed = packed || f.packed;
        // The member's alignment: natural (or 1 when packed), raised by its own aligned
        // attribute, capped by #pragma pack.
        let mut a = if is_packed { 1 } else { talign };
        if f.align != 0 {
            a = a.max(f.align);
        }
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
                if w == 0 {
                    // Zero width: pad to the declared type's alignment (capped by pack);
                    // does not raise the struct's alignment on x86-64.
                    let za = if pack != 0 { talign.min(pack) } else { talign } as u64 * 8;
                    if !is_union {
                        bitpos = round_up(bitpos, za);
                    }
                    continue;
                }
                let start = if is_union {
                    0
                } else if is_packed {
                    bitpos
                } else {
                    // May not straddle a boundary of the type's (possibly pack-capped)
                    // alignment unit.
                    let ua = if pack != 0 { talign.min(pack) } else { talign } as u64 * 8;
                    let mut s = bitpos;
                    if f.align != 0 {
                        s = round_up(s, a as u64 * 8);
                    }
                    if pack == 0 || ua >= unit_bits {
                        if (s % (talign as u64 * 8)) + w > unit_bits {
                            s = round_up(s, talign as u64 * 8);
                        }
                    } else if (s % ua) + w > unit_bits.max(ua) && (s / unit_bits) != ((s + w - 1) / unit_bits) {
                        s = round_up(s, ua);
                    }
                    s
                };
                fields.push(bitfield(f, start, w, tsize));
                if is_union {
                    size_bits = size_bits.max(w);
                } else {
                    bitpos = start + w;
                }
                if f.name.is_some() || f.align != 0 {
                    struct_align = struct_align.max(a);
                }
            }
            Some(w) => {
                // MSVC rules.
                let w = w as u64;
                let unit_bits = tsize * 8;
                if w == 0 {
                    if let Some((us, ub)) = ms_unit.take() {
                        bitpos = us + ub;
                        let _ = ub;
                    }
                    // A zero-width field aligns the next member only after a bitfield.
                    if fields.last().is_some_and(|l: &Field| l.bits.is_some()) && !is_union {
                        bitpos = round_up(bitpos, a as u64 * 8);
                    }
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
                    size_bits = size_bits.max(unit_bits);
                } else {
                    bitpos = start + w;
                }
                struct_align = struct_align.max(a);
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
    Field { name: f.name, ty: f.ty, offset, bits: Some(BitPos { shift: shift as u32, width: w as u32 }) }
}

fn round_up(v: u64, a: u64) -> u64 {
    if a <= 1 {
        v
    } else {
        v.div_ceil(a) * a
    }
}
