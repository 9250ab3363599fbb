import SwiftVirtCore

/// Bus placement of devices: PCI bus names from controller aliases, USB ports, default aliases.
extension ArgumentBuilder {
    /// QEMU id of the PCI bus with index `bus`: the root bus or the alias of that pci controller.
    func pciBusName(_ bus: Int) throws -> String {
        if bus == 0 { return rootBusName }
        guard let controller = def.devices.controllers.first(where: { $0.type == .pci && $0.index == bus }) else {
            throw QEMUCommandLineError.invalid("PCI address names bus \(bus) but no pci controller has index \(bus)")
        }
        return controller.alias ?? "pci.\(bus)"
    }

    /// `bus=...,addr=0xS[.0xF][,multifunction=on]` for a PCI address, or nothing (QEMU picks a free slot).
    func pciPlacement(_ address: DeviceAddress?, what: String) throws -> String {
        guard let address else { return "" }
        guard case .pci(let pci) = address else {
            throw QEMUCommandLineError.unsupported("\(what) on a non-PCI address")
        }
        var s = ",bus=\(try pciBusName(pci.bus)),addr=0x\(String(pci.slot, radix: 16))"
        if pci.function != 0 { s += ".0x\(String(pci.function, radix: 16))" }
        if pci.multifunction == .on { s += ",multifunction=on" }
        return s
    }

    /// `bus=usb.0[,port=N]` for a USB device.
    func usbPlacement(_ address: DeviceAddress?, what: String) throws -> String {
        let usbControllers = def.devices.controllers.filter { $0.type == .usb && $0.model != Controller.Model.none }
        var bus = 0
        var port: String?
        if let address {
            guard case .usb(let usb) = address else {
                throw QEMUCommandLineError.unsupported("\(what) on a non-USB address")
            }
            bus = usb.bus
            port = usb.port
        }
        guard let controller = usbControllers.first(where: { $0.index == bus }) else {
            throw QEMUCommandLineError.invalid("\(what) needs USB controller \(bus), which the domain does not have")
        }
        var s = ",bus=\(usbControllerAlias(controller)).0"
        if let port { s += ",port=\(port)" }
        return s
    }

    func usbControllerAlias(_ c: Controller) -> String {
        c.alias ?? (c.index == 0 ? "usb" : "usb\(c.index)")
    }

    func controllerAlias(_ c: Controller) -> String {
        if let alias = c.alias { return alias }
        switch c.type {
        case .pci: return "pci.\(c.index)"
        case .usb: return usbControllerAlias(c)
        case .ide: return "ide"
        default: return "\(c.type.rawValue)\(c.index)"
        }
    }

    /// Controllers in libvirt's order (qemuBuildControllersCommandLine): pci, usb, scsi, ide, sata, virtio-serial,
    /// each type in the order libvirt keeps them (pci ones by index, so a bus exists before anything names it). CCID readers plug into USB and follow the hubs (`addCCIDControllers`).
    mutating func addControllers() throws {
        let order: [Controller.ControllerType] = [.pci, .usb, .scsi, .ide, .sata, .virtioSerial]
        for type in order {
            for i in def.devices.controllers.libvirtOrder where def.devices.controllers[i].type == type {
                try addController(def.devices.controllers[i])
            }
        }
        for c in def.devices.controllers where [.fdc, .xenbus, .isa].contains(c.type) {
            // The pc machine's floppy controller is built in; no other machine or type has a QEMU device here.
            guard c.type == .fdc, c.index == 0, !isQ35, !isMicrovm else {
                throw QEMUCommandLineError.unsupported("Unsupported controller type: \(c.type.rawValue)")
            }
        }
    }

    /// `usb-ccid` for each smartcard reader, on its USB port.
    mutating func addCCIDControllers() throws {
        for c in def.devices.controllers where c.type == .ccid {
            let what = "<controller type='ccid' index='\(c.index)'>"
            add("-device", "usb-ccid,id=\(controllerAlias(c))" + (try usbPlacement(c.address, what: what)))
        }
    }

    private mutating func addController(_ c: Controller) throws {
        let alias = controllerAlias(c)
        let what = "<controller type='\(c.type.rawValue)' index='\(c.index)'>"
        let device: String
        switch c.type {
        case .pci:
            guard let d = try pciControllerDevice(c, alias: alias) else { return }
            device = d
        case .usb:
            guard c.model != Controller.Model.none else { return }
            device = try usbControllerDevice(c, alias: alias)
        case .scsi:
            device = try scsiControllerDevice(c, alias: alias)
        case .ide:
            // The PIIX3's IDE is built into the pc machine; QEMU offers no other.
            guard !isQ35, !isMicrovm, c.index == 0 else {
                throw QEMUCommandLineError.unsupported(
                    "IDE controllers are unsupported for this QEMU binary or machine type")
            }
            return
        case .sata:
            if isQ35 && c.index == 0 { return }  // ICH9 AHCI is built into q35
            device = "ahci,id=\(alias)"
        case .virtioSerial:
            device =
                "virtio-serial-pci\(virtioSuffix(c.model)),id=\(alias)" + (c.ports.map { ",max_ports=\($0)" } ?? "")
                + (c.vectors.map { ",vectors=\($0)" } ?? "")
        default:
            return
        }
        add("-device", device + (try pciPlacement(c.address, what: what)))
    }

    /// The `-device` of a pci controller without its placement; nil for the root buses, which the machine has.
    private mutating func pciControllerDevice(_ c: Controller, alias: String) throws -> String? {
        guard let model = c.model else {
            throw QEMUCommandLineError.invalid("PCI controller with index '\(c.index)' has no model")
        }
        let name = (c.modelName ?? model.defaultPCIModelName)?.rawValue
        let t = c.target
        switch model {
        case .pciRoot, .pcieRoot:
            if model == .pciRoot, let hotplug = t.hotplug {
                add("-global", "PIIX4_PM.acpi-root-pci-hotplug=\(hotplug.rawValue)")
            }
            return nil
        case .pciBridge:
            return "\(name ?? "pci-bridge"),chassis_nr=\(t.chassisNr ?? c.index),id=\(alias)"
        case .pciExpanderBus, .pcieExpanderBus:
            guard let busNr = t.busNr else {
                throw QEMUCommandLineError.invalid("\(model.rawValue) with index '\(c.index)' has no busNr")
            }
            return "\(name ?? ""),bus_nr=\(busNr),id=\(alias)" + (t.numaNode.map { ",numa_node=\($0)" } ?? "")
        case .dmiToPCIBridge, .pcieSwitchUpstreamPort, .pcieToPCIBridge:
            return "\(name ?? ""),id=\(alias)"
        case .pcieRootPort, .pcieSwitchDownstreamPort:
            let port = t.port.map { ",port=0x\(String($0, radix: 16))" } ?? ""
            return "\(name ?? "")\(port),chassis=\(t.chassis ?? c.index),id=\(alias)"
                + (t.hotplug.map { ",hotplug=\($0.rawValue)" } ?? "")
        default:
            throw QEMUCommandLineError.invalid("Unexpected PCI controller model \(model.rawValue)")
        }
    }

    /// The `-device` of a USB controller (qemuBuildUSBControllerDevProps): companions name their EHCI's bus.
    private func usbControllerDevice(_ c: Controller, alias: String) throws -> String {
        let devices: [Controller.Model: String] = [
            .piix3UHCI: "piix3-usb-uhci", .piix4UHCI: "piix4-usb-uhci", .ehci: "usb-ehci", .ich9EHCI1: "ich9-usb-ehci1",
            .ich9UHCI1: "ich9-usb-uhci1", .ich9UHCI2: "ich9-usb-uhci2", .ich9UHCI3: "ich9-usb-uhci3",
            .vt82c686bUHCI: "vt82c686b-usb-uhci", .pciOHCI: "pci-ohci", .necXHCI: "nec-usb-xhci",
            .qemuXHCI: "qemu-xhci",
        ]
        let model = c.model ?? (isQ35 ? .qemuXHCI : .piix3UHCI)
        guard let device = devices[model] else {
            throw QEMUCommandLineError.unsupported(
                "USB controller model '\(model.rawValue)' not supported in this QEMU binary")
        }
        var options = device
        if let ports = c.ports {
            guard model == .qemuXHCI || model == .necXHCI else {
                throw QEMUCommandLineError.unsupported(
                    "usb controller type '\(model.rawValue)' doesn't support 'ports' with this QEMU binary")
            }
            options += ",p2=\(ports),p3=\(ports)"
        }
        if let start = c.masterStartPort {
            // Companion controllers share the EHCI controller's bus.
            let master = def.devices.controllers.first {
                $0.type == .usb && $0.index == c.index && $0.masterStartPort == nil
            }
            guard let master else { throw QEMUCommandLineError.invalid("masterbus not found") }
            options += ",masterbus=\(usbControllerAlias(master)).0,firstport=\(start)"
        } else {
            options += ",id=\(alias)"
        }
        return options
    }

    /// The `-device` of a SCSI controller (qemuBuildControllerSCSIDevProps).
    private func scsiControllerDevice(_ c: Controller, alias: String) throws -> String {
        switch c.model ?? .lsilogic {
        case .virtioSCSI, .virtioTransitional, .virtioNonTransitional:
            let d = c.driver
            let options: [(String, String?)] = [
                ("num_queues", d.queues.map(String.init)), ("cmd_per_lun", d.cmdPerLun.map(String.init)),
                ("max_sectors", d.maxSectors.map(String.init)), ("ioeventfd", d.ioeventfd?.rawValue),
            ]
            return "virtio-scsi-pci\(virtioSuffix(c.model))" + (d.iothread.map { ",iothread=iothread\($0)" } ?? "")
                + ",id=\(alias)" + options.compactMap { k, v in v.map { ",\(k)=\($0)" } }.joined()
        case .lsilogic: return "lsi,id=\(alias)"
        case .lsisas1068: return "mptsas1068,id=\(alias)"
        case .lsisas1078: return "megasas,id=\(alias)"
        case .vmpvscsi: return "pvscsi,id=\(alias)"
        case .am53c974: return "am53c974,id=\(alias)"
        case .dc390: return "dc-390,id=\(alias)"
        case let model:
            throw QEMUCommandLineError.unsupported("Unsupported controller model: \(model.rawValue)")
        }
    }

    /// `-transitional` or `-non-transitional` for those models of a virtio device.
    private func virtioSuffix(_ model: Controller.Model?) -> String {
        switch model {
        case .virtioTransitional?: return "-transitional"
        case .virtioNonTransitional?: return "-non-transitional"
        default: return ""
        }
    }
}
