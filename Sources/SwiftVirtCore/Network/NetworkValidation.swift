/// Rules a network definition must follow on its own; rules across networks (overlapping subnets, bridge names
/// in use) are in `NetworkValidation.conflicts`.
public enum NetworkValidation {
    static func validate(_ n: NetworkDefinition, lines root: XMLElement? = nil) throws(DomainXMLError) {
        func line(_ name: String, _ index: Int = 0) -> Int? {
            root?.childElements.filter { $0.name == name }.dropFirst(index).first?.position.line
        }
        if n.name.contains("/") {
            throw .invalidValue(
                element: "network/name", attribute: nil, value: n.name, line: line("name"),
                reason: "name must not contain '/'")
        }
        if let b = n.bridge?.name,
            b.isEmpty || b.utf8.count > 15 || b.contains("/") || b.contains(where: \.isWhitespace)
        {
            throw .invalidValue(
                element: "network/bridge", attribute: "name", value: b, line: line("bridge"),
                reason: "a Linux interface name has 1 to 15 characters, no '/' or spaces")
        }
        if n.forward?.mode == .bridge {
            if n.bridge?.name == nil {
                throw .missing(element: "network/bridge", attribute: "name", line: line("forward"))
            }
            if !n.ips.isEmpty || !n.dnsHosts.isEmpty || n.domainName != nil {
                throw .inconsistent(
                    element: "network/forward", line: line("forward"),
                    reason: "mode='bridge' uses an existing host bridge; it cannot have <ip>, <dns> or <domain>")
            }
        }
        var dhcpV4 = 0
        for (i, ip) in n.ips.enumerated() {
            let subnet = ip.subnet
            let at = line("ip", i)
            if ip.address == subnet.network && ip.prefix < (ip.address.isIPv4 ? 31 : 127) {
                throw .invalidValue(
                    element: "network/ip", attribute: "address", value: ip.address.description, line: at,
                    reason: "is the network address of \(subnet); the bridge needs a host address")
            }
            if !ip.dhcpRanges.isEmpty || !ip.dhcpHosts.isEmpty, ip.address.isIPv4 { dhcpV4 += 1 }
            for r in ip.dhcpRanges {
                for end in [r.start, r.end] where !subnet.contains(end) {
                    throw .invalidValue(
                        element: "network/ip/dhcp/range", attribute: end == r.start ? "start" : "end",
                        value: end.description, line: at, reason: "is outside the network's subnet \(subnet)")
                }
                if r.end < r.start {
                    throw .inconsistent(
                        element: "network/ip/dhcp/range", line: at,
                        reason: "range start \(r.start) is after end \(r.end)")
                }
                if r.start <= ip.address && ip.address <= r.end {
                    throw .inconsistent(
                        element: "network/ip/dhcp/range", line: at,
                        reason: "range \(r.start)-\(r.end) contains the bridge address \(ip.address)")
                }
            }
            for h in ip.dhcpHosts {
                try validateHost(h, in: ip, line: at)
            }
        }
        if dhcpV4 > 1 {
            throw .inconsistent(
                element: "network/ip/dhcp", line: line("ip", 1), reason: "DHCP is allowed on only one IPv4 address")
        }
        for (i, a) in n.ips.enumerated() {
            for b in n.ips[(i + 1)...] where a.subnet.overlaps(b.subnet) {
                throw .inconsistent(
                    element: "network/ip", line: line("ip", i + 1),
                    reason: "subnet \(b.subnet) overlaps \(a.subnet) of the same network")
            }
        }
    }

    /// A DHCP host entry must name its client and, when it fixes an address, keep it inside the subnet.
    public static func validateHost(_ h: DHCPHost, in ip: NetworkIP, line: Int?) throws(DomainXMLError) {
        if ip.address.isIPv4 && h.mac == nil && h.name == nil {
            throw .missing(element: "network/ip/dhcp/host", attribute: "mac", line: line)
        }
        if let a = h.ip, !ip.subnet.contains(a) {
            throw .invalidValue(
                element: "network/ip/dhcp/host", attribute: "ip", value: a.description, line: line,
                reason: "is outside the network's subnet \(ip.subnet)")
        }
    }

    /// Why `n` cannot coexist with `other` (another defined network), or nil.
    public static func conflict(_ n: NetworkDefinition, with other: NetworkDefinition) -> String? {
        if n.ownsBridge, other.ownsBridge, let a = n.bridge?.name, a == other.bridge?.name {
            return "bridge name '\(a)' is already used by network '\(other.name)'"
        }
        for a in n.ips {
            for b in other.ips where a.subnet.overlaps(b.subnet) {
                return "subnet \(a.subnet) overlaps \(b.subnet) of network '\(other.name)'"
            }
        }
        return nil
    }
}
