import Foundation
import Testing

extension Integration {
    /// `--busy-poll-us`: event loops poll their connections briefly after a reply. Polling must end when calls
    /// stop, and the flag's value is checked like every other flag's.
    @Suite struct BusyPoll {
        /// utime + stime of a process, in clock ticks.
        func cpuTicks(_ pid: Int32) throws -> Int {
            let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let fields = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")
            return Int(fields[11])! + Int(fields[12])!
        }

        /// A burst of calls on two connections, then silence: the daemon must go back to sleep. A poller that
        /// never stopped would burn a whole CPU (100 ticks a second); an idle daemon uses none.
        @Test func idleDaemonStopsPolling() async throws {
            try await DaemonHarness.with { daemon in
                let pid = try #require(daemon.daemon?.pid)
                var serial: UInt32 = 0
                for _ in 0..<2 {
                    let connection = try RawConnection(path: daemon.socket)
                    #expect(try connection.call(66, serial: serial).status == 0)
                    #expect(try connection.call(1, serial: serial + 1, payload: XDR.u32(0) + XDR.u32(0)).status == 0)
                    serial += 2
                    for _ in 0..<500 {
                        // CONNECT_LIST_ALL_DOMAINS(need_results = 1, flags = 0): a quick query.
                        #expect(try connection.call(273, serial: serial, payload: XDR.u32(1) + XDR.u32(0)).status == 0)
                        serial += 1
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let before = try cpuTicks(pid)
                try await Task.sleep(for: .seconds(2))
                let used = try cpuTicks(pid) - before
                #expect(used <= 5, "an idle swiftvirtd used \(used) clock ticks of CPU in 2 s")
            }
        }

        @Test func zeroTurnsPollingOffAndCallsStillWork() async throws {
            try await DaemonHarness.with(arguments: ["--busy-poll-us", "0"]) { daemon in
                let virsh = Virsh(daemon)
                try await virsh.must("list", "--all")
                try await virsh.must("pool-list", "--all")
            }
        }

        @Test(arguments: [["-1"], ["10001"], ["soon"], []])
        func badValuesAreRefused(_ value: [String]) async throws {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
                "busy-poll-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let result = try await run(
                try TestEnvironment.daemonBinary(),
                ["--run-dir", scratch.path + "/run", "--state-dir", scratch.path + "/state", "--busy-poll-us"] + value,
                scratch: scratch)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("--busy-poll-us"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/run/libvirt-sock"))
        }
    }
}
