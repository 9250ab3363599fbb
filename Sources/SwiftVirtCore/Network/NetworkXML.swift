/// libvirt network XML (`<network>`) for the subset SwiftVirt runs. Errors reuse `DomainXMLError`, which names
/// the element path (below `<network>`), the attribute and the line.
public enum NetworkXML {
    /// Parses and validates `<network>` text. A missing `<uuid>` gets a random one.
    public static func parse(_ text: String) throws(DomainXMLError) -> NetworkDefinition {
        let root: XMLElement
        do {
            root = try XMLParser.parse(text)
        } catch {
            throw .malformed(line: error.position.line, column: error.position.column, message: error.message)
        }
        guard root.name == "network" else {
            throw .invalidValue(
                element: root.name, attribute: nil, value: root.name, line: root.position.line,
                reason: "expected root element <network>")
        }
        var r = ElementReader(root, path: "network")
        _ = r.string("connections")  // a live counter libvirt prints; meaningless in a definition
        let name = try r.childText("name")?.trimmingWhitespace() ?? ""
        if name.isEmpty { throw .missing(element: "network/name", attribute: nil, line: r.line) }
        var uuid = DomainUUID.random()
        if let u = try r.child(
            "uuid",
            { c throws(DomainXMLError) in
                let t = c.text().trimmingWhitespace()
                guard let u = DomainUUID(string: t) else {
                    throw .invalidValue(
                        element: "network/uuid", attribute: nil, value: t, line: c.line, reason: "not a UUID")
                }
                return u
            })
        {
            uuid = u
        }
        var n = NetworkDefinition(name: name, uuid: uuid)
        n.bridge = try r.child("bridge") { c throws(DomainXMLError) in
            var b = NetworkBridge(name: c.string("name"))
            if let a = c.attribute("stp") {
                guard a.value == "on" || a.value == "off" else { throw c.invalid(a, "expected 'on' or 'off'") }
                b.stp = a.value == "on"
            }
            b.delay = try c.integer("delay", in: 0...Int(UInt32.max))
            return b
        }
        n.mtu = try r.child("mtu") { c throws(DomainXMLError) in try c.requiredInteger("size", in: 68...65535) }
        n.mac = try r.child("mac") { c throws(DomainXMLError) in
            let a = c.attribute("address")
            guard let a else { throw .missing(element: "network/mac", attribute: "address", line: c.line) }
            guard let m = MACAddress(string: a.value), !m.isMulticast else {
                throw c.invalid(a, "expected a unicast MAC address")
            }
            return m
        }
        n.forward = try r.child("forward") { c throws(DomainXMLError) in try forward(&c) }
        n.domainName = try r.child("domain") { c throws(DomainXMLError) in try c.requiredString("name") }
        n.dnsHosts =
            try r.child("dns") { c throws(DomainXMLError) in
                try c.children("host") { h throws(DomainXMLError) in try dnsHost(&h) }
            } ?? []
        n.ips = try r.children("ip") { c throws(DomainXMLError) in try ip(&c) }
        try r.finish()
        try NetworkValidation.validate(n, lines: root)
        return n
    }

    private static func forward(_ c: inout ElementReader) throws(DomainXMLError) -> NetworkForward {
        let mode: NetworkForward.Mode =
            try c.enumeration("mode", unsupported: ["passthrough", "private", "vepa", "hostdev"]) ?? .nat
        var f = NetworkForward(mode: mode, dev: c.string("dev"))
        f.natPorts =
            try c.child("nat") { nat throws(DomainXMLError) in
                try nat.child("port") { p throws(DomainXMLError) in
                    let start = try p.requiredInteger("start", in: 1...65535)
                    let end = try p.requiredInteger("end", in: 1...65535)
                    guard start <= end else {
                        throw .inconsistent(
                            element: p.path, line: p.line, reason: "port range start \(start) is after end \(end)")
                    }
                    return start...end
                }
            } ?? nil
        if f.natPorts != nil && mode != .nat {
            throw .inconsistent(element: "network/forward/nat", line: c.line, reason: "only allowed with mode='nat'")
        }
        return f
    }

    static func ipAttribute(_ c: inout ElementReader, _ attribute: String, required: Bool) throws(DomainXMLError)
        -> IPAddress?
    {
        guard let a = c.attribute(attribute) else {
            if required { throw .missing(element: c.path, attribute: attribute, line: c.line) }
            return nil
        }
        guard let ip = IPAddress(a.value) else { throw c.invalid(a, "not an IPv4 or IPv6 address") }
        return ip
    }

    private static func ip(_ c: inout ElementReader) throws(DomainXMLError) -> NetworkIP {
        let address = try ipAttribute(&c, "address", required: true)!
        let family = c.attribute("family")
        if let family, family.value != "ipv4" && family.value != "ipv6" {
            throw c.invalid(family, "expected 'ipv4' or 'ipv6'")
        }
        if let family, (family.value == "ipv4") != address.isIPv4 {
            throw c.invalid(family, "does not match address \(address)")
        }
        var prefix: Int
        var asNetmask = false
        if let mask = c.attribute("netmask") {
            guard address.isIPv4, let p = IPAddress.prefixLength(ofNetmask: mask.value) else {
                throw c.invalid(mask, "expected a contiguous IPv4 netmask")
            }
            prefix = p
            asNetmask = true
            if c.attribute("prefix") != nil {
                throw .inconsistent(element: c.path, line: c.line, reason: "both netmask and prefix given")
            }
        } else {
            prefix = try c.integer("prefix", in: 0...(address.isIPv4 ? 32 : 128)) ?? (address.isIPv4 ? 24 : 64)
        }
        var ip = NetworkIP(address: address, prefix: prefix, writtenAsNetmask: asNetmask)
        try c.child("dhcp") { d throws(DomainXMLError) in
            ip.dhcpRanges = try d.children("range") { r throws(DomainXMLError) in
                DHCPRange(
                    start: try ipAttribute(&r, "start", required: true)!,
                    end: try ipAttribute(&r, "end", required: true)!)
            }
            ip.dhcpHosts = try d.children("host") { h throws(DomainXMLError) in
                var mac: MACAddress?
                if let a = h.attribute("mac") {
                    guard let m = MACAddress(string: a.value) else { throw h.invalid(a, "not a MAC address") }
                    mac = m
                }
                _ = h.string("id")  // DHCPv6 client id: accepted, not used
                return DHCPHost(mac: mac, name: h.string("name"), ip: try ipAttribute(&h, "ip", required: false))
            }
        }
        return ip
    }

    /// Prints the definition as libvirt does (element order name, uuid, forward, bridge, mtu, mac, domain, dns, ip).
    public static func format(_ n: NetworkDefinition, connections: Int? = nil) -> String {
        var w = XMLWriter()
        w.element("network", [("connections", connections.map(String.init))]) { w in
            w.text("name", n.name)
            w.text("uuid", n.uuid.description)
            if let f = n.forward {
                w.element("forward", [("mode", f.mode.rawValue), ("dev", f.dev)]) { w in
                    if let p = f.natPorts {
                        w.element("nat") { w in
                            w.empty("port", [("start", String(p.lowerBound)), ("end", String(p.upperBound))])
                        }
                    }
                }
            }
            if let b = n.bridge {
                w.empty(
                    "bridge",
                    [("name", b.name), ("stp", b.stp.map { $0 ? "on" : "off" }), ("delay", b.delay.map(String.init))])
            }
            if let m = n.mtu { w.empty("mtu", [("size", String(m))]) }
            if let m = n.mac { w.empty("mac", [("address", m.description)]) }
            if let d = n.domainName { w.empty("domain", [("name", d)]) }
            if !n.dnsHosts.isEmpty {
                w.element("dns") { w in
                    for h in n.dnsHosts {
                        w.element("host", [("ip", h.ip.description)]) { w in
                            for name in h.hostnames { w.text("hostname", name) }
                        }
                    }
                }
            }
            for ip in n.ips { formatIP(&w, ip) }
        }
        return w.output
    }

    private static func formatIP(_ w: inout XMLWriter, _ ip: NetworkIP) {
        var attrs: [XMLWriter.Attr] = []
        if !ip.address.isIPv4 { attrs.append(("family", "ipv6")) }
        attrs.append(("address", ip.address.description))
        if ip.writtenAsNetmask {
            attrs.append(("netmask", IPAddress.netmask(prefix: ip.prefix).description))
        } else {
            attrs.append(("prefix", String(ip.prefix)))
        }
        w.element("ip", attrs) { w in
            if ip.dhcpRanges.isEmpty && ip.dhcpHosts.isEmpty { return }
            w.element("dhcp") { w in
                for r in ip.dhcpRanges {
                    w.empty("range", [("start", r.start.description), ("end", r.end.description)])
                }
                for h in ip.dhcpHosts { w.empty("host", dhcpHostAttributes(h)) }
            }
        }
    }

    /// Attribute list of `<host>`, shared with net-update's parsing round trip.
    static func dhcpHostAttributes(_ h: DHCPHost) -> [XMLWriter.Attr] {
        [("mac", h.mac?.description), ("name", h.name), ("ip", h.ip?.description)]
    }

    /// Parses one `<host mac name ip/>` (the XML `net-update ... ip-dhcp-host` sends).
    public static func parseDHCPHost(_ text: String) throws(DomainXMLError) -> DHCPHost {
        var r = try fragment(text, element: "host", path: "network/ip/dhcp/host", section: "ip-dhcp-host")
        var mac: MACAddress?
        if let a = r.attribute("mac") {
            guard let m = MACAddress(string: a.value) else { throw r.invalid(a, "not a MAC address") }
            mac = m
        }
        let host = DHCPHost(mac: mac, name: r.string("name"), ip: try ipAttribute(&r, "ip", required: false))
        try r.finish()
        if host.mac == nil && host.name == nil {
            throw .missing(element: "network/ip/dhcp/host", attribute: "mac", line: r.line)
        }
        return host
    }
}
