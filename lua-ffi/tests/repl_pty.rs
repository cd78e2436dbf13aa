//! The REPL on a terminal: `lua-ffi` and Debian's `lua5.4` (GNU readline) driven through
//! a pseudo-terminal with the same keystrokes (expressions, `=expr`, continuation lines,
//! errors, history recall with the up arrow, Ctrl-C stopping a running loop, Ctrl-D), and
//! the screens they leave compared line by line, apart from the banner.
//!
//! Without `lua5.4` only `lua-ffi` runs (its screen is still checked), with a loud line,
//! unless `FFI_REQUIRE_ORACLES` is set.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::OURS;

fn stock() -> Option<PathBuf> {
    common::stock("the REPL ran on lua-ffi only, without comparison")
}

/// A child on a pseudo-terminal.
struct Pty {
    master: OwnedFd,
    child: std::process::Child,
    screen: Vec<u8>,
}

impl Pty {
    fn spawn(exe: &Path) -> Pty {
        let (mut m, mut s) = (0, 0);
        let ws = libc::winsize { ws_row: 24, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: openpty writes two descriptors; no name buffer, default termios.
        let rc =
            unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
        assert_eq!(rc, 0, "openpty");
        // SAFETY: openpty returned this descriptor, now owned here.
        let master = unsafe { OwnedFd::from_raw_fd(m) };
        // SAFETY: as above.
        let slave = unsafe { OwnedFd::from_raw_fd(s) };
        let mut cmd = Command::new(exe);
        cmd.arg0("lua")
            .env("TERM", "xterm")
            .env_remove("LUA_INIT")
            .env_remove("LUA_INIT_5_4")
            .env("INPUTRC", "/dev/null")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        let to_terminal = || {
            // SAFETY: between fork and exec, an async-signal-safe call: a new session.
            unsafe { libc::setsid() };
            // SAFETY: as above; the terminal on fd 0 becomes the controlling terminal,
            // so that Ctrl-C sends SIGINT.
            unsafe { libc::ioctl(0, libc::TIOCSCTTY, 0) };
            Ok(())
        };
        // SAFETY: the closure only makes the two calls above.
        unsafe { cmd.pre_exec(to_terminal) };
        let child = cmd.spawn().expect("spawn on the pty");
        // SAFETY: a descriptor this struct owns.
        unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
        Pty { master, child, screen: Vec::new() }
    }

    /// Reads what is there; false once the terminal is closed.
    fn pump(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: reads into a local buffer from a descriptor owned here.
            let n =
                unsafe { libc::read(self.master.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n > 0 {
                self.screen.extend_from_slice(&buf[..n as usize]);
                // Answer a cursor position query, as a terminal would.
                if buf[..n as usize].windows(4).any(|w| w == b"\x1b[6n") {
                    self.write(b"\x1b[1;1R");
                }
                continue;
            }
            let err = std::io::Error::last_os_error().raw_os_error();
            return n < 0 && err == Some(libc::EAGAIN);
        }
    }

    fn write(&self, bytes: &[u8]) {
        // SAFETY: writes a local buffer to a descriptor owned here.
        let n = unsafe { libc::write(self.master.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        assert_eq!(n, bytes.len() as isize);
    }

    /// Waits until the screen's last line is `prompt` (the child waits for input).
    fn wait_prompt(&mut self, prompt: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let open = self.pump();
            let lines = screen_lines(&self.screen);
            let want = prompt.trim_end();
            if lines.last().is_some_and(|l| l == want) {
                std::thread::sleep(Duration::from_millis(30));
                self.pump();
                if screen_lines(&self.screen).last().is_some_and(|l| l == want) {
                    return;
                }
            }
            assert!(open, "terminal closed waiting for {prompt:?}: {lines:?}");
            assert!(Instant::now() < deadline, "no {prompt:?} prompt: {lines:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn finish(mut self) -> (Vec<String>, Option<i32>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.pump() {
            assert!(Instant::now() < deadline, "the REPL did not end");
            std::thread::sleep(Duration::from_millis(10));
        }
        let status = self.child.wait().unwrap();
        (screen_lines(&self.screen), status.code())
    }
}

/// The lines a terminal would show: a small terminal that knows carriage return, line
/// feed, backspace and the cursor and erase sequences line editors use (CSI `C`, `D`, `G`,
/// `K`, `P`); other escape sequences change nothing visible here.
fn screen_lines(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut col = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\r' => col = 0,
            '\n' => {
                lines.push(line.iter().collect::<String>().trim_end().to_string());
                line.clear();
                col = 0;
            }
            '\x08' => col = col.saturating_sub(1),
            '\x07' => {}
            '\x1b' if chars.get(i) == Some(&'[') => {
                let mut params = String::new();
                i += 1;
                while i < chars.len() && !('\x40'..='\x7e').contains(&chars[i]) {
                    params.push(chars[i]);
                    i += 1;
                }
                let Some(&fin) = chars.get(i) else { break };
                i += 1;
                let n = params.parse::<usize>().unwrap_or(1).max(1);
                match fin {
                    'C' => col += n,
                    'D' => col = col.saturating_sub(n),
                    'G' => col = n - 1,
                    'K' if params.is_empty() || params == "0" => line.truncate(col),
                    'P' if col < line.len() => {
                        line.drain(col..(col + n).min(line.len()));
                    }
                    _ => {}
                }
            }
            '\x1b' if chars.get(i) == Some(&']') => {
                while i < chars.len() && chars[i] != '\x07' {
                    i += 1;
                }
                i += 1;
            }
            '\x1b' => i += 1,
            c => {
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    lines.push(line.iter().collect::<String>().trim_end().to_string());
    lines
}

/// One session: each entry waits for its prompt, then types its keys.
fn session(exe: &Path) -> (Vec<String>, Option<i32>) {
    let mut p = Pty::spawn(exe);
    let steps: &[(&str, &[u8])] = &[
        ("> ", b"print(1 + 1)\r"),
        ("> ", b"=2 ^ 10\r"),
        ("> ", b"'a' .. 'b', nil, 3\r"),
        ("> ", b"for i = 1, 2 do\r"),
        (">> ", b"print('loop', i)\r"),
        (">> ", b"end\r"),
        ("> ", b"x = 7\r"),
        ("> ", b"x * 6\r"),
        ("> ", b"error('oops')\r"),
        ("> ", b"\x1b[A\x1b[A\r"),
        // Three lines in one write (a paste without bracketed paste, or typed ahead),
        // then history with a duplicate: up three times is the first `print('p', 1)`
        // (`x * 6` if the duplicate had not been kept).
        ("> ", b"print('p', 1)\rprint('p', 1)\rprint('p', 2)\r"),
        ("> ", b"\x1b[A\x1b[A\x1b[A\r"),
        ("> ", b"local n = 0 while true do n = n + 1 end\r"),
    ];
    for (prompt, keys) in steps {
        p.wait_prompt(prompt);
        p.write(keys);
    }
    // Ctrl-C while the loop runs: "interrupted!", then the prompt again.
    std::thread::sleep(Duration::from_millis(300));
    p.write(b"\x03");
    p.wait_prompt("> ");
    p.write(b"print('still here')\r");
    p.wait_prompt("> ");
    p.write(b"\x04");
    p.finish()
}

#[test]
fn repl_on_a_terminal() {
    let (ours, status) = session(Path::new(OURS));
    let text = ours.join("\n");
    assert_eq!(status, Some(0), "{text}");
    assert!(ours[0].starts_with("lua-ffi "), "banner: {text}");
    for part in [
        "> print(1 + 1)\n2\n",
        "> =2 ^ 10\n1024.0\n",
        "> 'a' .. 'b', nil, 3\nab\tnil\t3\n",
        "> for i = 1, 2 do\n>> print('loop', i)\n>> end\nloop\t1\nloop\t2\n",
        "> x * 6\n42\n",
        "> error('oops')\nstdin:1: oops\nstack traceback:\n",
        "> x * 6\n42\n> print('p', 1)\np\t1\n> print('p', 1)\np\t1\n> print('p', 2)\np\t2\n> print('p', 1)\np\t1\n> local n",
        "interrupted!\nstack traceback:\n\tstdin:1: in main chunk\n",
        "> print('still here')\nstill here\n>\n",
    ] {
        assert!(text.contains(part), "{part:?} not on the screen:\n{text}");
    }
    if let Some(lua) = stock() {
        let (theirs, status) = session(&lua);
        assert_eq!(status, Some(0));
        assert!(theirs[0].starts_with("Lua 5.4"));
        assert_eq!(ours[1..], theirs[1..], "screens differ");
        println!(
            "side by side with lua5.4 (REPL on a pseudo-terminal): {} screen lines, the same after the banner",
            ours.len()
        );
    }
}

/// A fatal signal while the line editor holds the terminal in raw mode: the terminal is
/// left in its normal mode (echo, line editing), as readline leaves it.
#[test]
fn sigterm_at_the_prompt_restores_the_terminal() {
    let mut exes = vec![PathBuf::from(OURS)];
    exes.extend(stock());
    let both = exes.len() == 2;
    for exe in exes.iter() {
        let mut p = Pty::spawn(exe);
        p.wait_prompt("> ");
        // SAFETY: signals the child this test spawned.
        unsafe { libc::kill(p.child.id() as libc::pid_t, libc::SIGTERM) };
        let status = p.child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGTERM), "{exe:?}");
        // SAFETY: an all-zero termios is a valid buffer for tcgetattr to fill.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: the master side reports the pseudo-terminal's mode.
        assert_eq!(unsafe { libc::tcgetattr(p.master.as_raw_fd(), &mut t) }, 0);
        assert_eq!(t.c_lflag & (libc::ICANON | libc::ECHO), libc::ICANON | libc::ECHO, "{exe:?}");
    }
    if both {
        println!("side by side with lua5.4 (SIGTERM at the prompt): the terminal's mode restored by both");
    }
}
