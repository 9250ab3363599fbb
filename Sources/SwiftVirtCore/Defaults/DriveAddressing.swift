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

/// Ports on the virtio-serial bus for channels, as libvirt numbers them: port 0 belongs to virtio consoles only,
/// channels take the lowest free port from 1 on the first controller with room.
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
        func next(controller wanted: Int?) -> VirtioSerialAddress? {
            for c in controllers where wanted == nil || wanted == c {
                let taken = used[c] ?? []
                if let p = (1..<portsPerController).first(where: { !taken.contains($0) }) {
                    used[c, default: []].insert(p)
                    return VirtioSerialAddress(controller: c, bus: 0, port: p)
                }
            }
            return nil
        }
        func complete(_ dev: inout CharDevice) {
            var wanted: Int?
            if case .virtioSerial(let a)? = dev.address {
                guard a.port == nil else { return }
                wanted = a.controller
            }
            if let a = next(controller: wanted) { dev.address = .virtioSerial(a) }
        }
        // Virtio consoles keep no address in the definition (libvirtd writes none); port 0 stays theirs.
        for i in d.channels.indices where d.channels[i].targetType == .virtio { complete(&d.channels[i]) }
    }
}

/// DIMM slots for `<memory model='dimm'|'nvdimm'>` devices, the lowest free slot first (libvirt at define).
enum DIMMSlotAssigner {
    static func assign(_ d: inout DomainDevices) {
        func slot(_ a: DeviceAddress?) -> Int? {
            guard case .other(let o)? = a, o.type == "dimm" else { return nil }
            return o.attributes.first { $0.name == "slot" }.flatMap { Int($0.value) }
        }
        var used = Set(d.generic.compactMap { slot($0.address) })
        for i in d.generic.indices where d.generic[i].element == "memory" && d.generic[i].address == nil {
            guard ["dimm", "nvdimm"].contains(d.generic[i].attribute("model") ?? "") else { continue }
            var n = 0
            while used.contains(n) { n += 1 }
            used.insert(n)
            d.generic[i].address = .other(OtherAddress(type: "dimm", attributes: [.init(name: "slot", value: String(n))]))
        }
    }
}
