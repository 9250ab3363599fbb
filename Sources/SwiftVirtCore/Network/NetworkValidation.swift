/// The network driver's checks of a parsed definition at define and create (libvirt's networkValidate): what the
/// forward mode allows, device pools, DHCP sections, VLANs and portgroups, with libvirt's codes and words. The
/// parser's own checks are in `NetworkXML`; start-time checks (a bridge or interface that must exist, routes
/// already in use) are the driver's.
public enum NetworkValidation {
    /// `isVirtualFunction` tells whether a PCI address is an SR-IOV virtual function on this host (libvirt looks
    /// at sysfs at define time).
    public static func validate(_ n: NetworkDefinition, isVirtualFunction: (NetworkPCIAddress) -> Bool)
        throws(NetworkXMLError)
    {
        func fail(_ element: String, _ reason: String, code: VirtErrorCode = .configUnsupported) -> NetworkXMLError {
            NetworkXMLError(code, element: "network" + (element.isEmpty ? "" : "/" + element), line: nil, reason)
        }
        if n.name.contains("\n") { throw fail("name", "invalid char in name: \n", code: .xmlDetail) }
        let mode = n.mode?.rawValue ?? ""
        var bandwidthAllowed = n.ownsBridge
        if !n.ownsBridge {
            if n.mode == .bridge && n.bridge?.name != nil { bandwidthAllowed = true }
            if n.mac != nil { throw fail("mac", "Unsupported <mac> element in network \(n.name) with forward mode='\(mode)'") }
            if !n.ips.isEmpty { throw fail("ip", "Unsupported <ip> element in network \(n.name) with forward mode='\(mode)'") }
            if !n.dns.txts.isEmpty || !n.dns.hosts.isEmpty || !n.dns.srvs.isEmpty {
                throw fail("dns", "Unsupported <dns> element in network \(n.name) with forward mode='\(mode)'")
            }
            if n.domain != nil {
                throw fail("domain", "Unsupported <domain> element in network \(n.name) with forward mode='\(mode)'")
            }
        }
        if n.bandwidth != nil && !bandwidthAllowed {
            throw fail(
                "bandwidth", "Unsupported network-wide <bandwidth> element in network \(n.name) with forward mode='\(mode)'")
        }
        if let f = n.forward {
            if f.mode == .hostdev, let dev = f.interfaces.first {
                throw fail(
                    "forward/interface",
                    "hostdev network '\(n.name)' lists '\(dev)' in the device pool, but hostdev networks require all "
                        + "devices to be listed by PCI address, not network device name")
            }
            for a in f.pciAddresses {
                if f.mode != .hostdev {
                    throw fail(
                        "forward/address",
                        "network '\(n.name)' has forward mode '\(mode)'  but lists a device by PCI address in the "
                            + "device pool. This is only supported for networks with forward mode 'hostdev'")
                }
                if !isVirtualFunction(a) {
                    throw fail(
                        "forward/address",
                        "device '/sys/bus/pci/devices/\(a)' in network '\(n.name)' is not an SR-IOV Virtual Function")
                }
            }
        }
        for v4 in [true, false] where n.ips.filter({ $0.address.isIPv4 == v4 && $0.hasDHCP }).count > 1 {
            let family = v4 ? "IPv4" : "IPv6"
            throw fail(
                "ip/dhcp",
                "Multiple \(family) dhcp sections found -- dhcp is supported only for a single \(family) address on "
                    + "each network")
        }
        try validatePortGroups(n, bandwidthAllowed: bandwidthAllowed)
    }

    private static func validatePortGroups(_ n: NetworkDefinition, bandwidthAllowed: Bool) throws(NetworkXMLError) {
        func fail(_ reason: String) -> NetworkXMLError {
            NetworkXMLError(.configUnsupported, element: "network/portgroup", line: nil, reason)
        }
        let mode = n.mode?.rawValue ?? ""
        let vlanAllowed =
            n.mode == .hostdev || n.mode == .passthrough || n.mode == .bridge && n.virtualPort?.type == .openvswitch
        let vlanUsed = n.vlan != nil
        var badVLAN = false
        var defaultGroup: NetworkPortGroup?
        for (i, g) in n.portGroups.enumerated() {
            if vlanUsed || g.vlan != nil {
                if let vp = g.virtualPort {
                    if n.mode != .bridge || vp.type != .openvswitch { badVLAN = true }
                } else if !vlanAllowed {
                    badVLAN = true
                }
            }
            if g.isDefault {
                if let d = defaultGroup {
                    throw fail(
                        "network '\(n.name)' has multiple default <portgroup> elements (\(d.name) and \(g.name)), but "
                            + "only one default is allowed")
                }
                defaultGroup = g
            }
            if n.portGroups[(i + 1)...].contains(where: { $0.name == g.name }) {
                throw fail("multiple <portgroup> elements with the same name (\(g.name)) in network '\(n.name)'")
            }
            if g.bandwidth != nil && !bandwidthAllowed {
                throw fail(
                    "Unsupported <bandwidth> element in network '\(n.name)' in portgroup '\(g.name)' with forward "
                        + "mode='\(mode)'")
            }
        }
        if badVLAN || vlanUsed && !vlanAllowed && defaultGroup == nil {
            throw NetworkXMLError(
                .configUnsupported, element: "network/vlan", line: nil,
                "<vlan> element specified for network \(n.name), whose type doesn't support vlan configuration")
        }
        if n.mode == .hostdev, let g = n.portGroups.first(where: { $0.bandwidth != nil }) {
            throw fail(
                "unsupported <bandwidth> element in <portgroup name='\(g.name)'> of network '\(n.name)' with forward "
                    + "mode='hostdev'")
        }
    }

    /// A bridge name with one `%d` is a template for the name the driver picks (e.g. `virbr%d`).
    public static func isBridgeTemplate(_ name: String) -> Bool {
        name.split(separator: "%", omittingEmptySubsequences: false).count == 2 && name.contains("%d")
    }
}

extension NetworkValidation {
    /// What libvirt's network driver fills in at define for a network that owns its bridge: a free bridge name
    /// (`virbr%d`, or the definition's own `%d` template) when it names none, and a MAC address for the bridge.
    /// Fails with libvirt's error when the named bridge is another network's. `otherBridges`: the bridge names of
    /// the other networks; `interfaceExists`: whether the host has an interface of that name.
    public static func fillInDefine(
        _ n: inout NetworkDefinition, otherBridges: Set<String>, interfaceExists: (String) -> Bool,
        generateMAC: Bool
    ) throws(NetworkXMLError) {
        guard n.ownsBridge else { return }
        var b = n.bridge ?? NetworkBridge()
        if let name = b.name, !isBridgeTemplate(name) {
            if otherBridges.contains(name) {
                throw NetworkXMLError(
                    .internalError, element: "network/bridge", attribute: "name", line: nil,
                    "bridge name '\(name)' already in use.")
            }
        } else {
            let pattern = b.name ?? "virbr%d"
            var i = 0
            while otherBridges.contains(pattern.replacing("%d", with: String(i)))
                || interfaceExists(pattern.replacing("%d", with: String(i)))
            {
                i += 1
            }
            b.name = pattern.replacing("%d", with: String(i))
        }
        n.bridge = b
        if n.mac == nil && generateMAC { n.mac = .randomQEMU() }
    }
}
