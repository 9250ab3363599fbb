/// A host device as libvirt's node device driver describes it (`virsh nodedev-dumpxml`): the few kinds SwiftVirt
/// reads from sysfs (the `computer` root, PCI functions, USB devices and interfaces, network interfaces, SCSI
/// hosts, targets, devices and generic nodes, disks).
public struct NodeDevice: Sendable, Equatable {
    public var name: String
    /// The sysfs path; nil for `computer`.
    public var path: String?
    public var devnode: String?
    public var devlinks: [String] = []
    /// nil only for `computer`.
    public var parent: String?
    public var driver: String?
    public var capability: Capability

    public init(name: String, path: String?, parent: String?, capability: Capability) {
        self.name = name
        self.path = path
        self.parent = parent
        self.capability = capability
    }

    public enum Capability: Sendable, Equatable {
        case system(System)
        case pci(PCI)
        case net(Net)
        case storage(Storage)
        case usbDevice(USBDevice)
        case usbInterface(USBInterface)
        case scsiHost(SCSIHost)
        /// The target's sysfs name (`target0:0:0`).
        case scsiTarget(String)
        case scsi(SCSI)
        /// The generic node's path (`/dev/sg0`).
        case scsiGeneric(String)
    }

    /// libvirt's capability word (virNodeDevCapType), whose index is its VIR_CONNECT_LIST_NODE_DEVICES_CAP_ bit.
    public static let capabilityWords = [
        "system", "pci", "usb_device", "usb", "net", "scsi_host", "scsi_target", "scsi", "storage", "fc_host",
        "vports", "scsi_generic", "drm", "mdev_types", "mdev", "ccw", "css", "vdpa", "ap_card", "ap_queue",
        "ap_matrix", "vpd",
    ]

    /// The capabilities `nodedev-list --cap` and NODE_DEVICE_LIST_CAPS see.
    public var capabilityNames: [String] {
        switch capability {
        case .system: ["system"]
        case .pci: ["pci"]
        case .net: ["net"]
        case .storage: ["storage"]
        case .usbDevice: ["usb_device"]
        case .usbInterface: ["usb"]
        case .scsiHost: ["scsi_host"]
        case .scsiTarget: ["scsi_target"]
        case .scsi: ["scsi"]
        case .scsiGeneric: ["scsi_generic"]
        }
    }

    public struct System: Sendable, Equatable {
        public var product: String?
        public var hardwareVendor: String?
        public var hardwareVersion: String?
        public var hardwareSerial: String?
        public var uuid: DomainUUID?
        public var firmwareVendor: String?
        public var firmwareVersion: String?
        public var firmwareDate: String?
        public init() {}
    }

    public struct PCIAddress: Sendable, Equatable {
        public var domain, bus, slot, function: UInt32
        public init(domain: UInt32, bus: UInt32, slot: UInt32, function: UInt32) {
            (self.domain, self.bus, self.slot, self.function) = (domain, bus, slot, function)
        }
    }

    public struct PCIELink: Sendable, Equatable {
        public var port: Int?
        /// Index into 2.5, 5, 8, 16, 32, 64 (GT/s) starting at 1; 0 is unknown.
        public var speed: Int
        public var width: Int
        public init(port: Int?, speed: Int, width: Int) { (self.port, self.speed, self.width) = (port, speed, width) }
    }

    public struct VirtualFunctions: Sendable, Equatable {
        public var max: UInt32
        public var functions: [PCIAddress]
        public init(max: UInt32, functions: [PCIAddress]) { (self.max, self.functions) = (max, functions) }
    }

    public struct IOMMUGroup: Sendable, Equatable {
        public var number: Int
        public var members: [PCIAddress]
        public init(number: Int, members: [PCIAddress]) { (self.number, self.members) = (number, members) }
    }

    /// PCI Express, with its link's capability and status when it has a link.
    public struct Express: Sendable, Equatable {
        public var cap: PCIELink?
        public var sta: PCIELink?
        public init(cap: PCIELink?, sta: PCIELink?) { (self.cap, self.sta) = (cap, sta) }
    }

    public struct PCI: Sendable, Equatable {
        public var classCode: Int?
        public var address: PCIAddress
        public var product: UInt32
        public var productName: String?
        public var vendor: UInt32
        public var vendorName: String?
        public var physicalFunction: PCIAddress?
        /// nil: not SR-IOV capable.
        public var virtualFunctions: VirtualFunctions?
        /// 1 PCI bridge, 2 CardBus bridge; endpoints (0) print nothing.
        public var headerType = 0
        public var iommuGroup: IOMMUGroup?
        public var numaNode: Int?
        /// nil: not PCI Express.
        public var express: Express?

        public init(address: PCIAddress, vendor: UInt32, product: UInt32) {
            self.address = address
            self.vendor = vendor
            self.product = product
        }
    }

    public struct Net: Sendable, Equatable {
        public var interface: String
        public var address: String?
        public var linkSpeed: UInt32 = 0
        /// operstate's word; nil when unreadable.
        public var linkState: String?
        /// libvirt's feature words, in its order.
        public var features: [String] = []
        public var wireless = false
        public init(interface: String) { self.interface = interface }
    }

    public struct Storage: Sendable, Equatable {
        public var block: String
        public var bus: String?
        public var driveType: String
        public var model: String?
        public var vendor: String?
        public var serial: String?
        public var size: UInt64 = 0
        public var logicalBlockSize: UInt64 = 0
        public var numBlocks: UInt64 = 0
        public init(block: String, driveType: String) {
            self.block = block
            self.driveType = driveType
        }
    }

    public struct USBDevice: Sendable, Equatable {
        public var bus: UInt32
        public var device: UInt32
        public var vendor: UInt32
        public var vendorName: String?
        public var product: UInt32
        public var productName: String?
        public init(bus: UInt32, device: UInt32, vendor: UInt32, product: UInt32) {
            (self.bus, self.device, self.vendor, self.product) = (bus, device, vendor, product)
        }
    }

    public struct USBInterface: Sendable, Equatable {
        public var number: UInt32
        public var interfaceClass: UInt32
        public var subclass: UInt32
        public var interfaceProtocol: UInt32
        public init(number: UInt32, interfaceClass: UInt32, subclass: UInt32, interfaceProtocol: UInt32) {
            (self.number, self.interfaceClass, self.subclass, self.interfaceProtocol) =
                (number, interfaceClass, subclass, interfaceProtocol)
        }
    }

    public struct SCSIHost: Sendable, Equatable {
        public var host: UInt32
        /// nil when `unique_id` is unreadable.
        public var uniqueID: Int32?
        public init(host: UInt32, uniqueID: Int32?) { (self.host, self.uniqueID) = (host, uniqueID) }
    }

    public struct SCSI: Sendable, Equatable {
        public var host, bus, target, lun: UInt32
        /// libvirt's word for the SCSI peripheral type (`disk`, `cdrom`, ...); nil when unknown.
        public var type: String?
        public init(host: UInt32, bus: UInt32, target: UInt32, lun: UInt32, type: String?) {
            (self.host, self.bus, self.target, self.lun, self.type) = (host, bus, target, lun, type)
        }

        /// libvirt's words for the SCSI peripheral device types (SPC's numbers 0 to 0xc).
        public static func typeWord(_ number: UInt32) -> String? {
            let words: [UInt32: String] = [
                0: "disk", 1: "tape", 3: "processor", 4: "worm", 5: "cdrom", 6: "scanner", 7: "mod", 8: "changer",
                0xc: "raid", 0xd: "enclosure",
            ]
            return words[number]
        }
    }
}
