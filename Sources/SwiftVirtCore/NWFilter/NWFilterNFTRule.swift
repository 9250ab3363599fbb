/// One instantiated rule as an nftables rule body (`MATCHES counter VERDICT`) for the bridge family. What the
/// nftables backend cannot express is refused, naming the attribute, rather than matched more widely than asked.
enum NWFilterNFTRule {
    static func unsupported(_ what: String) -> VirtError {
        VirtError(.configUnsupported, domain: .nwfilter, detail: "nwfilter \(what) is not supported by swiftvirtd's nftables backend")
    }

    /// `fromGuest`: the rule is in a chain of frames the guest sends, where a reject can be answered (see
    /// `NWFilterNFTables.rejectMark`).
    static func line(_ rule: NWFilterRule, swapped: Bool, fromGuest: Bool) throws(VirtError) -> String {
        var parts: [String] = []
        if let m = rule.match { parts = try matches(m, swapped: swapped) }
        let verdict: String
        switch rule.action {
        case .accept: verdict = "accept"
        case .reject where fromGuest && rule.match.map({ isIPTablesProtocol($0.proto) }) == true:
            // As libvirt's iptables REJECT: the sender gets ICMP (ICMPv6) port unreachable. The bridge marks the
            // frame; the IP layer's hooks answer and drop it.
            verdict = "meta mark set meta mark | \(hex(NWFilterNFTables.rejectMark)) accept"
        case .drop, .reject: verdict = "drop"  // libvirt's ebtables has no reject either: drop
        case .return: verdict = "return"
        case .continue: verdict = "continue"
        }
        return (parts + ["counter", verdict]).joined(separator: " ")
    }

    /// The protocols libvirt filters with iptables/ip6tables (its `tcp`, `udp`, `icmp`, ... `all` and their
    /// `-ipv6` forms), not ebtables: only their rules can reject.
    static func isIPTablesProtocol(_ p: NWFilterProtocol) -> Bool {
        switch p {
        case .arp, .rarp, .vlan, .stp, .ip, .ipv6, .mac: false
        default: true
        }
    }

    /// `src` and `dst` swap in the guest-outgoing copy of an `inout` rule.
    static func swap(_ name: String, _ swapped: Bool) -> String {
        guard swapped else { return name }
        if name.hasPrefix("src") { return "dst" + name.dropFirst(3) }
        if name.hasPrefix("dst") { return "src" + name.dropFirst(3) }
        if name.hasPrefix("arpsrc") { return "arpdst" + name.dropFirst(6) }
        if name.hasPrefix("arpdst") { return "arpsrc" + name.dropFirst(6) }
        return name
    }

    static func matches(_ m: NWFilterMatch, swapped: Bool) throws(VirtError) -> [String] {
        var out: [String] = []
        let p = m.proto
        switch p {
        case .arp: out.append("ether type arp")
        case .rarp: out.append("ether type 0x8035")
        case .vlan: out.append("ether type 8021q")
        case .stp: out.append("ether daddr 01:80:c2:00:00:00")
        case .ip: out.append("ether type ip")
        case .ipv6: out.append("ether type ip6")
        case .mac: break
        default:
            let v6 = p.isOverIPv6
            out.append(v6 ? "ether type ip6" : "ether type ip")
            let l4 = p.rawValue.hasSuffix("-ipv6") ? String(p.rawValue.dropLast(5)) : p.rawValue
            if l4 != "all" { out.append("meta l4proto \(l4 == "icmpv6" ? "ipv6-icmp" : l4)") }
        }
        let byName = Dictionary(m.attributes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for a in m.attributes {
            let name = swap(a.name, swapped)
            let op = a.negated ? "!= " : ""
            switch (name, a.value) {
            case (_, _) where name.hasSuffix("mask") || name == "comment" || name.hasSuffix("portend")
                || name == "srcipto" || name == "dstipto" || name == "typeend" || name == "codeend":
                continue  // read with their address, start or range beginning
            case ("srcmacaddr", .mac(let mac)), ("dstmacaddr", .mac(let mac)):
                let field = name == "srcmacaddr" ? "ether saddr" : "ether daddr"
                let maskName = swap(String(name.dropLast(4)) + "mask", swapped)
                if case .mac(let mask)? = byName[maskName]?.value {
                    out.append("\(field) & \(mask) \(a.negated ? "!=" : "==") \(mac)")
                } else {
                    out.append("\(field) \(op)\(mac)")
                }
            case ("protocolid", .number(let n, _)): out.append("ether type \(op)\(hex(n))")
            case ("vlanid", .number(let n, _)): out.append("vlan id \(op)\(n)")
            case ("encap-protocol", .number(let n, _)): out.append("vlan type \(op)\(hex(n))")
            case ("hwtype", .number(let n, _)): out.append("@nh,0,16 \(op)\(n)")
            case ("protocoltype", .number(let n, _)): out.append("@nh,16,16 \(op)\(n)")
            case ("opcode", .number(let n, _)): out.append("@nh,48,16 \(op)\(n)")
            case ("arpsrcmacaddr", .mac(let mac)): out.append("@nh,64,48 \(op)\(hex(mac.bytes))")
            case ("arpdstmacaddr", .mac(let mac)): out.append("@nh,144,48 \(op)\(hex(mac.bytes))")
            case ("arpsrcipaddr", .ip(let ip)), ("arpdstipaddr", .ip(let ip)):
                let offset = name == "arpsrcipaddr" ? 112 : 192
                let prefix = maskPrefix(byName[swap(String(name.dropLast(4)) + "mask", swapped)]) ?? 32
                let masked = hex(ip.masked(prefix).bytes)
                if prefix < 32 {
                    out.append("@nh,\(offset),32 & \(hex(IPAddress.netmask(prefix: prefix).bytes)) \(a.negated ? "!=" : "==") \(masked)")
                } else {
                    out.append("@nh,\(offset),32 \(op)\(masked)")
                }
            case ("srcipaddr", .ip(let ip)), ("dstipaddr", .ip(let ip)), ("srcipfrom", .ip(let ip)),
                ("dstipfrom", .ip(let ip)):
                let family = ip.isIPv4 ? "ip" : "ip6"
                let field = name.hasPrefix("src") ? "saddr" : "daddr"
                if name.hasSuffix("from") {
                    let toName = String(name.dropLast(4)) + "to"
                    guard case .ip(let to)? = byName[swap(toName, swapped)]?.value else {
                        out.append("\(family) \(field) \(op)\(ip)")
                        continue
                    }
                    out.append("\(family) \(field) \(op)\(ip)-\(to)")
                } else {
                    let prefix = maskPrefix(byName[swap(String(name.dropLast(4)) + "mask", swapped)])
                    let suffix = prefix.map { "/\($0)" } ?? ""
                    out.append("\(family) \(field) \(op)\(prefix.map { ip.masked($0).description } ?? ip.description)\(suffix)")
                }
            case ("protocol", .number(let n, _)):
                out.append(p == .ip ? "ip protocol \(op)\(n)" : "ip6 nexthdr \(op)\(n)")
            case ("srcportstart", .number(let n, _)), ("dstportstart", .number(let n, _)):
                let field = name.hasPrefix("src") ? "th sport" : "th dport"
                let endName = swap(String(name.dropLast(5)) + "end", swapped)
                if case .number(let e, _)? = byName[endName]?.value, e != n {
                    out.append("\(field) \(op)\(n)-\(e)")
                } else {
                    out.append("\(field) \(op)\(n)")
                }
            case ("dscp", .number(let n, _)): out.append("\(p.isOverIPv6 ? "ip6" : "ip") dscp \(op)\(n)")
            case ("type", .number(let n, _)), ("code", .number(let n, _)):
                let family = p.isOverIPv6 ? "icmpv6" : "icmp"
                let end = byName[name + "end"]
                if case .number(let e, _)? = end?.value, e != n {
                    out.append("\(family) \(name) \(op)\(n)-\(e)")
                } else {
                    out.append("\(family) \(name) \(op)\(n)")
                }
            case ("state", .text(let s)):
                let states = s.split(separator: ",").map { $0.lowercased() }.filter { $0 != "none" }
                if !states.isEmpty { out.append("ct state \(op){ \(states.joined(separator: ", ")) }") }
            case ("flags", .text(let s)) where p == .tcp:
                out.append(try tcpFlags(s))
            default:
                throw unsupported("attribute '\(a.name)' of <\(p.rawValue)>")
            }
        }
        return out
    }

    static func maskPrefix(_ a: NWFilterAttribute?) -> Int? {
        if case .prefix(let n)? = a?.value { return n }
        return nil
    }

    static func hex(_ n: UInt32) -> String { "0x" + String(n, radix: 16) }

    static func hex(_ bytes: [UInt8]) -> String {
        "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// `MASK/FLAGS` (e.g. `SYN,ACK/SYN`) as a masked comparison of the TCP flags.
    static func tcpFlags(_ s: String) throws(VirtError) -> String {
        let halves = s.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { throw unsupported("tcp flags '\(s)'") }
        func set(_ t: Substring) -> String {
            let all = ["fin", "syn", "rst", "psh", "ack", "urg"]
            let words = t.split(separator: ",").map { $0.lowercased() }
            if words.contains("all") { return "(" + all.joined(separator: " | ") + ")" }
            let chosen = words.filter { all.contains($0) }
            return chosen.isEmpty ? "0x0" : "(" + chosen.joined(separator: " | ") + ")"
        }
        return "tcp flags & \(set(halves[0])) == \(set(halves[1]))"
    }
}
