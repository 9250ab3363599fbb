import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Writes files so that a crash at any instant leaves either the old or the new content, never a mix:
/// temp file in the same directory, fsync, rename over the target, fsync the directory. Blocking (`write` and
/// `remove` flush): call them inside `BlockingIO.run` (see ConcurrencyRule.swift).
public enum AtomicFile {
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var step: String
        public var errno: Int32
        public var description: String { "cannot \(step) '\(path)': \(String(cString: strerror(errno)))" }
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        let dir = PathText.directory(of: path)
        let tmp = "\(dir)/.\(PathText.name(of: path)).tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw WriteError(path: tmp, step: "create", errno: errno) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                throw WriteError(path: tmp, step: "write", errno: e)
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw WriteError(path: tmp, step: "fsync", errno: e)
        }
        close(fd)
        guard rename(tmp, path) == 0 else { throw WriteError(path: path, step: "rename into place", errno: errno) }
        ok = true
        syncDirectory(dir)
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Removes a file and makes the removal durable.
    public static func remove(_ path: String) {
        if unlink(path) == 0 { syncDirectory(PathText.directory(of: path)) }
    }

    public static func syncDirectory(_ dir: String) {
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
    }
}
