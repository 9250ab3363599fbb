import Glibc
import Synchronization
import Testing

@testable import SwiftVirtSystem

@Suite struct ProcessExitWatcherTests {
    /// Starts `/bin/sh -c script` as our child.
    static func spawn(_ script: String) throws -> pid_t {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        try #require(rc == 0)
        return pid
    }

    /// Waits (at most 10 s) for the watcher's report.
    static func exit(of pid: pid_t, reap: Bool, watcher: ProcessExitWatcher, polled: Bool = false) async
        -> ProcessExit?
    {
        let result = Mutex<ProcessExit?>(nil)
        let report: @Sendable (ProcessExit) -> Void = { exit in result.withLock { $0 = exit } }
        if polled {
            watcher.watch(pid: pid, reap: reap, pidfd: -ENOSYS, onExit: report)
        } else {
            watcher.watch(pid: pid, reap: reap, onExit: report)
        }
        for _ in 0..<1000 {
            if let exit = result.withLock({ $0 }) { return exit }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func reportsAChildsExitCode() async throws {
        let pid = try Self.spawn("sleep 0.1; exit 3")
        #expect(await Self.exit(of: pid, reap: true, watcher: ProcessExitWatcher()) == .exited(code: 3))
    }

    @Test func reportsTheSignalThatKilledAChild() async throws {
        let pid = try Self.spawn("sleep 30")
        let watcher = ProcessExitWatcher()
        async let exit = Self.exit(of: pid, reap: true, watcher: watcher)
        try await Task.sleep(for: .milliseconds(50))
        kill(pid, SIGKILL)
        #expect(await exit == .signaled(signal: SIGKILL))
    }

    /// One watcher serves many processes at once; each gets its own status.
    @Test func watchesManyProcessesAtOnce() async throws {
        let watcher = ProcessExitWatcher()
        let pids = try (0..<20).map { try Self.spawn("sleep 0.$(( $$ % 3 + 1 )); exit \($0)") }
        try await withThrowingTaskGroup(of: (Int, ProcessExit?).self) { group in
            for (i, pid) in pids.enumerated() {
                group.addTask { (i, await Self.exit(of: pid, reap: true, watcher: watcher)) }
            }
            for try await (i, exit) in group { #expect(exit == .exited(code: Int32(i))) }
        }
    }

    /// Without a pidfd (kernels before 5.3, no descriptors left) the same thread polls, alongside pidfd watches.
    @Test func processesWithoutAPidfdArePolled() async throws {
        let watcher = ProcessExitWatcher()
        let sleeper = try Self.spawn("sleep 30")
        async let watched = Self.exit(of: sleeper, reap: true, watcher: watcher)
        try await Task.sleep(for: .milliseconds(50))  // the thread is now asleep with no timeout
        let polledChild = try Self.spawn("sleep 0.1; exit 5")
        #expect(await Self.exit(of: polledChild, reap: true, watcher: watcher, polled: true) == .exited(code: 5))
        let polledKilled = try Self.spawn("sleep 30")
        async let killed = Self.exit(of: polledKilled, reap: true, watcher: watcher, polled: true)
        try await Task.sleep(for: .milliseconds(50))
        kill(polledKilled, SIGKILL)
        #expect(await killed == .signaled(signal: SIGKILL))
        kill(sleeper, SIGTERM)
        #expect(await watched == .signaled(signal: SIGTERM))
    }

    /// Not reaping (an adopted process): the end is seen, the status is someone else's.
    @Test func aProcessLeftForItsParentEndsUnknown() async throws {
        let pid = try Self.spawn("exit 7")
        #expect(await Self.exit(of: pid, reap: false, watcher: ProcessExitWatcher()) == .unknown)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
    }

    @Test func aProcessAlreadyGoneIsReportedAtOnce() async throws {
        let pid = try Self.spawn("exit 0")
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(await Self.exit(of: pid, reap: true, watcher: ProcessExitWatcher()) == .unknown)
    }
}
