import Glibc

extension NWFilterXML {
    /// `<rule>`: its attributes, then the first protocol element (and any more of the same name, read into it).
    static func rule(_ e: XMLElement) throws(VirtError) -> NWFilterRule {
        func word<T: RawRepresentable<String>>(_ name: String, _ type: T.Type) throws(VirtError) -> T {
            guard let w = e[attribute: name] else {
                throw error(.internalError, "rule node requires \(name) attribute")
            }
            guard let v = T(rawValue: w) else {
                throw error(.configUnsupported, "unknown rule \(name) attribute value")
            }
            return v
        }
        var rule = NWFilterRule(
            action: try word("action", NWFilterRule.Action.self),
            direction: try word("direction", NWFilterRule.Direction.self))
        if let p = e[attribute: "priority"].flatMap({ Int32($0) }), (-1000...1000).contains(p) { rule.priority = Int(p) }
        if let s = e[attribute: "statematch"], s == "0" || s.lowercased() == "false" { rule.noStateMatch = true }
        for child in e.childElements {
            guard let proto = rule.match?.proto ?? NWFilterProtocol(rawValue: child.name), proto.rawValue == child.name
            else { continue }
            var match = rule.match ?? NWFilterMatch(proto: proto)
            try readAttributes(child, into: &match)
            try validatePorts(match)
            rule.match = match
        }
        if var m = rule.match {
            fixUp(&m)
            rule.match = m
        }
        return rule
    }

    /// Reads the element's attributes of its protocol's table; the last one that does not read is the error.
    static func readAttributes(_ e: XMLElement, into match: inout NWFilterMatch) throws(VirtError) {
        let negated = e[attribute: "match"] == "no"
        var failure: VirtError?
        for spec in NWFilterAttributes.specs(match.proto) {
            guard let text = e[attribute: spec.name] else { continue }
            guard let value = NWFilterValueReader.read(text, as: spec.kind) else {
                failure = error(.internalError, "\(spec.name) has illegal value \(text)")
                continue
            }
            let attribute = NWFilterAttribute(name: spec.name, value: value, negated: negated)
            if let i = match.attributes.firstIndex(where: { $0.name == spec.name }) {
                match.attributes[i] = attribute
            } else {
                match.attributes.append(attribute)
            }
        }
        if let failure { throw failure }
        let order = NWFilterAttributes.specs(match.proto).map(\.name)
        match.attributes.sort { order.firstIndex(of: $0.name)! < order.firstIndex(of: $1.name)! }
    }

    /// An `<ip>`/`<ipv6>` rule with ports must name TCP, UDP, DCCP or SCTP.
    static func validatePorts(_ m: NWFilterMatch) throws(VirtError) {
        guard m.proto == .ip || m.proto == .ipv6 else { return }
        guard m.attributes.contains(where: { $0.name.hasSuffix("portstart") || $0.name.hasSuffix("portend") }) else {
            return
        }
        if case .number(let p, _)? = m["protocol"]?.value, [6, 17, 33, 132].contains(p) { return }
        throw error(
            .internalError,
            "\(m.proto == .ip ? "IP" : "IPv6") rule with port specification requires protocol specification with "
                + "protocol to be either one of tcp(6), udp(17), dccp(33), or sctp(132)")
    }

    /// As libvirt after reading: some attributes take their sense from another (a mask from its address, a range
    /// end or a destination port from the source port); an ipset without flags gets `src`, and otherwise the
    /// ipset attributes are dropped (but for `all`).
    static func fixUp(_ m: inout NWFilterMatch) {
        let negation = Dictionary(m.attributes.map { ($0.name, $0.negated) }, uniquingKeysWith: { a, _ in a })
        for (target, source) in senseSources(m.proto) {
            guard let i = m.attributes.firstIndex(where: { $0.name == target }) else { continue }
            m.attributes[i].negated = negation[source] ?? false
        }
        guard ![.arp, .rarp, .mac, .vlan, .stp, .all, .allIPv6].contains(m.proto) else { return }
        if m["ipset"] != nil && m["ipsetflags"] == nil {
            let i = m.attributes.firstIndex { $0.name == "ipset" }! + 1
            m.attributes.insert(NWFilterAttribute(name: "ipsetflags", value: .text("src")), at: i)
        } else {
            m.attributes.removeAll { $0.name == "ipset" || $0.name == "ipsetflags" }
        }
    }

    /// (attribute, the attribute whose sense it takes) per protocol, as libvirt's fix-up pairs them.
    static func senseSources(_ p: NWFilterProtocol) -> [(String, String)] {
        let macMasks = [("srcmacmask", "srcmacaddr"), ("dstmacmask", "dstmacaddr")]
        let ipMasks = [("srcipmask", "srcipaddr"), ("dstipmask", "dstipaddr")]
        let l4 = ipMasks + [("srcipto", "srcipfrom"), ("dstipto", "dstipfrom")]
        let ports = [("srcportend", "srcportstart"), ("dstportstart", "srcportstart"), ("dstportend", "srcportstart")]
        switch p {
        case .mac, .vlan: return macMasks
        case .stp:
            return [("srcmacmask", "srcmacaddr")]
                + ["root-priority", "root-cost", "sender-priority", "port", "age", "max-age", "hello-time", "forward-delay"]
                .map { ($0 + "-hi", $0) } + [("root-address-mask", "root-address"), ("sender-address-mask", "sender-address")]
        case .ip: return ipMasks
        case .ipv6: return ipMasks + [("typeend", "type"), ("code", "type"), ("codeend", "type")]
        case .arp, .rarp: return []
        case .tcp, .udp, .sctp, .tcpIPv6, .udpIPv6, .sctpIPv6: return l4 + ports
        case .icmp, .icmpv6: return l4 + [("code", "type")]
        case .udplite, .esp, .ah, .igmp, .all, .udpliteIPv6, .espIPv6, .ahIPv6, .allIPv6: return l4
        }
    }
}

/// Reads one attribute value as libvirt tries its data types, in their order.
enum NWFilterValueReader {
    static func read(_ text: String, as kind: NWFilterAttributeKind) -> NWFilterValue? {
        if text.hasPrefix("$") { return variable(String(text.dropFirst())) }
        switch kind {
        case .number(let max, let hexAllowed):
            return number(text, max: max, hexAllowed: hexAllowed)
        case .vlanID:
            guard case .number(let v, _)? = number(text, max: 0xFFFF, hexAllowed: true), v <= 4095 else { return nil }
            return number(text, max: 0xFFFF, hexAllowed: true)
        case .dscp:
            guard case .number(let v, _)? = number(text, max: 0xFF, hexAllowed: true), v <= 63 else { return nil }
            return number(text, max: 0xFF, hexAllowed: true)
        case .etherType(let min):
            if let n = number(text, max: 0xFFFF, hexAllowed: true) {
                guard case .number(let v, _) = n, v >= min else { return nil }
                return n
            }
            return named(text, NWFilterAttributes.etherTypes)
        case .arpOpcode:
            return number(text, max: 0xFFFF, hexAllowed: true) ?? named(text, NWFilterAttributes.arpOpcodes)
        case .ipProtocol:
            return number(text, max: 0xFF, hexAllowed: true) ?? named(text, NWFilterAttributes.ipProtocols)
        case .mac:
            return MACAddress(string: text).map(NWFilterValue.mac)
        case .macMask:
            guard let m = MACAddress(string: text), isContiguousMask(m.bytes) else { return nil }
            return .mac(m)
        case .ipv4, .ipv6:
            guard let a = IPAddress(text), a.isIPv4 == (kind == .ipv4) else { return nil }
            return .ip(a)
        case .ipv4Mask, .ipv6Mask:
            let bits = kind == .ipv4Mask ? 32 : 128
            if let n = UInt32(text) { return n <= bits ? .prefix(Int(n)) : nil }
            guard let a = IPAddress(text), a.bytes.count * 8 == bits, isContiguousMask(a.bytes) else { return nil }
            return .prefix(a.bytes.reduce(0) { $0 + $1.nonzeroBitCount })
        case .comment:
            return text.utf8.count <= 256 ? .text(text) : nil
        case .boolean:
            return .boolean(["true", "1", "yes"].contains(text))
        case .opaque:
            return .text(text)
        }
    }

    /// Decimal first, then (when allowed) hexadecimal with or without `0x`, as strtoul reads them.
    static func number(_ text: String, max: UInt32, hexAllowed: Bool) -> NWFilterValue? {
        if let v = UInt64(text), v <= UInt64(max) { return .number(UInt32(v), hex: false) }
        if UInt64(text) != nil { return nil }
        guard hexAllowed else { return nil }
        var digits = Substring(text)
        if digits.lowercased().hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard let v = UInt64(digits, radix: 16), v <= UInt64(max) else { return nil }
        return .number(UInt32(v), hex: true)
    }

    static func named(_ text: String, _ table: [(String, UInt32)]) -> NWFilterValue? {
        table.first { $0.0 == text }.map { .number($0.1, hex: true) }
    }

    /// `NAME`, `NAME[N]` or `NAME[@N]` (iterator 0 is the plain name).
    static func variable(_ s: String) -> NWFilterValue? {
        let name = s.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        let rest = s.dropFirst(name.count)
        if rest.isEmpty { return .variable(name: String(name), access: "") }
        guard rest.first == "[" else { return nil }
        var inner = rest.dropFirst().drop { $0 == " " }
        let iterator = inner.first == "@"
        if iterator { inner = inner.dropFirst() }
        let digits = inner.prefix { $0.isASCII && $0.isNumber }
        guard let n = UInt32(digits), inner.dropFirst(digits.count).drop(while: { $0 == " " }) == "]" else {
            return nil
        }
        if iterator && n > 1000 { return nil }
        let access = iterator ? (n == 0 ? "" : "[@\(n)]") : "[\(n)]"
        return .variable(name: String(name), access: access)
    }

    /// Ones then zeros, bit by bit.
    static func isContiguousMask(_ bytes: [UInt8]) -> Bool {
        var seenZero = false
        for b in bytes {
            for bit in (0..<8).reversed() {
                let one = b & (1 << bit) != 0
                if one && seenZero { return false }
                if !one { seenZero = true }
            }
        }
        return true
    }
}
