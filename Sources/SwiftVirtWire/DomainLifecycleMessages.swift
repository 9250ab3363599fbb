// Written from remote_protocol.x (libvirt 9.0). Type names are the .x struct names in CamelCase without
// `remote_` (REMOTE_PROC_X_Y <-> XYArgs / XYRet); field names are the .x names camelCased.
//
// Argument and return payloads of the domain lookup, define and lifecycle procedures.

/// Arguments of procedure 22.
public struct DomainLookupByIdArgs: XDRCodable, Equatable {
    public var id: Int32

    public init(id: Int32) {
        self.id = id
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        id = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(id)
    }
}

/// Reply of procedure 22.
public struct DomainLookupByIdRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 23.
public struct DomainLookupByNameArgs: XDRCodable, Equatable {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString()
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(name)
    }
}

/// Reply of procedure 23.
public struct DomainLookupByNameRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 24.
public struct DomainLookupByUuidArgs: XDRCodable, Equatable {
    public var uuid: [UInt8]

    public init(uuid: [UInt8]) {
        self.uuid = uuid
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        uuid = try decoder.decodeFixedOpaque(count: RemoteLimits.uuid)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeFixedOpaque(uuidWireBytes(uuid))
    }
}

/// Reply of procedure 24.
public struct DomainLookupByUuidRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 10.
public struct DomainCreateXmlArgs: XDRCodable, Equatable {
    public var xmlDesc: String
    public var flags: UInt32

    public init(xmlDesc: String, flags: UInt32) {
        self.xmlDesc = xmlDesc
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        xmlDesc = try decoder.decodeString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(xmlDesc)
        encoder.encode(flags)
    }
}

/// Reply of procedure 10.
public struct DomainCreateXmlRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 11.
public struct DomainDefineXmlArgs: XDRCodable, Equatable {
    public var xml: String

    public init(xml: String) {
        self.xml = xml
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        xml = try decoder.decodeString()
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(xml)
    }
}

/// Reply of procedure 11.
public struct DomainDefineXmlRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 350.
public struct DomainDefineXmlFlagsArgs: XDRCodable, Equatable {
    public var xml: String
    public var flags: UInt32

    public init(xml: String, flags: UInt32) {
        self.xml = xml
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        xml = try decoder.decodeString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(xml)
        encoder.encode(flags)
    }
}

/// Reply of procedure 350.
public struct DomainDefineXmlFlagsRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 9.
public struct DomainCreateArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 196.
public struct DomainCreateWithFlagsArgs: XDRCodable, Equatable {
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

/// Reply of procedure 196.
public struct DomainCreateWithFlagsRet: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 12.
public struct DomainDestroyArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 234.
public struct DomainDestroyFlagsArgs: XDRCodable, Equatable {
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

/// Arguments of procedure 33.
public struct DomainShutdownArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 258.
public struct DomainShutdownFlagsArgs: XDRCodable, Equatable {
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

/// Arguments of procedure 27.
public struct DomainRebootArgs: XDRCodable, Equatable {
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

/// Arguments of procedure 245.
public struct DomainResetArgs: XDRCodable, Equatable {
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

/// Arguments of procedure 34.
public struct DomainSuspendArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 28.
public struct DomainResumeArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 35.
public struct DomainUndefineArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain

    public init(dom: RemoteNonnullDomain) {
        self.dom = dom
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
    }
}

/// Arguments of procedure 231.
public struct DomainUndefineFlagsArgs: XDRCodable, Equatable {
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
