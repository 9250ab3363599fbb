/// How a device connects to a PCI bus, and what a bus accepts downstream (libvirt's virDomainPCIConnectFlags).
/// A device has one connection type; a bus accepts a set of them. The bits mean the same on both sides.
struct PCIConnectFlags: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A device: it may be given an address automatically. A bus: it takes automatically placed devices.
    static let autoAssign = Self(rawValue: 1 << 0)
    static let hotpluggable = Self(rawValue: 1 << 1)
    /// A device built into the root complex (bus 0 only).
    static let integrated = Self(rawValue: 1 << 2)
    /// Several of these devices may share one slot as its functions (pcie-root-ports do).
    static let aggregateSlot = Self(rawValue: 1 << 3)

    static let pciDevice = Self(rawValue: 1 << 4)
    static let pcieDevice = Self(rawValue: 1 << 5)
    static let pcieRootPort = Self(rawValue: 1 << 6)
    static let pcieSwitchUpstreamPort = Self(rawValue: 1 << 7)
    static let pcieSwitchDownstreamPort = Self(rawValue: 1 << 8)
    static let dmiToPCIBridge = Self(rawValue: 1 << 9)
    static let pciExpanderBus = Self(rawValue: 1 << 10)
    static let pcieExpanderBus = Self(rawValue: 1 << 11)
    static let pciBridge = Self(rawValue: 1 << 12)
    static let pcieToPCIBridge = Self(rawValue: 1 << 13)

    /// Every connection type.
    static let types: Self = [
        .pciDevice, .pcieDevice, .pcieRootPort, .pcieSwitchUpstreamPort, .pcieSwitchDownstreamPort,
        .dmiToPCIBridge, .pciExpanderBus, .pcieExpanderBus, .pciBridge, .pcieToPCIBridge,
    ]
    /// The types of endpoint devices.
    static let endpoints: Self = [.pciDevice, .pcieDevice]

    /// How a pci controller of `model` plugs into its parent bus; empty for the root buses, which plug nowhere.
    init(pciController model: Controller.Model) {
        switch model {
        case .pciBridge: self = .pciBridge
        case .pciExpanderBus: self = .pciExpanderBus
        case .pcieExpanderBus: self = .pcieExpanderBus
        case .dmiToPCIBridge: self = .dmiToPCIBridge
        case .pcieToPCIBridge: self = .pcieToPCIBridge
        case .pcieRootPort: self = [.pcieRootPort, .aggregateSlot]
        case .pcieSwitchUpstreamPort: self = .pcieSwitchUpstreamPort
        case .pcieSwitchDownstreamPort: self = .pcieSwitchDownstreamPort
        default: self = []
        }
    }

    /// The pci controller model that provides a connection of this type, when there is one.
    var controllerModel: Controller.Model? {
        if contains(.pcieRootPort) { return .pcieRootPort }
        if contains(.pcieSwitchUpstreamPort) { return .pcieSwitchUpstreamPort }
        if contains(.pcieSwitchDownstreamPort) { return .pcieSwitchDownstreamPort }
        if contains(.dmiToPCIBridge) { return .dmiToPCIBridge }
        if contains(.pciExpanderBus) { return .pciExpanderBus }
        if contains(.pcieExpanderBus) { return .pcieExpanderBus }
        if contains(.pciBridge) { return .pciBridge }
        return nil
    }

    /// libvirt's words for the connection a device needs, in its error messages.
    var connectionName: String? {
        let names: [(Self, String)] = [
            (.pciDevice, "standard PCI device"), (.pcieDevice, "PCI Express device"),
            (.pcieRootPort, "pcie-root-port"), (.pcieSwitchUpstreamPort, "pcie-switch-upstream-port"),
            (.pcieSwitchDownstreamPort, "pcie-switch-downstream-port"), (.dmiToPCIBridge, "dmi-to-pci-bridge"),
            (.pcieToPCIBridge, "pcie-to-pci-bridge"), (.pciExpanderBus, "pci-expander-bus"),
            (.pcieExpanderBus, "pcie-expander-bus"), (.pciBridge, "pci-bridge"),
        ]
        return names.first { contains($0.0) }?.1
    }

    /// Two hex digits at least, as libvirt prints connect flags.
    var hexDescription: String {
        let s = String(rawValue, radix: 16)
        return s.count < 2 ? "0" + s : s
    }
}

/// The connect flags of the three kinds of endpoint on this machine (qemuDomainFillDevicePCIConnectFlagsIterInit):
/// conventional PCI devices, PCI Express devices (PCIe only where the root bus is pcie-root), and virtio devices,
/// which QEMU 7.2 makes PCIe where it can (it has the transitional virtio devices).
struct PCIConnectContext: Sendable {
    let pci: PCIConnectFlags
    let pcie: PCIConnectFlags
    let virtio: PCIConnectFlags

    init(pcieRoot: Bool) {
        pci = [.pciDevice, .autoAssign]
        pcie = pcieRoot ? [.pcieDevice, .autoAssign] : pci
        virtio = pcie
    }
}
