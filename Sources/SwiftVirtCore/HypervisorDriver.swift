/// What the daemon needs from a hypervisor driver. One implementation per hypervisor (QEMU first).
/// Capabilities a driver lacks throw `VirtError(.noSupport, ...)`.
public protocol HypervisorDriver: Sendable {
    /// libvirt's connection type name, e.g. "QEMU".
    var typeName: String { get }
    /// Hypervisor version as major*1_000_000 + minor*1_000 + micro (QEMU 7.2.x -> 7002xxx).
    func hypervisorVersion() async -> UInt64
    /// `<capabilities>` document for `virsh capabilities`.
    func capabilitiesXML() async -> String
    /// `<domainCapabilities>` document; nil arguments mean the driver's defaults.
    func domainCapabilitiesXML(emulator: String?, arch: String?, machine: String?, virtType: String?) async throws
        -> String
    /// Fills in what the hypervisor implies (emulator path, machine expansion) before the core adds defaults,
    /// and rejects what this driver cannot honour with `.configUnsupported`.
    func prepareDefinition(_ definition: inout DomainDefinition) throws
    /// The exact command line `start` would run, without touching any file the definition names.
    func nativeCommandLine(for definition: DomainDefinition) async throws -> [String]
    /// Boots a guest. `id` is the domain id the daemon assigned. Lifecycle changes are reported to `observer`.
    func start(
        _ definition: DomainDefinition, id: Int32, paused: Bool, observer: any DomainObserver
    ) async throws -> any RunningDomain
    /// Reconnects to a guest that kept running while the daemon was down, from the status it saved.
    func reattach(
        _ definition: DomainDefinition, status: [UInt8], observer: any DomainObserver
    ) async throws -> any RunningDomain
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
