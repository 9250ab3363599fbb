import Glibc
import SwiftVirtCore

/// Live attach and detach of the devices beyond disks and NICs that libvirt 9.0's QEMU driver plugs into a
/// running guest and this driver can: SCSI controllers (the only controllers libvirt hot-plugs), USB and virtio
/// inputs, RNGs, i6300esb watchdogs and USB redirectors. The new device is found as the live definition with it added makes it
/// (alias, address, defaults); libvirt's refusals and messages are checked first.
extension DomainRegistry {
    static let pluggableKinds: Set<String> = ["controller", "input", "rng", "watchdog", "redirdev"]

    /// Plugs `device` into the running guest and adds it to the live definition; DEVICE_ADDED follows.
    func attachOtherDevice(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, hotplug: any DeviceHotplug
    ) async throws {
        let device = try Self.controllerWithIndex(device, current: current)
        let changed = try await changedLive(current, device, .attach)
        let known = Set(Self.pluggableAliases(current.devices))
        guard let alias = Self.pluggableAliases(changed.devices).first(where: { !known.contains($0) }) else {
            throw VirtError(.internalError, detail: "the attached \(device.kind) was not found in the live definition")
        }
        var next = current
        if let added = changed.devices.controllers.first(where: { $0.alias == alias }) {
            next.devices.controllers = Self.inserting(added, into: current.devices.controllers)
        }
        next.devices.inputs = changed.devices.inputs
        next.devices.rngs = changed.devices.rngs
        next.devices.watchdog = changed.devices.watchdog
        next.devices.redirdevs = changed.devices.redirdevs
        // libvirt writes the TLS choice of a hot-plugged TCP redirector out (chardev_tls: off).
        for i in next.devices.redirdevs.indices where next.devices.redirdevs[i].alias == alias {
            if next.devices.redirdevs[i].backend.type == .tcp, next.devices.redirdevs[i].backend.source?.tls == nil {
                next.devices.redirdevs[i].backend.source?.tls = false
            }
        }
        if let input = next.devices.inputs.first(where: { $0.alias == alias }), let bus = input.bus,
            bus != .usb && bus != .virtio
        {
            throw VirtError(.operationUnsupported, detail: "input device on bus '\(bus.rawValue)' cannot be hot plugged.")
        }
        // libvirt lets the guest's device cgroup open the host's entropy source first, which must exist.
        if let rng = next.devices.rngs.first(where: { $0.alias == alias }), rng.backendModel == .random,
            let path = rng.backendPath
        {
            var info = stat()
            if stat(path, &info) != 0 {
                let reason = String(cString: strerror(errno))
                throw VirtError(.systemError, detail: "Path '\(path)' is not accessible: \(reason)")
            }
        }
        if let watchdog = next.devices.watchdog, watchdog.alias == alias, watchdog.model != .i6300esb {
            throw VirtError(
                .operationUnsupported, detail: "hotplug of watchdog of model \(watchdog.model.rawValue) is not supported")
        }
        try await hotplug.attachDevice(alias: alias, of: next)
        await replaceLive(uuid, with: next)
        publishDeviceAdded(uuid, alias: alias)
    }

    /// SCSI controllers a SCSI disk needs and the running guest lacks, plugged in first (as libvirt does for
    /// compatibility, with its default model): the live definition with them.
    func plugDiskControllers(
        _ uuid: DomainUUID, current: DomainDefinition, changed: DomainDefinition, hotplug: any DeviceHotplug
    ) async throws -> DomainDefinition {
        let known = Set(current.devices.controllers.compactMap(\.alias))
        let added = changed.devices.controllers.filter { !($0.alias.map(known.contains) ?? true) }
        guard !added.isEmpty else { return current }
        var next = current
        for controller in added.sorted(by: { $0.index < $1.index }) {
            next.devices.controllers = Self.inserting(controller, into: next.devices.controllers)
            try await hotplug.attachDevice(alias: controller.alias ?? "", of: next)
            await replaceLive(uuid, with: next)
        }
        return next
    }

    /// The alias of the device of the live definition that `device` names for a live detach, with libvirt's
    /// refusals (qemuDomainDetachPrep*).
    static func aliasToDetach(_ device: DeviceEdit.Device, in current: DomainDefinition) throws -> String {
        let g = device.element
        let elements = try DeviceEdit.devices(in: DomainXML.formatState(current)).map(\.element)
        func alias(of element: XMLElement) -> String {
            element.childElements.first { $0.name == "alias" }?[attribute: "name"] ?? ""
        }
        switch device.kind {
        case "controller":
            let type = g[attribute: "type"] ?? ""
            guard type == "scsi" else {
                throw VirtError(.operationUnsupported, detail: "'\(type)' controller cannot be hot unplugged.")
            }
            let index = g[attribute: "index"].flatMap { Int($0) } ?? -1
            guard let found = current.devices.controllers.first(where: { $0.type == .scsi && $0.index == index }) else {
                throw VirtError(.deviceMissing, detail: "controller scsi:\(index) not found")
            }
            if current.devices.disks.contains(where: { $0.targetBus == .scsi && $0.address?.drive?.controller == index }) {
                throw VirtError(.operationFailed, detail: "device cannot be detached: device is busy")
            }
            return found.alias ?? ""
        case "watchdog":
            guard let watchdog = current.devices.watchdog,
                let present = elements.first(where: { $0.name == "watchdog" })
            else {
                throw VirtError(.deviceMissing, detail: "watchdog device not present in domain configuration")
            }
            func address(_ e: XMLElement) -> [String: String] {
                let a = e.childElements.first { $0.name == "address" }
                return Dictionary(a?.attributes.map { ($0.name, $0.value) } ?? [], uniquingKeysWith: { a, _ in a })
            }
            let same =
                g[attribute: "model"] == watchdog.model.rawValue
                && (g[attribute: "action"] ?? "reset") == (watchdog.action ?? .reset).rawValue
                && address(g) == address(present)
            guard same else {
                throw VirtError(
                    .deviceMissing,
                    detail: "model '\(watchdog.model.rawValue)' watchdog device not present in domain configuration")
            }
            guard watchdog.model == .i6300esb else {
                throw VirtError(
                    .operationUnsupported,
                    detail: "hot unplug of watchdog of model \(watchdog.model.rawValue) is not supported")
            }
            return watchdog.alias ?? ""
        case "rng":
            guard let i = try? DeviceEdit.find(device, in: elements, operation: .detach) else {
                // libvirt names the RNG model through the backend names, which makes virtio 'random'.
                throw VirtError(.deviceMissing, detail: "model 'random' RNG device not present in domain configuration")
            }
            return alias(of: elements[i])
        case "redirdev":
            guard let i = try? DeviceEdit.find(device, in: elements, operation: .detach) else {
                throw VirtError(.operationInvalid, detail: "no matching redirdev was not found")
            }
            return alias(of: elements[i])
        default:
            let found = elements[try DeviceEdit.find(device, in: elements, operation: .detach)]
            let bus = found[attribute: "bus"] ?? ""
            if ["ps2", "xen", "parallels"].contains(bus) {
                throw VirtError(.operationUnsupported, detail: "input device on bus '\(bus)' cannot be detached")
            }
            return alias(of: found)
        }
    }

    /// A controller given without an index takes the first its type does not use (libvirt's live attach);
    /// one whose index is taken is refused as libvirt refuses it live.
    private static func controllerWithIndex(_ device: DeviceEdit.Device, current: DomainDefinition) throws
        -> DeviceEdit.Device
    {
        guard device.kind == "controller" else { return device }
        let type = device.element[attribute: "type"] ?? ""
        guard type == "scsi" else {
            throw VirtError(.operationUnsupported, detail: "'\(type)' controller cannot be hot plugged.")
        }
        let used = Set(current.devices.controllers.filter { $0.type == .scsi }.map(\.index))
        if let index = device.element[attribute: "index"] {
            if let n = Int(index), used.contains(n) {
                throw VirtError(.operationFailed, detail: "target scsi:\(n) already exists")
            }
            return device
        }
        guard let tag = device.text.firstRange(of: "<controller") else { return device }
        let free = (0...).first { !used.contains($0) } ?? 0
        var text = device.text
        text.replaceSubrange(tag, with: "<controller index='\(free)'")
        return try DeviceEdit.Device(xml: text)
    }

    /// `controllers` with `controller` where libvirt puts a hot-plugged one: before the first of its type with a
    /// higher index, else after the last of its type, else at the end.
    static func inserting(_ controller: Controller, into controllers: [Controller]) -> [Controller] {
        var list = controllers
        let sameType = list.indices.filter { list[$0].type == controller.type }
        let position =
            sameType.first { list[$0].index > controller.index } ?? sameType.last.map { $0 + 1 } ?? list.endIndex
        list.insert(controller, at: position)
        return list
    }

    /// The aliases of the kinds `attachOtherDevice` plugs.
    private static func pluggableAliases(_ d: DomainDevices) -> [String] {
        (d.controllers.map(\.alias) + d.inputs.map(\.alias) + d.rngs.map(\.alias) + [d.watchdog?.alias]
            + d.redirdevs.map(\.alias))
            .compactMap { $0 }
    }
}
