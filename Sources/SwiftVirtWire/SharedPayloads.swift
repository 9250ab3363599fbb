// Payload layouts that several procedures of remote_protocol.x share to the byte. Each procedure keeps its
// own .x name as a typealias next to its other types (DomainCreateArgs = DomainPayload), so route tables and
// callers still read as libvirt's do; the layout itself is written once, here.

/// A payload that is one XDR value. The conforming struct names its field as the .x file does and maps it to
/// `wireValue`; the coding comes from this protocol, so one-field payloads cannot drift apart.
public protocol SingleValuePayload: XDRCodable {
    associatedtype Value: XDRCodable
    init(wireValue: Value)
    var wireValue: Value { get }
}

extension SingleValuePayload {
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        self.init(wireValue: try decoder.decode(Value.self))
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(wireValue)
    }
}

/// `remote_nonnull_domain dom` alone: the arguments of most one-domain calls, the reply of lookups and
/// defines, and the reboot event body.
public struct DomainPayload: SingleValuePayload, Equatable {
    public var dom: RemoteNonnullDomain
    public init(dom: RemoteNonnullDomain) { self.dom = dom }
    public init(wireValue: RemoteNonnullDomain) { dom = wireValue }
    public var wireValue: RemoteNonnullDomain { dom }
}

/// `remote_nonnull_domain dom; unsigned int flags;`: the arguments of the one-domain calls that take flags.
public struct DomainFlagsArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain
    public var flags: UInt32

    public init(dom: RemoteNonnullDomain, flags: UInt32) {
        self.dom = dom
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
        encoder.encode(flags)
    }
}

/// `int num;`: the counting replies.
public struct NumRet: SingleValuePayload, Equatable {
    public var num: Int32
    public init(num: Int32) { self.num = num }
    public init(wireValue: Int32) { num = wireValue }
    public var wireValue: Int32 { num }
}

/// `remote_nonnull_string xml;`: a domain XML document, as argument or reply.
public struct XmlPayload: SingleValuePayload, Equatable {
    public var xml: String
    public init(xml: String) { self.xml = xml }
    public init(wireValue: String) { xml = wireValue }
    public var wireValue: String { xml }
}

/// `remote_nonnull_string type;`: a driver or OS type name.
public struct TypeRet: SingleValuePayload, Equatable {
    public var type: String
    public init(type: String) { self.type = type }
    public init(wireValue: String) { type = wireValue }
    public var wireValue: String { type }
}

/// `remote_nonnull_string capabilities;`: a capabilities XML document.
public struct CapabilitiesRet: SingleValuePayload, Equatable {
    public var capabilities: String
    public init(capabilities: String) { self.capabilities = capabilities }
    public init(wireValue: String) { capabilities = wireValue }
    public var wireValue: String { capabilities }
}

/// `int cb_registered;`: the replies of the legacy event (de)registration.
public struct CallbackRegisteredRet: SingleValuePayload, Equatable {
    public var cbRegistered: Int32
    public init(cbRegistered: Int32) { self.cbRegistered = cbRegistered }
    public init(wireValue: Int32) { cbRegistered = wireValue }
    public var wireValue: Int32 { cbRegistered }
}

/// `int eventID;`: the arguments of the per-connection event (de)registration.
public struct EventIDArgs: SingleValuePayload, Equatable {
    public var eventID: Int32
    public init(eventID: Int32) { self.eventID = eventID }
    public init(wireValue: Int32) { eventID = wireValue }
    public var wireValue: Int32 { eventID }
}

/// `int callbackID;`: the id a callback registration returns and its deregistration takes.
public struct CallbackIDPayload: SingleValuePayload, Equatable {
    public var callbackID: Int32
    public init(callbackID: Int32) { self.callbackID = callbackID }
    public init(wireValue: Int32) { callbackID = wireValue }
    public var wireValue: Int32 { callbackID }
}
