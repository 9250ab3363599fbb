/// Why an XDR payload could not be decoded. Every decoder in this module throws only this type.
public enum XDRError: Error, Equatable, Sendable {
    /// The payload ended early: `needed` bytes were required, `remaining` were left.
    case truncated(needed: Int, remaining: Int)
    /// A length prefix (string, opaque, array) is larger than the protocol allows for `what`.
    case lengthExceeded(what: String, length: Int, limit: Int)
    /// A boolean word was neither 0 nor 1.
    case invalidBool(UInt32)
    /// A union tag or enum value is not one the protocol defines for `what`.
    case invalidDiscriminant(what: String, value: Int32)
    /// The value was decoded but bytes were left over.
    case trailingBytes(Int)
    /// A string was not valid UTF-8.
    case invalidUTF8
}

/// A value with a fixed XDR representation (RFC 4506), as used by libvirt's remote protocol.
public protocol XDRCodable: Sendable {
    init(from decoder: inout XDRDecoder) throws(XDRError)
    func encode(to encoder: inout XDREncoder)
}

extension XDRCodable {
    /// The XDR bytes of this value alone.
    public func xdrBytes() -> [UInt8] {
        var encoder = XDREncoder()
        encode(to: &encoder)
        return encoder.bytes
    }

    /// Decodes a whole payload: the value must use every byte.
    public init(xdrBytes bytes: [UInt8]) throws(XDRError) {
        var decoder = XDRDecoder(bytes)
        self = try Self(from: &decoder)
        try decoder.finish()
    }
}

/// The empty payload of a procedure that takes or returns nothing.
public struct XDRVoid: XDRCodable, Equatable {
    public init() {}
    public init(from decoder: inout XDRDecoder) throws(XDRError) {}
    public func encode(to encoder: inout XDREncoder) {}
}

// The primitives conform so they can be array elements (`int ids<>`, `remote_nonnull_string names<>`).
extension Int32: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Int32.self) }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}

extension UInt32: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(UInt32.self) }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}

extension Int64: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Int64.self) }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}

extension UInt64: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(UInt64.self) }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}

extension Bool: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Bool.self) }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}

extension Double: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decode(Double.self) }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}

/// As an array element a string is `remote_nonnull_string`, bounded by REMOTE_STRING_MAX.
extension String: XDRCodable {
    public init(from decoder: inout XDRDecoder) throws(XDRError) { self = try decoder.decodeString() }
    public func encode(to encoder: inout XDREncoder) { encoder.encode(self) }
}
