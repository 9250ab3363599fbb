/// The nftables rules of a running network: one table per family named after the bridge, the only things SwiftVirt
/// adds to the host's ruleset (deleting them undoes everything). They do what libvirt's iptables rules do: traffic
/// between the bridge's ports passes, NAT masquerades (or SNATs to `<nat><address>`) its IPv4 subnets (IPv6 too
/// with `<nat ipv6='yes'>`, else IPv6 is routed), routed subnets pass both ways, anything else entering or leaving
/// the bridge is refused; open networks get no rules.
extension NetworkHostConfig {
    /// nftables table name for a bridge: letters, digits and '_' only.
    public static func nftTable(bridge: String) -> String {
        "swiftvirt_" + String(bridge.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// The IPv4 table, or nil when the mode needs no rules (open, and modes without a bridge of their own).
    public static func nftRuleset(_ n: NetworkDefinition, bridge: String) -> String? {
        guard n.ownsBridge, n.mode != .open else { return nil }
        var allowed: [String] = []
        var postrouting: [String] = []
        for s in n.ips.filter(\.address.isIPv4).map(\.subnet.description) {
            switch n.mode {
            case .nat?:
                allowed += natForwardRules(n, bridge: bridge, subnet: s, family: "ip")
                postrouting += natRules(n, subnet: s, family: "ip")
            case .route?:
                allowed += routedRules(n, bridge: bridge, subnet: s, family: "ip")
            default:
                break
            }
        }
        return table(
            family: "ip", name: nftTable(bridge: bridge), bridge: bridge, allowed: allowed, postrouting: postrouting)
    }

    /// The IPv6 table, for networks with an IPv6 `<ip>` or `ipv6='yes'` (guest-to-guest IPv6 without an address
    /// of the network's own); nil otherwise, and for open networks.
    public static func nftRuleset6(_ n: NetworkDefinition, bridge: String) -> String? {
        let subnets = n.ips.filter { !$0.address.isIPv4 }.map(\.subnet.description)
        guard n.ownsBridge, n.mode != .open, !subnets.isEmpty || n.ipv6WithoutGateway else { return nil }
        var allowed: [String] = []
        var postrouting: [String] = []
        for s in subnets {
            if n.mode == .nat && n.forward?.nat?.ipv6 == true {
                allowed += natForwardRules(n, bridge: bridge, subnet: s, family: "ip6")
                postrouting += natRules(n, subnet: s, family: "ip6")
            } else if n.mode == .nat || n.mode == .route {
                allowed += routedRules(n, bridge: bridge, subnet: s, family: "ip6")
            }
        }
        return table(
            family: "ip6", name: nftTable(bridge: bridge), bridge: bridge, allowed: allowed, postrouting: postrouting)
    }

    private static func outDev(_ n: NetworkDefinition) -> String { n.forward?.dev.map { " oifname \"\($0)\"" } ?? "" }
    private static func inDev(_ n: NetworkDefinition) -> String { n.forward?.dev.map { " iifname \"\($0)\"" } ?? "" }

    /// Out of the bridge freely; back in only as replies.
    private static func natForwardRules(_ n: NetworkDefinition, bridge: String, subnet: String, family: String)
        -> [String]
    {
        [
            "iifname \"\(bridge)\"\(outDev(n)) \(family) saddr \(subnet) accept",
            "oifname \"\(bridge)\"\(inDev(n)) \(family) daddr \(subnet) ct state established,related accept",
        ]
    }

    /// Masquerade (or SNAT to the `<nat><address>` range), ports mapped into `<nat><port>` for TCP and UDP;
    /// never for multicast or broadcast destinations.
    private static func natRules(_ n: NetworkDefinition, subnet: String, family: String) -> [String] {
        let nat = n.forward?.nat
        let multicast = family == "ip" ? "{ 224.0.0.0/24, 255.255.255.255 }" : "ff00::/8"
        let guardDst = "\(family) saddr \(subnet) \(family) daddr != \(subnet) \(family) daddr != \(multicast)"
        var to = ""
        if family == "ip", let s = nat?.addressStart {
            to = "\(s)" + (nat?.addressEnd.map { $0 == s ? "" : "-\($0)" } ?? "")
        }
        let action = to.isEmpty ? "masquerade" : "snat to \(to)"
        var rules: [String] = []
        if let p = nat?.ports {
            let ports = ":\(p.lowerBound)-\(p.upperBound)"
            let target = to.isEmpty ? "masquerade to \(ports)" : "snat to \(to)\(ports)"
            rules.append("\(guardDst) meta l4proto { tcp, udp }\(outDev(n)) \(target)")
        }
        rules.append("\(guardDst)\(outDev(n)) \(action)")
        return rules
    }

    /// Forwarding both ways for a routed subnet (optionally only through `<forward dev>`).
    private static func routedRules(_ n: NetworkDefinition, bridge: String, subnet: String, family: String)
        -> [String]
    {
        [
            "iifname \"\(bridge)\"\(outDev(n)) \(family) saddr \(subnet) accept",
            "oifname \"\(bridge)\"\(inDev(n)) \(family) daddr \(subnet) accept",
        ]
    }

    /// A table whose forward chain lets traffic between the bridge's ports pass, then `allowed`, and refuses
    /// anything else entering or leaving the bridge (isolated networks get only the refusals).
    private static func table(family: String, name: String, bridge: String, allowed: [String], postrouting: [String])
        -> String
    {
        let forward =
            ["iifname \"\(bridge)\" oifname \"\(bridge)\" accept"] + allowed + [
                "iifname \"\(bridge)\" reject", "oifname \"\(bridge)\" reject",
            ]
        var text = "table \(family) \(name) {\n"
        text += "  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
        text += forward.map { "    \($0)\n" }.joined() + "  }\n"
        if !postrouting.isEmpty {
            text += "  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n"
            text += postrouting.map { "    \($0)\n" }.joined() + "  }\n"
        }
        return text + "}\n"
    }
}
