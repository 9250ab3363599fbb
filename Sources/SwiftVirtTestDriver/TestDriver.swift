import SwiftVirtCore
import Synchronization

/// libvirt's `test` driver: a host that exists only in memory, with libvirt's default objects, for trying
/// clients and for fast tests of everything above the hypervisor. Guests "run" without any process: starting,
/// pausing and stopping them only changes their state, at once, as in libvirt's test driver.
public struct TestDriver: HypervisorDriver {
    /// Domains of the host's initial configuration: their first start is the host coming up with them already
    /// running, whose reason libvirt's test driver reports as "unknown" rather than "booted".
    private let preloaded: Preloaded

    public init(preloaded: Set<DomainUUID> = []) {
        self.preloaded = Preloaded(preloaded)
    }

    public var scheme: String { "test" }
    public var errorDomain: VirtErrorDomain { .test }
    public var typeName: String { "TEST" }
    /// libvirt's test driver reports version 0.0.2.
    public func hypervisorVersion() async -> UInt64 { 2 }
    public func osType(of definition: DomainDefinition) -> String { "linux" }
    public var securityModel: (model: String, doi: String) { ("testSecurity", "") }
    public func securityLabel(of definition: DomainDefinition) -> (label: String, enforcing: Bool)? {
        ("libvirt-test", true)
    }

    public func capabilitiesXML() async -> String { TestHost.capabilitiesXML }
    public func simulatedNode() -> NodeFacts? { TestHost.node }
    public func simulatedNodeStatistics() -> (any NodeStatistics)? { TestNodeStatistics() }
    public func sysinfoXML() async throws -> String { TestHost.sysinfoXML }

    public func domainCapabilitiesXML(emulator: String?, arch: String?, machine: String?, virtType: String?)
        async throws -> String
    {
        throw VirtError(.noSupport, detail: "virConnectGetDomainCapabilities")
    }

    /// The test driver runs every virt type; its guests are 32-bit x86 unless they say otherwise.
    public func prepareDefinition(_ definition: inout DomainDefinition) throws {
        try applyDefaults(&definition)
    }

    public func applyDefaults(_ definition: inout DomainDefinition) throws {
        definition.applyCommonDefaults()
        if definition.os.arch == nil { definition.os.arch = "i686" }
        nameInterfaces(&definition)
    }

    /// As libvirt's test driver, every interface without a host device name gets the lowest free `testnetN`.
    func nameInterfaces(_ definition: inout DomainDefinition) {
        var used = Set(definition.devices.interfaces.compactMap(\.targetDev))
        var next = 0
        for i in definition.devices.interfaces.indices where definition.devices.interfaces[i].targetDev == nil {
            while used.contains("testnet\(next)") { next += 1 }
            definition.devices.interfaces[i].targetDev = "testnet\(next)"
            used.insert("testnet\(next)")
        }
    }

    public func start(_ definition: DomainDefinition, id: Int32, paused: Bool, observer: any DomainObserver)
        async throws -> any RunningDomain
    {
        let reason: DomainStateReason =
            paused ? .pausedUser : preloaded.take(definition.uuid) ? DomainStateReason(0) : .runningBooted
        return TestDomain(definition: definition, id: id, paused: paused, reason: reason, observer: observer)
    }

    public func reattach(_ definition: DomainDefinition, status: [UInt8], observer: any DomainObserver)
        async throws -> any RunningDomain
    {
        guard let saved = TestDomain.Saved(status) else {
            throw VirtError(.internalError, domain: .test, detail: "unreadable status of domain '\(definition.name)'")
        }
        return TestDomain(definition: definition, saved: saved, observer: observer)
    }
}

/// The preloaded domains not yet started, shared by copies of the driver.
private final class Preloaded: Sendable {
    private let remaining: Mutex<Set<DomainUUID>>
    init(_ uuids: Set<DomainUUID>) { remaining = Mutex(uuids) }
    /// Whether `uuid` is preloaded and starting for the first time (then it no longer is).
    func take(_ uuid: DomainUUID) -> Bool { remaining.withLock { $0.remove(uuid) != nil } }
}
