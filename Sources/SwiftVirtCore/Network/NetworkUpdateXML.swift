/// The XML fragments `virsh net-update` sends, parsed with the same rules as in a whole definition.
extension NetworkXML {
    /// `<host mac name ip/>` of section ip-dhcp-host; its family is its address's (IPv4 when it has none).
    /// `partial` (delete) needs only one of mac, name and ip, as libvirt.
    public static func parseDHCPHost(_ text: String, network: String, partial: Bool = false)
        throws(NetworkXMLError) -> DHCPHost
    {
        var r = try fragment(text, element: "host", path: "network/ip/dhcp/host", network: network)
        let v6 = r.element.attribute("ip").flatMap { IPAddress($0.value) }.map { !$0.isIPv4 } ?? false
        let family = NetworkIP(address: IPAddress(v6 ? "::1" : "127.0.0.1")!)
        let host = try dhcpHost(&r, in: family, partial: partial)
        try r.finish()
        return host
    }

    /// `<host ip><hostname/>...</host>` of section dns-host; on delete libvirt lets either part be missing.
    public static func parseDNSHost(_ text: String, network: String, requireHostnames: Bool)
        throws(NetworkXMLError) -> NetworkDNSHost
    {
        var r = try fragment(text, element: "host", path: "network/dns/host", network: network)
        let host = try dnsHost(&r, partial: !requireHostnames)
        try r.finish()
        return host
    }

    /// `<range start end/>` of section ip-dhcp-range (checked against its `<ip>` once that is known).
    public static func parseDHCPRange(_ text: String, network: String) throws(NetworkXMLError) -> DHCPRange {
        var r = try fragment(text, element: "range", path: "network/ip/dhcp/range", network: network)
        let start = try r.required("start", "Missing 'start' attribute in dhcp range for network '\(network)'")
        guard let s = IPAddress(start) else { throw r.error(.systemError, attribute: "start", unparsable(start)) }
        let end = try r.required("end", "Missing 'end' attribute in dhcp range for network '\(network)'")
        guard let e = IPAddress(end) else { throw r.error(.systemError, attribute: "end", unparsable(end)) }
        try r.finish()
        return DHCPRange(start: s, end: e)
    }

    /// `<portgroup>` of section portgroup.
    public static func parsePortGroup(_ text: String, network: String) throws(NetworkXMLError) -> NetworkPortGroup {
        var r = try fragment(text, element: "portgroup", path: "network/portgroup", network: network)
        let g = try portGroup(&r)
        try r.finish()
        return g
    }

    /// `<txt name value/>` of section dns-txt.
    public static func parseDNSTXT(_ text: String, network: String) throws(NetworkXMLError) -> DNSTXT {
        var r = try fragment(text, element: "txt", path: "network/dns/txt", network: network)
        let t = try dnsTXT(&r)
        try r.finish()
        return t
    }

    /// `<srv .../>` of section dns-srv; on delete (`partial`) any field may be left out (an empty one matches any).
    public static func parseDNSSRV(_ text: String, network: String, partial: Bool) throws(NetworkXMLError) -> DNSSRV {
        var r = try fragment(text, element: "srv", path: "network/dns/srv", network: network)
        let s = try dnsSRV(&r, partial: partial)
        try r.finish()
        return s
    }

    /// `<interface dev/>` of section forward-interface: its device name.
    public static func parseForwardInterface(_ text: String, network: String) throws(NetworkXMLError) -> String {
        var r = try fragment(text, element: "interface", path: "network/forward/interface", network: network)
        _ = r.string("connections")
        let dev = try r.required("dev", "missing dev attribute in <interface> element")
        try r.finish()
        return dev
    }

    /// The root of a net-update fragment, which must be `<element>`.
    static func fragment(_ text: String, element: String, path: String, network: String)
        throws(NetworkXMLError) -> NetworkElementReader
    {
        let root: XMLElement
        do {
            root = try XMLParser.parse(text)
        } catch {
            throw NetworkXMLError(
                .xmlDetail, element: element, line: error.position.line,
                "column \(error.position.column): \(error.message)")
        }
        guard root.name == element else {
            throw NetworkXMLError(
                .xmlError, element: root.name, line: root.position.line,
                "unexpected element <\(root.name)>, expecting <\(element)>")
        }
        return NetworkElementReader(root, path: path, network: network)
    }
}

extension NetworkValidation {
    /// Checks a definition that net-update changed: every DHCP range against its `<ip>` and the one-DHCP-section
    /// rule.
    public static func validateUpdated(_ n: NetworkDefinition) throws(NetworkXMLError) {
        for ip in n.ips {
            for r in ip.dhcpRanges {
                if let why = NetworkXML.rangeProblem(r.start, r.end, in: ip) {
                    throw NetworkXMLError(.internalError, element: "network/ip/dhcp/range", line: nil, why)
                }
            }
        }
        try validate(n) { _ in true }
    }
}
