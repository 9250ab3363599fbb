/// `<dns>` (libvirt's virNetworkDNSDefParseXML and its record parsers, same checks, same codes).
extension NetworkXML {
    /// Characters libvirt allows in an SRV record's service and protocol.
    private static let serviceCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/*")
    private static let protocolCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/")

    static func dns(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkDNS {
        let name = c.network
        var d = NetworkDNS()
        d.enable = try c.yesNo("enable")
        d.forwardPlainNames = try c.yesNo("forwardPlainNames")
        d.forwarders = try c.children("forwarder") { f throws(NetworkXMLError) in
            let addr = try f.address("addr") { "Invalid forwarder IP address '\($0)' in network '\(name)'" }
            let domain = f.string("domain")
            if addr == nil && domain == nil {
                throw f.error(.xmlError, "Invalid forwarder element, must contain at least one of addr or domain")
            }
            return DNSForwarder(address: addr, domain: domain)
        }
        d.hosts = try c.children("host") { h throws(NetworkXMLError) in try dnsHost(&h, partial: false) }
        d.srvs = try c.children("srv") { s throws(NetworkXMLError) in try dnsSRV(&s) }
        d.txts = try c.children("txt") { t throws(NetworkXMLError) in try dnsTXT(&t) }
        if d.enable == false && !(d.forwarders.isEmpty && d.hosts.isEmpty && d.srvs.isEmpty && d.txts.isEmpty) {
            throw c.error(.xmlError, "Extra data in disabled network '\(name)'")
        }
        return d
    }

    /// `<host ip><hostname>...</hostname></host>`. `partial` (net-update's delete) lets either part be missing.
    static func dnsHost(_ h: inout NetworkElementReader, partial: Bool) throws(NetworkXMLError) -> NetworkDNSHost {
        let name = h.network
        let ip = try h.address("ip", code: .xmlDetail) { _ in "Invalid IP address in network '\(name)' DNS HOST record" }
        if ip == nil && !partial {
            throw h.error(.xmlDetail, attribute: "ip", "Missing IP address in network '\(name)' DNS HOST record")
        }
        var names: [String] = []
        let missing = "Missing hostname in network '\(name)' DNS HOST record"
        _ = try h.children("hostname") { x throws(NetworkXMLError) in
            let text = x.text()
            if x.element.children.isEmpty { return }  // `<hostname/>`: libvirt skips it
            if text.isEmpty { throw x.error(.xmlDetail, missing) }
            names.append(text)
        }
        if names.isEmpty && !partial { throw h.error(.xmlDetail, missing) }
        guard let ip else {
            if names.isEmpty {
                throw h.error(.xmlDetail, "Missing ip and hostname in network '\(name)' DNS HOST record")
            }
            // Only net-update's delete gets here; it matches by name.
            return NetworkDNSHost(ip: IPAddress(bytes: [0, 0, 0, 0])!, hostnames: names)
        }
        return NetworkDNSHost(ip: ip, hostnames: names)
    }

    /// `partial` (net-update's delete) lets service and protocol be missing; they then match any.
    static func dnsSRV(_ s: inout NetworkElementReader, partial: Bool = false) throws(NetworkXMLError) -> DNSSRV {
        let name = s.network
        guard let service = s.string("service") ?? (partial ? "" : nil) else {
            throw s.error(
                .xmlDetail, attribute: "service",
                "missing required service attribute in DNS SRV record of network '\(name)'")
        }
        if service.utf8.count > 512 - 30 {
            throw s.error(
                .xmlDetail, attribute: "service",
                "service attribute '\(service)' in network '\(name)' is too long, limit is \(512 - 30) bytes")
        }
        if !service.allSatisfy(serviceCharacters.contains) {
            throw s.error(
                .xmlDetail, attribute: "service",
                "invalid character in service attribute '\(service)' in DNS SRV record of network '\(name)'")
        }
        guard let proto = s.string("protocol") ?? (partial ? "" : nil) else {
            throw s.error(
                .xmlDetail, attribute: "protocol",
                "missing required protocol attribute in DNS SRV record '\(service)' of network '\(name)'")
        }
        if !proto.allSatisfy(protocolCharacters.contains) {
            throw s.error(
                .xmlDetail, attribute: "protocol",
                "invalid character in protocol attribute '\(proto)' in DNS SRV record of network '\(name)'")
        }
        var srv = DNSSRV(service: service, protocol: proto)
        srv.domain = s.string("domain")
        srv.target = s.string("target")
        func number(_ attr: String, _ words: String, min: Int, _ s: inout NetworkElementReader)
            throws(NetworkXMLError) -> Int?
        {
            guard let v = s.string(attr) else { return nil }
            let n = UInt32(v)
            if n != nil && srv.target == nil {
                throw s.error(
                    .xmlDetail, attribute: attr,
                    "DNS SRV \(attr) attribute not permitted without target for service '\(service)' in network "
                        + "'\(name)'")
            }
            guard let n, n >= min, n <= 65535 else {
                throw s.error(
                    .xmlDetail, attribute: attr,
                    "\(words) DNS SRV \(attr) attribute for service '\(service)' in network '\(name)'")
            }
            return Int(n)
        }
        srv.port = try number("port", "invalid", min: 1, &s)
        srv.priority = try number("priority", "Invalid", min: 0, &s)
        srv.weight = try number("weight", "invalid", min: 0, &s)
        return srv
    }

    static func dnsTXT(_ t: inout NetworkElementReader) throws(NetworkXMLError) -> DNSTXT {
        let name = t.network
        guard let txtName = t.string("name") else {
            throw t.error(
                .xmlDetail, attribute: "name", "missing required name attribute in DNS TXT record of network \(name)")
        }
        if txtName.contains(" ") || txtName.contains(",") {
            throw t.error(
                .xmlDetail, attribute: "name",
                "prohibited character in DNS TXT record name '\(txtName)' of network \(name)")
        }
        guard let value = t.string("value") else {
            throw t.error(
                .xmlDetail, attribute: "value",
                "missing required value attribute in DNS TXT record named '\(txtName)' of network \(name)")
        }
        return DNSTXT(name: txtName, value: value)
    }
}
