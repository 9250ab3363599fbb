import SwiftVirtCore

/// Gives a starting guest's `<interface type='network'|'bridge'|'direct'|'ethernet'>` their devices (a tap on a
/// bridge or on none, or a macvtap device on a host interface, which the QEMU driver opens and hands to QEMU), and takes them
/// away when it stops.
/// A NIC with a `<filterref>` gets its filter applied to its device (an nwfilter binding, as libvirt makes one).
struct InterfacePlugger: Sendable {
    let networks: NetworkRegistry
    let nwfilters: NWFilterRegistry

    /// Creates one device per network/bridge interface and writes its name into `def` (the live definition,
    /// `<target dev>`). On failure the devices made so far are removed.
    func plug(_ def: inout DomainDefinition) async throws {
        var made: [String] = []
        do {
            for i in def.devices.interfaces.indices {
                guard let tap = try await plug(def.devices.interfaces[i], owner: def) else { continue }
                def.devices.interfaces[i].targetDev = tap
                made.append(tap)
            }
        } catch {
            for tap in made { await networks.unplugTap(tap) }
            throw error
        }
    }

    /// The host device of one interface (also for an interface plugged into a running guest) with its filter
    /// applied; nil for the kinds that need none of ours: user networking, sockets, an unmanaged tap.
    func plug(_ nic: NetworkInterface, owner: DomainDefinition) async throws -> String? {
        guard let tap = try await device(nic) else { return nil }
        do {
            try await applyFilter(of: nic, to: tap, owner: owner)
        } catch {
            await networks.unplugTap(tap)
            throw error
        }
        return tap
    }

    private func device(_ nic: NetworkInterface) async throws -> String? {
        switch nic.type {
        case .network:
            return try await networks.plugGuest(
                network: nic.source ?? "", mac: nic.mac, requested: nic.targetDev, portGroup: nil)
        case .bridge:
            return try await networks.plugBridge(nic.source ?? "", mac: nic.mac, requested: nic.targetDev)
        case .direct:
            let mode = nic.directMode == .passthrough ? "passthru" : (nic.directMode ?? .vepa).rawValue
            return try await networks.plugDirect(link: nic.source ?? "", mode: mode, mac: nic.mac, requested: nic.targetDev)
        case .ethernet where nic.targetManaged != false:
            return try await networks.plugEthernet(mac: nic.mac, requested: nic.targetDev)
        default:
            return nil
        }
    }

    /// A running guest's NIC moved to the network or bridge of `new` (update-device): its tap onto that bridge.
    func move(_ old: NetworkInterface, to new: NetworkInterface) async throws {
        guard let tap = old.targetDev else { throw VirtError(.internalError, detail: "Missing bridge name") }
        try await networks.moveTap(
            tap, network: new.type == .network ? new.source : nil, bridge: new.type == .bridge ? new.source : nil)
    }

    /// A running guest's NIC whose `<filterref>` changed (libvirt's qemuDomainChangeNetFilter): the old binding
    /// goes, the new filter is applied; if it cannot be, the old one is put back.
    func changeFilter(_ old: NetworkInterface, to new: NetworkInterface, owner: DomainDefinition) async throws {
        guard let tap = old.targetDev else { return }
        if old.filterRef != nil { try? await nwfilters.delete(port: tap) }
        do {
            try await applyFilter(of: new, to: tap, owner: owner)
        } catch {
            try? await applyFilter(of: old, to: tap, owner: owner)
            throw VirtError(
                .operationFailed, detail: "failed to add new filter rules to '\(tap)' - attempting to restore old rules")
        }
    }

    /// The nwfilter binding of `nic`'s `<filterref>` (if it has one) on its host device `tap`.
    private func applyFilter(of nic: NetworkInterface, to tap: String, owner: DomainDefinition) async throws {
        guard let ref = nic.filterRef else { return }
        let binding = NWFilterBinding(
            ownerName: owner.name, ownerUUID: owner.uuid, portDev: tap, mac: nic.mac ?? .randomQEMU(), filter: ref)
        _ = try await nwfilters.create(binding)
    }

    /// Removes the host device the daemon made for one interface.
    func unplug(_ nic: NetworkInterface) async {
        if nic.filterRef != nil, let tap = nic.targetDev { try? await nwfilters.delete(port: tap) }
        if Self.ownsDevice(nic), let tap = nic.targetDev { await networks.unplugTap(tap) }
    }

    func unplug(_ def: DomainDefinition) async {
        for nic in def.devices.interfaces { await unplug(nic) }
    }

    /// Whether the daemon made this interface's host device (and so removes it).
    static func ownsDevice(_ nic: NetworkInterface) -> Bool {
        switch nic.type {
        case .network, .bridge, .direct: true
        case .ethernet: nic.targetManaged != false
        default: false
        }
    }
}
