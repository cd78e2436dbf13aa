-- Lua 5.4+ only: a metatype's __close runs when a to-be-closed variable goes out of scope.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef "struct lua54_res { int id; int closed; };"
local log = {}
local Res = ffi.metatype("struct lua54_res", {
  __close = function(r, err) log[#log + 1] = r.id; r.closed = 1 end,
})

local kept
do
  local r <close> = Res(7, 0)
  kept = r
  H.eq(r.closed, 0, "open inside the block")
end
H.eq(#log, 1, "__close ran once")
H.eq(log[1], 7, "with the object")
H.eq(kept.closed, 1, "and could write to it")

local ok, err = pcall(function()
  local a <close> = Res(1, 0)
  local b <close> = Res(2, 0)
  error("boom")
end)
H.ok(not ok and tostring(err):find("boom", 1, true) ~= nil, "the error propagates")
H.eq(log[2], 2, "closed in reverse order (b first)")
H.eq(log[3], 1, "then a")

-- Every cdata shares the metatable that carries __close, so any cdata may be marked
-- <close>; without a metatype __close, closing it does nothing (documented in compat.md).
local ok2 = pcall(function() local x <close> = ffi.new("int[1]") end)
H.ok(ok2, "a cdata without __close is accepted as a to-be-closed value")
H.done()
