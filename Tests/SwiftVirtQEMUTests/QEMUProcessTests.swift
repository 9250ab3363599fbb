import Foundation
import SwiftVirtSystem
import Testing

@testable import SwiftVirtQEMU

@Suite struct QEMUProcessTests {
    @Test func childGetsOnlyStdioAndANewSession() async throws {
        let dir = try ScratchDirectory()
        let log = dir.path + "/sh.log"
        // Leave a descriptor open without CLOEXEC in the parent: the child must not inherit it.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let process = try QEMUProcess.spawn(
            executable: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd; echo sid=$(ps -o sid= -p $$) pid=$$; cat"],
            logPath: log)
        #expect(await process.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix(": starting up"))
        #expect(text.contains("LC_ALL=C"))
        // The shell's own descriptors: stdio only.
        let fdLines = lines.filter { Int($0) != nil }
        #expect(fdLines == ["0", "1", "2"])
        #expect(text.contains("sid=\(process.pid) pid=\(process.pid)") || text.contains("sid= \(process.pid)"))
    }

    /// A macvtap's descriptor reaches QEMU under the same number (`-netdev tap,fd=N`); nothing else leaks.
    @Test func keptDescriptorsReachTheChildUnderTheirNumbers() async throws {
        let dir = try ScratchDirectory()
        let log = dir.path + "/sh.log"
        let kept = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let leaked = open("/dev/null", O_RDONLY)
        defer {
            close(kept)
            close(leaked)
        }
        let process = try QEMUProcess.spawn(
            executable: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd"], logPath: log, keeping: [kept])
        #expect(await process.waitForExit(timeout: .seconds(10)) == .exited(code: 0))
        let fds = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        #expect(fds == [0, 1, 2, Int(kept)].sorted(), "kept \(kept), leaked \(leaked)")
    }

    @Test func missingExecutableIsATypedError() {
        #expect(throws: QEMUProcessError.spawnFailed(executable: "/nonexistent/qemu", errno: ENOENT)) {
            try QEMUProcess.spawn(executable: "/nonexistent/qemu", arguments: [], logPath: "/tmp/svq-missing.log")
        }
        try? FileManager.default.removeItem(atPath: "/tmp/svq-missing.log")
    }

    @Test(.enabled(if: qemuInstalled)) func qemuTerminatesOnTermAndWritesLogAndPidFile() async throws {
        let dir = try ScratchDirectory()
        let process = try QEMUProcess.spawn(
            executable: qemuBinary, arguments: ["-machine", "none", "-nodefaults", "-display", "none"],
            logPath: dir.path + "/q.log", pidFilePath: dir.path + "/q.pid")
        #expect(try String(contentsOfFile: dir.path + "/q.pid", encoding: .utf8) == "\(process.pid)\n")
        try await Task.sleep(for: .milliseconds(200))
        #expect(!process.hasExited)
        let exit = await process.terminate(gracePeriod: .seconds(5))
        #expect(exit == .exited(code: 0))
        let log = try String(contentsOfFile: dir.path + "/q.log", encoding: .utf8)
        #expect(log.contains("/usr/bin/qemu-system-x86_64 \\\n-machine \\\nnone"))
        #expect(log.contains("terminating on signal 15"))
    }

    @Test(.enabled(if: qemuInstalled)) func killedChildReportsTheSignal() async throws {
        let dir = try ScratchDirectory()
        let process = try QEMUProcess.spawn(
            executable: qemuBinary, arguments: ["-machine", "none", "-nodefaults", "-display", "none"],
            logPath: dir.path + "/q.log")
        process.signal(SIGKILL)
        #expect(await process.waitForExit(timeout: .seconds(10)) == .signaled(signal: SIGKILL))
    }

    @Test(.enabled(if: qemuInstalled)) func adoptedProcessExitIsSeen() async throws {
        let other = Process()
        other.executableURL = URL(fileURLWithPath: qemuBinary)
        other.arguments = ["-machine", "none", "-nodefaults", "-display", "none"]
        other.standardError = FileHandle.nullDevice
        try other.run()
        let adopted = try QEMUProcess.adopt(pid: other.processIdentifier, expectedExecutable: qemuBinary)
        #expect(!adopted.isChild)
        #expect(throws: QEMUProcessError.self) {
            try QEMUProcess.adopt(pid: other.processIdentifier, expectedExecutable: "/bin/sh")
        }
        kill(other.processIdentifier, SIGKILL)
        #expect(await adopted.waitForExit(timeout: .seconds(10)) != nil)
        other.waitUntilExit()
    }

    @Test func adoptingAGonePidFails() {
        #expect(throws: QEMUProcessError.notRunning(pid: 999_999_999)) {
            try QEMUProcess.adopt(pid: 999_999_999, expectedExecutable: qemuBinary)
        }
    }
}
