/// Parsing of `<devices>` (storage, controllers and network here; the rest in `DeviceXMLParser+Other`).
enum DeviceXMLParser {
    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> DomainDevices {
        var d = DomainDevices()
        d.emulator = try r.childText("emulator")?.trimmingWhitespace()
        d.disks = try r.childrenKeepingUnsupported("disk") { c throws(DomainXMLError) in try disk(&c) }
        d.controllers = try r.childrenKeepingUnsupported("controller") { c throws(DomainXMLError) in try controller(&c) }
        assignControllerIndexes(&d.controllers)
        d.interfaces = try r.childrenKeepingUnsupported("interface") { c throws(DomainXMLError) in try interface(&c) }
        d.serials = try r.childrenKeepingUnsupported("serial") { c throws(DomainXMLError) in try charDevice(&c) }
        d.consoles = try r.childrenKeepingUnsupported("console") { c throws(DomainXMLError) in try charDevice(&c) }
        d.channels = try r.childrenKeepingUnsupported("channel") { c throws(DomainXMLError) in try charDevice(&c) }
        d.inputs = try r.childrenKeepingUnsupported("input") { c throws(DomainXMLError) in try input(&c) }
        d.tpms = try r.childrenKeepingUnsupported("tpm") { c throws(DomainXMLError) in try TPMXML.parse(&c) }
        d.graphics = try r.childrenKeepingUnsupported("graphics") { c throws(DomainXMLError) in try graphics(&c) }
        d.sounds = try r.childrenKeepingUnsupported("sound") { c throws(DomainXMLError) in try sound(&c) }
        d.audios = try r.childrenKeepingUnsupported("audio") { c throws(DomainXMLError) in try audio(&c) }
        d.videos = try r.childrenKeepingUnsupported("video") { c throws(DomainXMLError) in try video(&c) }
        d.hubs = try r.childrenKeepingUnsupported("hub") { c throws(DomainXMLError) in try hub(&c) }
        d.watchdog = try r.child("watchdog") { c throws(DomainXMLError) in try watchdog(&c) }
        d.memballoon = try r.child("memballoon") { c throws(DomainXMLError) in try memballoon(&c) }
        d.rngs = try r.childrenKeepingUnsupported("rng") { c throws(DomainXMLError) in try rng(&c) }
        d.panics = try r.childrenKeepingUnsupported("panic") { c throws(DomainXMLError) in try panic(&c) }
        return d
    }

    /// A controller written without `index`, until `assignControllerIndexes` gives it one.
    static let unassignedIndex = -1

    /// As libvirt: a controller without an index gets the lowest of its type that no controller before it, nor
    /// any with an explicit index, uses (`XMLElementKey` keys them the same way).
    static func assignControllerIndexes(_ controllers: inout [Controller]) {
        var used: [Controller.ControllerType: Set<Int>] = [:]
        for c in controllers where c.index != unassignedIndex { used[c.type, default: []].insert(c.index) }
        for i in controllers.indices where controllers[i].index == unassignedIndex {
            var index = 0
            while used[controllers[i].type, default: []].contains(index) { index += 1 }
            used[controllers[i].type, default: []].insert(index)
            controllers[i].index = index
        }
    }

    static func disk(_ r: inout ElementReader) throws(DomainXMLError) -> Disk {
        let type: Disk.SourceType =
            try r.enumeration("type", unsupported: ["network", "dir", "nvme", "vhostuser"]) ?? .file
        let device: Disk.Device = try r.enumeration("device", unsupported: ["lun"]) ?? .disk
        guard
            let (dev, bus) = try r.child(
                "target",
                { c throws(DomainXMLError) in
                    (
                        try c.requiredString("dev"),
                        try c.enumeration("bus", as: Disk.Bus.self, unsupported: ["xen", "uml", "sd"])
                    )
                })
        else { throw .missing(element: r.path + "/target", attribute: nil, line: r.line) }
        var disk = Disk(type: type, device: device, targetDev: dev, targetBus: bus)
        disk.sourceLine = SourceLine(r.line)
        disk.driver = try r.child("driver") { c throws(DomainXMLError) in
            Disk.Driver(
                name: c.string("name"),
                format: try c.enumeration("type", unsupported: ["qed", "vmdk", "vdi", "vpc", "luks"]),
                cache: try c.enumeration("cache"), discard: try c.enumeration("discard"), io: try c.enumeration("io"))
        }
        if let name = disk.driver?.name, name != "qemu" {
            throw .unsupported(element: r.path + "/driver", attribute: "name", line: r.line, detail: "driver '\(name)'")
        }
        var volumeSource: Disk.VolumeSource?
        disk.sourcePath =
            try r.child("source") { c throws(DomainXMLError) in
                _ = c.string("index")  // libvirt's live-XML image index; carries no configuration
                if type == .volume {
                    volumeSource = .init(pool: try c.requiredString("pool"), volume: try c.requiredString("volume"))
                    _ = c.string("file")  // live XML also names the resolved file
                }
                return type == .file || type == .volume ? c.string("file") : c.string("dev")
            } ?? nil
        disk.sourceVolume = volumeSource
        _ = try r.child("backingStore") { c throws(DomainXMLError) in () }  // empty marker in libvirt output
        disk.readOnly = try r.flag("readonly")
        disk.shareable = try r.flag("shareable")
        disk.serial = try r.childText("serial")
        disk.bootOrder = try bootOrder(&r)
        (disk.address, disk.alias) = try addressAndAlias(&r)
        return disk
    }

    static func controller(_ r: inout ElementReader) throws(DomainXMLError) -> Controller {
        var c = Controller(
            type: try r.requiredEnumeration("type", unsupported: ["ccid", "xenbus", "isa"]),
            index: try r.integer("index", in: 0...255) ?? Self.unassignedIndex,
            model: try r.enumeration("model", unsupported: unsupportedControllerModels))
        c.sourceLine = SourceLine(r.line)
        c.modelName = try r.child("model") { m throws(DomainXMLError) in try m.requiredString("name") }
        try r.child("target") { t throws(DomainXMLError) in
            c.targetChassis = try t.integer("chassis", in: 0...255)
            c.targetPort = try t.integer("port", in: 0...255)
        }
        c.masterStartPort = try r.child("master") { m throws(DomainXMLError) in
            try m.requiredInteger("startport", in: 0...255)
        }
        (c.address, c.alias) = try addressAndAlias(&r)
        return c
    }

    static let unsupportedControllerModels = [
        "pci-expander-bus", "pcie-expander-bus", "pcie-switch-upstream-port", "pcie-switch-downstream-port",
        "pcie-to-pci-bridge", "piix4-uhci", "ehci", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2",
        "buslogic", "lsisas1068", "lsisas1078", "ibmvscsi", "vmpvscsi", "virtio-transitional",
        "virtio-non-transitional", "ncr53c90", "am53c974", "dc390", "spapr-pci-host-bridge", "default",
    ]

    static func interface(_ r: inout ElementReader) throws(DomainXMLError) -> NetworkInterface {
        let type: NetworkInterface.InterfaceType = try r.requiredEnumeration(
            "type",
            unsupported: [
                "ethernet", "direct", "hostdev", "vhostuser", "server", "client", "mcast", "udp", "vdpa", "null",
                "vds", "internal",
            ])
        var n = NetworkInterface(type: type)
        n.sourceLine = SourceLine(r.line)
        n.source =
            try r.child("source") { c throws(DomainXMLError) in
                switch type {
                case .bridge: return try c.requiredString("bridge")
                case .network: return try c.requiredString("network")
                case .user: return nil
                }
            } ?? nil
        if type != .user, n.source == nil { throw .missing(element: r.path + "/source", attribute: nil, line: r.line) }
        n.mac = try r.child("mac") { c throws(DomainXMLError) in
            let a = c.attribute("address")
            guard let a else { throw .missing(element: c.path, attribute: "address", line: c.line) }
            guard let mac = MACAddress(string: a.value) else { throw c.invalid(a, "malformed MAC address") }
            return mac
        }
        n.targetDev = try r.child("target") { c throws(DomainXMLError) in try c.requiredString("dev") }
        if type == .user || n.targetDev?.hasPrefix("vnet") == true { n.targetDev = nil }
        n.model = try r.child("model") { c throws(DomainXMLError) in
            try c.requiredEnumeration(
                "type", as: NetworkInterface.Model.self, unsupported: ["ne2k_pci", "pcnet", "vmxnet3"])
        }
        n.bootOrder = try bootOrder(&r)
        (n.address, n.alias) = try addressAndAlias(&r)
        return n
    }

    static func bootOrder(_ r: inout ElementReader) throws(DomainXMLError) -> Int? {
        try r.child("boot") { c throws(DomainXMLError) in try c.requiredInteger("order", in: 1...Int(Int32.max)) }
    }

    static func addressAndAlias(_ r: inout ElementReader) throws(DomainXMLError) -> (DeviceAddress?, String?) {
        let address = try r.child("address") { c throws(DomainXMLError) in try DeviceAddressXML.parse(&c) }
        let alias = try r.child("alias") { c throws(DomainXMLError) in try c.requiredString("name") }
        return (address, alias)
    }
}

/// `<address type=...>` in its five supported flavours.
enum DeviceAddressXML {
    private enum AddressType: String, CaseIterable {
        case pci, drive, usb, isa
        case virtioSerial = "virtio-serial"
    }

    static func parse(_ c: inout ElementReader) throws(DomainXMLError) -> DeviceAddress {
        let type: AddressType = try c.requiredEnumeration(
            "type", unsupported: ["ccw", "ccid", "spapr-vio", "virtio-mmio", "dimm", "unassigned", "s390"])
        switch type {
        case .pci:
            return .pci(
                PCIAddress(
                    domain: try c.integer("domain", in: 0...0xffff) ?? 0,
                    bus: try c.requiredInteger("bus", in: 0...0xff),
                    slot: try c.requiredInteger("slot", in: 0...0x1f),
                    function: try c.integer("function", in: 0...7) ?? 0,
                    multifunction: try c.enumeration("multifunction")))
        case .drive:
            return .drive(
                DriveAddress(
                    controller: try c.integer("controller") ?? 0, bus: try c.integer("bus") ?? 0,
                    target: try c.integer("target") ?? 0, unit: try c.integer("unit") ?? 0))
        case .usb:
            let port = c.attribute("port")
            if let port,
                !port.value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ Int($0) != nil })
            {
                throw c.invalid(port, "expected a dotted port path like '1.2'")
            }
            return .usb(USBAddress(bus: try c.requiredInteger("bus"), port: port?.value))
        case .isa:
            return .isa(
                ISAAddress(iobase: try c.integer("iobase", in: 0...0xffff), irq: try c.integer("irq", in: 0...255)))
        case .virtioSerial:
            return .virtioSerial(
                VirtioSerialAddress(
                    controller: try c.integer("controller") ?? 0, bus: try c.integer("bus") ?? 0,
                    port: try c.integer("port")))
        }
    }
}
