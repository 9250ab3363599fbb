// Written from remote_protocol.x (libvirt 9.0). Type names are the .x struct names in CamelCase without
// `remote_` (REMOTE_PROC_X_Y <-> XYArgs / XYRet); field names are the .x names camelCased.
// Layouts that several procedures share are typealiases of the structs in SharedPayloads.swift.
//
// Argument and return payloads of the domain lookup, define and lifecycle procedures.

/// Arguments of procedure 22.
public struct DomainLookupByIdArgs: SingleValuePayload, Equatable {
    public var id: Int32
    public init(id: Int32) { self.id = id }
    public init(wireValue: Int32) { id = wireValue }
    public var wireValue: Int32 { id }
}

/// Reply of procedure 22.
public typealias DomainLookupByIdRet = DomainPayload

/// Arguments of procedure 23.
public typealias DomainLookupByNameArgs = NamePayload

/// Reply of procedure 23.
public typealias DomainLookupByNameRet = DomainPayload

/// Arguments of procedure 24.
public typealias DomainLookupByUuidArgs = UuidArgs

/// Reply of procedure 24.
public typealias DomainLookupByUuidRet = DomainPayload

/// Arguments of procedure 10.
public struct DomainCreateXmlArgs: PairPayload, Equatable {
    public var xmlDesc: String
    public var flags: UInt32
    public init(xmlDesc: String, flags: UInt32) { (self.xmlDesc, self.flags) = (xmlDesc, flags) }
    public init(wirePair: (String, UInt32)) { (xmlDesc, flags) = wirePair }
    public var wirePair: (String, UInt32) { (xmlDesc, flags) }
}

/// Reply of procedure 10.
public typealias DomainCreateXmlRet = DomainPayload

/// Arguments of procedure 11.
public typealias DomainDefineXmlArgs = XmlPayload

/// Reply of procedure 11.
public typealias DomainDefineXmlRet = DomainPayload

/// Arguments of procedure 350.
public typealias DomainDefineXmlFlagsArgs = XmlFlagsArgs

/// Reply of procedure 350.
public typealias DomainDefineXmlFlagsRet = DomainPayload

/// Arguments of procedure 9.
public typealias DomainCreateArgs = DomainPayload

/// Arguments of procedure 196.
public typealias DomainCreateWithFlagsArgs = DomainFlagsArgs

/// Reply of procedure 196.
public typealias DomainCreateWithFlagsRet = DomainPayload

/// Arguments of procedure 12.
public typealias DomainDestroyArgs = DomainPayload

/// Arguments of procedure 234.
public typealias DomainDestroyFlagsArgs = DomainFlagsArgs

/// Arguments of procedure 33.
public typealias DomainShutdownArgs = DomainPayload

/// Arguments of procedure 258.
public typealias DomainShutdownFlagsArgs = DomainFlagsArgs

/// Arguments of procedure 27.
public typealias DomainRebootArgs = DomainFlagsArgs

/// Arguments of procedure 245.
public typealias DomainResetArgs = DomainFlagsArgs

/// Arguments of procedure 34.
public typealias DomainSuspendArgs = DomainPayload

/// Arguments of procedure 28.
public typealias DomainResumeArgs = DomainPayload

/// Arguments of procedure 35.
public typealias DomainUndefineArgs = DomainPayload

/// Arguments of procedure 231.
public typealias DomainUndefineFlagsArgs = DomainFlagsArgs
