/// One PCI bus of a guest, as the address assigner tracks it: what the controller providing it accepts, its
/// usable slot range, and which functions of each slot are taken (libvirt's virDomainPCIAddressBus).
struct PCIBus: Sendable, Equatable {
    static let lastSlot = 31
    static let lastFunction = 7

    /// The pci controller model that provides the bus.
    let model: Controller.Model
    /// What may be plugged into it.
    var accepts: PCIConnectFlags
    let minSlot: Int
    let maxSlot: Int
    /// Per slot, a bit per function in use.
    private(set) var functions = [UInt8](repeating: 0, count: PCIBus.lastSlot + 1)
    /// Per slot: its first function went to a device that lets others share the slot (pcie-root-ports).
    private(set) var aggregate = [Bool](repeating: false, count: PCIBus.lastSlot + 1)

    /// The bus of a controller of `model` (virDomainPCIAddressBusSetModel); nil for a model that is not a pci
    /// controller's. `hotplug`: the controller does not say `<target hotplug='off'/>`.
    init?(model: Controller.Model, hotplug: Bool = true) {
        let hot: PCIConnectFlags = hotplug ? .hotpluggable : []
        self.model = model
        switch model {
        case .pciRoot:
            accepts = [.autoAssign, .pciDevice, .pciBridge, .pciExpanderBus, hot]
            (minSlot, maxSlot) = (1, Self.lastSlot)
        case .pciBridge, .pcieToPCIBridge:
            // Slot 0 of a (PCIe-to-)PCI bridge is its SHPC's.
            accepts = [.autoAssign, .pciDevice, .pciBridge, hot]
            (minSlot, maxSlot) = (1, Self.lastSlot)
        case .pciExpanderBus:
            accepts = [.autoAssign, .pciDevice, .pciBridge, hot]
            (minSlot, maxSlot) = (0, Self.lastSlot)
        case .pcieRoot:
            // Endpoints only when their address was given: nothing is placed on it automatically except what
            // does not ask for automatic placement (root ports, DMI bridges, expander buses).
            accepts = [.pcieDevice, .pcieRootPort, .dmiToPCIBridge, .pcieExpanderBus]
            (minSlot, maxSlot) = (1, Self.lastSlot)
        case .dmiToPCIBridge:
            accepts = [.pciDevice, .pciBridge]
            (minSlot, maxSlot) = (0, Self.lastSlot)
        case .pcieRootPort, .pcieSwitchDownstreamPort:
            accepts = [.autoAssign, .pcieDevice, .pcieSwitchUpstreamPort, .pcieToPCIBridge, hot]
            (minSlot, maxSlot) = (0, 0)
        case .pcieSwitchUpstreamPort:
            accepts = .pcieSwitchDownstreamPort
            (minSlot, maxSlot) = (0, Self.lastSlot)
        case .pcieExpanderBus:
            accepts = [.pcieRootPort, .dmiToPCIBridge]
            (minSlot, maxSlot) = (0, Self.lastSlot)
        default:
            return nil
        }
    }

    func slotInUse(_ slot: Int) -> Bool { functions[slot] != 0 }

    func functionInUse(slot: Int, function: Int) -> Bool { functions[slot] & (1 << function) != 0 }

    func isAggregate(_ slot: Int) -> Bool { aggregate[slot] }

    /// Every usable slot has at least one function taken.
    var isFullyReserved: Bool { (minSlot...maxSlot).allSatisfy(slotInUse) }

    var isEmpty: Bool { !(minSlot...maxSlot).contains(where: slotInUse) }

    /// Marks a function taken; the first function taken on a slot decides whether the slot may be shared.
    mutating func take(slot: Int, function: Int, aggregating: Bool) {
        if functions[slot] == 0, aggregating { aggregate[slot] = true }
        functions[slot] |= UInt8(1 << function)
    }
}
