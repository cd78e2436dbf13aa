-- `require "bit"` as luarocks installs it: LuaJIT's bit (luaopen_bit) from the same ffi.so
-- that `require "ffi"` finds. One file serves both: two copies of the library in one
-- process would keep two ffi contexts, and neither would take the other's cdata.
local path
if package.searchpath then
  path = package.searchpath("ffi", package.cpath)
else -- Lua 5.1: the same search by hand
  for template in package.cpath:gmatch("[^;]+") do
    local candidate = template:gsub("%?", "ffi")
    local f = io.open(candidate)
    if f then
      f:close()
      path = candidate
      break
    end
  end
end
if not path then
  error("bit: ffi.so not found on package.cpath", 2)
end
local open, err = package.loadlib(path, "luaopen_bit")
if not open then
  error(err, 2)
end
return open()
