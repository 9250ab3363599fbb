import SwiftVirtCore

/// attach-device, detach-device, update-device: the persistent definition changed through `DeviceEdit` and
/// saved as a define saves it; the running guest changed through its driver (`DeviceHotplug`), then the live
/// definition. libvirt's flags: CURRENT means LIVE for a running domain and CONFIG otherwise.
extension DomainRegistry {
    static let affectLive: UInt32 = 1
    static let affectConfig: UInt32 = 2

    func changeDevice(_ uuid: DomainUUID, xml: String, _ operation: DeviceEdit.Operation, flags: UInt32) async throws {
        let device = try DeviceEdit.Device(xml: xml)
        try await jobs.run(uuid) {
            let rec = try self.record(uuid)
            var live = flags & Self.affectLive != 0
            var config = flags & Self.affectConfig != 0
            if !live && !config {
                if rec.isActive { live = true } else { config = true }
            }
            if live && !rec.isActive { throw VirtError(.operationInvalid, detail: "domain is not running") }
            if config && !rec.persistent {
                throw VirtError(.operationInvalid, detail: "cannot change persistent config of a transient domain")
            }
            if operation != .detach { try device.checkAttachedPCIController() }
            // Both are checked before either changes.
            var newConfig: DomainDefinition?
            if config {
                let xml = try DeviceEdit.apply(operation, device, toConfig: DomainXML.format(rec.nextConfig ?? rec.config))
                newConfig = try self.prepare(xml: xml)
            }
            if live, let current = rec.live, let running = rec.running {
                try await self.changeLive(uuid, device, operation, current: current, running: running)
            }
            if let newConfig { try await self.saveChangedDefinition(newConfig) }
        }
    }

    private func changeLive(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, _ operation: DeviceEdit.Operation, current: DomainDefinition,
        running: any RunningDomain
    ) async throws {
        let verb = operation == .attach ? "attach" : operation == .detach ? "detach" : "update"
        let unsupported = VirtError(
            operation == .update ? .configUnsupported : .operationUnsupported,
            detail: "live \(verb) of device '\(device.kind)' is not supported")
        guard let hotplug = running as? any DeviceHotplug else { throw unsupported }
        switch (operation, device.kind) {
        case (.detach, "disk"):
            let target = device.diskTarget ?? ""
            guard let disk = current.devices.disks.first(where: { $0.targetDev == target }), let alias = disk.alias else {
                throw VirtError(.deviceMissing, detail: "disk \(target) not found")
            }
            if disk.device == .cdrom || disk.device == .floppy {
                throw VirtError(.operationUnsupported, detail: "disk device type '\(disk.device.rawValue)' cannot be detached")
            }
            if ![.virtio, .usb, .scsi].contains(disk.targetBus ?? .ide) {
                throw VirtError(.operationUnsupported, detail: "This type of disk cannot be hot unplugged")
            }
            // The live definition loses the device when the guest has let go (`domainDeviceRemoved`).
            _ = try await hotplug.detachDevice(alias: alias)
        case (.detach, "interface"):
            let elements = try DeviceEdit.devices(in: DomainXML.formatState(current)).map(\.element)
            let found = elements[try DeviceEdit.find(device, in: elements, operation: .detach)]
            let mac = found.childElements.first { $0.name == "mac" }?[attribute: "address"]
            guard let nic = current.devices.interfaces.first(where: { $0.mac?.description == mac }), let alias = nic.alias
            else { throw VirtError(.deviceMissing, detail: "no interface with MAC address \(mac ?? "?")") }
            _ = try await hotplug.detachDevice(alias: alias)
        case (.attach, "interface"):
            try await attachInterface(uuid, device, current: current, hotplug: hotplug)
        case (.attach, let kind) where Self.pluggableKinds.contains(kind):
            try await attachOtherDevice(uuid, device, current: current, hotplug: hotplug)
        case (.attach, "filesystem") where Self.isHotpluggableFilesystem(device.element, current):
            try await attachFilesystem(uuid, device, current: current, hotplug: hotplug)
        case (.detach, "filesystem") where Self.liveVirtiofs(device, in: current) != nil:
            _ = try await hotplug.detachDevice(alias: Self.liveVirtiofs(device, in: current) ?? "")
        case (let op, let kind) where op != .update && Self.refusedLiveKinds.contains(kind):
            try Self.refuseLive(operation, device, current: current)
        case (.attach, "shmem"):
            try await attachShmem(uuid, device, current: current, hotplug: hotplug)
        case (.detach, "shmem"):
            _ = try await hotplug.detachDevice(alias: try Self.shmemToDetach(device, in: current))
        case (.attach, "chr"):
            try await attachCharDevice(uuid, device, current: current, hotplug: hotplug)
        case (.detach, "chr"):
            _ = try await hotplug.detachDevice(alias: try Self.charDeviceToDetach(device, in: current, runtime: await running.runtime))
        case (.detach, let kind) where Self.pluggableKinds.contains(kind):
            _ = try await hotplug.detachDevice(alias: try Self.aliasToDetach(device, in: current))
        case (.attach, "disk"), (.update, "disk"):
            let target = device.diskTarget ?? ""
            if operation == .update {
                guard let old = current.devices.disks.first(where: { $0.targetDev == target }) else {
                    throw VirtError(.internalError, detail: "disk '\(target)' not found")
                }
                guard old.device == .cdrom || old.device == .floppy else {
                    throw VirtError(.configUnsupported, detail: "disk source can be changed only in removable drives")
                }
            }
            let changed = try await changedLive(current, device, operation)
            // Only the disks (and SCSI controllers they need) change: the rest of the live definition keeps what
            // the start gave it (tap names).
            var next = try await plugDiskControllers(uuid, current: current, changed: changed, hotplug: hotplug)
            next.devices.disks = changed.devices.disks
            if operation == .attach {
                try await hotplug.attachDisk(target: target, of: next)
            } else {
                try await hotplug.changeMedia(target: target, of: next)
            }
            await replaceLive(uuid, with: next)
            if operation == .attach, let alias = next.devices.disks.first(where: { $0.targetDev == target })?.alias {
                publishDeviceAdded(uuid, alias: alias)
            }
        case (.update, "interface"):
            guard let updates = running as? any LiveDeviceUpdates else { throw unsupported }
            try await updateLiveInterface(uuid, device, current: current, updates: updates)
        case (.update, "graphics"):
            guard let updates = running as? any LiveDeviceUpdates else { throw unsupported }
            try await updateLiveGraphics(uuid, device, current: current, updates: updates)
        default:
            throw unsupported
        }
    }

    /// The live definition with `device` attached or updated, checked as a definition.
    /// Controllers it gains are the attached one or SCSI controllers an attached disk needs (plugged in first).
    func changedLive(_ current: DomainDefinition, _ device: DeviceEdit.Device, _ operation: DeviceEdit.Operation)
        async throws -> DomainDefinition
    {
        let xml = try DeviceEdit.apply(operation, device, to: DomainXML.formatState(current))
        let changed = try await resolvingDisks(try prepare(xml: xml))
        let known = Set(current.devices.controllers.compactMap(\.alias))
        let gained = changed.devices.controllers.filter { !($0.alias.map(known.contains) ?? true) }
        // libvirt adds no bus to a running guest: a PCI device with no free hot-pluggable slot is refused.
        if gained.contains(where: { $0.type == .pci }) {
            throw VirtError(.internalError, detail: "No more available PCI slots")
        }
        let expected =
            switch device.kind {
            case "controller": gained.count == 1
            case "disk": gained.allSatisfy { $0.type == .scsi }
            default: gained.isEmpty
            }
        if !expected || changed.devices.controllers.count - gained.count != current.devices.controllers.count {
            throw VirtError(
                .operationUnsupported,
                detail: "the \(device.kind) needs a controller the running guest does not have; attach the controller first")
        }
        return changed
    }

    /// A NIC for the running guest: its host device made as at start, then QEMU's backend and device.
    private func attachInterface(
        _ uuid: DomainUUID, _ device: DeviceEdit.Device, current: DomainDefinition, hotplug: any DeviceHotplug
    ) async throws {
        let changed = try await changedLive(current, device, .attach)
        let known = Set(current.devices.interfaces.compactMap(\.mac))
        guard var nic = changed.devices.interfaces.first(where: { $0.mac.map { !known.contains($0) } ?? false }) else {
            throw VirtError(.operationInvalid, detail: "the interface's MAC address is in use by the domain")
        }
        // Aliases of the running guest's NICs stay what QEMU knows them by; the new one takes a free one.
        let taken = Set(current.devices.interfaces.compactMap(\.alias))
        if nic.alias.map(taken.contains) ?? true {
            nic.alias = (0...).lazy.map { "net\($0)" }.first { !taken.contains($0) }
        }
        let alias = nic.alias ?? "net0"
        if nic.type == .direct {
            throw VirtError(.operationUnsupported, detail: "live attach of <interface type='direct'> is not supported")
        }
        nic.targetDev = try await plugger?.plug(nic, owner: current) ?? nic.targetDev
        var next = current
        next.devices.interfaces.append(nic)
        do {
            try await hotplug.attachInterface(alias: alias, of: next)
        } catch {
            await plugger?.unplug(nic)
            throw error
        }
        await replaceLive(uuid, with: next)
        publishDeviceAdded(uuid, alias: alias)
    }

    /// libvirt's DEVICE_ADDED, once a hot-plugged device is in the guest and the live definition.
    func publishDeviceAdded(_ uuid: DomainUUID, alias: String) {
        guard let rec = try? record(uuid) else { return }
        events.publish(DomainEventNotice(kind: .deviceAdded, domain: rec.identity, lifecycle: nil, deviceAlias: alias))
    }

    /// The guest let go of a detached device: out of the live definition, and libvirt's DEVICE_REMOVED event.
    func domainDeviceRemoved(_ uuid: DomainUUID, alias: String) async {
        guard let rec = try? record(uuid), var live = rec.live else { return }
        live.devices.disks.removeAll { $0.alias == alias }
        live.devices.controllers.removeAll { $0.alias == alias }
        live.devices.inputs.removeAll { $0.alias == alias }
        live.devices.rngs.removeAll { $0.alias == alias }
        live.devices.redirdevs.removeAll { $0.alias == alias }
        if live.devices.watchdog?.alias == alias { live.devices.watchdog = nil }
        live.devices.generic.removeAll { $0.alias == alias }
        live.devices.serials.removeAll { $0.alias == alias }
        live.devices.consoles.removeAll { $0.alias == alias }
        live.devices.channels.removeAll { $0.alias == alias }
        if let nic = live.devices.interfaces.first(where: { $0.alias == alias }) {
            live.devices.interfaces.removeAll { $0.alias == alias }
            await plugger?.unplug(nic)
        }
        await replaceLive(uuid, with: live)
        events.publish(DomainEventNotice(kind: .deviceRemoved, domain: rec.identity, lifecycle: nil, deviceAlias: alias))
    }

    /// virDomainBlockResize: the disk named by target or source path, in bytes (qcow2 rounded up to 512).
    func resizeDisk(_ uuid: DomainUUID, disk name: String, bytes: UInt64) async throws {
        try await jobs.run(uuid) {
            let rec = try self.record(uuid)
            guard let live = rec.live, let running = rec.running else {
                throw VirtError(.operationInvalid, detail: "domain is not running")
            }
            guard let disk = live.devices.disks.first(where: { $0.targetDev == name || $0.sourcePath == name }),
                let alias = disk.alias
            else { throw VirtError(.invalidArg, detail: "disk '\(name)' was not found in the domain config") }
            guard disk.sourcePath != nil || disk.networkSource != nil, !disk.readOnly, disk.device != .cdrom else {
                throw VirtError(.operationUnsupported, detail: "can't resize empty or readonly disk '\(disk.targetDev)'")
            }
            guard let hotplug = running as? any DeviceHotplug else {
                throw VirtError(.noSupport, detail: "virDomainBlockResize")
            }
            let format = disk.driver?.format
            let size = format == .qcow2 || format == .qed ? (bytes + 511) / 512 * 512 : bytes
            try await hotplug.resizeDisk(alias: alias, bytes: size)
        }
    }
}
