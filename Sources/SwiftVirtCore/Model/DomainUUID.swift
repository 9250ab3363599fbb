/// A domain's 16-byte UUID.
public struct DomainUUID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bytes: [UInt8]  // always 16
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }
    /// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (also accepts no dashes, as libvirt does).
    public init?(string: String) {
        var out: [UInt8] = []
        var pending: UInt8? = nil
        for ch in string.utf8 {
            if ch == UInt8(ascii: "-") || ch == UInt8(ascii: " ") { continue }
            guard let v = HexDigits.value(ch) else { return nil }
            if let p = pending {
                out.append(p << 4 | v)
                pending = nil
            } else {
                pending = v
            }
        }
        guard pending == nil, out.count == 16 else { return nil }
        self.bytes = out
    }
    public static func random() -> DomainUUID {
        var b = randomBytes(16)
        b[6] = (b[6] & 0x0f) | 0x40
        b[8] = (b[8] & 0x3f) | 0x80
        return DomainUUID(uncheckedBytes: b)
    }
    private init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            HexDigits.append(b, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A 6-byte Ethernet MAC address.
public struct MACAddress: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]  // always 6
    public init?(bytes: [UInt8]) {
        guard bytes.count == 6 else { return nil }
        self.bytes = bytes
    }
    /// Parses "52:54:00:12:34:56" (one or two hex digits per octet, as libvirt accepts).
    public init?(string: String) {
        let parts = string.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...2).contains(p.count), let v = UInt8(p, radix: 16) else { return nil }
            out.append(v)
        }
        self.bytes = out
    }
    /// A random address under QEMU's locally administered 52:54:00 prefix.
    public static func randomQEMU() -> MACAddress {
        MACAddress(unchecked: [0x52, 0x54, 0x00] + randomBytes(3))
    }
    private init(unchecked: [UInt8]) { self.bytes = unchecked }
    public var isMulticast: Bool { (bytes[0] & 1) == 1 }
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(17)
        for (i, b) in bytes.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ":")) }
            HexDigits.append(b, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum HexDigits {
    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    /// Two lower-case hex digits.
    static func append(_ b: UInt8, to out: inout [UInt8]) {
        func digit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }
        out.append(digit(b >> 4))
        out.append(digit(b & 0x0F))
    }
}

/// `count` random bytes, eight per draw from the system generator (each draw is a getrandom(2) call; a byte
/// per draw made a UUID cost sixteen).
func randomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    var out: [UInt8] = []
    out.reserveCapacity(count + 7)
    while out.count < count {
        withUnsafeBytes(of: rng.next() as UInt64) { out.append(contentsOf: $0) }
    }
    return Array(out.prefix(count))
}
