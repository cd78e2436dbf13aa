-- ffi.string, ffi.copy and ffi.fill on char arrays, structs and interior pointers.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct copy_fill_string_rec { int id; char tag[6]; double v; };
struct copy_fill_string_pair { uint8_t a[4]; uint8_t b[4]; };
typedef char copy_fill_string_buf16[16];
]]

local function try(f, ...)
  local ok, v = pcall(f, ...)
  if ok then return v end
  return "error: " .. tostring(v)
end

local function bytes(p, n)
  local t = {}
  for i = 0, n - 1 do t[#t + 1] = tostring(tonumber(ffi.cast("uint8_t *", p)[i])) end
  return table.concat(t, ",")
end

-- ffi.string ----------------------------------------------------------------

local buf = ffi.new("char[8]", "abc")
H.eq(ffi.string(buf), "abc", "string of char array stops at NUL")
H.eq(ffi.string(buf, 2), "ab", "string with len 2")
H.eq(ffi.string(buf, 0), "", "string with len 0")
H.eq(ffi.string(buf, 4), "abc\0", "string with len includes the NUL")
H.eq(#ffi.string(buf, 8), 8, "string with len 8 has 8 bytes")
H.eq(ffi.string(buf, nil), "abc", "string with nil len acts like no len")
H.eq(ffi.string(buf, 2.7), "ab", "string len 2.7 truncated")
H.eq(ffi.string(buf, ffi.new("int64_t", 2)), "ab", "string len as int64 cdata")
H.eq(ffi.string(buf, ffi.new("int", 1)), "a", "string len as int cdata")
H.eq(ffi.string(buf + 1), "bc", "string of p + 1")
H.eq(ffi.string(buf + 3), "", "string starting at the NUL")
local z = ffi.new("char[6]", "a\0b\0c")
H.eq(ffi.string(z), "a", "embedded zero without len")
H.eq(ffi.string(z, 5), "a\0b\0c", "embedded zeros with len")
H.eq(ffi.string(z + 2, 3), "b\0c", "embedded zeros with len from p + 2")
local cp = ffi.cast("const char *", buf)
H.eq(ffi.string(cp), "abc", "string of const char *")
H.eq(ffi.string(cp + 2, 1), "c", "string of const char * + 2 with len")
H.eq(ffi.string(ffi.cast("const uint8_t *", buf)), "abc", "string of uint8_t *")
H.eq(ffi.string(ffi.cast("void *", buf), 3), "abc", "string of void * with len")
H.eq(ffi.string(ffi.new("int8_t[3]", "ab")), "ab", "string of int8_t array")
local u8 = ffi.new("uint8_t[4]", 200, 0, 1)
H.eq(ffi.string(u8, 3), "\200\0\1", "string of high bytes with len")
H.eq(try(ffi.string, "abc"), "abc", "string of a Lua string")
H.eq(try(ffi.string, "abcdef", 2), "ab", "string of a Lua string with len")
local rec = ffi.new("struct copy_fill_string_rec", 5, "tag", 1.5)
H.eq(ffi.string(rec.tag), "tag", "string of struct char field")
H.eq(ffi.string(rec.tag, 2), "ta", "string of struct char field with len")
local ip = ffi.new("int[2]", 0x41424344, 0)
local ipstr = ffi.string(ffi.cast("void *", ip), 4)
H.eq(#ipstr, 4, "string of an int as 4 bytes")
if ffi.abi("le") then
  H.eq(ipstr, "DCBA", "bytes of an int (little endian)")
else
  H.eq(ipstr, "ABCD", "bytes of an int (big endian)")
end
local long = ffi.new("char[?]", 1001)
ffi.fill(long, 1000, 120)
H.eq(#ffi.string(long), 1000, "long string up to the NUL")
H.eq(ffi.string(long, 1000), string.rep("x", 1000), "long string with len")

-- errors that must not crash
H.raises("cannot convert 'number' to 'const char *'", ffi.string, 1)
H.raises("cannot convert 'table' to 'const char *'", ffi.string, {})
H.raises("cannot convert 'bool' to 'const char *'", ffi.string, true)
H.raises("cannot convert 'struct copy_fill_string_rec' to 'const char *'", ffi.string, rec)
H.raises("cannot convert 'int' to 'const char *'", ffi.string, ffi.new("int", 3))
H.raises("cannot convert 'int [2]' to 'const char *'", ffi.string, ip)
H.raises("cannot convert 'string' to 'int'", ffi.string, buf, "2")
H.raises("cannot convert", ffi.string, buf, {})
H.raises("bad argument #1 to '", ffi.string)
H.raises("(value expected)", ffi.string)

-- ffi.copy --------------------------------------------------------------------

local dst = ffi.new("char[8]")
ffi.copy(dst, "hi")
H.eq(ffi.string(dst), "hi", "copy string")
H.eq(bytes(dst, 4), "104,105,0,0", "copy string includes NUL")
ffi.fill(dst, 8, 0x2e)
ffi.copy(dst, "hey")
H.eq(bytes(dst, 5), "104,101,121,0,46", "copy string writes exactly #s + 1 bytes")
ffi.copy(dst, "")
H.eq(dst[0], 0, "copy empty string writes the NUL")
H.eq(dst[1], 101, "copy empty string writes only one byte")
ffi.copy(dst, "wxyz", 2)
H.eq(ffi.string(dst, 4), "wxy\0", "copy string with len copies only len bytes")
ffi.copy(dst, "a\0b", 3)
H.eq(ffi.string(dst, 3), "a\0b", "copy string with embedded zero and len")
ffi.copy(dst, "q\0r")
H.eq(ffi.string(dst, 4), "q\0r\0", "copy string form copies embedded zeros too")
ffi.copy(dst, "zz", 0)
H.eq(dst[0], 113, "copy with len 0 writes nothing")
ffi.copy(dst, "AB", ffi.new("int", 1))
H.eq(dst[0], 65, "copy with cdata len")
H.eq(dst[1], 0, "copy with cdata len 1 stops")

local src = ffi.new("char[8]", "source")
local d2 = ffi.new("char[8]")
ffi.copy(d2, src, 7)
H.eq(ffi.string(d2), "source", "copy cdata to cdata")
ffi.fill(d2, 8)
ffi.copy(d2, src, 3)
H.eq(ffi.string(d2), "sou", "copy cdata to cdata partial")
ffi.copy(d2 + 3, src + 1, 2)
H.eq(ffi.string(d2), "souou", "copy between interior pointers")
ffi.copy(d2 + 6, "!")
H.eq(ffi.string(d2, 8), "souou\0!\0", "copy string to p + 6")

-- overlapping-free copy into an int array from bytes
local ints = ffi.new("int[2]")
ffi.copy(ints, "\1\0\0\0\2\0\0\0", 8)
if ffi.abi("le") then
  H.eq(ints[0] + ints[1] * 10, 21, "copy bytes into int array (little endian)")
else
  H.eq(ints[0] + ints[1], 0x01000000 + 0x02000000, "copy bytes into int array (big endian)")
end
local ints2 = ffi.new("int[2]")
ffi.copy(ints2, ints, ffi.sizeof(ints))
H.eq(ints2[1], ints[1], "copy int array by sizeof")

-- structs
local r1 = ffi.new("struct copy_fill_string_rec", 7, "abcde", 2.25)
local r2 = ffi.new("struct copy_fill_string_rec")
ffi.copy(r2, r1, ffi.sizeof(r1))
H.eq(r2.id, 7, "struct copy id")
H.eq(ffi.string(r2.tag), "abcde", "struct copy tag")
H.eq(r2.v, 2.25, "struct copy v")
r2.id = 8
H.eq(r1.id, 7, "struct copy is independent")
ffi.copy(r2.tag, "XY")
H.eq(ffi.string(r2.tag), "XY", "copy string into struct field")
H.eq(r2.tag[3], 100, "copy into field keeps the remaining bytes")
local rp = ffi.cast("struct copy_fill_string_rec *", r2)
ffi.copy(rp, r1, ffi.sizeof("struct copy_fill_string_rec"))
H.eq(r2.id, 7, "copy via struct pointer")
local recs = ffi.new("struct copy_fill_string_rec[3]")
ffi.copy(recs + 1, r1, ffi.sizeof(r1))
H.eq(recs[1].id, 7, "copy into array element via p + 1")
H.eq(recs[0].id, 0, "neighbour before untouched")
H.eq(recs[2].id, 0, "neighbour after untouched")
local pair = ffi.new("struct copy_fill_string_pair", {{1, 2, 3, 4}})
ffi.copy(pair.b, pair.a, 4)
H.eq(bytes(pair.b, 4), "1,2,3,4", "copy between array fields")
local tb = ffi.new("copy_fill_string_buf16")
ffi.copy(tb, "typedef'd")
H.eq(ffi.string(tb), "typedef'd", "copy into typedef array")

-- copy errors
H.raises("cannot convert 'number' to 'void *'", ffi.copy, 1, "x")
H.raises("cannot convert 'string' to 'void *'", ffi.copy, "abc", "x")
H.raises("cannot convert 'const char *' to 'void *'", ffi.copy, ffi.cast("const char *", dst), "x")
H.raises("cannot convert 'number' to 'const void *'", ffi.copy, dst, 5, 1)
H.raises("cannot convert 'table' to 'const void *'", ffi.copy, dst, {}, 1)
H.raises("(value expected)", ffi.copy, dst, src)
H.raises("(value expected)", ffi.copy, dst)
H.raises("cannot convert 'string' to 'int'", ffi.copy, dst, "abc", "2")
H.eq(select("#", ffi.copy(dst, "a")), 0, "copy returns nothing")

-- ffi.fill ----------------------------------------------------------------------

local f = ffi.new("char[6]", "abcde")
ffi.fill(f, 3)
H.eq(bytes(f, 6), "0,0,0,100,101,0", "fill without value zeroes")
ffi.fill(f, 2, 65)
H.eq(ffi.string(f, 6), "AA\0de\0", "fill with value")
ffi.fill(f + 3, 2, 66)
H.eq(ffi.string(f, 6), "AA\0BB\0", "fill at p + 3")
ffi.fill(f, 0, 67)
H.eq(f[0], 65, "fill with len 0 writes nothing")
ffi.fill(f, 1, 300)
H.eq(f[0], 44, "fill value is truncated to a byte")
ffi.fill(f, 2, -1)
H.eq(ffi.cast("uint8_t *", f)[1], 255, "fill with -1 gives 0xff")
ffi.fill(f, 2, nil)
H.eq(f[1], 0, "fill with nil value zeroes")
ffi.fill(f, ffi.new("int", 6), 0x7a)
H.eq(ffi.string(f, 6), "zzzzzz", "fill with cdata len")
ffi.fill(f, 6, ffi.new("uint8_t", 0x31))
H.eq(ffi.string(f, 6), "111111", "fill with cdata value")

local fr = ffi.new("struct copy_fill_string_rec", 9, "xyz", 3.5)
ffi.fill(fr, ffi.sizeof(fr))
H.ok(fr.id == 0 and fr.tag[0] == 0 and fr.v == 0, "fill struct with zero")
ffi.fill(fr, ffi.sizeof(fr), 1)
H.eq(fr.id, 0x01010101, "fill struct with 1s: int field")
H.eq(fr.tag[5], 1, "fill struct with 1s: char field")
ffi.fill(fr.tag, 5, 0x2d)
fr.tag[5] = 0
H.eq(ffi.string(fr.tag), "-----", "fill a struct char field")
H.eq(fr.id, 0x01010101, "fill field leaves neighbours")

local farr = ffi.new("int[4]", 1, 2, 3, 4)
ffi.fill(farr + 1, 2 * ffi.sizeof("int"))
H.eq(farr[0] * 1000 + farr[1] * 100 + farr[2] * 10 + farr[3], 1004, "fill middle of int array via p + 1")
local dbl = ffi.new("double[2]", 1.5, 2.5)
ffi.fill(dbl, ffi.sizeof(dbl))
H.eq(dbl[0] + dbl[1], 0, "zero-fill doubles")
local pp = ffi.new("struct copy_fill_string_pair")
ffi.fill(pp.b, 4, 9)
H.eq(bytes(pp, 8), "0,0,0,0,9,9,9,9", "fill second array field of a struct")

-- fill errors
H.raises("cannot convert 'string' to 'void *'", ffi.fill, "abc", 1)
H.raises("cannot convert 'const char *' to 'void *'", ffi.fill, ffi.cast("const char *", f), 2)
H.raises("cannot convert 'number' to 'void *'", ffi.fill, 5, 1)
H.raises("cannot convert 'string' to 'int'", ffi.fill, f, 3, "x")
H.raises("cannot convert 'string' to 'int'", ffi.fill, f, "3")
H.raises("(value expected)", ffi.fill, f)
H.eq(select("#", ffi.fill(f, 1)), 0, "fill returns nothing")

-- round trip: fill, copy, string together
local rt = ffi.new("char[10]")
ffi.fill(rt, 9, 46)
ffi.copy(rt + 2, "mid", 3)
H.eq(ffi.string(rt), "..mid....", "fill + copy + string round trip")
H.eq(ffi.string(rt + 2, 3), "mid", "substring via p + n and len")

-- With a length, ffi.string takes any data (the argument converts to const void *).
H.eq(ffi.string(ffi.new("uint8_t[3]", 65, 66, 67), 3), "ABC", "ffi.string of a uint8_t array")
H.eq(ffi.string(ffi.new("struct { char a, b; }", { 120, 121 }), 2), "xy", "ffi.string of a struct")
H.eq(ffi.string(ffi.new("int[1]", 0x44434241), 4), "ABCD", "ffi.string of an int array, 4 bytes")
H.raises("cannot convert 'int [1]' to 'const char *'", ffi.string, ffi.new("int[1]"))
H.raises("cannot convert 'number' to 'const void *'", ffi.string, 5, 3)
-- Numbers where strings are expected convert (and name nothing).
H.eq(ffi.abi(1), false, "ffi.abi of a number")
H.eq(select("#", ffi.offsetof("struct { int a; }", 1)), 0, "ffi.offsetof of a number")
H.raises("string expected, got table", ffi.abi, {})

H.done()
