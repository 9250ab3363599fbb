/// Controllers libvirt adds because the machine has them built in or because devices need them, and the models
/// it gives controllers that name none.
enum ImplicitControllers {
    /// `numaCellCount`: the guest's NUMA nodes, which a PCI expander bus may name.
    static func add(
        to d: inout DomainDevices, family: MachineFamily, virtType: String = "qemu", numaCellCount: Int = 0
    ) throws(DomainXMLError) {
        let numaCells = numaCellCount
        for c in d.controllers {
            try checkModel(c, family: family, virtType: virtType)
            if c.type == .pci, let node = c.target.numaNode, node >= numaCells {
                throw .refused(
                    code: .xmlError,
                    message: "\(c.model?.rawValue ?? "pci") with index \(c.index) is configured for a NUMA node "
                        + "(\(node)) not present in the domain's <cpu><numa> array (\(numaCells))",
                    element: "devices/controller/target/node", line: c.sourceLine.line)
            }
        }
        try checkUSBGroup(d)
        // The machine's own (qemuDomainDefAddDefaultDevices): a USB controller at index 0 unless one is given,
        // q35's SATA, the PCI root; each appended.
        switch family {
        case .pc:
            if !d.has(.usb, 0) { d.controllers.append(Controller(type: .usb, index: 0, model: .piix3UHCI)) }
            try requireRoot(.pciRoot, &d)
        case .q35:
            if !d.has(.usb, 0) { d.controllers.append(Controller(type: .usb, index: 0, model: .qemuXHCI)) }
            if !d.has(.sata, 0) { d.controllers.append(Controller(type: .sata, index: 0)) }
            try requireRoot(.pcieRoot, &d)
        case .microvm:
            break
        }
        applyDefaultModels(&d.controllers)
        // The ones devices need (virDomainDefAddImplicitControllers): disk controllers up to the highest one a
        // drive address names, virtio-serial controllers for virtio consoles and channels.
        let diskControllers: [(Disk.Bus, Controller.ControllerType)] = [
            (.scsi, .scsi), (.fdc, .fdc), (.ide, .ide), (.sata, .sata),
        ]
        for (bus, type) in diskControllers {
            let highest = d.disks.filter { $0.targetBus == bus }.compactMap { $0.address?.drive?.controller }.max()
            guard let highest else { continue }
            for index in 0...highest where !d.has(type, index) {
                d.controllers.append(Controller(type: type, index: index))
            }
        }
        // ... virtio-serial controllers for virtio channels and consoles, CCID controllers for smartcards.
        let virtioSerial = (d.channels + d.consoles).filter { $0.targetType == .virtio }.map(\.virtioSerialController)
        for index in virtioSerial where !d.has(.virtioSerial, index) {
            d.controllers.append(Controller(type: .virtioSerial, index: index))
        }
        for index in placeSmartcards(&d) where !d.has(.ccid, index) {
            d.controllers.append(Controller(type: .ccid, index: index))
        }
        applyDefaultModels(&d.controllers)
    }

    /// What libvirt refuses of a controller before it gives addresses (qemuDomainControllerDefPostParse).
    private static func checkModel(_ c: Controller, family: MachineFamily, virtType: String) throws(DomainXMLError) {
        func refuse(_ message: String) -> DomainXMLError {
            .refused(code: .configUnsupported, message: message, element: "devices/controller", line: c.sourceLine.line)
        }
        switch c.model {
        case .qusb1?, .qusb2?:
            throw refuse("USB controller model type 'qusb1' or 'qusb2' is not supported in \(virtType)")
        case let model? where model == .qemuXHCI || model == .necXHCI:
            if let ports = c.ports, ports > 15 {
                throw refuse("'\(model.rawValue)' controller only supports up to '15' ports")
            }
        case .pciRoot?, .pcieRoot?:
            if c.index != 0 {
                throw .refused(
                    code: .xmlError, message: "pci-root and pcie-root controllers should have index 0",
                    element: "devices/controller", line: c.sourceLine.line)
            }
        case .pciExpanderBus? where family != .pc:
            throw refuse("pci-expander-bus controllers are only supported on 440fx-based machinetypes")
        case .pcieExpanderBus? where family != .q35:
            throw refuse("pcie-expander-bus controllers are not supported with this machine type")
        default:
            break
        }
    }

    /// A disabled USB bus (`model='none'`) stands alone and takes no USB input or hub; any other USB controllers
    /// include at least one master (virDomainDefControllersParse and the device parsers).
    private static func checkUSBGroup(_ d: DomainDevices) throws(DomainXMLError) {
        let usb = d.controllers.filter { $0.type == .usb }
        guard let none = usb.first(where: { $0.model == Controller.Model.none }) else {
            if let first = usb.first, !usb.contains(where: { $0.masterStartPort == nil }) {
                throw .refused(
                    code: .xmlDetail, message: "No master USB controller specified", element: "devices/controller",
                    line: first.sourceLine.line)
            }
            return
        }
        if usb.count > 1 {
            throw .refused(
                code: .xmlDetail, message: "Can't add another USB controller: USB is disabled for this domain",
                element: "devices/controller", line: none.sourceLine.line)
        }
        if let input = d.inputs.first(where: { $0.bus == .usb }) {
            throw .refused(
                code: .configUnsupported, message: "Can't add USB input device. USB bus is disabled",
                element: "devices/input", line: input.sourceLine.line)
        }
        if let hub = d.hubs.first {
            throw .refused(
                code: .configUnsupported, message: "Can't add USB hub: USB is disabled for this domain",
                element: "devices/hub", line: hub.sourceLine.line)
        }
    }

    /// Each smartcard's CCID controller; one without an address gets the next slot of controller 0
    /// (virDomainDefMaybeAddSmartcardController).
    private static func placeSmartcards(_ d: inout DomainDevices) -> [Int] {
        var controllers: [Int] = []
        for i in d.generic.indices where d.generic[i].element == "smartcard" {
            switch d.generic[i].address {
            case .other(let a)? where a.type == "ccid":
                controllers.append(a.value("controller").flatMap(ElementReader.parseInteger) ?? 0)
            case nil:
                let slots = d.generic.compactMap { g -> Int? in
                    guard g.element == "smartcard", case .other(let a)? = g.address, a.type == "ccid",
                        (a.value("controller").flatMap(ElementReader.parseInteger) ?? 0) == 0
                    else { return nil }
                    return a.value("slot").flatMap(ElementReader.parseInteger) ?? 0
                }
                let slot = (slots.max() ?? -1) + 1
                d.generic[i].address = .other(
                    OtherAddress(type: "ccid", attributes: [.init(name: "controller", value: "0"), .init(name: "slot", value: String(slot))]))
                controllers.append(0)
            default:
                controllers.append(0)
            }
        }
        return controllers
    }

    /// Controller 0 of type pci is the machine's root bus, of the one model the machine has.
    private static func requireRoot(_ model: Controller.Model, _ d: inout DomainDevices) throws(DomainXMLError) {
        guard let root = d.controllers.first(where: { $0.type == .pci && $0.index == 0 }) else {
            d.controllers.append(Controller(type: .pci, index: 0, model: model))
            return
        }
        guard root.model == model else {
            throw .refused(
                code: .xmlError,
                message: "The PCI controller with index='0' must be model='\(model.rawValue)' for this machine type, "
                    + "but model='\(root.model?.rawValue ?? "")' was found instead",
                element: "devices/controller", line: root.sourceLine.line)
        }
    }

    /// As qemuDomainControllerDefPostParse on x86: a USB controller without a model is a PIIX3 UHCI (on q35 too),
    /// a SCSI controller an LSI Logic.
    static func applyDefaultModels(_ controllers: inout [Controller]) {
        for i in controllers.indices where controllers[i].model == nil {
            switch controllers[i].type {
            case .usb: controllers[i].model = .piix3UHCI
            case .scsi: controllers[i].model = .lsilogic
            default: break
            }
        }
    }
}

extension DomainDevices {
    /// Whether a controller of `type` with `index` is defined.
    func has(_ type: Controller.ControllerType, _ index: Int) -> Bool {
        controllers.contains { $0.type == type && $0.index == index }
    }
}

extension CharDevice {
    /// The virtio-serial controller a virtio channel or console names, 0 when it names none.
    fileprivate var virtioSerialController: Int {
        if case .virtioSerial(let a)? = address { return a.controller }
        return 0
    }
}

extension OtherAddress {
    func value(_ attribute: String) -> String? { attributes.first { $0.name == attribute }?.value }
}
