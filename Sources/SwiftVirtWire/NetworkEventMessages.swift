// Written from remote_protocol.x (libvirt 9.0): network event registration (313, 314) and the lifecycle
// MESSAGE (315). Naming as in EventMessages.swift.

/// Arguments of procedure 313: the event to watch and, optionally, the one network to watch it on.
public struct ConnectNetworkEventRegisterAnyArgs: XDRCodable, Equatable {
    public var eventID: Int32
    public var net: RemoteNonnullNetwork?

    public init(eventID: Int32, net: RemoteNonnullNetwork?) {
        self.eventID = eventID
        self.net = net
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        eventID = try decoder.decode(Int32.self)
        net = try decoder.decodeOptional(RemoteNonnullNetwork.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(eventID)
        encoder.encodeOptional(net)
    }
}

/// Reply of procedure 313.
public typealias ConnectNetworkEventRegisterAnyRet = CallbackIDPayload

/// Arguments of procedure 314.
public typealias ConnectNetworkEventDeregisterAnyArgs = CallbackIDPayload

/// MESSAGE body of procedure 315.
public struct NetworkEventLifecycleMsg: XDRCodable, Equatable {
    public var callbackID: Int32
    public var net: RemoteNonnullNetwork
    public var event: Int32
    public var detail: Int32

    public init(callbackID: Int32, net: RemoteNonnullNetwork, event: Int32, detail: Int32) {
        self.callbackID = callbackID
        self.net = net
        self.event = event
        self.detail = detail
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        callbackID = try decoder.decode(Int32.self)
        net = try decoder.decode(RemoteNonnullNetwork.self)
        event = try decoder.decode(Int32.self)
        detail = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(callbackID)
        encoder.encode(net)
        encoder.encode(event)
        encoder.encode(detail)
    }
}
