/// libvirt's reasons a running domain is "tainted": something was done to it that libvirt cannot vouch for.
/// Each is reported once per run: in the domain's log and in virDomainGetMessages.
public enum DomainTaint: String, Sendable, CaseIterable {
    case customMonitor = "custom-monitor"
    case customGuestAgent = "custom-ga-command"

    /// The text virDomainGetMessages gives after "tainted: ".
    public var message: String {
        switch self {
        case .customMonitor: "custom monitor control commands issued"
        case .customGuestAgent: "custom guest agent control commands issued"
        }
    }
}

/// An event from a domain's hypervisor monitor, passed on as it came (libvirt's QEMU program event).
public struct MonitorEvent: Sendable, Equatable {
    public var name: String
    public var seconds: Int64
    public var microseconds: UInt32
    /// The event's `data` member as compact JSON, nil when it had none.
    public var details: String?

    public init(name: String, seconds: Int64, microseconds: UInt32, details: String?) {
        self.name = name
        self.seconds = seconds
        self.microseconds = microseconds
        self.details = details
    }
}

/// A running domain whose hypervisor monitor clients may talk to directly (`virsh qemu-monitor-command`,
/// libvirt's QEMU program). A driver without a monitor does not adopt it and the call is "not supported".
public protocol MonitorPassthrough: RunningDomain {
    /// Sends `command` — a QMP command as JSON text, or with `humanMonitor` a human monitor command line — and
    /// returns the monitor's answer: the whole QMP reply object as JSON, or the human monitor's text.
    /// Taints the domain (`custom-monitor`).
    func monitorCommand(_ command: String, humanMonitor: Bool) async throws -> String
    /// Sends `command` (JSON text) to the guest agent and returns its whole reply as JSON; waits `timeout`
    /// seconds for the reply (libvirt's VIR_DOMAIN_QEMU_AGENT_COMMAND_*: -2 forever, -1 the default 5 s, 0 not at
    /// all). Taints the domain (`custom-ga-command`).
    func agentCommand(_ command: String, timeout: Int32) async throws -> String
    /// What the domain has been tainted with during this run.
    func taints() async -> [DomainTaint]
}

extension DomainObserver {
    /// Drivers with a monitor report each of its events; most observers do not care.
    public func domainMonitorEvent(_ uuid: DomainUUID, _ event: MonitorEvent) async {}
}
