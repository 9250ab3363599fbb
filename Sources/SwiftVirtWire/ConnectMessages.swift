// Written from remote_protocol.x (libvirt 9.0). Type names are the .x struct names in CamelCase without
// `remote_` (REMOTE_PROC_X_Y <-> XYArgs / XYRet); field names are the .x names camelCased.
// Layouts that several procedures share are typealiases of the structs in SharedPayloads.swift.
//
// Argument and return payloads of the connection-level procedures (open, features, host facts, listing).

/// Arguments of procedure 1.
public struct ConnectOpenArgs: XDRCodable, Equatable {
    public var name: String?
    public var flags: UInt32

    public init(name: String?, flags: UInt32) {
        self.name = name
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeOptionalString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeOptional(name)
        encoder.encode(flags)
    }
}

/// Arguments of procedure 60.
public struct ConnectSupportsFeatureArgs: SingleValuePayload, Equatable {
    public var feature: Int32
    public init(feature: Int32) { self.feature = feature }
    public init(wireValue: Int32) { feature = wireValue }
    public var wireValue: Int32 { feature }
}

/// Reply of procedure 60.
public struct ConnectSupportsFeatureRet: SingleValuePayload, Equatable {
    public var supported: Int32
    public init(supported: Int32) { self.supported = supported }
    public init(wireValue: Int32) { supported = wireValue }
    public var wireValue: Int32 { supported }
}

/// Reply of procedure 3.
public typealias ConnectGetTypeRet = TypeRet

/// Reply of procedure 4.
public struct ConnectGetVersionRet: SingleValuePayload, Equatable {
    public var hvVer: UInt64
    public init(hvVer: UInt64) { self.hvVer = hvVer }
    public init(wireValue: UInt64) { hvVer = wireValue }
    public var wireValue: UInt64 { hvVer }
}

/// Reply of procedure 157.
public struct ConnectGetLibVersionRet: SingleValuePayload, Equatable {
    public var libVer: UInt64
    public init(libVer: UInt64) { self.libVer = libVer }
    public init(wireValue: UInt64) { libVer = wireValue }
    public var wireValue: UInt64 { libVer }
}

/// Reply of procedure 59.
public struct ConnectGetHostnameRet: SingleValuePayload, Equatable {
    public var hostname: String
    public init(hostname: String) { self.hostname = hostname }
    public init(wireValue: String) { hostname = wireValue }
    public var wireValue: String { hostname }
}

/// Arguments of procedure 203.
public struct ConnectGetSysinfoArgs: SingleValuePayload, Equatable {
    public var flags: UInt32
    public init(flags: UInt32) { self.flags = flags }
    public init(wireValue: UInt32) { flags = wireValue }
    public var wireValue: UInt32 { flags }
}

/// Reply of procedure 203.
public struct ConnectGetSysinfoRet: SingleValuePayload, Equatable {
    public var sysinfo: String
    public init(sysinfo: String) { self.sysinfo = sysinfo }
    public init(wireValue: String) { sysinfo = wireValue }
    public var wireValue: String { sysinfo }
}

/// Reply of procedure 110.
public struct ConnectGetUriRet: SingleValuePayload, Equatable {
    public var uri: String
    public init(uri: String) { self.uri = uri }
    public init(wireValue: String) { uri = wireValue }
    public var wireValue: String { uri }
}

/// Reply of procedure 149.
public struct ConnectIsSecureRet: SingleValuePayload, Equatable {
    public var secure: Int32
    public init(secure: Int32) { self.secure = secure }
    public init(wireValue: Int32) { secure = wireValue }
    public var wireValue: Int32 { secure }
}

/// Reply of procedure 6.
public struct NodeGetInfoRet: XDRCodable, Equatable {
    public var model: [Int8]
    public var memory: UInt64
    public var cpus: Int32
    public var mhz: Int32
    public var nodes: Int32
    public var sockets: Int32
    public var cores: Int32
    public var threads: Int32

    public init(
        model: [Int8], memory: UInt64, cpus: Int32, mhz: Int32, nodes: Int32, sockets: Int32, cores: Int32,
        threads: Int32
    ) {
        self.model = model
        self.memory = memory
        self.cpus = cpus
        self.mhz = mhz
        self.nodes = nodes
        self.sockets = sockets
        self.cores = cores
        self.threads = threads
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        model = try decoder.decodeFixedChars(count: RemoteLimits.nodeInfoModel)
        memory = try decoder.decode(UInt64.self)
        cpus = try decoder.decode(Int32.self)
        mhz = try decoder.decode(Int32.self)
        nodes = try decoder.decode(Int32.self)
        sockets = try decoder.decode(Int32.self)
        cores = try decoder.decode(Int32.self)
        threads = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeChars(XDRChars.padded(model, count: RemoteLimits.nodeInfoModel))
        encoder.encode(memory)
        encoder.encode(cpus)
        encoder.encode(mhz)
        encoder.encode(nodes)
        encoder.encode(sockets)
        encoder.encode(cores)
        encoder.encode(threads)
    }
}

/// Reply of procedure 7.
public typealias ConnectGetCapabilitiesRet = CapabilitiesRet

/// Arguments of procedure 342.
public struct ConnectGetDomainCapabilitiesArgs: XDRCodable, Equatable {
    public var emulatorbin: String?
    public var arch: String?
    public var machine: String?
    public var virttype: String?
    public var flags: UInt32

    public init(emulatorbin: String?, arch: String?, machine: String?, virttype: String?, flags: UInt32) {
        self.emulatorbin = emulatorbin
        self.arch = arch
        self.machine = machine
        self.virttype = virttype
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        emulatorbin = try decoder.decodeOptionalString()
        arch = try decoder.decodeOptionalString()
        machine = try decoder.decodeOptionalString()
        virttype = try decoder.decodeOptionalString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeOptional(emulatorbin)
        encoder.encodeOptional(arch)
        encoder.encodeOptional(machine)
        encoder.encodeOptional(virttype)
        encoder.encode(flags)
    }
}

/// Reply of procedure 342.
public typealias ConnectGetDomainCapabilitiesRet = CapabilitiesRet

/// Reply of procedure 66.
public struct AuthListRet: ArrayPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.authTypeList }
    public var types: [Int32]
    public init(types: [Int32]) { self.types = types }
    public init(wireItems: [Int32]) { types = wireItems }
    public var wireItems: [Int32] { types }
}

/// Reply of procedure 70.
public struct AuthPolkitRet: SingleValuePayload, Equatable {
    public var complete: Int32
    public init(complete: Int32) { self.complete = complete }
    public init(wireValue: Int32) { complete = wireValue }
    public var wireValue: Int32 { complete }
}

/// Reply of procedure 122.
public struct NodeGetSecurityModelRet: XDRCodable, Equatable {
    public var model: [Int8]
    public var doi: [Int8]

    public init(model: [Int8], doi: [Int8]) {
        self.model = model
        self.doi = doi
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        model = try decoder.decodeChars(limit: RemoteLimits.securityModel)
        doi = try decoder.decodeChars(limit: RemoteLimits.securityDoi)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeCountedChars(model)
        encoder.encodeCountedChars(doi)
    }
}

/// Arguments of procedure 37.
public struct ConnectListDomainsArgs: SingleValuePayload, Equatable {
    public var maxids: Int32
    public init(maxids: Int32) { self.maxids = maxids }
    public init(wireValue: Int32) { maxids = wireValue }
    public var wireValue: Int32 { maxids }
}

/// Reply of procedure 37.
public struct ConnectListDomainsRet: ArrayPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.domainList }
    public var ids: [Int32]
    public init(ids: [Int32]) { self.ids = ids }
    public init(wireItems: [Int32]) { ids = wireItems }
    public var wireItems: [Int32] { ids }
}

/// Reply of procedure 51.
public typealias ConnectNumOfDomainsRet = NumRet

/// Arguments of procedure 21.
public typealias ConnectListDefinedDomainsArgs = MaxnamesArgs

/// Reply of procedure 21.
public typealias ConnectListDefinedDomainsRet = NamesRet

/// Reply of procedure 25.
public typealias ConnectNumOfDefinedDomainsRet = NumRet

/// Arguments of procedure 273.
public typealias ConnectListAllDomainsArgs = ListAllArgs

/// Reply of procedure 273.
public struct ConnectListAllDomainsRet: ListAllPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.domainList }
    public var domains: [RemoteNonnullDomain]
    public var ret: UInt32
    public init(domains: [RemoteNonnullDomain], ret: UInt32) { (self.domains, self.ret) = (domains, ret) }
    public init(wireItems: [RemoteNonnullDomain], ret: UInt32) { self.init(domains: wireItems, ret: ret) }
    public var wireItems: [RemoteNonnullDomain] { domains }
}

/// Arguments of procedure 136.
public struct ConnectDomainXmlToNativeArgs: XDRCodable, Equatable {
    public var nativeFormat: String
    public var domainXml: String
    public var flags: UInt32

    public init(nativeFormat: String, domainXml: String, flags: UInt32) {
        self.nativeFormat = nativeFormat
        self.domainXml = domainXml
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        nativeFormat = try decoder.decodeString()
        domainXml = try decoder.decodeString()
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(nativeFormat)
        encoder.encode(domainXml)
        encoder.encode(flags)
    }
}

/// Reply of procedure 136.
public struct ConnectDomainXmlToNativeRet: SingleValuePayload, Equatable {
    public var nativeConfig: String
    public init(nativeConfig: String) { self.nativeConfig = nativeConfig }
    public init(wireValue: String) { nativeConfig = wireValue }
    public var wireValue: String { nativeConfig }
}
