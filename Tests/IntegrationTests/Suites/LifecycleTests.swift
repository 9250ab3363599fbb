import Foundation
import Testing

extension Integration {
    /// The whole life of a persistent guest, driven by Debian's virsh, checked against what really happened
    /// (serial output from the guest, QEMU processes, virsh's view).
    @Suite struct Lifecycle {
        @Test func defineStartSuspendShutdownDestroyUndefine() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)

                let defined = try await virsh.must("define", guest.xmlPath)
                #expect(defined.contains("Domain '\(guest.name)' defined"))
                #expect(try await virsh.must("list", "--all").contains(guest.name))
                #expect(try await virsh.state(guest.name) == "shut off")
                #expect(daemon.qemuPids().isEmpty)

                #expect(try await virsh.must("start", guest.name).contains("Domain '\(guest.name)' started"))
                try await guest.waitForBanner()
                #expect(daemon.qemuPids().count == 1)

                let running = try await virsh.must("list")
                let row = try #require(running.split(separator: "\n").first { $0.contains(guest.name) })
                #expect(row.contains("running"))
                let info = try await virsh.dominfo(guest.name)
                #expect(info["State"] == "running")
                #expect(info["Max memory"] == "262144 KiB")
                #expect(info["CPU(s)"] == "1")
                #expect(info["Persistent"] == "yes")
                #expect(info["OS Type"] == "hvm")
                #expect(try await virsh.state(guest.name, reason: true) == "running (booted)")
                let id = try await virsh.must("domid", guest.name).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect((Int(id) ?? 0) >= 1, "domid printed '\(id)'")
                #expect(try await virsh.must("domname", id).contains(guest.name))
                let uuid = try await virsh.must("domuuid", guest.name).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(try await virsh.must("dumpxml", guest.name).contains("<uuid>\(uuid)</uuid>"))

                try await virsh.must("suspend", guest.name)
                #expect(try await virsh.state(guest.name) == "paused")
                try await virsh.must("resume", guest.name)
                #expect(try await virsh.state(guest.name) == "running")

                // ACPI power button → the guest's acpid runs poweroff → QEMU exits → shut off.
                try await virsh.must("shutdown", guest.name)
                try await virsh.waitForState(guest.name, "shut off")
                #expect(readFile(guest.serialLog).contains("power button pressed"))
                #expect(try await virsh.state(guest.name, reason: true) == "shut off (shutdown)")
                try await waitUntil("QEMU to exit after shutdown", timeout: .seconds(10)) { daemon.qemuPids().isEmpty }

                guest.clearSerialLog()
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                #expect(try await virsh.state(guest.name) == "running")

                try await virsh.must("destroy", guest.name)
                #expect(try await virsh.state(guest.name, reason: true) == "shut off (destroyed)")
                try await waitUntil("QEMU to exit after destroy", timeout: .seconds(10)) { daemon.qemuPids().isEmpty }

                try await virsh.must("undefine", guest.name)
                #expect(!(try await virsh.must("list", "--all").contains(guest.name)))
                let lookup = try await virsh("dominfo", guest.name)
                #expect(!lookup.succeeded)
                #expect(lookup.stderr.contains("failed to get domain"))
            }
        }

        /// QEMU dying from outside ends in shut off (crashed); the guest can start again.
        @Test func killedQEMUEndsCrashed() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)

                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                let pid = try #require(daemon.qemuPids().first)
                kill(pid, SIGKILL)
                try await virsh.waitForState(guest.name, "shut off", timeout: .seconds(30))
                #expect(try await virsh.state(guest.name, reason: true) == "shut off (crashed)")

                // Start again after a crash: the definition is intact and boots.
                guest.clearSerialLog()
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                try await virsh.must("destroy", guest.name)
                try await virsh.must("undefine", guest.name)
            }
        }

        /// `create` runs a transient guest: it disappears once it stops.
        @Test func transientCreate() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                #expect(try await virsh.must("create", guest.xmlPath).contains("Domain '\(guest.name)' created"))
                try await guest.waitForBanner()
                #expect(try await virsh.dominfo(guest.name)["Persistent"] == "no")
                try await virsh.must("destroy", guest.name)
                try await waitUntil("transient guest to vanish", timeout: .seconds(10)) {
                    !(try await virsh.must("list", "--all").contains(guest.name))
                }
            }
        }
    }
}
