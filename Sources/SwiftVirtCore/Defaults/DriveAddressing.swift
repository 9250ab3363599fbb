/// Drive addresses (controller/bus/target/unit) derived from disk target names, as libvirt computes them.
enum DriveAddressing {
    static func assign(_ d: inout DomainDevices) throws(DomainXMLError) {
        for i in d.disks.indices where d.disks[i].address == nil {
            let disk = d.disks[i]
            guard let bus = disk.targetBus, [.ide, .sata, .scsi, .fdc].contains(bus) else { continue }
            guard let idx = disk.targetIndex else {
                throw .invalidValue(
                    element: "devices/disk/target", attribute: "dev", value: disk.targetDev, line: disk.sourceLine.line,
                    reason: "malformed disk target name")
            }
            d.disks[i].address = .drive(address(bus: bus, index: idx))
        }
    }

    static func address(bus: Disk.Bus, index idx: Int) -> DriveAddress {
        switch bus {
        case .ide: return DriveAddress(controller: idx / 4, bus: (idx % 4) / 2, target: 0, unit: idx % 2)
        case .sata: return DriveAddress(controller: idx / 6, bus: 0, target: 0, unit: idx % 6)
        case .scsi: return DriveAddress(controller: idx / 7, bus: 0, target: 0, unit: idx % 7)
        default: return DriveAddress(controller: 0, bus: 0, target: 0, unit: idx)
        }
    }
}

/// USB ports for USB devices on controller bus 0, in libvirt's order (virDomainUSBDeviceDefForeach): hubs first,
/// then disks, inputs, sound cards, redirected devices.
enum USBAddressAssigner {
    static func assign(_ d: inout DomainDevices) {
        guard d.controllers.contains(where: { $0.type == .usb && $0.model != Controller.Model.none }) else { return }
        var used = Set<String>()
        func collect(_ a: DeviceAddress?) { if case .usb(let u)? = a, let p = u.port { used.insert(p) } }
        d.inputs.forEach { collect($0.address) }
        d.hubs.forEach { collect($0.address) }
        d.disks.forEach { collect($0.address) }
        d.sounds.forEach { collect($0.address) }
        d.redirdevs.forEach { collect($0.address) }
        func next() -> DeviceAddress {
            var n = 1
            while used.contains(String(n)) { n += 1 }
            used.insert(String(n))
            return .usb(USBAddress(bus: 0, port: String(n)))
        }
        for i in d.hubs.indices where d.hubs[i].address == nil { d.hubs[i].address = next() }
        for i in d.disks.indices where d.disks[i].targetBus == .usb && d.disks[i].address == nil {
            d.disks[i].address = next()
        }
        for i in d.inputs.indices where d.inputs[i].bus == .usb && d.inputs[i].address == nil {
            d.inputs[i].address = next()
        }
        for i in d.sounds.indices where d.sounds[i].model == .usb && d.sounds[i].address == nil {
            d.sounds[i].address = next()
        }
        for i in d.redirdevs.indices where d.redirdevs[i].address == nil { d.redirdevs[i].address = next() }
    }
}

/// Ports on the virtio-serial bus for virtio consoles and channels, as libvirt numbers them: port 0 belongs to
/// virtio consoles only, channels take the lowest free port from 1 on the first controller with room.
enum VirtioSerialAddressAssigner {
    /// QEMU's virtio-serial max_ports default.
    static let portsPerController = 31

    static func assign(_ d: inout DomainDevices) {
        let controllers = d.controllers.filter { $0.type == .virtioSerial }.map(\.index).sorted()
        guard !controllers.isEmpty else { return }
        var used: [Int: Set<Int>] = [:]
        for dev in d.consoles + d.channels {
            if case .virtioSerial(let a)? = dev.address, let p = a.port { used[a.controller, default: []].insert(p) }
        }
        func next(allowZero: Bool, controller wanted: Int?) -> VirtioSerialAddress? {
            for c in controllers where wanted == nil || wanted == c {
                let taken = used[c] ?? []
                if let p = ((allowZero ? 0 : 1)..<portsPerController).first(where: { !taken.contains($0) }) {
                    used[c, default: []].insert(p)
                    return VirtioSerialAddress(controller: c, bus: 0, port: p)
                }
            }
            return nil
        }
        func complete(_ dev: inout CharDevice, allowZero: Bool) {
            var wanted: Int?
            if case .virtioSerial(let a)? = dev.address {
                guard a.port == nil else { return }
                wanted = a.controller
            }
            if let a = next(allowZero: allowZero, controller: wanted) { dev.address = .virtioSerial(a) }
        }
        for i in d.consoles.indices where d.consoles[i].targetType == .virtio { complete(&d.consoles[i], allowZero: true) }
        for i in d.channels.indices where d.channels[i].targetType == .virtio { complete(&d.channels[i], allowZero: false) }
    }
}
