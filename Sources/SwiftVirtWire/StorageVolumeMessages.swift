// Written from remote_protocol.x (libvirt 9.0): the storage volume procedures, including the two that open
// a data stream (208 upload, 209 download) and the stream-hole body of virnetprotocol.x.

public typealias StorageVolLookupByKeyArgs = StorageStringArgs
public typealias StorageVolLookupByKeyRet = StorageVolPayload
public typealias StorageVolLookupByPathArgs = StorageStringArgs
public typealias StorageVolLookupByPathRet = StorageVolPayload
public typealias StorageVolLookupByNameRet = StorageVolPayload
public typealias StorageVolCreateXmlRet = StorageVolPayload
public typealias StorageVolCreateXmlFromRet = StorageVolPayload
public typealias StorageVolDeleteArgs = StorageVolFlagsArgs
public typealias StorageVolWipeArgs = StorageVolFlagsArgs
public typealias StorageVolGetXmlDescArgs = StorageVolFlagsArgs
public typealias StorageVolGetXmlDescRet = XmlPayload
public typealias StorageVolGetInfoArgs = StorageVolPayload
public typealias StorageVolGetPathArgs = StorageVolPayload

/// Arguments of procedure 95.
public struct StorageVolLookupByNameArgs: PairPayload, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var name: String
    public init(pool: RemoteNonnullStoragePool, name: String) { (self.pool, self.name) = (pool, name) }
    public init(wirePair: (RemoteNonnullStoragePool, String)) { (pool, name) = wirePair }
    public var wirePair: (RemoteNonnullStoragePool, String) { (pool, name) }
}

/// Arguments of procedure 93.
public struct StorageVolCreateXmlArgs: XDRCodable, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var xml: String
    public var flags: UInt32

    public init(pool: RemoteNonnullStoragePool, xml: String, flags: UInt32) {
        self.pool = pool
        self.xml = xml
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        pool = try decoder.decode(RemoteNonnullStoragePool.self)
        xml = try decoder.decodeString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(pool)
        encoder.encode(xml)
        encoder.encode(flags)
    }
}

/// Arguments of procedure 125.
public struct StorageVolCreateXmlFromArgs: XDRCodable, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var xml: String
    public var clonevol: RemoteNonnullStorageVol
    public var flags: UInt32

    public init(pool: RemoteNonnullStoragePool, xml: String, clonevol: RemoteNonnullStorageVol, flags: UInt32) {
        self.pool = pool
        self.xml = xml
        self.clonevol = clonevol
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        pool = try decoder.decode(RemoteNonnullStoragePool.self)
        xml = try decoder.decodeString()
        clonevol = try decoder.decode(RemoteNonnullStorageVol.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(pool)
        encoder.encode(xml)
        encoder.encode(clonevol)
        encoder.encode(flags)
    }
}

/// Reply of procedure 98. `type` is `char` on the wire: one signed XDR word.
public struct StorageVolGetInfoRet: XDRCodable, Equatable {
    public var type: Int32
    public var capacity: UInt64
    public var allocation: UInt64

    public init(type: Int32, capacity: UInt64, allocation: UInt64) {
        self.type = type
        self.capacity = capacity
        self.allocation = allocation
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        type = try decoder.decode(Int32.self)
        capacity = try decoder.decode(UInt64.self)
        allocation = try decoder.decode(UInt64.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(type)
        encoder.encode(capacity)
        encoder.encode(allocation)
    }
}

/// Reply of procedure 100 (the .x names the path `name`).
public typealias StorageVolGetPathRet = NamePayload

/// Arguments of procedure 260.
public struct StorageVolResizeArgs: XDRCodable, Equatable {
    public var vol: RemoteNonnullStorageVol
    public var capacity: UInt64
    public var flags: UInt32

    public init(vol: RemoteNonnullStorageVol, capacity: UInt64, flags: UInt32) {
        self.vol = vol
        self.capacity = capacity
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        vol = try decoder.decode(RemoteNonnullStorageVol.self)
        capacity = try decoder.decode(UInt64.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(vol)
        encoder.encode(capacity)
        encoder.encode(flags)
    }
}

/// Arguments of 208 (upload) and 209 (download): the byte range and flags (1 = sparse stream).
public struct StorageVolTransferArgs: XDRCodable, Equatable {
    public var vol: RemoteNonnullStorageVol
    public var offset: UInt64
    public var length: UInt64
    public var flags: UInt32

    public init(vol: RemoteNonnullStorageVol, offset: UInt64, length: UInt64, flags: UInt32) {
        self.vol = vol
        self.offset = offset
        self.length = length
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        vol = try decoder.decode(RemoteNonnullStorageVol.self)
        offset = try decoder.decode(UInt64.self)
        length = try decoder.decode(UInt64.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(vol)
        encoder.encode(offset)
        encoder.encode(length)
        encoder.encode(flags)
    }
}

public typealias StorageVolUploadArgs = StorageVolTransferArgs
public typealias StorageVolDownloadArgs = StorageVolTransferArgs

/// `virNetStreamHole` (virnetprotocol.x): the body of a STREAM_HOLE packet, a run of `length` zero bytes.
public struct StreamHole: PairPayload, Equatable {
    public var length: Int64
    public var flags: UInt32
    public init(length: Int64, flags: UInt32) { (self.length, self.flags) = (length, flags) }
    public init(wirePair: (Int64, UInt32)) { (length, flags) = wirePair }
    public var wirePair: (Int64, UInt32) { (length, flags) }
}

/// Arguments of procedure 259: the wipe algorithm is virStorageVolWipeAlgorithm (0 zero … 9 trim).
public struct StorageVolWipePatternArgs: XDRCodable, Equatable {
    public var vol: RemoteNonnullStorageVol
    public var algorithm: UInt32
    public var flags: UInt32

    public init(vol: RemoteNonnullStorageVol, algorithm: UInt32, flags: UInt32) {
        (self.vol, self.algorithm, self.flags) = (vol, algorithm, flags)
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        vol = try decoder.decode(RemoteNonnullStorageVol.self)
        algorithm = try decoder.decode(UInt32.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(vol)
        encoder.encode(algorithm)
        encoder.encode(flags)
    }
}

/// Arguments of procedure 378 (flag 1: report the physical size in `allocation`).
public typealias StorageVolGetInfoFlagsArgs = StorageVolFlagsArgs
/// Reply of procedure 378: the layout of StorageVolGetInfoRet.
public typealias StorageVolGetInfoFlagsRet = StorageVolGetInfoRet

/// Arguments of procedure 75 (`srcSpec` is an optional source XML).
public struct ConnectFindStoragePoolSourcesArgs: XDRCodable, Equatable {
    public var type: String
    public var srcSpec: String?
    public var flags: UInt32

    public init(type: String, srcSpec: String?, flags: UInt32) {
        (self.type, self.srcSpec, self.flags) = (type, srcSpec, flags)
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        type = try decoder.decodeString()
        srcSpec = try decoder.decodeOptionalString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(type)
        encoder.encodeOptional(srcSpec)
        encoder.encode(flags)
    }
}
