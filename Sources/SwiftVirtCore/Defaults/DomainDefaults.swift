extension DomainDefinition {
    /// Completes the definition the way libvirt's QEMU driver does at define time on x86_64: machine
    /// expansion, emulator, implicit controllers and devices, addresses, aliases, MACs. Running it again on its
    /// own output changes nothing.
    public mutating func applyDefaults() throws(DomainXMLError) {
        if os.arch == nil { os.arch = "x86_64" }
        let machine = MachineFamily.expand(os.machine ?? "pc")
        guard let family = MachineFamily(machine: machine) else {
            throw .unsupported(
                element: "os/type", attribute: "machine", line: sourceLines["os"],
                detail: "machine type '\(machine)' is not supported")
        }
        os.machine = machine
        if devices.emulator == nil { devices.emulator = "/usr/bin/qemu-system-x86_64" }
        applyCommonDefaults()
        applyDefaultCPU()
        try devices.applyDeviceDefaults(family: family)
        try DriveAddressing.assign(&devices)
        try ImplicitControllers.add(
            to: &devices, family: family, virtType: virtType.rawValue, numaCellCount: cpu?.numaCells.count ?? 0)
        VirtioSerialAddressAssigner.assign(&devices)
        DIMMSlotAssigner.assign(&devices)
        if family != .microvm {
            try PCIAddressAssigner(family: family, keptAddresses: KeptDevices.pciAddresses(kept)).assign(&devices)
        }
        if family != .microvm { try USBAddressAssigner(kept: KeptDevices.usb(kept)).assign(&devices) }
        AliasAssigner.assign(&devices, family: family)
    }
}

extension DomainDefinition {
    /// What libvirt completes for every driver after parsing: current memory and vCPUs, vCPU placement, clock.
    public mutating func applyCommonDefaults() {
        // As virDomainDefPostParseOs: an hvm guest with no boot order at all boots from its first disk.
        if os.type == "hvm" && os.bootDevices.isEmpty && !devices.hasBootOrder { os.bootDevices = [.hd] }
        // As virDomainDefPostParseMemory: with NUMA cells, the total is theirs plus the memory devices'.
        if let cells = cpu?.numaCells, !cells.isEmpty {
            memoryKiB = cells.reduce(0) { $0 + $1.memoryKiB }
                + devices.generic.compactMap(\.memoryDeviceSizeKiB).reduce(0, +)
        }
        if currentMemoryKiB == 0 || currentMemoryKiB > memoryKiB { currentMemoryKiB = memoryKiB }
        if vcpuPlacement == nil { vcpuPlacement = .static }
        if currentVcpus == vcpus { currentVcpus = nil }
        if clock == nil { clock = DomainClock() }
        applyFirmwareDefaults()
    }
}

extension DomainDevices {
    /// Per-device defaults that do not depend on other devices' addresses.
    fileprivate mutating func applyDeviceDefaults(family: MachineFamily) throws(DomainXMLError) {
        for i in disks.indices { try disks[i].applyDefaults(family: family) }
        for i in interfaces.indices {
            if interfaces[i].mac == nil { interfaces[i].mac = .randomQEMU() }
            if interfaces[i].model == nil { interfaces[i].model = .rtl8139 }
        }
        pairSerialConsole()
        for i in serials.indices {
            if serials[i].targetType == nil { serials[i].targetType = .isaSerial }
            if serials[i].targetPort == nil {
                serials[i].targetPort = Self.lowestFree(serials.compactMap(\.targetPort), from: 0)
            }
            if serials[i].targetModel == nil, serials[i].targetType == .isaSerial || serials[i].targetType == .pciSerial {
                serials[i].targetModel = serials[i].targetType?.rawValue
            }
        }
        for i in consoles.indices where consoles[i].targetPort == nil {
            consoles[i].targetPort = Self.lowestFree(consoles.compactMap(\.targetPort), from: 0)
        }
        for i in channels.indices where channels[i].targetType == nil { channels[i].targetType = .virtio }
        // The i8042 of pc and q35 machines: its PS/2 mouse and keyboard are always there (libvirt lists them).
        if family != .microvm {
            if !inputs.contains(where: { $0.type == .mouse && ($0.bus ?? .ps2) == .ps2 }) {
                inputs.append(InputDevice(type: .mouse, bus: .ps2))
            }
            if !inputs.contains(where: { $0.type == .keyboard && ($0.bus ?? .ps2) == .ps2 }) {
                inputs.append(InputDevice(type: .keyboard, bus: .ps2))
            }
        }
        for i in inputs.indices where inputs[i].bus == nil {
            switch inputs[i].type {
            case .tablet: inputs[i].bus = .usb
            case .passthrough: inputs[i].bus = .virtio
            case .evdev: break
            case .mouse, .keyboard: inputs[i].bus = .ps2
            }
        }
        applyDisplayDefaults()
        if memballoon == nil { memballoon = MemoryBalloon(model: .virtio) }
        for i in rngs.indices where rngs[i].backendModel == .random && rngs[i].backendPath == nil { rngs[i].backendPath = "/dev/urandom" }
        if watchdog != nil, watchdog?.action == nil { watchdog?.action = .reset }
        for i in panics.indices where panics[i].address == nil && (panics[i].model ?? .isa) == .isa {
            panics[i].model = .isa
            panics[i].address = .isa(ISAAddress(iobase: 0x505))
        }
    }

    /// On x86 the first console of target type serial is the same device as serial port 0: create whichever
    /// half is missing and make the console mirror the serial's backend.
    private mutating func pairSerialConsole() {
        if let c = consoles.first, c.targetType == nil || c.targetType == .serial {
            if serials.isEmpty {
                var s = CharDevice(type: c.type, source: c.source, targetPort: 0)
                s.tcpProtocol = c.tcpProtocol
                s.log = c.log
                serials.append(s)
            }
        } else if consoles.isEmpty, !serials.isEmpty {
            consoles.append(CharDevice(type: .pty))
        } else {
            return
        }
        let s = serials[0]
        consoles[0].type = s.type
        consoles[0].source = s.source
        consoles[0].tcpProtocol = s.tcpProtocol
        consoles[0].log = s.log
        consoles[0].targetType = .serial
        consoles[0].targetPort = 0
    }

    static func lowestFree(_ used: [Int], from start: Int) -> Int {
        var n = start
        while used.contains(n) { n += 1 }
        return n
    }
}

extension Disk {
    /// The bus a target name implies, as libvirt reads it (vd → virtio, sd → scsi, hd → ide, fd → fdc, xvd → xen,
    /// ubd → uml).
    var busFromTargetName: Bus? {
        if targetDev.hasPrefix("xvd") { return .xen }
        if targetDev.hasPrefix("ubd") { return .uml }
        switch targetDev.prefix(2) {
        case "vd": return .virtio
        case "sd": return .scsi
        case "fd": return .fdc
        case "hd": return .ide
        default: return nil
        }
    }

    fileprivate mutating func applyDefaults(family: MachineFamily) throws(DomainXMLError) {
        if targetBus == nil {
            guard let bus = busFromTargetName else {
                throw .invalidValue(
                    element: "devices/disk/target", attribute: "dev", value: targetDev, line: sourceLine.line,
                    reason: "cannot infer the disk bus from the target name; set bus")
            }
            targetBus = bus
        }
        guard type != .vhostuser else { return }
        if driver == nil { driver = Disk.Driver() }
        if driver?.name == nil { driver?.name = "qemu" }
        // As libvirt's QEMU driver: no format probing, so an unnamed format is raw (fat for a directory).
        if driver?.format == nil { driver?.format = type == .dir ? .fat : .raw }
        if device == .cdrom { readOnly = true }
    }
}

extension DomainDefinition {
    /// As qemuDomainDefSetDefaultCPU: a guest that names no CPU model gets the emulator's default, `qemu64`,
    /// written out as libvirt writes it.
    fileprivate mutating func applyDefaultCPU() {
        guard os.arch == "x86_64" else { return }
        var c = cpu ?? DomainCPU(mode: nil)
        if c.topology != nil, c.topology?.dies == nil { c.topology?.dies = 1 }
        switch c.mode {
        case .hostModel?:
            if c.check == nil { c.check = .partial }
        case .maximum?:
            if c.check == nil { c.check = DomainCPU.Check.none }
        case .hostPassthrough?:
            if c.check == nil { c.check = DomainCPU.Check.none }
            if c.migratable == nil { c.migratable = .on }
        case .custom?, nil:
            if c.model == nil {
                c.mode = .custom
                if c.match == nil { c.match = .exact }
                if c.check == nil { c.check = DomainCPU.Check.none }
                c.model = DomainCPU.Model(name: "qemu64", fallback: .forbid)
            } else {
                if c.mode == nil { c.mode = .custom }
                if c.match == nil { c.match = .exact }
                if c.check == nil { c.check = DomainCPU.Check.none }
                if c.model?.fallback == nil { c.model?.fallback = .allow }
            }
        }
        cpu = c
    }
}

extension DomainDevices {
    /// Whether any device carries its own `<boot order=.../>`.
    var hasBootOrder: Bool {
        disks.contains { $0.bootOrder != nil } || interfaces.contains { $0.bootOrder != nil }
            || redirdevs.contains { $0.bootOrder != nil }
    }
}

extension GenericDevice {
    /// A `<memory>` device's `<target><size>`, KiB.
    var memoryDeviceSizeKiB: UInt64? {
        guard element == "memory" else { return nil }
        func child(_ e: KeptXML, _ name: String) -> KeptXML? {
            e.content.lazy.compactMap { if case .element(let c) = $0, c.name == name { c } else { nil } }.first
        }
        guard let size = child(xml, "target").flatMap({ child($0, "size") }) else { return nil }
        let text = size.content.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined()
        let unit = size.attributes.first { $0.name == "unit" }?.value ?? "KiB"
        return UInt64(text.trimmingWhitespace()).flatMap { MemoryUnit.kibibytes($0, unit: unit) }
    }
}
