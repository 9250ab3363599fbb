/// Gives PCI addresses to the devices that have none, and adds the pci controllers they need, as libvirt 9.0's
/// QEMU driver does at define time (qemuDomainAssignPCIAddresses):
///
/// 1. A dry run over a copy of the address set, which grows a bus wherever a device finds no room: a pci-bridge
///    on pc; on q35 a pcie-root-port per PCIe device, and for conventional PCI devices one pcie-root-port holding
///    a pcie-to-pci-bridge. On pc a slot of bus 0 is held back first for a future bridge; on a new q35 guest
///    (no pci controller given beyond pcie-root) one more PCIe slot is taken at the end, which leaves an empty
///    pcie-root-port for hotplug. The controllers of the buses it added are appended to the definition.
/// 2. The real run: the chipset's built-in devices, then every family in libvirt's order
///    (`PCIDeviceFamily.assignmentOrder`), each device to the first free slot that suits its connect flags.
/// 3. multifunction='on' on function 0 of every slot with several functions, and each pci controller's
///    `<model name>` and `<target>` defaults (chassis, port, chassisNr, busNr).
struct PCIAddressAssigner {
    let family: MachineFamily
    /// PCI addresses that devices kept verbatim (not typed by the model) hold: taken, never moved.
    var keptAddresses: [PCIAddress] = []

    init(family: MachineFamily, keptAddresses: [PCIAddress] = []) {
        self.family = family
        self.keptAddresses = keptAddresses
    }

    func assign(_ d: inout DomainDevices) throws(DomainXMLError) {
        let pci = d.controllers.filter { $0.type == .pci }
        if let c = pci.first(where: { $0.index > 255 }) {
            throw .refused(
                code: .configUnsupported, message: "PCI controller index \(c.index) too high, maximum is 255",
                element: "devices/controller", line: c.sourceLine.line)
        }
        let maxIndex = pci.map(\.index).max() ?? -1
        let context = PCIConnectContext(pcieRoot: d.rootBusModel == .pcieRoot)
        var busCount = maxIndex + 1
        // Each family's entries (key paths, connect flags) do not change while addresses are given, only when
        // controllers are added: made once per pass, not once per step (key paths are costly to make).
        var entries = PCIDeviceFamily.all.map { $0.entries(d, context) }
        if busCount > 0 {
            var set = try addressSet(&d, count: busCount, dryRun: true, entries)
            try PCIChipsetSlots(family: family, context: context).place(&d, in: &set)
            if d.rootBusModel == .pciRoot, !set.buses.allSatisfy(\.isFullyReserved) {
                try reserveSpare([.autoAssign, .pciDevice], in: &set)
            }
            try assignFamilies(&d, &set, entries)
            if maxIndex <= 0, set.count > maxIndex + 1, d.rootBusModel == .pcieRoot {
                try reserveSpare([.autoAssign, .pcieDevice], in: &set)
            }
            let controllerCount = d.controllers.count
            try addControllers(for: &set, to: &d)
            if d.controllers.count != controllerCount { entries = PCIDeviceFamily.all.map { $0.entries(d, context) } }
            busCount = set.count
        }
        var set = try addressSet(&d, count: busCount, dryRun: false, entries)
        try PCIChipsetSlots(family: family, context: context).place(&d, in: &set)
        try assignFamilies(&d, &set, entries)
        Self.markMultifunction(&d, entries.flatMap { $0 })
        try PCIControllerDefaults.complete(&d.controllers)
    }

    /// The buses of the definition's pci controllers, with every address the definition already gives taken
    /// (qemuDomainPCIAddressSetCreate and qemuDomainCollectPCIAddress). In a dry run an address on a bus beyond
    /// the last adds buses, and may move one bus on (see `PCIAddressSet.grow`).
    private func addressSet(
        _ d: inout DomainDevices, count: Int, dryRun: Bool, _ entries: [[PCIDeviceEntry]]
    ) throws(DomainXMLError) -> PCIAddressSet {
        var set: PCIAddressSet
        do {
            set = try PCIAddressSet(controllers: d.controllers, count: count, dryRun: dryRun)
        } catch {
            throw .refused(code: .internalError, message: error.message, element: "devices/controller", line: nil)
        }
        for family in entries {
            for e in family {
                guard case .pci(var a)? = d[keyPath: e.address] else { continue }
                if try isPIIX3Function(d, e, a, set) { continue }
                do {
                    try set.reserve(&a, flags: e.flags.isEmpty ? .pciDevice : e.flags, fromConfig: true)
                } catch {
                    throw error.domainError(element: e.element, line: e.line)
                }
                d[keyPath: e.address] = .pci(a)
            }
        }
        for kept in keptAddresses {
            var a = kept
            do {
                try set.reserve(&a, flags: .pciDevice, fromConfig: true)
            } catch {
                throw error.domainError(element: "devices", line: nil)
            }
        }
        return set
    }

    /// The PIIX3's IDE (01.1) and USB (01.2) functions are taken by the chipset step, not here.
    private func isPIIX3Function(
        _ d: DomainDevices, _ e: PCIDeviceEntry, _ a: PCIAddress, _ set: PCIAddressSet
    ) throws(DomainXMLError) -> Bool {
        guard e.element == "devices/controller", a.domain == 0, a.bus == 0, a.slot == 1 else { return false }
        let builtIn = d.controllers.contains { c in
            c.address?.pci == a && c.index == 0
                && ((c.type == .ide && a.function == 1)
                    || (c.type == .usb && (c.model == nil || c.model == .piix3UHCI) && a.function == 2))
        }
        guard builtIn else { return false }
        if set.count > 0, !set.buses[0].accepts.contains(.pciDevice) {
            throw .refused(
                code: .internalError, message: "Bus 0 must be PCI for integrated PIIX3 USB or IDE controllers",
                element: e.element, line: e.line)
        }
        return true
    }

    /// A slot taken for no device: it makes the dry run add the bus a later device would need.
    private func reserveSpare(_ flags: PCIConnectFlags, in set: inout PCIAddressSet) throws(DomainXMLError) {
        do {
            _ = try set.reserveNext(flags: flags)
        } catch {
            throw error.domainError(element: "devices", line: nil)
        }
    }

    /// Every device of every family that has no address gets one, family by family in libvirt's order
    /// (qemuDomainAssignDevicePCISlots). In a dry run only the slots are taken.
    /// `entries`: of `PCIDeviceFamily.all`, whose first families are `assignmentOrder`.
    private func assignFamilies(
        _ d: inout DomainDevices, _ set: inout PCIAddressSet, _ entries: [[PCIDeviceEntry]]
    ) throws(DomainXMLError) {
        for family in entries.prefix(PCIDeviceFamily.assignmentOrder.count) {
            for e in family where d[keyPath: e.address] == nil {
                do {
                    switch e.placement {
                    case .none:
                        continue
                    case .nextFree:
                        let a = try set.reserveNext(flags: e.flags)
                        if !set.dryRun { d[keyPath: e.address] = .pci(a) }
                    case .usb2Companion(let index, let function, let multifunction):
                        let controllers = d.controllers
                        let group = controllers.libvirtOrder.map { controllers[$0] }.first {
                            $0.isUSB2Group && $0.index == index && $0.address?.pci != nil
                        }
                        if var a = group?.address?.pci {
                            a.function = function
                            a.multifunction = multifunction
                            try set.reserve(&a, flags: e.flags, fromConfig: true)
                            d[keyPath: e.address] = .pci(a)
                        } else {
                            var a = try set.reserveNext(flags: e.flags, function: function)
                            a.multifunction = multifunction
                            if !set.dryRun { d[keyPath: e.address] = .pci(a) }
                        }
                    }
                } catch {
                    throw error.domainError(element: e.element, line: e.line)
                }
            }
        }
    }

    /// The controllers of the buses the dry run added, appended in bus order, each with a slot taken for it.
    private func addControllers(for set: inout PCIAddressSet, to d: inout DomainDevices) throws(DomainXMLError) {
        guard set.count > 1 else { return }
        var index = 1
        while index < set.count {
            defer { index += 1 }
            guard !d.controllers.contains(where: { $0.type == .pci && $0.index == index }) else { continue }
            let model = set.buses[index].model
            d.controllers.append(Controller(type: .pci, index: index, model: model))
            if model != .pciRoot, model != .pcieRoot {
                try reserveSpare(PCIConnectFlags(pciController: model), in: &set)
            }
        }
    }

    /// Function 0 of a slot where other functions are in use says multifunction='on', unless the definition
    /// says 'off' (virDomainPCIAddressSetAllMulti).
    static func markMultifunction(_ d: inout DomainDevices, _ entries: [PCIDeviceEntry]) {
        let paths = entries.map(\.address)
        let shared = Set(
            paths.compactMap { d[keyPath: $0]?.pci }.filter { $0.function != 0 }.map { [$0.domain, $0.bus, $0.slot] })
        for path in paths {
            guard case .pci(var a)? = d[keyPath: path], a.function == 0, a.multifunction == nil,
                shared.contains([a.domain, a.bus, a.slot])
            else { continue }
            a.multifunction = .on
            d[keyPath: path] = .pci(a)
        }
    }
}

extension DomainDevices {
    /// The model of pci controller 0, the root bus.
    public var rootBusModel: Controller.Model? {
        controllers.first { $0.type == .pci && $0.index == 0 }?.model
    }
}
