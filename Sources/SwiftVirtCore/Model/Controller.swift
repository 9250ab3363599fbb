/// `<controller>`: a bus the guest's devices plug into, with every type and model libvirt 9.0 knows.
public struct Controller: Sendable, Equatable {
    public enum ControllerType: String, Sendable, Equatable, CaseIterable {
        case ide, fdc, scsi, sata
        case virtioSerial = "virtio-serial"
        case ccid, xenbus, isa, usb, pci
    }

    /// The `model=` values of every controller type (`fits(_:)` says which belong to which type).
    public enum Model: String, Sendable, Equatable, CaseIterable {
        // pci
        case pciRoot = "pci-root"
        case pcieRoot = "pcie-root"
        case pciBridge = "pci-bridge"
        case dmiToPCIBridge = "dmi-to-pci-bridge"
        case pcieToPCIBridge = "pcie-to-pci-bridge"
        case pcieRootPort = "pcie-root-port"
        case pcieSwitchUpstreamPort = "pcie-switch-upstream-port"
        case pcieSwitchDownstreamPort = "pcie-switch-downstream-port"
        case pciExpanderBus = "pci-expander-bus"
        case pcieExpanderBus = "pcie-expander-bus"
        // usb
        case piix3UHCI = "piix3-uhci"
        case piix4UHCI = "piix4-uhci"
        case ehci
        case ich9EHCI1 = "ich9-ehci1"
        case ich9UHCI1 = "ich9-uhci1"
        case ich9UHCI2 = "ich9-uhci2"
        case ich9UHCI3 = "ich9-uhci3"
        case vt82c686bUHCI = "vt82c686b-uhci"
        case pciOHCI = "pci-ohci"
        case necXHCI = "nec-xhci"
        case qusb1, qusb2
        case qemuXHCI = "qemu-xhci"
        case none
        // scsi
        case auto, buslogic, lsilogic, lsisas1068, vmpvscsi, ibmvscsi
        case virtioSCSI = "virtio-scsi"
        case lsisas1078
        /// scsi and virtio-serial
        case virtioTransitional = "virtio-transitional"
        /// scsi and virtio-serial
        case virtioNonTransitional = "virtio-non-transitional"
        case ncr53c90, dc390, am53c974
        // ide
        case piix3, piix4, ich6
        // virtio-serial
        case virtio

        /// The QEMU device a pci controller of this model is built with unless `<model name>` says otherwise
        /// (qemuDomainPCIControllerSetDefaultModelName, QEMU 7.2 having the generic pcie-root-port); nil for
        /// the root buses and other types.
        public var defaultPCIModelName: PCIModelName? {
            switch self {
            case .pciBridge: return .pciBridge
            case .dmiToPCIBridge: return .i82801b11Bridge
            case .pcieToPCIBridge: return .pciePCIBridge
            case .pcieRootPort: return .pcieRootPort
            case .pcieSwitchUpstreamPort: return .x3130Upstream
            case .pcieSwitchDownstreamPort: return .xio3130Downstream
            case .pciExpanderBus: return .pxb
            case .pcieExpanderBus: return .pxbPCIe
            default: return nil
            }
        }

        /// Whether this is one of `type`'s models.
        public func fits(_ type: ControllerType) -> Bool { Self.models(of: type).contains(self) }

        public static func models(of type: ControllerType) -> [Model] {
            switch type {
            case .pci:
                return [
                    .pciRoot, .pcieRoot, .pciBridge, .dmiToPCIBridge, .pcieToPCIBridge, .pcieRootPort,
                    .pcieSwitchUpstreamPort, .pcieSwitchDownstreamPort, .pciExpanderBus, .pcieExpanderBus,
                ]
            case .usb:
                return [
                    .piix3UHCI, .piix4UHCI, .ehci, .ich9EHCI1, .ich9UHCI1, .ich9UHCI2, .ich9UHCI3, .vt82c686bUHCI,
                    .pciOHCI, .necXHCI, .qusb1, .qusb2, .qemuXHCI, .none,
                ]
            case .scsi:
                return [
                    .auto, .buslogic, .lsilogic, .lsisas1068, .vmpvscsi, .ibmvscsi, .virtioSCSI, .lsisas1078,
                    .virtioTransitional, .virtioNonTransitional, .ncr53c90, .dc390, .am53c974,
                ]
            case .ide: return [.piix3, .piix4, .ich6]
            case .virtioSerial: return [.virtio, .virtioTransitional, .virtioNonTransitional]
            case .fdc, .sata, .ccid, .xenbus, .isa: return []
            }
        }
    }

    /// `<model name=...>` of a pci controller: the QEMU device that implements it.
    public enum PCIModelName: String, Sendable, Equatable, CaseIterable {
        case pciBridge = "pci-bridge"
        case i82801b11Bridge = "i82801b11-bridge"
        case ioh3420
        case x3130Upstream = "x3130-upstream"
        case xio3130Downstream = "xio3130-downstream"
        case pxb
        case pxbPCIe = "pxb-pcie"
        case pcieRootPort = "pcie-root-port"
        case spaprPCIHostBridge = "spapr-pci-host-bridge"
        case pciePCIBridge = "pcie-pci-bridge"
    }

    /// `<target>` of a pci controller (and its `<node>` child).
    public struct PCITarget: Sendable, Equatable {
        public var chassisNr: Int?
        public var chassis: Int?
        public var port: Int?
        public var busNr: Int?
        public var index: Int?
        public var hotplug: OnOff?
        public var numaNode: Int?
        public init() {}
        public var isEmpty: Bool { self == PCITarget() }
    }

    /// `<driver>` of a virtio-scsi controller (libvirt refuses these options on any other controller); its virtio
    /// options (iommu, ats, packed, page_per_vq) are kept as written.
    public struct Driver: Sendable, Equatable {
        public var queues: Int?
        public var cmdPerLun: Int?
        public var maxSectors: Int?
        public var ioeventfd: OnOff?
        public var iothread: Int?
        public init() {}
        public var isEmpty: Bool { self == Driver() }
    }

    public var type: ControllerType
    public var index: Int
    public var model: Model?
    /// pci controllers: `<model name=...>` and `<target ...>`.
    public var modelName: PCIModelName?
    public var target = PCITarget()
    /// usb and virtio-serial controllers: `ports=`.
    public var ports: Int?
    /// virtio-serial controllers: `vectors=`.
    public var vectors: Int?
    public var driver = Driver()
    /// USB companion controllers: `<master startport=...>`.
    public var masterStartPort: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    /// Where libvirt's parser placed it among the document's controllers (see `Array.libvirtOrder`); nil for a
    /// controller added after parsing. Not part of equality.
    public var parsePosition = ParsePosition()
    public init(type: ControllerType, index: Int = 0, model: Model? = nil) {
        self.type = type
        self.index = index
        self.model = model
    }

    /// An ich9 EHCI1 or one of its UHCI companions: they share one slot, as functions of it.
    public var isUSB2Group: Bool {
        type == .usb && [.ich9EHCI1, .ich9UHCI1, .ich9UHCI2, .ich9UHCI3].contains(model)
    }
}

/// A position in libvirt's order of parsed controllers. Equality ignores it, as `SourceLine`'s does the line.
public struct ParsePosition: Sendable, Equatable {
    public var value: Int?
    public init(_ value: Int? = nil) { self.value = value }
    public static func == (lhs: ParsePosition, rhs: ParsePosition) -> Bool { true }
}
