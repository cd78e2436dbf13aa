-- The error boundary as Lua sees it: errors raised by metamethods and finalisers reach
-- the caller with their own values and leave the state usable; finalisers that use ffi
-- (cdef, typeof, metatype, new) may run in the middle of any ffi operation; deep table
-- initializers. Lua 5.1 syntax; every expectation holds on LuaJIT 2.1.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct boundary_pt { int x, y; };
struct boundary_err { int v; };
struct boundary_box { struct boundary_pt a, b; int tag; };
]]

local function full_gc()
  collectgarbage("collect")
  collectgarbage("collect")
end

---------------------------------------------------------------------------
-- A metamethod that raises: the caller gets the very error value, and ffi keeps working.
local err_obj = { what = "boom" }
local E = ffi.metatype("struct boundary_err", {
  __index = function(o, k)
    if k == "table" then error(err_obj) end
    error("index " .. tostring(k), 0)
  end,
  __newindex = function() error("newindex refused", 0) end,
  __call = function() error(err_obj) end,
  __tostring = function() error("no text", 0) end,
  __len = function() error("no length", 0) end,
  __concat = function() error("no concat", 0) end,
  __add = function() error("no add", 0) end,
  __unm = function() error("no unm", 0) end,
  __lt = function() error("no order", 0) end,
})
local e = E(1)
local ok, got = pcall(function() return e.table end)
H.ok(not ok and rawequal(got, err_obj), "__index error value passes through unchanged")
H.raises("index missing", function() return e.missing end)
H.raises("newindex refused", function() e.other = 1 end)
ok, got = pcall(function() return e() end)
H.ok(not ok and rawequal(got, err_obj), "__call error value passes through unchanged")
H.raises("no text", tostring, e)
H.raises("no length", function() return #e end)
H.raises("no concat", function() return e .. "x" end)
H.raises("no add", function() return e + 1 end)
H.raises("no unm", function() return -e end)
H.raises("no order", function() return e < e end)
H.eq(e.v, 1, "predefined fields still read after the errors")
e.v = 5
H.eq(e.v, 5, "and write")

-- Many failing calls in a row: each fails as it should, and the state stays usable.
local wrong = 0
for i = 1, 2000 do
  local ok1, e1 = pcall(function() return e.missing end)
  local ok2, e2 = pcall(ffi.new, "struct boundary_pt", "not a number")
  local ok3, e3 = pcall(ffi.cdef, "struct boundary_bad {")
  if ok1 or ok2 or ok3 or e1 ~= "index missing"
    or not tostring(e2):find("cannot convert 'string' to 'int'", 1, true)
    or not tostring(e3):find("declaration specifier expected near '<eof>'", 1, true) then
    wrong = wrong + 1
  end
end
H.eq(wrong, 0, "2000 rounds of failing calls, each with its own error")
local p = ffi.new("struct boundary_pt", 3, 4)
H.eq(p.x + p.y, 7, "ffi works after thousands of errors")
H.raises("cannot convert 'string' to 'int'", ffi.new, "struct boundary_pt", "x")

---------------------------------------------------------------------------
-- A constructor (__new) that raises.
ffi.cdef "struct boundary_new { int v; };"
local N = ffi.metatype("struct boundary_new", {
  __new = function(ct, v)
    if v < 0 then error("negative", 0) end
    return ffi.new(ct, v)
  end,
})
H.raises("negative", N, -1)
H.eq(N(7).v, 7, "__new works after it raised")

---------------------------------------------------------------------------
-- Finalisers that declare types, make ctypes and metatypes and allocate cdata while
-- the program is itself in the middle of ffi operations (any allocation may run them).
local declared = 0
local made = 0
local function churn(i)
  return ffi.gc(ffi.new("char[8]"), function()
    declared = declared + 1
    local name = "boundary_fin_" .. declared
    ffi.cdef("struct " .. name .. " { int a; double b; };")
    local ct = ffi.typeof("struct " .. name)
    ffi.metatype(ct, { __index = { twice = function(o) return o.a * 2 end } })
    local o = ct(i, 2.5)
    if o:twice() == 2 * i then made = made + 1 end
  end)
end
local bad = 0
for i = 1, 300 do
  churn(i)
  -- Work that allocates (new objects, boxed values, initializers by name and position,
  -- member lookups that fill caches) while the finalisers above run.
  local b = ffi.new("struct boundary_box", { a = { x = i, y = 2 * i }, b = { i, i + 1 }, tag = i })
  local v = b.a.x + b.a.y + b.b.x + b.b.y + b.tag
  local big = ffi.new("int64_t", i) * 3
  local s = tostring(ffi.new("struct boundary_pt *"))
  if v ~= 6 * i + 1 or tonumber(big) ~= 3 * i or not s:find("cdata<struct boundary_pt %*>") then
    bad = bad + 1
  end
  if i % 50 == 0 then full_gc() end
end
full_gc()
H.eq(bad, 0, "results stay right while finalisers declare types")
H.eq(declared, 300, "every finaliser ran once")
H.eq(made, 300, "and every one could use ffi fully")
H.eq(ffi.sizeof("struct boundary_fin_300"), 16, "types declared by finalisers are real")

---------------------------------------------------------------------------
-- A finaliser that raises: the state stays usable whatever the VM does with the error.
-- Lua 5.1-5.3 raise it from whatever step of the collector ran the finaliser (any
-- allocation under GC stress), so everything from the moment it can run is protected.
do
  local ran = false
  pcall(function()
    local x = ffi.gc(ffi.new("char[4]"), function() ran = true; error("finaliser failed", 0) end)
    x = nil
    full_gc()
  end)
  pcall(full_gc)
  H.ok(ran, "the raising finaliser ran")
end
H.eq(ffi.new("int[3]", { 1, 2, 3 })[2], 3, "ffi works after a finaliser raised")

---------------------------------------------------------------------------
-- Table initializers nested 80 levels deep (one Lua stack slot per level).
do
  local n = 80
  local init = 42
  for _ = 1, n do init = { init } end
  local x = ffi.new("int" .. string.rep("[1]", n), init)
  local v = x
  for _ = 1, n do v = v[0] end
  H.eq(v, 42, "80 nested table initializers")
end
H.done()
