//! `package.path` and `package.cpath` as Debian's `lua5.4` sets them.
//!
//! The vendored Lua's defaults name only `/usr/local`; the stock interpreter of a Debian
//! system also searches the directories its packages install into
//! (`/usr/share/lua/5.4/`, `/usr/lib/<multiarch>/lua/5.4/`, `/usr/lib/lua/5.4/`). The
//! environment is read as `loadlib.c` reads it: `LUA_PATH_5_4`, else `LUA_PATH` (and the
//! same for `CPATH`); a `;;` in it stands for the default; `-E` ignores both.

/// The default `package.path` (Debian's `LUA_PATH_DEFAULT` for 5.4).
pub const PATH_DEFAULT: &str =
    "/usr/local/share/lua/5.4/?.lua;/usr/local/share/lua/5.4/?/init.lua;\
/usr/local/lib/lua/5.4/?.lua;/usr/local/lib/lua/5.4/?/init.lua;\
/usr/share/lua/5.4/?.lua;/usr/share/lua/5.4/?/init.lua;./?.lua;./?/init.lua";

/// The multiarch directory of C modules on Debian for this target, if it has one.
fn multiarch() -> Option<&'static str> {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return None;
    }
    match std::env::consts::ARCH {
        "x86_64" => Some("x86_64-linux-gnu"),
        "aarch64" => Some("aarch64-linux-gnu"),
        "x86" => Some("i386-linux-gnu"),
        "riscv64" => Some("riscv64-linux-gnu"),
        "powerpc64" => Some("powerpc64le-linux-gnu"),
        "s390x" => Some("s390x-linux-gnu"),
        _ => None,
    }
}

/// The default `package.cpath` (Debian's `LUA_CPATH_DEFAULT` for 5.4).
pub fn cpath_default() -> String {
    let arch = multiarch().map(|a| format!("/usr/lib/{a}/lua/5.4/?.so;")).unwrap_or_default();
    format!(
        "/usr/local/lib/lua/5.4/?.so;{arch}/usr/lib/lua/5.4/?.so;\
         /usr/local/lib/lua/5.4/loadall.so;./?.so"
    )
}

/// The value of one search path: `env` (the `_5_4` name first, then the plain one) with
/// `;;` replaced by `default`, or `default` when neither is set or `no_env`.
pub fn search_path(
    env: &str,
    default: &str,
    no_env: bool,
    getenv: impl Fn(&str) -> Option<Vec<u8>>,
) -> Vec<u8> {
    let value = getenv(&format!("{env}_5_4")).or_else(|| getenv(env));
    let Some(value) = value.filter(|_| !no_env) else {
        return default.as_bytes().to_vec();
    };
    let Some(mark) = value.windows(2).position(|w| w == b";;") else {
        return value;
    };
    let mut out = Vec::with_capacity(value.len() + default.len() + 2);
    if mark > 0 {
        out.extend_from_slice(&value[..mark]);
        out.push(b';');
    }
    out.extend_from_slice(default.as_bytes());
    if mark + 2 < value.len() {
        out.push(b';');
        out.extend_from_slice(&value[mark + 2..]);
    }
    out
}

/// Reads an environment variable as bytes (C's `getenv`).
pub fn getenv(name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(name).map(OsStringExt::into_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<Vec<u8>> + 'a {
        move |n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_bytes().to_vec())
    }

    #[test]
    fn environment_and_default() {
        let p = |vars: &[(&str, &str)], no_env| {
            String::from_utf8(search_path("LUA_PATH", "D", no_env, env(vars))).unwrap()
        };
        assert_eq!(p(&[], false), "D");
        assert_eq!(p(&[("LUA_PATH", "a;b")], false), "a;b");
        assert_eq!(p(&[("LUA_PATH", "a;b"), ("LUA_PATH_5_4", "v")], false), "v");
        assert_eq!(p(&[("LUA_PATH", "a;b")], true), "D");
        assert_eq!(p(&[("LUA_PATH", "a;;b")], false), "a;D;b");
        assert_eq!(p(&[("LUA_PATH", ";;")], false), "D");
        assert_eq!(p(&[("LUA_PATH", "x;;")], false), "x;D");
        assert_eq!(p(&[("LUA_PATH", ";;y")], false), "D;y");
    }

    #[test]
    fn debian_locations() {
        assert!(PATH_DEFAULT.contains("/usr/share/lua/5.4/?.lua"));
        let c = cpath_default();
        assert!(c.starts_with("/usr/local/lib/lua/5.4/?.so;"));
        if cfg!(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64")) {
            assert!(c.contains(";/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;"));
        }
    }
}
