/// The XML fragments `virsh net-update` sends for sections other than ip-dhcp-host.
extension NetworkXML {
    /// `<host ip='...'><hostname>...</hostname>...</host>` inside `<dns>`.
    static func dnsHost(_ h: inout ElementReader) throws(DomainXMLError) -> NetworkDNSHost {
        guard let ip = try ipAttribute(&h, "ip", required: true) else {
            throw .missing(element: h.path, attribute: "ip", line: h.line)
        }
        let names = try h.children("hostname") { x throws(DomainXMLError) in
            x.text().trimmingWhitespace()
        }
        if names.isEmpty { throw .missing(element: h.path + "/hostname", attribute: nil, line: h.line) }
        return NetworkDNSHost(ip: ip, hostnames: names)
    }

    /// Parses the fragment of section dns-host. On delete libvirt lets the fragment leave out the hostnames
    /// (it matches by ip alone), so `requireHostnames` is false then.
    public static func parseDNSHost(_ text: String, requireHostnames: Bool) throws(DomainXMLError) -> NetworkDNSHost {
        var r = try fragment(text, element: "host", path: "network/dns/host", section: "dns-host")
        if !requireHostnames && r.element.childElements.isEmpty {
            guard let ip = try ipAttribute(&r, "ip", required: true) else {
                throw .missing(element: r.path, attribute: "ip", line: r.line)
            }
            try r.finish()
            return NetworkDNSHost(ip: ip, hostnames: [])
        }
        let host = try dnsHost(&r)
        try r.finish()
        return host
    }

    /// Parses the fragment of section ip-dhcp-range: `<range start='...' end='...'/>`.
    public static func parseDHCPRange(_ text: String) throws(DomainXMLError) -> DHCPRange {
        var r = try fragment(text, element: "range", path: "network/ip/dhcp/range", section: "ip-dhcp-range")
        guard let start = try ipAttribute(&r, "start", required: true),
            let end = try ipAttribute(&r, "end", required: true)
        else { throw .missing(element: r.path, attribute: "start", line: r.line) }
        try r.finish()
        return DHCPRange(start: start, end: end)
    }

    /// The root of a net-update fragment, which must be `<element>`.
    static func fragment(_ text: String, element: String, path: String, section: String)
        throws(DomainXMLError) -> ElementReader
    {
        let root: XMLElement
        do {
            root = try XMLParser.parse(text)
        } catch {
            throw .malformed(line: error.position.line, column: error.position.column, message: error.message)
        }
        guard root.name == element else {
            throw .invalidValue(
                element: root.name, attribute: nil, value: root.name, line: root.position.line,
                reason: "expected <\(element)> for section \(section)")
        }
        return ElementReader(root, path: path)
    }
}

extension NetworkValidation {
    /// Checks a definition that net-update changed (no source lines to point at).
    public static func validateUpdated(_ n: NetworkDefinition) throws(DomainXMLError) { try validate(n) }
}
