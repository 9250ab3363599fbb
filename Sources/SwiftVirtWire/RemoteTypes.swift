/// `remote_nonnull_domain`: how a domain is named on the wire. `id` is -1 while the domain is inactive.
public struct RemoteNonnullDomain: XDRCodable, Equatable, Hashable {
    public var name: String
    /// 16 raw bytes (`remote_uuid`), not the text form.
    public var uuid: [UInt8]
    public var id: Int32

    public init(name: String, uuid: [UInt8], id: Int32) {
        self.name = name
        self.uuid = uuid
        self.id = id
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        name = try decoder.decodeString()
        uuid = try decoder.decodeFixedOpaque(count: RemoteLimits.uuid)
        id = try decoder.decode(Int32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(name)
        encoder.encodeFixedOpaque(uuidWireBytes(uuid))
        encoder.encode(id)
    }
}

/// `remote_nonnull_network`.
public struct RemoteNonnullNetwork: NameUuidHandle, Equatable, Hashable {
    public var name: String
    public var uuid: [UInt8]

    public init(name: String, uuid: [UInt8]) {
        self.name = name
        self.uuid = uuid
    }
}

/// A uuid field is exactly 16 bytes on the wire; a wrong-sized array must not shift the following fields.
func uuidWireBytes(_ uuid: [UInt8]) -> [UInt8] {
    if uuid.count == RemoteLimits.uuid { return uuid }
    let head = Array(uuid.prefix(RemoteLimits.uuid))
    return head + [UInt8](repeating: 0, count: RemoteLimits.uuid - head.count)
}

/// `remote_error`: the payload of every REPLY (or STREAM) with status ERROR. Clients show only `message`.
public struct RemoteError: XDRCodable, Equatable, Error {
    public var code: Int32
    public var domain: Int32
    public var message: String?
    public var level: Int32
    public var dom: RemoteNonnullDomain?
    public var str1: String?
    public var str2: String?
    public var str3: String?
    public var int1: Int32
    public var int2: Int32
    public var net: RemoteNonnullNetwork?

    public init(
        code: Int32, domain: Int32, message: String?, level: Int32 = 2, dom: RemoteNonnullDomain? = nil,
        str1: String? = nil, str2: String? = nil, str3: String? = nil, int1: Int32 = -1, int2: Int32 = -1,
        net: RemoteNonnullNetwork? = nil
    ) {
        self.code = code
        self.domain = domain
        self.message = message
        self.level = level
        self.dom = dom
        self.str1 = str1
        self.str2 = str2
        self.str3 = str3
        self.int1 = int1
        self.int2 = int2
        self.net = net
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        code = try decoder.decode(Int32.self)
        domain = try decoder.decode(Int32.self)
        message = try decoder.decodeOptionalString()
        level = try decoder.decode(Int32.self)
        dom = try decoder.decodeOptional(RemoteNonnullDomain.self)
        str1 = try decoder.decodeOptionalString()
        str2 = try decoder.decodeOptionalString()
        str3 = try decoder.decodeOptionalString()
        int1 = try decoder.decode(Int32.self)
        int2 = try decoder.decode(Int32.self)
        net = try decoder.decodeOptional(RemoteNonnullNetwork.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(code)
        encoder.encode(domain)
        encoder.encodeOptional(message)
        encoder.encode(level)
        encoder.encodeOptional(dom)
        encoder.encodeOptional(str1)
        encoder.encodeOptional(str2)
        encoder.encodeOptional(str3)
        encoder.encode(int1)
        encoder.encode(int2)
        encoder.encodeOptional(net)
    }
}

/// `remote_typed_param_value`: a union on the virTypedParameterType number.
public enum RemoteTypedParamValue: XDRCodable, Equatable {
    case int(Int32)
    case uint(UInt32)
    case llong(Int64)
    case ullong(UInt64)
    case double(Double)
    case boolean(Int32)
    case string(String)

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        let tag = try decoder.decode(Int32.self)
        switch tag {
        case 1: self = .int(try decoder.decode(Int32.self))
        case 2: self = .uint(try decoder.decode(UInt32.self))
        case 3: self = .llong(try decoder.decode(Int64.self))
        case 4: self = .ullong(try decoder.decode(UInt64.self))
        case 5: self = .double(try decoder.decode(Double.self))
        case 6: self = .boolean(try decoder.decode(Int32.self))
        case 7: self = .string(try decoder.decodeString())
        default: throw .invalidDiscriminant(what: "remote_typed_param_value", value: tag)
        }
    }

    public func encode(to encoder: inout XDREncoder) {
        switch self {
        case .int(let v):
            encoder.encode(Int32(1))
            encoder.encode(v)
        case .uint(let v):
            encoder.encode(Int32(2))
            encoder.encode(v)
        case .llong(let v):
            encoder.encode(Int32(3))
            encoder.encode(v)
        case .ullong(let v):
            encoder.encode(Int32(4))
            encoder.encode(v)
        case .double(let v):
            encoder.encode(Int32(5))
            encoder.encode(v)
        case .boolean(let v):
            encoder.encode(Int32(6))
            encoder.encode(v)
        case .string(let v):
            encoder.encode(Int32(7))
            encoder.encode(v)
        }
    }
}

/// `remote_typed_param`: a named value (migration parameters, stats).
public struct RemoteTypedParam: PairPayload, Equatable {
    public var field: String
    public var value: RemoteTypedParamValue
    public init(field: String, value: RemoteTypedParamValue) { (self.field, self.value) = (field, value) }
    public init(wirePair: (String, RemoteTypedParamValue)) { (field, value) = wirePair }
    public var wirePair: (String, RemoteTypedParamValue) { (field, value) }
}

/// Converts between Swift strings and libvirt's `char` arrays (one XDR word per char).
public enum XDRChars {
    /// The string's UTF-8 bytes followed by a NUL, as libvirt sends `char x<N>` (so "none" has count 5).
    public static func nulTerminated(_ s: String) -> [Int8] {
        s.utf8.map { Int8(bitPattern: $0) } + [0]
    }

    /// The string in exactly `count` chars, truncated or NUL-padded, as in `char model[32]`.
    public static func fixed(_ s: String, count: Int) -> [Int8] {
        let chars = s.utf8.prefix(count).map { Int8(bitPattern: $0) }
        return chars + [Int8](repeating: 0, count: count - chars.count)
    }

    /// Exactly `count` chars: truncated or NUL-padded, so a fixed `char x[N]` field keeps its size on the wire.
    public static func padded(_ chars: [Int8], count: Int) -> [Int8] {
        if chars.count == count { return chars }
        let head = Array(chars.prefix(count))
        return head + [Int8](repeating: 0, count: count - head.count)
    }

    /// The text up to the first NUL (or the whole array), decoding invalid UTF-8 leniently.
    public static func string(_ chars: [Int8]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
