/// Guests' connections to a running network, as libvirt prints them in the live XML (`connections=` on
/// `<network>` and on each pool `<interface>`).
public struct NetworkConnections: Sendable, Equatable {
    public var total: Int
    public var perInterface: [String: Int]
    public init(total: Int = 0, perInterface: [String: Int] = [:]) {
        self.total = total
        self.perInterface = perInterface
    }
}

/// Prints a network as libvirt 9.0 prints it (virNetworkDefFormatBuf): its element order, which attributes it
/// writes and when, its defaults (stp and delay of a bridge the network owns).
extension NetworkXML {
    /// `connections`: the live XML of a running network (libvirt's default flags); nil for the inactive XML.
    public static func format(_ n: NetworkDefinition, connections: NetworkConnections? = nil) -> String {
        var w = XMLWriter()
        var root: [XMLWriter.Attr] = []
        if !n.dnsmasqOptions.isEmpty { root.append(("xmlns:dnsmasq", dnsmasqNamespace)) }
        if let c = connections, c.total > 0 { root.append(("connections", String(c.total))) }
        if n.ipv6WithoutGateway { root.append(("ipv6", "yes")) }
        root.append(("trustGuestRxFilters", n.trustGuestRxFilters.map(yesNo)))
        w.element("network", root) { w in
            w.text("name", n.name)
            w.text("uuid", n.uuid.description)
            if let m = n.metadata { metadata(&w, m) }
            if let f = n.forward { forward(&w, f, connections: connections) }
            bridge(&w, n)
            if let m = n.mtu { w.empty("mtu", [("size", String(m))]) }
            if let m = n.mac { w.empty("mac", [("address", m.description)]) }
            if let d = n.domain { w.empty("domain", [("name", d.name), ("localOnly", d.localOnly.map(yesNo))]) }
            dns(&w, n.dns)
            if let v = n.vlan { vlan(&w, v) }
            if let b = n.bandwidth { bandwidth(&w, b) }
            if let p = n.isolatedPort { w.empty("port", [("isolated", yesNo(p))]) }
            for ip in n.ips { self.ip(&w, ip) }
            for r in n.routes { route(&w, r) }
            if let v = n.virtualPort { virtualPort(&w, v) }
            for g in n.portGroups { portGroup(&w, g) }
            if !n.dnsmasqOptions.isEmpty {
                w.element("dnsmasq:options") { w in
                    for o in n.dnsmasqOptions { w.empty("dnsmasq:option", [("value", o)]) }
                }
            }
        }
        return w.output
    }

    static func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }

    private static func forward(_ w: inout XMLWriter, _ f: NetworkForward, connections: NetworkConnections?) {
        var attrs: [XMLWriter.Attr] = [("dev", f.dev), ("mode", f.mode.rawValue)]
        if f.mode == .hostdev { attrs.append(("managed", yesNo(f.managed))) }
        w.element("forward", attrs) { w in
            if let d = f.driverName { w.empty("driver", [("name", d.rawValue)]) }
            if f.mode == .nat, let nat = f.nat, nat.ipv6 != nil || nat.addressStart != nil || nat.ports != nil {
                w.element("nat", [("ipv6", nat.ipv6.map(yesNo))]) { w in
                    if let s = nat.addressStart {
                        w.empty("address", [("start", s.description), ("end", nat.addressEnd?.description)])
                    }
                    if let p = nat.ports {
                        w.empty("port", [("start", String(p.lowerBound)), ("end", String(p.upperBound))])
                    }
                }
            }
            if let pf = f.pf { w.empty("pf", [("dev", pf)]) }
            for i in f.interfaces {
                let count = connections?.perInterface[i] ?? 0
                w.empty("interface", [("dev", i), ("connections", count > 0 ? String(count) : nil)])
            }
            for a in f.pciAddresses {
                w.empty(
                    "address",
                    [
                        ("type", "pci"), ("domain", "0x" + a.hex(a.domain, 4)), ("bus", "0x" + a.hex(a.bus, 2)),
                        ("slot", "0x" + a.hex(a.slot, 2)), ("function", "0x" + String(a.function)),
                    ])
            }
        }
    }

    /// A network that owns its bridge always shows it, with stp (on unless off) and delay (0 unless given).
    private static func bridge(_ w: inout XMLWriter, _ n: NetworkDefinition) {
        let b = n.bridge ?? NetworkBridge()
        guard n.ownsBridge || b.name != nil || b.macTableManager != nil else { return }
        var attrs: [XMLWriter.Attr] = [("name", b.name), ("zone", b.zone)]
        if n.ownsBridge {
            attrs += [("stp", b.stp == false ? "off" : "on"), ("delay", String(b.delay ?? 0))]
        }
        attrs.append(("macTableManager", b.macTableManager?.rawValue))
        w.empty("bridge", attrs)
    }

    private static func dns(_ w: inout XMLWriter, _ d: NetworkDNS) {
        guard !d.isEmpty else { return }
        w.element("dns", [("enable", d.enable.map(yesNo)), ("forwardPlainNames", d.forwardPlainNames.map(yesNo))]) {
            w in
            for f in d.forwarders { w.empty("forwarder", [("domain", f.domain), ("addr", f.address?.description)]) }
            for t in d.txts { w.empty("txt", [("name", t.name), ("value", t.value)]) }
            for s in d.srvs {
                func nonZero(_ v: Int?) -> String? { v.flatMap { $0 == 0 ? nil : String($0) } }
                w.empty(
                    "srv",
                    [
                        ("service", s.service), ("protocol", s.protocol), ("domain", s.domain), ("target", s.target),
                        ("port", nonZero(s.port)), ("priority", nonZero(s.priority)), ("weight", nonZero(s.weight)),
                    ])
            }
            for h in d.hosts {
                w.element("host", [("ip", h.ip.description)]) { w in
                    for name in h.hostnames { w.text("hostname", name) }
                }
            }
        }
    }

    static func ip(_ w: inout XMLWriter, _ ip: NetworkIP) {
        let attrs: [XMLWriter.Attr] = [
            ("family", ip.family), ("address", ip.address.description), ("netmask", ip.netmask?.description),
            ("prefix", ip.prefixAttribute.flatMap { $0 > 0 ? String($0) : nil }),
            ("localPtr", ip.localPTR.map(yesNo)),
        ]
        guard ip.tftpRoot != nil || ip.hasDHCP || ip.bootp != nil else { return openAndClose(&w, "ip", attrs) }
        w.element("ip", attrs) { w in
            if let root = ip.tftpRoot { w.empty("tftp", [("root", root)]) }
            guard ip.hasDHCP || ip.bootp != nil else { return }
            w.element("dhcp") { w in
                for r in ip.dhcpRanges {
                    w.element("range", [("start", r.start.description), ("end", r.end.description)]) { w in
                        if let l = r.lease { lease(&w, l) }
                    }
                }
                for h in ip.dhcpHosts {
                    w.element("host", dhcpHostAttributes(h)) { w in
                        if let l = h.lease { lease(&w, l) }
                    }
                }
                if let b = ip.bootp { w.empty("bootp", [("file", b.file), ("server", b.server?.description)]) }
            }
        }
    }

    private static func lease(_ w: inout XMLWriter, _ l: DHCPLease) {
        w.empty("lease", [("expiry", String(l.expiry)), ("unit", l.expiry == 0 ? nil : l.unit.rawValue)])
    }

    /// Attribute list of `<host>`, shared with net-update's parsing round trip.
    static func dhcpHostAttributes(_ h: DHCPHost) -> [XMLWriter.Attr] {
        [("mac", h.macText), ("id", h.id), ("name", h.name), ("ip", h.ip?.description)]
    }

    private static func route(_ w: inout XMLWriter, _ r: NetworkRoute) {
        w.empty(
            "route",
            [
                ("family", r.family), ("address", r.address.description), ("netmask", r.netmask?.description),
                ("prefix", r.prefix.map(String.init)), ("gateway", r.gateway.description),
                ("metric", r.metric.flatMap { $0 > 0 ? String($0) : nil }),
            ])
    }

    private static func vlan(_ w: inout XMLWriter, _ v: NetworkVLAN) {
        w.element("vlan", [("trunk", v.trunk ? "yes" : nil)]) { w in
            for t in v.tags {
                let native = v.nativeTag == t ? v.nativeMode?.rawValue : nil
                w.empty("tag", [("id", String(t)), ("nativeMode", native)])
            }
        }
    }

    private static func bandwidth(_ w: inout XMLWriter, _ b: NetworkBandwidth) {
        func rate(_ w: inout XMLWriter, _ name: String, _ r: NetworkBandwidth.Rate?) {
            guard let r else { return }
            func nonZero(_ v: UInt64?) -> String? { v.flatMap { $0 == 0 ? nil : String($0) } }
            guard nonZero(r.average) != nil || nonZero(r.floor) != nil else { return }
            w.empty(
                name,
                [
                    ("average", nonZero(r.average)), ("peak", nonZero(r.peak)), ("floor", nonZero(r.floor)),
                    ("burst", nonZero(r.burst)),
                ])
        }
        w.element("bandwidth") { w in
            rate(&w, "inbound", b.inbound)
            rate(&w, "outbound", b.outbound)
        }
    }

    /// libvirt prints only the parameters that belong to the port's type.
    private static func virtualPort(_ w: inout XMLWriter, _ v: VirtualPortProfile) {
        let t = v.type
        let qbg = t == .qbg || t == nil
        let params: [XMLWriter.Attr] = [
            ("managerid", qbg ? v.managerID.map(String.init) : nil),
            ("typeid", qbg ? v.typeID.map(String.init) : nil),
            ("typeidversion", qbg ? v.typeIDVersion.map(String.init) : nil),
            ("instanceid", qbg ? v.instanceID?.description : nil),
            ("interfaceid", t == .midonet || t == .openvswitch || t == nil ? v.interfaceID?.description : nil),
            ("profileid", t == .openvswitch || t == .qbh || t == nil ? v.profileID : nil),
        ]
        let hasParameters =
            v.managerID != nil || v.typeID != nil || v.typeIDVersion != nil || v.instanceID != nil
            || v.profileID != nil || v.interfaceID != nil
        w.element("virtualport", [("type", t?.rawValue)]) { w in
            if hasParameters { w.empty("parameters", params) }
        }
    }

    private static func portGroup(_ w: inout XMLWriter, _ g: NetworkPortGroup) {
        let attrs: [XMLWriter.Attr] = [
            ("name", g.name), ("default", g.isDefault ? "yes" : nil),
            ("trustGuestRxFilters", g.trustGuestRxFilters.map(yesNo)),
        ]
        guard g.vlan != nil || g.virtualPort != nil || g.bandwidth != nil else {
            return openAndClose(&w, "portgroup", attrs)
        }
        w.element("portgroup", attrs) { w in
            if let v = g.vlan { vlan(&w, v) }
            if let v = g.virtualPort { virtualPort(&w, v) }
            if let b = g.bandwidth { bandwidth(&w, b) }
        }
    }

    /// `<name attrs>` and `</name>` on two lines, as libvirt writes `<ip>` and `<portgroup>` without content
    /// (both children of `<network>`, so one level deep).
    private static func openAndClose(_ w: inout XMLWriter, _ name: String, _ attrs: [XMLWriter.Attr]) {
        w.text(name, attrs, "\n  ")
    }

    /// `<metadata>` as libvirt writes it (libxml2's xmlNodeDump; see `XMLWriter.metadata`).
    private static func metadata(_ w: inout XMLWriter, _ m: KeptXML) {
        w.metadata(m.content.compactMap { if case .element(let e) = $0 { e } else { nil } })
    }
}
