/// How virDomainCreateWithFlags starts a defined domain (virDomainCreateFlags).
public struct DomainStartFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Leave the vCPUs paused once the guest is set up (VIR_DOMAIN_START_PAUSED).
    public static let paused = DomainStartFlags(rawValue: 1)
    /// Destroy the guest when this connection closes (VIR_DOMAIN_START_AUTODESTROY).
    public static let autoDestroy = DomainStartFlags(rawValue: 2)
    /// Avoid the host's file cache when restoring a managed save image (VIR_DOMAIN_START_BYPASS_CACHE).
    public static let bypassCache = DomainStartFlags(rawValue: 4)
    /// Boot afresh, discarding any managed save image (VIR_DOMAIN_START_FORCE_BOOT).
    public static let forceBoot = DomainStartFlags(rawValue: 8)
    /// Validate the definition against the schema first (VIR_DOMAIN_START_VALIDATE).
    public static let validate = DomainStartFlags(rawValue: 16)
}

/// How virDomainDestroyFlags stops a domain (virDomainDestroyFlagsValues).
public struct DomainDestroyFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Only ask the hypervisor process to end (SIGTERM), never kill it (VIR_DOMAIN_DESTROY_GRACEFUL).
    public static let graceful = DomainDestroyFlags(rawValue: 1)
}

/// Which means virDomainShutdownFlags may use to ask the guest to power off (virDomainShutdownFlagValues);
/// the empty set lets the daemon choose.
public struct DomainShutdownModes: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// An ACPI power button press (VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN).
    public static let acpiPowerButton = DomainShutdownModes(rawValue: 1)
    /// The guest agent (VIR_DOMAIN_SHUTDOWN_GUEST_AGENT).
    public static let guestAgent = DomainShutdownModes(rawValue: 2)
    /// The container's init (VIR_DOMAIN_SHUTDOWN_INITCTL).
    public static let initctl = DomainShutdownModes(rawValue: 4)
    /// A signal to the container's init (VIR_DOMAIN_SHUTDOWN_SIGNAL).
    public static let signal = DomainShutdownModes(rawValue: 8)
    /// A paravirtual shutdown request (VIR_DOMAIN_SHUTDOWN_PARAVIRT).
    public static let paravirt = DomainShutdownModes(rawValue: 16)
}

/// Which messages virDomainGetMessages returns (virDomainMessageType); the empty set means all of them.
public struct DomainMessageKinds: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Use of deprecated features (VIR_DOMAIN_MESSAGE_DEPRECATION).
    public static let deprecation = DomainMessageKinds(rawValue: 1)
    /// Reasons the domain is tainted (VIR_DOMAIN_MESSAGE_TAINTING).
    public static let tainting = DomainMessageKinds(rawValue: 2)
}

/// Which vCPU count virDomainGetVcpusFlags reports (virDomainVcpuFlags); the empty set is the current count
/// of the running guest, or of the definition when it is off.
public struct DomainVcpuCountFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The running guest's (VIR_DOMAIN_AFFECT_LIVE).
    public static let live = DomainVcpuCountFlags(rawValue: 1)
    /// The persistent definition's (VIR_DOMAIN_AFFECT_CONFIG).
    public static let config = DomainVcpuCountFlags(rawValue: 2)
    /// The maximum rather than the current count (VIR_DOMAIN_VCPU_MAXIMUM).
    public static let maximum = DomainVcpuCountFlags(rawValue: 4)
    /// As the guest agent sees it (VIR_DOMAIN_VCPU_GUEST).
    public static let guest = DomainVcpuCountFlags(rawValue: 8)
}

/// The security driver a host confines guests with, as virNodeGetSecurityModel reports it. Both strings are
/// empty when the daemon runs no security driver.
public struct NodeSecurityModel: Sendable, Equatable {
    /// The driver's name, e.g. "selinux", "apparmor", "dac", or "none".
    public var model: String
    /// Its domain of interpretation, e.g. "0".
    public var doi: String
}

/// The security label of a running domain, as virDomainGetSecurityLabel reports it (virSecurityLabel).
public struct DomainSecurityLabel: Sendable, Equatable {
    /// The label, e.g. an SELinux context; empty without a security driver or for an inactive domain.
    public var label: String
    /// Whether the security driver enforces it.
    public var enforcing: Bool
}

extension String {
    /// A C `char` array off the wire, up to its first NUL (libvirt sends these NUL-terminated).
    init(wireChars chars: [Int8]) {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
