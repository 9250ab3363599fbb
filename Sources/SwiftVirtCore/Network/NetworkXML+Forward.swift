/// `<forward>` and what hangs off it: the interface pool, PCI addresses, `<pf>`, `<driver>` and `<nat>`
/// (libvirt's virNetworkForwardDefParseXML and virNetworkForwardNatDefParseXML, same checks, same codes).
extension NetworkXML {
    static func forward(_ c: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkForward {
        let name = c.network
        var f = NetworkForward(mode: .nat)
        if let m = c.string("mode") {
            guard let mode = NetworkForward.Mode(rawValue: m) else {
                throw c.error(.configUnsupported, attribute: "mode", "unknown forwarding type '\(m)'")
            }
            f.mode = mode
        }
        f.managed = try c.yesNo("managed") ?? false
        f.driverName = try c.child("driver") { d throws(NetworkXMLError) in
            let v = try d.required("name")
            guard let driver = NetworkForward.DriverName(rawValue: v) else {
                throw d.error(
                    .configUnsupported, attribute: "name", "Unknown forward <driver name='\(v)'/> in network \(name)")
            }
            return driver
        }
        let hasInterfaces = c.count("interface") > 0
        let hasAddresses = c.count("address") > 0
        if c.count("nat") > 1 {
            throw c.error(.xmlError, "Only one <nat> element is allowed in <forward> of network \(name)")
        }
        let mode = f.mode
        f.nat = try c.child("nat") { n throws(NetworkXMLError) in try nat(&n, mode: mode) }
        let dev = c.string("dev")
        if dev != nil && (hasAddresses || c.count("pf") > 0) {
            throw c.error(
                .xmlError, attribute: "dev",
                "the <forward> 'dev' attribute cannot be used when <address> or <pf> sub-elements are present "
                    + "in network \(name)")
        }
        if (hasInterfaces || dev != nil) && (hasAddresses || c.count("pf") > 0) || hasAddresses && c.count("pf") > 0 {
            // libvirt reads only the first kind present and drops the others unseen; SwiftVirt refuses rather
            // than lose them, with the network driver's own words for the rule.
            throw c.error(
                .configUnsupported,
                "<address>, <interface>, and <pf> elements of <forward> in network \(name) are mutually exclusive")
        }
        if let dev { f.interfaces = [dev] }
        let pool = try c.children("interface") { i throws(NetworkXMLError) in
            _ = i.string("connections")  // a live counter
            return try i.required(
                "dev", "Missing required dev attribute in <forward> <interface> element of network \(name)")
        }
        for (i, d) in pool.enumerated() {
            if i == 0, let dev {
                guard d == dev else {
                    throw c.error(
                        .xmlError, "<forward dev='\(dev)'> must match first <interface dev='\(d)'/> in network \(name)")
                }
                continue
            }
            if f.interfaces.contains(d) {
                throw c.error(.xmlError, "interface '\(d)' can only be listed once in network \(name)")
            }
            f.interfaces.append(d)
        }
        f.pciAddresses = try c.children("address") { a throws(NetworkXMLError) in try pciAddress(&a) }
        for (i, a) in f.pciAddresses.enumerated() where f.pciAddresses[..<i].contains(a) {
            throw c.error(.xmlError, "PCI device '\(a)' can only be listed once in network \(name)")
        }
        if c.count("pf") > 1 {
            throw c.error(.xmlError, "Only one <pf> element is allowed in <forward> of network \(name)")
        }
        f.pf = try c.child("pf") { p throws(NetworkXMLError) in
            try p.required("dev", "Missing required dev attribute in <pf> element of network '\(name)'")
        }
        return f
    }

    /// `<address type='pci' domain bus slot function/>` of a hostdev pool.
    private static func pciAddress(_ a: inout NetworkElementReader) throws(NetworkXMLError) -> NetworkPCIAddress {
        let name = a.network
        let type = try a.required("type", "missing address type in network \(name)")
        guard type == "pci" else {
            if type == "netdev" || type == "none" {
                throw a.error(.xmlError, attribute: "type", "unsupported address type '\(type)' in network \(name)")
            }
            throw a.error(.configUnsupported, attribute: "type", "unknown address type '\(type)' in network \(name)")
        }
        _ = a.string("connections")  // a live counter
        func number(_ attr: String, _ a: inout NetworkElementReader) throws(NetworkXMLError) -> UInt32 {
            guard let v = a.string(attr) else { return 0 }
            guard let n = ElementReader.parseInteger(v), n >= 0, n <= Int(UInt32.max) else {
                throw a.invalidValue(attr, v, " Expected integer value")
            }
            return UInt32(n)
        }
        let addr = NetworkPCIAddress(
            domain: try number("domain", &a), bus: try number("bus", &a), slot: try number("slot", &a),
            function: try number("function", &a))
        if let m = a.string("multifunction"), m != "on" && m != "off" {
            throw a.invalidValue("multifunction", m)
        }
        if addr != NetworkPCIAddress(domain: 0, bus: 0, slot: 0, function: 0) {
            // virPCIDeviceAddressIsValid's words, raised outside any driver (VIR_FROM_NONE).
            if addr.bus > 0xFF {
                throw a.error(.xmlError, attribute: "bus", "Invalid PCI address bus='0x\(hex(addr.bus))', must be <= 0xFF", domain: .none)
            }
            if addr.slot > 0x1F {
                throw a.error(
                    .xmlError, attribute: "slot", "Invalid PCI address slot='0x\(hex(addr.slot))', must be <= 0x1F", domain: .none)
            }
            if addr.function > 7 {
                throw a.error(
                    .xmlError, attribute: "function",
                    "Invalid PCI address function=0x\(hex(addr.function)), must be <= 7", domain: .none)
            }
            if addr.domain == 0 && addr.bus == 0 && addr.slot == 0 {
                throw a.error(
                    .xmlError, "Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0", domain: .none)
            }
        }
        return addr
    }

    private static func hex(_ v: UInt32) -> String { String(v, radix: 16) }

    private static func nat(_ n: inout NetworkElementReader, mode: NetworkForward.Mode) throws(NetworkXMLError)
        -> NetworkNAT
    {
        let name = n.network
        if mode != .nat {
            throw n.error(
                .xmlError,
                "The <nat> element can only be used when <forward> 'mode' is 'nat' in network \(name)")
        }
        var nat = NetworkNAT()
        nat.ipv6 = try n.yesNo("ipv6")
        if n.count("address") > 1 {
            throw n.error(.xmlError, "Only one <address> element is allowed in <nat> in <forward> in network \(name)")
        }
        let range = try n.child("address") { a throws(NetworkXMLError) -> (IPAddress, IPAddress) in
            let start = try a.required(
                "start", "missing 'start' attribute in <address> element in <nat> in <forward> in network \(name)")
            let end = try a.required(
                "end", "missing 'end' attribute in <address> element in <nat> in <forward> in network \(name)")
            guard let s = IPAddress(start), s.isIPv4 else {
                throw a.error(
                    .xmlError, attribute: "start",
                    "Bad ipv4 start address '\(start)' in <nat> in <forward> in network '\(name)'")
            }
            guard let e = IPAddress(end), e.isIPv4 else {
                throw a.error(
                    .xmlError, attribute: "end",
                    "Bad ipv4 end address '\(end)' in <nat> in <forward> in network '\(name)'")
            }
            if let why = rangeProblem(s, e) { throw a.error(.internalError, why, domain: .none) }
            return (s, e)
        }
        (nat.addressStart, nat.addressEnd) = (range?.0, range?.1)
        if n.count("port") > 1 {
            throw n.error(.xmlError, "Only one <port> element is allowed in <nat> in <forward> in network \(name)")
        }
        nat.ports = try n.child("port") { p throws(NetworkXMLError) -> ClosedRange<Int>? in
            let start = p.string("start").flatMap { UInt32($0) }
            guard let start, start <= 65535 else {
                throw p.error(
                    .xmlDetail, attribute: "start",
                    "Missing or invalid 'start' attribute in <port> in <nat> in <forward> in network \(name)")
            }
            let end = p.string("end").flatMap { UInt32($0) }
            guard let end, end <= 65535, end >= start else {
                throw p.error(
                    .xmlDetail, attribute: "end",
                    "Missing or invalid 'end' attribute in <port> in <nat> in <forward> in network \(name)")
            }
            return start == 0 && end == 0 ? nil : Int(start)...Int(end)
        } ?? nil
        return nat
    }

    /// libvirt's check of an address range without a subnet (virSocketAddrGetRange): same family, and for
    /// IPv4 the same first two bytes (IPv6: first 14) with start before end. Nil when fine.
    static func rangeProblem(_ start: IPAddress, _ end: IPAddress) -> String? {
        guard start.isIPv4 == end.isIPv4 else { return "mismatch of address family in range \(start) - \(end)" }
        let fixed = start.isIPv4 ? 2 : 14
        if start.bytes[..<fixed] != end.bytes[..<fixed] { return "range \(start) - \(end) is too large (> 65535)" }
        if end < start {
            return start.isIPv4 ? "range \(start) - \(end) is reversed " : "range \(start) - \(end) start larger than end"
        }
        return nil
    }
}
