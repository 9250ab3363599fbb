import Foundation
import Testing

extension Integration.GuestAgent {
    /// The agent's response timeout and power requests on the running guest of `agentAnswersOnARunningGuest`
    /// (which ends shut off): a timeout of 0 makes agent commands give up at once and is kept in the domain's
    /// status; `reboot --mode agent` reboots the guest through qemu-ga's guest-shutdown, and a `shutdown` without
    /// a mode prefers the connected agent over the ACPI power button, as libvirt does.
    static func powerRequestsAndTimeout(_ virsh: Virsh, _ guest: TestGuest, _ daemon: DaemonHarness) async throws {
        let name = guest.name
        // The timeout, as the daemon keeps it in the running domain's status.
        func statusTimeout() throws -> Int? {
            // The daemon runs this one guest.
            let files = try FileManager.default.contentsOfDirectory(atPath: daemon.runDir + "/domains")
            let file = try #require(files.first { $0.hasSuffix(".json") })
            let outer = try JSONSerialization.jsonObject(with: Data(readFile(daemon.runDir + "/domains/" + file).utf8))
            let blob = try #require((outer as? [String: Any])?["driverStatus"] as? [Int])
            let inner = try JSONSerialization.jsonObject(with: Data(blob.map { UInt8($0) }))
            return (inner as? [String: Any])?["agentTimeout"] as? Int
        }
        #expect(try statusTimeout() == nil)
        try await virsh.must("guest-agent-timeout", name, "--timeout", "0")
        let noWait = try await virsh("domtime", name)
        #expect(noWait.stderr.contains("Guest agent not available for now"), "\(noWait)")
        try await waitUntil("the status to keep the timeout") { try statusTimeout() == 0 }
        let below = try await virsh("guest-agent-timeout", name, "--timeout", "-3")
        #expect(below.stderr.contains("guest agent timeout '-3' is less than the minimum '-2'"), "\(below)")
        try await virsh.must("guest-agent-timeout", name, "--timeout", "10")
        #expect(try await virsh.must("domhostname", name, "--source", "agent").contains("swiftvirt-guest"))
        try await waitUntil("the status to keep the timeout") { try statusTimeout() == 10 }

        // Reboot through the agent: the guest runs its shutdown -r, QEMU resets it, it boots again.
        try await virsh.must("reboot", name, "--mode", "agent")
        try await guest.waitForBanner(count: 2)
        #expect(readFile(guest.serialLog).contains("shutdown -r asked by the guest agent"))
        #expect(try await virsh.state(name) == "running")
        try await waitUntil("the guest agent to connect again", timeout: .seconds(60)) {
            try await virsh("domtime", name).succeeded
        }
        // Without a mode, the connected agent powers the guest down (the power button is not pressed).
        try await virsh.must("shutdown", name)
        try await virsh.waitForState(name, "shut off")
        let log = readFile(guest.serialLog)
        #expect(log.contains("shutdown -P asked by the guest agent") && !log.contains("power button pressed"), "\(log)")
        let inactive = try await virsh("shutdown", name, "--mode", "agent")
        #expect(inactive.stderr.contains("Requested operation is not valid: domain is not running"), "\(inactive)")
    }
}
