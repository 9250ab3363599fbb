/// Controllers libvirt adds because the machine has them built in or because devices need them.
enum ImplicitControllers {
    static func add(to d: inout DomainDevices, family: MachineFamily) throws(DomainXMLError) {
        func has(_ type: Controller.ControllerType, _ index: Int = 0) -> Bool {
            d.controllers.contains { $0.type == type && $0.index == index }
        }
        func add(_ c: Controller) { d.controllers.append(c) }
        // In libvirt's order (qemuDomainDefAddDefaultDevices): the USB controller, the implicit SATA of q35, the
        // PCI root; then the ones devices need.
        switch family {
        case .pc:
            if !has(.usb) { add(usbController(.piix3UHCI, address: PCIAddress(bus: 0, slot: 1, function: 2))) }
            if !has(.pci) { add(Controller(type: .pci, index: 0, model: .pciRoot)) }
        case .q35:
            if !has(.usb) { add(usbController(.qemuXHCI, address: nil)) }
            if !has(.sata) {
                var sata = Controller(type: .sata, index: 0)
                sata.address = .pci(PCIAddress(bus: 0, slot: 0x1f, function: 2))
                add(sata)
            }
            if !has(.pci) { add(Controller(type: .pci, index: 0, model: .pcieRoot)) }
        case .microvm:
            break
        }
        // Controllers that attached devices need.
        for disk in d.disks {
            let index = disk.address?.drive?.controller ?? 0
            switch disk.targetBus {
            case .scsi where !has(.scsi, index): add(Controller(type: .scsi, index: index, model: .lsilogic))
            case .sata where !has(.sata, index): add(Controller(type: .sata, index: index))
            case .ide where !has(.ide, index):
                if family == .q35 {
                    throw .unsupported(
                        element: "devices/disk/target", attribute: "bus", line: disk.sourceLine.line,
                        detail: "IDE controllers are unsupported for machine type q35")
                }
                // The PIIX3's own IDE function.
                var ide = Controller(type: .ide, index: index)
                if index == 0 { ide.address = .pci(PCIAddress(bus: 0, slot: 1, function: 1)) }
                add(ide)
            default: break
            }
        }
        let needsVirtioSerial =
            d.channels.contains { $0.targetType == .virtio } || d.consoles.contains { $0.targetType == .virtio }
        if needsVirtioSerial, !has(.virtioSerial) { add(Controller(type: .virtioSerial, index: 0)) }
        for i in d.controllers.indices where d.controllers[i].type == .pci {
            if d.controllers[i].model == .pcieRootPort || d.controllers[i].model == .pciBridge {
                if d.controllers[i].modelName == nil { d.controllers[i].modelName = d.controllers[i].model?.rawValue }
            }
            if d.controllers[i].model == .pcieRootPort, d.controllers[i].targetChassis == nil {
                d.controllers[i].targetChassis = d.controllers[i].index
            }
        }
    }

    private static func usbController(_ model: Controller.Model, address: PCIAddress?) -> Controller {
        var c = Controller(type: .usb, index: 0, model: model)
        c.address = address.map(DeviceAddress.pci)
        return c
    }
}
