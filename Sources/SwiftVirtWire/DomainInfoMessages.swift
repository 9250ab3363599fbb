// Written from remote_protocol.x (libvirt 9.0). Type names are the .x struct names in CamelCase without
// `remote_` (REMOTE_PROC_X_Y <-> XYArgs / XYRet); field names are the .x names camelCased.
// Layouts that several procedures share are typealiases of the structs in SharedPayloads.swift.
//
// Argument and return payloads of the domain query procedures (XML, info, state, console, messages).

/// Arguments of procedure 14.
public typealias DomainGetXmlDescArgs = DomainFlagsArgs

/// Reply of procedure 14.
public typealias DomainGetXmlDescRet = XmlPayload

/// Arguments of procedure 15.
public typealias DomainGetAutostartArgs = DomainPayload

/// Reply of procedure 15.
public typealias DomainGetAutostartRet = AutostartRet

/// Arguments of procedure 29.
public struct DomainSetAutostartArgs: PairPayload, Equatable {
    public var dom: RemoteNonnullDomain
    public var autostart: Int32
    public init(dom: RemoteNonnullDomain, autostart: Int32) { (self.dom, self.autostart) = (dom, autostart) }
    public init(wirePair: (RemoteNonnullDomain, Int32)) { (dom, autostart) = wirePair }
    public var wirePair: (RemoteNonnullDomain, Int32) { (dom, autostart) }
}

/// Arguments of procedure 16.
public typealias DomainGetInfoArgs = DomainPayload

/// Reply of procedure 16.
public struct DomainGetInfoRet: XDRCodable, Equatable {
    public var state: UInt8
    public var maxMem: UInt64
    public var memory: UInt64
    public var nrVirtCpu: UInt16
    public var cpuTime: UInt64

    public init(state: UInt8, maxMem: UInt64, memory: UInt64, nrVirtCpu: UInt16, cpuTime: UInt64) {
        self.state = state
        self.maxMem = maxMem
        self.memory = memory
        self.nrVirtCpu = nrVirtCpu
        self.cpuTime = cpuTime
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        state = UInt8(truncatingIfNeeded: try decoder.decode(UInt32.self))
        maxMem = try decoder.decode(UInt64.self)
        memory = try decoder.decode(UInt64.self)
        nrVirtCpu = UInt16(truncatingIfNeeded: try decoder.decode(UInt32.self))
        cpuTime = try decoder.decode(UInt64.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(UInt32(state))
        encoder.encode(maxMem)
        encoder.encode(memory)
        encoder.encode(UInt32(nrVirtCpu))
        encoder.encode(cpuTime)
    }
}

/// Arguments of procedure 19.
public typealias DomainGetOsTypeArgs = DomainPayload

/// Reply of procedure 19.
public typealias DomainGetOsTypeRet = TypeRet

/// Arguments of procedure 212.
public typealias DomainGetStateArgs = DomainFlagsArgs

/// Reply of procedure 212.
public struct DomainGetStateRet: PairPayload, Equatable {
    public var state: Int32
    public var reason: Int32
    public init(state: Int32, reason: Int32) { (self.state, self.reason) = (state, reason) }
    public init(wirePair: (Int32, Int32)) { (state, reason) = wirePair }
    public var wirePair: (Int32, Int32) { (state, reason) }
}

/// Arguments of procedure 150.
public typealias DomainIsActiveArgs = DomainPayload

/// Reply of procedure 150.
public typealias DomainIsActiveRet = ActiveRet

/// Arguments of procedure 151.
public typealias DomainIsPersistentArgs = DomainPayload

/// Reply of procedure 151.
public typealias DomainIsPersistentRet = PersistentRet

/// Arguments of procedure 183.
public typealias DomainHasManagedSaveImageArgs = DomainFlagsArgs

/// Reply of procedure 183.
public struct DomainHasManagedSaveImageRet: SingleValuePayload, Equatable {
    public var result: Int32
    public init(result: Int32) { self.result = result }
    public init(wireValue: Int32) { result = wireValue }
    public var wireValue: Int32 { result }
}

/// Arguments of procedure 121.
public typealias DomainGetSecurityLabelArgs = DomainPayload

/// Reply of procedure 121.
public struct DomainGetSecurityLabelRet: XDRCodable, Equatable {
    public var label: [Int8]
    public var enforcing: Int32

    public init(label: [Int8], enforcing: Int32) {
        self.label = label
        self.enforcing = enforcing
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        label = try decoder.decodeChars(limit: RemoteLimits.securityLabel)
        enforcing = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeCountedChars(label)
        encoder.encode(enforcing)
    }
}

/// Arguments of procedure 199.
public struct DomainSetVcpusFlagsArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain
    public var nvcpus: UInt32
    public var flags: UInt32

    public init(dom: RemoteNonnullDomain, nvcpus: UInt32, flags: UInt32) {
        self.dom = dom
        self.nvcpus = nvcpus
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
        nvcpus = try decoder.decode(UInt32.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
        encoder.encode(nvcpus)
        encoder.encode(flags)
    }
}

/// Arguments of procedure 200.
public typealias DomainGetVcpusFlagsArgs = DomainFlagsArgs

/// Reply of procedure 200.
public typealias DomainGetVcpusFlagsRet = NumRet

/// Arguments of procedure 204.
public struct DomainSetMemoryFlagsArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain
    public var memory: UInt64
    public var flags: UInt32

    public init(dom: RemoteNonnullDomain, memory: UInt64, flags: UInt32) {
        self.dom = dom
        self.memory = memory
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
        memory = try decoder.decode(UInt64.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
        encoder.encode(memory)
        encoder.encode(flags)
    }
}

/// Arguments of procedure 201.
public struct DomainOpenConsoleArgs: XDRCodable, Equatable {
    public var dom: RemoteNonnullDomain
    public var devName: String?
    public var flags: UInt32

    public init(dom: RemoteNonnullDomain, devName: String?, flags: UInt32) {
        self.dom = dom
        self.devName = devName
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        dom = try decoder.decode(RemoteNonnullDomain.self)
        devName = try decoder.decodeOptionalString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(dom)
        encoder.encodeOptional(devName)
        encoder.encode(flags)
    }
}

/// Arguments of procedure 426.
public typealias DomainGetMessagesArgs = DomainFlagsArgs

/// Reply of procedure 426.
public struct DomainGetMessagesRet: ArrayPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.domainMessages }
    public var msgs: [String]
    public init(msgs: [String]) { self.msgs = msgs }
    public init(wireItems: [String]) { msgs = wireItems }
    public var wireItems: [String] { msgs }
}
