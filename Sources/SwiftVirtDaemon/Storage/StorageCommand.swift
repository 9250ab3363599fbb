import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// The host tools pool backends run (mount, mkfs, LVM, parted, blkid), each to completion. A failure reads as
/// libvirt's virCommandRun failure: the command line, its exit status and what it printed on stderr.
/// Blocking: call inside `BlockingIO.run`.
enum StorageCommand {
    static let searchPath = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    static func find(_ tool: String) -> String? {
        searchPath.map { "\($0)/\(tool)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs `tool` (looked up in the system directories) and returns its standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        guard let executable = find(tool) else {
            throw VirtError(
                .internalError, domain: .storage, detail: "Cannot find '\(tool)' in path: No such file or directory")
        }
        let result = try ChildProcess.run(executable, arguments)
        guard result.status == 0 else {
            let line = ([executable] + arguments).joined(separator: " ")
            let output = result.standardError.trimmingWhitespace()
            throw VirtError(
                .internalError, domain: .storage,
                detail: "Child process (\(line)) unexpected exit status \(result.status)"
                    + (output.isEmpty ? "" : ": " + output))
        }
        return result.standardOutput
    }

    /// Like `run`, but a failure is returned, not thrown (probes).
    static func probe(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        guard let executable = find(tool), let result = try? ChildProcess.run(executable, arguments) else {
            return (-1, "")
        }
        return (result.status, result.standardOutput)
    }

    /// Whether `target` is a mount point of `source` (both compared as given, after resolving symlinks).
    static func isMounted(source: String, target: String) -> Bool {
        guard let text = readProcFile("/proc/self/mounts") else { return false }
        let wanted = (resolve(source), resolve(target))
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2 else { continue }
            let device = unescape(String(fields[0]))
            let dir = unescape(String(fields[1]))
            if resolve(dir) == wanted.1 && (resolve(device) == wanted.0 || device == source) { return true }
        }
        return false
    }

    /// Whether anything is mounted on `target`.
    static func isMountPoint(_ target: String) -> Bool {
        guard let text = readProcFile("/proc/self/mounts") else { return false }
        let wanted = resolve(target)
        return text.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count >= 2 && resolve(unescape(String(fields[1]))) == wanted
        }
    }

    private static func resolve(_ path: String) -> String {
        guard let p = realpath(path, nil) else { return path }
        defer { free(p) }
        return String(cString: p)
    }

    /// /proc/mounts escapes spaces, tabs, newlines and backslashes as octal.
    private static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var chars = Substring(s)
        while let c = chars.first {
            if c == "\\", chars.count >= 4, let v = UInt8(chars.dropFirst().prefix(3), radix: 8) {
                out.append(Character(UnicodeScalar(v)))
                chars = chars.dropFirst(4)
            } else {
                out.append(c)
                chars = chars.dropFirst()
            }
        }
        return out
    }

    /// The size in bytes of a block device (or a regular file).
    static func deviceSize(_ path: String) -> UInt64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let end = lseek(fd, 0, SEEK_END)
        return end >= 0 ? UInt64(end) : nil
    }

    /// Writes zeros over the first and last `bytes` of a device (libvirt's virStorageBackendZeroPartitionTable).
    static func zeroEnds(_ path: String, bytes: Int = 1 << 20) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VirtError(
                .systemError, domain: .storage,
                detail: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let size = deviceSize(path) ?? 0
        let zeros = [UInt8](repeating: 0, count: min(bytes, Int(size)))
        for offset in [0, max(0, Int64(size) - Int64(zeros.count))] {
            let n = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, zeros.count, off_t(offset)) }
            if n < 0 {
                throw VirtError(
                    .systemError, domain: .storage,
                    detail: "cannot write to '\(path)': \(String(cString: strerror(errno)))")
            }
        }
        fsync(fd)
    }
}
