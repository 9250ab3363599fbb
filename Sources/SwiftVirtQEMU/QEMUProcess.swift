import CSwiftVirtSys
import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem
import Synchronization

public enum QEMUProcessError: Error, Sendable, Equatable, LibvirtMappable, CustomStringConvertible {
    case cannotOpenLog(path: String, errno: Int32)
    case spawnFailed(executable: String, errno: Int32)
    case notRunning(pid: Int32)
    case notQEMU(pid: Int32, executable: String)

    public var description: String {
        switch self {
        // System errors in libvirt's words (qemuDomainLogContextNew, virCommandRun).
        case .cannotOpenLog(let path, let e): return "failed to create logfile \(path): \(String(cString: strerror(e)))"
        case .spawnFailed(let executable, let e):
            return "cannot execute binary \(executable): \(String(cString: strerror(e)))"
        case .notRunning(let pid): return "process \(pid) is not running"
        case .notQEMU(let pid, let executable): return "process \(pid) is \(executable), not QEMU"
        }
    }

    public var virtError: VirtError {
        switch self {
        case .notRunning, .notQEMU: return VirtError(.operationFailed, domain: .qemu, detail: description)
        case .cannotOpenLog, .spawnFailed: return VirtError(.systemError, domain: .qemu, detail: description)
        }
    }
}

/// One QEMU process: spawned here (our child) or adopted after a daemon restart. Its exit is watched, with every
/// other guest's, by the system's one `ProcessExitWatcher`, which also reaps children.
public final class QEMUProcess: Sendable {
    public let pid: Int32
    /// True when this daemon forked it; only then is the exit status known.
    public let isChild: Bool
    private let state = Mutex<WatchState>(WatchState())

    private struct WatchState {
        var exit: ProcessExit?
        var waiters: [CheckedContinuation<ProcessExit, Never>] = []
    }

    /// Starts `executable` in a new session with stdin on /dev/null and stdout/stderr appended to `logPath`,
    /// which first gets a timestamped line and the full command line. Writes `pidFilePath` when given.
    /// `keeping`: descriptors QEMU inherits under the same numbers (taps its command line names by `fd=`).
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String] = QEMUProcess.defaultEnvironment,
        logPath: String, pidFilePath: String? = nil, keeping: [Int32] = []
    ) throws -> QEMUProcess {
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw QEMUProcessError.cannotOpenLog(path: logPath, errno: errno) }
        defer { close(fd) }
        let envList = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let header =
            "\(Self.timestamp()): starting up\n" + envList.joined(separator: " ") + " "
            + ([executable] + arguments).map(Self.shellQuoted).joined(separator: " \\\n") + "\n"
        _ = header.withCString { write(fd, $0, strlen($0)) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = envList.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let pid =
            keeping.isEmpty
            ? sv_spawn_detached(executable, argv, envp, fd)
            : keeping.withUnsafeBufferPointer {
                sv_spawn_detached_keeping(executable, argv, envp, fd, $0.baseAddress, Int32($0.count))
            }
        guard pid > 0 else { throw QEMUProcessError.spawnFailed(executable: executable, errno: -pid) }
        if let pidFilePath { try? "\(pid)\n".write(toFile: pidFilePath, atomically: true, encoding: .utf8) }
        return QEMUProcess(pid: pid, isChild: true)
    }

    /// Takes over watching a QEMU left running by an earlier daemon. Checks the pid still names QEMU so a
    /// recycled pid is never signalled.
    public static func adopt(pid: Int32, expectedExecutable: String) throws -> QEMUProcess {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { throw QEMUProcessError.notRunning(pid: pid) }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
        let expectedName = URL(fileURLWithPath: expectedExecutable).lastPathComponent
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: expectedExecutable))
            .map { URL(fileURLWithPath: $0).lastPathComponent }
        let actualName = URL(fileURLWithPath: exe.replacing(" (deleted)", with: "")).lastPathComponent
        guard actualName == expectedName || actualName == resolved else {
            throw QEMUProcessError.notQEMU(pid: pid, executable: exe)
        }
        return QEMUProcess(pid: pid, isChild: false)
    }

    private init(pid: Int32, isChild: Bool) {
        self.pid = pid
        self.isChild = isChild
        ProcessExitWatcher.shared.watch(pid: pid, reap: isChild) { [self] exit in self.exited(exit) }
    }

    /// QEMU's environment (also what domxml-to-native prints): nothing QEMU-specific, so it is the system
    /// module's minimal child environment.
    public static var defaultEnvironment: [String: String] { ChildProcess.minimalEnvironment }

    public var hasExited: Bool { state.withLock { $0.exit != nil } }

    /// Returns once the process is gone.
    public func waitForExit() async -> ProcessExit {
        await withCheckedContinuation { continuation in
            let done: ProcessExit? = state.withLock { s in
                if let exit = s.exit { return exit }
                s.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Waits at most `timeout`; nil if still running then. (Not a task group: a group waits for all its tasks,
    /// and the one waiting for the exit cannot be cancelled, so it would wait for the exit after all.)
    public func waitForExit(timeout: Duration) async -> ProcessExit? {
        let pending = FirstAnswer()
        return await withCheckedContinuation { continuation in
            pending.waiting.withLock { $0 = continuation }
            Task { pending.answer(await self.waitForExit()) }
            Task {
                try? await Task.sleep(for: timeout)
                pending.answer(nil)
            }
        }
    }

    /// The continuation of a `waitForExit(timeout:)`, resumed by whichever of its two tasks answers first.
    private final class FirstAnswer: Sendable {
        let waiting = Mutex<CheckedContinuation<ProcessExit?, Never>?>(nil)
        func answer(_ exit: ProcessExit?) { waiting.withLock { $0.take() }?.resume(returning: exit) }
    }

    public func signal(_ sig: Int32) {
        if !hasExited { kill(pid, sig) }
    }

    /// SIGTERM, then SIGKILL if it is still there after `gracePeriod` (nil: never escalate).
    /// Returns how it ended, or nil when it survived a TERM-only request.
    @discardableResult
    public func terminate(gracePeriod: Duration? = .seconds(10)) async -> ProcessExit? {
        signal(SIGTERM)
        guard let gracePeriod else { return await waitForExit(timeout: .seconds(10)) }
        if let exit = await waitForExit(timeout: gracePeriod) { return exit }
        signal(SIGKILL)
        return await waitForExit()
    }

    /// Records how the process ended (the first report wins) and wakes everyone waiting for it.
    private func exited(_ exit: ProcessExit) {
        let (waiters, final) = state.withLock { s in
            if s.exit == nil { s.exit = exit }
            defer { s.waiters = [] }
            return (s.waiters, s.exit ?? exit)
        }
        for waiter in waiters { waiter.resume(returning: final) }
    }

    /// Appends a timestamped line to a domain log, as libvirt does for "shutting down" notes.
    public static func appendLog(_ path: String, _ message: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = "\(timestamp()): \(message)\n"
        _ = line.withCString { write(fd, $0, strlen($0)) }
    }

    static func timestamp() -> String {
        // yyyy-MM-dd HH:mm:ss.SSS+0000 in UTC, without Foundation's DateFormatter (and its ICU).
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))+0000"
    }

    static func shellQuoted(_ s: String) -> String {
        let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_=,./:@+%".contains($0) }
        return safe && !s.isEmpty ? s : "'" + s.replacing("'", with: "'\\''") + "'"
    }
}
