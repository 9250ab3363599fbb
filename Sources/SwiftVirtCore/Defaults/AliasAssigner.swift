/// Device aliases in libvirt's style (virtio-disk0, ide0-0-0, net0, serial0, usb, pci.0, balloon0, ...),
/// given only to devices that have none.
enum AliasAssigner {
    static func assign(_ d: inout DomainDevices, family: MachineFamily) {
        var taken = Set(DeviceInventory.all(d).compactMap(\.alias) + d.generic.compactMap(\.alias))
        func next(_ prefix: String) -> String {
            var n = 0
            while taken.contains(prefix + String(n)) { n += 1 }
            taken.insert(prefix + String(n))
            return prefix + String(n)
        }
        func claim(_ name: String) -> String {
            taken.insert(name)
            return name
        }
        for i in d.disks.indices where d.disks[i].alias == nil {
            let disk = d.disks[i]
            if let a = disk.address?.drive, let bus = disk.targetBus, bus != .virtio, bus != .usb {
                // libvirt leaves the target out on an lsilogic controller.
                let lsi = d.controllers.contains { $0.type == .scsi && $0.index == a.controller && $0.model == .lsilogic }
                let tail = bus == .scsi && !lsi ? "\(a.bus)-\(a.target)-\(a.unit)" : "\(a.bus)-\(a.unit)"
                d.disks[i].alias = claim("\(bus.rawValue)\(a.controller)-\(tail)")
            } else {
                let prefix = disk.targetBus == .usb ? "usb-disk" : "virtio-disk"
                let preferred = disk.targetIndex.map { prefix + String($0) }
                d.disks[i].alias = preferred.flatMap { taken.contains($0) ? nil : claim($0) } ?? next(prefix)
            }
        }
        for i in d.controllers.indices where d.controllers[i].alias == nil {
            let c = d.controllers[i]
            let name: String
            switch c.type {
            case .pci: name = c.index == 0 && c.model == .pcieRoot ? "pcie.0" : "pci.\(c.index)"
            case .usb: name = c.index == 0 ? "usb" : "usb\(c.index)"
            case .ide: name = c.index == 0 ? "ide" : "ide\(c.index)"
            // QEMU names the q35 built-in AHCI controller "ide", and libvirt follows it.
            case .sata: name = c.index == 0 && family == .q35 ? "ide" : "sata\(c.index)"
            case .scsi, .fdc, .virtioSerial, .ccid, .xenbus, .isa: name = "\(c.type.rawValue)\(c.index)"
            }
            // USB companion controllers legitimately share their index's alias.
            d.controllers[i].alias =
                c.type == .usb ? claim(name) : (taken.contains(name) ? next(name + "-") : claim(name))
        }
        for i in d.interfaces.indices where d.interfaces[i].alias == nil { d.interfaces[i].alias = next("net") }
        for i in d.serials.indices where d.serials[i].alias == nil { d.serials[i].alias = next("serial") }
        for i in d.consoles.indices where d.consoles[i].alias == nil {
            let mirrorsSerial = i == 0 && d.consoles[i].targetType == .serial && !d.serials.isEmpty
            d.consoles[i].alias = mirrorsSerial ? d.serials[0].alias : next("console")
        }
        for i in d.channels.indices where d.channels[i].alias == nil { d.channels[i].alias = next("channel") }
        for i in d.inputs.indices where d.inputs[i].alias == nil { d.inputs[i].alias = next("input") }
        for i in d.sounds.indices where d.sounds[i].alias == nil { d.sounds[i].alias = next("sound") }
        for i in d.videos.indices where d.videos[i].alias == nil { d.videos[i].alias = next("video") }
        for i in d.redirdevs.indices where d.redirdevs[i].alias == nil { d.redirdevs[i].alias = next("redir") }
        for i in d.hubs.indices where d.hubs[i].alias == nil { d.hubs[i].alias = next("hub") }
        if d.watchdog != nil, d.watchdog?.alias == nil { d.watchdog?.alias = next("watchdog") }
        if let m = d.memballoon, m.model != .none, m.alias == nil { d.memballoon?.alias = next("balloon") }
        for i in d.rngs.indices where d.rngs[i].alias == nil { d.rngs[i].alias = next("rng") }
        for i in d.panics.indices where d.panics[i].alias == nil { d.panics[i].alias = next("panic") }
        // Families kept whole: libvirt's prefixes (a memory module's is its model; a lease has none).
        let prefixes = ["filesystem": "fs", "shmem": "shmem", "smartcard": "smartcard", "hostdev": "hostdev"]
        for i in d.generic.indices where d.generic[i].alias == nil {
            let device = d.generic[i]
            switch device.element {
            case "iommu": d.generic[i].alias = claim("iommu0")
            case "vsock": d.generic[i].alias = claim("vsock0")
            case "nvram": d.generic[i].alias = claim("nvram")
            case "memory":
                let model = device.attribute("model") ?? "dimm"
                let prefix = ["virtio-pmem": "virtiopmem", "virtio-mem": "virtiomem", "sgx-epc": "epc"][model] ?? model
                d.generic[i].alias = next(prefix)
            default:
                if let prefix = prefixes[device.element] { d.generic[i].alias = next(prefix) }
            }
        }
    }
}
