#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The terminal settings to put back. A global because the signal handlers below must reach it and C signal
/// handlers cannot capture context; it is written once before the handlers are installed and only read after.
nonisolated(unsafe) private var savedTerminal: termios?

/// Puts standard input's terminal in raw mode for an interactive console and guarantees it is restored: by
/// `restore()` on the normal paths, and by the handlers for SIGTERM, SIGHUP, SIGINT and SIGQUIT otherwise.
enum RawTerminal {
    /// Switches to raw mode if stdin is a terminal; returns whether it did.
    @discardableResult
    static func enter() -> Bool {
        guard isatty(0) == 1 else { return false }
        var settings = termios()
        guard tcgetattr(0, &settings) == 0 else { return false }
        savedTerminal = settings
        for sig in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            signal(sig) { received in
                if var saved = savedTerminal { tcsetattr(0, TCSAFLUSH, &saved) }
                _exit(128 + received)
            }
        }
        cfmakeraw(&settings)
        tcsetattr(0, TCSAFLUSH, &settings)
        return true
    }

    static func restore() {
        guard var saved = savedTerminal else { return }
        tcsetattr(0, TCSAFLUSH, &saved)
        savedTerminal = nil
    }

    /// Parses virsh's `--escape` syntax: `^X` is Ctrl+X, a single character is itself.
    static func escapeByte(_ text: String) -> UInt8? {
        let bytes = Array(text.utf8)
        if bytes.count == 2, bytes[0] == UInt8(ascii: "^"), (0x40...0x7f).contains(bytes[1] & 0xdf | 0x40) {
            return bytes[1] & 0x1f
        }
        if bytes.count == 1, bytes[0] < 0x80 { return bytes[0] }
        return nil
    }
}

/// Writes all of `bytes` to descriptor `fd`.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
    }
}
