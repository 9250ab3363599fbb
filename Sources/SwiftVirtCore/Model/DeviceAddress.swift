/// `<address>` of a device: where it sits on its bus.
public enum DeviceAddress: Sendable, Hashable {
    case pci(PCIAddress)
    case drive(DriveAddress)
    case usb(USBAddress)
    case isa(ISAAddress)
    case virtioSerial(VirtioSerialAddress)
    /// Any other address type libvirt knows (ccid, dimm, unassigned, ccw, spapr-vio, virtio-mmio, s390), kept
    /// as written.
    case other(OtherAddress)

    public var pci: PCIAddress? {
        if case .pci(let a) = self { return a }
        return nil
    }
    public var drive: DriveAddress? {
        if case .drive(let a) = self { return a }
        return nil
    }
}

public struct PCIAddress: Sendable, Hashable, CustomStringConvertible {
    public var domain: Int = 0
    public var bus: Int
    public var slot: Int
    public var function: Int = 0
    public var multifunction: OnOff?
    public init(domain: Int = 0, bus: Int, slot: Int, function: Int = 0, multifunction: OnOff? = nil) {
        self.domain = domain
        self.bus = bus
        self.slot = slot
        self.function = function
        self.multifunction = multifunction
    }
    /// Identity of the slot/function, ignoring the multifunction flag.
    public var location: [Int] { [domain, bus, slot, function] }
    /// "0000:00:01.0"
    public var description: String {
        hex(domain, 4) + ":" + hex(bus, 2) + ":" + hex(slot, 2) + "." + String(function, radix: 16)
    }
    private func hex(_ v: Int, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

public struct DriveAddress: Sendable, Hashable {
    public var controller: Int
    public var bus: Int
    public var target: Int
    public var unit: Int
    public init(controller: Int = 0, bus: Int = 0, target: Int = 0, unit: Int = 0) {
        self.controller = controller
        self.bus = bus
        self.target = target
        self.unit = unit
    }
}

public struct USBAddress: Sendable, Hashable {
    public var bus: Int
    /// Dotted port path, e.g. "1" or "1.2".
    public var port: String?
    public init(bus: Int = 0, port: String? = nil) {
        self.bus = bus
        self.port = port
    }
}

public struct ISAAddress: Sendable, Hashable {
    public var iobase: Int?
    public var irq: Int?
    public init(iobase: Int? = nil, irq: Int? = nil) {
        self.iobase = iobase
        self.irq = irq
    }
}

public struct VirtioSerialAddress: Sendable, Hashable {
    public var controller: Int
    public var bus: Int
    public var port: Int?
    public init(controller: Int = 0, bus: Int = 0, port: Int? = nil) {
        self.controller = controller
        self.bus = bus
        self.port = port
    }
}

/// An address of a type the model does not interpret: its `type` and the other attributes in order.
public struct OtherAddress: Sendable, Hashable {
    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
    public var type: String
    public var attributes: [Attribute]
    public init(type: String, attributes: [Attribute]) {
        self.type = type
        self.attributes = attributes
    }
}
