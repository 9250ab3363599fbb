import Foundation

/// One `swiftvirtd` under test, on its own temporary run and state directories, and the virsh URIs that reach it.
/// Cleanup finds the QEMU processes it started by their command line: it names the temporary root (sockets, logs)
/// or one of the guests created through this harness (`-name guest=NAME`).
final class DaemonHarness {
    let root: URL
    let runDir: String
    let stateDir: String
    let logPath: String
    private(set) var daemon: ChildProcess?
    /// Names of the guests tests created here; see `qemuPids()`.
    var guestNames: Set<String> = []
    /// Daemon flags beyond the directories, kept across restarts.
    var extraArguments: [String] = []
    /// Network namespace the daemon runs in (`ip netns exec`); nil is the test process's own namespace, where the
    /// daemon is told not to create the `default` network so tests never add bridges to the host.
    var netns: String?

    var socket: String { runDir + "/libvirt-sock" }
    var readOnlySocket: String { runDir + "/libvirt-sock-ro" }
    var uri: String { "qemu+unix:///system?socket=\(socket)" }
    var readOnlyURI: String { "qemu+unix:///system?socket=\(readOnlySocket)" }
    /// A scratch directory for command output, XML files and serial logs.
    var scratch: URL { root.appendingPathComponent("scratch") }

    private init(root: URL) throws {
        self.root = root
        runDir = root.appendingPathComponent("run").path
        stateDir = root.appendingPathComponent("state").path
        logPath = root.appendingPathComponent("swiftvirtd.log").path
        for dir in [runDir, stateDir, scratch.path] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    /// Runs `body` with a started daemon; afterwards stops it, kills any QEMU it left and removes the directories.
    /// On failure the daemon's log tail is attached to the error.
    static func with<T>(
        arguments: [String] = [], netns: String? = nil, _ body: (DaemonHarness) async throws -> T
    ) async throws -> T {
        // Short path: unix socket paths must stay under 108 bytes, including QMP sockets below run/.
        var template = Array("/tmp/svt-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: errno \(errno)")
        }
        let harness = try DaemonHarness(root: URL(fileURLWithPath: String(cString: made)))
        harness.extraArguments = arguments
        harness.netns = netns
        do {
            try await harness.start()
            let result = try await body(harness)
            await harness.tearDown()
            return result
        } catch {
            let log = harness.logTail()
            await harness.tearDown()
            throw HarnessError("\(error)\n--- swiftvirtd log tail ---\n\(log)")
        }
    }

    /// Starts swiftvirtd and waits until both sockets accept connections.
    func start() async throws {
        if let daemon, daemon.isRunning { throw HarnessError("daemon already running") }
        let binary = try TestEnvironment.daemonBinary()
        let arguments = ["--run-dir", runDir, "--state-dir", stateDir] + extraArguments
        let child: ChildProcess
        if let netns {
            // `ip netns exec` execs the daemon, so the child's pid is the daemon's.
            child = try ChildProcess("/usr/sbin/ip", ["netns", "exec", netns, binary] + arguments, scratch: scratch)
        } else {
            child = try ChildProcess(binary, arguments + ["--no-default-network"], scratch: scratch)
        }
        daemon = child
        try await waitUntil("swiftvirtd sockets in \(runDir)", timeout: .seconds(30)) {
            guard child.isRunning else {
                throw HarnessError("swiftvirtd exited early: \(child.stderr)\(child.stdout)")
            }
            // Connect, not just stat: a killed daemon leaves its socket files behind.
            return (try? RawConnection(path: socket)) != nil && (try? RawConnection(path: readOnlySocket)) != nil
        }
    }

    /// SIGKILLs the daemon, as a crash would, leaving its guests running.
    func killDaemon() async throws {
        guard let daemon else { return }
        daemon.signal(SIGKILL)
        _ = try await daemon.wait(timeout: .seconds(10))
        appendDaemonOutput(daemon)
        self.daemon = nil
    }

    /// Pids of QEMU processes that belong to this harness (their command line names the temporary root).
    func qemuPids() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let argv = String(decoding: raw, as: UTF8.self).split(separator: "\0")
            guard let exe = argv.first, exe.contains("qemu-system"),
                argv.contains(where: { arg in
                    arg.contains(root.path) || guestNames.contains { arg.hasPrefix("guest=\($0),") || arg == $0 }
                })
            else { return nil }
            return pid
        }
    }

    func logTail(lines: Int = 60) -> String {
        var text = readFile(logPath)
        if let daemon { text += daemon.stderr + daemon.stdout }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private func appendDaemonOutput(_ child: ChildProcess) {
        let text = "--- swiftvirtd pid \(child.pid) ---\n" + child.stderr + child.stdout
        if let handle = FileHandle(forWritingAtPath: logPath)
            ?? {
                _ = FileManager.default.createFile(atPath: logPath, contents: nil)
                return FileHandle(forWritingAtPath: logPath)
            }()
        {
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try? handle.close()
        }
    }

    private func tearDown() async {
        if let daemon {
            daemon.signal(SIGTERM)
            if (try? await daemon.wait(timeout: .seconds(10))) == nil { daemon.signal(SIGKILL) }
            appendDaemonOutput(daemon)
            self.daemon = nil
        }
        for pid in qemuPids() { kill(pid, SIGKILL) }
        try? await waitUntil("QEMU processes to exit", timeout: .seconds(10)) { qemuPids().isEmpty }
        if ProcessInfo.processInfo.environment["SWIFTVIRT_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: root)
        }
    }
}
