/// The nftables form of an instantiated filter tree for one port, in swiftvirtd's table `bridge swiftvirt_nwfilter`:
/// frames from the guest (rules of direction `out`) go through chain `vm-TAP-I`, frames to the guest (`in`) through
/// `vm-TAP-O`; `inout` rules are in both (in the guest's outgoing chain with sources and destinations swapped,
/// as libvirt's ebtables rules are). A filter of chain `X` other than `root` gets its own chain `vm-TAP-I-X`,
/// jumped to from the port's chain at the filter's chain priority for the frames of that protocol.
public enum NWFilterNFTables {
    public static let table = "swiftvirt_nwfilter"

    /// The bit of the packet mark a `reject` rule of a guest's outgoing chain sets. The bridge family cannot
    /// answer a frame itself (and kernels without nft_reject_bridge cannot at all), so the frame goes on marked
    /// and the IP layer answers it as libvirt's iptables REJECT does (ICMP or ICMPv6 port unreachable), in table
    /// `inet swiftvirt_nwfilter` at the input hook (to the host) and the forward hook (bridged, through
    /// br_netfilter); without br_netfilter the bridge's own forward hook drops it.
    public static let rejectMark: UInt32 = 0x1000_0000

    /// Creates the bridge table, the maps from port to chain and the two base chains that dispatch through them,
    /// and the bridge's forward chain that drops a marked frame no IP hook rejected.
    public static let setupScript = """
        add table bridge \(table)
        add map bridge \(table) from_vm { type ifname : verdict ; }
        add map bridge \(table) to_vm { type ifname : verdict ; }
        add chain bridge \(table) prerouting { type filter hook prerouting priority -300 ; policy accept ; }
        add chain bridge \(table) postrouting { type filter hook postrouting priority -300 ; policy accept ; }
        add chain bridge \(table) forward { type filter hook forward priority 100 ; policy accept ; }
        add rule bridge \(table) prerouting iifname vmap @from_vm
        add rule bridge \(table) postrouting oifname vmap @to_vm
        add rule bridge \(table) forward meta mark & \(NWFilterNFTRule.hex(rejectMark)) != 0 counter drop

        """

    /// Creates the table whose IP hooks answer the frames a guest's `reject` rule marked.
    public static let rejectSetupScript = """
        add table inet \(table)
        add chain inet \(table) input { type filter hook input priority -300 ; policy accept ; }
        add chain inet \(table) forward { type filter hook forward priority -300 ; policy accept ; }
        add rule inet \(table) input meta mark & \(NWFilterNFTRule.hex(rejectMark)) != 0 counter reject
        add rule inet \(table) forward meta mark & \(NWFilterNFTRule.hex(rejectMark)) != 0 counter reject

        """

    /// The chain names of one port start with this.
    public static func chainPrefix(_ tap: String) -> String { "vm-\(tap)-" }

    /// Adds the port's chains and rules and hooks them into the maps (the port's old chains must be gone).
    public static func applyScript(tap: String, rules: [NWFilterInstanceRule]) throws(VirtError) -> String {
        // Chains first: a jump needs its target to exist.
        var chains = ""
        var out = ""
        for (direction, letter, map) in [(NWFilterRule.Direction.out, "I", "from_vm"), (.in, "O", "to_vm")] {
            let root = chainPrefix(tap) + letter
            let mine = rules.filter { $0.rule.direction == direction || $0.rule.direction == .inout }
            let reverse = direction == .out
            // The port's chain: its own rules and a jump to each other chain, ordered by priority.
            var entries: [(priority: Int, line: String)] = []
            var subchains: [String: [NWFilterInstanceRule]] = [:]
            var order: [String] = []
            for r in mine {
                if r.chain == "root" {
                    let swap = reverse && r.rule.direction == .inout
                    entries.append(
                        (r.rule.priority, try NWFilterNFTRule.line(r.rule, swapped: swap, fromGuest: reverse)))
                } else {
                    if subchains[r.chain] == nil {
                        order.append(r.chain)
                        entries.append((r.chainPriority, jump(to: root + "-" + r.chain, chain: r.chain)))
                    }
                    subchains[r.chain, default: []].append(r)
                }
            }
            chains += "add chain bridge \(table) \(root)\n"
            for e in stableSorted(entries) { out += "add rule bridge \(table) \(root) \(e.line)\n" }
            for name in order {
                let chain = root + "-" + name
                chains += "add chain bridge \(table) \(chain)\n"
                let lines = try subchains[name, default: []].map { r throws(VirtError) in
                    (priority: r.rule.priority,
                     line: try NWFilterNFTRule.line(
                        r.rule, swapped: reverse && r.rule.direction == .inout, fromGuest: reverse))
                }
                for e in stableSorted(lines) { out += "add rule bridge \(table) \(chain) \(e.line)\n" }
            }
            out += "add element bridge \(table) \(map) { \"\(tap)\" : jump \(root) }\n"
        }
        return chains + out
    }

    /// The port's rules while its address is being learned (libvirt's basic rules): from the guest only frames
    /// with its own MAC address, and of those only IPv4, ARP and RARP; to the guest everything.
    public static func learningScript(tap: String, mac: MACAddress) -> String {
        let chain = chainPrefix(tap) + "I"
        return """
            add chain bridge \(table) \(chain)
            add rule bridge \(table) \(chain) ether saddr != \(mac) counter drop
            add rule bridge \(table) \(chain) ether type { ip, arp, 0x8035 } counter accept
            add rule bridge \(table) \(chain) counter drop
            add element bridge \(table) from_vm { "\(tap)" : jump \(chain) }

            """
    }

    /// Removes the port's map entries and its chains (`chains`: the table's chain names now).
    public static func teardownScript(tap: String, chains: [String]) -> String {
        let mine = chains.filter { $0.hasPrefix(chainPrefix(tap)) }
        var out = ""
        for c in mine { out += "flush chain bridge \(table) \(c)\n" }
        // Sub-chains before the chains that jump to them.
        for c in mine.sorted(by: { $0.count > $1.count }) { out += "delete chain bridge \(table) \(c)\n" }
        return out
    }

    /// The frames a filter chain sees: those of the protocol its name starts with.
    static func jump(to target: String, chain: String) -> String {
        let prefixes: [(String, String)] = [
            ("mac", ""), ("vlan", "ether type 8021q "), ("stp", "ether daddr 01:80:c2:00:00:00 "),
            ("rarp", "ether type 0x8035 "), ("arp", "ether type arp "), ("ipv4", "ether type ip "),
            ("ipv6", "ether type ip6 "),
        ]
        let cond = prefixes.first { chain.hasPrefix($0.0) }?.1 ?? ""
        return "\(cond)jump \(target)"
    }

    static func stableSorted(_ e: [(priority: Int, line: String)]) -> [(priority: Int, line: String)] {
        e.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
    }
}
