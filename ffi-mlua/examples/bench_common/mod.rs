//! What the benchmarks share: the timing harness (Lua), the table printer, and building
//! a benchmark's C library.

/// Lua prelude defining `row(name, f, g)`: `f` (ffi) and `g` (the binding) alternate every
/// 10,000 iterations inside each of 15 rounds (so a slow period of the machine hits both
/// alike), a full collection before each round, and the best round of each side counts;
/// results accumulate in `rows` as `{ name, ns_ffi, ns_binding }`. `N` iterations per round
/// (`BENCH_N`, default 1,000,000).
pub const HARNESS: &str = r#"
local N = tonumber(os.getenv("BENCH_N") or "") or 1000000
local clock = os.clock
local CHUNK = 10000
local function pair(f, g)
  f(CHUNK); g(CHUNK)
  local bf, bg = math.huge, math.huge
  for _ = 1, 15 do
    collectgarbage(); collectgarbage()
    local tf, tg = 0, 0
    for _ = 1, N / CHUNK do
      local t0 = clock(); f(CHUNK); local t1 = clock(); g(CHUNK); local t2 = clock()
      tf = tf + (t1 - t0); tg = tg + (t2 - t1)
    end
    if tf < bf then bf = tf end
    if tg < bg then bg = tg end
  end
  return bf / N * 1e9, bg / N * 1e9
end

local rows = {}
local function row(name, f, g)
  local a, b = pair(f, g)
  rows[#rows + 1] = { name, a, b }
end
"#;

/// Compiles `source` with `cc -O2 -shared` into `target/<bench>/lib<name>.so` and returns
/// the library's path.
#[allow(dead_code)] // bench_cdata has no C library
pub fn build_c_library(bench: &str, name: &str, source: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target").join(bench);
    std::fs::create_dir_all(&dir).expect("target dir");
    let src = dir.join(format!("{name}.c"));
    let so = dir.join(format!("lib{name}.so"));
    std::fs::write(&src, source).expect("write C source");
    let st = std::process::Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-O2", "-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&src)
        .status()
        .expect("run cc");
    assert!(st.success(), "cc failed");
    so
}

/// Prints the rows a benchmark script returned, with a heading naming the VM and `unit`.
pub fn print_rows(lua: &mlua::Lua, rows: Vec<mlua::Table>, unit: &str, width: usize) {
    let vm: String = lua.globals().get("_VERSION").unwrap_or_default();
    println!(
        "{vm}: {unit} (best of 15 rounds, sides interleaved every 10k), ffi vs hand-written lua_CFunction binding in the same process"
    );
    println!("{:<width$} {:>8} {:>8} {:>7}", "", "ffi", "binding", "ratio");
    for r in rows {
        let name: String = r.get(1).unwrap_or_default();
        let a: f64 = r.get(2).unwrap_or(0.0);
        let b: f64 = r.get(3).unwrap_or(1.0);
        println!("{:<width$} {:>8.1} {:>8.1} {:>6.2}x", name, a, b, a / b);
    }
}
