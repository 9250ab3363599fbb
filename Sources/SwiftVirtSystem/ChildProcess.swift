import CSwiftVirtSys
import Glibc

/// Runs a short-lived helper tool (qemu --version, ip, nft, qemu-img) to completion and collects what it printed.
/// Foundation's `Process` would pull all of Foundation (and ICU) into swiftvirtd; this is fork/exec plus pipes.
/// Blocking: call `run` inside `BlockingIO.run` (see ConcurrencyRule.swift).
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// What a supervised child (QEMU, say) gets instead of the daemon's environment, as libvirt gives its
    /// children: C locale messages (so logs and parsed output do not depend on the host's locale), the standard
    /// tool directories, and `/` as home.
    public static let minimalEnvironment: [String: String] = [
        "LC_ALL": "C", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/",
    ]

    public struct SpawnError: Error, Sendable, CustomStringConvertible {
        public var executable: String
        public var errno: Int32
        public var description: String { "cannot run \(executable): \(String(cString: strerror(errno)))" }
    }

    /// Blocks until the child exits. `input` is written to its stdin (else /dev/null); with `mergeOutput` stderr
    /// goes into `standardOutput`. Pipes are drained together so neither side can stall on a full buffer.
    public static func run(
        _ executable: String, _ arguments: [String], input: String? = nil, mergeOutput: Bool = false
    ) throws -> Result {
        try run(executable, arguments, inputBytes: input.map { Array($0.utf8) }, mergeOutput: mergeOutput)
    }

    /// As `run`, with stdin fed from bytes (a secret's value, which never appears on a command line).
    public static func run(
        _ executable: String, _ arguments: [String], inputBytes input: [UInt8]?, mergeOutput: Bool = false
    ) throws -> Result {
        var pipes: [Int32] = []
        defer { for fd in pipes where fd >= 0 { close(fd) } }
        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            // Close-on-exec at once: the spawn shims close every other descriptor in their children anyway.
            guard pipe(&fds) == 0 else { throw SpawnError(executable: executable, errno: errno) }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes += fds
            return (fds[0], fds[1])
        }
        let out = try makePipe()
        let err = mergeOutput ? out : try makePipe()
        let stdinPipe = input == nil ? nil : try makePipe()

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The child inherits the daemon's environment, as it did with Foundation's Process.
        let pid = sv_spawn_piped(executable, argv, environ, stdinPipe?.read ?? -1, out.write, err.write)
        guard pid > 0 else { throw SpawnError(executable: executable, errno: -pid) }
        // Our copies of the child's ends must go, or the reads below never see end-of-file.
        for end in Set([out.write, err.write, stdinPipe?.read ?? -1]) where end >= 0 {
            var fd = end
            closeTracked(&fd, &pipes)
        }
        var inputBytes = (input ?? [])[...]
        var inFD = stdinPipe?.write ?? -1
        var outFD = out.read
        var errFD = mergeOutput ? -1 : err.read
        var outBytes: [UInt8] = []
        var errBytes: [UInt8] = []
        if inFD >= 0 && inputBytes.isEmpty { closeTracked(&inFD, &pipes) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while outFD >= 0 || errFD >= 0 || inFD >= 0 {
            var polls = [
                pollfd(fd: outFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: errFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0),
            ]
            guard poll(&polls, 3, -1) >= 0 else {
                if errno == EINTR { continue }
                break
            }
            if polls[2].revents != 0 {
                // POLLOUT promises PIPE_BUF bytes of room: larger writes could block while the child waits on us.
                let n = inputBytes.withUnsafeBytes { write(inFD, $0.baseAddress, min($0.count, Int(PIPE_BUF))) }
                if n > 0 { inputBytes = inputBytes.dropFirst(n) }
                if n < 0 && errno != EINTR && errno != EAGAIN || inputBytes.isEmpty { closeTracked(&inFD, &pipes) }
            }
            for (i, isOut) in [(0, true), (1, false)] where polls[i].revents != 0 {
                let fd = isOut ? outFD : errFD
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if isOut { outBytes += buffer[0..<n] } else { errBytes += buffer[0..<n] }
                } else if n == 0 || errno != EINTR {
                    if isOut { closeTracked(&outFD, &pipes) } else { closeTracked(&errFD, &pipes) }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Result(
            status: sv_wait_status_code(status), standardOutput: String(decoding: outBytes, as: UTF8.self),
            standardError: String(decoding: errBytes, as: UTF8.self))
    }

    private static func closeTracked(_ fd: inout Int32, _ pipes: inout [Int32]) {
        close(fd)
        if let i = pipes.firstIndex(of: fd) { pipes[i] = -1 }
        fd = -1
    }
}
