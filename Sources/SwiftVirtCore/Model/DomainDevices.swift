/// `<devices>`, one array per element kind, each in document order.
public struct DomainDevices: Sendable, Equatable {
    public var emulator: String?
    public var disks: [Disk] = []
    public var controllers: [Controller] = []
    public var interfaces: [NetworkInterface] = []
    public var serials: [CharDevice] = []
    public var consoles: [CharDevice] = []
    public var channels: [CharDevice] = []
    public var inputs: [InputDevice] = []
    public var tpms: [TPMDevice] = []
    public var graphics: [Graphics] = []
    public var sounds: [SoundDevice] = []
    public var audios: [AudioBackend] = []
    public var videos: [VideoDevice] = []
    public var hubs: [HubDevice] = []
    public var watchdog: WatchdogDevice?
    public var memballoon: MemoryBalloon?
    public var rngs: [RNGDevice] = []
    public var panics: [PanicDevice] = []
    public init() {}
}

/// `<disk>`.
public struct Disk: Sendable, Equatable {
    public enum SourceType: String, Sendable, Equatable, CaseIterable { case file, block, volume }
    public enum Device: String, Sendable, Equatable, CaseIterable { case disk, cdrom, floppy }
    public enum Format: String, Sendable, Equatable, CaseIterable { case raw, qcow2 }
    public enum Cache: String, Sendable, Equatable, CaseIterable {
        case `default`, none, writethrough, writeback, directsync, unsafe
    }
    public enum Discard: String, Sendable, Equatable, CaseIterable { case unmap, ignore }
    public enum IO: String, Sendable, Equatable, CaseIterable {
        case threads, native
        case ioUring = "io_uring"
    }
    public enum Bus: String, Sendable, Equatable, CaseIterable { case virtio, sata, ide, scsi, usb, fdc }
    public struct Driver: Sendable, Equatable {
        public var name: String?
        public var format: Format?
        public var cache: Cache?
        public var discard: Discard?
        public var io: IO?
        public init(
            name: String? = "qemu", format: Format? = nil, cache: Cache? = nil, discard: Discard? = nil,
            io: IO? = nil
        ) {
            self.name = name
            self.format = format
            self.cache = cache
            self.discard = discard
            self.io = io
        }
    }
    public var type: SourceType = .file
    public var device: Device = .disk
    public var driver: Driver?
    /// `<source file=...>` or `<source dev=...>`, by `type`; nil for an empty cdrom/floppy.
    public var sourcePath: String?
    public var targetDev: String
    public var targetBus: Bus?
    public var readOnly = false
    public var shareable = false
    public var serial: String?
    public var bootOrder: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    /// `<source pool= volume=>` of a `type='volume'` disk; the daemon resolves it to `sourcePath` at start.
    public var sourceVolume: VolumeSource?
    public struct VolumeSource: Sendable, Equatable {
        public var pool: String
        public var volume: String
        public init(pool: String, volume: String) {
            self.pool = pool
            self.volume = volume
        }
    }
    public init(
        type: SourceType = .file, device: Device = .disk, sourcePath: String? = nil, targetDev: String,
        targetBus: Bus? = nil
    ) {
        self.type = type
        self.device = device
        self.sourcePath = sourcePath
        self.targetDev = targetDev
        self.targetBus = targetBus
    }
}

/// `<controller>`.
public struct Controller: Sendable, Equatable {
    public enum ControllerType: String, Sendable, Equatable, CaseIterable {
        case pci, usb, ide, sata, fdc, scsi
        case virtioSerial = "virtio-serial"
    }
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case pciRoot = "pci-root"
        case pcieRoot = "pcie-root"
        case pcieRootPort = "pcie-root-port"
        case pciBridge = "pci-bridge"
        case piix3UHCI = "piix3-uhci"
        case ich9EHCI1 = "ich9-ehci1"
        case ich9UHCI1 = "ich9-uhci1"
        case ich9UHCI2 = "ich9-uhci2"
        case ich9UHCI3 = "ich9-uhci3"
        case qemuXHCI = "qemu-xhci"
        case none
        case virtioSCSI = "virtio-scsi"
        case lsilogic
    }
    public var type: ControllerType
    public var index: Int
    public var model: Model?
    /// pci controllers: `<model name=...>` (the QEMU device name) and `<target chassis= port=>`.
    public var modelName: String?
    public var targetChassis: Int?
    public var targetPort: Int?
    /// USB companion controllers: `<master startport=...>`.
    public var masterStartPort: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(type: ControllerType, index: Int = 0, model: Model? = nil) {
        self.type = type
        self.index = index
        self.model = model
    }
}

/// `<interface>`.
public struct NetworkInterface: Sendable, Equatable {
    public enum InterfaceType: String, Sendable, Equatable, CaseIterable { case user, bridge, network }
    public enum Model: String, Sendable, Equatable, CaseIterable { case virtio, e1000, e1000e, rtl8139 }
    public var type: InterfaceType
    /// Bridge name (type bridge) or network name (type network).
    public var source: String?
    /// `<target dev>`: the host tap. Set by the daemon when the guest starts; names starting with `vnet` are
    /// the daemon's own and are not kept in the persistent definition (as libvirt).
    public var targetDev: String?
    public var mac: MACAddress?
    public var model: Model?
    public var bootOrder: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(type: InterfaceType, source: String? = nil, mac: MACAddress? = nil, model: Model? = nil) {
        self.type = type
        self.source = source
        self.mac = mac
        self.model = model
    }
}
