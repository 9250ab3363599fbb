// Written from remote_protocol.x (libvirt 9.0): the storage pool and volume procedures. Type names are the
// .x struct names in CamelCase without `remote_` (REMOTE_PROC_X_Y <-> XYArgs / XYRet); field names are the .x
// names camelCased. Layouts several procedures share are written once here and named per procedure.

/// `remote_nonnull_storage_pool`.
public struct RemoteNonnullStoragePool: NameUuidHandle, Equatable, Hashable {
    public var name: String
    /// 16 raw bytes.
    public var uuid: [UInt8]

    public init(name: String, uuid: [UInt8]) {
        self.name = name
        self.uuid = uuid
    }
}

/// `remote_nonnull_storage_vol`: the pool's name, the volume's name and its key (a path for file volumes).
public struct RemoteNonnullStorageVol: XDRCodable, Equatable, Hashable {
    public var pool: String
    public var name: String
    public var key: String

    public init(pool: String, name: String, key: String) {
        self.pool = pool
        self.name = name
        self.key = key
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        pool = try decoder.decodeString()
        name = try decoder.decodeString()
        key = try decoder.decodeString()
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(pool)
        encoder.encode(name)
        encoder.encode(key)
    }
}

/// Storage list limits of remote_protocol.x.
public enum StorageLimits {
    public static let poolList = 16_384
    public static let volList = 16_384
}

/// `remote_nonnull_string xml; unsigned int flags;`: 76 and 77.
public typealias StoragePoolXmlFlagsArgs = XmlFlagsArgs

/// One `int` reply (`active`, `persistent`, `autostart`).
public struct StorageIntRet: SingleValuePayload, Equatable {
    public var value: Int32
    public init(value: Int32) { self.value = value }
    public init(wireValue: Int32) { value = wireValue }
    public var wireValue: Int32 { value }
}

/// One `remote_nonnull_string` argument (`name`, `key`, `path`).
public struct StorageStringArgs: SingleValuePayload, Equatable {
    public var value: String
    public init(value: String) { self.value = value }
    public init(wireValue: String) { value = wireValue }
    public var wireValue: String { value }
}

// MARK: pools

public typealias StoragePoolLookupByNameArgs = StorageStringArgs
public typealias StoragePoolLookupByNameRet = StoragePoolPayload
public typealias StoragePoolLookupByUuidRet = StoragePoolPayload
public typealias StoragePoolLookupByVolumeArgs = StorageVolPayload
public typealias StoragePoolLookupByVolumeRet = StoragePoolPayload
public typealias StoragePoolDefineXmlArgs = StoragePoolXmlFlagsArgs
public typealias StoragePoolDefineXmlRet = StoragePoolPayload
public typealias StoragePoolCreateXmlArgs = StoragePoolXmlFlagsArgs
public typealias StoragePoolCreateXmlRet = StoragePoolPayload
public typealias StoragePoolBuildArgs = StoragePoolFlagsArgs
public typealias StoragePoolCreateArgs = StoragePoolFlagsArgs
public typealias StoragePoolDeleteArgs = StoragePoolFlagsArgs
public typealias StoragePoolRefreshArgs = StoragePoolFlagsArgs
public typealias StoragePoolGetXmlDescArgs = StoragePoolFlagsArgs
public typealias StoragePoolGetXmlDescRet = XmlPayload
public typealias StoragePoolUndefineArgs = StoragePoolPayload
public typealias StoragePoolDestroyArgs = StoragePoolPayload
public typealias StoragePoolGetInfoArgs = StoragePoolPayload
public typealias StoragePoolIsActiveArgs = StoragePoolPayload
public typealias StoragePoolIsActiveRet = StorageIntRet
public typealias StoragePoolIsPersistentArgs = StoragePoolPayload
public typealias StoragePoolIsPersistentRet = StorageIntRet
public typealias StoragePoolGetAutostartArgs = StoragePoolPayload
public typealias StoragePoolGetAutostartRet = StorageIntRet
public typealias StoragePoolNumOfVolumesArgs = StoragePoolPayload
public typealias StoragePoolNumOfVolumesRet = NumRet
public typealias ConnectNumOfStoragePoolsRet = NumRet
public typealias ConnectNumOfDefinedStoragePoolsRet = NumRet

/// Arguments of procedure 85.
public typealias StoragePoolLookupByUuidArgs = UuidArgs

/// Reply of procedure 87. `state` is `unsigned char` on the wire: one XDR word.
public struct StoragePoolGetInfoRet: XDRCodable, Equatable {
    public var state: UInt32
    public var capacity: UInt64
    public var allocation: UInt64
    public var available: UInt64

    public init(state: UInt32, capacity: UInt64, allocation: UInt64, available: UInt64) {
        self.state = state
        self.capacity = capacity
        self.allocation = allocation
        self.available = available
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        state = try decoder.decode(UInt32.self)
        capacity = try decoder.decode(UInt64.self)
        allocation = try decoder.decode(UInt64.self)
        available = try decoder.decode(UInt64.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(state)
        encoder.encode(capacity)
        encoder.encode(allocation)
        encoder.encode(available)
    }
}

/// Arguments of procedure 90.
public struct StoragePoolSetAutostartArgs: PairPayload, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var autostart: Int32
    public init(pool: RemoteNonnullStoragePool, autostart: Int32) { (self.pool, self.autostart) = (pool, autostart) }
    public init(wirePair: (RemoteNonnullStoragePool, Int32)) { (pool, autostart) = wirePair }
    public var wirePair: (RemoteNonnullStoragePool, Int32) { (pool, autostart) }
}

/// Arguments of 72 and 74 (`int maxnames`).
public typealias ConnectListStoragePoolsArgs = MaxnamesArgs

public typealias ConnectListDefinedStoragePoolsArgs = ConnectListStoragePoolsArgs

/// Reply of 72, 74 and 92: `remote_nonnull_string names<16384>`.
public typealias StorageNamesRet = NamesRet

public typealias ConnectListStoragePoolsRet = StorageNamesRet
public typealias ConnectListDefinedStoragePoolsRet = StorageNamesRet
public typealias StoragePoolListVolumesRet = StorageNamesRet

/// Arguments of procedure 92.
public struct StoragePoolListVolumesArgs: PairPayload, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var maxnames: Int32
    public init(pool: RemoteNonnullStoragePool, maxnames: Int32) { (self.pool, self.maxnames) = (pool, maxnames) }
    public init(wirePair: (RemoteNonnullStoragePool, Int32)) { (pool, maxnames) = wirePair }
    public var wirePair: (RemoteNonnullStoragePool, Int32) { (pool, maxnames) }
}

/// Arguments of procedure 281.
public typealias ConnectListAllStoragePoolsArgs = ListAllArgs

/// Reply of procedure 281.
public struct ConnectListAllStoragePoolsRet: ListAllPayload, Equatable {
    public static var itemLimit: Int { StorageLimits.poolList }
    public var pools: [RemoteNonnullStoragePool]
    public var ret: UInt32
    public init(pools: [RemoteNonnullStoragePool], ret: UInt32) { (self.pools, self.ret) = (pools, ret) }
    public init(wireItems: [RemoteNonnullStoragePool], ret: UInt32) { self.init(pools: wireItems, ret: ret) }
    public var wireItems: [RemoteNonnullStoragePool] { pools }
}

/// Arguments of procedure 282.
public struct StoragePoolListAllVolumesArgs: XDRCodable, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var needResults: Int32
    public var flags: UInt32

    public init(pool: RemoteNonnullStoragePool, needResults: Int32, flags: UInt32) {
        self.pool = pool
        self.needResults = needResults
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        pool = try decoder.decode(RemoteNonnullStoragePool.self)
        needResults = try decoder.decode(Int32.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(pool)
        encoder.encode(needResults)
        encoder.encode(flags)
    }
}

/// Reply of procedure 282.
public struct StoragePoolListAllVolumesRet: ListAllPayload, Equatable {
    public static var itemLimit: Int { StorageLimits.volList }
    public var vols: [RemoteNonnullStorageVol]
    public var ret: UInt32
    public init(vols: [RemoteNonnullStorageVol], ret: UInt32) { (self.vols, self.ret) = (vols, ret) }
    public init(wireItems: [RemoteNonnullStorageVol], ret: UInt32) { self.init(vols: wireItems, ret: ret) }
    public var wireItems: [RemoteNonnullStorageVol] { vols }
}
