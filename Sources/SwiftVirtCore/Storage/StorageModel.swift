/// A storage pool definition (`<pool>`), as libvirt's storage driver keeps it. Only `dir` pools are served;
/// the other libvirt pool types are recognised so that refusing them can name them.
public struct StoragePoolDefinition: Sendable, Equatable {
    public enum PoolType: String, Sendable, Equatable, CaseIterable {
        case dir, fs, netfs, logical, disk, iscsi, scsi, mpath, rbd, sheepdog, gluster, zfs, vstorage
        case iscsiDirect = "iscsi-direct"
    }

    public var type: PoolType = .dir
    public var name: String
    public var uuid: DomainUUID
    /// `<target><path>`: the directory that holds the volumes.
    public var targetPath: String
    public var permissions: StoragePermissions?

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
    case raw, qcow2, qcow, vmdk, vdi, vpc, vhdx, qed, iso, dmg, bochs, cloop, cow, luks
    /// Formats qemu-img can create and convert to.
    public var creatable: Bool { [.raw, .qcow2, .vmdk, .vdi, .vpc, .vhdx, .qed].contains(self) }
}

/// A storage volume definition (`<volume>`). Sizes are bytes. What a client sends (vol-create-as) and what
/// the daemon reports (vol-dumpxml) share this type; the daemon fills `path`, `key` and the sizes.
public struct StorageVolumeDefinition: Sendable, Equatable {
    public var name: String
    public var key: String?
    public var capacity: UInt64?
    public var allocation: UInt64?
    public var physical: UInt64?
    public var path: String?
    public var format: VolumeFormat?
    public var permissions: StoragePermissions?
    /// qcow2 `<compat>` (0.10 or 1.1).
    public var compat: String?
    public var lazyRefcounts = false
    /// `<target><timestamps>`: the file's times, reported by the daemon.
    public var timestamps: StorageTimestamps?
    public var backingStore: BackingStore?

    public struct BackingStore: Sendable, Equatable {
        public var path: String
        public var format: VolumeFormat?
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
