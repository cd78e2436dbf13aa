//! The command line, read as Lua 5.4's `lua.c` reads it (`collectargs`): options up to
//! the first argument that does not start with `-`, which is the script; `--` ends the
//! options, `-` is the script "standard input".

/// What the options ask for before any Lua code runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// `-i`: the REPL after the script (implies `-v`).
    pub interactive: bool,
    /// `-v` (or `-i`): print the version banner.
    pub version: bool,
    /// `-e` was given at least once.
    pub exec: bool,
    /// `-E`: ignore `LUA_INIT*`, `LUA_PATH*` and `LUA_CPATH*`.
    pub no_env: bool,
}

/// The outcome of reading `argv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandLine {
    /// Well formed; `script` is the index of the script in `argv`, 0 when there is none.
    Ok {
        /// What the options ask for.
        flags: Flags,
        /// Index of the script name, or 0.
        script: usize,
    },
    /// A bad option, at this index of `argv` (for the usage message).
    Bad(usize),
}

/// Reads `argv` (with `argv[0]` the program name) as `lua.c` does.
pub fn collect(argv: &[&[u8]]) -> CommandLine {
    let mut flags = Flags::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i];
        if a.first() != Some(&b'-') {
            return CommandLine::Ok { flags, script: i };
        }
        let rest = &a[1..];
        match rest.first() {
            // "--": the script (if any) is the next argument.
            Some(b'-') => {
                if rest.len() != 1 {
                    return CommandLine::Bad(i);
                }
                let script = if i + 1 < argv.len() { i + 1 } else { 0 };
                return CommandLine::Ok { flags, script };
            }
            // "-": the script is standard input, named "-".
            None => return CommandLine::Ok { flags, script: i },
            Some(b'E') if rest.len() == 1 => flags.no_env = true,
            Some(b'W') if rest.len() == 1 => {}
            Some(b'i') if rest.len() == 1 => {
                flags.interactive = true;
                flags.version = true;
            }
            Some(b'v') if rest.len() == 1 => flags.version = true,
            Some(&c @ (b'e' | b'l')) => {
                if c == b'e' {
                    flags.exec = true;
                }
                if rest.len() == 1 {
                    match argv.get(i + 1) {
                        Some(next) if next.first() != Some(&b'-') => i += 1,
                        _ => return CommandLine::Bad(i),
                    }
                }
            }
            _ => return CommandLine::Bad(i),
        }
        i += 1;
    }
    CommandLine::Ok { flags, script: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> CommandLine {
        let mut v: Vec<&[u8]> = vec![b"lua"];
        v.extend(args.iter().map(|a| a.as_bytes()));
        collect(&v)
    }

    #[test]
    fn script_and_options() {
        assert_eq!(run(&[]), CommandLine::Ok { flags: Flags::default(), script: 0 });
        assert_eq!(run(&["a.lua", "-x"]), CommandLine::Ok { flags: Flags::default(), script: 1 });
        let CommandLine::Ok { flags, script } = run(&["-e", "x=1", "-i", "s.lua"]) else {
            panic!()
        };
        assert_eq!(script, 4);
        assert!(flags.exec && flags.interactive && flags.version && !flags.no_env);
        assert_eq!(
            run(&["-ex=1", "-"]),
            CommandLine::Ok { flags: Flags { exec: true, ..Default::default() }, script: 2 }
        );
        assert_eq!(run(&["--", "-"]), CommandLine::Ok { flags: Flags::default(), script: 2 });
        assert_eq!(run(&["--"]), CommandLine::Ok { flags: Flags::default(), script: 0 });
    }

    #[test]
    fn bad_options_name_the_culprit() {
        assert_eq!(run(&["-q"]), CommandLine::Bad(1));
        assert_eq!(run(&["-vv"]), CommandLine::Bad(1));
        assert_eq!(run(&["---"]), CommandLine::Bad(1));
        // An option that needs an argument, at the end or followed by another option.
        assert_eq!(run(&["-e"]), CommandLine::Bad(1));
        assert_eq!(run(&["-v", "-l", "-v"]), CommandLine::Bad(2));
    }
}
