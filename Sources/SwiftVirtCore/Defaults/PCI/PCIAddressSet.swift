/// Why a PCI address could not be taken. `config`: the address came from the definition (libvirt's XML error);
/// `internal`: the assigner chose it or found no room (libvirt's internal error). Both carry libvirt's words.
enum PCIAddressError: Error, Equatable {
    case config(String)
    case `internal`(String)

    init(_ message: String, fromConfig: Bool) { self = fromConfig ? .config(message) : .internal(message) }

    var message: String {
        switch self {
        case .config(let m), .internal(let m): return m
        }
    }
}

/// The PCI buses of a guest and the addresses taken on them (libvirt's virDomainPCIAddressSet). In a dry run
/// the set grows a new bus whenever a device finds no room, choosing the controller that would provide it; the
/// assigner then adds those controllers to the definition.
struct PCIAddressSet: Sendable {
    private(set) var buses: [PCIBus]
    let dryRun: Bool

    /// The buses of `controllers` (pci ones), `count` of them; those no controller provides yet are pcie-root-ports
    /// under a pcie-root, pci-bridges otherwise (qemuDomainPCIAddressSetCreate).
    init(controllers: [Controller], count: Int, dryRun: Bool) throws(PCIAddressError) {
        var buses = [PCIBus?](repeating: nil, count: count)
        for c in controllers where c.type == .pci {
            guard c.index < count else {
                throw .internal("Inappropriate new pci controller index \(c.index) exceeds addrs array length")
            }
            buses[c.index] = try Self.bus(c.model, hotplug: c.target.hotplug != .off)
        }
        if count > 0, buses[0] == nil { buses[0] = try Self.bus(.pciRoot) }
        let pcieRoot = buses.first { $0?.model == .pcieRoot } != nil
        let defaultModel: Controller.Model = pcieRoot ? .pcieRootPort : .pciBridge
        var all: [PCIBus] = []
        for bus in buses {
            if let bus { all.append(bus) } else { all.append(try Self.bus(defaultModel)) }
        }
        self.buses = all
        self.dryRun = dryRun
    }

    /// The bus a pci controller model provides; refused for a controller without a pci model.
    private static func bus(_ model: Controller.Model?, hotplug: Bool = true) throws(PCIAddressError) -> PCIBus {
        guard let model, let bus = PCIBus(model: model, hotplug: hotplug) else {
            throw .internal("PCI controller model was not set correctly")
        }
        return bus
    }

    var count: Int { buses.count }

    func slotInUse(_ a: PCIAddress) -> Bool { a.bus < buses.count && buses[a.bus].slotInUse(a.slot) }

    // MARK: checking an address

    /// Whether a device with `device` flags may sit at `a` on a bus accepting `bus` (as
    /// virDomainPCIAddressFlagsCompatible). Addresses from the definition may put a PCI device in a PCIe slot
    /// and the other way round, and a pci-bridge wherever a PCI device fits.
    static func compatibility(
        _ a: PCIAddress, bus busAccepts: PCIConnectFlags, device: PCIConnectFlags, fromConfig: Bool
    ) -> PCIAddressError? {
        var busFlags = busAccepts
        var devFlags = device
        if devFlags.contains(.integrated) {
            guard a.bus == 0 else {
                return PCIAddressError(
                    "The device at PCI address \(a) needs to be an integrated device (bus=0)", fromConfig: fromConfig)
            }
            busFlags.insert(.autoAssign)
        }
        if fromConfig {
            if !busFlags.isDisjoint(with: .endpoints) { busFlags.formUnion(.endpoints) }
            if devFlags.contains(.pciBridge) { devFlags.insert(.pciDevice) }
        } else if devFlags.contains(.autoAssign), !busFlags.contains(.autoAssign) {
            return .internal(
                "The device at PCI address \(a) was auto-assigned this address, but the PCI controller with "
                    + "index='\(a.bus)' doesn't allow auto-assignment")
        }
        if devFlags.contains(.hotpluggable), !busFlags.contains(.hotpluggable) {
            return PCIAddressError(
                "The device at PCI address \(a) requires hotplug capability, but the PCI controller with "
                    + "index='\(a.bus)' doesn't support hotplug", fromConfig: fromConfig)
        }
        if devFlags.intersection(busFlags).isDisjoint(with: .types) {
            guard let needed = devFlags.connectionName else {
                return PCIAddressError(
                    "The device at PCI address \(a) has unrecognized connection type flags 0x"
                        + devFlags.intersection(.types).hexDescription, fromConfig: fromConfig)
            }
            return PCIAddressError(
                "The device at PCI address \(a) cannot be plugged into the PCI controller with index='\(a.bus)'. "
                    + "It requires a controller that accepts a \(needed).", fromConfig: fromConfig)
        }
        return nil
    }

    /// Whether `a` exists and suits a device with `flags` (virDomainPCIAddressValidate).
    func validate(_ a: PCIAddress, flags: PCIConnectFlags, fromConfig: Bool) throws(PCIAddressError) {
        guard !buses.isEmpty else { throw PCIAddressError("No PCI buses available", fromConfig: fromConfig) }
        guard a.domain == 0 else {
            throw PCIAddressError("Invalid PCI address \(a). Only PCI domain 0 is available", fromConfig: fromConfig)
        }
        guard a.bus < buses.count else {
            throw PCIAddressError(
                "Invalid PCI address \(a). Only PCI buses up to \(buses.count - 1) are available",
                fromConfig: fromConfig)
        }
        let bus = buses[a.bus]
        if let problem = Self.compatibility(a, bus: bus.accepts, device: flags, fromConfig: fromConfig) {
            throw problem
        }
        if bus.minSlot > 0, a.slot < bus.minSlot {
            throw PCIAddressError("Invalid PCI address \(a). slot must be >= \(bus.minSlot)", fromConfig: fromConfig)
        }
        if a.slot > bus.maxSlot {
            throw PCIAddressError("Invalid PCI address \(a). slot must be <= \(bus.maxSlot)", fromConfig: fromConfig)
        }
        if a.function > PCIBus.lastFunction {
            throw PCIAddressError(
                "Invalid PCI address \(a). function must be <= \(PCIBus.lastFunction)", fromConfig: fromConfig)
        }
    }

    // MARK: taking addresses

    /// Takes the function at `a` for a device with `flags` (virDomainPCIAddressReserveAddrInternal). In a dry run
    /// the buses up to `a.bus` are added first, which may move `a` one bus further (see `grow`).
    mutating func reserve(_ a: inout PCIAddress, flags: PCIConnectFlags, fromConfig: Bool) throws(PCIAddressError) {
        if dryRun { try grow(toReach: &a, flags: flags) }
        try validate(a, flags: flags, fromConfig: fromConfig)
        guard !buses[a.bus].functionInUse(slot: a.slot, function: a.function) else {
            throw PCIAddressError("Attempted double use of PCI Address \(a)", fromConfig: fromConfig)
        }
        buses[a.bus].take(slot: a.slot, function: a.function, aggregating: flags.contains(.aggregateSlot))
    }

    /// The first slot, on the lowest bus that suits `flags`, that is wholly free, or that pcie-root-ports
    /// already share and still has a free function (virDomainPCIAddressGetNextAddr). `function`: the function
    /// wanted, or nil for any (then 0 on a free slot). In a dry run a bus is added when none has room.
    mutating func nextAddress(flags: PCIConnectFlags, function: Int?) throws(PCIAddressError) -> PCIAddress {
        guard !buses.isEmpty else { throw .config("No PCI buses available") }
        var a = PCIAddress(bus: 0, slot: 0, function: function ?? 0)
        for (index, bus) in buses.enumerated() {
            a.bus = index
            a.slot = bus.minSlot
            if Self.findFreeFunction(on: bus, at: &a, function: function, flags: flags) { return a }
        }
        guard dryRun else { throw .internal("No more available PCI slots") }
        a.bus = buses.count
        try grow(toReach: &a, flags: flags)
        a.slot = buses[a.bus].minSlot
        return a
    }

    /// Finds, from `a.slot` on, a place on `bus` (virDomainPCIAddressFindUnusedFunctionOnBus).
    private static func findFreeFunction(
        on bus: PCIBus, at a: inout PCIAddress, function: Int?, flags: PCIConnectFlags
    ) -> Bool {
        guard compatibility(a, bus: bus.accepts, device: flags, fromConfig: false) == nil else { return false }
        while a.slot <= bus.maxSlot {
            if !bus.slotInUse(a.slot) { return true }
            if flags.contains(.aggregateSlot), bus.isAggregate(a.slot) {
                if !bus.functionInUse(slot: a.slot, function: a.function) { return true }
                if function == nil {
                    while a.function <= PCIBus.lastFunction {
                        if !bus.functionInUse(slot: a.slot, function: a.function) { return true }
                        a.function += 1
                    }
                    a.function = 0
                }
            }
            a.slot += 1
        }
        return false
    }

    /// Takes the next free address for a device with `flags` (virDomainPCIAddressReserveNextAddr) and returns it.
    mutating func reserveNext(flags: PCIConnectFlags, function: Int? = nil) throws(PCIAddressError) -> PCIAddress {
        var a = try nextAddress(flags: flags, function: function)
        try reserve(&a, flags: flags, fromConfig: false)
        return a
    }

    /// Adds the buses needed for `a.bus` to exist, of the kind that provides a slot for a device with `flags`
    /// (virDomainPCIAddressSetGrow): pci-bridges for PCI devices, pcie-root-ports for PCIe devices and switch
    /// upstream ports. A PCI device on a guest that so far has only PCIe buses first gets a pcie-root-port that
    /// takes nothing but a pcie-to-pci-bridge, and that bridge, which is then its bus (`a` moves one bus on).
    private mutating func grow(toReach a: inout PCIAddress, flags: PCIConnectFlags) throws(PCIAddressError) {
        var add = a.bus - buses.count + 1
        guard add > 0 else { return }
        let model: Controller.Model
        var needsPCIeToPCIBridge = false
        if flags.contains(.pciDevice) {
            model = .pciBridge
            needsPCIeToPCIBridge = !buses.contains { $0.accepts.contains(.pciBridge) }
            if needsPCIeToPCIBridge, add == 1 {
                add += 1
                a.bus += 1
            }
        } else if !flags.isDisjoint(with: [.pcieDevice, .pcieSwitchUpstreamPort]) {
            model = .pcieRootPort
        } else if let controller = flags.controllerModel {
            throw .internal(
                "a PCI slot is needed to connect a PCI controller model='\(controller.rawValue)', but none is "
                    + "available, and it cannot be automatically added")
        } else {
            throw .internal(
                "Cannot automatically add a new PCI bus for a device with connect flags \(flags.hexDescription)")
        }
        var added: [PCIBus] = []
        if needsPCIeToPCIBridge {
            // The root port is reserved for the bridge, so that a later PCIe device gets a port of its own.
            var port = try Self.bus(.pcieRootPort)
            port.accepts = .pcieToPCIBridge
            added += [port, try Self.bus(.pcieToPCIBridge)]
        }
        while added.count < add { added.append(try Self.bus(model)) }
        buses += added
    }
}
