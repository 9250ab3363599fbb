import SwiftVirtCore

/// update-device on a running guest for NICs and displays, with the checks of libvirt's qemuDomainChangeNet and
/// qemuDomainChangeGraphics (their order, codes and words). What SwiftVirt changes in place: a NIC's link state,
/// network or host bridge (its tap moved) and nwfilter, and a display's password; any other difference is refused.
extension DomainRegistry {
    func updateLiveInterface(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, updates: any LiveDeviceUpdates
    ) async throws {
        let elements = try DeviceEdit.devices(in: DomainXML.formatState(current)).map(\.element)
        let found = elements[try DeviceEdit.find(device, in: elements, operation: .update)]
        let foundMAC = found.childElements.first { $0.name == "mac" }?[attribute: "address"]
        guard let index = current.devices.interfaces.firstIndex(where: { $0.mac?.description == foundMAC }) else {
            throw VirtError(.deviceMissing, detail: "no interface with MAC address \(foundMAC ?? "?")")
        }
        let old = current.devices.interfaces[index]
        let changed = try await changedLive(current, device, .update)
        guard index < changed.devices.interfaces.count else {
            throw VirtError(.internalError, detail: "the updated interface is missing")
        }
        var new = changed.devices.interfaces[index]
        // What the new XML leaves out is the old device's (libvirt copies it over).
        let given = Set(device.element.childElements.map(\.name))
        if !given.contains("address") { new.address = old.address }
        if !given.contains("alias") { new.alias = old.alias }
        // The tap name as written (the parser drops it for NICs whose tap is not theirs to name).
        new.targetDev =
            given.contains("target")
            ? device.element.childElements.first { $0.name == "target" }?[attribute: "dev"] : old.targetDev
        if !given.contains("boot") { new.bootOrder = old.bootOrder }
        let change = try Self.checkInterfaceChange(old, new)
        if change.bridge {
            guard let plugger else { throw VirtError(.internalError, detail: "Missing bridge name") }
            try await plugger.move(old, to: new)
        }
        if change.filter { try await plugger?.changeFilter(old, to: new, owner: current) }
        if new.linkState ?? .up != old.linkState ?? .up, let alias = old.alias {
            try await updates.setLink(alias: alias, up: new.linkState != .down)
        }
        var next = current
        next.devices.interfaces[index].linkState = new.linkState
        if change.bridge {
            next.devices.interfaces[index].type = new.type
            next.devices.interfaces[index].source = new.source
        }
        next.devices.interfaces[index].filterRef = new.filterRef
        await replaceLive(uuid, with: next)
    }

    /// qemuDomainChangeNet's refusals for the fields SwiftVirt models, and what the change needs: the tap moved
    /// to another bridge (between networks and host bridges), the nwfilter binding replaced. Anything else that
    /// differs apart from the link state would need the NIC reconnected, which libvirt refuses too.
    static func checkInterfaceChange(_ old: NetworkInterface, _ new: NetworkInterface) throws
        -> (bridge: Bool, filter: Bool)
    {
        func refuse(_ message: String) -> VirtError { VirtError(.operationUnsupported, detail: message) }
        if old.type == .hostdev || old.type == .vdpa {
            throw refuse("cannot change config of '\(old.type.rawValue)' network interface type")
        }
        if old.mac != new.mac {
            throw refuse(
                "cannot change network interface mac address from \(old.mac?.description ?? "") to \(new.mac?.description ?? "")")
        }
        if old.model != new.model {
            throw refuse(
                "cannot modify network device model from \(old.model?.rawValue ?? "(null)") to \(new.model?.rawValue ?? "(null)")")
        }
        if old.targetDev != new.targetDev { throw refuse("cannot modify network device tap name") }
        if old.address != new.address {
            let sameType: Bool
            switch (old.address, new.address) {
            case (.pci?, .pci?): sameType = true
            case (nil, nil): sameType = true
            default: sameType = false
            }
            throw refuse(sameType ? "cannot modify network device guest PCI address" : "cannot modify network device address type")
        }
        if old.bootOrder != new.bootOrder { throw refuse("cannot modify network device boot index setting") }
        if new.type == .hostdev || new.type == .vdpa {
            throw refuse("cannot change network interface type to '\(new.type.rawValue)'")
        }
        let onBridge: Set<NetworkInterface.InterfaceType> = [.network, .bridge]
        let bridge = onBridge.contains(old.type) && onBridge.contains(new.type) && (old.type, old.source) != (new.type, new.source)
        let filter = old.filterRef != new.filterRef
        var rest = new
        rest.linkState = old.linkState
        rest.sourceLine = old.sourceLine
        rest.filterRef = old.filterRef
        if bridge { (rest.type, rest.source) = (old.type, old.source) }
        if rest != old { throw refuse("unable to change config on '\(new.type.rawValue)' network type") }
        if filter, ![.ethernet, .bridge, .network].contains(new.type) {
            throw VirtError(.configUnsupported, detail: "filters not supported on interfaces of type \(new.type.rawValue)")
        }
        return (bridge, filter)
    }

    func updateLiveGraphics(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, updates: any LiveDeviceUpdates
    ) async throws {
        let type = device.element[attribute: "type"] ?? ""
        guard let index = current.devices.graphics.firstIndex(where: { $0.type.rawValue == type }) else {
            throw VirtError(.deviceMissing, detail: "cannot find existing graphics device to modify of type '\(type)'")
        }
        let old = current.devices.graphics[index]
        let changed = try await changedLive(current, device, .update)
        guard let new = changed.devices.graphics.first(where: { $0.type == old.type }) else {
            throw VirtError(.internalError, detail: "the updated graphics device is missing")
        }
        try Self.checkGraphicsChange(old, new, defaultListenAddress: await updates.runtime.defaultListenAddress)
        let expires = old.passwdValidTo != nil || new.passwdValidTo != nil
        let connectedChanged = old.connected != new.connected || (new.type == .spice && new.connected == .disconnect)
        guard expires || connectedChanged || old.passwd != new.passwd else { return }
        // Without a new password (and none in the daemon's configuration) QEMU keeps its own; the live XML drops it.
        if new.passwd != nil { try await updates.changeGraphicsPassword(new) }
        var next = current
        next.devices.graphics[index].passwd = new.passwd
        next.devices.graphics[index].passwdValidTo = new.passwdValidTo
        next.devices.graphics[index].connected = new.connected
        await replaceLive(uuid, with: next)
    }

    /// qemuDomainChangeGraphics' refusals: listen addresses, ports and keymap cannot change.
    /// `defaultListenAddress`: what the running display listens on where its definition names no address.
    static func checkGraphicsChange(_ old: Graphics, _ new: Graphics, defaultListenAddress: String?) throws {
        let type = new.type.rawValue
        func refuse(_ message: String) -> VirtError { VirtError(.operationUnsupported, detail: message) }
        if old.listens.count != new.listens.count {
            throw refuse("cannot change the number of listen addresses on '\(type)' graphics")
        }
        for (var o, n) in zip(old.listens, new.listens) {
            // The live display listens on the driver's default where its definition names no address (the live
            // XML shows it); a new document must name it too, as libvirt wants.
            if o.type == .address && o.address == nil { o.address = defaultListenAddress }
            if o.type != n.type { throw refuse("cannot change the type of listen address on '\(type)' graphics") }
            switch n.type {
            case .address where o.address != n.address, .network where o.network != n.network:
                throw refuse("cannot change listen address setting on '\(type)' graphics")
            case .socket where o.socket != n.socket:
                throw refuse("cannot change listen socket setting on '\(type)' graphics")
            default:
                break
            }
        }
        func autoport(_ g: Graphics) -> Bool { g.autoport ?? ((g.port ?? -1) <= 0) }
        switch new.type {
        case .vnc, .spice:
            let portsDiffer =
                autoport(old) != autoport(new)
                || (!autoport(new) && (old.port != new.port || (new.type == .spice && old.tlsPort != new.tlsPort)))
            if portsDiffer { throw refuse("cannot change port settings on \(type) graphics") }
            if old.keymap != new.keymap { throw refuse("cannot change keymap setting on \(type) graphics") }
        default:
            throw VirtError(.internalError, detail: "unable to change config on '\(type)' graphics type")
        }
    }
}
