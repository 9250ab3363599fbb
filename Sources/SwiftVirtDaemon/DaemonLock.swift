import Glibc
import SwiftVirtCore

/// Keeps a second swiftvirtd off directories one is already using, as libvirtd's pid file does: a second daemon
/// would take over the sockets and write the same journal and definitions. The lock is an flock on a file in the
/// directory, held for the life of the process; the kernel drops it when the process ends, however it ends, so a
/// crashed daemon never blocks its successor.
enum DaemonLock {
    /// Locks `dir/swiftvirtd.pid` and writes this process's pid into it. The descriptor stays open (close-on-exec,
    /// so guests and helpers do not inherit the lock).
    static func acquire(directory dir: String) throws {
        let path = dir + "/swiftvirtd.pid"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw VirtError(.systemError, detail: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readPid(fd)
            close(fd)
            if code == EWOULDBLOCK {
                throw VirtError(
                    .operationFailed,
                    detail: "another swiftvirtd\(holder.map { " (pid \($0))" } ?? "") is using \(dir); stop it first")
            }
            throw VirtError(.systemError, detail: "cannot lock '\(path)': \(String(cString: strerror(code)))")
        }
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
    }

    private static func readPid(_ fd: CInt) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingWhitespace())
    }
}
