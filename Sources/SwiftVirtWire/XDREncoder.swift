/// Appends XDR (big-endian, 4-byte aligned) encodings to a byte buffer.
public struct XDREncoder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func encode(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func encode(_ v: Int32) { encode(UInt32(bitPattern: v)) }

    public mutating func encode(_ v: UInt64) {
        encode(UInt32(truncatingIfNeeded: v >> 32))
        encode(UInt32(truncatingIfNeeded: v))
    }

    public mutating func encode(_ v: Int64) { encode(UInt64(bitPattern: v)) }

    public mutating func encode(_ v: Bool) { encode(UInt32(v ? 1 : 0)) }

    public mutating func encode(_ v: Double) { encode(v.bitPattern) }

    public mutating func encode(_ v: Float) { encode(v.bitPattern) }

    /// `string<>`: length, UTF-8 bytes, zero padding to 4. No terminating NUL.
    /// Copied straight from the string's storage: a domain's XML is kilobytes, and an intermediate array was
    /// one more allocation and copy per reply.
    public mutating func encode(_ s: String) {
        let count = s.utf8.count
        encode(UInt32(truncatingIfNeeded: count))
        let copied: Void? = s.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: s.utf8) }
        appendPadding(for: count)
    }

    /// `remote_string` (`remote_nonnull_string *`): 0 for NULL, else 1 and the string.
    public mutating func encodeOptional(_ s: String?) {
        if let s {
            encode(UInt32(1))
            encode(s)
        } else {
            encode(UInt32(0))
        }
    }

    /// `opaque[n]`: the bytes and zero padding, no length.
    public mutating func encodeFixedOpaque(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
        appendPadding(for: b.count)
    }

    /// `opaque[count]` from an array of any size: truncated or zero-filled to exactly `count` bytes, so a
    /// wrong-sized value (a uuid of 15 bytes) cannot shift the fields after it.
    public mutating func encodeFixedOpaque(_ b: [UInt8], count: Int) {
        if b.count == count {
            encodeFixedOpaque(b)
        } else {
            let head = Array(b.prefix(count))
            encodeFixedOpaque(head + [UInt8](repeating: 0, count: count - head.count))
        }
    }

    /// `char x[count]` from an array of any size: truncated or NUL-filled to exactly `count` chars.
    public mutating func encodeFixedChars(_ chars: [Int8], count: Int) {
        encodeChars(XDRChars.padded(chars, count: count))
    }

    /// `opaque<>`: length, bytes, zero padding.
    public mutating func encodeOpaque(_ b: [UInt8]) {
        encode(UInt32(truncatingIfNeeded: b.count))
        encodeFixedOpaque(b)
    }

    /// `char x[n]` / `char x<>` items: each char takes a whole 4-byte word, sign-extended as C's xdr_char does.
    public mutating func encodeChars(_ chars: [Int8]) {
        for c in chars { encode(Int32(c)) }
    }

    /// `char x<N>`: the count, then one word per char.
    public mutating func encodeCountedChars(_ chars: [Int8]) {
        encode(UInt32(truncatingIfNeeded: chars.count))
        encodeChars(chars)
    }

    /// Appends bytes that are already encoded (a payload, stream data) with no length and no padding.
    public mutating func appendRaw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    public mutating func encode<T: XDRCodable>(_ v: T) { v.encode(to: &self) }

    /// `T *`: 0 for NULL, else 1 and the value.
    public mutating func encodeOptional<T: XDRCodable>(_ v: T?) {
        if let v {
            encode(UInt32(1))
            v.encode(to: &self)
        } else {
            encode(UInt32(0))
        }
    }

    /// `T<>`: count, then each item.
    public mutating func encodeArray<T: XDRCodable>(_ a: [T]) {
        encode(UInt32(truncatingIfNeeded: a.count))
        for item in a { item.encode(to: &self) }
    }

    /// `T *` whose item is coded by `item` (a bounded string other than REMOTE_STRING_MAX, a char array, ...).
    public mutating func encodeOptional<T>(_ v: T?, _ item: (inout XDREncoder, T) -> Void) {
        if let v {
            encode(UInt32(1))
            item(&self, v)
        } else {
            encode(UInt32(0))
        }
    }

    /// `T<>` whose items are coded by `item`.
    public mutating func encodeArray<T>(_ a: [T], _ item: (inout XDREncoder, T) -> Void) {
        encode(UInt32(truncatingIfNeeded: a.count))
        for v in a { item(&self, v) }
    }

    /// `T x[count]`: exactly `count` items, no count word. The caller's array must have that many.
    public mutating func encodeFixedArray<T>(_ a: [T], count: Int, _ item: (inout XDREncoder, T) -> Void) {
        for v in a.prefix(count) { item(&self, v) }
    }

    private mutating func appendPadding(for count: Int) {
        let pad = (4 - count % 4) % 4
        if pad > 0 { bytes.append(contentsOf: repeatElement(0, count: pad)) }
    }
}
