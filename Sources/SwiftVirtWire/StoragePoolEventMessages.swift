// Written from remote_protocol.x (libvirt 9.0): storage pool event callbacks (procedures 368-370, 373).

/// Arguments of procedure 368; `pool` nil means every pool.
public struct ConnectStoragePoolEventRegisterAnyArgs: XDRCodable, Equatable {
    public var eventID: Int32
    public var pool: RemoteNonnullStoragePool?

    public init(eventID: Int32, pool: RemoteNonnullStoragePool?) { (self.eventID, self.pool) = (eventID, pool) }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        eventID = try decoder.decode(Int32.self)
        pool = try decoder.decodeOptional(RemoteNonnullStoragePool.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(eventID)
        encoder.encodeOptional(pool)
    }
}

/// Reply of procedure 368.
public typealias ConnectStoragePoolEventRegisterAnyRet = CallbackIDPayload
/// Arguments of procedure 369.
public typealias ConnectStoragePoolEventDeregisterAnyArgs = CallbackIDPayload

/// MESSAGE body of procedure 370: `event` is virStoragePoolEventLifecycleType (0 defined … 5 deleted).
public struct StoragePoolEventLifecycleMsg: XDRCodable, Equatable {
    public var callbackID: Int32
    public var pool: RemoteNonnullStoragePool
    public var event: Int32
    public var detail: Int32

    public init(callbackID: Int32, pool: RemoteNonnullStoragePool, event: Int32, detail: Int32) {
        (self.callbackID, self.pool, self.event, self.detail) = (callbackID, pool, event, detail)
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        callbackID = try decoder.decode(Int32.self)
        pool = try decoder.decode(RemoteNonnullStoragePool.self)
        event = try decoder.decode(Int32.self)
        detail = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(callbackID)
        encoder.encode(pool)
        encoder.encode(event)
        encoder.encode(detail)
    }
}

/// MESSAGE body of procedure 373.
public struct StoragePoolEventRefreshMsg: XDRCodable, Equatable {
    public var callbackID: Int32
    public var pool: RemoteNonnullStoragePool

    public init(callbackID: Int32, pool: RemoteNonnullStoragePool) { (self.callbackID, self.pool) = (callbackID, pool) }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        callbackID = try decoder.decode(Int32.self)
        pool = try decoder.decode(RemoteNonnullStoragePool.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(callbackID)
        encoder.encode(pool)
    }
}
