/// A storage pool definition (`<pool>`), as libvirt's storage driver keeps it: every pool type libvirt 9.0 knows.
/// What the backends act on is typed (source devices, hosts, directory, name, format, target, mount options);
/// what libvirt formats but no backend here reads (auth, initiator, adapter, vendor, product) is kept as the
/// subtree the user wrote and written back in libvirt's place; anything else is kept in `kept` where it was.
public struct StoragePoolDefinition: Sendable, Equatable {
    public enum PoolType: String, Sendable, Equatable, CaseIterable {
        case dir, fs, netfs, logical, disk, iscsi
        case iscsiDirect = "iscsi-direct"
        case scsi, mpath, rbd, sheepdog, gluster, zfs, vstorage

        /// virStoragePoolType: libvirt numbers pool types in this order (its messages quote the number).
        public var number: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        /// Network pools (rbd, sheepdog, gluster, iscsi-direct) have no local target.
        public var hasTarget: Bool { ![.rbd, .sheepdog, .gluster, .iscsiDirect].contains(self) }

        /// Types whose `<source><name>` names the pool when `<name>` is absent, and defaults to the pool name.
        public var sourceNameFollowsPool: Bool { [.logical, .rbd, .sheepdog, .gluster, .zfs, .vstorage].contains(self) }

        /// The `<source><format type>` values libvirt takes for this type, in libvirt's enum order (nil: the type
        /// has no source format).
        public var sourceFormats: [String]? {
            switch self {
            case .fs:
                return [
                    "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat", "hfs+", "xfs",
                    "ocfs2", "vmfs",
                ]
            case .netfs: return ["auto", "nfs", "glusterfs", "cifs"]
            case .logical: return ["unknown", "lvm2"]
            case .disk: return ["unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2"]
            default: return nil
            }
        }

        /// The source format libvirt fills in when none is given.
        public var defaultSourceFormat: String? {
            switch self {
            case .fs, .netfs: return "auto"
            case .logical: return "lvm2"
            case .disk: return "unknown"
            default: return nil
            }
        }
    }

    public enum RefreshAllocation: String, Sendable, Equatable, CaseIterable {
        case `default`, capacity
    }

    public var type: PoolType = .dir
    public var name: String
    public var uuid: DomainUUID
    /// `<features><cow state='yes|no'/>` (fs and dir pools).
    public var cow: Bool?
    public var source = StoragePoolSource()
    /// `<target><path>`: the directory (or device directory) that holds the volumes; empty for network pools.
    public var targetPath: String
    public var permissions: StoragePermissions?
    /// `<refresh><volume allocation=.../>`.
    public var refreshAllocation: RefreshAllocation?
    /// `<fs:mount_opts>` of fs and netfs pools: options added to the mount.
    public var mountOptions: [String] = []
    /// `<rbd:config_opts>` of rbd pools.
    public var rbdOptions: [RBDOption] = []
    /// `<refresh>` as written (libvirt formats it after the target).
    public var refresh: KeptXML?
    /// What each element carried that the model does not read (attributes, children), kept to be written back in
    /// place; keyed by the element's path below `<pool>` ("" for `<pool>` itself, "source/host#1", ...).
    public var kept: [String: XMLExtras] = [:]

    public struct RBDOption: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        type: PoolType = .dir, name: String, uuid: DomainUUID = .random(), targetPath: String,
        permissions: StoragePermissions? = nil
    ) {
        self.type = type
        self.name = name
        self.uuid = uuid
        self.targetPath = targetPath
        self.permissions = permissions
    }

    /// The device that fs, disk pools use (their first `<source><device>`).
    public var sourceDevice: String? { source.devices.first?.path }
}

/// `<pool><source>`.
public struct StoragePoolSource: Sendable, Equatable {
    public struct Host: Sendable, Equatable {
        public var name: String
        public var port: Int?
        public init(name: String, port: Int? = nil) {
            self.name = name
            self.port = port
        }
    }

    public struct Device: Sendable, Equatable {
        public var path: String
        /// `part_separator='yes|no'` (disk pools on multipath devices).
        public var partSeparator: Bool?
        /// `<freeExtent>`s: reported by a disk pool's backend, never read from input (as libvirt).
        public var freeExtents: [FreeExtent] = []
        public init(path: String, partSeparator: Bool? = nil) {
            self.path = path
            self.partSeparator = partSeparator
        }
    }

    public struct FreeExtent: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        public init(start: UInt64, end: UInt64) {
            self.start = start
            self.end = end
        }
    }

    public var hosts: [Host] = []
    public var devices: [Device] = []
    /// `<dir path>`: the exported directory of netfs and gluster pools.
    public var dir: String?
    /// `<name>`: the volume group (logical), RBD pool, gluster volume, ZFS pool or vstorage cluster.
    public var name: String?
    /// `<format type>`: filesystem, partition table or LVM format.
    public var format: String?
    /// `<protocol ver>`: the NFS version of a netfs pool.
    public var protocolVersion: String?
    /// Kept as written: `<adapter>` (scsi), `<initiator>` (iscsi), `<auth>`, `<vendor>`, `<product>`.
    public var adapter: KeptXML?
    public var initiator: KeptXML?
    public var auth: KeptXML?
    public var vendor: KeptXML?
    public var product: KeptXML?

    public init() {}
}

/// `<permissions>` of a pool target or a volume target. Absent fields mean "leave as created".
public struct StoragePermissions: Sendable, Equatable {
    public var mode: UInt32?
    public var owner: UInt32?
    public var group: UInt32?
    public var label: String?

    public init(mode: UInt32? = nil, owner: UInt32? = nil, group: UInt32? = nil, label: String? = nil) {
        self.mode = mode
        self.owner = owner
        self.group = group
        self.label = label
    }
}

/// Live numbers of a pool (`virStoragePoolInfo`): bytes of the filesystem that holds the target.
public struct StoragePoolUsage: Sendable, Equatable {
    public var capacity: UInt64
    public var allocation: UInt64
    public var available: UInt64
    public init(capacity: UInt64, allocation: UInt64, available: UInt64) {
        self.capacity = capacity
        self.allocation = allocation
        self.available = available
    }
}

/// Image formats a file volume can have (libvirt's virStorageFileFormat names). Detection reads the image
/// header (qemu-img), never the file name.
public enum VolumeFormat: String, Sendable, Equatable, CaseIterable {
    case raw, qcow2, qcow, vmdk, vdi, vpc, vhdx, qed, iso, dmg, bochs, cloop, cow, luks, dir, fat, vhd, ploop
    /// Formats qemu-img can create and convert to.
    public var creatable: Bool { [.raw, .qcow2, .vmdk, .vdi, .vpc, .vhdx, .qed].contains(self) }
    /// The names libvirt 9.0 takes in a volume's `<format type>` for file pools (`none`, `luks`, `vhdx` are not
    /// among them).
    public static let libvirtNames: Set<String> = [
        "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed",
        "vmdk",
    ]
}

/// A storage volume definition (`<volume>`). Sizes are bytes. What a client sends (vol-create-as) and what
/// the daemon reports (vol-dumpxml) share this type; the daemon fills `path`, `key` and the sizes.
public struct StorageVolumeDefinition: Sendable, Equatable {
    /// virStorageVolType.
    public enum VolumeType: String, Sendable, Equatable, CaseIterable {
        case file, block, dir, network, netdir, ploop
    }

    public var type: VolumeType?
    public var name: String
    public var key: String?
    public var capacity: UInt64?
    public var allocation: UInt64?
    public var physical: UInt64?
    public var path: String?
    public var format: VolumeFormat?
    /// The `<format type>` of a volume that is not a file image: a partition type (disk pools: none, linux,
    /// fat16, ...).
    public var formatName: String?
    public var permissions: StoragePermissions?
    /// qcow2 `<compat>` (0.10 or 1.1).
    public var compat: String?
    public var lazyRefcounts = false
    public var extendedL2 = false
    /// `<features/>` given without any feature (asks for compat 1.1).
    public var emptyFeatures = false
    public var nocow = false
    public var clusterSize: UInt64?
    /// `<target><encryption>`: a LUKS volume's format and the secret that holds its passphrase.
    public var encryption: StorageEncryption?
    /// `<target><timestamps>`: the file's times, reported by the daemon.
    public var timestamps: StorageTimestamps?
    public var backingStore: BackingStore?
    /// `<source><device><extent>`: where an LV or a partition lies (reported).
    public var extents: [Extent] = []

    public struct Extent: Sendable, Equatable {
        public var device: String
        public var start: UInt64
        public var end: UInt64
        public init(device: String, start: UInt64, end: UInt64) {
            self.device = device
            self.start = start
            self.end = end
        }
    }

    public struct BackingStore: Sendable, Equatable {
        public var path: String
        public var format: VolumeFormat?
        public var formatName: String?
        /// The backing file's own mode, owner and times, reported as libvirt does.
        public var permissions: StoragePermissions?
        public var timestamps: StorageTimestamps?
        public init(path: String, format: VolumeFormat?) {
            self.path = path
            self.format = format
        }
    }

    public init(name: String, capacity: UInt64? = nil, format: VolumeFormat? = nil) {
        self.name = name
        self.capacity = capacity
        self.format = format
    }
}

/// A file time as libvirt reports it: seconds since the epoch and nanoseconds.
public struct StorageTime: Sendable, Equatable {
    public var seconds: Int64
    public var nanoseconds: Int64
    public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// `1795847208.163708639`, or just the seconds when there are no nanoseconds (`0` for an unknown time).
    public var text: String {
        guard nanoseconds != 0 else { return String(seconds) }
        let fraction = String(nanoseconds)
        return "\(seconds)." + String(repeating: "0", count: max(0, 9 - fraction.count)) + fraction
    }
}

/// `<timestamps>` of a volume: access, modification, change and birth (0 where the filesystem has none).
public struct StorageTimestamps: Sendable, Equatable {
    public var atime: StorageTime
    public var mtime: StorageTime
    public var ctime: StorageTime
    public var btime: StorageTime
    public init(atime: StorageTime, mtime: StorageTime, ctime: StorageTime, btime: StorageTime) {
        (self.atime, self.mtime, self.ctime, self.btime) = (atime, mtime, ctime, btime)
    }
}
