/// What an attribute of a protocol element may hold, and how it is read and printed (libvirt's data types).
public enum NWFilterAttributeKind: Sendable, Equatable {
    /// Decimal or hexadecimal numbers up to the bound; `hexAllowed` false for decimal only.
    case number(max: UInt32, hexAllowed: Bool)
    case mac, macMask, ipv4, ipv4Mask, ipv6, ipv6Mask
    /// An ethertype: a name (arp, rarp, ipv4, ipv6, vlan) or a number of at least `min`.
    case etherType(min: UInt32)
    /// ARP opcodes by name (Request, Reply, ...) or number.
    case arpOpcode
    /// IP protocols by name (tcp, udp, icmp, ...) or number.
    case ipProtocol
    case vlanID, dscp
    /// Up to 256 characters, printed escaped.
    case comment
    case boolean
    /// Connection states, TCP flags, ipset name and flags: kept as written.
    case opaque
}

/// The attributes of each protocol element, in the order libvirt prints them.
public enum NWFilterAttributes {
    public typealias Spec = (name: String, kind: NWFilterAttributeKind)

    static let u8: NWFilterAttributeKind = .number(max: 0xFF, hexAllowed: true)
    static let u16: NWFilterAttributeKind = .number(max: 0xFFFF, hexAllowed: true)
    static let u32: NWFilterAttributeKind = .number(max: 0xFFFF_FFFF, hexAllowed: true)

    static let macHeader: [Spec] = [
        ("srcmacaddr", .mac), ("srcmacmask", .macMask), ("dstmacaddr", .mac), ("dstmacmask", .macMask),
    ]
    static let ports: [Spec] = [("srcportstart", u16), ("srcportend", u16), ("dstportstart", u16), ("dstportend", u16)]
    static let comment: [Spec] = [("comment", .comment)]

    static func ipCommon(v6: Bool) -> [Spec] {
        let addr: NWFilterAttributeKind = v6 ? .ipv6 : .ipv4
        let mask: NWFilterAttributeKind = v6 ? .ipv6Mask : .ipv4Mask
        return [
            ("srcmacaddr", .mac), ("srcipaddr", addr), ("srcipmask", mask), ("dstipaddr", addr), ("dstipmask", mask),
            ("srcipfrom", addr), ("srcipto", addr), ("dstipfrom", addr), ("dstipto", .ipv4), ("dscp", .dscp),
            ("connlimit-above", .number(max: 0xFFFF, hexAllowed: false)), ("state", .opaque), ("ipset", .opaque),
            ("ipsetflags", .opaque),
        ]
    }

    static let arp: [Spec] =
        macHeader + [
            ("hwtype", u16), ("protocoltype", u16), ("opcode", .arpOpcode), ("arpsrcmacaddr", .mac),
            ("arpdstmacaddr", .mac), ("arpsrcipaddr", .ipv4), ("arpsrcipmask", .ipv4Mask), ("arpdstipaddr", .ipv4),
            ("arpdstipmask", .ipv4Mask), ("gratuitous", .boolean),
        ] + comment

    static let stp: [Spec] =
        [("srcmacaddr", .mac), ("srcmacmask", .macMask), ("type", u8), ("flags", u8)]
        + ["root-priority", "root-priority-hi"].map { ($0, u16) }
        + [("root-address", .mac), ("root-address-mask", .macMask), ("root-cost", u32), ("root-cost-hi", u32)]
        + ["sender-priority", "sender-priority-hi"].map { ($0, u16) }
        + [("sender-address", .mac), ("sender-address-mask", .macMask)]
        + ["port", "port-hi", "age", "age-hi", "max-age", "max-age-hi", "hello-time", "hello-time-hi"].map { ($0, u16) }
        + ["forward-delay", "forward-delay-hi"].map { ($0, u16) } + comment

    static func ipHeader(v6: Bool) -> [Spec] {
        let addr: NWFilterAttributeKind = v6 ? .ipv6 : .ipv4
        let mask: NWFilterAttributeKind = v6 ? .ipv6Mask : .ipv4Mask
        let head: [Spec] = [
            ("srcipaddr", addr), ("srcipmask", mask), ("dstipaddr", addr), ("dstipmask", mask),
            ("protocol", .ipProtocol),
        ]
        let tail: [Spec] = v6
            ? [("type", u8), ("typeend", u8), ("code", u8), ("codeend", u8)] : [("dscp", .dscp)]
        return macHeader + head + ports + tail + comment
    }

    /// The attribute table of a protocol element.
    public static func specs(_ p: NWFilterProtocol) -> [Spec] {
        switch p {
        case .arp, .rarp: arp
        case .mac: macHeader + [("protocolid", .etherType(min: 0x600))] + comment
        case .vlan: macHeader + [("vlanid", .vlanID), ("encap-protocol", .etherType(min: 0x3C))] + comment
        case .stp: stp
        case .ip: ipHeader(v6: false)
        case .ipv6: ipHeader(v6: true)
        case .tcp: ipCommon(v6: false) + ports + [("option", u8), ("flags", .opaque)] + comment
        case .udp, .sctp: ipCommon(v6: false) + ports + comment
        case .icmp: ipCommon(v6: false) + [("type", u8), ("code", u8)] + comment
        case .udplite, .esp, .ah, .all, .igmp: ipCommon(v6: false) + comment
        case .tcpIPv6: ipCommon(v6: true) + ports + [("option", u8)] + comment
        case .udpIPv6, .sctpIPv6: ipCommon(v6: true) + ports + comment
        case .icmpv6: ipCommon(v6: true) + [("type", u8), ("code", u8)] + comment
        case .udpliteIPv6, .espIPv6, .ahIPv6, .allIPv6: ipCommon(v6: true) + comment
        }
    }

    /// Named values of the ethertype, ARP opcode and IP protocol attributes.
    public static let etherTypes: [(String, UInt32)] = [
        ("arp", 0x0806), ("rarp", 0x8035), ("ipv4", 0x0800), ("ipv6", 0x86DD), ("vlan", 0x8100),
    ]
    public static let arpOpcodes: [(String, UInt32)] = [
        ("Request", 1), ("Reply", 2), ("Request_Reverse", 3), ("Reply_Reverse", 4), ("DRARP_Request", 5),
        ("DRARP_Reply", 6), ("DRARP_Error", 7), ("InARP_Request", 8), ("ARP_NAK", 9),
    ]
    public static let ipProtocols: [(String, UInt32)] = [
        ("tcp", 6), ("udp", 17), ("udplite", 136), ("esp", 50), ("ah", 51), ("icmp", 1), ("igmp", 2), ("sctp", 132),
        ("icmpv6", 58),
    ]
}
