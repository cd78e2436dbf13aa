//! `open` (the module loader): builds the `ffi` table, the shared cdata metatables, the
//! per-state context and the upvalues every closure carries; and the list of every entry
//! point Lua can call.

use super::context::{self, ContextCell};
use super::frame::{lua_functions, protected_trampoline};
use super::meta::Metamethod;
use super::{arith, bit, call, callback, clib, index, library, meta, upvalues};
use crate::luaapi::{lua_State, CFunction, Lua, LuaType, Vm};
use crate::target::Target;
use core::ffi::{c_int, c_void};

lua_functions! {
    /// `ffi.cdef`
    ffi_cdef => library::cdef;
    /// `ffi.typeof`
    ffi_typeof => library::typeof_;
    /// `ffi.new`
    ffi_new => library::new;
    /// `ffi.cast`
    ffi_cast => library::cast;
    /// `ffi.sizeof`
    ffi_sizeof => library::size_of;
    /// `ffi.alignof`
    ffi_alignof => library::align_of;
    /// `ffi.offsetof`
    ffi_offsetof => library::offset_of;
    /// `ffi.istype`
    ffi_istype => library::is_type;
    /// `ffi.metatype`
    ffi_metatype => library::metatype;
    /// `ffi.gc`
    ffi_gc => library::gc;
    /// `ffi.errno`
    ffi_errno => library::errno;
    /// `ffi.string`
    ffi_string => library::string;
    /// `ffi.copy`
    ffi_copy => library::copy;
    /// `ffi.fill`
    ffi_fill => library::fill_memory;
    /// `ffi.abi`
    ffi_abi => library::abi;
    /// `ffi.tonumber` (also the patched global `tonumber`)
    ffi_tonumber => library::to_number;
    /// `ffi.type` (also the patched global `type`)
    ffi_type => library::type_name;
    /// `ffi.pairs` (also the patched global `pairs`, and cdata `__pairs`)
    ffi_pairs => library::pairs;
    /// `ffi.ipairs` (also the patched global `ipairs`, and cdata `__ipairs`)
    ffi_ipairs => library::ipairs;
    /// Makes `ffi.nullptr`.
    ffi_nullptr => library::null_pointer;
    /// `ffi.load`
    ffi_load => clib::load;
    /// `__index` of namespace caches (a miss)
    clib_index => clib::index;
    /// `__newindex` of namespaces
    clib_newindex => clib::newindex;
    /// `__gc` of namespaces
    clib_gc => clib::gc;
    /// Runs a callback's Lua function (called by the callback helper).
    callback_run => callback::run_body;
    /// `cb:free()`.
    callback_free => callback::free_body;
    /// `cb:set(f)`.
    callback_set => callback::set_body;
    /// cdata `__index`
    mm_index => index::index;
    /// cdata `__newindex`
    mm_newindex => index::newindex;
    /// cdata `__tostring`
    mm_tostring => meta::tostring;
    /// cdata `__len`
    mm_len => meta::len;
    /// cdata `__concat`
    mm_concat => meta::concat;
    /// cdata `__close`
    mm_close => meta::close;
    /// cdata `__eq`
    mm_eq => arith::eq;
    /// cdata `__lt`
    mm_lt => arith::lt;
    /// cdata `__le`
    mm_le => arith::le;
    /// cdata `__add`
    mm_add => arith::add;
    /// cdata `__sub`
    mm_sub => arith::sub;
    /// cdata `__mul`
    mm_mul => arith::mul;
    /// cdata `__div`
    mm_div => arith::div;
    /// cdata `__mod`
    mm_mod => arith::modulo;
    /// cdata `__pow`
    mm_pow => arith::pow;
    /// cdata `__unm`
    mm_unm => arith::unm;
    /// cdata `__idiv` (5.3+)
    mm_idiv => arith::idiv;
    /// cdata `__band` (5.3+)
    mm_band => arith::band;
    /// cdata `__bor` (5.3+)
    mm_bor => arith::bor;
    /// cdata `__bxor` (5.3+)
    mm_bxor => arith::bxor;
    /// cdata `__shl` (5.3+)
    mm_shl => arith::shl;
    /// cdata `__shr` (5.3+)
    mm_shr => arith::shr;
    /// cdata `__bnot` (5.3+)
    mm_bnot => arith::bnot;
    /// `bit.tobit`
    bit_tobit => bit::to_bit;
    /// `bit.tohex`
    bit_tohex => bit::tohex;
    /// `bit.bnot`
    bit_bnot => bit::bnot;
    /// `bit.band`
    bit_band => bit::band;
    /// `bit.bor`
    bit_bor => bit::bor;
    /// `bit.bxor`
    bit_bxor => bit::bxor;
    /// `bit.lshift`
    bit_lshift => bit::lshift;
    /// `bit.rshift`
    bit_rshift => bit::rshift;
    /// `bit.arshift`
    bit_arshift => bit::arshift;
    /// `bit.rol`
    bit_rol => bit::rol;
    /// `bit.ror`
    bit_ror => bit::ror;
    /// `bit.bswap`
    bit_bswap => bit::bswap;
}

/// The registry key of the module table (a light userdata: no string needed).
static MODULE_KEY: u8 = 0;

/// The registry key of the `bit` module's table (made with the `ffi` table).
static BIT_KEY: u8 = 0;

/// Where `open` builds things: the state and the stack position of the upvalues.
#[derive(Copy, Clone)]
struct Builder {
    lua: Lua,
    /// Stack index of the first upvalue (`CONTEXT`).
    base: c_int,
}

impl Builder {
    /// Sets `table[name]` to a closure of `f` with the ffi upvalues (plus `extra` values
    /// taken from the top of the stack).
    ///
    /// # Safety
    /// `open`'s stack as it builds: the upvalues at `base..`, a table at `table`, `extra`
    /// values on top, and room for the upvalues. Raises on allocation failure.
    unsafe fn set(self, table: c_int, name: &[u8], f: CFunction, extra: c_int) {
        let lua = self.lua;
        // SAFETY: `table` is a valid index (the caller's contract).
        let table = unsafe { lua.absindex(table) };
        for i in 0..upvalues::COUNT {
            // SAFETY: the upvalues are at base..; the caller reserved room.
            unsafe { lua.pushvalue(self.base + i) };
            if extra > 0 {
                // SAFETY: the extra values sit below the pushed upvalues: move them up.
                unsafe { lua.insert(-1 - extra) };
            }
        }
        // SAFETY: the upvalues (then the extra values) are on top.
        unsafe { lua.pushcclosure(f, upvalues::COUNT + extra) };
        // SAFETY: `table` is a table below the new closure; `name` ends in NUL.
        unsafe { lua.set_field(table, name) };
    }

    /// Pushes a closure of `f` with the ffi upvalues.
    ///
    /// # Safety
    /// `open`'s stack as it builds, with room for the upvalues. Raises on allocation
    /// failure.
    unsafe fn push_closure(self, f: CFunction) {
        for i in 0..upvalues::COUNT {
            // SAFETY: the upvalues are at base..; the caller reserved room.
            unsafe { self.lua.pushvalue(self.base + i) };
        }
        // SAFETY: the upvalues are on top.
        unsafe { self.lua.pushcclosure(f, upvalues::COUNT) };
    }

    /// Sets each `table[name] = closure of f`.
    ///
    /// # Safety
    /// As for [`set`](Self::set) with no extra values.
    unsafe fn set_all(self, table: c_int, functions: &[(&[u8], CFunction)]) {
        for &(name, f) in functions {
            // SAFETY: the caller's contract.
            unsafe { self.set(table, name, f, 0) };
        }
    }

    /// Sets `table[name]` to a string.
    ///
    /// # Safety
    /// A table at `table`; a free slot; `name` ends in NUL. Raises on allocation failure.
    unsafe fn set_string(self, table: c_int, name: &[u8], value: &[u8]) {
        // SAFETY: `table` is a valid index (the caller's contract).
        let table = unsafe { self.lua.absindex(table) };
        // SAFETY: a free slot.
        unsafe { self.lua.push_bytes(value) };
        // SAFETY: the table is below the string; `name` ends in NUL.
        unsafe { self.lua.set_field(table, name) };
    }
}

/// Builds the `ffi` module and leaves it on the stack. Calling it again in the same state
/// returns the same table.
///
/// # Safety
/// `l` is a live state of `V`'s version. Raises on allocation failure like any
/// `luaopen_*` function; its frame owns nothing while it does (the context is owned by
/// its cell from the moment it exists).
pub unsafe extern "C-unwind" fn open<V: Vm>(l: *mut lua_State) -> c_int {
    // SAFETY: the caller's contract.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: a live state; this frame owns nothing if growing raises (out of memory).
    if unsafe { lua.checkstack(40) } == 0 {
        // SAFETY: a C function always has a free slot; nothing is owned here.
        unsafe { lua.push_bytes(b"ffi: not enough Lua stack to open the module") };
        // SAFETY: nothing is owned here.
        unsafe { lua.raise() }
    }
    let reg = lua.registry();
    let module_key = &MODULE_KEY as *const u8 as *mut c_void;
    // SAFETY: room reserved above.
    unsafe { lua.pushlightuserdata(module_key) };
    // SAFETY: the registry is a table; the key is on top.
    if LuaType::from_tag(unsafe { lua.rawget(reg) }) == LuaType::Table {
        return 1;
    }
    // SAFETY: the nil lookup result is on top.
    unsafe { lua.pop(1) };
    // SAFETY: room reserved; the cell is anchored in the registry and left on top.
    let cell: *mut ContextCell = unsafe { context::new_cell::<V>(lua) };
    // SAFETY: the cell is on top.
    unsafe { lua.pop(1) };
    // The main thread, for callbacks that C calls outside any ffi call, and this thread
    // as the state's until a C call records one.
    // SAFETY: room reserved above; pushing the running thread allocates nothing.
    let main = if unsafe { lua.pushthread() } == 1 {
        l
    } else if V::api().version >= 502 {
        // SAFETY: room reserved; LUA_RIDX_MAINTHREAD (1) of the registry holds it.
        unsafe { lua.rawgeti(lua.registry(), 1) };
        // SAFETY: the value just pushed.
        let t = unsafe { lua.tothread(-1) };
        // SAFETY: the value is on top.
        unsafe { lua.pop(1) };
        t
    } else {
        core::ptr::null_mut()
    };
    // SAFETY: the thread pushed above is on top.
    unsafe { lua.pop(1) };
    // SAFETY: `cell` is the live cell made above.
    let ctx = unsafe { (*cell).ctx };
    // SAFETY: the cell's context was just made; nothing else refers to it yet.
    if let Some(ctx) = unsafe { ctx.as_mut() } {
        ctx.main = main;
        ctx.caller.thread = super::callback::thread_mark(&V::api().host);
    }
    // The upvalues, in order (see `upvalues`).
    // SAFETY: a live state.
    let base = unsafe { lua.gettop() } + 1;
    let b = Builder { lua, base };
    // CONTEXT
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.pushlightuserdata(cell as *mut c_void) };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 32) };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 32) };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 0) };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 0) };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 1) };
    // SAFETY: the weak-mode table is on top.
    unsafe { b.set_string(-1, b"__mode\0", b"k") };
    // SAFETY: the finaliser table is below its metatable.
    unsafe { lua.setmetatable(-2) };
    // ANCHORS: the array part is made once, so anchoring never allocates.
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(upvalues::MEMBER_SLOTS as c_int, 0) };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(Metamethod::ALL.len() as c_int, 0) };
    for mm in Metamethod::ALL {
        let name = mm.name();
        // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
        unsafe { lua.push_bytes(&name[..name.len() - 1]) };
        // SAFETY: the strings table is below the name.
        unsafe { lua.rawseti(-2, mm as i64) };
    }
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.pushcclosure(protected_trampoline::<V>, 0) };
    let cdata_mt = base + upvalues::CDATA_MT - 1;
    let gc_mt = base + upvalues::GC_MT - 1;

    // The shared cdata metatable.
    let metamethods: [(&[u8], CFunction); 18] = [
        (b"__index\0", mm_index::<V>),
        (b"__newindex\0", mm_newindex::<V>),
        (b"__tostring\0", mm_tostring::<V>),
        (b"__call\0", call::mm_call::<V>),
        (b"__len\0", mm_len::<V>),
        (b"__concat\0", mm_concat::<V>),
        (b"__eq\0", mm_eq::<V>),
        (b"__lt\0", mm_lt::<V>),
        (b"__le\0", mm_le::<V>),
        (b"__add\0", mm_add::<V>),
        (b"__sub\0", mm_sub::<V>),
        (b"__mul\0", mm_mul::<V>),
        (b"__div\0", mm_div::<V>),
        (b"__mod\0", mm_mod::<V>),
        (b"__pow\0", mm_pow::<V>),
        (b"__unm\0", mm_unm::<V>),
        (b"__pairs\0", ffi_pairs::<V>),
        (b"__ipairs\0", ffi_ipairs::<V>),
    ];
    let integer_metamethods: [(&[u8], CFunction); 7] = [
        (b"__idiv\0", mm_idiv::<V>),
        (b"__band\0", mm_band::<V>),
        (b"__bor\0", mm_bor::<V>),
        (b"__bxor\0", mm_bxor::<V>),
        (b"__shl\0", mm_shl::<V>),
        (b"__shr\0", mm_shr::<V>),
        (b"__bnot\0", mm_bnot::<V>),
    ];
    // SAFETY: the metatable is at `cdata_mt`, the upvalues at `base..`; room reserved.
    unsafe { b.set_all(cdata_mt, &metamethods) };
    if V::api().integers {
        // SAFETY: the metatable is at `cdata_mt`, the upvalues at `base..`; reserved slots.
        unsafe { b.set_all(cdata_mt, &integer_metamethods) };
    }
    if V::api().version >= 504 {
        // SAFETY: the metatable is at `cdata_mt`, the upvalues at `base..`; reserved slots.
        unsafe { b.set(cdata_mt, b"__close\0", mm_close::<V>, 0) };
    }
    // SAFETY: the metatable is at `cdata_mt`, the upvalues at `base..`; reserved slots.
    unsafe { b.set_string(cdata_mt, b"__name\0", b"cdata") };
    // SAFETY: the metatable is at `cdata_mt`, the upvalues at `base..`; reserved slots.
    unsafe { b.set_string(cdata_mt, b"__metatable\0", b"ffi") };
    // The variant for cdata with a finaliser: the same closure values (so that __eq/__lt
    // work across both, as 5.1 requires the same metamethod) plus __gc. Only those
    // objects are finalizable, so plain cdata cost the collector no more than any
    // userdata.
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.pushnil() };
    // SAFETY: `cdata_mt` is a table and the key on top came from lua_next itself.
    while unsafe { lua.next(cdata_mt) } != 0 {
        // SAFETY: key and value on top; room reserved.
        unsafe { lua.pushvalue(-2) };
        // SAFETY: key, value, key on top: swap the last two.
        unsafe { lua.insert(-2) };
        // SAFETY: the variant is a table; key and value on top.
        unsafe { lua.rawset(gc_mt) };
    }
    // SAFETY: the variant metatable is at `gc_mt`, the upvalues at `base..`.
    unsafe { b.set(gc_mt, b"__gc\0", meta::gc::<V>, 0) };

    // The module.
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 32) };
    // SAFETY: a live state.
    let m = unsafe { lua.gettop() };
    let functions: [(&[u8], CFunction); 16] = [
        (b"load\0", ffi_load::<V>),
        (b"cdef\0", ffi_cdef::<V>),
        (b"typeof\0", ffi_typeof::<V>),
        (b"new\0", ffi_new::<V>),
        (b"cast\0", ffi_cast::<V>),
        (b"sizeof\0", ffi_sizeof::<V>),
        (b"alignof\0", ffi_alignof::<V>),
        (b"offsetof\0", ffi_offsetof::<V>),
        (b"istype\0", ffi_istype::<V>),
        (b"metatype\0", ffi_metatype::<V>),
        (b"gc\0", ffi_gc::<V>),
        (b"errno\0", ffi_errno::<V>),
        (b"string\0", ffi_string::<V>),
        (b"copy\0", ffi_copy::<V>),
        (b"fill\0", ffi_fill::<V>),
        (b"abi\0", ffi_abi::<V>),
    ];
    // SAFETY: the module is at `m`, the upvalues at `base..`; reserved slots.
    unsafe { b.set_all(m, &functions) };
    let target = Target::host();
    // SAFETY: the module is at `m`, the upvalues at `base..`; reserved slots.
    unsafe { b.set_string(m, b"os\0", target.os_name().as_bytes()) };
    // SAFETY: the module is at `m`, the upvalues at `base..`; reserved slots.
    unsafe { b.set_string(m, b"arch\0", target.arch.as_bytes()) };
    // ffi.tonumber / ffi.type wrap the originals (upvalue ORIGINAL).
    for (name, f) in [
        (&b"tonumber\0"[..], ffi_tonumber::<V> as CFunction),
        (b"type\0", ffi_type::<V>),
        (b"pairs\0", ffi_pairs::<V>),
        (b"ipairs\0", ffi_ipairs::<V>),
    ] {
        // SAFETY: a reserved slot; `name` ends in NUL.
        unsafe { lua.get_global(name) };
        // SAFETY: the module at `m`, the upvalues at `base..`, the original on top.
        unsafe { b.set(m, name, f, 1) };
    }
    // Namespaces: the two metatables they share, then ffi.C.
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 3) };
    // SAFETY: the namespace metatable is on top, the upvalues at `base..`; reserved slots.
    unsafe { b.set(-1, b"__index\0", clib_index::<V>, 0) };
    // SAFETY: as above.
    unsafe { b.set(-1, b"__newindex\0", clib_newindex::<V>, 0) };
    // SAFETY: as above.
    unsafe { b.set_string(-1, b"__metatable\0", b"ffi") };
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 2) };
    // SAFETY: the library owner's metatable is on top, the upvalues at `base..`.
    unsafe { b.set(-1, b"__gc\0", clib_gc::<V>, 0) };
    // SAFETY: as above.
    unsafe { b.set_string(-1, b"__metatable\0", b"ffi") };
    // SAFETY: the two metatables are on top; reserved slots.
    unsafe { clib::store_parts(lua) };
    // SAFETY: the host's functions keep their contract (a plain query).
    let default = unsafe { (V::api().host.lib_default)() };
    // SAFETY: reserved slots; the parts are stored.
    unsafe { clib::push_namespace(lua, default, false) };
    // SAFETY: the module is below the namespace.
    unsafe { lua.set_field(m, b"C\0") };
    // ffi.nullptr and ffi.NULL: made by calling a closure that boxes a NULL.
    // SAFETY: the module is at `m`, the upvalues at `base..`; reserved slots.
    unsafe { b.set(m, b"nullptr\0", ffi_nullptr::<V>, 0) };
    // SAFETY: the module is at `m`.
    unsafe { lua.get_field(m, b"nullptr\0") };
    // SAFETY: the closure is on top; it returns one value.
    unsafe { lua.call(0, 1) };
    // SAFETY: room reserved.
    unsafe { lua.pushvalue(-1) };
    // SAFETY: the module is below the two copies.
    unsafe { lua.set_field(m, b"nullptr\0") };
    // SAFETY: the module is below the second copy of `ffi.nullptr`.
    unsafe { lua.set_field(m, b"NULL\0") };
    // The callback parts (see `callback::PARTS_KEY`).
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(4, 0) };
    // SAFETY: a live state.
    let parts = unsafe { lua.gettop() };
    for (i, f) in [
        (callback::RUNNER, callback_run::<V> as CFunction),
        (callback::FREE, callback_free::<V>),
        (callback::SET, callback_set::<V>),
    ] {
        // SAFETY: the upvalues at `base..`; reserved slots.
        unsafe { b.push_closure(f) };
        // SAFETY: the parts table is below the closure.
        unsafe { lua.rawseti(parts, i) };
    }
    // SAFETY: reserved slots.
    unsafe { lua.pushlightuserdata(&callback::PARTS_KEY as *const u8 as *mut c_void) };
    // SAFETY: reserved slots.
    unsafe { lua.pushvalue(parts) };
    // SAFETY: the registry is a table; key and value on top.
    unsafe { lua.rawset(reg) };
    // SAFETY: the parts table is on top.
    unsafe { lua.pop(1) };
    // The `bit` module, kept for `open_bit`.
    // SAFETY: a slot of the 40 reserved above; this frame owns nothing if it raises.
    unsafe { lua.createtable(0, 12) };
    let bit_functions: [(&[u8], CFunction); 12] = [
        (b"tobit\0", bit_tobit::<V>),
        (b"tohex\0", bit_tohex::<V>),
        (b"bnot\0", bit_bnot::<V>),
        (b"band\0", bit_band::<V>),
        (b"bor\0", bit_bor::<V>),
        (b"bxor\0", bit_bxor::<V>),
        (b"lshift\0", bit_lshift::<V>),
        (b"rshift\0", bit_rshift::<V>),
        (b"arshift\0", bit_arshift::<V>),
        (b"rol\0", bit_rol::<V>),
        (b"ror\0", bit_ror::<V>),
        (b"bswap\0", bit_bswap::<V>),
    ];
    // SAFETY: the bit table is on top, the upvalues at `base..`; reserved slots.
    unsafe { b.set_all(-1, &bit_functions) };
    // SAFETY: reserved slots.
    unsafe { lua.pushlightuserdata(&BIT_KEY as *const u8 as *mut c_void) };
    // SAFETY: reserved slots.
    unsafe { lua.insert(-2) };
    // SAFETY: the registry is a table; key and value on top.
    unsafe { lua.rawset(reg) };
    // Remember the module; drop the upvalue slots.
    // SAFETY: room reserved.
    unsafe { lua.pushlightuserdata(module_key) };
    // SAFETY: the module is at `m`; a reserved slot.
    unsafe { lua.pushvalue(m) };
    // SAFETY: the registry is a table; key and value on top.
    unsafe { lua.rawset(reg) };
    // SAFETY: the module is on top; `base` is below it.
    unsafe { lua.insert(base) };
    // SAFETY: the module is at `base`.
    unsafe { lua.settop(base) };
    1
}

/// Opens the `bit` module (LuaJIT 2.1's BitOp with 64-bit cdata; see `bit.rs`) and leaves
/// it on the stack: the `luaopen_bit` of every adapter. Opens `ffi` too when it is not
/// open yet (the 64-bit cdata need its context), without patching any global.
///
/// # Safety
/// As for [`open`].
pub unsafe extern "C-unwind" fn open_bit<V: Vm>(l: *mut lua_State) -> c_int {
    // SAFETY: the caller's contract; `open` leaves the ffi module on top.
    unsafe { open::<V>(l) };
    // SAFETY: the caller's contract.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: the module is on top.
    unsafe { lua.pop(1) };
    // SAFETY: `open` made room for 40 values and left one.
    unsafe { lua.pushlightuserdata(&BIT_KEY as *const u8 as *mut c_void) };
    // SAFETY: the registry is a table; the key is on top.
    unsafe { lua.rawget(lua.registry()) };
    1
}

/// Which globals opening `ffi` replaces with the module's cdata-aware functions: the
/// options of every adapter (`ffi-capi` takes them as the bits `LUA_FFI_PATCH_*`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The global `tonumber` becomes `ffi.tonumber` (default: yes, as ported LuaJIT code
    /// expects).
    pub patch_tonumber: bool,
    /// The global `type` becomes `ffi.type`, "cdata" for cdata (default: no).
    pub patch_type: bool,
    /// The globals `pairs` and `ipairs` become `ffi.pairs`/`ffi.ipairs`, which honour a
    /// metatype's `__pairs`/`__ipairs` and raise LuaJIT's error for other cdata (default:
    /// yes; the VM's `ipairs` would read a cdata array past its end on Lua 5.3+, as an
    /// index never gives `nil`).
    pub patch_pairs: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { patch_tonumber: true, patch_type: false, patch_pairs: true }
    }
}

impl Options {
    /// The names (NUL-terminated) of the globals these options replace, each by the
    /// module's function of the same name.
    pub fn patched(self) -> impl Iterator<Item = &'static [u8]> {
        [
            (&b"tonumber\0"[..], self.patch_tonumber),
            (b"type\0", self.patch_type),
            (b"pairs\0", self.patch_pairs),
            (b"ipairs\0", self.patch_pairs),
        ]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
    }

    /// The names of [`patched`](Self::patched) without their NUL.
    pub fn patched_names(self) -> impl Iterator<Item = &'static str> {
        self.patched().map(|n| core::str::from_utf8(&n[..n.len() - 1]).unwrap_or(""))
    }
}

/// Replaces the globals `opts` names with the functions of the `ffi` module on top of the
/// stack (left there).
///
/// # Safety
/// `l` is a live state of `V`'s version with the module (as `open` left it) on top and
/// two free slots; called from a C function (it raises on allocation failure).
pub unsafe fn patch_globals<V: Vm>(l: *mut lua_State, opts: Options) {
    // SAFETY: the caller's contract.
    let lua = unsafe { Lua::new::<V>(l) };
    for name in opts.patched() {
        // SAFETY: the module is on top with a free slot; the name ends in NUL. The frame
        // owns nothing if it raises.
        unsafe { lua.get_field(-1, name) };
        // SAFETY: the function is on top; the name ends in NUL.
        unsafe { lua.set_global(name) };
    }
}
