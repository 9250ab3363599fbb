/// libvirt 9.0's checks of a completed controller (virDomainControllerDefValidate and the QEMU driver's
/// qemuValidateDomainDeviceDefController), with its words; each is VIR_ERR_CONFIG_UNSUPPORTED.
extension Controller {
    func validate(family: MachineFamily?) throws(DomainXMLError) {
        let virtioSCSI = type == .scsi && [.virtioSCSI, .virtioTransitional, .virtioNonTransitional].contains(model)
        let driverOptions: [(String, Bool)] = [
            ("queues", driver.queues != nil), ("cmd_per_lun", driver.cmdPerLun != nil),
            ("max_sectors", driver.maxSectors != nil), ("ioeventfd", driver.ioeventfd != nil),
        ]
        if !virtioSCSI, let (option, _) = driverOptions.first(where: \.1) {
            throw refusal("'\(option)' is only supported by virtio-scsi controller")
        }
        if virtioSCSI, driver.iothread != nil, let address, address.pci == nil {
            throw refusal("virtio-scsi IOThreads only available for virtio pci and virtio ccw controllers")
        }
        switch type {
        case .pci: try validatePCI()
        case .ide where !(index == 0 && family == .pc):
            throw refusal(
                family == .pc
                    ? "Only a single IDE controller is supported for this machine type"
                    : "IDE controllers are unsupported for this QEMU binary or machine type")
        case .scsi: try validateSCSI()
        default: break
        }
    }

    private func refusal(_ message: String) -> DomainXMLError {
        .refused(code: .configUnsupported, message: message, element: "devices/controller", line: sourceLine.line)
    }

    private func validateSCSI() throws(DomainXMLError) {
        switch model {
        case let model? where model == .auto || model == .buslogic:
            throw refusal("Unsupported controller model: \(model.rawValue)")
        case .ncr53c90?:
            throw refusal(
                index != 0
                    ? "ncr53c90 can only be used as first SCSI controller"
                    : "ncr53c90 SCSI controller is not a built-in for this machine")
        default: break
        }
    }

    private func validatePCI() throws(DomainXMLError) {
        guard let model else { return }
        let isRoot = model == .pciRoot || model == .pcieRoot
        if isRoot, address != nil { throw refusal("pci-root and pcie-root controllers should not have an address") }
        if let i = target.index, !(0...30).contains(i) {
            throw refusal("PCI controller target index '\(i)' out of range - must be 0-30")
        }
        if let i = target.index, (index == 0) != (i == 0) {
            throw refusal("Only the PCI controller with index 0 can have target index 0, and vice versa")
        }
        let ranges: [(String, Int?, ClosedRange<Int>)] = [
            ("chassisNr", target.chassisNr, 1...255), ("chassis", target.chassis, 0...255),
            ("port", target.port, 0...255), ("busNr", target.busNr, 1...254),
        ]
        for case (let name, let value?, let range) in ranges where !range.contains(value) {
            throw refusal(
                "PCI controller \(name) '\(value)' out of range - must be \(range.lowerBound)-\(range.upperBound)")
        }
        if target.numaNode != nil, index == 0 {
            throw refusal("The PCI controller with index=0 can't be associated with a NUMA node")
        }
        try validatePCIOptions(model, isRoot: isRoot)
    }

    /// Which `<model name>` and `<target>` options each pci model takes (qemuValidateDomainDeviceDefControllerPCI).
    private func validatePCIOptions(_ model: Model, isRoot: Bool) throws(DomainXMLError) {
        let described = "PCI controller with index '\(index)', model '\(model.rawValue)' and modelName "
            + "'\(modelName?.rawValue ?? "none")'"
        func invalidOption(_ option: String) -> DomainXMLError { refusal("Option '\(option)' is not valid for \(described)") }
        if isRoot {
            if modelName != nil { throw invalidOption("modelName") }
        } else if let name = modelName, name != model.defaultPCIModelName,
            !(model == .pcieRootPort && name == .ioh3420)
        {
            throw refusal("Option 'modelName' has invalid value for \(described)")
        }
        if isRoot, index != 0 { throw refusal("Index for '\(model.rawValue)' controllers must be 0") }
        if !isRoot, index == 0 { throw refusal("Index for '\(model.rawValue)' controllers must be > 0") }
        if target.index != nil { throw invalidOption("targetIndex") }
        let expander = model == .pciExpanderBus || model == .pcieExpanderBus
        let port = model == .pcieRootPort || model == .pcieSwitchDownstreamPort
        if !expander, target.busNr != nil { throw invalidOption("busNr") }
        if !expander, target.numaNode != nil { throw invalidOption("numaNode") }
        if model != .pciBridge, target.chassisNr != nil { throw invalidOption("chassisNr") }
        if !port, target.chassis != nil { throw invalidOption("chassis") }
        if !port, target.port != nil { throw invalidOption("port") }
        if target.hotplug != nil, !port, model != .pciRoot { throw invalidOption("hotplug") }
    }
}
