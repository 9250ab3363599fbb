import SwiftVirtCore

/// Gives a starting guest's `<interface type='network'|'bridge'>` their devices (a tap on a bridge, or a macvtap
/// device on a macvtap network's host interface, which the QEMU driver opens and hands to QEMU), and takes them
/// away when it stops.
struct InterfacePlugger: Sendable {
    let networks: NetworkRegistry

    /// Creates one device per network/bridge interface and writes its name into `def` (the live definition,
    /// `<target dev>`). On failure the devices made so far are removed.
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
                    tap = try await networks.plugGuest(
                        network: nic.source ?? "", mac: nic.mac, requested: nic.targetDev, portGroup: nil)
                case .bridge:
                    tap = try await networks.plugBridge(nic.source ?? "", mac: nic.mac, requested: nic.targetDev)
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
