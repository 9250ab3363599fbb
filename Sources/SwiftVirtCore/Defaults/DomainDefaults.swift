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
        try ImplicitControllers.add(to: &devices, family: family)
        try DriveAddressing.assign(&devices)
        VirtioSerialAddressAssigner.assign(&devices)
        if family != .microvm {
            var pci = PCIAddressAssigner(family: family)
            try pci.assign(&devices)
        }
        USBAddressAssigner.assign(&devices)
        AliasAssigner.assign(&devices, family: family)
    }
}

extension DomainDefinition {
    /// What libvirt completes for every driver after parsing: current memory and vCPUs, vCPU placement, clock.
    public mutating func applyCommonDefaults() {
        // As virDomainDefPostParseOs: an hvm guest with no boot order at all boots from its first disk.
        if os.type == "hvm" && os.bootDevices.isEmpty && !devices.hasBootOrder { os.bootDevices = [.hd] }
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
        for i in controllers.indices where controllers[i].model == nil {
            switch controllers[i].type {
            case .usb: controllers[i].model = family == .q35 ? .qemuXHCI : .piix3UHCI
            case .scsi: controllers[i].model = .lsilogic
            default: break
            }
        }
        pairSerialConsole()
        for i in serials.indices {
            if serials[i].targetType == nil { serials[i].targetType = .isaSerial }
            if serials[i].targetPort == nil {
                serials[i].targetPort = Self.lowestFree(serials.compactMap(\.targetPort), from: 0)
            }
            if serials[i].targetType == .isaSerial, serials[i].targetModel == nil {
                serials[i].targetModel = "isa-serial"
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
        if !graphics.isEmpty, videos.isEmpty { videos.append(VideoDevice(model: .vga)) }
        for i in inputs.indices where inputs[i].bus == nil { inputs[i].bus = inputs[i].type == .tablet ? .usb : .ps2 }
        for i in graphics.indices where graphics[i].port == nil || graphics[i].autoport == nil {
            if graphics[i].port == nil || graphics[i].port == -1 {
                graphics[i].port = -1
                graphics[i].autoport = true
            } else {
                graphics[i].autoport = false
            }
        }
        for i in videos.indices {
            switch videos[i].model {
            case .vga, .cirrus, .bochs: videos[i].vram = videos[i].vram ?? 16384
            case .qxl: videos[i].vram = videos[i].vram ?? 65536
            case .virtio, .none: break
            }
            if videos[i].model != .none, videos[i].heads == nil { videos[i].heads = 1 }
        }
        if let first = videos.indices.first, videos[first].model != .none,
            !videos.contains(where: { $0.primary == true })
        {
            videos[first].primary = true
        }
        // libvirt 9.0 always gives QEMU an audio backend: none (host audio stays off), or SPICE's with SPICE.
        if audios.isEmpty { audios.append(AudioBackend(id: 1, type: .none)) }
        if memballoon == nil { memballoon = MemoryBalloon(model: .virtio) }
        for i in rngs.indices where rngs[i].backendPath == nil { rngs[i].backendPath = "/dev/urandom" }
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
    fileprivate mutating func applyDefaults(family: MachineFamily) throws(DomainXMLError) {
        if targetBus == nil {
            switch targetDev.prefix(2) {
            case "vd": targetBus = .virtio
            case "sd": targetBus = .scsi
            case "fd": targetBus = .fdc
            case "hd": targetBus = .ide
            default:
                throw .invalidValue(
                    element: "devices/disk/target", attribute: "dev", value: targetDev, line: sourceLine.line,
                    reason: "cannot infer the disk bus from the target name; set bus")
            }
        }
        if driver == nil { driver = Disk.Driver() }
        if driver?.name == nil { driver?.name = "qemu" }
        if sourcePath != nil, driver?.format == nil { driver?.format = .raw }
        if device == .cdrom { readOnly = true }
    }
}

extension DomainDefinition {
    /// As qemuDomainDefSetDefaultCPU: a guest that names no CPU model gets the emulator's default, `qemu64`,
    /// written out as libvirt writes it.
    fileprivate mutating func applyDefaultCPU() {
        guard os.arch == "x86_64" else { return }
        var c = cpu ?? DomainCPU(mode: nil)
        guard c.mode == nil || c.mode == .custom, c.model == nil else { return }
        c.mode = .custom
        if c.match == nil { c.match = .exact }
        if c.check == nil { c.check = DomainCPU.Check.none }
        c.model = DomainCPU.Model(name: "qemu64", fallback: .forbid)
        cpu = c
    }
}

extension DomainDevices {
    /// Whether any device carries its own `<boot order=.../>`.
    var hasBootOrder: Bool {
        disks.contains { $0.bootOrder != nil } || interfaces.contains { $0.bootOrder != nil }
    }
}
