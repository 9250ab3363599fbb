import SwiftVirtCore

/// Gives a starting guest's `<interface type='network'|'bridge'>` their taps, and takes them away when it stops.
struct InterfacePlugger: Sendable {
    let networks: NetworkRegistry

    /// Creates one tap per network/bridge interface and writes its name into `def` (the live definition).
    /// On failure the taps made so far are removed.
    func plug(_ def: inout DomainDefinition) async throws {
        var made: [String] = []
        do {
            for i in def.devices.interfaces.indices {
                let nic = def.devices.interfaces[i]
                let tap: String
                switch nic.type {
                case .user:
                    continue
                case .network:
                    let (bridge, mtu) = try await networks.bridge(forNetwork: nic.source ?? "")
                    tap = try await networks.plugTap(
                        requested: nic.targetDev, bridge: bridge, mtu: mtu, network: nic.source)
                case .bridge:
                    let bridge = nic.source ?? ""
                    guard networks.host.interfaceExists(bridge) else { throw NetworkError.noHostBridge(bridge) }
                    tap = try await networks.plugTap(requested: nic.targetDev, bridge: bridge, mtu: nil, network: nil)
                }
                def.devices.interfaces[i].targetDev = tap
                made.append(tap)
            }
        } catch {
            for tap in made { await networks.unplugTap(tap) }
            throw error
        }
    }

    func unplug(_ def: DomainDefinition) async {
        for nic in def.devices.interfaces where nic.type != .user {
            if let tap = nic.targetDev { await networks.unplugTap(tap) }
        }
    }
}
