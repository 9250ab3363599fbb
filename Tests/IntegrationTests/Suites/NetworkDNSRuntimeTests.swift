import Foundation
import Testing

/// What `<dns>` and `<domain>` make dnsmasq do, asked over the wire from the namespace: forwarders (a fake upstream
/// server on the namespace's loopback logs what reaches it), forwardPlainNames, a domain answered locally, TXT and
/// SRV records, local PTR answers, and `<dns enable='no'>` (DHCP only).
extension Integration.Networks {
    static func query(_ name: String, _ type: String = "A", via server: String, in ns: NetworkNamespace) async throws
        -> [String]
    {
        let r = try await ns.exec(
            TestEnvironment.python, TestEnvironment.pythonScript("dns_query.py"), server, name, type)
        guard r.succeeded else { throw HarnessError("dns query failed: \(r)") }
        return r.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    @Test func dnsForwardersPlainNamesAndRecordsAreServedAsDefined() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let upstreamLog = daemon.scratch.appendingPathComponent("upstream.log").path
                _ = FileManager.default.createFile(atPath: upstreamLog, contents: nil)
                let upstream = try ChildProcess(
                    "/usr/sbin/ip",
                    [
                        "netns", "exec", ns.name, TestEnvironment.python, TestEnvironment.pythonScript("fake_dns.py"),
                        "127.0.0.53", "192.0.2.99", upstreamLog,
                    ], scratch: daemon.scratch)
                defer { upstream.signal(SIGKILL) }
                try await Self.defineAndStart(
                    daemon, "dnsf",
                    """
                    <network><name>dnsf</name><forward mode='nat'/><bridge name='svdnsf0'/>
                      <domain name='lab.test' localOnly='yes'/>
                      <dns forwardPlainNames='no'>
                        <forwarder addr='127.0.0.53'/>
                        <forwarder domain='blocked.example'/>
                        <txt name='info.lab.test' value='hello from dnsmasq'/>
                        <srv service='ldap' protocol='tcp' domain='lab.test' target='db.lab.test' port='389' priority='10' weight='5'/>
                        <host ip='10.92.0.50'><hostname>db</hostname></host>
                      </dns>
                      <ip address='10.92.0.1' prefix='24' localPtr='yes'/>
                    </network>
                    """)
                let dns = "10.92.0.1"
                // Forwarded to the forwarder (and nowhere else: no-resolv).
                try await waitUntil("dnsmasq forwards to the fake upstream", timeout: .seconds(20)) {
                    try await Self.query("www.example.org", via: dns, in: ns) == ["192.0.2.99"]
                }
                #expect(readFile(upstreamLog).contains("www.example.org"))
                // forwardPlainNames='no': a name without a dot stays local; the network's own domain
                // (localOnly='yes') is answered locally.
                #expect(try await Self.query("plainname", via: dns, in: ns) == ["NXDOMAIN"])
                #expect(try await Self.query("nothere.lab.test", via: dns, in: ns) == ["NXDOMAIN"])
                // A domain forwarder without an address: libvirt writes `server=/blocked.example/#`, which
                // dnsmasq (2.89) reads as "forward as usual"; so does SwiftVirt.
                #expect(try await Self.query("x.blocked.example", via: dns, in: ns) == ["192.0.2.99"])
                let log = readFile(upstreamLog)
                #expect(!log.contains("plainname") && !log.contains("lab.test"), "\(log)")
                // Records of the definition.
                #expect(try await Self.query("db.lab.test", via: dns, in: ns) == ["10.92.0.50"])
                #expect(try await Self.query("_ldap._tcp.lab.test", "SRV", via: dns, in: ns) == ["10 5 389 db.lab.test"])
                #expect(try await Self.query("info.lab.test", "TXT", via: dns, in: ns) == ["hello from dnsmasq"])
                #expect(try await Self.query("50.0.92.10.in-addr.arpa", "PTR", via: dns, in: ns) == ["db.lab.test"])
                #expect(try await Self.query("77.0.92.10.in-addr.arpa", "PTR", via: dns, in: ns) == ["NXDOMAIN"])
                #expect(!readFile(upstreamLog).contains("in-addr.arpa"), "localPtr keeps reverse lookups local")

                // DNS off: dnsmasq runs for DHCP only and nothing answers on port 53.
                try await Self.defineAndStart(
                    daemon, "nodns",
                    """
                    <network><name>nodns</name><forward mode='nat'/><bridge name='svnodns0'/><dns enable='no'/>
                    <ip address='10.93.0.1' prefix='24'><dhcp><range start='10.93.0.10' end='10.93.0.20'/></dhcp></ip>
                    </network>
                    """)
                let conf = readFile(daemon.runDir + "/networks/nodns.conf")
                #expect(conf.contains("port=0\n") && conf.contains("dhcp-range=10.93.0.10,10.93.0.20"), "\(conf)")
                let pid = Int32(readFile(daemon.runDir + "/networks/nodns.pid").trimmingCharacters(in: .whitespacesAndNewlines))
                #expect(pid.map { kill($0, 0) == 0 } == true, "dnsmasq serves DHCP")
                #expect(try await Self.query("www.example.org", via: "10.93.0.1", in: ns) == ["NO ANSWER"])
            }
        }
    }
}
