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
    public var redirdevs: [RedirectedDevice] = []
    public var redirfilter: RedirFilter?
    public var hubs: [HubDevice] = []
    public var watchdog: WatchdogDevice?
    public var memballoon: MemoryBalloon?
    public var rngs: [RNGDevice] = []
    public var panics: [PanicDevice] = []
    /// `<parallel>` ports.
    public var parallels: [CharDevice] = []
    /// Devices of the families the model does not type (see `GenericDevice`), in document order.
    public var generic: [GenericDevice] = []
    public init() {}
}

/// `<disk>`.
public struct Disk: Sendable, Equatable {
    public enum SourceType: String, Sendable, Equatable, CaseIterable {
        case file, block, dir, network, volume, nvme, vhostuser
    }
    public enum Device: String, Sendable, Equatable, CaseIterable { case disk, cdrom, floppy, lun }
    /// libvirt's storage formats (those a `<driver type>` may name).
    public enum Format: String, Sendable, Equatable, CaseIterable {
        case raw, qcow2, qcow, qed, vmdk, vpc, vdi, vhdx, luks, bochs, cloop, dmg, iso, fat, parallels, ploop, dir
        case cow, vhd
    }
    public enum ErrorPolicy: String, Sendable, Equatable, CaseIterable { case stop, report, ignore, enospace }
    public enum DetectZeroes: String, Sendable, Equatable, CaseIterable { case off, on, unmap }
    /// `<source protocol>` of a network disk.
    public enum NetworkProtocol: String, Sendable, Equatable, CaseIterable {
        case nbd, rbd, sheepdog, gluster, iscsi, http, https, ftp, ftps, tftp, ssh, vxhs, nfs
    }
    public struct Host: Sendable, Equatable {
        public var name: String?
        public var port: Int?
        public var transport: String?
        public var socket: String?
        public init(name: String?, port: Int? = nil, transport: String? = nil, socket: String? = nil) {
            self.name = name
            self.port = port
            self.transport = transport
            self.socket = socket
        }
    }
    /// A network disk's `<source protocol name>` and its `<host>`s.
    public struct NetworkSource: Sendable, Equatable {
        public var `protocol`: NetworkProtocol
        public var name: String?
        public var hosts: [Host] = []
        public init(protocol: NetworkProtocol, name: String?) {
            self.protocol = `protocol`
            self.name = name
        }
    }
    public enum Tray: String, Sendable, Equatable, CaseIterable { case open, closed }
    public enum Cache: String, Sendable, Equatable, CaseIterable {
        case `default`, none, writethrough, writeback, directsync, unsafe
    }
    public enum Discard: String, Sendable, Equatable, CaseIterable { case unmap, ignore }
    public enum IO: String, Sendable, Equatable, CaseIterable {
        case threads, native
        case ioUring = "io_uring"
    }
    public enum Bus: String, Sendable, Equatable, CaseIterable { case virtio, sata, ide, scsi, usb, fdc, xen, uml, sd }
    public struct Driver: Sendable, Equatable {
        public var name: String?
        public var format: Format?
        public var cache: Cache?
        public var discard: Discard?
        public var io: IO?
        public var errorPolicy: ErrorPolicy?
        public var readErrorPolicy: ErrorPolicy?
        public var detectZeroes: DetectZeroes?
        public var iothread: Int?
        public var queues: Int?
        public var queueSize: Int?
        public var copyOnRead: OnOff?
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
    /// `<transient/>`: changes are discarded when the guest stops.
    public var transient = false
    public var serial: String?
    public var bootOrder: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    /// `type='network'`: the protocol, export and servers.
    public var networkSource: NetworkSource?
    /// cdrom/floppy: `<target tray>`; only an open tray is written back (closed is the default).
    public var tray: Tray?
    /// `<target removable>` (usb and scsi disks).
    public var removable: OnOff?
    public var rotationRate: Int?
    /// `<source startupPolicy>` (mandatory, requisite, optional): what to do when the source is missing.
    public var startupPolicy: String?
    /// `<source pool= volume=>` of a `type='volume'` disk; the daemon resolves it to `sourcePath` at start.
    public var sourceVolume: VolumeSource?
    /// `<encryption>` of the image (a LUKS qcow2 or raw LUKS file): inside `<source>` as libvirt 9 writes it, or
    /// directly under `<disk>` (`encryptionUnderDisk`) as older libvirt did; written back where it was read.
    public var encryption: StorageEncryption?
    public var encryptionUnderDisk = false
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

/// `<interface>`.
public struct NetworkInterface: Sendable, Equatable {
    public enum InterfaceType: String, Sendable, Equatable, CaseIterable {
        case user, bridge, network, ethernet, direct, hostdev, vhostuser, server, client, mcast, udp, vdpa, null
        case vds, `internal`
    }
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case virtio, e1000, e1000e, rtl8139
        case virtioTransitional = "virtio-transitional"
        case virtioNonTransitional = "virtio-non-transitional"
        case ne2kPCI = "ne2k_pci"
        case pcnet, vmxnet3, i82551, i82557b, i82559er
        case usbNet = "usb-net"
    }
    /// `<source mode>` of a direct (macvtap) interface.
    public enum DirectMode: String, Sendable, Equatable, CaseIterable { case vepa, `private`, bridge, passthrough }
    public var type: InterfaceType
    /// Bridge name (type bridge), network name (type network), host interface (type direct).
    public var source: String?
    /// type direct: the macvtap mode (libvirt's default is vepa).
    public var directMode: DirectMode?
    /// types server, client, mcast, udp: `<source address port>`; udp also `<local address port>`.
    public var socketAddress: String?
    public var socketPort: Int?
    public var localAddress: String?
    public var localPort: Int?
    /// `<target managed>` of an ethernet interface: `no` means the tap exists already and is left alone.
    public var targetManaged: Bool?
    /// `<virtualport type=...><parameters .../>`: a switch port profile (Open vSwitch, 802.1Qbg/Qbh, midonet).
    public var virtualPort: VirtualPort?
    public struct VirtualPort: Sendable, Equatable {
        public var type: String?
        /// `<parameters>` attributes in order (interfaceid, profileid, managerid, ...).
        public var parameters: [OtherAddress.Attribute] = []
        public init(type: String?) { self.type = type }
    }
    /// `<target dev>`: the host tap. Set by the daemon when the guest starts; names starting with `vnet` are
    /// the daemon's own and are not kept in the persistent definition (as libvirt).
    public var targetDev: String?
    public var mac: MACAddress?
    public var model: Model?
    /// `<filterref>` (types network, bridge, ethernet): the nwfilter applied to the guest's traffic.
    public var filterRef: NWFilterReference?
    /// `<link state>`: `down` starts (or sets) the virtual link down; nil is up.
    public var linkState: LinkState?
    public enum LinkState: String, Sendable, Equatable, CaseIterable { case up, down }
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

/// A device of a kind the model does not type yet (filesystem, hostdev, smartcard, shmem, memory,
/// iommu, vsock, lease, nvram): kept as written, in its family's place among the devices. Its
/// `<alias>` and `<address>` are read so that addresses are assigned around it and to it as libvirt does; the
/// QEMU driver refuses to start a guest with one.
public struct GenericDevice: Sendable, Equatable {
    /// The element name, e.g. "filesystem".
    public var element: String { xml.name }
    /// The element without its `<alias>` and `<address>`.
    public var xml: KeptXML
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(xml: KeptXML, address: DeviceAddress? = nil, alias: String? = nil) {
        self.xml = xml
        self.address = address
        self.alias = alias
    }
    /// The value of an attribute of the element itself (`type`, `model`, ...).
    public func attribute(_ name: String) -> String? { xml.attributes.first { $0.name == name }?.value }
}

extension DomainDevices {
    /// The device families kept as `GenericDevice`, in libvirt's order.
    public static let genericFamilies = [
        "lease", "filesystem", "smartcard", "hostdev", "nvram", "shmem", "memory",
        "iommu", "vsock",
    ]
}
