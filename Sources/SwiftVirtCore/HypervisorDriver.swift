/// What the daemon needs from a hypervisor driver: one implementation per kind of guest (QEMU, libvirt's test
/// driver, ...), found by the URI scheme a client opens. Optional abilities are separate protocols a driver's
/// running domains adopt (`MonitorPassthrough`); the daemon answers "not supported" for the rest.
public protocol HypervisorDriver: Sendable {
    /// The URI scheme that opens this driver (`qemu`, `test`); also the name of its state directory.
    var scheme: String { get }
    /// The error domain its errors are reported from (VIR_FROM_QEMU, VIR_FROM_TEST, ...).
    var errorDomain: VirtErrorDomain { get }
    /// libvirt's connection type name, e.g. "QEMU".
    var typeName: String { get }
    /// What virDomainGetOSType answers for a domain ("hvm" for QEMU guests).
    func osType(of definition: DomainDefinition) -> String
    /// The host's security driver (virNodeGetSecurityModel): empty when there is none.
    var securityModel: (model: String, doi: String) { get }
    /// A domain's security label and whether it is enforced; nil when the driver has no security driver.
    func securityLabel(of definition: DomainDefinition) -> (label: String, enforcing: Bool)?
    /// virNodeGetInfo of a host the driver simulates; nil: the real host's.
    func simulatedNode() -> NodeFacts?
    /// Node statistics of a host the driver simulates; nil: the real host's.
    func simulatedNodeStatistics() -> (any NodeStatistics)?
    /// virConnectGetSysinfo: the host's SMBIOS as libvirt's `<sysinfo>` XML.
    func sysinfoXML() async throws -> String
    /// Hypervisor version as major*1_000_000 + minor*1_000 + micro (QEMU 7.2.x -> 7002xxx).
    func hypervisorVersion() async -> UInt64
    /// `<capabilities>` document for `virsh capabilities`.
    func capabilitiesXML() async -> String
    /// `<domainCapabilities>` document; nil arguments mean the driver's defaults.
    func domainCapabilitiesXML(emulator: String?, arch: String?, machine: String?, virtType: String?) async throws
        -> String
    /// Completes a parsed definition as this driver's libvirt counterpart does after parsing: what the hypervisor
    /// implies (emulator, machine expansion) and the defaults (controllers, addresses, models). Rejects what the
    /// driver cannot honour (`.configUnsupported`, or libvirt's error for a virt type it does not run).
    func prepareDefinition(_ definition: inout DomainDefinition) throws
    /// Only the defaults of `prepareDefinition`, without the host checks: for definitions read back from the
    /// state directory, which must load even when, say, the emulator they name has gone.
    func applyDefaults(_ definition: inout DomainDefinition) throws
    /// virConnectDomainXMLToNative: the definition in the hypervisor's own format (`qemu-argv`: the command line
    /// `start` would run), without touching any file the definition names. A format the driver does not write is
    /// libvirt's "unsupported config type" (VIR_ERR_INVALID_ARG).
    func nativeConfig(format: String, for definition: DomainDefinition) async throws -> String
    /// The definition a start runs, made from the domain's definition just before `start` (libvirt's
    /// qemuProcessPrepareDomain: firmware chosen, paths filled in); it is also the live definition.
    func prepareStart(_ definition: DomainDefinition) async throws -> DomainDefinition
    /// virDomainUndefineFlags' part in the driver, before the definition goes (`definition`: the live one of a
    /// running domain): refuses contradicting flags, or files the driver keeps for the domain (a UEFI variable
    /// store) that `flags` say nothing about, and removes those they say to remove.
    func undefine(_ definition: DomainDefinition, flags: DomainUndefineFlags) async throws
    /// The domain has left the host (undefined while inactive, or a transient domain stopped): remove the state
    /// the driver keeps per domain (an emulated TPM's) unless `flags` keep it.
    func removedDomain(_ definition: DomainDefinition, flags: DomainUndefineFlags) async
    /// Boots a guest. `id` is the domain id the daemon assigned. Lifecycle changes are reported to `observer`.
    func start(
        _ definition: DomainDefinition, id: Int32, paused: Bool, observer: any DomainObserver
    ) async throws -> any RunningDomain
    /// Reconnects to a guest that kept running while the daemon was down, from the status it saved.
    func reattach(
        _ definition: DomainDefinition, status: [UInt8], observer: any DomainObserver
    ) async throws -> any RunningDomain
}

extension HypervisorDriver {
    public func nativeConfig(format: String, for definition: DomainDefinition) async throws -> String {
        throw VirtError(.invalidArg, detail: "unsupported config type \(format)")
    }
    public func osType(of definition: DomainDefinition) -> String { "hvm" }
    public func prepareStart(_ definition: DomainDefinition) async throws -> DomainDefinition { definition }
    public func undefine(_ definition: DomainDefinition, flags: DomainUndefineFlags) async throws {}
    public func removedDomain(_ definition: DomainDefinition, flags: DomainUndefineFlags) async {}
    public var securityModel: (model: String, doi: String) { ("", "") }
    public func securityLabel(of definition: DomainDefinition) -> (label: String, enforcing: Bool)? { nil }
    public func simulatedNode() -> NodeFacts? { nil }
    public func simulatedNodeStatistics() -> (any NodeStatistics)? { nil }
    public func sysinfoXML() async throws -> String {
        throw VirtError(.noSupport, detail: "virConnectGetSysinfo")
    }
}

/// What virNodeGetInfo reports of a host.
public struct NodeFacts: Sendable, Equatable {
    public var model: String
    public var memoryKiB: UInt64
    public var cpus: Int32
    public var mhz: Int32
    public var nodes: Int32
    public var sockets: Int32
    public var cores: Int32
    public var threads: Int32

    public init(
        model: String, memoryKiB: UInt64, cpus: Int32, mhz: Int32, nodes: Int32, sockets: Int32, cores: Int32,
        threads: Int32
    ) {
        self.model = model
        self.memoryKiB = memoryKiB
        self.cpus = cpus
        self.mhz = mhz
        self.nodes = nodes
        self.sockets = sockets
        self.cores = cores
        self.threads = threads
    }
}

/// Receives what happens to a running domain that nobody asked for over RPC (guest poweroff, QEMU dying,
/// guest reset) as well as the results of requested transitions.
public protocol DomainObserver: Sendable {
    func domain(
        _ uuid: DomainUUID, changedTo state: DomainState, reason: DomainStateReason, event: DomainLifecycleEvent?)
        async
    /// The guest reset itself (a reboot from inside, or a requested reboot completing): libvirt's REBOOT event.
    func domainRebooted(_ uuid: DomainUUID) async
    /// The guest process is gone for good; the daemon drops its running record.
    func domainStopped(_ uuid: DomainUUID, reason: DomainStateReason, event: DomainLifecycleEvent) async
    /// An event of the domain's hypervisor monitor (see `MonitorPassthrough`); a default does nothing.
    func domainMonitorEvent(_ uuid: DomainUUID, _ event: MonitorEvent) async
    /// The guest's watchdog fired (libvirt's WATCHDOG event); a default does nothing.
    func domainWatchdog(_ uuid: DomainUUID, action: WatchdogEventAction) async
    /// A device detached from the running guest is gone (libvirt's DEVICE_REMOVED); a default does nothing.
    func domainDeviceRemoved(_ uuid: DomainUUID, alias: String) async
    /// The guest's balloon now holds `actualKiB` (libvirt's BALLOON_CHANGE event); a default does nothing.
    func domainBalloonChanged(_ uuid: DomainUUID, actualKiB: UInt64) async
    /// A device of the guest reported something clients may want to hear (see `GuestNotice`); a default does
    /// nothing.
    func domainNotice(_ uuid: DomainUUID, _ notice: GuestNotice) async
    /// The guest opened or closed the port of its virtio channel `alias` (for the guest agent's channel,
    /// libvirt's AGENT_LIFECYCLE event); a default does nothing.
    func domainChannelChanged(_ uuid: DomainUUID, alias: String, connected: Bool) async
}

/// One running guest. Implementations serialise every lifecycle call (one actor per domain).
public protocol RunningDomain: Actor {
    var id: Int32 { get }
    var state: DomainState { get }
    var stateReason: DomainStateReason { get }
    /// Runtime facts shown in live XML (pty paths, ports).
    var runtime: DomainRuntimeInfo { get }
    /// Opaque status blob the daemon persists so `reattach` can find the guest again.
    func statusData() -> [UInt8]
    /// Guest CPU time used, nanoseconds.
    func cpuTimeNanoseconds() async -> UInt64
    func shutdown() async throws
    func destroy(graceful: Bool) async throws
    func reboot() async throws
    func reset() async throws
    func suspend() async throws
    func resume() async throws
    /// Path of the host side of a character device (pty) for `virsh console`; nil device = first console/serial.
    func consolePath(device: String?) async throws -> String
}
