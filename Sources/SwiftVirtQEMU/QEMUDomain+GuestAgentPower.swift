import SwiftVirtCore
import SwiftVirtSystem

/// Shutdown and reboot through the guest agent (`guest-shutdown` with mode powerdown or reboot), and the agent's
/// response timeout. As libvirt, the agent does not answer a successful guest-shutdown: the request is done when
/// QEMU reports the guest's SHUTDOWN (powerdown) or RESET (reboot), and gives up after 60 seconds.
extension QEMUDomain: GuestAgentPower {
    /// libvirt's VIR_DOMAIN_QEMU_AGENT_COMMAND_SHUTDOWN.
    static let agentShutdownWait: Duration = .seconds(60)

    public func agentConnected() async -> Bool {
        (try? await agentAvailable()) != nil
    }

    public func agentPowerRequest(reboot: Bool) async throws {
        let command: [String: JSONValue] = [
            "execute": .string("guest-shutdown"),
            "arguments": .object(["mode": .string(reboot ? "reboot" : "powerdown")]),
        ]
        let reply = try await agentJob.run {
            let socket = try await agentAvailable()
            let wait = AgentEventWait(event: reboot ? "RESET" : "SHUTDOWN")
            agentEventWait = wait
            defer { if agentEventWait === wait { agentEventWait = nil } }
            return try await QEMUGuestAgent.execute(
                command, socket: socket, timeout: Self.agentShutdownWait, sync: QEMUGuestAgent.syncWait(agentTimeout),
                awaiting: wait)
        }
        if let error = reply["error"] { throw QEMUGuestAgent.commandFailed("guest-shutdown", error) }
    }

    public func setAgentTimeout(_ seconds: Int32) {
        agentTimeout = seconds
    }
}
