import Foundation
import Testing

/// Settings a network gives its bridge and its guests' ports, checked in the kernel of the namespace:
/// macTableManager='libvirt' and port isolation on taps, ipv6='yes', static routes, SNAT and IPv6 NAT rules, and
/// portgroups (the default one applies to guests; what this host cannot honour refuses the guest's start).
extension Integration.Networks {
    /// The bridge-port attributes of `dev` (`ip -d -j link show`: linkinfo.info_slave_data).
    static func bridgePort(_ dev: String, in ns: NetworkNamespace) async throws -> [String: Any] {
        let out = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-d", "-j", "link", "show", dev)
        let list = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]
        let info = (list?.first?["linkinfo"] as? [String: Any])?["info_slave_data"] as? [String: Any]
        return try #require(info, "ip -d -j link show \(dev): \(out)")
    }

    @Test func macTableManagerLibvirtAndIsolatedPortsConfigureTheGuestsTap() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.defineAndStart(
                    daemon, "mtm",
                    """
                    <network><name>mtm</name><forward mode='nat'/><bridge name='svmtm0' macTableManager='libvirt'/>
                    <port isolated='yes'/>
                    <ip address='10.94.0.1' prefix='24'><dhcp><range start='10.94.0.10' end='10.94.0.20'/></dhcp></ip>
                    </network>
                    """)
                let g = try Self.guest(
                    daemon, name: "mtm-\(UUID().uuidString.prefix(4))", network: "mtm", mac: "52:54:00:7a:00:01",
                    cmdline: "svping=10.94.0.1")
                try await virsh.must("create", g.xmlPath)
                let iflist = try await virsh.must("domiflist", g.name)
                let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
                let port = try await Self.bridgePort(tap, in: ns)
                #expect(port["learning"] as? Bool == false && port["flood"] as? Bool == false, "\(port)")
                #expect(port["isolated"] as? Bool == true, "\(port)")
                let fdb = try await ns.exec("bridge", "fdb", "show", "dev", tap).stdout
                #expect(fdb.contains("52:54:00:7a:00:01 master svmtm0"), "fdb: \(fdb)")
                // Without learning the bridge still delivers: the guest's MAC is in its table.
                #expect(try await Self.waitForLine(g, containing: "eth0 address").contains("10.94.0."))
                #expect(try await Self.waitForLine(g, containing: "ping 10.94.0.1 ").hasSuffix("ok"))
                try await virsh.must("destroy", g.name)
            }
        }
    }

    @Test func ipv6WithoutGatewayRoutesAndNATRulesReachTheKernel() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                // ipv6='yes' without an IPv6 address: guest-to-guest IPv6 passes the bridge; the bridge itself has
                // no IPv6, as libvirt sets it up.
                try await Self.defineAndStart(
                    daemon, "v6gw",
                    "<network ipv6='yes'><name>v6gw</name><bridge name='svv6gw0'/><ip address='10.95.0.1' prefix='24'/></network>")
                let v6 = try await ns.exec("nft", "list", "table", "ip6", "swiftvirt_svv6gw0")
                #expect(v6.succeeded && v6.stdout.contains("iifname \"svv6gw0\" oifname \"svv6gw0\" accept"), "\(v6)")
                #expect(try await ns.exec("cat", "/proc/sys/net/ipv6/conf/svv6gw0/disable_ipv6").stdout.hasPrefix("1"))
                try await Self.defineAndStart(
                    daemon, "nov6",
                    "<network><name>nov6</name><bridge name='svnov60'/><ip address='10.96.0.1' prefix='24'/></network>")
                #expect(!(try await ns.exec("nft", "list", "table", "ip6", "swiftvirt_svnov60")).succeeded)

                // Static routes through a gateway on the network, and NAT to an address range, IPv6 masqueraded.
                try await Self.defineAndStart(
                    daemon, "rt",
                    """
                    <network><name>rt</name><forward mode='nat'><nat ipv6='yes'>
                      <address start='192.0.2.10' end='192.0.2.20'/><port start='2000' end='3000'/></nat></forward>
                    <bridge name='svrt1'/>
                    <ip address='10.97.0.1' prefix='24'/><ip family='ipv6' address='fd00:97::1' prefix='64'/>
                    <route address='10.98.0.0' prefix='16' gateway='10.97.0.2' metric='5'/>
                    <route family='ipv6' address='fd00:98::' prefix='64' gateway='fd00:97::2'/>
                    </network>
                    """)
                let routes = try await ns.must("/usr/sbin/ip", "-n", ns.name, "route", "show")
                #expect(routes.contains("10.98.0.0/16 via 10.97.0.2 dev svrt1 metric 5"), "\(routes)")
                let routes6 = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-6", "route", "show")
                #expect(routes6.contains("fd00:98::/64 via fd00:97::2 dev svrt1"), "\(routes6)")
                let v4 = try await ns.exec("nft", "list", "table", "ip", "swiftvirt_svrt1").stdout
                #expect(v4.contains("snat to 192.0.2.10-192.0.2.20:2000-3000"), "\(v4)")
                let nat6 = try await ns.exec("nft", "list", "table", "ip6", "swiftvirt_svrt1").stdout
                #expect(nat6.contains("masquerade to :2000-3000") && nat6.contains("ip6 saddr fd00:97::/64"), "\(nat6)")
                // A NAT network without a port range maps TCP and UDP into 1024-65535, and its live XML says so.
                try await Self.defineAndStart(
                    daemon, "natp",
                    "<network><name>natp</name><forward mode='nat'/><bridge name='svnatp0'/><ip address='10.99.0.1' prefix='24'/></network>")
                #expect(try await virsh.must("net-dumpxml", "natp").contains("<port start='1024' end='65535'/>"))
                #expect(!(try await virsh.must("net-dumpxml", "natp", "--inactive")).contains("<nat>"))
                let natp = try await ns.exec("nft", "list", "table", "ip", "swiftvirt_svnatp0").stdout
                #expect(natp.contains("masquerade to :1024-65535"), "\(natp)")
            }
        }
    }

    @Test func portgroupsApplyToGuestsOrRefuseTheirStart() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.defineAndStart(
                    daemon, "pgn",
                    """
                    <network><name>pgn</name><forward mode='nat'/><bridge name='svpg0'/>
                    <ip address='10.100.0.1' prefix='24'/>
                    <portgroup name='limited' default='yes'><bandwidth><inbound average='1000'/></bandwidth></portgroup>
                    <portgroup name='switch'><virtualport type='802.1Qbh'/></portgroup>
                    </network>
                    """)
                let g = try Self.guest(
                    daemon, name: "pg-\(UUID().uuidString.prefix(4))", network: "pgn", mac: "52:54:00:7b:00:01",
                    cmdline: "")
                let r = try await virsh("create", g.xmlPath)
                if r.succeeded {
                    // A kernel with htb and sfq: the default portgroup's limit shapes what reaches the guest.
                    let iflist = try await virsh.must("domiflist", g.name)
                    let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
                    let classes = try await ns.exec("tc", "class", "show", "dev", tap).stdout
                    #expect(classes.contains("htb 1:1") && classes.contains("rate 8Mbit"), "\(classes)")
                    try await virsh.must("destroy", g.name)
                } else {
                    // This kernel lacks sch_sfq or act_police: refused, naming the portgroup's bandwidth, no tap left.
                    #expect(
                        r.stderr.contains("unsupported configuration: <network/portgroup/bandwidth>")
                            && r.stderr.contains("tc"), "\(r.stderr)")
                    let links = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-o", "link", "show")
                    #expect(!links.contains("vnet"), "\(links)")
                }
                // A portgroup change through net-update: the default one without a limit lets guests start.
                try await virsh.must(
                    "net-update", "pgn", "modify", "portgroup", "<portgroup name='limited' default='yes'/>", "--live",
                    "--config")
                #expect(try await virsh.must("net-dumpxml", "pgn").contains("<portgroup name='limited' default='yes'>"))
                try await virsh.must("create", g.xmlPath)
                try await virsh.must("destroy", g.name)
                // A default portgroup that asks for an 802.1Qbh switch port cannot be given on a NAT network.
                try await virsh.must("net-update", "pgn", "delete", "portgroup", "<portgroup name='limited'/>", "--live")
                try await virsh.must(
                    "net-update", "pgn", "modify", "portgroup",
                    "<portgroup name='switch' default='yes'><virtualport type='802.1Qbh'/></portgroup>", "--live")
                let vp = try await virsh("create", g.xmlPath)
                #expect(
                    !vp.succeeded
                        && vp.stderr.contains("<network/portgroup/virtualport>: <virtualport type='802.1Qbh'> not supported"),
                    "\(vp.stderr)")
                // Network-wide bandwidth on the bridge: the same kernel question, at the network's start.
                let bw = daemon.scratch.appendingPathComponent("bw.xml").path
                try """
                    <network><name>bw</name><forward mode='nat'/><bridge name='svbw0'/>
                    <bandwidth><inbound average='1000'/><outbound average='1000'/></bandwidth>
                    <ip address='10.101.0.1' prefix='24'/></network>
                    """.write(toFile: bw, atomically: true, encoding: .utf8)
                try await virsh.must("net-define", bw)
                let started = try await virsh("net-start", "bw")
                if !started.succeeded {
                    #expect(started.stderr.contains("<network/bandwidth>"), "\(started.stderr)")
                    #expect(!(try await ns.interfaceExists("svbw0")), "nothing left behind")
                }
            }
        }
    }
}
