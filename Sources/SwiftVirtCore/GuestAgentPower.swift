/// A running guest's power requests through its agent (virDomainShutdownFlags / virDomainReboot with the
/// GUEST_AGENT mode) and the agent's response timeout (virDomainAgentSetResponseTimeout).
public protocol GuestAgentPower: RunningDomain {
    /// Whether the agent is there to ask (libvirt's connected agent): the domain runs, has the agent channel and
    /// the guest has opened it.
    func agentConnected() async -> Bool
    /// Asks the agent to power the guest down (`reboot` false) or reboot it, and waits until QEMU reports the
    /// guest's shutdown or reset. Throws libvirt's refusals (not running, not configured, not connected) and the
    /// agent's error.
    func agentPowerRequest(reboot: Bool) async throws
    /// The seconds agent commands wait for their answer: -2 forever, -1 the default (5), 0 not at all.
    var agentTimeout: Int32 { get }
    func setAgentTimeout(_ seconds: Int32)
}

/// virDomainAgentSetResponseTimeout's special values.
public enum AgentResponseTimeout {
    public static let block: Int32 = -2
    public static let `default`: Int32 = -1
    public static let noWait: Int32 = 0
}
