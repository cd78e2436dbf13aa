-- Real C libraries no one here wrote, declared from their documented prototypes:
-- zlib (compress2/uncompress round trip, crc32) and sqlite3 (open, prepare, bind, step,
-- column, finalize). Needs zlib1g-dev and libsqlite3-dev (scripts/test.sh installs them).
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
typedef unsigned long uLong;
typedef unsigned long uLongf;
typedef unsigned int uInt;
typedef unsigned char Bytef;
const char *zlibVersion(void);
uLong compressBound(uLong sourceLen);
int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level);
int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen);
uLong crc32(uLong crc, const Bytef *buf, uInt len);

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
int sqlite3_open(const char *filename, sqlite3 **ppDb);
int sqlite3_close(sqlite3 *);
int sqlite3_exec(sqlite3 *, const char *sql, void *callback, void *, char **errmsg);
int sqlite3_prepare_v2(sqlite3 *db, const char *zSql, int nByte, sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite3_bind_int(sqlite3_stmt *, int, int);
int sqlite3_bind_double(sqlite3_stmt *, int, double);
int sqlite3_bind_text(sqlite3_stmt *, int, const char *, int, void (*)(void *));
int sqlite3_bind_int64(sqlite3_stmt *, int, int64_t);
int sqlite3_step(sqlite3_stmt *);
int sqlite3_reset(sqlite3_stmt *);
int sqlite3_column_count(sqlite3_stmt *);
int sqlite3_column_int(sqlite3_stmt *, int iCol);
int64_t sqlite3_column_int64(sqlite3_stmt *, int iCol);
double sqlite3_column_double(sqlite3_stmt *, int iCol);
const unsigned char *sqlite3_column_text(sqlite3_stmt *, int iCol);
int sqlite3_finalize(sqlite3_stmt *pStmt);
const char *sqlite3_errmsg(sqlite3 *);
const char *sqlite3_libversion(void);
]]

-- zlib
local z = ffi.load("z")
H.ok(ffi.string(z.zlibVersion()):match("^1%.") ~= nil, "zlibVersion")
local text = string.rep("the quick brown fox jumps over the lazy dog. ", 40)
local bound = z.compressBound(#text)
H.ok(tonumber(bound) > #text, "compressBound")
local comp = ffi.new("Bytef[?]", bound)
local clen = ffi.new("uLongf[1]", bound)
H.eq(z.compress2(comp, clen, text, #text, 9), 0, "compress2 returns Z_OK")
H.ok(tonumber(clen[0]) < #text / 4, "the repetitive text compresses well")
local out = ffi.new("Bytef[?]", #text)
local olen = ffi.new("uLongf[1]", #text)
H.eq(z.uncompress(out, olen, comp, clen[0]), 0, "uncompress returns Z_OK")
H.eq(tonumber(olen[0]), #text, "uncompressed length")
H.eq(ffi.string(out, olen[0]), text, "round trip")
H.eq(tonumber(z.crc32(0, "123456789", 9)), 0xCBF43926, "crc32 check value")
H.eq(z.uncompress(out, olen, "not zlib data", 13), -3, "uncompress of garbage gives Z_DATA_ERROR")

-- sqlite3
local sq = ffi.load("sqlite3")
H.ok(ffi.string(sq.sqlite3_libversion()):match("^3%.") ~= nil, "sqlite3_libversion")
local pdb = ffi.new("sqlite3 *[1]")
H.eq(sq.sqlite3_open(":memory:", pdb), 0, "sqlite3_open")
local db = pdb[0]
H.eq(sq.sqlite3_exec(db, "CREATE TABLE t(id INTEGER, name TEXT, score REAL, big INTEGER)", nil, nil, nil), 0,
  "CREATE TABLE")
local pstmt = ffi.new("sqlite3_stmt *[1]")
H.eq(sq.sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?, ?, ?)", -1, pstmt, nil), 0, "prepare INSERT")
local ins = pstmt[0]
local rows = { { 1, "one", 1.5 }, { 2, "two", 2.25 }, { 3, "three", -7.0 } }
for _, r in ipairs(rows) do
  sq.sqlite3_bind_int(ins, 1, r[1])
  -- SQLITE_TRANSIENT ((void(*)(void*))-1): sqlite copies the text.
  sq.sqlite3_bind_text(ins, 2, r[2], -1, ffi.cast("void (*)(void *)", -1))
  sq.sqlite3_bind_double(ins, 3, r[3])
  sq.sqlite3_bind_int64(ins, 4, ffi.new("int64_t", 2^40) + r[1])
  H.eq(sq.sqlite3_step(ins), 101, "INSERT step gives SQLITE_DONE")
  sq.sqlite3_reset(ins)
end
H.eq(sq.sqlite3_finalize(ins), 0, "finalize INSERT")
H.eq(sq.sqlite3_prepare_v2(db, "SELECT id, name, score, big FROM t WHERE id >= ? ORDER BY id", -1, pstmt, nil), 0,
  "prepare SELECT")
local sel = pstmt[0]
sq.sqlite3_bind_int(sel, 1, 2)
H.eq(sq.sqlite3_column_count(sel), 4, "column count")
local got = {}
while sq.sqlite3_step(sel) == 100 do
  got[#got + 1] = string.format("%d:%s:%g:%s", sq.sqlite3_column_int(sel, 0),
    ffi.string(sq.sqlite3_column_text(sel, 1)), sq.sqlite3_column_double(sel, 2),
    tostring(sq.sqlite3_column_int64(sel, 3)))
end
H.eq(table.concat(got, ","), "2:two:2.25:1099511627778LL,3:three:-7:1099511627779LL", "SELECT rows")
H.eq(sq.sqlite3_finalize(sel), 0, "finalize SELECT")
H.eq(sq.sqlite3_prepare_v2(db, "SELEKT nonsense", -1, pstmt, nil), 1, "a syntax error gives SQLITE_ERROR")
H.ok(ffi.string(sq.sqlite3_errmsg(db)):find("syntax error") ~= nil, "sqlite3_errmsg")
H.eq(sq.sqlite3_close(db), 0, "sqlite3_close")

H.done()
