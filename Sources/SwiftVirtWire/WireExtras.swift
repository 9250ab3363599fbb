// Hand-written wire types: what the generated layer (Generated/, from libvirt's .x files) does not cover.

/// `virNetStreamHole` (virnetprotocol.x, the RPC layer's own file, not one of the four programs generated here):
/// the body of a STREAM_HOLE packet, a run of `length` zero bytes in a sparse stream.
public struct StreamHole: XDRCodable, Equatable {
    public var length: Int64
    public var flags: UInt32

    public init(length: Int64, flags: UInt32) {
        self.length = length
        self.flags = flags
    }

    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        length = try decoder.decode(Int64.self)
        flags = try decoder.decode(UInt32.self)
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(length)
        encoder.encode(flags)
    }
}

/// Short spellings of the REMOTE procedures whose libvirt name carries a `connect` prefix.
extension RemoteProcedure {
    public static let domainEventCallbackRegisterAny = RemoteProcedure.connectDomainEventCallbackRegisterAny
    public static let domainEventCallbackDeregisterAny = RemoteProcedure.connectDomainEventCallbackDeregisterAny
}

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

extension RemoteError {
    /// An error as libvirt sends one: level 2 (error), no object, the integer fields -1.
    public init(code: Int32, domain: Int32, message: String?, level: Int32 = 2) {
        self.init(
            code: code, domain: domain, message: message, level: level, dom: nil, str1: nil, str2: nil, str3: nil, int1: -1,
            int2: -1, net: nil)
    }
}
