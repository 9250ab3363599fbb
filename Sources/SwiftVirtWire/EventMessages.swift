// Written from remote_protocol.x (libvirt 9.0). Type names are the .x struct names in CamelCase without
// `remote_` (REMOTE_PROC_X_Y <-> XYArgs / XYRet); field names are the .x names camelCased.
// Layouts that several procedures share are typealiases of the structs in SharedPayloads.swift.
//
// Event registration payloads and the event MESSAGE bodies the server sends.

/// Reply of procedure 105.
public typealias ConnectDomainEventRegisterRet = CallbackRegisteredRet

/// Reply of procedure 106.
public typealias ConnectDomainEventDeregisterRet = CallbackRegisteredRet

/// Arguments of procedure 167.
public typealias ConnectDomainEventRegisterAnyArgs = EventIDArgs

/// Arguments of procedure 168.
public typealias ConnectDomainEventDeregisterAnyArgs = EventIDArgs

/// Arguments of procedure 316.
public struct ConnectDomainEventCallbackRegisterAnyArgs: XDRCodable, Equatable {
    public var eventID: Int32
    public var dom: RemoteNonnullDomain?

    public init(eventID: Int32, dom: RemoteNonnullDomain?) {
        self.eventID = eventID
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        eventID = try decoder.decode(Int32.self)
        dom = try decoder.decodeOptional(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(eventID)
        encoder.encodeOptional(dom)
    }
}

/// Reply of procedure 316.
public typealias ConnectDomainEventCallbackRegisterAnyRet = CallbackIDPayload

/// Arguments of procedure 317.
public typealias ConnectDomainEventCallbackDeregisterAnyArgs = CallbackIDPayload

/// MESSAGE body of procedure 107.
public struct DomainEventLifecycleMsg: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain
    public var event: Int32
    public var detail: Int32

    public init(dom: RemoteNonnullDomain, event: Int32, detail: Int32) {
        self.dom = dom
        self.event = event
        self.detail = detail
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
        event = try decoder.decode(Int32.self)
        detail = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
        encoder.encode(event)
        encoder.encode(detail)
    }
}

/// MESSAGE body of procedure 318.
public struct DomainEventCallbackLifecycleMsg: PairPayload, Equatable {
    public var callbackID: Int32
    public var msg: DomainEventLifecycleMsg
    public init(callbackID: Int32, msg: DomainEventLifecycleMsg) { (self.callbackID, self.msg) = (callbackID, msg) }
    public init(wirePair: (Int32, DomainEventLifecycleMsg)) { (callbackID, msg) = wirePair }
    public var wirePair: (Int32, DomainEventLifecycleMsg) { (callbackID, msg) }
}

/// MESSAGE body of procedure 169.
public typealias DomainEventRebootMsg = DomainPayload

/// MESSAGE body of procedure 319.
public struct DomainEventCallbackRebootMsg: PairPayload, Equatable {
    public var callbackID: Int32
    public var msg: DomainEventRebootMsg
    public init(callbackID: Int32, msg: DomainEventRebootMsg) { (self.callbackID, self.msg) = (callbackID, msg) }
    public init(wirePair: (Int32, DomainEventRebootMsg)) { (callbackID, msg) = wirePair }
    public var wirePair: (Int32, DomainEventRebootMsg) { (callbackID, msg) }
}

/// Short spellings for 316/317, whose libvirt names carry a `connect` prefix.
public typealias DomainEventCallbackRegisterAnyArgs = ConnectDomainEventCallbackRegisterAnyArgs
public typealias DomainEventCallbackRegisterAnyRet = ConnectDomainEventCallbackRegisterAnyRet
public typealias DomainEventCallbackDeregisterAnyArgs = ConnectDomainEventCallbackDeregisterAnyArgs
