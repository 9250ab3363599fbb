import Testing

@testable import SwiftVirtCore

/// The address set alone: what each bus takes, how slots are shared and how a dry run grows buses.
@Suite struct PCIAddressSetTests {
    static let q35Root = [Controller(type: .pci, index: 0, model: .pcieRoot)]
    static let pcRoot = [Controller(type: .pci, index: 0, model: .pciRoot)]
    static let rootPort: PCIConnectFlags = [.pcieRootPort, .aggregateSlot]
    static let pcieDevice: PCIConnectFlags = [.pcieDevice, .autoAssign]
    static let pciDevice: PCIConnectFlags = [.pciDevice, .autoAssign]

    @Test func rootPortsShareASlotAsItsEightFunctions() throws {
        var set = try PCIAddressSet(controllers: Self.q35Root, count: 1, dryRun: false)
        let placed = try (0..<10).map { _ in try set.reserveNext(flags: Self.rootPort) }
        #expect(placed.map(\.description) == (0...7).map { "0000:00:01.\($0)" } + ["0000:00:02.0", "0000:00:02.1"])
        // A slot a root port opened is not shared with an endpoint, even one given that slot by hand.
        var taken = PCIAddress(bus: 0, slot: 3)
        try set.reserve(&taken, flags: Self.pcieDevice, fromConfig: true)
        #expect(try set.reserveNext(flags: Self.rootPort).description == "0000:00:02.2")
        #expect(!set.buses[0].isAggregate(3))
    }

    @Test func endpointsAreNeverPlacedOnPCIeRootByTheAssigner() throws {
        var real = try PCIAddressSet(controllers: Self.q35Root, count: 1, dryRun: false)
        #expect(throws: PCIAddressError.internal("No more available PCI slots")) {
            try real.reserveNext(flags: Self.pcieDevice)
        }
        var dry = try PCIAddressSet(controllers: Self.q35Root, count: 1, dryRun: true)
        #expect(try dry.reserveNext(flags: Self.pcieDevice).description == "0000:01:00.0")
        #expect(dry.buses.map(\.model) == [.pcieRoot, .pcieRootPort])
        // Given in the definition, a PCI or PCIe endpoint may sit on pcie-root.
        var a = PCIAddress(bus: 0, slot: 5)
        try real.reserve(&a, flags: Self.pciDevice, fromConfig: true)
        #expect(PCIAddressSet.compatibility(a, bus: real.buses[0].accepts, device: Self.pciDevice, fromConfig: false)
            == .internal(
                "The device at PCI address 0000:00:05.0 was auto-assigned this address, but the PCI controller with "
                    + "index='0' doesn't allow auto-assignment"))
    }

    /// A conventional device on a guest with only PCIe buses: a root port that takes only the bridge, the
    /// pcie-to-pci-bridge, and the device on its slot 1; a later PCIe device gets a root port of its own.
    @Test func conventionalDeviceOnPCIeGuestGetsRootPortAndBridge() throws {
        var set = try PCIAddressSet(controllers: Self.q35Root, count: 1, dryRun: true)
        #expect(try set.reserveNext(flags: Self.pciDevice).description == "0000:02:01.0")
        #expect(set.buses.map(\.model) == [.pcieRoot, .pcieRootPort, .pcieToPCIBridge])
        #expect(set.buses[1].accepts == .pcieToPCIBridge)
        #expect(try set.reserveNext(flags: Self.pciDevice).description == "0000:02:02.0")
        #expect(try set.reserveNext(flags: Self.pcieDevice).description == "0000:03:00.0")
        #expect(set.buses.map(\.model).last == .pcieRootPort)
    }

    @Test func pcGrowsPCIBridgesWhenBusZeroIsFull() throws {
        var set = try PCIAddressSet(controllers: Self.pcRoot, count: 1, dryRun: true)
        let placed = try (0..<32).map { _ in try set.reserveNext(flags: Self.pciDevice) }
        #expect(placed.first?.description == "0000:00:01.0")
        #expect(placed[30].description == "0000:00:1f.0")
        #expect(placed[31].description == "0000:01:01.0")
        #expect(set.buses.map(\.model) == [.pciRoot, .pciBridge])
    }

    @Test(arguments: [
        (PCIAddress(bus: 0, slot: 0), Controller.Model.pciRoot, "Invalid PCI address 0000:00:00.0. slot must be >= 1"),
        (PCIAddress(bus: 1, slot: 1), .pcieRootPort, "Invalid PCI address 0000:01:01.0. slot must be <= 0"),
        (PCIAddress(bus: 2, slot: 1), .pciBridge, "Invalid PCI address 0000:02:01.0. Only PCI buses up to 1 are available"),
        (PCIAddress(domain: 1, bus: 0, slot: 3), .pciRoot, "Invalid PCI address 0001:00:03.0. Only PCI domain 0 is available"),
    ])
    func addressesOutsideABusAreRefused(address: PCIAddress, model: Controller.Model, message: String) throws {
        let root = Controller(type: .pci, index: 0, model: model == .pcieRootPort ? .pcieRoot : .pciRoot)
        var set = try PCIAddressSet(
            controllers: [root, Controller(type: .pci, index: 1, model: model)], count: 2, dryRun: false)
        var a = address
        #expect(throws: PCIAddressError.config(message)) { try set.reserve(&a, flags: Self.pcieDevice, fromConfig: true) }
    }

    @Test func doubleUseAndWrongConnectionsAreRefusedInLibvirtsWords() throws {
        var set = try PCIAddressSet(controllers: Self.q35Root, count: 1, dryRun: false)
        var a = PCIAddress(bus: 0, slot: 5)
        try set.reserve(&a, flags: Self.pciDevice, fromConfig: true)
        #expect(throws: PCIAddressError.config("Attempted double use of PCI Address 0000:00:05.0")) {
            try set.reserve(&a, flags: Self.pciDevice, fromConfig: true)
        }
        var bridge = PCIAddress(bus: 0, slot: 6)
        #expect(
            throws: PCIAddressError.config(
                "The device at PCI address 0000:00:06.0 cannot be plugged into the PCI controller with index='0'. "
                    + "It requires a controller that accepts a pcie-to-pci-bridge.")
        ) { try set.reserve(&bridge, flags: .pcieToPCIBridge, fromConfig: true) }
    }

    @Test func busesWithoutAControllerGetTheRootsDefaultModel() throws {
        let q35 = try PCIAddressSet(controllers: Self.q35Root, count: 3, dryRun: false)
        #expect(q35.buses.map(\.model) == [.pcieRoot, .pcieRootPort, .pcieRootPort])
        let pc = try PCIAddressSet(controllers: [], count: 2, dryRun: false)
        #expect(pc.buses.map(\.model) == [.pciRoot, .pciBridge])
        #expect(throws: PCIAddressError.internal("PCI controller model was not set correctly")) {
            try PCIAddressSet(controllers: [Controller(type: .pci, index: 0)], count: 1, dryRun: false)
        }
    }
}
