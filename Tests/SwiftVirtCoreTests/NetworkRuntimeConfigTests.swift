import Testing

@testable import SwiftVirtCore

/// What a running network hands to dnsmasq, nft and tc, and how a guest's port is chosen, for the elements the
/// driver acts on (libvirt's networkxml2conftest and networkxml2firewalltest, in spirit).
@Suite struct NetworkRuntimeConfigTests {
    static func network(_ xml: String) throws -> NetworkDefinition { try NetworkXML.parse(xml) }
    static func conf(_ n: NetworkDefinition) -> [String] {
        NetworkHostConfig.dnsmasqConfig(n, bridge: "svb0", paths: .init(directory: "/r", name: n.name))
            .split(separator: "\n").map(String.init)
    }

    @Test func dnsForwardersPlainNamesRecordsAndDomain() throws {
        let lines = Self.conf(
            try Self.network(
                """
                <network><name>d</name><forward mode='nat'/><domain name='ex.test' localOnly='yes'/>
                <dns forwardPlainNames='no'>
                  <forwarder addr='192.0.2.53'/><forwarder domain='corp.ex' addr='192.0.2.1'/><forwarder domain='x.ex'/>
                  <txt name='t' value='hello world'/>
                  <srv service='ldap' protocol='tcp' domain='ex.test' target='db' port='389' priority='10' weight='5'/>
                  <srv service='sip' protocol='udp' target='pbx' weight='3'/>
                  <srv service='none' protocol='tcp' target='.' port='80'/>
                </dns>
                <ip address='10.5.0.1' prefix='24' localPtr='yes'/></network>
                """))
        for line in [
            "server=192.0.2.53", "server=/corp.ex/192.0.2.1", "server=/x.ex/#", "no-resolv", "local=/ex.test/",
            "domain=ex.test", "expand-hosts", "local=/0.5.10.in-addr.arpa/", "domain-needed", "local=//",
            "txt-record=t,hello world", "srv-host=_ldap._tcp.ex.test,db,389,10,5", "srv-host=_sip._udp,pbx,1,0,3",
            "srv-host=_none._tcp", "addn-hosts=/r/d.addnhosts",
        ] {
            #expect(lines.contains(line), "missing \(line) in \(lines)")
        }
        #expect(!lines.contains("port=0") && !lines.contains("dhcp-option=3"))
    }

    @Test func disabledDNSIsDHCPOnlyAndIsolatedNetworksGiveNoRoute() throws {
        let lines = Self.conf(
            try Self.network(
                """
                <network><name>x</name><domain name='x.test'/><dns enable='no'/><mtu size='1400'/>
                <ip address='10.6.0.1' prefix='24'><tftp root='/srv/tftp'/><dhcp>
                <range start='10.6.0.10' end='10.6.0.20'><lease expiry='1' unit='hours'/></range>
                <host mac='52:54:00:AA:00:01' name='h' ip='10.6.0.5'><lease expiry='0'/></host>
                <bootp file='pxelinux.0' server='10.6.0.2'/></dhcp></ip></network>
                """))
        for line in [
            "port=0", "local=/x.test/", "dhcp-option=3", "no-resolv", "ra-param=*,0,0", "enable-tftp",
            "tftp-root=/srv/tftp", "dhcp-range=10.6.0.10,10.6.0.20,255.255.255.0,1h", "dhcp-boot=pxelinux.0,,10.6.0.2",
            "dhcp-lease-max=11", "dhcp-option=option:mtu,1400",
        ] {
            #expect(lines.contains(line) != (line == "local=/x.test/"), "\(line) in \(lines)")
        }
        #expect(!lines.contains { $0.hasPrefix("addn-hosts") }, "no DNS, no hosts file")
        let n = try Self.network(
            """
            <network><name>x</name><dns enable='no'/><ip address='10.6.0.1' prefix='24'><dhcp>
            <host mac='52:54:00:AA:00:01' name='h' ip='10.6.0.5'><lease expiry='0'/></host>
            <host name='n' ip='10.6.0.6'/></dhcp></ip>
            <ip family='ipv6' address='fd00:6::1' prefix='64'><dhcp>
            <host id='0:3:0:1:0:16:3e:11:22:33' name='v6' ip='fd00:6::5'/></dhcp></ip></network>
            """)
        #expect(
            NetworkHostConfig.dhcpHostsFile(n)
                == "52:54:00:AA:00:01,10.6.0.5,h,infinite\nn,10.6.0.6\nid:0:3:0:1:0:16:3e:11:22:33,v6,[fd00:6::5]\n")
        #expect(Self.conf(n).contains("dhcp-range=10.6.0.1,static"))
        #expect(Self.conf(n).contains("dhcp-range=fd00:6::1,static,64"))
    }

    @Test func ipv6WithoutDHCPGetsRouterAdvertisementsOnlyAndOptionsComeLast() throws {
        let n = try Self.network(
            """
            <network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'><name>r</name>
            <forward mode='route'/><ip family='ipv6' address='fd00:7::1' prefix='64'/>
            <dnsmasq:options><dnsmasq:option value='log-queries'/></dnsmasq:options></network>
            """)
        let lines = Self.conf(n)
        #expect(lines.contains("dhcp-range=fd00:7::1,ra-only") && !lines.contains("enable-ra"))
        #expect(lines.last == "log-queries")
    }

    @Test func natToAnAddressRangeAndIPv6NAT() throws {
        let n = try Self.network(
            """
            <network><name>s</name><forward mode='nat' dev='eth0'><nat ipv6='yes'>
            <address start='192.0.2.10' end='192.0.2.20'/><port start='2000' end='3000'/></nat></forward>
            <ip address='10.8.0.1' prefix='24'/><ip family='ipv6' address='fd00:8::1' prefix='64'/></network>
            """)
        let v4 = try #require(NetworkHostConfig.nftRuleset(n, bridge: "svs0"))
        #expect(v4.contains("oifname \"eth0\" snat to 192.0.2.10-192.0.2.20:2000-3000"), "\(v4)")
        #expect(v4.contains("oifname \"eth0\" snat to 192.0.2.10-192.0.2.20\n"), "\(v4)")
        #expect(!v4.contains("masquerade"))
        let v6 = try #require(NetworkHostConfig.nftRuleset6(n, bridge: "svs0"))
        #expect(v6.contains("ip6 saddr fd00:8::/64 ip6 daddr != fd00:8::/64 ip6 daddr != ff00::/8"), "\(v6)")
        #expect(v6.contains("masquerade to :2000-3000") && v6.contains("ct state established,related accept"))
    }

    @Test func bandwidthBecomesLibvirtsTCCommands() throws {
        let b = NetworkBandwidth(
            inbound: .init(average: 1000), outbound: { var r = NetworkBandwidth.Rate(average: 500); r.burst = 64; return r }())
        var withPeak = b
        withPeak.inbound?.peak = 2000
        withPeak.inbound?.burst = 256
        let cmds = NetworkBandwidthTC.commands(withPeak, device: "vnet0", hierarchical: false, swapped: true).map {
            $0.joined(separator: " ")
        }
        #expect(
            cmds == [
                "qdisc add dev vnet0 root handle 1: htb default 1",
                "class add dev vnet0 parent 1: classid 1:1 htb rate 1000kbps ceil 2000kbps burst 256kb quantum 85",
                "qdisc add dev vnet0 parent 1:1 handle 2: sfq perturb 10",
                "filter add dev vnet0 parent 1:0 protocol all prio 1 handle 1 fw flowid 1",
                "qdisc add dev vnet0 ingress",
                "filter add dev vnet0 parent ffff: protocol all u32 match u32 0 0 police rate 500kbps burst 64kb mtu 64kb drop flowid :1",
            ])
        let bridge = NetworkBandwidthTC.commands(b, device: "virbr0", hierarchical: true, swapped: true).map {
            $0.joined(separator: " ")
        }
        #expect(bridge[0].hasSuffix("htb default 2") && bridge[1].contains("classid 1:1 htb rate 1000kbps ceil 1000kbps"))
    }

    @Test func portsComeFromThePoolAsLibvirtPicksThem() throws {
        let vepa = try Self.network(
            "<network><name>v</name><forward mode='vepa'><interface dev='a'/><interface dev='b'/></forward></network>")
        let first = try NetworkPortAllocation.plan(vepa, bridge: "", portGroup: nil, mac: nil, connections: [:])
        #expect(first.attachment == .macvtap(link: "a", mode: "vepa"))
        let second = try NetworkPortAllocation.plan(vepa, bridge: "", portGroup: nil, mac: nil, connections: ["a": 1])
        #expect(second.link == "b")
        let pass = try Self.network(
            "<network><name>p</name><forward mode='passthrough'><interface dev='a'/></forward></network>")
        #expect(try NetworkPortAllocation.plan(pass, bridge: "", portGroup: nil, mac: nil, connections: [:]).isPassthrough)
        #expect(throws: VirtError.self) {
            try NetworkPortAllocation.plan(pass, bridge: "", portGroup: nil, mac: nil, connections: ["a": 1])
        }
        let empty = try Self.network("<network><name>e</name><forward mode='private'/></network>")
        #expect(throws: VirtError.self) {
            try NetworkPortAllocation.plan(empty, bridge: "", portGroup: nil, mac: nil, connections: [:])
        }
        let nat = try Self.network(
            """
            <network><name>n</name><forward mode='nat'/><bridge macTableManager='libvirt'/><port isolated='yes'/>
            <mtu size='1400'/><ip address='10.9.0.1' prefix='24'/>
            <portgroup name='pg' default='yes'><bandwidth><inbound average='10'/></bandwidth></portgroup>
            <portgroup name='vp'><virtualport type='802.1Qbh'/></portgroup></network>
            """)
        let tap = try NetworkPortAllocation.plan(nat, bridge: "virbr3", portGroup: nil, mac: nil, connections: [:])
        #expect(tap.attachment == .tap(bridge: "virbr3") && tap.isolated && tap.managesMACTable && tap.mtu == 1400)
        #expect(tap.bandwidth?.inbound?.average == 10)
        do {
            _ = try NetworkPortAllocation.plan(nat, bridge: "virbr3", portGroup: "vp", mac: nil, connections: [:])
            Issue.record("a virtualport on a NAT network is refused")
        } catch let e as NetworkXMLError {
            #expect(e.code == .configUnsupported && e.element == "network/portgroup/virtualport")
        }
    }
}
