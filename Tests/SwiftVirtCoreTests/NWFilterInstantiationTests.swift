import Testing

@testable import SwiftVirtCore

@Suite struct NWFilterInstantiationTests {
    static let filters: [String: NWFilterDefinition] = {
        let texts = [
            """
            <filter name='top' chain='root'>
              <filterref filter='no-spoof'/>
              <rule action='accept' direction='inout' priority='-500'><mac protocolid='arp'/></rule>
              <rule action='drop' direction='inout' priority='1000'/>
            </filter>
            """,
            """
            <filter name='no-spoof' chain='ipv4-ip' priority='-710'>
              <rule action='return' direction='out' priority='500'><ip srcipaddr='$IP'/></rule>
              <rule action='drop' direction='out' priority='1000'/>
            </filter>
            """,
            """
            <filter name='macs' chain='mac'>
              <rule action='return' direction='out'><mac srcmacaddr='$MAC'/></rule>
            </filter>
            """,
        ]
        var out: [String: NWFilterDefinition] = [:]
        for t in texts {
            let d = try! NWFilterXML.parse(t)
            out[d.name] = d
        }
        return out
    }()

    static let mac = MACAddress(string: "52:54:00:01:02:03")!

    @Test func listParametersMakeOneRulePerValue() throws {
        let inst = NWFilterInstantiator { Self.filters[$0] }
        let rules = try inst.instantiate(
            NWFilterReference(filter: "top", parameters: [("IP", ["10.0.0.5", "10.0.0.6"])]), mac: Self.mac)
        let returns = rules.filter { $0.rule.action == .return }
        #expect(returns.count == 2 && returns.allSatisfy { $0.chain == "ipv4-ip" && $0.chainPriority == -710 })
        #expect(returns.map { $0.rule.match?["srcipaddr"]?.value } == [.ip(IPAddress("10.0.0.5")!), .ip(IPAddress("10.0.0.6")!)])
        #expect(inst.filterNames("top") == ["top", "no-spoof"])
    }

    @Test func missingVariablesAndFiltersAreRefusedAsLibvirt() {
        let inst = NWFilterInstantiator { Self.filters[$0] }
        #expect {
            try inst.instantiate(NWFilterReference(filter: "top"), mac: Self.mac)
        } throws: {
            ($0 as? VirtError)?.message
                == "internal error: Cannot instantiate filter due to unresolvable variables or unavailable list elements: IP"
        }
        #expect {
            try inst.instantiate(NWFilterReference(filter: "nope"), mac: Self.mac)
        } throws: { ($0 as? VirtError)?.message == "internal error: referenced filter 'nope' is missing" }
        // MAC comes from the port.
        #expect(throws: Never.self) { try inst.instantiate(NWFilterReference(filter: "macs"), mac: Self.mac) }
    }

    @Test func nftablesScriptOrdersByPriorityAndJumpsPerProtocol() throws {
        let inst = NWFilterInstantiator { Self.filters[$0] }
        let rules = try inst.instantiate(NWFilterReference(filter: "top", parameters: [("IP", ["10.0.0.5"])]), mac: Self.mac)
        let script = try NWFilterNFTables.applyScript(tap: "vnet7", rules: rules)
        let lines = script.split(separator: "\n").map(String.init)
        let t = "add rule bridge swiftvirt_nwfilter"
        #expect(
            lines.filter { $0.hasPrefix("\(t) vm-vnet7-I ") } == [
                "\(t) vm-vnet7-I ether type ip jump vm-vnet7-I-ipv4-ip",
                "\(t) vm-vnet7-I ether type 0x806 counter accept",
                "\(t) vm-vnet7-I counter drop",
            ])
        #expect(lines.contains("\(t) vm-vnet7-I-ipv4-ip ether type ip ip saddr 10.0.0.5 counter return"))
        #expect(!lines.contains { $0.contains("vm-vnet7-O-ipv4-ip") }, "no chain without rules in that direction")
        #expect(lines.last == "add element bridge swiftvirt_nwfilter to_vm { \"vnet7\" : jump vm-vnet7-O }")
        #expect(
            NWFilterNFTables.teardownScript(tap: "vnet7", chains: ["vm-vnet7-I", "vm-vnet7-I-mac", "vm-vnet70-I"])
                == """
                flush chain bridge swiftvirt_nwfilter vm-vnet7-I
                flush chain bridge swiftvirt_nwfilter vm-vnet7-I-mac
                delete chain bridge swiftvirt_nwfilter vm-vnet7-I-mac
                delete chain bridge swiftvirt_nwfilter vm-vnet7-I

                """)
    }

    /// As libvirt: a reject of an iptables protocol rejects (in the guest's outgoing chain, by marking the frame
    /// for the IP layer's reject), one of an ebtables protocol drops, and so does one in the chain to the guest.
    @Test func rejectMarksIPTablesRulesFromTheGuestAndDropsOtherwise() throws {
        let def = try NWFilterXML.parse(
            """
            <filter name='rj' chain='root'>
              <rule action='reject' direction='inout'><tcp dstportstart='80'/></rule>
              <rule action='reject' direction='out'><udp-ipv6 dstportstart='53'/></rule>
              <rule action='reject' direction='out'><mac protocolid='arp'/></rule>
            </filter>
            """)
        let rules = try NWFilterInstantiator { $0 == "rj" ? def : nil }.instantiate(
            NWFilterReference(filter: "rj"), mac: Self.mac)
        let script = try NWFilterNFTables.applyScript(tap: "vnet7", rules: rules)
        let mark = "counter meta mark set meta mark | 0x10000000 accept"
        let added = script.split(separator: "\n").compactMap { line in
            line.hasPrefix("add rule bridge swiftvirt_nwfilter ") ? line.dropFirst(35) : nil
        }
        #expect(added[0] == "vm-vnet7-I ether type ip meta l4proto tcp th sport 80 \(mark)")
        #expect(added[1] == "vm-vnet7-I ether type ip6 meta l4proto udp th dport 53 \(mark)")
        #expect(added[2] == "vm-vnet7-I ether type 0x806 counter drop")
        #expect(added[3] == "vm-vnet7-O ether type ip meta l4proto tcp th dport 80 counter drop")
        #expect(added.count == 4)
    }

    @Test func domainInterfaceKeepsItsFilterref() throws {
        let xml = """
            <domain type='kvm'><name>f</name><memory>65536</memory><os><type>hvm</type></os><devices>
            <interface type='network'><source network='default'/><mac address='52:54:00:01:02:03'/>
            <filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.9'/></filterref></interface>
            </devices></domain>
            """
        let def = try DomainXML.parse(xml)
        let nic = try #require(def.devices.interfaces.first)
        #expect(nic.filterRef == NWFilterReference(filter: "clean-traffic", parameters: [("IP", ["10.0.0.9"])]))
        let out = DomainXML.format(def)
        #expect(out.contains("""
                  <filterref filter='clean-traffic'>
                    <parameter name='IP' value='10.0.0.9'/>
                  </filterref>
            """), "\(out)")
    }
}
