/// Reads XDR values from a byte buffer, checking every length against what is left and against the
/// protocol's limits before allocating, so hostile input fails with an `XDRError` instead of trapping.
public struct XDRDecoder: Sendable {
    /// REMOTE_STRING_MAX in libvirt 9.0.
    public static let defaultStringLimit = 4_194_304

    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    public mutating func decode(_: UInt32.Type) throws(XDRError) -> UInt32 {
        try require(4)
        let v =
            UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
        offset += 4
        return v
    }

    public mutating func decode(_: Int32.Type) throws(XDRError) -> Int32 {
        Int32(bitPattern: try decode(UInt32.self))
    }

    public mutating func decode(_: UInt64.Type) throws(XDRError) -> UInt64 {
        try require(8)
        let high = try decode(UInt32.self)
        let low = try decode(UInt32.self)
        return UInt64(high) << 32 | UInt64(low)
    }

    public mutating func decode(_: Int64.Type) throws(XDRError) -> Int64 {
        Int64(bitPattern: try decode(UInt64.self))
    }

    public mutating func decode(_: Bool.Type) throws(XDRError) -> Bool {
        switch try decode(UInt32.self) {
        case 0: return false
        case 1: return true
        case let other: throw .invalidBool(other)
        }
    }

    public mutating func decode(_: Double.Type) throws(XDRError) -> Double {
        Double(bitPattern: try decode(UInt64.self))
    }

    public mutating func decode(_: Float.Type) throws(XDRError) -> Float {
        Float(bitPattern: try decode(UInt32.self))
    }

    public mutating func decodeString(limit: Int = XDRDecoder.defaultStringLimit) throws(XDRError) -> String {
        let raw = try decodeLengthPrefixed(what: "string", limit: limit)
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8 }
        return s
    }

    public mutating func decodeOptionalString(limit: Int = XDRDecoder.defaultStringLimit) throws(XDRError)
        -> String?
    {
        guard try decodePresence() else { return nil }
        return try decodeString(limit: limit)
    }

    public mutating func decodeFixedOpaque(count: Int) throws(XDRError) -> [UInt8] {
        guard count >= 0 else { throw .lengthExceeded(what: "fixed opaque", length: count, limit: 0) }
        let padded = count + (4 - count % 4) % 4
        try require(padded)
        let out = Array(bytes[offset..<offset + count])
        offset += padded
        return out
    }

    public mutating func decodeOpaque(limit: Int) throws(XDRError) -> [UInt8] {
        try decodeLengthPrefixed(what: "opaque", limit: limit)
    }

    /// `char x[count]`: one 4-byte word per char; values outside a char are truncated as C's xdr_char does.
    public mutating func decodeFixedChars(count: Int) throws(XDRError) -> [Int8] {
        try require(count * 4)
        var out: [Int8] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(Int8(truncatingIfNeeded: try decode(Int32.self))) }
        return out
    }

    /// `char x<limit>`: a count, then one 4-byte word per char.
    public mutating func decodeChars(limit: Int) throws(XDRError) -> [Int8] {
        let count = try decodeCount(what: "char array", limit: limit, minimumItemSize: 4)
        return try decodeFixedChars(count: count)
    }

    public mutating func decode<T: XDRCodable>(_: T.Type) throws(XDRError) -> T {
        try T(from: &self)
    }

    public mutating func decodeOptional<T: XDRCodable>(_: T.Type) throws(XDRError) -> T? {
        guard try decodePresence() else { return nil }
        return try T(from: &self)
    }

    public mutating func decodeArray<T: XDRCodable>(_: T.Type, limit: Int) throws(XDRError) -> [T] {
        let count = try decodeCount(what: "array of \(T.self)", limit: limit, minimumItemSize: 0)
        var out: [T] = []
        // Each encoded item takes at least 4 bytes, so never reserve more than the input could hold.
        out.reserveCapacity(min(count, remaining / 4))
        for _ in 0..<count { out.append(try T(from: &self)) }
        return out
    }

    /// `T *` whose item is decoded by `item`.
    public mutating func decodeOptional<T>(_ item: (inout XDRDecoder) throws(XDRError) -> T) throws(XDRError) -> T? {
        guard try decodePresence() else { return nil }
        return try item(&self)
    }

    /// `T<limit>` whose items are decoded by `item`.
    public mutating func decodeArray<T>(limit: Int, _ item: (inout XDRDecoder) throws(XDRError) -> T) throws(XDRError)
        -> [T]
    {
        let count = try decodeCount(what: "array of \(T.self)", limit: limit, minimumItemSize: 0)
        var out: [T] = []
        out.reserveCapacity(min(count, remaining / 4))
        for _ in 0..<count { out.append(try item(&self)) }
        return out
    }

    /// `T x[count]`: exactly `count` items, no count word.
    public mutating func decodeFixedArray<T>(count: Int, _ item: (inout XDRDecoder) throws(XDRError) -> T)
        throws(XDRError) -> [T]
    {
        try require(count * 4)
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try item(&self)) }
        return out
    }

    public func finish() throws(XDRError) {
        if remaining != 0 { throw .trailingBytes(remaining) }
    }

    // MARK: - Helpers

    private func require(_ n: Int) throws(XDRError) {
        if n > remaining { throw .truncated(needed: n, remaining: remaining) }
    }

    /// The u32 before an optional value: 0 absent, 1 present, anything else is not a bool.
    private mutating func decodePresence() throws(XDRError) -> Bool {
        try decode(Bool.self)
    }

    private mutating func decodeCount(what: String, limit: Int, minimumItemSize: Int) throws(XDRError) -> Int {
        let raw = try decode(UInt32.self)
        let count = Int(raw)
        if count > limit { throw .lengthExceeded(what: what, length: count, limit: limit) }
        if minimumItemSize > 0 { try require(count * minimumItemSize) }
        return count
    }

    private mutating func decodeLengthPrefixed(what: String, limit: Int) throws(XDRError) -> [UInt8] {
        let count = try decodeCount(what: what, limit: limit, minimumItemSize: 0)
        return try decodeFixedOpaque(count: count)
    }
}
