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
        case .sata: return "sata\(c.index)"
        case .fdc: return "fdc\(c.index)"
        case .scsi: return "scsi\(c.index)"
        case .virtioSerial: return "virtio-serial\(c.index)"
        }
    }

    mutating func addControllers() throws {
        // PCI controllers first, by index: a device can only name a bus QEMU has already created.
        let pciControllers = def.devices.controllers.filter { $0.type == .pci }.sorted { $0.index < $1.index }
        for c in pciControllers + def.devices.controllers.filter({ $0.type != .pci }) {
            let alias = controllerAlias(c)
            let what = "<controller type='\(c.type.rawValue)' index='\(c.index)'>"
            switch (c.type, c.model) {
            case (.pci, .pciRoot?), (.pci, .pcieRoot?):
                continue  // the machine's built-in root bus
            case (.pci, nil) where c.index == 0:
                continue
            case (.pci, .pcieRootPort?):
                let port = c.targetPort.map { ",port=0x\(String($0, radix: 16))" } ?? ""
                add(
                    "-device",
                    "\(c.modelName ?? "pcie-root-port")\(port),chassis=\(c.targetChassis ?? c.index),id=\(alias)"
                        + (try pciPlacement(c.address, what: what)))
            case (.pci, .pciBridge?):
                add(
                    "-device",
                    "pci-bridge,chassis_nr=\(c.targetChassis ?? c.index),id=\(alias)"
                        + (try pciPlacement(c.address, what: what)))
            case (.usb, .none?):
                continue
            case (.usb, let model):
                try addUSBController(c, model: model, alias: alias, what: what)
            case (.ide, _):
                guard !isQ35 && !isMicrovm && c.index == 0 else { throw QEMUCommandLineError.unsupported(what) }
                continue  // PIIX3 IDE is built into the pc machine
            case (.sata, _):
                if isQ35 && c.index == 0 { continue }  // ICH9 AHCI is built into q35
                add("-device", "ahci,id=\(alias)" + (try pciPlacement(c.address, what: what)))
            case (.fdc, _):
                guard !isQ35 && !isMicrovm && c.index == 0 else { throw QEMUCommandLineError.unsupported(what) }
                continue  // built into the pc machine
            case (.scsi, .virtioSCSI?), (.scsi, nil):
                add("-device", "virtio-scsi-pci,id=\(alias)" + (try pciPlacement(c.address, what: what)))
            case (.scsi, .lsilogic?):
                add("-device", "lsi,id=\(alias)" + (try pciPlacement(c.address, what: what)))
            case (.virtioSerial, _):
                add("-device", "virtio-serial-pci,id=\(alias)" + (try pciPlacement(c.address, what: what)))
            default:
                throw QEMUCommandLineError.unsupported("\(what) with model '\(c.model?.rawValue ?? "")'")
            }
        }
    }

    mutating func addUSBController(_ c: Controller, model: Controller.Model?, alias: String, what: String) throws {
        let device: String
        switch model ?? (isQ35 ? .qemuXHCI : .piix3UHCI) {
        case .piix3UHCI: device = "piix3-usb-uhci"
        case .qemuXHCI: device = "qemu-xhci"
        case .ich9EHCI1: device = "ich9-usb-ehci1"
        case .ich9UHCI1: device = "ich9-usb-uhci1"
        case .ich9UHCI2: device = "ich9-usb-uhci2"
        case .ich9UHCI3: device = "ich9-usb-uhci3"
        default: throw QEMUCommandLineError.unsupported("\(what) with model '\(model?.rawValue ?? "")'")
        }
        var options = device
        if let ports = c.ports {
            guard device == "qemu-xhci" else {
                throw QEMUCommandLineError.unsupported(
                    "\(what): usb controller type '\((model ?? .piix3UHCI).rawValue)' doesn't support 'ports' with this "
                        + "QEMU binary")
            }
            options += ",p2=\(ports),p3=\(ports)"
        }
        if let start = c.masterStartPort {
            // Companion controllers share the EHCI controller's bus.
            let master = def.devices.controllers.first {
                $0.type == .usb && $0.index == c.index && $0.masterStartPort == nil
            }
            options += ",masterbus=\(master.map(usbControllerAlias) ?? alias).0,firstport=\(start)"
        } else {
            options += ",id=\(alias)"
        }
        add("-device", options + (try pciPlacement(c.address, what: what)))
    }
}
