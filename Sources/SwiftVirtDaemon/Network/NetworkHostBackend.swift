import SwiftVirtCore

/// What the network driver does to the host: bridges, dnsmasq, firewall rules, guests' taps and macvtap devices.
/// `NetworkHost` does it for real; libvirt's test driver (`test:///default`) keeps its networks in the registry only
/// and touches nothing. All of it may block: the registry calls it on the blocking executor.
protocol NetworkHostBackend: Sendable {
    /// The live definition a network starts with (a `<pf>`'s virtual functions become its interface pool), after
    /// the checks that refuse what this host cannot honour; then brings it up.
    func start(_ n: NetworkDefinition, bridge: String) throws -> NetworkDefinition
    func stop(_ n: NetworkDefinition, bridge: String)
    func restartDnsmasq(_ n: NetworkDefinition, bridge: String) throws
    func reattachTaps(_ taps: Set<String>, bridge: String)
    /// Creates a guest's port (a tap on a bridge or a macvtap on a host interface) with its settings.
    func createPort(_ plan: GuestPortPlan) throws
    /// Moves a running guest's tap onto another bridge.
    func moveTap(_ tap: String, to bridge: String) throws
    /// Removes a guest's port device; `link`: the host interface of a passthrough macvtap, whose MAC is restored.
    func deletePort(_ name: String, passthroughLink link: String?)
    /// The DHCP leases a running network's dnsmasq gave out.
    func leases(_ name: String) throws -> [NetworkHostConfig.Lease]
    func dnsmasqPid(_ name: String) -> Int32?
    func interfaceExists(_ name: String) -> Bool
    /// The host interface a macvtap device sits on, nil for any other device.
    func macvtapLink(_ name: String) -> String?
    /// Why a network's subnet cannot be used on this host (a route already covers it), or nil.
    func routeCollision(_ n: NetworkDefinition, bridge: String) -> String?
    /// Whether a PCI address is an SR-IOV virtual function here (libvirt checks at define).
    func isVirtualFunction(_ address: NetworkPCIAddress) -> Bool
    /// libvirt's network driver gives a network that owns its bridge a MAC address at define; its test driver
    /// does not.
    var generatesBridgeMAC: Bool { get }
}

extension NetworkHost: NetworkHostBackend {
    func interfaceExists(_ name: String) -> Bool { HostCommand.interfaceExists(name) }
    func routeCollision(_ n: NetworkDefinition, bridge: String) -> String? { Self.routeCollision(n, bridge: bridge) }
    var generatesBridgeMAC: Bool { true }
}

/// The host of libvirt's test driver: networks start and stop in the registry alone.
struct NoNetworkHost: NetworkHostBackend {
    func start(_ n: NetworkDefinition, bridge: String) throws -> NetworkDefinition { n }
    func stop(_ n: NetworkDefinition, bridge: String) {}
    func restartDnsmasq(_ n: NetworkDefinition, bridge: String) throws {}
    func reattachTaps(_ taps: Set<String>, bridge: String) {}
    func createPort(_ plan: GuestPortPlan) throws {}
    func moveTap(_ tap: String, to bridge: String) throws {}
    func deletePort(_ name: String, passthroughLink link: String?) {}
    /// libvirt's test driver has no DHCP server to ask.
    func leases(_ name: String) throws -> [NetworkHostConfig.Lease] {
        throw VirtError(
            .noSupport, domain: .network, detail: "virNetworkGetDHCPLeases")
    }
    func dnsmasqPid(_ name: String) -> Int32? { nil }
    func interfaceExists(_ name: String) -> Bool { false }
    func macvtapLink(_ name: String) -> String? { nil }
    func routeCollision(_ n: NetworkDefinition, bridge: String) -> String? { nil }
    func isVirtualFunction(_ address: NetworkPCIAddress) -> Bool { true }
    var generatesBridgeMAC: Bool { false }
}
