-- Callbacks from real C libraries no one here wrote: sqlite3 calls a Lua row callback
-- (sqlite3_exec) and a Lua scalar function used in SQL (sqlite3_create_function); zlib
-- allocates through Lua zalloc/zfree hooks (deflateInit_). Needs libsqlite3-dev and
-- zlib1g-dev (scripts/test.sh installs them).
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
int sqlite3_open(const char *filename, sqlite3 **ppDb);
int sqlite3_close(sqlite3 *);
int sqlite3_close_v2(sqlite3 *);
typedef int (*sqlite3_callback)(void *, int, char **, char **);
int sqlite3_exec(sqlite3 *, const char *sql, sqlite3_callback, void *, char **errmsg);
int sqlite3_create_function(sqlite3 *db, const char *zFunctionName, int nArg, int eTextRep,
  void *pApp, void (*xFunc)(sqlite3_context *, int, sqlite3_value **),
  void (*xStep)(sqlite3_context *, int, sqlite3_value **), void (*xFinal)(sqlite3_context *));
double sqlite3_value_double(sqlite3_value *);
const unsigned char *sqlite3_value_text(sqlite3_value *);
void sqlite3_result_double(sqlite3_context *, double);
void sqlite3_result_text(sqlite3_context *, const char *, int, void (*)(void *));
void sqlite3_free(void *);

typedef unsigned char Bytef;
typedef unsigned int uInt;
typedef unsigned long uLong;
typedef void *voidpf;
typedef voidpf (*alloc_func)(voidpf opaque, uInt items, uInt size);
typedef void (*free_func)(voidpf opaque, voidpf address);
typedef struct z_stream_s {
  const Bytef *next_in; uInt avail_in; uLong total_in;
  Bytef *next_out; uInt avail_out; uLong total_out;
  const char *msg; struct internal_state *state;
  alloc_func zalloc; free_func zfree; voidpf opaque;
  int data_type; uLong adler; uLong reserved;
} z_stream;
const char *zlibVersion(void);
int deflateInit_(z_stream *strm, int level, const char *version, int stream_size);
int deflate(z_stream *strm, int flush);
int deflateEnd(z_stream *strm);
int inflateInit_(z_stream *strm, const char *version, int stream_size);
int inflate(z_stream *strm, int flush);
int inflateEnd(z_stream *strm);
void *calloc(size_t, size_t);
void free(void *);
]]

-- sqlite3_exec with a Lua row callback.
local sq = ffi.load("sqlite3")
local pdb = ffi.new("sqlite3 *[1]")
H.eq(sq.sqlite3_open(":memory:", pdb), 0, "sqlite3_open")
local db = pdb[0]
H.eq(sq.sqlite3_exec(db, "create table t(a integer, b text); insert into t values (1, 'one'), (2, 'two'), (3, NULL);",
  nil, nil, nil), 0, "create and fill a table")
local rows = {}
local row = ffi.cast("sqlite3_callback", function(udata, n, values, names)
  local r = {}
  for i = 0, n - 1 do
    local v = values[i]
    r[ffi.string(names[i])] = (v ~= ffi.cast("char *", 0)) and ffi.string(v) or "NULL"
  end
  rows[#rows + 1] = r
  return 0
end)
H.eq(sq.sqlite3_exec(db, "select a, b from t order by a", row, nil, nil), 0, "sqlite3_exec with a row callback")
H.eq(#rows, 3, "one callback per row")
H.eq(rows[2].a .. "/" .. rows[2].b, "2/two", "column values and names")
H.eq(rows[3].b, "NULL", "a NULL column is a NULL pointer")
-- A non-zero result aborts the query (SQLITE_ABORT = 4).
local seen = 0
local stop = ffi.cast("sqlite3_callback", function() seen = seen + 1 return 1 end)
H.eq(sq.sqlite3_exec(db, "select a from t", stop, nil, nil), 4, "a callback's non-zero result aborts")
H.eq(seen, 1, "after the first row")
-- An error raised in the row callback goes through sqlite3 to this code.
H.raises("row error", function()
  sq.sqlite3_exec(db, "select a from t", function() error("row error") end, nil, nil)
end)

-- A Lua scalar function used in SQL.
local fn = ffi.cast("void (*)(sqlite3_context *, int, sqlite3_value **)", function(ctx, n, argv)
  local x = sq.sqlite3_value_double(argv[0])
  local y = sq.sqlite3_value_double(argv[1])
  sq.sqlite3_result_double(ctx, x * 10 + y)
end)
H.eq(sq.sqlite3_create_function(db, "lua_mix", 2, 1, nil, fn, nil, nil), 0, "sqlite3_create_function")
local out = {}
local collect = function(_, n, values) out[#out + 1] = ffi.string(values[0]) return 0 end
H.eq(sq.sqlite3_exec(db, "select lua_mix(a, 0.5) from t order by a", collect, nil, nil), 0, "SQL calls the Lua function")
H.eq(table.concat(out, " "), "10.5 20.5 30.5", "its results")
local upper = ffi.cast("void (*)(sqlite3_context *, int, sqlite3_value **)", function(ctx, n, argv)
  local s = sq.sqlite3_value_text(argv[0])
  local r = s ~= ffi.cast("const unsigned char *", 0) and ffi.string(s):upper() or "?"
  -- SQLITE_TRANSIENT (-1): sqlite copies the text before the Lua string can go.
  sq.sqlite3_result_text(ctx, r, #r, ffi.cast("void (*)(void *)", -1))
end)
H.eq(sq.sqlite3_create_function(db, "lua_upper", 1, 1, nil, upper, nil, nil), 0, "a text function")
out = {}
sq.sqlite3_exec(db, "select lua_upper(b) from t where b is not null order by a", collect, nil, nil)
H.eq(table.concat(out, " "), "ONE TWO", "text in, text out")
-- The error above abandoned sqlite3_exec's frames: its statement was never finalized
-- (the documented caveat, as in LuaJIT), so sqlite3_close refuses with SQLITE_BUSY;
-- sqlite3_close_v2 closes once the statement goes.
H.eq(sq.sqlite3_close(db), 5, "sqlite3_close after an abandoned exec: SQLITE_BUSY")
H.eq(sq.sqlite3_close_v2(db), 0, "sqlite3_close_v2")
row:free()
stop:free()

-- zlib with Lua allocation hooks.
local z = ffi.load("z")
local live, allocs = 0, 0
local strm = ffi.new("z_stream")
strm.zalloc = function(opaque, items, size)
  allocs = allocs + 1
  live = live + 1
  return ffi.C.calloc(items, size)
end
strm.zfree = function(opaque, p)
  live = live - 1
  ffi.C.free(p)
end
local text = string.rep("callbacks from zlib, allocating through Lua. ", 50)
local buf = ffi.new("Bytef[?]", 4096)
H.eq(z.deflateInit_(strm, 9, z.zlibVersion(), ffi.sizeof("z_stream")), 0, "deflateInit_ with Lua zalloc")
H.ok(allocs > 0, "zlib allocated through the Lua hook")
strm.next_in = text
strm.avail_in = #text
strm.next_out = buf
strm.avail_out = 4096
H.eq(z.deflate(strm, 4), 1, "deflate to Z_STREAM_END")
local clen = 4096 - strm.avail_out
H.eq(z.deflateEnd(strm), 0, "deflateEnd")
H.eq(live, 0, "every block allocated through zalloc was freed through zfree")
local inf = ffi.new("z_stream")
inf.zalloc, inf.zfree = strm.zalloc, strm.zfree
local back = ffi.new("Bytef[?]", #text)
H.eq(z.inflateInit_(inf, z.zlibVersion(), ffi.sizeof("z_stream")), 0, "inflateInit_")
inf.next_in, inf.avail_in = buf, clen
inf.next_out, inf.avail_out = back, #text
H.eq(z.inflate(inf, 4), 1, "inflate")
H.eq(ffi.string(back, #text), text, "the round trip through Lua-allocated state")
H.eq(z.inflateEnd(inf), 0, "inflateEnd")
H.eq(live, 0, "inflate's blocks freed too")

H.done()
