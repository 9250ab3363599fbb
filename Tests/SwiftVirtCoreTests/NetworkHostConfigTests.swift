import Testing

@testable import SwiftVirtCore

/// The text handed to nft and dnsmasq, and the net-update fragments, checked without touching the host.
@Suite struct NetworkHostConfigTests {
    static func network(_ xml: String) throws -> NetworkDefinition { try NetworkXML.parse(xml) }

    @Test func ipv6GetsItsOwnRoutedTableAndRouterAdvertisements() throws {
        let n = try Self.network(
            """
            <network><name>d</name><forward mode='nat'/><bridge name='svd0'/>\
            <ip address='10.1.0.1' prefix='24'/>\
            <ip family='ipv6' address='fd00:1::1' prefix='64'><dhcp><range start='fd00:1::10' end='fd00:1::20'/></dhcp></ip>\
            </network>
            """)
        let v6 = try #require(NetworkHostConfig.nftRuleset6(n, bridge: "svd0"))
        #expect(v6.hasPrefix("table ip6 swiftvirt_svd0 {"))
        #expect(v6.contains("iifname \"svd0\" ip6 saddr fd00:1::/64 accept"))
        #expect(!v6.contains("masquerade") && !v6.contains("10.1.0.0"))
        let v4 = try #require(NetworkHostConfig.nftRuleset(n, bridge: "svd0"))
        #expect(v4.contains("masquerade") && !v4.contains("fd00"))
        let conf = NetworkHostConfig.dnsmasqConfig(n, bridge: "svd0", paths: .init(directory: "/r", name: "d"))
        #expect(conf.contains("enable-ra\n") && conf.contains("dhcp-range=fd00:1::10,fd00:1::20,64\n"))
    }

    @Test func ipv4OnlyAndOpenNetworksHaveNoIPv6Table() throws {
        let v4 = try Self.network(
            "<network><name>a</name><bridge name='sva0'/><ip address='10.2.0.1' prefix='24'/></network>")
        #expect(NetworkHostConfig.nftRuleset6(v4, bridge: "sva0") == nil)
        // ipv6='yes': guests talk IPv6 to each other on the bridge, and nothing else.
        var nogw = v4
        nogw.ipv6WithoutGateway = true
        let v6 = try #require(NetworkHostConfig.nftRuleset6(nogw, bridge: "sva0"))
        #expect(v6.contains("iifname \"sva0\" oifname \"sva0\" accept") && v6.contains("iifname \"sva0\" reject"))
        #expect(
            !NetworkHostConfig.dnsmasqConfig(v4, bridge: "sva0", paths: .init(directory: "/r", name: "a")).contains(
                "enable-ra"))
        let open = try Self.network(
            "<network><name>o</name><forward mode='open'/><bridge name='svo0'/><ip family='ipv6' address='fd00:2::1' prefix='64'/></network>"
        )
        #expect(NetworkHostConfig.nftRuleset6(open, bridge: "svo0") == nil)
        #expect(NetworkHostConfig.nftRuleset(open, bridge: "svo0") == nil)
    }
}

extension NetworkHostConfigTests {
    /// dnsmasq writes IPv6 leases after a `duid` line with the IAID where IPv4 lines have the MAC.
    @Test func ipv6LeasesTakeTheirMACFromTheClientDUID() {
        let text = """
            1700000000 52:54:00:01:02:03 10.4.0.50 g1 01:52:54:00:01:02:03
            duid 00:01:00:01:2c:aa:bb:cc:52:54:00:ff:ff:ff
            1700000100 1234567 fd00:4::150 g1 00:03:00:01:52:54:00:01:02:03
            1700000200 42 fd00:4::151 * 00:01:00:01:2c:aa:bb:cc:52:54:00:0a:0b:0c
            1700000300 43 fd00:4::152 * 00:02:00:00:ab:11:aa:bb
            """
        let leases = NetworkHostConfig.parseLeases(text)
        #expect(leases.count == 4)
        #expect(leases[0].mac == "52:54:00:01:02:03" && leases[0].iaid == nil)
        #expect(leases[1].mac == "52:54:00:01:02:03" && leases[1].iaid == "1234567")
        #expect(leases[1].ip.description == "fd00:4::150" && leases[1].hostname == "g1")
        #expect(leases[2].mac == "52:54:00:0a:0b:0c" && leases[2].hostname == nil)
        #expect(leases[3].mac == nil && leases[3].clientID == "00:02:00:00:ab:11:aa:bb")
    }
}
