import SwiftVirtCore

/// virNetworkUpdate applied to one definition: which section, which command, which `<ip>`. Pure, so the live
/// and the persistent definition get exactly the same change.
struct NetworkUpdate: Sendable {
    enum Command: UInt32, Sendable {
        case modify = 1
        case delete = 2
        case addLast = 3
        case addFirst = 4
    }

    /// virNetworkUpdateSection values.
    enum Section: UInt32, Sendable {
        case bridge = 1
        case domain, ip, ipDHCPHost, ipDHCPRange, forward, forwardInterface, forwardPF, portgroup
        case dnsHost, dnsTXT, dnsSRV

        /// Whether the running network's dnsmasq serves what the section holds.
        var servedByDnsmasq: Bool { [.ipDHCPHost, .ipDHCPRange, .dnsHost, .dnsTXT, .dnsSRV].contains(self) }

        /// The name libvirt's "can't update ... section" error uses.
        var libvirtName: String {
            switch self {
            case .bridge: "bridge"
            case .domain: "domain"
            case .ip: "ip"
            case .ipDHCPHost: "ip dhcp host"
            case .ipDHCPRange: "ip dhcp range"
            case .forward: "forward"
            case .forwardInterface: "forward interface"
            case .forwardPF: "forward pf"
            case .portgroup: "portgroup"
            case .dnsHost: "dns host"
            case .dnsTXT: "dns txt"
            case .dnsSRV: "dns srv"
            }
        }
    }

    var command: Command
    var section: Section
    var parentIndex: Int32
    var xml: String

    /// Checks the numbers first, so an unsupported request fails before anything is parsed.
    init(command: UInt32, section: UInt32, parentIndex: Int32, xml: String, networkName: String) throws {
        guard let s = Section(rawValue: section) else {
            throw NetworkError.unsupported("can't update unrecognized section of network")
        }
        guard [.ipDHCPHost, .ipDHCPRange, .dnsHost, .dnsTXT, .dnsSRV, .portgroup, .forwardInterface].contains(s)
        else {
            // libvirt's virNetworkDefUpdateNoSupport: bridge, domain, ip, forward and forward pf stay as defined.
            throw NetworkError.unsupported("can't update '\(s.libvirtName)' section of network '\(networkName)'")
        }
        guard let c = Command(rawValue: command) else {
            throw NetworkError.unsupported("unrecognized network update command code \(command)")
        }
        (self.command, self.section, self.parentIndex, self.xml) = (c, s, parentIndex, xml)
    }

    /// `connections`: guests per pool interface (an interface in use cannot be deleted).
    func apply(to n: inout NetworkDefinition, connections: [String: Int] = [:]) throws {
        switch section {
        case .dnsHost: try applyDNSHost(&n)
        case .ipDHCPRange: try applyDHCPRange(&n)
        case .dnsTXT: try applyDNSTXT(&n)
        case .dnsSRV: try applyDNSSRV(&n)
        case .portgroup: try applyPortGroup(&n)
        case .forwardInterface: try applyForwardInterface(&n, connections: connections)
        default: try applyDHCPHost(&n)
        }
        try NetworkValidation.validateUpdated(n)
    }

    /// The `<ip>` an entry goes to: `parentIndex` when given, else the first IPv4 one `fits`.
    private func ipIndex(_ n: NetworkDefinition, what: String, fits: (NetworkIP) -> Bool) throws -> Int {
        if parentIndex >= 0 {
            guard Int(parentIndex) < n.ips.count else {
                throw NetworkError.conflict("network '\(n.name)' has no <ip> number \(parentIndex)")
            }
            return Int(parentIndex)
        }
        guard let i = n.ips.firstIndex(where: { $0.address.isIPv4 && fits($0) }) else {
            throw NetworkError.conflict("network '\(n.name)' has no IPv4 <ip> for this \(what)")
        }
        return i
    }

    /// Inserts, replaces or removes `entry` in `list`, `matches` finding the existing one.
    func edit<T>(_ list: inout [T], _ entry: T, matches: (T) -> Bool, what: String, network: String) throws {
        let found = list.firstIndex(where: matches)
        switch command {
        case .delete:
            guard let i = found else {
                throw NetworkError.invalid("couldn't locate a matching \(what) in network '\(network)'")
            }
            list.remove(at: i)
        case .modify:
            guard let i = found else {
                throw NetworkError.invalid("couldn't locate a matching \(what) in network '\(network)'")
            }
            list[i] = entry
        case .addFirst, .addLast:
            if found != nil {
                throw NetworkError.invalid(
                    "there is an existing \(what) in network '\(network)' that matches \"\(xml)\"")
            }
            if command == .addFirst { list.insert(entry, at: 0) } else { list.append(entry) }
        }
    }

    private func applyDHCPHost(_ n: inout NetworkDefinition) throws {
        let entry = try NetworkXML.parseDHCPHost(xml, network: n.name, partial: command == .delete)
        let index = try ipIndex(n, what: "host entry") { ip in entry.ip.map(ip.subnet.contains) ?? true }
        if command != .delete, let a = entry.ip, !n.ips[index].subnet.contains(a) {
            throw NetworkError.invalid(
                "the address family of a host entry IP must match the address family of the dhcp element's parent")
        }
        try edit(
            &n.ips[index].dhcpHosts, entry,
            matches: { h in (entry.mac != nil && h.mac == entry.mac) || (entry.mac == nil && h.name == entry.name) },
            what: "dhcp host entry", network: n.name)
    }

    private func applyDHCPRange(_ n: inout NetworkDefinition) throws {
        let entry = try NetworkXML.parseDHCPRange(xml, network: n.name)
        let index = try ipIndex(n, what: "range") { $0.subnet.contains(entry.start) }
        guard command != .modify else {
            throw NetworkError.unsupported("dhcp ranges cannot be modified, only added or deleted")
        }
        try edit(
            &n.ips[index].dhcpRanges, entry, matches: { $0 == entry }, what: "dhcp range", network: n.name)
    }

    /// A host matches on its ip, or on any hostname when the fragment names some (as libvirt does).
    private func applyDNSHost(_ n: inout NetworkDefinition) throws {
        let entry = try NetworkXML.parseDNSHost(xml, network: n.name, requireHostnames: command != .delete)
        guard command != .modify else {
            throw NetworkError.unsupported("DNS HOST records cannot be modified, only added or deleted")
        }
        let matches = { (h: NetworkDNSHost) in
            h.ip == entry.ip || h.hostnames.contains(where: entry.hostnames.contains)
        }
        try edit(&n.dns.hosts, entry, matches: matches, what: "DNS HOST record", network: n.name)
    }
}
