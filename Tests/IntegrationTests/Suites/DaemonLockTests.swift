import Foundation
import Testing

extension Integration {
    /// One swiftvirtd per run and state directory, as libvirtd's pid file enforces: a second one would take over
    /// the sockets and write the same journal.
    @Suite struct DaemonLock {
        @Test func secondDaemonOnTheSameDirectoriesIsRefused() async throws {
            try await DaemonHarness.with { daemon in
                let binary = try TestEnvironment.daemonBinary()
                let pid = try #require(daemon.daemon?.pid)
                let virsh = Virsh(daemon)
                let xmlPath = daemon.scratch.appendingPathComponent("lock-check.xml")
                try TestEnvironment.guestXML(name: "lock-check", serialLog: "/dev/null")
                    .write(to: xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", xmlPath.path)
                let elsewhere = daemon.scratch.appendingPathComponent("other").path
                for (runDir, stateDir) in [
                    (daemon.runDir, daemon.stateDir), (elsewhere + "/run", daemon.stateDir),
                    (daemon.runDir, elsewhere + "/state"),
                ] {
                    let result = try await run(
                        binary, ["--run-dir", runDir, "--state-dir", stateDir, "--no-default-network"],
                        scratch: daemon.scratch, timeout: .seconds(30))
                    #expect(result.status == 1, "\(result)")
                    let dir = stateDir == daemon.stateDir ? daemon.stateDir : daemon.runDir
                    #expect(result.stderr.contains("another swiftvirtd (pid \(pid)) is using \(dir)"), "\(result)")
                }
                // The first daemon lost nothing: its sockets still answer and its domain is there.
                let listed = try await virsh.must("list", "--all", "--name")
                #expect(listed.contains("lock-check"))
                #expect(try String(contentsOfFile: daemon.stateDir + "/swiftvirtd.pid", encoding: .utf8) == "\(pid)\n")
                // After a crash the lock is gone with the process: a new daemon starts on the same directories.
                try await daemon.killDaemon()
                try await daemon.start()
                #expect(try await virsh.must("list", "--all", "--name").contains("lock-check"))
            }
        }
        /// A stale socket of a killed daemon is replaced at start-up; a file of another kind in its place is not.
        @Test func aFileInTheSocketsPlaceIsKept() async throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("svt-sock-\(UUID().uuidString)")
            let runDir = root.appendingPathComponent("run").path
            try FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            try "not a socket\n".write(toFile: runDir + "/libvirt-sock", atomically: true, encoding: .utf8)
            let result = try await run(
                try TestEnvironment.daemonBinary(),
                [
                    "--run-dir", runDir, "--state-dir", root.appendingPathComponent("state").path,
                    "--no-default-network",
                ],
                scratch: root, timeout: .seconds(30))
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("cannot listen on \(runDir)/libvirt-sock"), "\(result)")
            #expect(try String(contentsOfFile: runDir + "/libvirt-sock", encoding: .utf8) == "not a socket\n")
        }
    }
}
