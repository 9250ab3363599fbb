/// `<ip>` with its DHCP and TFTP settings, and `<route>` (libvirt's virNetworkIPDefParseXML, its DHCP parsers and
/// virNetDevIPRouteParseXML: same checks, same codes).
extension NetworkXML {
    static func ip(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkIP {
        let name = c.network
        let family = c.string("family")
        let text = try c.required("address", "Missing required address attribute in network '\(name)'")
        guard let address = IPAddress(text) else {
            throw c.error(.xmlError, attribute: "address", "Invalid address '\(text)' in network '\(name)'")
        }
        let netmask = try c.address("netmask") { "Invalid netmask '\($0)' in network '\(name)'" }
        let prefix = try c.unsigned("prefix").map { Int($0) }
        var ip = NetworkIP(address: address, prefix: prefix, netmask: netmask)
        ip.family = family
        ip.localPTR = try c.yesNo("localPtr")
        switch family {
        case nil, "ipv4"?:
            guard address.isIPv4 else {
                throw c.error(
                    .configUnsupported, attribute: "address",
                    "\(family == nil ? "no" : "ipv4") family specified for non-IPv4 address '\(text)' in network "
                        + "'\(name)'")
            }
            if let netmask {
                guard netmask.isIPv4 else {
                    throw c.error(
                        .configUnsupported, attribute: "netmask",
                        "Invalid netmask '\(netmask)' for address '\(text)' in network '\(name)' (both must be IPv4)")
                }
                if (prefix ?? 0) > 0 {
                    throw c.error(
                        .configUnsupported, attribute: "prefix",
                        "Network '\(name)' IP address cannot have both a prefix and a netmask")
                }
            } else if let prefix, prefix > 32 {
                throw c.error(
                    .configUnsupported, attribute: "prefix", "Invalid IPv4 prefix '\(prefix)' in network '\(name)'")
            }
        case "ipv6"?:
            guard !address.isIPv4 else {
                throw c.error(
                    .configUnsupported, attribute: "address",
                    "Family 'ipv6' specified for non-IPv6 address '\(text)' in network '\(name)'")
            }
            if netmask != nil {
                throw c.error(
                    .configUnsupported, attribute: "netmask",
                    "netmask not allowed for IPv6 address '\(text)' in network '\(name)'")
            }
            if let prefix, prefix > 128 {
                throw c.error(
                    .configUnsupported, attribute: "prefix", "Invalid IPv6 prefix '\(prefix)' in network '\(name)'")
            }
        case let other?:
            throw c.error(.xmlError, attribute: "family", "Unrecognized family '\(other)' in network '\(name)'")
        }
        try c.child("dhcp") { d throws(NetworkXMLError) in try dhcp(&d, into: &ip) }
        ip.tftpRoot = try c.child("tftp") { t throws(NetworkXMLError) in
            if !address.isIPv4 {
                throw t.error(
                    .configUnsupported, "Unsupported <tftp> element in an IPv6 element in network '\(name)'")
            }
            return try t.required("root")
        }
        return ip
    }

    private static func dhcp(_ d: inout NetworkElementReader, into ip: inout NetworkIP) throws(NetworkXMLError) {
        let name = d.network
        let current = ip
        ip.dhcpRanges = try d.children("range") { r throws(NetworkXMLError) in
            let start = try r.required("start", "Missing 'start' attribute in dhcp range for network '\(name)'")
            guard let s = IPAddress(start) else { throw r.error(.systemError, attribute: "start", unparsable(start), domain: .none) }
            let end = try r.required("end", "Missing 'end' attribute in dhcp range for network '\(name)'")
            guard let e = IPAddress(end) else { throw r.error(.systemError, attribute: "end", unparsable(end), domain: .none) }
            if let why = rangeProblem(s, e, in: current) { throw r.error(.internalError, why, domain: .none) }
            return DHCPRange(start: s, end: e, lease: try r.child("lease") { l throws(NetworkXMLError) in try lease(&l) })
        }
        ip.dhcpHosts = try d.children("host") { h throws(NetworkXMLError) in try dhcpHost(&h, in: current) }
        ip.bootp = try d.child("bootp") { b throws(NetworkXMLError) in
            let file = try b.required("file")
            let server = try b.string("server").map { v throws(NetworkXMLError) in
                guard let a = IPAddress(v) else { throw b.error(.systemError, attribute: "server", unparsable(v), domain: .none) }
                return a
            }
            return DHCPBootp(file: file, server: server)
        }
    }

    /// virSocketAddrParse's words for text that is not an address.
    static func unparsable(_ text: String) -> String {
        "Cannot parse socket address '\(text)': Name or service not known"
    }

    /// libvirt's checks of a DHCP range against its `<ip>` (virSocketAddrGetRange); nil when fine.
    static func rangeProblem(_ s: IPAddress, _ e: IPAddress, in ip: NetworkIP) -> String? {
        let net = ip.address
        guard s.isIPv4 == e.isIPv4 else { return "mismatch of address family in range \(s) - \(e)" }
        guard s.isIPv4 == net.isIPv4 else { return "mismatch of address family in range \(s) - \(e) for network \(net)" }
        guard let prefix = ip.effectivePrefix else {
            return "bad prefix -1 for network \(net) when  checking range \(s) - \(e)"
        }
        let subnet = IPSubnet(address: net, prefix: prefix)
        if !subnet.contains(s) || !subnet.contains(e) {
            return "range \(s) - \(e) is not entirely within network \(net)/\(prefix)"
        }
        if s.isIPv4 {
            if s == subnet.network {
                return "start of range \(s) - \(e) in network \(net)/\(prefix) is the network address"
            }
            let broadcast = IPAddress(bytes: zip(subnet.network.bytes, IPAddress.netmask(prefix: prefix).bytes).map {
                $0 | ~$1
            })
            if e == broadcast {
                return "end of range \(s) - \(e) in network \(net)/\(prefix) is the broadcast address"
            }
        }
        return rangeProblem(s, e)
    }

    /// `<host mac id name ip>` of `<dhcp>`. `partial` (net-update's delete) needs only one of mac, name, ip.
    static func dhcpHost(_ h: inout NetworkElementReader, in ip: NetworkIP, partial: Bool = false)
        throws(NetworkXMLError) -> DHCPHost
    {
        let name = h.network
        let v6 = !ip.address.isIPv4
        var mac: MACAddress?
        if let m = h.string("mac") {
            if v6 {
                throw h.error(
                    .xmlError, attribute: "mac",
                    "Invalid to specify MAC address '\(m)' in network '\(name)' IPv6 static host definition")
            }
            guard let parsed = MACAddress(string: m) else {
                throw h.error(.xmlError, attribute: "mac", "Cannot parse MAC address '\(m)' in network '\(name)'")
            }
            if parsed.isMulticast {
                throw h.error(
                    .xmlError, attribute: "mac",
                    "expected unicast mac address, found multicast '\(m)' in network '\(name)'")
            }
            mac = parsed
        }
        let id = h.string("id")
        if let id, let bad = id.first(where: { !($0.isHexDigit || $0 == ":") }) {
            throw h.error(.xmlError, attribute: "id", "Invalid character '\(bad)' in id '\(id)' of network '\(name)'")
        }
        let hostName = h.string("name")
        if let hostName, !(hostName.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } ?? false) {
            throw h.error(.xmlError, attribute: "name", "Cannot use host name '\(hostName)' in network '\(name)'")
        }
        let address = try h.address("ip") { _ in
            "Invalid IP address in static host definition for network '\(name)'"
        }
        if partial {
            if mac == nil && hostName == nil && address == nil {
                throw h.error(
                    .xmlError,
                    "At least one of name, mac, or ip attribute must be specified for static host definition in "
                        + "network '\(name)' ")
            }
        } else {
            if v6 && id == nil && hostName == nil {
                throw h.error(
                    .xmlError, "Static host definition in IPv6 network '\(name)' must have id or name attribute")
            }
            if !v6 && mac == nil && hostName == nil {
                throw h.error(
                    .xmlError, "Static host definition in IPv4 network '\(name)' must have mac or name attribute")
            }
            if address == nil {
                throw h.error(.xmlError, "Missing IP address in static host definition for network '\(name)'")
            }
        }
        var host = DHCPHost(mac: mac, name: hostName, ip: address, id: id)
        host.macText = h.element.attribute("mac")?.value
        host.lease = try h.child("lease") { l throws(NetworkXMLError) in try lease(&l) }
        return host
    }

    private static func lease(_ l: inout NetworkElementReader) throws(NetworkXMLError) -> DHCPLease {
        let v = try l.required("expiry")
        guard let n = ElementReader.parseInteger(v), n >= 0 else {
            throw l.invalidValue("expiry", v, " Expected integer value")
        }
        var lease = DHCPLease(expiry: UInt64(n))
        if let u = l.string("unit") {
            guard let unit = DHCPLease.Unit(rawValue: u) else { throw l.invalidValue("unit", u) }
            lease.unit = unit
        }
        if lease.expiry > 0
            && (lease.unit == .seconds && lease.expiry < 120 || lease.unit == .minutes && lease.expiry < 2)
        {
            throw l.error(.configUnsupported, "The minimum lease time should be greater than 2 minutes")
        }
        return lease
    }

    static func route(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkRoute {
        let name = c.network
        func fail(_ attribute: String?, _ why: String) -> NetworkXMLError {
            c.error(.xmlError, attribute: attribute, "\(name): \(why)")
        }
        let prefix = try c.unsigned("prefix").map { Int($0) }
        let metric = try c.unsigned("metric", nonZero: true).map { Int($0) }
        let family = c.string("family")
        let netmaskText = c.string("netmask")
        guard let addressText = c.string("address") else {
            throw fail("address", "Missing required address attribute in route definition")
        }
        guard let gatewayText = c.string("gateway") else {
            throw fail("gateway", "Missing required gateway attribute in route definition")
        }
        guard let address = IPAddress(addressText) else {
            throw fail("address", "Bad network address '\(addressText)' in route definition")
        }
        guard let gateway = IPAddress(gatewayText) else {
            throw fail("gateway", "Bad gateway address '\(gatewayText)' in route definition")
        }
        var route = NetworkRoute(address: address, prefix: prefix, gateway: gateway)
        route.family = family
        route.metric = metric
        switch family {
        case nil, "ipv4"?:
            let which = family == nil ? "No family" : "IPv4 family"
            guard address.isIPv4 else {
                throw fail("address", "\(which) specified for non-IPv4 address '\(addressText)' in route definition")
            }
            guard gateway.isIPv4 else {
                throw fail("gateway", "\(which) specified for non-IPv4 gateway '\(addressText)' in route definition")
            }
            if let netmaskText {
                guard let m = IPAddress(netmaskText) else {
                    throw fail("netmask", "Bad netmask address '\(netmaskText)' in route definition")
                }
                guard m.isIPv4 else {
                    throw fail(
                        "netmask", "Invalid netmask '\(netmaskText)' for address '\(addressText)' (both must be IPv4)")
                }
                if prefix != nil { throw fail("prefix", "Route definition cannot have both a prefix and a netmask") }
                route.netmask = m
            }
            if let prefix, prefix > 32 {
                throw fail("prefix", "Invalid prefix \(prefix) specified in route definition, must be 0 - 32")
            }
        case "ipv6"?:
            guard !address.isIPv4 else {
                throw fail("address", "ipv6 family specified for non-IPv6 address '\(addressText)' in route definition")
            }
            if netmaskText != nil {
                throw fail(
                    "netmask", "Specifying netmask invalid for IPv6 address '\(addressText)' in route definition")
            }
            guard !gateway.isIPv4 else {
                throw fail(
                    "gateway", "ipv6 specified for non-IPv6 gateway address '\(gatewayText)' in route definition")
            }
            if let prefix, prefix > 128 {
                throw fail("prefix", "Invalid prefix \(prefix) specified in route definition, must be 0 - 128")
            }
        case let other?:
            throw fail("family", "Unrecognized family '\(other)' in route definition")
        }
        let masked = route.netmask.map { m in IPAddress(bytes: zip(address.bytes, m.bytes).map { $0 & $1 }) ?? address }
            ?? address.masked(prefix ?? 0)
        if masked != address {
            throw fail("address", "Address '\(addressText)' in route definition is not a network address")
        }
        return route
    }
}
