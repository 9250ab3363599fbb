import Foundation
import Testing

extension Integration {
    /// SIGKILL the daemon while a guest runs: the guest survives and the restarted daemon manages it.
    @Suite struct DaemonRestart {
        @Test func guestSurvivesDaemonKill() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let idle = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("define", idle.xmlPath)
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                let qemuBefore = daemon.qemuPids()
                #expect(qemuBefore.count == 1)

                try await daemon.killDaemon()
                #expect(daemon.qemuPids() == qemuBefore, "QEMU must outlive the daemon")
                try await daemon.start()

                let list = try await virsh.must("list", "--all")
                let row = try #require(list.split(separator: "\n").first { $0.contains(guest.name) }, "\(list)")
                #expect(row.contains("running"))
                #expect(list.contains(idle.name), "inactive config lost: \(list)")
                #expect(try await virsh.state(idle.name) == "shut off")
                #expect(daemon.qemuPids() == qemuBefore)

                // Lifecycle calls go through the reconnected QMP monitor.
                try await virsh.must("suspend", guest.name)
                #expect(try await virsh.state(guest.name) == "paused")
                try await virsh.must("resume", guest.name)
                #expect(try await virsh.state(guest.name) == "running")
                try await virsh.must("destroy", guest.name)
                #expect(try await virsh.state(guest.name) == "shut off")
                try await waitUntil("QEMU to exit after destroy", timeout: .seconds(10)) { daemon.qemuPids().isEmpty }

                // And the definition still boots.
                guest.clearSerialLog()
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                try await virsh.must("destroy", guest.name)
            }
        }

        /// A burst of defines, redefines and undefines, then SIGKILL at once (before any background checkpoint of
        /// the definition journal can run): the restarted daemon has exactly what each acknowledged call left,
        /// and the config files on disk say the same.
        @Test func definitionsSurviveKillRightAfterABurst() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let uuids = Dictionary(uniqueKeysWithValues: (0..<24).map { ("burst-\($0)", UUID().uuidString.lowercased()) })
                func xml(_ name: String, memoryMiB: Int) throws -> String {
                    let path = daemon.scratch.appendingPathComponent("\(name)-\(memoryMiB).xml").path
                    try FileManager.default.createDirectory(at: daemon.scratch, withIntermediateDirectories: true)
                    try """
                        <domain type='qemu'><name>\(name)</name><uuid>\(uuids[name] ?? "")</uuid><memory unit='MiB'>\(memoryMiB)</memory>\
                        <os><type arch='x86_64'>hvm</type></os></domain>
                        """.write(toFile: path, atomically: true, encoding: .utf8)
                    return path
                }
                let names = (0..<24).map { "burst-\($0)" }
                let gone = Set(names.filter { $0.hasSuffix("3") || $0.hasSuffix("7") })
                let redefined = Set(names.filter { $0.hasSuffix("5") })
                // One virsh process runs the whole burst over one connection, so the calls follow each other fast.
                var commands: [String] = []
                for name in names { commands.append("define \(try xml(name, memoryMiB: 64))") }
                for name in redefined.sorted() { commands.append("define \(try xml(name, memoryMiB: 96))") }
                for name in gone.sorted() { commands.append("undefine \(name)") }
                let burst = try await virsh(commands.joined(separator: " ; "))
                // virsh goes on after a failed command in a command string, so count the acknowledgements.
                #expect(burst.succeeded && burst.stderr.isEmpty, "\(burst)")
                #expect(burst.stdout.components(separatedBy: "defined from").count - 1 == names.count + redefined.count)
                #expect(burst.stdout.components(separatedBy: "has been undefined").count - 1 == gone.count)
                try await daemon.killDaemon()
                try await daemon.start()

                let listed = try await virsh.must("list", "--all", "--name")
                let kept = Set(names).subtracting(gone)
                #expect(Set(listed.split(separator: "\n").map(String.init)) == kept)
                for name in redefined.subtracting(gone) {
                    #expect(try await virsh.dominfo(name)["Max memory"] == "98304 KiB")
                }
                #expect(try await virsh.dominfo("burst-0")["Max memory"] == "65536 KiB")
                let files = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/qemu")
                #expect(Set(files.filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }) == Set(kept.map { $0 + ".xml" }))

                // And once more with the files written: undefine the rest, kill, restart, nothing is left.
                try await virsh.must(kept.sorted().map { "undefine \($0)" }.joined(separator: " ; "))
                try await daemon.killDaemon()
                try await daemon.start()
                #expect(try await virsh.must("list", "--all", "--name").trimmingCharacters(in: .whitespacesAndNewlines) == "")
            }
        }
    }
}
