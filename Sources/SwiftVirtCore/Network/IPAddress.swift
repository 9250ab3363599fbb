import Glibc

/// An IPv4 or IPv6 address as bytes (4 or 16), parsed and printed in the usual text forms.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public init?(_ text: String) {
        if text.contains(":") {
            var buf = in6_addr()
            guard inet_pton(AF_INET6, text, &buf) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &buf) { Array($0) }
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var out: [UInt8] = []
            for p in parts {
                guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let v = UInt8(p) else { return nil }
                out.append(v)
            }
            bytes = out
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        guard inet_ntop(AF_INET6, &raw, &buf, socklen_t(buf.count)) != nil else { return "::" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// The address with all bits after `prefix` cleared.
    public func masked(_ prefix: Int) -> IPAddress {
        var out = bytes
        for i in out.indices {
            let keep = max(0, min(8, prefix - i * 8))
            out[i] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: out) ?? self
    }

    /// A dotted IPv4 netmask as a prefix length; nil unless the mask is contiguous ones then zeros.
    public static func prefixLength(ofNetmask text: String) -> Int? {
        guard let mask = IPAddress(text), mask.isIPv4 else { return nil }
        let value = mask.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let ones = value.nonzeroBitCount
        guard value == (ones == 0 ? 0 : UInt32.max << (32 - ones)) else { return nil }
        return ones
    }

    public static func netmask(prefix: Int) -> IPAddress {
        IPAddress(bytes: [255, 255, 255, 255])?.masked(prefix) ?? IPAddress(bytes: [0, 0, 0, 0])!
    }
}

/// A subnet: a network address and prefix length.
public struct IPSubnet: Sendable, Hashable, CustomStringConvertible {
    public var network: IPAddress
    public var prefix: Int
    public init(address: IPAddress, prefix: Int) {
        network = address.masked(prefix)
        self.prefix = prefix
    }
    public func contains(_ a: IPAddress) -> Bool {
        a.bytes.count == network.bytes.count && a.masked(prefix) == network
    }
    /// Two subnets overlap when the shorter prefix's network contains the other's.
    public func overlaps(_ other: IPSubnet) -> Bool {
        guard network.bytes.count == other.network.bytes.count else { return false }
        let p = min(prefix, other.prefix)
        return network.masked(p) == other.network.masked(p)
    }
    public var description: String { "\(network)/\(prefix)" }
}
