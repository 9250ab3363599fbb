import SwiftVirtCore

/// What the network driver does to the host: bridges, dnsmasq, firewall rules, guest taps. `NetworkHost` does it
/// for real; libvirt's test driver (`test:///default`) keeps its networks in the registry only and touches
/// nothing. All of it may block: the registry calls it on the blocking executor.
protocol NetworkHostBackend: Sendable {
    func start(_ n: NetworkDefinition, bridge: String) throws
    func stop(_ n: NetworkDefinition, bridge: String)
    func restartDnsmasq(_ n: NetworkDefinition, bridge: String) throws
    func reattachTaps(_ taps: Set<String>, bridge: String)
    func createTap(_ name: String, bridge: String, mtu: Int?) throws
    func deleteTap(_ name: String)
    /// The DHCP leases a running network's dnsmasq gave out.
    func leases(_ name: String) throws -> [NetworkHostConfig.Lease]
    func dnsmasqPid(_ name: String) -> Int32?
    func interfaceExists(_ name: String) -> Bool
    /// Why a network's subnet cannot be used on this host (a route already covers it), or nil.
    func routeCollision(_ n: NetworkDefinition, bridge: String) -> String?
}

extension NetworkHost: NetworkHostBackend {
    func interfaceExists(_ name: String) -> Bool { HostCommand.interfaceExists(name) }
    func routeCollision(_ n: NetworkDefinition, bridge: String) -> String? { Self.routeCollision(n, bridge: bridge) }
}

/// The host of libvirt's test driver: networks start and stop in the registry alone.
struct NoNetworkHost: NetworkHostBackend {
    func start(_ n: NetworkDefinition, bridge: String) throws {}
    func stop(_ n: NetworkDefinition, bridge: String) {}
    func restartDnsmasq(_ n: NetworkDefinition, bridge: String) throws {}
    func reattachTaps(_ taps: Set<String>, bridge: String) {}
    func createTap(_ name: String, bridge: String, mtu: Int?) throws {}
    func deleteTap(_ name: String) {}
    /// libvirt's test driver has no DHCP server to ask.
    func leases(_ name: String) throws -> [NetworkHostConfig.Lease] {
        throw VirtError(
            .noSupport, domain: .network, detail: "virNetworkGetDHCPLeases")
    }
    func dnsmasqPid(_ name: String) -> Int32? { nil }
    func interfaceExists(_ name: String) -> Bool { false }
    func routeCollision(_ n: NetworkDefinition, bridge: String) -> String? { nil }
}
