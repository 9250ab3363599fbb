import Foundation
import Testing

extension Integration.Networks {
    /// Writes `xml` to the daemon's scratch directory, defines and starts the network it describes.
    static func defineAndStart(_ daemon: DaemonHarness, _ name: String, _ xml: String) async throws {
        let path = daemon.scratch.appendingPathComponent("\(name).xml").path
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        try await Virsh(daemon).must("net-define", path)
        try await Virsh(daemon).must("net-start", name)
    }

    /// `ip -j link show` of one interface, decoded.
    static func linkInfo(_ interface: String, in ns: NetworkNamespace) async throws -> [String: Any] {
        let out = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-j", "link", "show", interface)
        let list = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]
        return try #require(list?.first, "ip -j link show \(interface): \(out)")
    }

    @Test func routedNetworkForwardsItsSubnetWithoutMasquerade() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                try await Self.defineAndStart(
                    daemon, "routed",
                    "<network><name>routed</name><forward mode='route'/><bridge name='svrt0'/><ip address='10.71.0.1' prefix='24'><dhcp><range start='10.71.0.10' end='10.71.0.20'/></dhcp></ip></network>"
                )
                let rules = try await ns.exec("nft", "list", "table", "ip", "swiftvirt_svrt0").stdout
                #expect(!rules.contains("masquerade") && !rules.contains("postrouting"), "rules:\n\(rules)")
                #expect(rules.contains("iifname \"svrt0\" ip saddr 10.71.0.0/24 accept"), "rules:\n\(rules)")
                #expect(rules.contains("oifname \"svrt0\" ip daddr 10.71.0.0/24 accept"), "rules:\n\(rules)")
                #expect(try await ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout.hasPrefix("1"))
                #expect(try await ns.pids().count >= 2, "dnsmasq runs for a routed network")
                // The same name with another uuid is refused as libvirt does, naming the existing uuid.
                let uuid = try await Virsh(daemon).must("net-uuid", "routed").trimmingCharacters(
                    in: .whitespacesAndNewlines)
                let dupPath = daemon.scratch.appendingPathComponent("dup.xml").path
                try "<network><name>routed</name><uuid>0b0e5c1e-8d6a-4a51-9d7e-4f3c2b1a0f9e</uuid></network>"
                    .write(toFile: dupPath, atomically: true, encoding: .utf8)
                let dup = try await Virsh(daemon)("net-define", dupPath)
                #expect(
                    !dup.succeeded && dup.stderr.contains("network 'routed' already exists with uuid \(uuid)"),
                    "\(dup.stderr)")
                try await Virsh(daemon).must("net-destroy", "routed")
                #expect(!(try await ns.nftTables().contains("swiftvirt_svrt0")))

                // net-create of the defined, inactive network runs it (still persistent); again while it runs, no.
                let current = daemon.scratch.appendingPathComponent("routed-current.xml").path
                try await Virsh(daemon).must("net-dumpxml", "routed", "--inactive")
                    .write(toFile: current, atomically: true, encoding: .utf8)
                try await Virsh(daemon).must("net-create", current)
                let info = try await Virsh(daemon).must("net-info", "routed")
                #expect(info.contains("Active:         yes") && info.contains("Persistent:     yes"), "\(info)")
                let again = try await Virsh(daemon)("net-create", current)
                #expect(!again.succeeded && again.stderr.contains("already active as 'routed'"), "\(again.stderr)")
                try await Virsh(daemon).must("net-destroy", "routed")
            }
        }
    }

    @Test func openNetworkAddsNoFirewallRulesAndNATCarriesItsPortRange() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.defineAndStart(
                    daemon, "opennet",
                    "<network><name>opennet</name><forward mode='open'/><bridge name='svop0'/><mtu size='1400'/><mac address='52:54:00:aa:bb:cc'/><ip address='10.72.0.1' prefix='24'/></network>"
                )
                #expect(try await ns.interfaceExists("svop0"))
                #expect(try await ns.nftTables().isEmpty, "an open network adds no nft tables")
                #expect(try await ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout.hasPrefix("1"))
                // <mtu> and <mac> land on the bridge device itself.
                let link = try await Self.linkInfo("svop0", in: ns)
                #expect(link["mtu"] as? Int == 1400, "link: \(link)")
                #expect(link["address"] as? String == "52:54:00:aa:bb:cc", "link: \(link)")
                #expect(try await virsh.must("net-dumpxml", "opennet").contains("<mtu size='1400'/>"))

                try await Self.defineAndStart(
                    daemon, "ported",
                    """
                    <network><name>ported</name><forward mode='nat'><nat><port start='20000' end='20099'/></nat>\
                    </forward><bridge name='svpt0'/><ip address='10.73.0.1' prefix='24'/></network>
                    """)
                let rules = try await ns.exec("nft", "list", "table", "ip", "swiftvirt_svpt0").stdout
                #expect(rules.contains("masquerade to :20000-20099"), "rules:\n\(rules)")
                #expect(rules.contains("ip saddr 10.73.0.0/24"), "rules:\n\(rules)")
                #expect(try await virsh.must("net-dumpxml", "ported").contains("<port start='20000' end='20099'/>"))

                try await virsh.must("net-destroy", "ported")
                try await virsh.must("net-destroy", "opennet")
                #expect(!(try await ns.interfaceExists("svop0")))
                #expect(!(try await ns.interfaceExists("svpt0")))
                #expect(try await ns.nftTables().isEmpty)
            }
        }
    }

    @Test func bridgeModeNetworkPutsGuestTapsOnTheHostBridgeWithoutDnsmasq() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svhost0", "type", "bridge")
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", "svhost0", "up")
                let pidsBefore = try await ns.pids().count
                try await Self.defineAndStart(
                    daemon, "hostbr",
                    "<network><name>hostbr</name><forward mode='bridge'/><bridge name='svhost0'/></network>")
                #expect(try await ns.pids().count == pidsBefore, "no dnsmasq for a bridge-mode network")
                #expect(try await ns.nftTables().isEmpty)
                #expect(try await virsh.must("net-info", "hostbr").contains("Bridge:         svhost0"))

                let g = try Self.guest(
                    daemon, name: "hbg-\(UUID().uuidString.prefix(4))", network: "hostbr", mac: "52:54:00:77:04:01",
                    cmdline: "")
                try await virsh.must("create", g.xmlPath)
                let iflist = try await virsh.must("domiflist", g.name)
                let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
                #expect(try await Self.master(of: tap, in: ns) == "svhost0")
                try await virsh.must("destroy", g.name)
                try await waitUntil("tap \(tap) removed", timeout: .seconds(10)) {
                    !(try await ns.interfaceExists(tap))
                }

                // The bridge belongs to the host: stopping the network leaves it in place.
                try await virsh.must("net-destroy", "hostbr")
                #expect(try await ns.interfaceExists("svhost0"))
                // A bridge-mode network on a bridge that does not exist fails to start, naming it.
                let path = daemon.scratch.appendingPathComponent("nobr.xml").path
                try "<network><name>nobr</name><forward mode='bridge'/><bridge name='svnobr0'/></network>"
                    .write(toFile: path, atomically: true, encoding: .utf8)
                try await virsh.must("net-define", path)
                let r = try await virsh("net-start", "nobr")
                #expect(!r.succeeded && r.stderr.contains("svnobr0"), "stderr: \(r.stderr)")
            }
        }
    }
}

extension Integration.Networks {
    @Test func defaultNetworkIsNotAutostartedOverAnExistingRoute() async throws {
        try await NetworkNamespace.with { ns in
            // Something in the namespace already uses libvirt's default subnet before the daemon first starts.
            try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svdummy0", "type", "bridge")
            try await ns.must("/usr/sbin/ip", "-n", ns.name, "addr", "add", "192.168.122.5/24", "dev", "svdummy0")
            try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", "svdummy0", "up")
            try await DaemonHarness.with(netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                let all = try await virsh.must("net-list", "--all")
                #expect(all.contains("default") && all.contains("inactive"), "net-list --all:\n\(all)")
                #expect(try await virsh.must("net-info", "default").contains("Autostart:      no"))
                #expect(!(try await ns.interfaceExists("virbr0")))
                #expect(daemon.logTail(lines: 400).contains("not autostarted"), "log: \(daemon.logTail())")
                #expect(daemon.logTail(lines: 400).contains("svdummy0"))

                let r = try await virsh("net-start", "default")
                #expect(!r.succeeded, "net-start over a used subnet must fail")
                #expect(
                    r.stderr.contains("svdummy0") && r.stderr.contains("192.168.122.0/24"), "stderr: \(r.stderr)")
                #expect(!(try await ns.interfaceExists("virbr0")))
                #expect(try await ns.nftTables().isEmpty)

                // Once the route is gone the network starts.
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "del", "svdummy0")
                try await virsh.must("net-start", "default")
                #expect(try await ns.interfaceExists("virbr0"))
                try await virsh.must("net-destroy", "default")
            }
        }
    }
}

extension Integration.Networks {
    /// A namespace whose loopback is down used to hang the daemon inside Foundation ("Could not create wakeup socket
    /// pair for CFSocket", Process's wakeup sockets bind 127.0.0.1); the daemon no longer needs lo at all.
    @Test func daemonRunsANetworkInANamespaceWithLoopbackDown() async throws {
        try await NetworkNamespace.with { ns in
            try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", "lo", "down")
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let pidsBefore = try await ns.pids().count
                try await Self.defineAndStart(
                    daemon, "nolo",
                    "<network><name>nolo</name><forward mode='nat'/><bridge name='svnolo0'/><ip address='10.82.0.1' prefix='24'><dhcp><range start='10.82.0.10' end='10.82.0.20'/></dhcp></ip></network>"
                )
                #expect(try await ns.interfaceExists("svnolo0"))
                #expect(try await ns.pids().count == pidsBefore + 1, "dnsmasq runs")
                #expect(try await ns.nftTables().contains("swiftvirt_svnolo0"))
                try await Virsh(daemon).must("net-destroy", "nolo")
                #expect(try await ns.pids().count == pidsBefore)
            }
        }
    }
}
