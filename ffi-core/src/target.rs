//! The target: the facts of a C ABI that decide sizes, alignments and struct layout.
//!
//! ffi-core computes layouts for a [`Target`] value, not for the machine it runs on, so
//! that the Win64 rules (4-byte `long`, 2-byte `wchar_t`, MSVC bitfields) can be checked on
//! Linux against gcc's `-mms-bitfields`.

/// The operating-system family, as `ffi.os` names it.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash)]
pub enum Os {
    /// Linux.
    Linux,
    /// Windows.
    Windows,
    /// macOS.
    Osx,
    /// A BSD.
    Bsd,
    /// Another POSIX system.
    Posix,
    /// Anything else.
    Other,
}

/// Which rules lay out structs with bitfields.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash)]
pub enum BitfieldRules {
    /// gcc/clang on SysV: a bitfield may share storage with any neighbour as long as it
    /// does not cross a boundary of its own type's alignment.
    Gcc,
    /// MSVC (and gcc's `ms_struct`): consecutive bitfields share a unit only while their
    /// declared types have the same size.
    Msvc,
}

/// The calling convention C functions use on a target (how arguments and results are
/// passed; see the x86-64 psABI and Microsoft's x64 calling convention).
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash)]
pub enum CallAbi {
    /// x86-64 System V: INTEGER/SSE/MEMORY eightbytes in six integer and eight vector
    /// registers.
    SysV,
    /// Win64: four positional register slots with shadow space, aggregates other than
    /// 1/2/4/8 bytes by reference.
    Win64,
}

/// ABI facts for one C target.
#[derive(Copy, Clone, PartialEq, Eq, Debug, Hash)]
pub struct Target {
    /// Size of `long` and `unsigned long` in bytes.
    pub long_size: u8,
    /// Size of `wchar_t` in bytes.
    pub wchar_size: u8,
    /// Whether `wchar_t` is signed.
    pub wchar_signed: bool,
    /// Size and alignment of `long double`.
    pub long_double: (u8, u8),
    /// Pointer size in bytes.
    pub ptr_size: u8,
    /// Bitfield layout rules.
    pub bitfields: BitfieldRules,
    /// The OS family.
    pub os: Os,
    /// `ffi.arch`.
    pub arch: &'static str,
    /// The default calling convention of C functions.
    pub call_abi: CallAbi,
}

impl Target {
    /// x86-64 System V (Linux, BSD, macOS): LP64.
    pub const SYSV_X64: Target = Target {
        long_size: 8,
        wchar_size: 4,
        wchar_signed: true,
        long_double: (16, 16),
        ptr_size: 8,
        bitfields: BitfieldRules::Gcc,
        os: Os::Linux,
        arch: "x64",
        call_abi: CallAbi::SysV,
    };

    /// x86-64 Windows: LLP64, 8-byte `long double`, MSVC bitfields.
    pub const WIN64: Target = Target {
        long_size: 4,
        wchar_size: 2,
        wchar_signed: false,
        long_double: (8, 8),
        ptr_size: 8,
        bitfields: BitfieldRules::Msvc,
        os: Os::Windows,
        arch: "x64",
        call_abi: CallAbi::Win64,
    };

    /// The target this crate was compiled for (x86-64 SysV or Win64; other hosts get the
    /// SysV x86-64 facts with their own OS name until their ABI is supported).
    pub const fn host() -> Target {
        if cfg!(windows) {
            Target::WIN64
        } else {
            let mut t = Target::SYSV_X64;
            t.os = if cfg!(target_os = "linux") {
                Os::Linux
            } else if cfg!(target_os = "macos") {
                Os::Osx
            } else if cfg!(any(
                target_os = "freebsd",
                target_os = "openbsd",
                target_os = "netbsd",
                target_os = "dragonfly"
            )) {
                Os::Bsd
            } else if cfg!(unix) {
                Os::Posix
            } else {
                Os::Other
            };
            t
        }
    }

    /// `ffi.os` spelling.
    pub fn os_name(&self) -> &'static str {
        match self.os {
            Os::Linux => "Linux",
            Os::Windows => "Windows",
            Os::Osx => "OSX",
            Os::Bsd => "BSD",
            Os::Posix => "POSIX",
            Os::Other => "Other",
        }
    }
}

impl Default for Target {
    fn default() -> Self {
        Target::host()
    }
}
