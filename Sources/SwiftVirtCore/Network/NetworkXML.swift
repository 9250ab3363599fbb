/// libvirt network XML (`<network>`): parsed with libvirt 9.0's own checks (virNetworkDefParseXML, in its order,
/// with its error codes; the network driver's further checks are `NetworkValidation`), printed as libvirt prints it
/// (`NetworkXMLFormatter`).
public enum NetworkXML {
    /// The namespace of `<dnsmasq:options>`.
    public static let dnsmasqNamespace = "http://libvirt.org/schemas/network/dnsmasq/1.0"

    /// Parses `<network>` text. A missing `<uuid>` gets a random one.
    public static func parse(_ text: String) throws(NetworkXMLError) -> NetworkDefinition {
        let root: XMLElement
        do {
            root = try XMLParser.parse(text)
        } catch {
            throw NetworkXMLError(
                .xmlDetail, element: "network", line: error.position.line,
                "column \(error.position.column): \(error.message)", domain: .xml)
        }
        guard root.name == "network" else {
            throw NetworkXMLError(
                .xmlError, element: root.name, line: root.position.line,
                "unexpected root element <\(root.name)>, expecting <network>")
        }
        return try parse(root)
    }

    static func parse(_ root: XMLElement) throws(NetworkXMLError) -> NetworkDefinition {
        var r = NetworkElementReader(root, path: "network", network: "")
        _ = r.string("connections")  // a live counter libvirt prints; meaningless in a definition
        let nameElement = root.childElements.first { $0.name == "name" }
        let name =
            try r.child("name") { c throws(NetworkXMLError) in c.text() } ?? ""
        if name.isEmpty { throw .noName(line: nameElement?.position.line ?? root.position.line) }
        r.network = name
        if name.contains("/") {
            throw NetworkXMLError(
                .xmlDetail, element: "network/name", line: nameElement?.position.line, "invalid char in name: /",
                domain: .xml)
        }
        var n = NetworkDefinition(name: name, uuid: DomainUUID.random())
        if let u = try r.child("uuid", { c throws(NetworkXMLError) in
            let t = c.text()
            guard let u = DomainUUID(string: t.trimmingWhitespace()) else {
                throw c.error(.internalError, "malformed uuid element")
            }
            return u
        }) {
            n.uuid = u
        }
        if let v = r.string("ipv6") {
            guard v == "yes" || v == "no" else {
                throw r.error(.xmlError, attribute: "ipv6", "Invalid ipv6 setting '\(v)' in network '\(name)'")
            }
            n.ipv6WithoutGateway = v == "yes"
        }
        n.trustGuestRxFilters = try r.yesNo("trustGuestRxFilters")
        n.domain = try r.child("domain") { c throws(NetworkXMLError) in
            NetworkDomain(name: try c.required("name"), localOnly: try c.yesNo("localOnly"))
        }
        n.bandwidth = try r.child("bandwidth") { c throws(NetworkXMLError) in try bandwidth(&c) } ?? nil
        n.vlan = try r.child("vlan") { c throws(NetworkXMLError) in try vlan(&c) }
        n.isolatedPort = try r.child("port") { c throws(NetworkXMLError) in try c.yesNo("isolated") } ?? nil
        n.bridge = try r.child("bridge") { c throws(NetworkXMLError) in try bridge(&c) }
        n.mac = try r.child("mac") { c throws(NetworkXMLError) in
            let v = try c.required("address")
            guard let m = MACAddress(string: v) else {
                throw c.error(.xmlError, attribute: "address", "Invalid bridge mac address '\(v)' in network '\(name)'")
            }
            if m.isMulticast {
                throw c.error(
                    .xmlError, attribute: "address", "Invalid multicast bridge mac address '\(v)' in network '\(name)'")
            }
            return m
        }
        n.mtu = try r.child("mtu") { c throws(NetworkXMLError) in
            let v = try c.required("size")
            guard let size = UInt32(v) else {
                throw c.error(.xmlError, attribute: "size", "Invalid mtu size '\(v)' in network '\(name)'")
            }
            return size == 0 ? nil : Int(size)  // libvirt keeps 0 as "no mtu"
        } ?? nil
        n.dns = try r.child("dns") { c throws(NetworkXMLError) in try dns(&c) } ?? NetworkDNS()
        n.virtualPort = try r.child("virtualport") { c throws(NetworkXMLError) in
            try virtualPort(&c, requireType: true)
        } ?? nil
        n.portGroups = try r.children("portgroup") { c throws(NetworkXMLError) in try portGroup(&c) }
        n.ips = try r.children("ip") { c throws(NetworkXMLError) in try ip(&c) }
        n.routes = try r.children("route") { c throws(NetworkXMLError) in try route(&c) }
        try checkRouteGateways(n, r)
        n.forward = try r.child("forward") { c throws(NetworkXMLError) in try forward(&c) }
        try checkForwardMode(n, r)
        n.metadata = try r.kept("metadata")
        n.dnsmasqOptions = try dnsmasqOptions(&r)
        try r.finish()
        return n
    }

    private static func bridge(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkBridge {
        var b = NetworkBridge(name: c.string("name"))
        b.zone = c.string("zone")
        if let stp = c.string("stp") {
            guard stp == "on" || stp == "off" else { throw c.invalidValue("stp", stp, " Expected 'on' or 'off'") }
            b.stp = stp == "on"
        }
        if let d = c.string("delay") {
            guard let v = UInt64(d) else {
                throw c.error(.xmlError, attribute: "delay", "Invalid delay value in network '\(c.network)'")
            }
            b.delay = v
        }
        if let m = c.string("macTableManager") {
            guard let v = NetworkBridge.MACTableManager(rawValue: m) else {
                throw c.error(
                    .xmlError, attribute: "macTableManager",
                    "Invalid macTableManager setting '\(m)' in network '\(c.network)'")
            }
            b.macTableManager = v
        }
        return b
    }

    /// Every static route's gateway must be on one of the network's subnets (libvirt checks at parse time).
    private static func checkRouteGateways(_ n: NetworkDefinition, _ r: NetworkElementReader) throws(NetworkXMLError) {
        let lines = r.element.childElements.filter { $0.name == "route" }.map(\.position.line)
        for (i, route) in n.routes.enumerated() {
            let reachable = n.ips.contains { ip in
                ip.address.isIPv4 == route.gateway.isIPv4 && ip.effectivePrefix.map {
                    route.gateway.masked($0) == ip.address.masked($0)
                } ?? false
            }
            if !reachable {
                throw NetworkXMLError(
                    .configUnsupported, element: "network/route", attribute: "gateway", line: lines[i],
                    "unreachable static route gateway '\(route.gateway)' specified for network '\(n.name)'")
            }
        }
    }

    /// What the forward mode allows of the rest of the definition (libvirt's checks after parsing `<forward>`).
    private static func checkForwardMode(_ n: NetworkDefinition, _ r: NetworkElementReader) throws(NetworkXMLError) {
        func fail(_ element: String, _ reason: String) -> NetworkXMLError {
            let line = r.element.childElements.first { $0.name == element }?.position.line ?? r.line
            return NetworkXMLError(.xmlError, element: "network/" + element, line: line, reason)
        }
        guard let f = n.forward else { return }
        let mode = f.mode.rawValue
        switch f.mode {
        case .nat, .route, .open:
            if n.ips.isEmpty {
                throw fail("forward", "\(mode) forwarding requested, but no IP address provided for network '\(n.name)'")
            }
            if f.interfaces.count > 1 {
                throw fail(
                    "forward",
                    "multiple forwarding interfaces specified for network '\(n.name)', only one is supported")
            }
            if f.mode == .open && !f.interfaces.isEmpty {
                throw fail("forward", "forward dev not allowed for network '\(n.name)' with forward mode='open'")
            }
        case .bridge, .private, .vepa, .passthrough, .hostdev:
            if f.mode != .bridge {
                if n.bridge?.name != nil {
                    throw fail("bridge", "bridge name not allowed in \(mode) mode (network '\(n.name)')")
                }
                if n.bridge?.zone != nil {
                    throw fail("bridge", "bridge zone not allowed in \(mode) mode (network '\(n.name)')")
                }
                if n.bridge?.macTableManager != nil {
                    throw fail(
                        "bridge", "bridge macTableManager setting not allowed in \(mode) mode (network '\(n.name)')")
                }
            }
            if (n.bridge?.delay ?? 0) != 0 || n.bridge?.stp != nil || n.bridge?.zone != nil {
                throw fail(
                    "bridge",
                    "bridge delay/stp/zone options only allowed in route, nat, and isolated mode, not in \(mode) "
                        + "(network '\(n.name)')")
            }
            if n.bridge?.name != nil && (!f.interfaces.isEmpty || f.pf != nil) {
                throw fail(
                    "forward",
                    "A network with forward mode='\(mode)' can specify a bridge name or a forward dev, but not both "
                        + "(network '\(n.name)')")
            }
            if n.mtu != nil {
                throw fail(
                    "mtu",
                    "mtu size only allowed in open, route, nat, and isolated mode, not in \(mode) (network '\(n.name)')")
            }
        }
    }

    /// `<dnsmasq:options>`, under whatever prefix the document binds to the dnsmasq namespace.
    private static func dnsmasqOptions(_ r: inout NetworkElementReader) throws(NetworkXMLError) -> [String] {
        let prefixes = r.element.attributes.filter { $0.name.hasPrefix("xmlns:") && $0.value == dnsmasqNamespace }
            .map { String($0.name.dropFirst("xmlns:".count)) }
        var options: [String] = []
        for prefix in prefixes {
            let found =
                try r.child(prefix + ":options") { c throws(NetworkXMLError) in
                    try c.children(prefix + ":option") { o throws(NetworkXMLError) in
                        try o.required("value", code: .internalError, "No dnsmasq options value specified")
                    }
                } ?? []
            options += found
        }
        return options
    }
}
