/// USB ports for the devices that plug into USB, as libvirt 9.0 gives them at define time
/// (qemuDomainAssignUSBAddresses): hubs added when the controllers have too few ports, the ports the definition
/// names taken, then hubs and every other USB device, in libvirt's order, to the first free port.
struct USBAddressAssigner {
    /// USB addresses that devices kept verbatim hold, and how many such devices plug into USB.
    var kept = KeptDevices.USB()

    /// One device on USB, as the assigner sees it.
    struct Entry {
        let address: WritableKeyPath<DomainDevices, DeviceAddress?>
        let element: String
        let line: Int?
    }

    func assign(_ d: inout DomainDevices) throws(DomainXMLError) {
        try addHubs(&d)
        var ports: USBPortSet
        do {
            ports = try USBPortSet(controllers: d.controllers)
        } catch {
            throw error.domainError(element: "devices/controller", line: nil)
        }
        let hubs = Self.hubs(d)
        // Hubs whose place is given first: devices may name ports on them.
        for e in hubs {
            guard let (bus, path) = Self.place(d[keyPath: e.address]) else { continue }
            try e.run { () throws(USBPortError) in try ports.addHub(bus: bus, path: path) }
        }
        for e in Self.devices(d) {
            guard let (bus, path) = Self.place(d[keyPath: e.address]) else { continue }
            try e.run { () throws(USBPortError) in try ports.reserve(bus: bus, path: path) }
        }
        for (bus, path) in kept.addresses {
            do {
                try ports.reserve(bus: bus, path: path)
            } catch {
                throw error.domainError(element: "devices", line: nil)
            }
        }
        for e in hubs where Self.wantsPort(d[keyPath: e.address]) {
            let (bus, path) = try Self.assign(e, &d, &ports)
            try e.run { () throws(USBPortError) in try ports.addHub(bus: bus, path: path) }
        }
        for e in Self.devices(d) where Self.wantsPort(d[keyPath: e.address]) {
            _ = try Self.assign(e, &d, &ports)
        }
    }

    /// Hubs appended when the devices outnumber the ports (qemuDomainUSBAddressAddHubs); a hub uses one port of
    /// its own and gives eight.
    private func addHubs(_ d: inout DomainDevices) throws(DomainXMLError) {
        let count = Self.hubs(d).count + Self.devices(d).count + kept.deviceCount
        guard count > 0 else { return }
        guard d.controllers.contains(where: { $0.type == .usb && $0.model != Controller.Model.none }) else {
            throw .refused(
                code: .configUnsupported,
                message: "USB is disabled for this domain, but USB devices are present in the domain XML",
                element: "devices/controller", line: nil)
        }
        let available =
            d.controllers.filter { $0.type == .usb }.map(USBPortSet.ports(of:)).reduce(0, +)
            + Self.hubs(d).count * USBPortSet.hubPorts
        guard count > available else { return }
        let needed = (count - available + 1 + USBPortSet.hubPorts - 2) / (USBPortSet.hubPorts - 1)
        for _ in 0..<needed { d.hubs.append(HubDevice()) }
    }

    /// The hubs, in document order.
    static func hubs(_ d: DomainDevices) -> [Entry] {
        d.hubs.indices.map { Entry(address: \.hubs[$0].address, element: "devices/hub", line: d.hubs[$0].sourceLine.line) }
    }

    /// Every other USB device in libvirt's order (virDomainUSBDeviceDefForeach): host devices, disks, smartcard
    /// readers (ccid controllers), inputs, serial ports, sound, redirected devices.
    static func devices(_ d: DomainDevices) -> [Entry] {
        var out: [Entry] = []
        func generic(_ element: String, _ onUSB: (GenericDevice) -> Bool) {
            for (i, g) in d.generic.enumerated() where g.element == element && onUSB(g) {
                out.append(Entry(address: \.generic[i].address, element: "devices/" + element, line: g.sourceLine.line))
            }
        }
        generic("hostdev") { $0.attribute("type") == "usb" }
        for (i, x) in d.disks.enumerated() where x.targetBus == .usb {
            out.append(Entry(address: \.disks[i].address, element: "devices/disk", line: x.sourceLine.line))
        }
        for i in d.controllers.libvirtOrder where d.controllers[i].type == .ccid {
            let x = d.controllers[i]
            out.append(Entry(address: \.controllers[i].address, element: "devices/controller", line: x.sourceLine.line))
        }
        for (i, x) in d.inputs.enumerated() where x.bus == .usb {
            out.append(Entry(address: \.inputs[i].address, element: "devices/input", line: x.sourceLine.line))
        }
        for (i, x) in d.serials.enumerated() where x.targetType == .usbSerial {
            out.append(Entry(address: \.serials[i].address, element: "devices/serial", line: x.sourceLine.line))
        }
        for (i, x) in d.sounds.enumerated() where x.model == .usb {
            out.append(Entry(address: \.sounds[i].address, element: "devices/sound", line: x.sourceLine.line))
        }
        for (i, x) in d.redirdevs.enumerated() where x.bus == .usb {
            out.append(Entry(address: \.redirdevs[i].address, element: "devices/redirdev", line: x.sourceLine.line))
        }
        return out
    }

    /// The bus and port path an address names, when it names a port.
    static func place(_ a: DeviceAddress?) -> (Int, [Int])? {
        guard case .usb(let u)? = a, let path = u.path else { return nil }
        return (u.bus, path)
    }

    /// No address, or a USB address without a port (then on its bus).
    static func wantsPort(_ a: DeviceAddress?) -> Bool {
        switch a {
        case nil: return true
        case .usb(let u)?: return u.path == nil
        default: return false
        }
    }

    /// A free port for `e`, on the bus its address names if it names one; written into its address.
    private static func assign(_ e: Entry, _ d: inout DomainDevices, _ ports: inout USBPortSet)
        throws(DomainXMLError) -> (Int, [Int])
    {
        var wanted: Int?
        if case .usb(let u)? = d[keyPath: e.address] { wanted = u.bus }
        var place: (bus: Int, path: [Int]) = (0, [])
        try e.run { () throws(USBPortError) in place = try ports.assign(bus: wanted) }
        d[keyPath: e.address] = .usb(USBAddress(bus: place.bus, port: USBPortSet.format(place.path)))
        return place
    }
}

extension USBAddressAssigner.Entry {
    /// Runs a port operation for this device, its refusal naming the device.
    func run(_ body: () throws(USBPortError) -> Void) throws(DomainXMLError) {
        do {
            try body()
        } catch {
            throw error.domainError(element: element, line: line)
        }
    }
}

extension USBAddress {
    /// The port as numbers, trailing zeros dropped; nil when no port is named (absent, or starting with 0).
    var path: [Int]? {
        guard let port else { return nil }
        var parts = port.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        while parts.last == 0 { parts.removeLast() }
        guard let first = parts.first, first != 0 else { return nil }
        return parts
    }
}
