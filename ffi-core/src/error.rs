//! Errors from parsing and type construction, worded as LuaJIT words them.

use alloc::string::String;
use core::fmt;

/// A parse or type error. Its message is complete and in LuaJIT's wording, e.g.
/// `';' expected near 'int' at line 2` or `undeclared or implicit tag 'foo'`.
#[derive(Clone, Eq, Debug)]
pub struct Error {
    msg: String,
    /// The message already says where it happened (` at line N` when N > 1).
    located: bool,
}

impl PartialEq for Error {
    fn eq(&self, o: &Error) -> bool {
        self.msg == o.msg
    }
}

impl Error {
    /// An error with a finished message.
    pub fn new(msg: impl Into<String>) -> Error {
        Error { msg: msg.into(), located: false }
    }
    /// A parse error at source line `line`: LuaJIT appends ` at line N` to every
    /// declaration parse error past the first line.
    pub(crate) fn at_line(msg: impl Into<String>, line: u32) -> Error {
        Error { msg: msg.into(), located: false }.locate(line)
    }
    /// Adds the line to a parse error that does not say it yet.
    pub(crate) fn locate(mut self, line: u32) -> Error {
        if !self.located {
            if line > 1 {
                self.msg = alloc::format!("{} at line {line}", self.msg);
            }
            self.located = true;
        }
        self
    }
    /// The message.
    pub fn message(&self) -> &str {
        &self.msg
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// Message texts shared by several places.
pub(crate) mod msg {
    pub const TOO_LARGE: &str = "size of C type is unknown or too large";
    pub const INVALID_TYPE: &str = "invalid C type";
    pub const INVALID_VALUE: &str = "invalid value";
    pub const LEVELS: &str = "chunk has too many syntax levels";
    pub const DECLSPEC: &str = "declaration specifier expected";
    pub const WRONG_PARAMS: &str = "wrong number of type parameters";
    pub const UNEXPECTED: &str = "unexpected symbol";
}
