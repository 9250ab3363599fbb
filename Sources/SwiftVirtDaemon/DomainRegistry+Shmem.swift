import SwiftVirtCore

/// Live attach and detach of `<shmem>` (libvirt 9.0's qemuDomainAttachShmemDevice): ivshmem-plain only, the
/// legacy model refused with libvirt's words; the new device takes libvirt's alias (one past the highest shmemN)
/// and the PCI slot the live definition gives it.
extension DomainRegistry {
    func attachShmem(_ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, hotplug: any DeviceHotplug)
        async throws
    {
        let g = device.element
        let model = g.childElements.first { $0.name == "model" }?[attribute: "type"] ?? "ivshmem"
        // The legacy device left QEMU in 4.0; libvirt's capability check refuses it first.
        if model == "ivshmem" {
            throw VirtError(.configUnsupported, detail: "ivshmem device is not supported with this QEMU binary")
        }
        if g.childElements.contains(where: { $0.name == "server" }) {
            throw VirtError(.operationUnsupported, detail: "live attach of <shmem> with a server is not supported")
        }
        try await attachKept(uuid, device, family: "shmem", aliasPrefix: "shmem", current: current, hotplug: hotplug)
    }

    /// Plugs the new device of a family the model keeps whole (`GenericDevice`) into the running guest: the live
    /// definition with it (its PCI slot given), libvirt's alias (one past the highest PREFIXn), `finish` for what
    /// else the live definition shows, then QEMU, the live definition and DEVICE_ADDED.
    func attachKept(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, family: String, aliasPrefix: String, current: DomainDefinition,
        hotplug: any DeviceHotplug, finish: (inout DomainDefinition) -> Void = { _ in }
    ) async throws {
        let changed = try await changedLive(current, device, .attach)
        let taken = current.devices.generic.compactMap(\.alias)
        guard let index = changed.devices.generic.indices.first(where: { i in
            changed.devices.generic[i].element == family && !(changed.devices.generic[i].alias.map(taken.contains) ?? false)
        }) else { throw VirtError(.internalError, detail: "the attached \(family) was not found in the live definition") }
        let numbers = taken.compactMap { $0.hasPrefix(aliasPrefix) ? Int($0.dropFirst(aliasPrefix.count)) : nil }
        let alias = "\(aliasPrefix)\((numbers.max() ?? -1) + 1)"
        var next = current
        next.devices.generic = changed.devices.generic
        next.devices.generic[index].alias = alias
        finish(&next)
        try await hotplug.attachDevice(alias: alias, of: next)
        await replaceLive(uuid, with: next)
        publishDeviceAdded(uuid, alias: alias)
    }

    /// The alias of the live `<shmem>` that `device` names, for a detach.
    static func shmemToDetach(_ device: DeviceEdit.Device, in current: DomainDefinition) throws -> String {
        let elements = try DeviceEdit.devices(in: DomainXML.formatState(current)).map(\.element)
        guard let i = try? DeviceEdit.find(device, in: elements, operation: .detach) else {
            let model = device.element.childElements.first { $0.name == "model" }?[attribute: "type"] ?? "ivshmem"
            throw VirtError(
                .deviceMissing, detail: "model '\(model)' shmem device not present in domain configuration")
        }
        return elements[i].childElements.first { $0.name == "alias" }?[attribute: "name"] ?? ""
    }
}
