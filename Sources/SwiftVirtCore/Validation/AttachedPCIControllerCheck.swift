extension DeviceEdit.Device {
    /// libvirt 9.0's QEMU validation of a PCI controller given to attach-device or update-device, which runs on
    /// the device as written: nothing fills in its model name, chassis or port there (define assigns those with
    /// the addresses), so a controller that needs them is refused with VIR_ERR_INTERNAL_ERROR, in the order
    /// qemuValidateDomainDeviceDefControllerPCI checks: model name, index, target index, bus number, chassisNr,
    /// chassis and port. An index not given is -1 in the messages. Other devices and other controllers pass.
    public func checkAttachedPCIController() throws {
        guard element.name == "controller", element[attribute: "type"] == "pci",
            let modelText = element[attribute: "model"], let model = Controller.Model(rawValue: modelText)
        else { return }
        let index = element[attribute: "index"].flatMap { Int($0) } ?? -1
        let modelName = element.childElements.first { $0.name == "model" }?[attribute: "name"]
        let target = element.childElements.first { $0.name == "target" }
        func has(_ name: String) -> Bool { target?[attribute: name] != nil }
        func report(_ code: VirtErrorCode, _ what: String) -> VirtError {
            VirtError(
                code, domain: .qemu,
                detail: "\(what) for PCI controller with index '\(index)', model '\(modelText)' and modelName "
                    + "'\(modelName ?? "none")'")
        }
        func missing(_ option: String) -> VirtError {
            report(.internalError, "Required option '\(option)' is not set")
        }
        func invalid(_ option: String) -> VirtError {
            report(.configUnsupported, "Option '\(option)' is not valid")
        }
        // The models whose device libvirt names from their model (pci-root, pcie-root have none here).
        guard let expected = model.defaultPCIModelName else { return }
        guard let modelName else { throw missing("modelName") }
        if modelName != expected.rawValue && !(model == .pcieRootPort && modelName == "ioh3420") {
            throw report(.configUnsupported, "Option 'modelName' has invalid value")
        }
        if index == 0 {
            throw VirtError(.configUnsupported, domain: .qemu, detail: "Index for '\(modelText)' controllers must be > 0")
        }
        if has("index") { throw invalid("targetIndex") }
        let expander = model == .pciExpanderBus || model == .pcieExpanderBus
        if expander && !has("busNr") { throw missing("busNr") }
        if !expander && has("busNr") { throw invalid("busNr") }
        if model == .pciBridge && !has("chassisNr") { throw missing("chassisNr") }
        if model != .pciBridge && has("chassisNr") { throw invalid("chassisNr") }
        let ported = model == .pcieRootPort || model == .pcieSwitchDownstreamPort
        if ported {
            if !has("chassis") { throw missing("chassis") }
            if !has("port") { throw missing("port") }
        } else {
            if has("chassis") { throw invalid("chassis") }
            if has("port") { throw invalid("port") }
        }
    }
}
