-- ffi.gc: finalisers run exactly once after the object becomes garbage, can be removed
-- and replaced; metatype __gc gives an implicit finaliser, also run exactly once.
-- Lua 5.1 syntax; every expectation holds on LuaJIT 2.1.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct gc_obj { int id; };
struct gc_auto { int id; };
]]

local function full_gc()
  collectgarbage("collect")
  collectgarbage("collect")
end

---------------------------------------------------------------------------
-- ffi.gc returns its argument; the finaliser runs once, after the object is garbage
local runs, seen = 0, nil
local function fin(o)
  runs = runs + 1
  seen = o.id
end
local obj = ffi.new("struct gc_obj", 42)
local ret = ffi.gc(obj, fin)
H.ok(rawequal(ret, obj), "ffi.gc returns its first argument")
full_gc()
H.eq(runs, 0, "finaliser does not run while the object is referenced")
ret = nil
full_gc()
H.eq(runs, 0, "still referenced through the other local")
obj = nil
full_gc()
H.eq(runs, 1, "finaliser ran once the object became garbage")
H.eq(seen, 42, "finaliser received the object")
full_gc()
H.eq(runs, 1, "finaliser does not run a second time")

---------------------------------------------------------------------------
-- ffi.gc(x, nil) removes the finaliser; a second ffi.gc replaces it
local removed = 0
do
  local o = ffi.gc(ffi.new("struct gc_obj", 1), function() removed = removed + 1 end)
  local r = ffi.gc(o, nil)
  H.ok(rawequal(r, o), "ffi.gc(x, nil) returns x")
  o, r = nil, nil
end
full_gc()
H.eq(removed, 0, "removed finaliser never runs")

local first, second = 0, 0
do
  local o = ffi.gc(ffi.new("struct gc_obj", 2), function() first = first + 1 end)
  ffi.gc(o, function(x) second = second + x.id end)
  o = nil
end
full_gc()
H.eq(first, 0, "replaced finaliser does not run")
H.eq(second, 2, "replacing finaliser runs once")

---------------------------------------------------------------------------
-- many objects: each finaliser exactly once
local counts = {}
local total = 0
local function count(o)
  counts[o.id] = (counts[o.id] or 0) + 1
  total = total + 1
end
local keep = {}
for i = 1, 200 do
  local o = ffi.gc(ffi.new("struct gc_obj", i), count)
  if i % 2 == 0 then keep[#keep + 1] = o end
end
full_gc()
H.eq(total, 100, "odd objects finalised, kept ones not")
local odd_once, even_none = true, true
for i = 1, 200 do
  if i % 2 == 1 and counts[i] ~= 1 then odd_once = false end
  if i % 2 == 0 and counts[i] ~= nil then even_none = false end
end
H.ok(odd_once, "each odd object finalised exactly once")
H.ok(even_none, "no kept object finalised")
keep = nil
full_gc()
H.eq(total, 200, "all objects finalised after dropping the table")
local all_once = true
for i = 1, 200 do
  if counts[i] ~= 1 then all_once = false end
end
H.ok(all_once, "every object finalised exactly once")
full_gc()
H.eq(total, 200, "no finaliser runs again")

---------------------------------------------------------------------------
-- arrays and pointers can carry finalisers too
local arr_seen, ptr_seen = nil, nil
do
  local a = ffi.gc(ffi.new("int[4]", 5, 6, 7, 8), function(x) arr_seen = x[2] end)
  local p = ffi.gc(ffi.cast("struct gc_obj *", 0x1000), function(x)
    ptr_seen = tonumber(ffi.cast("intptr_t", x))
  end)
  H.eq(a[3], 8, "array with a finaliser still usable")
  a, p = nil, nil
end
full_gc()
H.eq(arr_seen, 7, "array finaliser received the array")
H.eq(ptr_seen, 0x1000, "pointer finaliser received the pointer")

-- a callable table is accepted as the finaliser
local callable_runs = 0
do
  local callable = setmetatable({}, { __call = function(self, o) callable_runs = callable_runs + o.id end })
  local o = ffi.gc(ffi.new("struct gc_obj", 9), callable)
  o = nil
end
full_gc()
H.eq(callable_runs, 9, "callable table finaliser")

-- a finaliser that resurrects the object: it still runs only once
local resurrected, res_runs = nil, 0
do
  local o = ffi.gc(ffi.new("struct gc_obj", 77), function(x)
    res_runs = res_runs + 1
    resurrected = x
  end)
  o = nil
end
full_gc()
H.eq(res_runs, 1, "resurrecting finaliser ran")
H.eq(resurrected and resurrected.id, 77, "resurrected object still readable")
resurrected = nil
full_gc()
H.eq(res_runs, 1, "resurrected object is not finalised again")

-- argument checks
H.raises("cdata expected", function() ffi.gc({}, function() end) end)
H.raises("invalid C type", function() ffi.gc(ffi.new("int"), function() end) end)
H.raises("invalid C type", function() ffi.gc(ffi.new("int64_t", 1), nil) end)

---------------------------------------------------------------------------
-- metatype __gc: implicit finaliser, exactly once
local auto = {}
local auto_total = 0
local Auto = ffi.metatype("struct gc_auto", {
  __gc = function(o)
    auto[o.id] = (auto[o.id] or 0) + 1
    auto_total = auto_total + 1
  end,
})
do
  for i = 1, 50 do
    local o = Auto(i)
    o = nil
  end
  local by_name = ffi.new("struct gc_auto", 51)
  by_name = nil
end
full_gc()
H.eq(auto_total, 51, "__gc ran for every object (ctype call and ffi.new)")
local auto_once = true
for i = 1, 51 do
  if auto[i] ~= 1 then auto_once = false end
end
H.ok(auto_once, "__gc ran exactly once per object")
full_gc()
H.eq(auto_total, 51, "__gc does not run again")

-- ffi.gc(x, nil) removes the implicit finaliser; ffi.gc(x, f) replaces it
local replaced = 0
do
  local o1 = ffi.gc(Auto(100), nil)
  local o2 = ffi.gc(Auto(101), function() replaced = replaced + 1 end)
  local live = Auto(102)
  local p = ffi.cast("struct gc_auto *", live) -- a pointer has no finaliser of its own
  H.eq(p.id, 102, "pointer to a __gc struct")
  o1, o2, p = nil, nil, nil
  full_gc()
  H.eq(auto[102], nil, "object still referenced is not finalised")
  live = nil
end
full_gc()
H.eq(auto[100], nil, "removed implicit finaliser does not run")
H.eq(auto[101], nil, "replaced implicit finaliser does not run")
H.eq(replaced, 1, "replacing finaliser ran once")
H.eq(auto[102], 1, "implicit finaliser ran once for the last object")
H.eq(auto_total, 52, "total implicit finaliser runs")

H.done()
