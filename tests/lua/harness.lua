-- Assertion helpers for the conformance scripts. Plain Lua 5.1, so that every script
-- runs unchanged on luajit (the oracle) and on PUC Lua 5.1-5.5 with ffi-rs.
--
--   local H = require "harness"
--   H.eq(actual, expected, "what")      -- ==, with both values shown on failure
--   H.ok(cond, "what")
--   H.raises("message part", f, ...)    -- f(...) must fail with that text in the message
--   H.done()                            -- prints "N passed, N failed" (last line)

local H = { passed = 0, failed = 0, failures = {} }
HARNESS = H

H.luajit = rawget(_G, "jit") ~= nil
H.version = _VERSION
H.gc_stress = rawget(_G, "FFI_GC_STRESS") == true
if H.gc_stress then
  -- The collector runs all the time; every assertion also forces a step.
  if _VERSION == "Lua 5.4" or _VERSION == "Lua 5.5" then
    collectgarbage("incremental", 0, 1000, 0)
  else
    collectgarbage("setpause", 0)
    collectgarbage("setstepmul", 1000)
  end
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

local function record(ok, what)
  if H.gc_stress then collectgarbage("step") end
  if ok then
    H.passed = H.passed + 1
  else
    H.failed = H.failed + 1
    local info = debug and debug.getinfo and debug.getinfo(3, "Sl")
    local where = info and (info.short_src .. ":" .. tostring(info.currentline)) or "?"
    H.failures[#H.failures + 1] = where .. ": " .. what
    print("FAIL " .. where .. ": " .. what)
  end
end

function H.ok(cond, what)
  record(cond and true or false, what or "assertion")
end

function H.eq(a, b, what)
  record(a == b, (what or "eq") .. ": got " .. show(a) .. ", expected " .. show(b))
end

-- Numeric equality for values that may be floats on one VM and integers on another.
function H.near(a, b, what, eps)
  local ok = type(a) == "number" and type(b) == "number" and math.abs(a - b) <= (eps or 0)
  record(ok, (what or "near") .. ": got " .. show(a) .. ", expected " .. show(b))
end

function H.raises(part, f, ...)
  local ok, err = pcall(f, ...)
  local msg = tostring(err)
  record(not ok and string.find(msg, part, 1, true) ~= nil,
    "expected an error containing " .. show(part) .. ", got " .. (ok and "no error" or show(msg)))
end

function H.done()
  print(string.format("%d passed, %d failed", H.passed, H.failed))
  return H
end

return H
