extension DomainDefinition {
    /// The semantic checks libvirt makes at define time. Throws the first problem found, naming the element
    /// (and its line when the definition was parsed).
    public func validate() throws(DomainXMLError) {
        if name.isEmpty { throw .missing(element: "name", attribute: nil, line: nil) }
        if name.contains("/") {
            throw .invalidValue(
                element: "name", attribute: nil, value: name, line: sourceLines["name"],
                reason: "name cannot contain '/'")
        }
        if memoryKiB == 0 {
            throw .invalidValue(
                element: "memory", attribute: nil, value: "0", line: sourceLines["memory"],
                reason: "memory size must be > 0")
        }
        if currentMemoryKiB > memoryKiB {
            throw .inconsistent(
                element: "currentMemory", line: sourceLines["currentMemory"],
                reason: "current memory \(currentMemoryKiB) KiB exceeds maximum memory \(memoryKiB) KiB")
        }
        if let c = currentVcpus, c > vcpus {
            throw .inconsistent(
                element: "vcpu", line: sourceLines["vcpu"], reason: "current vCPU count \(c) exceeds maximum \(vcpus)")
        }
        if let t = cpu?.topology, t.total != vcpus {
            throw .inconsistent(
                element: "cpu/topology", line: nil,
                reason: "CPU topology gives \(t.total) vCPUs but <vcpu> is \(vcpus)")
        }
        if let m = os.machine, MachineFamily(machine: m) == nil {
            throw .unsupported(
                element: "os/type", attribute: "machine", line: sourceLines["os"],
                detail: "machine type '\(m)' is not supported")
        }
        try validateBootOrder()
        try devices.validate(family: os.machineFamily)
    }

    private func validateBootOrder() throws(DomainXMLError) {
        let orders: [(String, Int, Int?)] =
            devices.disks.compactMap { d in d.bootOrder.map { ("devices/disk/boot", $0, d.sourceLine.line) } }
            + devices.interfaces.compactMap { n in n.bootOrder.map { ("devices/interface/boot", $0, n.sourceLine.line) }
            }
            + devices.redirdevs.compactMap { r in r.bootOrder.map { ("devices/redirdev/boot", $0, r.sourceLine.line) } }
        if let first = orders.first, !os.bootDevices.isEmpty {
            throw .inconsistent(
                element: first.0, line: first.2,
                reason: "per-device boot elements cannot be used together with <os><boot dev>")
        }
        var seen = Set<Int>()
        for (element, order, line) in orders where !seen.insert(order).inserted {
            throw .inconsistent(
                element: element, line: line, reason: "boot order \(order) is used for more than one device")
        }
    }
}

extension DomainDevices {
    func validate(family: MachineFamily?) throws(DomainXMLError) {
        var targets: [String: Disk] = [:]
        for d in disks {
            if let other = targets[d.targetDev] {
                throw .inconsistent(
                    element: "devices/disk/target", line: d.sourceLine.line,
                    reason:
                        "target '\(d.targetDev)' duplicated for disk sources '\(other.sourcePath ?? "")' and '\(d.sourcePath ?? "")'"
                )
            }
            targets[d.targetDev] = d
            try d.validate(family: family)
        }
        for n in interfaces {
            if let mac = n.mac, mac.isMulticast {
                throw .invalidValue(
                    element: "devices/interface/mac", attribute: "address", value: mac.description,
                    line: n.sourceLine.line,
                    reason: "expected unicast mac address, found multicast")
            }
        }
        for c in serials + consoles + channels { try c.validate() }
        // A spicevmc channel is SPICE's agent channel, whose name is implied.
        for c in channels where c.targetType == .virtio && c.targetName == nil && c.type != .spicevmc {
            throw .missing(element: "devices/channel/target", attribute: "name", line: c.sourceLine.line)
        }
        let audioIDs = audios.map(\.id)
        if let dup = audios.first(where: { a in audioIDs.filter { $0 == a.id }.count > 1 }) {
            throw .inconsistent(
                element: "devices/audio", line: dup.sourceLine.line, reason: "audio id \(dup.id) is used twice")
        }
        for s in sounds {
            if let id = s.audioID, !audioIDs.contains(id) {
                throw .invalidValue(
                    element: "devices/sound/audio", attribute: "id", value: String(id), line: s.sourceLine.line,
                    reason: "no <audio> backend with this id")
            }
        }
        try validateControllers(family: family)
        try validateAddresses()
    }

    private func validateControllers(family: MachineFamily?) throws(DomainXMLError) {
        // As virDomainDefRejectDuplicateControllers: one controller per type and index, except USB, where an
        // EHCI and its UHCI companions share theirs.
        var seen = Set<String>()
        for c in controllers where c.type != .usb && !seen.insert("\(c.type.rawValue)/\(c.index)").inserted {
            throw .inconsistent(
                element: "devices/controller", line: c.sourceLine.line,
                reason: "Multiple '\(c.type.rawValue)' controllers with index '\(c.index)'")
        }
        for c in controllers { try c.validate(family: family) }
    }

    private func validateAddresses() throws(DomainXMLError) {
        let all = DeviceInventory.all(self)
        let pciBuses = Set(controllers.filter { $0.type == .pci }.map(\.index))
        var pci: [[Int]: DeviceRef] = [:]
        for dev in all {
            guard let a = dev.address?.pci else { continue }
            if pci[a.location] != nil {
                throw .inconsistent(
                    element: dev.element + "/address", line: dev.line,
                    reason: "Attempted double use of PCI Address \(a)")
            }
            pci[a.location] = dev
            if !pciBuses.isEmpty, !pciBuses.contains(a.bus) {
                throw .invalidValue(
                    element: dev.element + "/address", attribute: "bus", value: String(a.bus), line: dev.line,
                    reason: "no PCI controller with index \(a.bus)")
            }
        }
        var aliases: [String: DeviceRef] = [:]
        let consoleMirror = consoles.first.flatMap { $0.targetType == .serial ? $0.alias : nil }
        for dev in all {
            guard let alias = dev.alias else { continue }
            if let other = aliases[alias] {
                let sharedByDesign =
                    (other.element == "devices/controller" && dev.element == "devices/controller"
                        && alias.hasPrefix("usb"))
                    || (dev.element == "devices/console" && alias == consoleMirror)
                if !sharedByDesign {
                    throw .inconsistent(
                        element: dev.element + "/alias", line: dev.line, reason: "non unique alias detected: \(alias)")
                }
            }
            aliases[alias] = dev
        }
    }
}

extension Disk {
    func validate(family: MachineFamily?) throws(DomainXMLError) {
        if targetIndex == nil {
            throw .invalidValue(
                element: "devices/disk/target", attribute: "dev", value: targetDev, line: sourceLine.line,
                reason: "malformed disk target name")
        }
        if device == .disk, sourcePath == nil, sourceVolume == nil, networkSource == nil,
            type == .file || type == .block || type == .dir
        {
            throw .missing(
                element: "devices/disk/source", attribute: type == .file ? "file" : "dev", line: sourceLine.line)
        }
        if family == .q35, targetBus == .ide {
            throw .unsupported(
                element: "devices/disk/target", attribute: "bus", line: sourceLine.line,
                detail: "IDE controllers are unsupported for machine type q35")
        }
        switch (targetBus, address) {
        case (.virtio?, .drive?), (.ide?, .pci?), (.sata?, .pci?), (.scsi?, .pci?), (.fdc?, .pci?):
            throw .invalidValue(
                element: "devices/disk/address", attribute: "type", value: String(describing: address),
                line: sourceLine.line,
                reason: "address type does not fit bus '\(targetBus?.rawValue ?? "")'")
        default: break
        }
    }
}

extension CharDevice {
    func validate() throws(DomainXMLError) {
        let element = "devices/\(targetType == .virtio ? "channel" : "serial")/source"
        switch type {
        case .unix where targetType == .virtio:
            break  // a virtio channel socket may be left for the driver to place, as libvirt does
        case .file, .unix, .dev, .pipe:
            if source?.path == nil { throw .missing(element: element, attribute: "path", line: sourceLine.line) }
        case .tcp:
            if source?.service == nil { throw .missing(element: element, attribute: "service", line: sourceLine.line) }
        case .spiceport:
            if source?.channel == nil { throw .missing(element: element, attribute: "channel", line: sourceLine.line) }
        default: break
        }
    }
}
