import Foundation
import Testing

extension Integration.Networks {
    /// A query to the network's dnsmasq from the namespace: the A records it gives for `name`, or ["NXDOMAIN"].
    /// The A records dnsmasq gives for `name` ("REFUSED" on an isolated network for a name it does not know:
    /// it has no upstream server to ask).
    static func resolve(_ name: String, via server: String, in ns: NetworkNamespace) async throws -> [String] {
        let r = try await ns.exec(TestEnvironment.python, TestEnvironment.pythonScript("dns_query.py"), server, name)
        guard r.succeeded else { throw HarnessError("dns query failed: \(r)") }
        return r.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    @Test func netUpdateChangesDNSHostsAndDHCPRangesLiveAndInTheConfig() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.defineAndStart(
                    daemon, "upd",
                    "<network><name>upd</name><bridge name='svupd0'/><ip address='10.75.0.1' prefix='24'><dhcp><range start='10.75.0.100' end='10.75.0.110'/></dhcp></ip></network>"
                )
                #expect(try await Self.resolve("web", via: "10.75.0.1", in: ns) == ["REFUSED"])

                try await virsh.must(
                    "net-update", "upd", "add", "dns-host", "<host ip='10.75.0.60'><hostname>web</hostname></host>",
                    "--live", "--config")
                #expect(try await Self.resolve("web", via: "10.75.0.1", in: ns) == ["10.75.0.60"])
                let hostXML = "<host ip='10.75.0.60'>"
                #expect(try await virsh.must("net-dumpxml", "upd").contains(hostXML))
                #expect(try await virsh.must("net-dumpxml", "upd", "--inactive").contains(hostXML))
                // The same ip again is refused; the record stays once.
                let dup = try await virsh(
                    "net-update", "upd", "add", "dns-host", "<host ip='10.75.0.60'><hostname>www</hostname></host>",
                    "--live")
                #expect(!dup.succeeded && dup.stderr.contains("existing DNS HOST record"), "\(dup.stderr)")

                try await virsh.must(
                    "net-update", "upd", "delete", "dns-host", "<host ip='10.75.0.60'/>", "--live", "--config")
                #expect(try await Self.resolve("web", via: "10.75.0.1", in: ns) == ["REFUSED"])
                #expect(!(try await virsh.must("net-dumpxml", "upd", "--inactive").contains(hostXML)))
                let missing = try await virsh("net-update", "upd", "delete", "dns-host", "<host ip='10.75.0.61'/>")
                #expect(!missing.succeeded && missing.stderr.contains("couldn't locate"), "\(missing.stderr)")

                // A second DHCP range reaches dnsmasq's configuration of the running network.
                try await virsh.must(
                    "net-update", "upd", "add", "ip-dhcp-range", "<range start='10.75.0.150' end='10.75.0.160'/>",
                    "--live", "--config")
                let conf = readFile(daemon.runDir + "/networks/upd.conf")
                #expect(conf.contains("dhcp-range=10.75.0.150,10.75.0.160,255.255.255.0"), "conf:\n\(conf)")
                #expect(conf.contains("dhcp-range=10.75.0.100,10.75.0.110,255.255.255.0"))
                #expect(
                    try await virsh.must("net-dumpxml", "upd", "--inactive").contains(
                        "<range start='10.75.0.150' end='10.75.0.160'/>"))
                let outside = try await virsh(
                    "net-update", "upd", "add", "ip-dhcp-range", "<range start='10.76.0.1' end='10.76.0.9'/>", "--live")
                #expect(!outside.succeeded, "a range outside every subnet is refused")
                // dnsmasq still serves after the restarts.
                #expect(try await Self.resolve("upd-missing", via: "10.75.0.1", in: ns) == ["REFUSED"])

                // Sections SwiftVirt cannot change fail as libvirt's do.
                let bridge = try await virsh("net-update", "upd", "modify", "bridge", "<bridge name='svother0'/>")
                #expect(
                    !bridge.succeeded
                        && bridge.stderr.contains("Operation not supported: can't update 'bridge' section of network 'upd'"),
                    "\(bridge.stderr)")
                // TXT and SRV records reach the running dnsmasq.
                try await virsh.must(
                    "net-update", "upd", "add", "dns-txt", "<txt name='note.upd' value='from net-update'/>", "--live")
                #expect(try await Self.query("note.upd", "TXT", via: "10.75.0.1", in: ns) == ["from net-update"])
                let again = try await virsh("net-update", "upd", "add", "dns-txt", "<txt name='note.upd' value='z'/>")
                #expect(
                    !again.succeeded && again.stderr.contains("there is already a DNS TXT record with name 'note.upd'"),
                    "\(again.stderr)")
                let modify = try await virsh("net-update", "upd", "modify", "dns-txt", "<txt name='note.upd' value='z'/>")
                #expect(
                    !modify.succeeded && modify.stderr.contains("Operation not supported: DNS TXT records cannot be modified"),
                    "\(modify.stderr)")
                try await virsh.must(
                    "net-update", "upd", "add", "dns-srv",
                    "<srv service='http' protocol='tcp' domain='upd' target='web.upd' port='8080'/>", "--live")
                #expect(
                    try await Self.query("_http._tcp.upd", "SRV", via: "10.75.0.1", in: ns) == ["0 0 8080 web.upd"])
                try await virsh.must("net-update", "upd", "delete", "dns-srv", "<srv service='http'/>", "--live")
                #expect(try await Self.query("_http._tcp.upd", "SRV", via: "10.75.0.1", in: ns) == ["REFUSED"])
                try await virsh.must("net-destroy", "upd")
            }
        }
    }
}

extension Integration.Networks {
    @Test func ipv6SubnetIsRoutedNotMasqueradedAndServedByDnsmasq() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.defineAndStart(
                    daemon, "dual",
                    """
                    <network><name>dual</name><forward mode='nat'/><bridge name='svv6'/>\
                    <ip address='10.78.0.1' prefix='24'><dhcp><range start='10.78.0.10' end='10.78.0.20'/></dhcp></ip>\
                    <ip family='ipv6' address='fd00:78::1' prefix='64'>\
                    <dhcp><range start='fd00:78::100' end='fd00:78::1ff'/></dhcp></ip></network>
                    """)
                let addrs = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-6", "addr", "show", "dev", "svv6")
                #expect(addrs.contains("fd00:78::1/64"), "addresses: \(addrs)")
                #expect(try await ns.exec("cat", "/proc/sys/net/ipv6/conf/all/forwarding").stdout.hasPrefix("1"))

                let v6 = try await ns.exec("nft", "list", "table", "ip6", "swiftvirt_svv6").stdout
                #expect(v6.contains("iifname \"svv6\" ip6 saddr fd00:78::/64 accept"), "ip6 table:\n\(v6)")
                #expect(v6.contains("oifname \"svv6\" ip6 daddr fd00:78::/64 accept"), "ip6 table:\n\(v6)")
                #expect(!v6.contains("masquerade") && v6.contains("iifname \"svv6\" reject"))
                let v4 = try await ns.exec("nft", "list", "table", "ip", "swiftvirt_svv6").stdout
                #expect(v4.contains("masquerade") && v4.contains("10.78.0.0/24"), "ip table:\n\(v4)")

                let conf = readFile(daemon.runDir + "/networks/dual.conf")
                #expect(conf.contains("dhcp-range=fd00:78::100,fd00:78::1ff,64"), "conf:\n\(conf)")
                #expect(conf.contains("enable-ra") && conf.contains("dhcp-range=10.78.0.10,10.78.0.20"))
                let pid = readFile(daemon.runDir + "/networks/dual.pid").trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(Int32(pid).map { kill($0, 0) == 0 } == true, "dnsmasq pid '\(pid)'")
                #expect(try await virsh.must("net-dumpxml", "dual").contains("family='ipv6'"))

                try await virsh.must("net-destroy", "dual")
                #expect(try await ns.nftTables().isEmpty)
                #expect(!(try await ns.interfaceExists("svv6")))

                // An IPv6 subnet already routed in the namespace is refused at start, naming the interface.
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svused6", "type", "bridge")
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "addr", "add", "fd00:79::5/64", "dev", "svused6")
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", "svused6", "up")
                let path = daemon.scratch.appendingPathComponent("v6b.xml").path
                try
                    "<network><name>v6b</name><bridge name='svv6b'/><ip family='ipv6' address='fd00:79::1' prefix='64'/></network>"
                    .write(toFile: path, atomically: true, encoding: .utf8)
                try await virsh.must("net-define", path)
                let r = try await virsh("net-start", "v6b")
                #expect(
                    !r.succeeded && r.stderr.contains("svused6") && r.stderr.contains("fd00:79::/64"), "\(r.stderr)")
                #expect(!(try await ns.interfaceExists("svv6b")))
            }
        }
    }
}
