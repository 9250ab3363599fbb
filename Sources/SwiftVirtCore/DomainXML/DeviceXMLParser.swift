/// Parsing of `<devices>` (storage, controllers and network here; the rest in `DeviceXMLParser+Other`).
enum DeviceXMLParser {
    static func parse(_ r: inout ElementReader) throws(DomainXMLError) -> DomainDevices {
        var d = DomainDevices()
        d.emulator = try r.childText("emulator")?.trimmingWhitespace()
        d.disks = orderedAsLibvirt(try r.childrenKeepingUnsupported("disk") { c throws(DomainXMLError) in try disk(&c) })
        d.controllers = ControllerXML.withIndexes(
            try r.childrenKeepingUnsupported("controller") { c throws(DomainXMLError) in try ControllerXML.parse(&c) })
        d.interfaces = try r.childrenKeepingUnsupported("interface") { c throws(DomainXMLError) in try interface(&c) }
        d.serials = try r.childrenKeepingUnsupported("serial") { c throws(DomainXMLError) in try charDevice(&c) }
        d.consoles = try r.childrenKeepingUnsupported("console") { c throws(DomainXMLError) in try charDevice(&c) }
        d.channels = try r.childrenKeepingUnsupported("channel") { c throws(DomainXMLError) in try charDevice(&c) }
        d.inputs = try r.childrenKeepingUnsupported("input") { c throws(DomainXMLError) in try input(&c) }
        d.tpms = try r.childrenKeepingUnsupported("tpm") { c throws(DomainXMLError) in try TPMXML.parse(&c) }
        d.graphics = try r.childrenKeepingUnsupported("graphics") { c throws(DomainXMLError) in
            try GraphicsXML.parse(&c)
        }
        d.sounds = try r.childrenKeepingUnsupported("sound") { c throws(DomainXMLError) in try sound(&c) }
        d.audios = try r.childrenKeepingUnsupported("audio") { c throws(DomainXMLError) in try audio(&c) }
        d.videos = try r.childrenKeepingUnsupported("video") { c throws(DomainXMLError) in try video(&c) }
        d.redirdevs = try r.childrenKeepingUnsupported("redirdev") { c throws(DomainXMLError) in
            try RedirdevXML.parse(&c)
        }
        let filters = try r.children("redirfilter") { c throws(DomainXMLError) in
            (try RedirFilterXML.parse(&c), c.line)
        }
        if filters.count > 1 {
            throw .refused(
                code: .internalError, message: "only one set of redirection filter rule is supported",
                element: r.path + "/redirfilter", line: filters[1].1)
        }
        d.redirfilter = filters.first?.0
        d.hubs = try r.childrenKeepingUnsupported("hub") { c throws(DomainXMLError) in try hub(&c) }
        d.watchdog = try r.child("watchdog") { c throws(DomainXMLError) in try watchdog(&c) }
        d.memballoon = try r.child("memballoon") { c throws(DomainXMLError) in try memballoon(&c) }
        d.rngs = try r.childrenKeepingUnsupported("rng") { c throws(DomainXMLError) in try rng(&c) }
        d.panics = try r.childrenKeepingUnsupported("panic") { c throws(DomainXMLError) in try panic(&c) }
        d.parallels = try r.childrenKeepingUnsupported("parallel") { c throws(DomainXMLError) in try charDevice(&c) }
        d.generic = try r.generic(DomainDevices.genericFamilies) { c throws(DomainXMLError) in
            try addressAndAlias(&c)
        }
        return d
    }

    /// libvirt's disk order: each disk, as read, goes after the last disk on its bus with a lower target index (or
    /// before the first with a higher one); a disk on a bus no earlier disk uses goes at the end.
    static func orderedAsLibvirt(_ disks: [Disk]) -> [Disk] {
        var out: [Disk] = []
        func bus(_ d: Disk) -> Disk.Bus? { d.targetBus ?? d.busFromTargetName }
        for disk in disks {
            let index = disk.targetIndex ?? 0
            var insertAt: Int?
            for i in out.indices.reversed() where bus(out[i]) == bus(disk) {
                if (out[i].targetIndex ?? 0) > index {
                    insertAt = i
                } else if insertAt == nil {
                    insertAt = i + 1
                }
            }
            out.insert(disk, at: insertAt ?? out.endIndex)
        }
        return out
    }

    static func disk(_ r: inout ElementReader) throws(DomainXMLError) -> Disk {
        let type: Disk.SourceType = try r.enumeration("type") ?? .file
        let device: Disk.Device = try r.enumeration("device") ?? .disk
        var disk = Disk(type: type, device: device, targetDev: "")
        try r.child("target") { c throws(DomainXMLError) in
            disk.targetDev = try c.requiredString("dev")
            disk.targetBus = try c.enumeration("bus")
            disk.tray = try c.enumeration("tray")
            disk.removable = try c.enumeration("removable")
            disk.rotationRate = try c.integer("rotation_rate", in: 1...65534)
        }
        if disk.targetDev.isEmpty { throw .missing(element: r.path + "/target", attribute: nil, line: r.line) }
        disk.sourceLine = SourceLine(r.line)
        disk.driver = try r.child("driver") { c throws(DomainXMLError) in
            var d = Disk.Driver(
                name: c.string("name"), format: try c.enumeration("type"), cache: try c.enumeration("cache"),
                discard: try c.enumeration("discard"), io: try c.enumeration("io"))
            d.errorPolicy = try c.enumeration("error_policy")
            d.readErrorPolicy = try c.enumeration("rerror_policy")
            if d.readErrorPolicy == .enospace {
                throw .invalidValue(
                    element: c.path, attribute: "rerror_policy", value: "enospace", line: c.line,
                    reason: "'enospace' is not a valid read error policy")
            }
            d.detectZeroes = try c.enumeration("detect_zeroes")
            d.iothread = try c.integer("iothread", in: 1...Int(UInt32.max))
            d.queues = try c.integer("queues", in: 1...Int(UInt16.max))
            d.queueSize = try c.integer("queue_size", in: 1...Int(UInt16.max))
            d.copyOnRead = try c.enumeration("copy_on_read")
            return d
        }
        if let name = disk.driver?.name, name != "qemu" {
            throw .unsupported(element: r.path + "/driver", attribute: "name", line: r.line, detail: "driver '\(name)'")
        }
        try r.child("source") { c throws(DomainXMLError) in
            _ = c.string("index")  // libvirt's live-XML image index; carries no configuration
            disk.startupPolicy = c.string("startupPolicy")
            switch type {
            case .file:
                disk.sourcePath = c.string("file")
            case .block:
                disk.sourcePath = c.string("dev")
            case .dir:
                disk.sourcePath = c.string("dir")
            case .volume:
                disk.sourceVolume = .init(pool: try c.requiredString("pool"), volume: try c.requiredString("volume"))
                disk.sourcePath = c.string("file")  // live XML also names the resolved file
            case .network:
                var n = Disk.NetworkSource(protocol: try c.requiredEnumeration("protocol"), name: c.string("name"))
                n.hosts = try c.children("host") { h throws(DomainXMLError) in
                    Disk.Host(
                        name: h.string("name"), port: try h.integer("port", in: 0...65535),
                        transport: h.string("transport"), socket: h.string("socket"))
                }
                disk.networkSource = n
            case .nvme, .vhostuser:
                break  // kept as written
            }
            if type != .nvme && type != .vhostuser {
                disk.encryption = try c.child("encryption") { e throws(DomainXMLError) in try StorageEncryption.read(&e) }
            }
        }
        if r.has("encryption") {
            if disk.encryption != nil {
                throw .refused(
                    code: .configUnsupported, message: "an <encryption> definition already found for disk source",
                    element: r.path + "/encryption", line: r.line)
            }
            disk.encryption = try r.child("encryption") { e throws(DomainXMLError) in try StorageEncryption.read(&e) }
            disk.encryptionUnderDisk = true
        }
        if type == .network, disk.networkSource == nil {
            throw .missing(element: r.path + "/source", attribute: nil, line: r.line)
        }
        disk.readOnly = try r.flag("readonly")
        disk.shareable = try r.flag("shareable")
        disk.transient = r.has("transient")  // kept as written (shareBacking); its presence is what rules check
        disk.serial = try r.childText("serial")
        disk.bootOrder = try bootOrder(&r)
        (disk.address, disk.alias) = try addressAndAlias(&r)
        return disk
    }

    static func interface(_ r: inout ElementReader) throws(DomainXMLError) -> NetworkInterface {
        let type: NetworkInterface.InterfaceType = try r.requiredEnumeration("type")
        var n = NetworkInterface(type: type)
        n.sourceLine = SourceLine(r.line)
        // The source of the types the driver connects is typed; any other type's <source> is kept as written.
        switch type {
        case .bridge, .network:
            n.source = try r.child("source") { c throws(DomainXMLError) in
                try c.requiredString(type == .bridge ? "bridge" : "network")
            }
            if n.source == nil { throw .missing(element: r.path + "/source", attribute: nil, line: r.line) }
        case .direct:
            try r.child("source") { c throws(DomainXMLError) in
                n.source = try c.requiredString("dev")
                n.directMode = try c.enumeration("mode") ?? .vepa
            }
            if n.source == nil { throw .missing(element: r.path + "/source", attribute: nil, line: r.line) }
        case .server, .client, .mcast, .udp:
            try r.child("source") { c throws(DomainXMLError) in
                n.socketAddress = c.string("address")
                n.socketPort = try c.requiredInteger("port", in: 0...65535)
                if type == .udp {
                    try c.child("local") { l throws(DomainXMLError) in
                        n.localAddress = l.string("address")
                        n.localPort = try l.requiredInteger("port", in: 0...65535)
                    }
                }
            }
            if n.socketPort == nil { throw .missing(element: r.path + "/source", attribute: nil, line: r.line) }
        case .user, .ethernet, .hostdev, .vhostuser, .vdpa, .null, .vds, .internal:
            break
        }
        n.mac = try r.child("mac") { c throws(DomainXMLError) in
            let a = c.attribute("address")
            guard let a else { throw .missing(element: c.path, attribute: "address", line: c.line) }
            guard let mac = MACAddress(string: a.value) else { throw c.invalid(a, "malformed MAC address") }
            return mac
        }
        n.virtualPort = try r.child("virtualport") { c throws(DomainXMLError) in
            var v = NetworkInterface.VirtualPort(type: c.string("type"))
            try c.child("parameters") { p throws(DomainXMLError) in
                for a in p.element.attributes {
                    v.parameters.append(.init(name: a.name, value: p.string(a.name) ?? a.value))
                }
            }
            if ["openvswitch", "midonet"].contains(v.type), !v.parameters.contains(where: { $0.name == "interfaceid" }) {
                // As libvirt: a port of these switches is named by a UUID, made up when none is given.
                v.parameters.append(.init(name: "interfaceid", value: DomainUUID.random().description))
            }
            return v
        }
        try r.child("target") { c throws(DomainXMLError) in
            n.targetDev = try c.requiredString("dev")
            if type == .ethernet { n.targetManaged = try c.yesNo("managed") }
        }
        if type == .user || n.targetDev.map(Self.isGeneratedTapName) == true { n.targetDev = nil }
        n.model = try r.child("model") { c throws(DomainXMLError) in
            try c.requiredEnumeration("type", as: NetworkInterface.Model.self)
        }
        if [.network, .bridge, .ethernet].contains(type) {
            n.filterRef = try r.child("filterref") { c throws(DomainXMLError) -> NWFilterReference? in
                let filter = c.string("filter")
                _ = c.rawContent()  // the parameters are read below; what else is inside is dropped, as libvirt
                return filter.map { NWFilterXML.reference(c.element, filter: $0) }
            } ?? nil
        }
        n.linkState = try r.child("link") { c throws(DomainXMLError) in
            try c.enumeration("state", as: NetworkInterface.LinkState.self)
        } ?? nil
        n.bootOrder = try bootOrder(&r)
        (n.address, n.alias) = try addressAndAlias(&r)
        return n
    }

    /// Tap names the daemon makes itself (`vnetN`, `macvtapN`): not part of the persistent definition, as libvirt.
    static func isGeneratedTapName(_ name: String) -> Bool {
        for prefix in ["vnet", "macvtap"] where name.hasPrefix(prefix) {
            if name.dropFirst(prefix.count).allSatisfy(\.isNumber) { return true }
        }
        return false
    }

    static func bootOrder(_ r: inout ElementReader) throws(DomainXMLError) -> Int? {
        try r.child("boot") { c throws(DomainXMLError) in try c.requiredInteger("order", in: 1...Int(Int32.max)) }
    }

    static func addressAndAlias(_ r: inout ElementReader) throws(DomainXMLError) -> (DeviceAddress?, String?) {
        var address = try r.child("address") { c throws(DomainXMLError) in try DeviceAddressXML.parse(&c) }
        // As libvirt: a PCI address of domain, bus and slot 0 asks for one to be given (function aside).
        if case .pci(let a)? = address, a.domain == 0, a.bus == 0, a.slot == 0 { address = nil }
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

    /// Address types the model keeps as written (`DeviceAddress.other`).
    private static let otherTypes: Set<String> = ["ccw", "ccid", "spapr-vio", "virtio-mmio", "dimm", "unassigned", "s390"]

    static func parse(_ c: inout ElementReader) throws(DomainXMLError) -> DeviceAddress {
        if let t = c.attribute("type")?.value, otherTypes.contains(t) {
            let attrs = c.element.attributes.filter { $0.name != "type" }
            for a in attrs { _ = c.string(a.name) }
            return .other(OtherAddress(type: t, attributes: attrs.map { .init(name: $0.name, value: $0.value) }))
        }
        let type: AddressType = try c.requiredEnumeration("type")
        switch type {
        case .pci:
            return .pci(
                PCIAddress(
                    domain: try c.integer("domain", in: 0...0xffff) ?? 0,
                    bus: try c.integer("bus", in: 0...0xff) ?? 0,
                    slot: try c.integer("slot", in: 0...0x1f) ?? 0,
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
