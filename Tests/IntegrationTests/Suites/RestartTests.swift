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
    }
}
